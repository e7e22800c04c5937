"""The report's words for a sum rule: the arithmetic, with its signs, naming columns only."""

from synthgate.report._evaluation import rule_words, validation


def test_a_sum_reads_as_arithmetic_in_the_rules_table():
    # Setup
    summary = {"success": True, "evaluated": 1, "failed": 0, "outcomes": [], "rules": [
        {"rule": {"type": "sum", "column": "balance", "terms": ["loan_amount", "paid_principal"], "signs": [1, -1],
                  "tolerance": 0.005}, "real_share": 0.9993, "synthetic_share": 1.0, "passed": True}]}

    # Run
    rules = validation(summary, None)["rules"]

    # Assert
    assert rules == [("balance = loan_amount − paid_principal", "99.93%", "100.0%", True)]
    assert rule_words({"type": "sum", "column": "t", "terms": ["a", "b", "c"]}) == "t = a + b + c"
    assert rule_words({"type": "sum", "column": "t", "terms": ["a"], "signs": [-1]}) == "t = −a"

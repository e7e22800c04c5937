"""The report's table of data rules: each rule in words with its real and synthetic share, values never shown."""

from synthgate.report._evaluation import rule_words, validation


def test_rules_are_listed_in_words_with_both_shares():
    # Setup
    summary = {"success": False, "evaluated": 3, "failed": 1, "outcomes": [], "rules": [
        {"rule": {"type": "inequality", "low": "jail_in", "high": "jail_out"}, "real_share": 0.9995,
         "synthetic_share": 0.96, "passed": False},
        {"rule": {"type": "present_when", "column": "case_no", "other": "is_recid", "values": ["SECRET-LEVEL"]},
         "real_share": None, "synthetic_share": 1.0, "passed": True},
    ]}

    # Run
    rules = validation(summary, None)["rules"]

    # Assert
    assert rules == [("jail_in ≤ jail_out", "99.95%", "96.0%", False),
                     ("case_no is present exactly when is_recid takes one of 1 listed value", "not measured", "100.0%", True)]
    assert "SECRET-LEVEL" not in repr(rules)


def test_each_rule_type_has_words():
    # Run / Assert
    assert rule_words({"type": "equal", "columns": ["a", "b"]}) == "a = b"
    assert rule_words({"type": "determines", "by": ["dzgroup"], "column": "dzclass"}) == "dzclass is determined by dzgroup"
    assert rule_words({"type": "present_when", "column": "b", "other": "a"}) == "b is present exactly when a is present"
    assert rule_words({"type": "inequality", "low": "a", "high": "b", "strict": True}) == "a < b"


def test_a_release_without_rules_has_no_rules_table():
    # Run / Assert
    assert validation({"success": True, "evaluated": 1, "failed": 0, "outcomes": []}, None)["rules"] == []

"""Data rules: shares on hand-checkable frames, and detection that finds kept rules and only those."""

import time

import numpy as np
import pandas as pd
import pytest

from synthgate.expectations.errors import ValidationRunError
from synthgate.expectations.rules import detect_rules, rule_keeps, rule_label, rule_shares

N = 2_000


def _table(noise: float = 0.0, seed: int = 0) -> tuple[pd.DataFrame, dict[str, str]]:
    """A table keeping one rule of each type; ``noise`` breaks each in that share of rows."""
    rng = np.random.default_rng(seed)
    broken = lambda: rng.random(N) < noise  # noqa: E731 - a fresh set of broken rows per rule
    sub = rng.integers(0, 20, N)
    grade = np.array(list("ABCD"))[sub // 5]
    grade = np.where(broken(), np.array(list("ABCD"))[rng.integers(0, 4, N)], grade)
    grade = np.where((sub // 5 == 0) & (grade == "A") & broken(), "B", grade)
    amount = rng.gamma(2.0, 500.0, N).round(2)
    copy = np.where(broken(), amount + rng.choice([-1.0, 1.0], N), amount)
    start = pd.Timestamp("2020-01-01") + pd.to_timedelta(rng.integers(0, 900, N), unit="D")
    end = start + pd.to_timedelta(rng.integers(0, 400, N), unit="D")
    end = end.where(~broken(), start - pd.Timedelta(days=5))
    total = rng.integers(1, 40, N)
    opened = np.minimum(total, rng.integers(0, 30, N))
    opened = np.where(broken(), total + 3, opened)
    joint = rng.random(N) < 0.3
    app = np.where(joint, "joint", "individual")
    present = np.where(broken(), ~joint, joint)
    income = np.where(present, rng.gamma(3.0, 20_000.0, N).round(), np.nan)
    ratio_present = np.where(broken(), ~present, present)
    ratio = np.where(ratio_present, rng.random(N).round(3), np.nan)
    frame = pd.DataFrame({
        "sub_grade": [f"S{v:02d}" for v in sub], "grade": grade, "amount": amount, "amount_copy": copy,
        "start": start, "end": end, "total_lines": total, "open_lines": opened,
        "application": app, "joint_income": income, "joint_ratio": ratio,
        "noise_cat": rng.choice(["x", "y", "z"], N), "noise_num": rng.normal(size=N).round(2),
        "small": rng.integers(0, 10, N), "large": rng.integers(100, 200, N), "key": np.arange(N),
    })
    kinds = {c: "numerical" for c in frame}
    kinds.update({c: "categorical" for c in ("sub_grade", "grade", "application", "noise_cat")})
    kinds.update({"start": "datetime", "end": "datetime"})
    return frame, kinds


def _bodies(rules):
    return [{k: v for k, v in r.items() if k not in ("held", "reason")} for r in rules]


EXPECTED = [
    {"type": "equal", "columns": ["amount", "amount_copy"]},
    {"type": "determines", "by": ["sub_grade"], "column": "grade"},
    {"type": "inequality", "low": "start", "high": "end", "strict": False},
    {"type": "inequality", "low": "open_lines", "high": "total_lines", "strict": False},
    {"type": "present_when", "column": "joint_income", "other": "application", "values": ["joint"]},
    # joint_ratio is present exactly when joint_income is. It only looks like a function of
    # joint_income because every income is unique: no income repeats, so no determines rule.
    {"type": "present_when", "column": "joint_ratio", "other": "joint_income"},
]


def test_shares_on_a_four_row_frame_checked_by_hand():
    # Setup
    frame = pd.DataFrame({
        "a": [1.0, 2.0, None, 4.0], "b": [1.0, 3.0, None, None],
        "g": ["x", "x", "y", "y"], "h": ["p", "q", "r", "r"],
        "lo": [1, 5, 2, None], "hi": [2, 4, 2, 9],
        "kind": ["joint", "solo", "joint", "solo"],
    })
    rules = [
        {"type": "equal", "columns": ["a", "b"]},  # rows 0, 1, 3 apply (row 2: both null); row 0 keeps
        {"type": "determines", "by": ["g"], "column": "h"},  # x -> p or q: one of two rows breaks it
        {"type": "inequality", "low": "lo", "high": "hi"},  # rows 0-2 apply; row 1 breaks it
        {"type": "inequality", "low": "lo", "high": "hi", "strict": True},  # rows 1 and 2 break it
        {"type": "present_when", "column": "b", "other": "a"},  # row 3: a present, b not
        {"type": "present_when", "column": "a", "other": "kind", "values": ["joint"]},  # rows 1, 2, 3 break
    ]

    # Run
    shares = rule_shares(frame, rules)

    # Assert
    assert shares == pytest.approx([1 / 3, 3 / 4, 2 / 3, 1 / 3, 3 / 4, 1 / 4])
    applies, kept = rule_keeps(frame, rules[2])
    assert applies.tolist() == [True, True, True, False] and kept.tolist() == [True, False, True, False]


def test_boolean_values_match_true_as_written_in_yaml():
    # Setup
    frame = pd.DataFrame({"flag": [True, False, True], "n": [1.0, None, 2.0]})

    # Run / Assert
    assert rule_shares(frame, [{"type": "present_when", "column": "n", "other": "flag", "values": [True]}]) == [1.0]


def test_a_rule_naming_a_missing_column_names_the_column():
    # Run
    with pytest.raises(ValidationRunError) as caught:
        rule_shares(pd.DataFrame({"a": [1]}), [{"type": "inequality", "low": "a", "high": "zz"}])

    # Assert
    assert "zz" in str(caught.value) and "a <= zz" in str(caught.value)


def test_detection_finds_each_kind_of_rule_with_its_evidence():
    # Setup
    frame, kinds = _table()

    # Run
    rules = detect_rules(frame, kinds)

    # Assert
    bodies = _bodies(rules)
    for expected in EXPECTED:
        assert expected in bodies, expected
    assert all(r["held"] >= 0.999 for r in rules)
    assert all(f"of {N:,} rows" in r["reason"] for r in rules)
    assert rule_shares(frame, rules) == pytest.approx([r["held"] for r in rules])


def test_detection_finds_no_rule_broken_in_one_percent_of_rows():
    # Setup
    frame, kinds = _table(noise=0.01, seed=1)

    # Run
    bodies = _bodies(detect_rules(frame, kinds))

    # Assert
    for expected in EXPECTED:
        assert expected not in bodies, expected
    assert not [b for b in bodies if "amount_copy" in str(b) or b.get("column") == "grade"]


def test_detection_skips_keys_constants_disjoint_ranges_and_noise():
    # Setup
    frame, kinds = _table()

    # Run
    named = [str(r) for r in detect_rules(frame, kinds)]

    # Assert
    assert not [r for r in named if "'key'" in r]  # a key "determines" everything: not a rule
    assert not [r for r in named if "'small'" in r and "'large'" in r]  # disjoint ranges imply <=
    assert not [r for r in named if "noise_" in r]


def test_present_when_never_names_a_rare_level():
    # Setup: a third application type held by 3 rows also carries a joint income.
    frame, kinds = _table()
    rare = frame.index[frame["application"] == "individual"][:3]
    frame.loc[rare, "application"] = "RARE-CANARY"
    frame.loc[rare, "joint_income"] = 50_000.0
    frame.loc[rare, "joint_ratio"] = 0.5

    # Run
    default = _bodies(detect_rules(frame, kinds))
    looser = detect_rules(frame, kinds, min_held=0.998)

    # Assert: 3 of 2,000 rows break "present exactly when joint": under 99.9%, so not proposed
    assert not [b for b in default if b.get("other") == "application"]
    found = [r for r in looser if r.get("other") == "application"]
    assert found and found[0]["values"] == ["joint"]
    assert "RARE-CANARY" not in str(looser)


def test_detection_stays_fast_on_a_wide_table():
    # Setup: 56 columns x 10,000 rows (the width of the loans and ICU tables)
    rng = np.random.default_rng(3)
    base, kinds = _table()
    frame = pd.concat([base] * 5, ignore_index=True)
    for i in range(56 - frame.shape[1]):
        frame[f"extra_{i}"] = rng.integers(0, 50, len(frame)) if i % 2 else rng.choice(list("abcdefg"), len(frame))
        kinds[f"extra_{i}"] = "numerical" if i % 2 else "categorical"
    detect_rules(frame.head(100), kinds)  # warm imports

    # Run
    started = time.perf_counter()
    rules = detect_rules(frame, kinds)
    seconds = time.perf_counter() - started

    # Assert: ~1 s on 2 quiet cores; the bound leaves room for a shared machine
    assert frame.shape == (10_000, 56)
    assert seconds < 10, seconds
    assert {"type": "determines", "by": ["sub_grade"], "column": "grade"} in _bodies(rules)


def test_labels_name_columns_and_count_values():
    # Run / Assert
    assert rule_label({"type": "present_when", "column": "b", "other": "a", "values": ["SECRET", "X"]}) == (
        "b is present exactly when a takes one of 2 listed values")
    assert rule_label({"type": "determines", "by": ["a", "c"], "column": "b"}) == "a + c determines b"


def test_a_detected_set_is_one_every_generator_accepts():
    # Setup: b is a copy of a, c is determined by a, and b is present exactly when a is; the raw
    # findings would compute b twice and put a presence rule on a computed column.
    import numpy as np
    import pandas as pd

    from synthgate import generators
    from synthgate.expectations import detect_rules
    from synthgate.generators.rules import check_rules, parse_rules

    rng = np.random.default_rng(3)
    a = rng.choice(["x", "y", "z"], size=600).astype(object)
    a[rng.random(600) < 0.2] = None
    frame = pd.DataFrame({"a": a, "b": a.copy(), "c": pd.Series(a).map({"x": "p", "y": "q", "z": "q"}),
                          "n": rng.integers(0, 9, 600)})
    kinds = {"a": "categorical", "b": "categorical", "c": "categorical", "n": "numerical"}

    # Run
    rules = detect_rules(frame, kinds)

    # Assert: the generators' own check accepts the set, and the copy is still kept.
    check_rules(parse_rules(rules), generators.TableSchema.from_mapping(kinds))
    assert {"type": "equal", "columns": ["a", "b"]} in [{k: r[k] for k in ("type", "columns")} for r in rules
                                                         if r["type"] == "equal"]


@pytest.mark.parametrize(("members", "proposed"), [(3, False), (10, True)])
def test_a_dependency_is_proposed_only_on_values_that_repeat(members, proposed):
    """A household's expenditure "determines" anything constant within the household; with three
    members per household that is no evidence (and no generator could keep it for a new value)."""
    # Setup: 6,000 people in households of ``members``; region and spend are the household's own
    rng = np.random.default_rng(7)
    households = 6_000 // members
    spend = np.repeat(rng.permutation(np.arange(households) * 2.5 + 100.25), members)  # one value per household
    region = np.repeat(rng.choice([f"r{i}" for i in range(40)], households), members)
    frame = pd.DataFrame({"spend": spend, "region": region, "age": rng.integers(18, 90, households * members)})
    kinds = {"spend": "numerical", "region": "categorical", "age": "numerical"}

    # Run
    bodies = _bodies(detect_rules(frame, kinds))

    # Assert
    assert ({"type": "determines", "by": ["spend"], "column": "region"} in bodies) is proposed

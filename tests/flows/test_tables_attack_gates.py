"""The attacks per subject as publish gates of a tables release (flows/tasks_tables.py), judged like one table's."""
from __future__ import annotations

import pytest
import yaml

from synthgate.flows import tasks_tables
from synthgate.flows.spec import load_spec

from _tables_specs import clinic_spec

SPEC = clinic_spec()
INTEGRITY = [{"child": "visits", "column": "patient_id", "parent": "patients", "parent_column": "id",
              "synthetic": {"share": 1.0}}]


def _spec(tmp_path, evaluation: dict):
    path = tmp_path / "spec.yaml"
    path.write_text(yaml.safe_dump({**SPEC, "evaluation": evaluation}, sort_keys=False))
    return load_spec(path).spec


def _privacy(singling_out, linkability, inference, **extra) -> dict:
    figures = {"dcr_share": 0.5, "dcr_share_low": 0.46, "dcr_share_high": 0.54, "inference_risk_column": "age"}
    for name, (value, low, high) in (("singling_out", singling_out), ("linkability", linkability),
                                     ("inference", inference)):
        figures.update({f"{name}_risk": value, f"{name}_risk_low": low, f"{name}_risk_high": high})
    return {"patients": {**figures, **extra}}


@pytest.mark.parametrize(("figures", "accept", "verdicts"), [
    # all three narrow and under the bound
    (((0.0, 0.0, 0.03), (0.01, 0.0, 0.04), (0.02, 0.0, 0.08)), [], ["pass", "pass", "pass"]),
    # copies: the whole interval above the bound
    (((0.99, 0.98, 1.0), (0.95, 0.91, 0.99), (0.99, 0.98, 1.0)), [], ["fail", "fail", "fail"]),
    # a narrow interval across the bound: the estimate decides, as on one table
    (((0.08, 0.05, 0.11), (0.12, 0.09, 0.15), (0.0, 0.0, 0.05)), [], ["pass", "fail", "pass"]),
    # wider than the bound: inconclusive, blocking unless the spec accepts it by the single-table name
    (((0.0, 0.0, 0.03), (0.0, 0.0, 0.03), (0.1, 0.0, 0.4)), [], ["pass", "pass", "inconclusive"]),
    (((0.0, 0.0, 0.03), (0.0, 0.0, 0.03), (0.1, 0.0, 0.4)), ["inference_risk"], ["pass", "pass", "inconclusive"]),
])
def test_each_attack_per_subject_is_a_gate_judged_like_the_single_table_one(tmp_path, figures, accept, verdicts):
    # Setup
    spec = _spec(tmp_path, {"accept_inconclusive": ["dcr_share", *accept]})
    evaluation = {"integrity": INTEGRITY, "privacy": _privacy(*figures)}

    # Run
    gates = tasks_tables.relational_gates(evaluation, spec)
    blocking = tasks_tables.blocking_lines(gates)

    # Assert
    attacks = gates[2:]
    assert [g["metric"] for g in attacks] == ["subject_singling_out_risk_patients", "subject_linkability_risk_patients",
                                              "subject_inference_risk_patients"]
    assert [g["verdict"] for g in attacks] == verdicts
    assert [g["passed"] for g in attacks] == [v == "pass" or (v == "inconclusive" and bool(accept)) for v in verdicts]
    assert all(g["bound"] == 0.1 and g["operator"] == "<=" for g in attacks)
    assert "for age, where it is highest" in attacks[2]["description"]
    if "inconclusive" in verdicts and not accept:  # one line naming what the spec accepts
        assert len(blocking) == 1 and blocking[0].endswith("evaluation.accept_inconclusive: [inference_risk]")
        assert blocking[0].startswith("release_evaluation: subject_inference_risk_patients is inconclusive")
    else:
        assert blocking == []


def test_a_bound_set_to_null_an_attack_not_applicable_or_not_run_has_no_gate(tmp_path):
    # Setup
    spec = _spec(tmp_path, {"thresholds": {"linkability_risk_max": None}})
    measured = _privacy((0.0, 0.0, 0.03), (0.0, 0.0, 0.03), (None, None, None),
                        attack_not_applicable={"inference": "inference needs at least two columns"})
    before = {"patients": {"dcr_share": 0.5, "dcr_share_low": 0.46, "dcr_share_high": 0.54}}

    # Run
    gates = tasks_tables.relational_gates({"integrity": INTEGRITY, "privacy": measured}, spec)
    older = tasks_tables.relational_gates({"integrity": INTEGRITY, "privacy": before}, spec)

    # Assert: singling out only; an evaluation without attacks keeps its two gates
    assert [g["metric"] for g in gates] == ["referential_integrity_visits_patient_id", "subject_dcr_share_patients",
                                            "subject_singling_out_risk_patients"]
    assert [g["metric"] for g in older] == ["referential_integrity_visits_patient_id", "subject_dcr_share_patients"]


def test_an_attack_that_should_have_run_but_has_no_figure_blocks(tmp_path):
    # Setup: the figure is missing without a reason (an evaluation error would say why)
    spec = _spec(tmp_path, {})
    measured = _privacy((None, None, None), (0.0, 0.0, 0.03), (0.0, 0.0, 0.03))

    # Run
    gates = tasks_tables.relational_gates({"integrity": INTEGRITY, "privacy": measured}, spec)

    # Assert
    assert gates[2]["verdict"] == "unmeasured" and not gates[2]["passed"]
    assert tasks_tables.blocking_lines(gates) == [
        "release_evaluation: subject_singling_out_risk_patients could not be measured, and its bound applies"]


def test_gate_names_of_korean_columns_stay_apart_and_ascii_names_stay_as_they_were():
    # Setup / Run
    from synthgate.flows.tasks_tables import metric_name

    a, b = metric_name("referential_integrity", "postings", "군번"), metric_name("referential_integrity", "postings", "성명")

    # Assert: two Korean columns of one length were one name (referential_integrity_postings___); now two
    assert a != b and a.startswith("referential_integrity_postings___") and len(a) <= 64
    assert metric_name("referential_integrity", "visits", "id") == "referential_integrity_visits_id"
    assert metric_name("x" * 70) != metric_name("x" * 71) and len(metric_name("x" * 70)) <= 64

"""flows.audit.record: the one way release events reach the catalog's trail."""
from __future__ import annotations

import pytest

from synthgate import catalog
from synthgate.flows import audit
from synthgate.flows.errors import AuditTrailError


def test_record_names_the_release_and_withdrawn_is_an_event_of_its_own(tmp_path):
    # Run
    started = audit.record(tmp_path, "run_started", dataset="patients", version="1.0.0", run_id="r1",
                           spec_sha256="ab" * 32)
    withdrawn = audit.withdrawn(tmp_path, dataset="patients", version="1.0.0", by="kim.minji",
                                reason="licence named wrongly")

    # Assert
    assert [e["event"] for e in catalog.read_events(tmp_path)] == ["run_started", "withdrawn"]
    assert (started["dataset"], started["version"], started["run_id"], started["flow_run_id"]) == (
        "patients", "1.0.0", "r1", None)
    assert (withdrawn["by"], withdrawn["reason"], withdrawn["prev"]) == ("kim.minji", "licence named wrongly",
                                                                         started["sha256"])
    assert catalog.verify_chain(tmp_path).ok


def test_once_writes_an_event_once_per_flow_run_else_per_workspace_run(tmp_path):
    # Run: a resumed flow run repeats its events, perhaps from another workspace run
    first = audit.record(tmp_path, "gates", dataset="d", run_id="r1", flow_run_id="f1", once=True, passed=True)
    again = audit.record(tmp_path, "gates", dataset="d", run_id="r2", flow_run_id="f1", once=True, passed=True)
    plain = audit.record(tmp_path, "gates", dataset="d", run_id="r3", once=True, passed=True)
    plain_again = audit.record(tmp_path, "gates", dataset="d", run_id="r3", once=True, passed=True)

    # Assert
    assert again == first and plain_again == plain
    assert len(catalog.read_events(tmp_path)) == 2


@pytest.mark.parametrize(("event", "facts", "fragment"), [
    ("released", {}, "unknown audit event 'released'; allowed: run_started, gates"),
    ("gates", {"sample": {"age": 41}}, "sample: is a dict"),
    ("gates", {"comment": "x" * 600}, "at most 500"),
])
def test_a_refused_event_is_one_synthgate_error_and_writes_nothing(tmp_path, event, facts, fragment):
    # Run
    with pytest.raises(AuditTrailError) as caught:
        audit.record(tmp_path, event, dataset="d", **facts)

    # Assert
    assert fragment in str(caught.value) and caught.value.exit_code == 3
    assert not catalog.audit_path(tmp_path).exists() or catalog.read_events(tmp_path) == []


def test_a_blocked_validation_records_the_failed_gate_names_and_the_failure(small_release):
    # Setup: a workspace whose validation failed one expectation and whose evaluation failed one gate
    from synthgate.flows.errors import ValidationFailed
    from synthgate.flows.spec import load_spec
    from synthgate.flows.workspace import Workspace, write_json

    loaded = load_spec(small_release())
    ws = Workspace.for_run(loaded.workspace_dir, "patients", "1.0.0", "r1").create()
    write_json(ws.validation_summary, {"success": False, "evaluated": 3, "failed": 1, "outcomes": [
        {"suite": "synthetic", "expectation": "expect_column_values_to_be_in_set", "column": "sex", "success": False},
        {"suite": "synthetic", "expectation": "expect_table_row_count_to_equal", "column": None, "success": True}]})
    write_json(ws.evaluation, {"gates": [{"metric": "dcr_share", "verdict": "fail", "accepted": False},
                                         {"metric": "c2st_auc", "verdict": "inconclusive", "accepted": True},
                                         {"metric": "pair_trends", "verdict": "pass", "accepted": False}]})

    # Run
    with pytest.raises(ValidationFailed):
        with audit.release_events(loaded, ws):
            raise ValidationFailed(["synthetic: sex"], None)

    # Assert
    gates, failed = catalog.read_events(loaded.catalog_dir)
    assert gates["failed_gates"] == ["synthetic:expect_column_values_to_be_in_set:sex", "evaluation:dcr_share"]
    assert (gates["passed"], gates["expectations_failed"], gates["evaluation_gates"], gates["evaluation_gates_failed"]) \
        == (False, 1, 3, 1)
    assert (failed["event"], failed["error"], failed["exit_code"], failed["run_id"]) == ("run_failed",
                                                                                         "ValidationFailed", 1, "r1")

"""The multi-table release's stage helpers (flows/tasks_tables.py) and its refusals, without Prefect."""
from __future__ import annotations

import copy

import pandas as pd
import pytest
import yaml
from typer.testing import CliRunner

from synthgate import privacy
from synthgate.flows import tasks_tables
from synthgate.flows.cli import app
from synthgate.flows.errors import SpecError
from synthgate.flows.spec import load_spec

ID = {"kind": "id", "action": "pseudonymise"}
BASE = {
    "dataset": {"name": "clinic", "version": "1.0.0", "title": "Clinic", "licence": "CC-BY-4.0",
                "domain": "healthcare"},
    "tables": {
        "patients": {"source": {"path": "data/patients.csv"}, "primary_key": "id",
                     "columns": {"id": ID, "mrn": ID, "age": {"kind": "numerical", "action": "keep"},
                                 "born": {"kind": "datetime", "action": "date_shift"}}},
        "visits": {"source": {"path": "data/visits.csv"}, "primary_key": "visit_id", "sequence": {"order_by": "day"},
                   "columns": {"visit_id": ID, "patient_id": {**ID, "references": "patients.id"},
                               "day": {"kind": "numerical", "action": "keep"},
                               "seen": {"kind": "datetime", "action": "date_shift"},
                               "ward": {"kind": "categorical", "action": "keep"},
                               "note": {"kind": "text", "action": "drop"}}},
    },
    "privacy": {"date_shift": {"subject": "patients.id", "max_days": 30}},
    "sample": {"rows": 10},
    "output": {"catalog": "catalog", "workspace": "workspace"},
}


def _spec(tmp_path, change=None):
    spec = copy.deepcopy(BASE)
    if change:
        change(spec)
    path = tmp_path / "spec.yaml"
    path.write_text(yaml.safe_dump(spec, sort_keys=False))
    return load_spec(path)


def test_a_table_view_gives_each_table_its_own_date_shift_subject(tmp_path):
    # Setup
    spec = _spec(tmp_path).spec

    # Run
    patients, visits = tasks_tables.table_view(spec, "patients"), tasks_tables.table_view(spec, "visits")

    # Assert: the key in the subject's table, the referencing column in the child; columns of that table only
    assert patients.privacy.date_shift.subject == "id" and visits.privacy.date_shift.subject == "patient_id"
    assert list(visits.columns) == ["visit_id", "patient_id", "day", "seen", "ward", "note"]
    assert patients.tables is None and visits.source.path == "data/visits.csv"


def test_the_model_takes_keys_references_and_learned_columns_only(tmp_path):
    # Setup
    spec = _spec(tmp_path).spec

    # Run
    columns, kinds = tasks_tables.model_columns(spec), tasks_tables.model_kinds(spec)

    # Assert: the mrn (an id that is no key) and the text note are left to the flow, as for one table
    assert columns == {"patients": ["id", "age", "born"], "visits": ["visit_id", "patient_id", "day", "seen", "ward"]}
    assert kinds["visits"] == {"visit_id": "id", "patient_id": "id", "day": "numerical", "seen": "datetime",
                               "ward": "categorical"}


def test_one_key_links_tables_and_moves_a_subjects_dates_by_the_same_days(tmp_path):
    # Setup: patient 7's dates in both tables; plans per table view under one key
    spec = _spec(tmp_path).spec
    key = privacy.PseudonymKey.from_text("k" * 64)
    born, seen = pd.Timestamp("1960-01-01"), pd.Timestamp("2020-05-01")
    patients = pd.DataFrame({"id": ["7", "8"], "mrn": ["m1", "m2"], "age": [60, 70],
                             "born": [born, born]})
    visits = pd.DataFrame({"visit_id": ["a", "b"], "patient_id": [7, 7], "day": [0, 5],
                           "seen": [seen, seen + pd.Timedelta(days=5)], "ward": ["x", "y"], "note": ["n", "n"]})

    # Run
    p = tasks_tables._apply_view_plan(tasks_tables.table_view(spec, "patients"), patients, key).frame
    v = tasks_tables._apply_view_plan(tasks_tables.table_view(spec, "visits"), visits, key).frame

    # Assert: the key's pseudonym is the reference's; patient 7's offset is the same in both tables
    assert v["patient_id"].tolist() == [p["id"][0]] * 2 and p["id"][0] != "7"
    assert (p["born"][0] - born) == (v["seen"][0] - seen) != pd.Timedelta(0)
    assert (v["seen"][1] - v["seen"][0]) == pd.Timedelta(days=5)


def test_copies_go_with_their_children_and_fresh_ids_fill_the_other_identifiers(tmp_path):
    # Setup: synthetic patient s1 copies a training row (age, born); s2 does not
    spec = _spec(tmp_path).spec
    born = pd.Timestamp("1960-01-01")
    training = {"patients": pd.DataFrame({"id": ["t1"], "age": [60.0], "born": [born]}),
                "visits": pd.DataFrame({"visit_id": ["tv"], "patient_id": ["t1"], "day": [0.0], "seen": [born],
                                        "ward": ["x"]})}
    synthetic = {"patients": pd.DataFrame({"id": ["s1", "s2"], "age": [60.0, 61.0], "born": [born, born]}),
                 "visits": pd.DataFrame({"visit_id": ["v1", "v2", "v3"], "patient_id": ["s1", "s2", "s2"],
                                         "day": [1.0, 2.0, 3.0], "seen": [born] * 3, "ward": ["y"] * 3})}

    # Run
    kept, counts = tasks_tables.drop_copies(spec, synthetic, training)
    final = tasks_tables.finish_synthetic(spec, kept, {"patients": {"mrn": 0.0}}, seed=1)

    # Assert: s1 and its visit are gone (counted); every kept visit names a kept patient; the mrn is fresh
    assert kept["patients"]["id"].tolist() == ["s2"] and kept["visits"]["visit_id"].tolist() == ["v2", "v3"]
    assert counts == {"patients": {"copies": 1, "with_parent": 0}, "visits": {"copies": 0, "with_parent": 1}}
    assert list(final["patients"].columns) == ["id", "mrn", "age", "born"]
    assert final["patients"]["mrn"].notna().all() and not final["patients"]["mrn"].isin(["m1", "m2"]).any()
    assert "note" not in final["visits"].columns


@pytest.mark.parametrize(("share", "dcr", "accept", "verdicts"), [
    (1.0, (0.5, 0.45, 0.55), False, ["pass", "pass"]),
    (0.98, (0.5, 0.45, 0.55), False, ["fail", "pass"]),
    (1.0, (0.6, 0.5, 0.7), False, ["pass", "inconclusive"]),
    (1.0, (0.6, 0.5, 0.7), True, ["pass", "inconclusive"]),
    (1.0, (0.8, 0.7, 0.9), True, ["pass", "fail"]),
])
def test_the_gates_are_integrity_one_and_the_per_subject_dcr_bound(tmp_path, share, dcr, accept, verdicts):
    # Setup
    spec = _spec(tmp_path, lambda s: s.update(evaluation={"accept_inconclusive": ["dcr_share"] if accept else []}))
    figures = {"integrity": [{"child": "visits", "column": "patient_id", "parent": "patients",
                              "parent_column": "id", "synthetic": {"share": share}}],
               "privacy": {"patients": {"dcr_share": dcr[0], "dcr_share_low": dcr[1], "dcr_share_high": dcr[2]}}}

    # Run
    gates = tasks_tables.relational_gates(figures, spec.spec)

    # Assert: names GX takes, verdicts, and an inconclusive figure passes only when the spec accepts it
    assert [g["metric"] for g in gates] == ["referential_integrity_visits_patient_id", "subject_dcr_share_patients"]
    assert [g["verdict"] for g in gates] == verdicts
    assert gates[1]["passed"] == (verdicts[1] == "pass" or (verdicts[1] == "inconclusive" and accept))
    blocking = tasks_tables.blocking_lines(gates)
    if verdicts[1] == "inconclusive" and not accept:  # one line naming what the spec accepts
        assert len(blocking) == 1 and blocking[0].endswith("evaluation.accept_inconclusive: [dcr_share]")
    else:
        assert blocking == []


@pytest.mark.parametrize(("change", "where", "words"), [
    (lambda s: s.update(generator={"kind": "gaussian_copula"}), "generator.kind", "relational generator"),
    (lambda s: s.update(generator={"dp": {"epsilon": 0, "delta": 1e-5}}), "generator.params/generator.dp",
     "greater than 0"),
    (lambda s: (s.update(generator={"dp": {"epsilon": 1.0, "delta": 1e-5}}),
                s["tables"]["visits"]["columns"].update(referrer={**ID, "references": "patients.id"})),
     "generator.dp", "secondary link or a self-reference"),
    (lambda s: s["privacy"].update(additional_information={"path": "/tmp/elsewhere"}),
     "privacy.additional_information", "one table only"),
])
def test_a_tables_spec_refuses_what_the_release_cannot_do_in_one_line(tmp_path, change, where, words):
    # Setup / Run
    with pytest.raises(SpecError) as caught:
        _spec(tmp_path, change)

    # Assert
    assert caught.value.location == where and words in caught.value.problem and caught.value.exit_code == 2


def test_a_tables_spec_takes_dp_as_one_budget_per_subject(tmp_path):
    # Setup / Run: dp on a parent and its sequence of visits, whose order_by's range is declared
    dp = {"epsilon": 2.0, "delta": 1e-6, "domains": {"day": {"min": 0, "max": 5000}}}
    spec = _spec(tmp_path, lambda s: s.update(generator={"dp": dp})).spec

    # Assert: accepted; the train task hands it to the relational generator as params.dp
    assert spec.generator.dp == dp


def test_a_dp_sequence_without_a_declared_order_by_range_is_refused_at_load(tmp_path):
    # Setup / Run: dp on a parent and its sequence of visits by day, day's range not declared
    with pytest.raises(SpecError) as caught:
        _spec(tmp_path, lambda s: s.update(generator={"dp": {"epsilon": 2.0, "delta": 1e-6}}))

    # Assert: one line (exit 2) naming the sequence and what to declare, before any row is read
    assert caught.value.location == "generator.dp.domains" and caught.value.exit_code == 2
    assert "'visits' is a sequence by 'day'" in caught.value.problem
    assert caught.value.problem.endswith("declare dp.domains.day: {min, max}")


def test_run_stops_on_bad_data_before_prefect_starts(tmp_path, key_env):
    # Setup: a repeated primary key
    loaded = _spec(tmp_path)
    (tmp_path / "data").mkdir()
    pd.DataFrame({"id": [1, 1], "mrn": ["a", "b"], "age": [1, 2], "born": ["2000-01-01"] * 2}).to_csv(
        tmp_path / "data" / "patients.csv", index=False)
    pd.DataFrame({"visit_id": ["v"], "patient_id": [1], "day": [0], "seen": ["2020-01-01"], "ward": ["x"],
                  "note": ["n"]}).to_csv(tmp_path / "data" / "visits.csv", index=False)

    # Run
    ran = CliRunner().invoke(app, ["run", str(loaded.path), "--prefect-home", str(tmp_path / "prefect")])

    # Assert: exit 2, one line naming the key, no traceback, nothing written
    assert ran.exit_code == 2, ran.output
    assert "tables.patients.primary_key" in ran.stderr and "Traceback" not in ran.output
    assert len(ran.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "workspace").exists() and not (tmp_path / "prefect" / "prefect.db").exists()


def test_each_table_gets_its_single_table_fidelity_beside_the_multi_table_figures(tmp_path):
    # Setup: a training, synthetic and holdout side of both tables (learned columns as the model takes them)
    spec = _spec(tmp_path).spec
    days = pd.date_range("2020-01-01", periods=40, freq="D")

    def side(shift):
        patients = pd.DataFrame({"id": [f"p{i}" for i in range(40)], "age": [20.0 + i + shift for i in range(40)],
                                 "born": days})
        visits = pd.DataFrame({"visit_id": [f"v{i}" for i in range(40)], "patient_id": [f"p{i}" for i in range(40)],
                               "day": [float(i % 7) for i in range(40)], "seen": days,
                               "ward": ["a", "b"] * 20})
        return {"patients": patients, "visits": visits}

    # Run
    found = tasks_tables.table_fidelity(spec, side(0), side(1), side(0))

    # Assert: a score per table in [0, 1], keys never compared
    assert set(found) == {"patients", "visits"}
    for figures in found.values():
        assert 0.0 <= figures["column_shapes"] <= 1.0 and 0.0 <= figures["quality_score"] <= 1.0
    assert {c["column"] for c in found["visits"]["columns"]} <= {"day", "seen", "ward"}

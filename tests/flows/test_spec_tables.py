"""A spec with tables: is checked before anything runs (one line, exit 2), and its data checked by `check`."""
from __future__ import annotations

import copy

import pandas as pd
import pytest
import yaml
from typer.testing import CliRunner

from synthgate import privacy
from synthgate.flows import relations
from synthgate.flows.cli import app
from synthgate.flows.errors import InputError, SpecError
from synthgate.flows.preflight import preflight
from synthgate.flows.spec import TABLES_NOT_RELEASED, load_spec

ID = {"kind": "id", "action": "pseudonymise"}
BASE = {
    "dataset": {"name": "clinic", "version": "1.0.0", "title": "Clinic", "licence": "CC-BY-4.0",
                "domain": "healthcare"},
    "tables": {
        "patients": {"source": {"path": "data/patients.csv"}, "primary_key": "id",
                     "columns": {"id": ID, "age": {"kind": "numerical", "action": "keep"}}},
        "visits": {"source": {"path": "data/visits.csv"}, "primary_key": "visit_id",
                   "sequence": {"order_by": "day"},
                   "columns": {"visit_id": ID, "patient_id": {**ID, "references": "patients.id"},
                               "day": {"kind": "numerical", "action": "keep"},
                               "ward": {"kind": "categorical", "action": "keep"}}},
        "labs": {"source": {"path": "data/labs.csv"}, "orphans": "keep",
                 "columns": {"visit_id": {**ID, "references": "visits.visit_id"},
                             "value": {"kind": "numerical", "action": "keep"}}},
    },
    "sample": {"rows": 10},
    "output": {"catalog": "catalog", "workspace": "workspace"},
}


def _tables(tmp_path, **frames):
    """Write the three tables (replacing any given) under tmp_path/data."""
    data = tmp_path / "data"
    data.mkdir(exist_ok=True)
    tables = {
        "patients": pd.DataFrame({"id": [101, 102, 103, 104], "age": [30, 41, 52, 63]}),
        "visits": pd.DataFrame({"visit_id": ["v1", "v2", "v3", "v4", "v5"], "patient_id": [101, 101, 102, 103, 999],
                                "day": [0, 7, 0, 0, 3], "ward": ["a", "b", "a", "b", "a"]}),
        "labs": pd.DataFrame({"visit_id": ["v1", "v1", "v2", "v4"], "value": [1.5, 2.5, 3.5, 4.5]}),
    }
    tables.update(frames)
    for name, frame in tables.items():
        frame.to_csv(data / f"{name}.csv", index=False)


def _write(tmp_path, spec, name="spec.yaml"):
    path = tmp_path / name
    path.write_text(yaml.safe_dump(spec, sort_keys=False))
    return path


def _edit(change):
    spec = copy.deepcopy(BASE)
    change(spec)
    return spec


def test_a_valid_spec_gives_the_contract_values(tmp_path):
    # Setup
    path = _write(tmp_path, BASE)

    # Run
    spec = load_spec(path).spec

    # Assert: keys, links, sequences and kinds as the leaves take them; order parents first
    assert relations.keys(spec) == {"patients": "id", "visits": "visit_id", "labs": None}
    assert relations.links(spec) == [
        {"child": "visits", "column": "patient_id", "parent": "patients", "parent_column": "id"},
        {"child": "labs", "column": "visit_id", "parent": "visits", "parent_column": "visit_id"}]
    assert relations.sequences(spec) == {"visits": {"order_by": "day"}}
    assert relations.kinds(spec)["visits"]["ward"] == "categorical"
    assert relations.table_order(spec) == ["patients", "visits", "labs"]


def _cycle(s):
    s["tables"]["patients"]["columns"]["first_lab"] = {**ID, "references": "labs.lab_id"}
    s["tables"]["labs"]["primary_key"] = "lab_id"
    s["tables"]["labs"]["columns"]["lab_id"] = ID


def _too_deep(s):
    s["tables"]["labs"]["primary_key"] = "lab_id"
    s["tables"]["labs"]["columns"]["lab_id"] = ID
    s["tables"]["notes"] = {"source": {"path": "data/notes.csv"},
                            "columns": {"lab_id": {**ID, "references": "labs.lab_id"}}}


@pytest.mark.parametrize("change, location, words", [
    (lambda s: s.update(source={"path": "x.csv"}), "tables", "not both"),
    (lambda s: s["tables"]["visits"]["columns"]["patient_id"].update(references="people.id"),
     "tables.visits.columns.patient_id.references", "unknown table 'people'"),
    (lambda s: s["tables"]["visits"]["columns"]["patient_id"].update(references="patients.pid"),
     "tables.visits.columns.patient_id.references", "has no column 'pid'"),
    (lambda s: s["tables"]["visits"]["columns"]["patient_id"].update(references="patients.age"),
     "tables.visits.columns.patient_id.references", "is not a key"),
    (lambda s: s["tables"]["visits"]["columns"]["patient_id"].update(references="patients"),
     "tables.visits.columns.patient_id.references", "is not TABLE.COLUMN"),
    (lambda s: s["tables"]["visits"]["columns"]["patient_id"].update(kind="numerical", action="keep"),
     "tables.visits.columns.patient_id", "kind id with action pseudonymise"),
    (lambda s: s["tables"]["patients"].update(primary_key="pid"), "tables.patients.primary_key", "is not a column"),
    (_cycle, "tables", "patients -> labs -> visits -> patients"),
    (_too_deep, "tables.notes", "at most 3 levels"),
    (lambda s: s["tables"]["patients"].update(sequence={"order_by": "age"}), "tables.patients.sequence.order_by",
     "has no parent"),
    (lambda s: s["tables"]["visits"].update(sequence={"order_by": "admitted"}), "tables.visits.sequence.order_by",
     "'admitted' is not a column"),
    (lambda s: s["tables"]["visits"].update(sequence={"order_by": "ward"}), "tables.visits.sequence.order_by",
     "numerical or datetime"),
    (lambda s: s["tables"].update({"bad.name": s["tables"].pop("labs")}), "tables.bad.name", "no '.'"),
    (lambda s: s.update(rules=[{"type": "equal", "columns": ["a", "b"]}]), "rules", "not available yet"),
    (lambda s: s["tables"]["visits"].update(orphans="delete"), "tables.visits.orphans", "'drop' or 'keep'"),
    (lambda s: s.update(tables={}), "tables", "no table"),
])
def test_each_bad_tables_block_is_one_line_naming_where(tmp_path, change, location, words):
    # Setup
    path = _write(tmp_path, _edit(change))

    # Run
    with pytest.raises(SpecError) as caught:
        load_spec(path)

    # Assert: one line, the key path, and what is wrong
    message = str(caught.value)
    assert caught.value.location == location, message
    assert words in message and "\n" not in message
    assert caught.value.exit_code == 2


def test_a_table_named_twice_is_refused(tmp_path):
    # Setup: YAML keeps the last of two equal keys silently, so the text itself is read
    text = yaml.safe_dump(BASE, sort_keys=False)
    text = text.replace("  labs:\n", "  visits:\n")
    path = tmp_path / "twice.yaml"
    path.write_text(text)

    # Run
    with pytest.raises(SpecError) as caught:
        load_spec(path)

    # Assert
    assert caught.value.location == "tables.visits" and "named twice" in str(caught.value)


def test_a_spec_with_neither_form_names_what_is_missing(tmp_path):
    # Setup
    spec = _edit(lambda s: s.pop("tables"))

    # Run
    with pytest.raises(SpecError) as caught:
        load_spec(_write(tmp_path, spec))

    # Assert
    assert caught.value.location == "source" and "tables" in str(caught.value)


def test_date_shift_subject_is_the_persons_key_in_every_table(tmp_path):
    # Setup: visits get an admission date shifted per patient
    def shifted(s):
        s["tables"]["visits"]["columns"]["admitted"] = {"kind": "datetime", "action": "date_shift"}
        s["privacy"] = {"date_shift": {"subject": "patients.id"}}
    spec = load_spec(_write(tmp_path, _edit(shifted))).spec

    # Run
    subjects = relations.date_shift_subjects(spec)
    bad = _edit(lambda s: (shifted(s), s["privacy"]["date_shift"].update(subject="visits.day")))

    # Assert: visits shift with its patient_id; a subject that is no primary key is refused
    assert subjects == {"visits": "patient_id"}
    with pytest.raises(SpecError, match="is not a primary key"):
        load_spec(_write(tmp_path, bad, "bad.yaml"))


def test_keys_get_one_pseudonym_and_one_date_offset_in_every_table():
    # Setup: the same patients under another column name in the child, as text, an integer and an integral
    # float (what pandas reads from a key column with gaps)
    key = privacy.PseudonymKey(b"k" * 32)
    patients = pd.DataFrame({"id": [101, 102, 103], "born": pd.to_datetime(["1980-01-01"] * 3)})
    visits = pd.DataFrame({"patient_id": pd.Series(["103", 101, 101.0], dtype=object),
                           "admitted": pd.to_datetime(["2020-05-01", "2020-06-01", "2020-07-01"])})
    shift = privacy.DateShift(subject="id", max_days=180)

    # Run
    parent, _ = privacy.apply_plan(patients, privacy.PseudonymisationPlan(columns=[
        privacy.ColumnPlan("id", "id", "pseudonymise"), privacy.ColumnPlan("born", "datetime", "date_shift")],
        date_shift=shift), key)
    child, _ = privacy.apply_plan(visits, privacy.PseudonymisationPlan(columns=[
        privacy.ColumnPlan("patient_id", "id", "pseudonymise"),
        privacy.ColumnPlan("admitted", "datetime", "date_shift")],
        date_shift=privacy.DateShift(subject="patient_id", max_days=180)), key)

    # Assert: the child's keys are the parent's pseudonyms; each patient's dates moved by one offset
    assert child["patient_id"].tolist() == parent["id"].iloc[[2, 0, 0]].tolist()
    parent_offset = dict(zip(parent["id"], (parent["born"] - patients["born"]).dt.days))
    child_offset = (child["admitted"] - visits["admitted"]).dt.days
    assert [parent_offset[p] for p in child["patient_id"]] == child_offset.tolist()


def test_check_counts_orphans_and_ties_and_refuses_bad_keys(tmp_path, key_env):
    # Setup: visit v5 points at patient 999 (an orphan); patient 101 has two visits... and one tie below
    _tables(tmp_path)
    loaded = load_spec(_write(tmp_path, BASE))

    # Run
    report = relations.check_table_data(loaded)

    # Assert: counts, and what orphans: does; no value in any line
    assert report.rows == {"patients": 4, "visits": 5, "labs": 4}
    assert report.order == ["patients", "visits", "labs"]
    assert any("tables.visits.columns.patient_id: 1 of 5 keyed row(s) (1 distinct key(s)) match no patients.id; "
               "orphans: drop drops these rows" in w for w in report.warnings), report.warnings
    assert not any("999" in w or "v5" in w for w in report.warnings)

    # Run: a tie on order_by (patient 101 seen twice on day 0)
    _tables(tmp_path, visits=pd.DataFrame({"visit_id": ["v1", "v2", "v3"], "patient_id": [101, 101, 102],
                                           "day": [0, 0, 4], "ward": ["a", "b", "a"]}))
    ties = relations.check_table_data(loaded).warnings

    # Assert
    assert any("1 parent(s) have rows tied on 'day' (2 rows); tied rows keep their file order" in w for w in ties)

    # Run: one patient with 10,001 visits (the generator's limit is 10,000 children per parent)
    _tables(tmp_path, visits=pd.DataFrame({"visit_id": [f"v{i}" for i in range(10_001)], "patient_id": 101,
                                           "day": range(10_001), "ward": "a"}))
    crowded = relations.check_table_data(loaded).warnings

    # Assert
    assert any("tables.visits: one patients row has 10,001 visits rows (the most)" in w for w in crowded)


@pytest.mark.parametrize("frames, words", [
    ({"patients": pd.DataFrame({"id": [101, 101, 102], "age": [1, 2, 3]})},
     "tables.patients.primary_key: 'id' is missing in 0 row(s) and repeats in 1 row(s) of 3"),
    ({"labs": pd.DataFrame({"visit_id": ["x1", "x2"], "value": [1.0, 2.0]})},
     "tables.labs.columns.visit_id: none of its 2 keyed row(s) matches a visits.visit_id"),
    ({"labs": pd.DataFrame({"visit_id": pd.Series([], dtype=object), "value": pd.Series([], dtype=float)})},
     "a child table needs rows"),
    ({"visits": pd.DataFrame({"visit_id": ["v1"], "patient_id": [101], "day": [0]})},
     "tables.visits: columns in the spec but not in the data: ward"),
])
def test_check_refuses_bad_data_in_one_line(tmp_path, key_env, frames, words):
    # Setup
    _tables(tmp_path, **frames)
    loaded = load_spec(_write(tmp_path, BASE))

    # Run
    with pytest.raises(InputError) as caught:
        relations.check_table_data(loaded)

    # Assert
    assert words in str(caught.value) and caught.value.exit_code == 2


def test_check_passes_with_its_warning_and_names_run_as_the_way_to_release(tmp_path, key_env):
    # Setup
    _tables(tmp_path)
    path = _write(tmp_path, BASE)

    # Run (synthgate run releases a tables: spec: tests/e2e/test_tables_release.py)
    checked = CliRunner().invoke(app, ["check", str(path)])

    # Assert: check ok with its warning (deploy takes it too: tests/flows/test_tables_deploy_spec.py); nothing written
    assert checked.exit_code == 0, checked.output
    assert "ok: 3 tables (patients 4 rows, visits 5 rows, labs 4 rows)" in checked.stdout
    assert "note:" not in checked.stdout
    assert "orphans: drop drops these rows" in checked.stderr
    assert not (tmp_path / "workspace").exists() and not (tmp_path / "catalog").exists()


def test_the_single_table_preflight_refuses_a_tables_spec_in_one_line(tmp_path, key_env):
    # Setup: the path a deployment, the Python API and the ingest task take (they read one source)
    _tables(tmp_path)
    loaded = load_spec(_write(tmp_path, BASE))

    # Run
    with pytest.raises(SpecError) as caught:
        preflight(loaded)

    # Assert
    assert caught.value.location == "tables" and caught.value.problem == TABLES_NOT_RELEASED


def test_orphans_drop_removes_rows_and_their_children_and_blanks_secondary_keys(tmp_path):
    # Setup: visit v5 belongs to no patient and has a lab; patients refer to each other (a self-reference)
    spec = _edit(lambda s: s["tables"]["patients"]["columns"].update(
        referred_by={**ID, "references": "patients.id"}))
    loaded = load_spec(_write(tmp_path, spec))
    frames = {
        "patients": pd.DataFrame({"id": [101, 102], "age": [30, 40], "referred_by": [None, 777]}),
        "visits": pd.DataFrame({"visit_id": ["v1", "v5"], "patient_id": [101, 999], "day": [0, 1], "ward": ["a", "b"]}),
        "labs": pd.DataFrame({"visit_id": ["v1", "v5", "v9"], "value": [1.0, 2.0, 3.0]}),
    }

    # Run
    kept, counts = relations.resolve_orphans(loaded.spec, frames)

    # Assert: v5 dropped (drop), so its lab is an orphan too, but labs keep theirs (orphans: keep)
    assert kept["visits"]["visit_id"].tolist() == ["v1"]
    assert kept["labs"]["visit_id"].tolist() == ["v1", "v5", "v9"]
    assert kept["patients"]["referred_by"].isna().all() and len(kept["patients"]) == 2
    assert counts == {"patients.referred_by": {"orphan_rows": 1, "dropped_rows": 0, "blanked_keys": 1},
                      "visits.patient_id": {"orphan_rows": 1, "dropped_rows": 1, "blanked_keys": 0},
                      "labs.visit_id": {"orphan_rows": 2, "dropped_rows": 0, "blanked_keys": 0}}
    assert frames["visits"]["visit_id"].tolist() == ["v1", "v5"]  # the input is not modified

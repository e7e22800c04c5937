"""generator.train_rows with tables: training learns a seeded uniform sample of whole subjects (flows/tasks_tables.py)."""
from __future__ import annotations

import copy

import numpy as np
import pandas as pd
import pytest
import yaml

from synthgate.flows import tasks_tables
from synthgate.flows.spec import load_spec
from synthgate.generators.errors import GeneratorError
from synthgate.generators.relational import training_subjects

ID = {"kind": "id", "action": "pseudonymise"}
BASE = {
    "dataset": {"name": "clinic", "version": "1.0.0", "title": "Clinic", "licence": "CC-BY-4.0",
                "domain": "healthcare"},
    "tables": {
        "patients": {"source": {"path": "data/patients.csv"}, "primary_key": "id",
                     "columns": {"id": ID, "age": {"kind": "numerical", "action": "keep"}}},
        "visits": {"source": {"path": "data/visits.csv"}, "primary_key": "visit_id", "sequence": {"order_by": "day"},
                   "columns": {"visit_id": ID, "patient_id": {**ID, "references": "patients.id"},
                               "day": {"kind": "numerical", "action": "keep"}}},
        "labs": {"source": {"path": "data/labs.csv"},
                 "columns": {"visit_id": {**ID, "references": "visits.visit_id"},
                             "value": {"kind": "numerical", "action": "keep"}}},
    },
    "generator": {"seed": 7, "train_rows": 1000},
    "sample": {"rows": 10},
    "output": {"catalog": "catalog", "workspace": "workspace"},
}


def _spec(tmp_path, train_rows=1000):
    spec = copy.deepcopy(BASE)
    spec["generator"]["train_rows"] = train_rows
    path = tmp_path / "spec.yaml"
    path.write_text(yaml.safe_dump(spec, sort_keys=False))
    return load_spec(path).spec


def _tables(patients=400, seed=0):
    """Patients with 0-5 visits each, every visit with 0-2 labs, and one orphan visit (no patient)."""
    rng = np.random.default_rng(seed)
    ids = [f"p{i}" for i in range(patients)]
    per = rng.integers(0, 6, patients)
    owner = np.repeat(ids, per)
    visits = pd.DataFrame({"visit_id": [f"v{i}" for i in range(len(owner))], "patient_id": owner,
                           "day": rng.integers(0, 900, len(owner)).astype(float)})
    visits.loc[len(visits)] = {"visit_id": "v-orphan", "patient_id": "nobody", "day": 1.0}
    labs_per = rng.integers(0, 3, len(visits))
    labs = pd.DataFrame({"visit_id": np.repeat(visits["visit_id"].to_numpy(), labs_per),
                         "value": rng.normal(size=int(labs_per.sum()))})
    return {"patients": pd.DataFrame({"id": ids, "age": rng.integers(20, 90, patients)}), "visits": visits,
            "labs": labs}


def test_above_train_rows_whole_subjects_are_learned_and_counted(tmp_path):
    # Setup: about 3,200 rows over three tables, a limit of 1,000
    spec, tables = _spec(tmp_path), _tables()
    available = sum(len(f) for f in tables.values())

    # Run
    learned, facts = tasks_tables.learned_tables(spec, tables)

    # Assert: under the limit, a share of the subjects, every kept subject with all its visits and their labs
    total = sum(len(f) for f in learned.values())
    assert facts["sampled"] and facts["unit"] == "subject" and facts["limit"] == 1000
    assert 900 <= total <= 1000 == facts["limit"] and facts["learned_rows"] == total
    assert facts["available_rows"] == available and facts["available_subjects"] == 400
    assert facts["learned_subjects"] == len(learned["patients"]) < 400
    assert facts["tables"]["labs"] == {"learned_rows": len(learned["labs"]), "available_rows": len(tables["labs"])}
    kept = set(learned["patients"]["id"])
    real_visits = tables["visits"][tables["visits"]["patient_id"].isin(kept)]
    pd.testing.assert_frame_equal(learned["visits"], real_visits.reset_index(drop=True))  # all, in table order
    real_labs = tables["labs"][tables["labs"]["visit_id"].isin(set(real_visits["visit_id"]))]
    pd.testing.assert_frame_equal(learned["labs"], real_labs.reset_index(drop=True))
    assert "v-orphan" not in set(learned["visits"]["visit_id"])  # reaches no subject
    # Assert: the facts hold counts only, never a value
    assert not {"p1", "v1"} & {str(v) for v in _leaves(facts)}


def test_the_sample_is_uniform_over_subjects_and_follows_the_seed(tmp_path):
    # Setup
    spec, tables = _spec(tmp_path), _tables()

    # Run: the same seed twice; another seed
    first, _ = tasks_tables.learned_tables(spec, tables)
    again, _ = tasks_tables.learned_tables(spec, tables)
    other, _ = training_subjects(tables, [{"child": "visits", "column": "patient_id", "parent": "patients",
                                           "parent_column": "id"},
                                          {"child": "labs", "column": "visit_id", "parent": "visits",
                                           "parent_column": "visit_id"}], 1000, seed=8)

    # Assert: reproducible; another seed, other subjects; kept subjects span the table (not its first rows)
    pd.testing.assert_frame_equal(first["patients"], again["patients"])
    assert set(first["patients"]["id"]) != set(other["patients"]["id"])
    positions = first["patients"]["id"].str[1:].astype(int)
    assert positions.min() < 40 and positions.max() > 360
    # subjects' sizes are not biased much: mean visits per kept patient near the table's
    per_all = tables["visits"]["patient_id"].value_counts().reindex(tables["patients"]["id"], fill_value=0).mean()
    per_kept = first["visits"]["patient_id"].value_counts().reindex(first["patients"]["id"], fill_value=0).mean()
    assert abs(per_kept - per_all) < 0.5


@pytest.mark.parametrize("train_rows", [None, 100_000])
def test_tables_within_train_rows_are_learned_whole(tmp_path, train_rows):
    # Setup
    spec, tables = _spec(tmp_path, train_rows), _tables()

    # Run
    learned, facts = tasks_tables.learned_tables(spec, tables)

    # Assert: every row, orphan included (the generator counts it), nothing sampled
    assert not facts["sampled"] and facts["learned_rows"] == facts["available_rows"]
    assert all(learned[n] is tables[n] for n in tables)


def test_a_bad_limit_is_refused_in_one_line():
    # Setup / Run / Assert
    with pytest.raises(GeneratorError, match="positive integer"):
        training_subjects(_tables(10), [], 0, seed=0)


def _leaves(value):
    if isinstance(value, dict):
        for v in value.values():
            yield from _leaves(v)
    else:
        yield value


def test_the_run_summary_says_how_many_subjects_were_learned():
    # Setup: what release_tables returns (counts only), sampled and whole
    from rich.console import Console

    from synthgate.flows.summary import print_tables_summary

    result = {"published": {"release_dir": "catalog/clinic/1.0.0", "report": "catalog/clinic/1.0.0/report.html",
                            "table_rows": {"patients": 400, "visits": 1012}},
              "evaluation": {"gates": [{"metric": "referential_integrity_visits", "value": 1.0, "operator": ">=",
                                        "bound": 1.0, "verdict": "pass"}]},
              "training_sample": {"sampled": True, "learned_subjects": 143, "available_subjects": 400,
                                  "learned_rows": 998, "available_rows": 2811}}
    whole = {**result, "training_sample": {"sampled": False, "learned_subjects": 400}}
    outputs = []

    # Run
    for each in (result, whole):
        console = Console(record=True, width=200)
        print_tables_summary(console, each, 12.4)
        outputs.append(console.export_text())

    # Assert
    assert outputs[0].splitlines()[:2] == [
        "published catalog/clinic/1.0.0 in 12 s: patients 400 rows, visits 1,012 rows",
        "  trained on 143 of 400 subjects (998 of 2,811 rows of all tables, a uniform sample: generator.train_rows)"]
    assert "trained on" not in outputs[1] and "referential_integrity_visits 1 (>= 1): pass" in outputs[1]

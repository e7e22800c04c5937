"""The demos of several tables: the Korean defense demo end to end through the CLI, and the pbc and defense specs.

The end-to-end run (slow) is one subprocess shared by the module: `synthgate demo --dataset defense
--members 150` with the example spec re-pointed at a temporary folder and trained for a few epochs.
The fast tests check the drafted tables, the example specs (`synthgate check`, no run: the pbc and
nafld demos take minutes, docs/benchmarks.md) and the demo's refusals.
"""
from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest
import yaml
from typer.testing import CliRunner

from synthgate.flows import demo_tables
from synthgate.flows.cli import app
from synthgate.flows.demo_defense import defense_tables
from synthgate.flows.spec import load_spec
from synthgate.privacy import rrn_check_digit
from _prefect_home import migrated_home

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
MEMBERS = 150
TABLES = {"pbc": ("pbc", "pbcseq"), "nafld": ("nafld1", "nafld2", "nafld3"), "defense": ("members", "postings", "visits")}
runner = CliRunner()


def _repointed(dataset: str, folder: Path, **changes) -> Path:
    """The example spec with its sources under folder/data and its outputs under folder; returns its path."""
    spec = yaml.safe_load((EXAMPLES / f"{dataset}.yaml").read_text(encoding="utf-8"))
    for name, table in spec["tables"].items():
        table["source"]["path"] = f"data/{name}.csv"
    spec["output"] = {"catalog": "catalog", "workspace": "workspace"}
    for key, value in changes.items():
        spec[key] = {**spec.get(key, {}), **value}
    path = folder / f"{dataset}.yaml"
    path.write_text(yaml.safe_dump(spec, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


# ---------------------------------------------------------------- the drafted tables and the specs (fast)


def test_the_defense_tables_are_the_same_for_a_seed_and_shaped_as_documented():
    # Setup / Run: the same seed twice, another seed once
    first, again, other = defense_tables(60, seed=5), defense_tables(60, seed=5), defense_tables(60, seed=6)

    # Assert: reproducible, and a different seed draws different people
    for name in TABLES["defense"]:
        pd.testing.assert_frame_equal(first[name], again[name])
    assert not set(first["members"]["군번"]) & set(other["members"]["군번"])

    # Assert: identifiers in their formats (service number, RRN with its birth date and check digit, phone)
    members, postings, visits = first["members"], first["postings"], first["visits"]
    assert members["군번"].is_unique and members["군번"].str.fullmatch(r"\d{2}-\d{5,8}").all()
    for rrn in members["주민등록번호"]:
        digits = rrn.replace("-", "")
        century = 1900 if digits[6] in "12" else 2000
        dt.date(century + int(digits[:2]), int(digits[2:4]), int(digits[4:6]))  # a real calendar date
        assert digits[12] == rrn_check_digit(digits[:12])
    assert members["연락처"].str.fullmatch(r"010-\d{4}-\d{4}").all()
    assert members["성명"].str.fullmatch(r"[가-힣]{2,4}").all()

    # Assert: 1-6 postings per member, in order, not overlapping, only the last one open; the unit is the current one
    assert postings["군번"].isin(members["군번"]).all() and visits["군번"].isin(members["군번"]).all()
    counts = postings.groupby("군번").size()
    assert set(counts.index) == set(members["군번"]) and counts.between(1, 6).all()
    for serial, rows in postings.groupby("군번", sort=False):
        starts, ends = rows["전입일"].tolist(), rows["전출일"].tolist()
        assert starts == sorted(starts) and pd.isna(ends[-1]) and not any(pd.isna(e) for e in ends[:-1])
        assert all(ends[i] < starts[i + 1] and starts[i] <= ends[i] for i in range(len(rows) - 1))
        assert members.loc[members["군번"] == serial, "소속부대"].item() == rows["부대"].iloc[-1]

    # Assert: visits carry KCD-like codes; some notes repeat the member's name or phone (the redaction's work)
    assert visits["진단코드"].str.fullmatch(r"[A-Z]\d{2}(\.\d)?").all()
    names, phones = set(members["성명"]), set(members["연락처"])
    personal = visits["진료기록"].map(lambda note: any(v in note for v in names | phones))
    assert 0 < personal.sum() < len(visits)


@pytest.mark.parametrize("dataset", ["pbc", "nafld", "defense"])
def test_the_example_spec_passes_check_on_the_demo_tables(tmp_path, key_env, dataset):
    # Setup: the checked-in spec loads as it is; a copy re-pointed at a temporary folder; the demo's tables there
    assert set(load_spec(EXAMPLES / f"{dataset}.yaml").spec.tables) == set(TABLES[dataset])
    spec = _repointed(dataset, tmp_path)
    rows = demo_tables.write_tables(load_spec(spec), dataset, members=80)

    # Run
    result = runner.invoke(app, ["check", str(spec)], catch_exceptions=False)

    # Assert: every table read and checked, no run (nothing in the catalog)
    assert result.exit_code == 0, result.output
    assert f"ok: {len(TABLES[dataset])} tables" in result.stdout
    assert set(rows) == set(TABLES[dataset]) and all(rows.values())
    assert not (tmp_path / "catalog").exists()


def test_members_is_refused_for_a_demo_of_other_tables(tmp_path, monkeypatch):
    # Setup: a Prefect home of this test (the demo command sets it in the environment)
    monkeypatch.setenv("PREFECT_HOME", str(tmp_path / "prefect"))

    # Run
    result = runner.invoke(app, ["demo", "--dataset", "pbc", "--members", "10"], catch_exceptions=False)

    # Assert: one line, exit 2, nothing written
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert result.exit_code == 2 and lines == ["error: --members is an option of the defense demo, not of pbc"]
    assert not (tmp_path / "catalog").exists()


def test_the_defense_demo_refuses_a_spec_of_other_tables(tmp_path, monkeypatch):
    # Setup: the pbc spec given to the defense demo
    monkeypatch.setenv("PREFECT_HOME", str(tmp_path / "prefect"))
    spec = _repointed("pbc", tmp_path)

    # Run
    result = runner.invoke(app, ["demo", "--dataset", "defense", "--spec", str(spec)], catch_exceptions=False)

    # Assert: one line naming both sets of tables, exit 2, no table written
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert result.exit_code == 2, result.output
    assert len(lines) == 1 and lines[0].startswith("error: the defense demo writes the tables members, postings, "
                                                   "visits;") and lines[0].endswith("names pbc, pbcseq")
    assert not (tmp_path / "data").exists()


# ---------------------------------------------------------------- the defense demo end to end (slow)


@pytest.fixture(scope="module")
def released(tmp_path_factory):
    # Setup: the example spec re-pointed, 150 members, a few epochs; a fresh Prefect home, no key (the demo's own)
    folder = tmp_path_factory.mktemp("defense-demo")
    spec = _repointed("defense", folder, sample={"rows": MEMBERS},
                      generator={"params": {"max_epochs": 3, "hidden": 16}})
    env = {**os.environ, "PREFECT_HOME": str(migrated_home(folder / "prefect")),
           "PREFECT_SERVER_ANALYTICS_ENABLED": "false", "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "120",
           "TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS": "", "PYTHONUNBUFFERED": "1", "COLUMNS": "200"}
    for name in ("PREFECT_API_URL", "SYNTHGATE_PSEUDONYM_KEY"):
        env.pop(name, None)

    # Run: as a user starts it
    done = subprocess.run([sys.executable, "-m", "synthgate", "demo", "--dataset", "defense",
                           "--members", str(MEMBERS), "--spec", str(spec)], cwd=folder, env=env,
                          capture_output=True, text=True, timeout=600)
    return {"done": done, "folder": folder, "release": folder / "catalog" / "defense" / "1.0.0",
            "source": defense_tables(MEMBERS)}


@pytest.mark.slow
def test_the_defense_demo_publishes_one_parquet_per_table_linked_to_its_members(released):
    # Setup
    done, release = released["done"], released["release"]

    # Run: read back every published table
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    tables = {name: pq.read_table(release / f"{name}.parquet").to_pandas() for name in TABLES["defense"]}

    # Assert: the tables the demo wrote, one Parquet each; identifiers and the note left out
    assert f"demo: wrote members {MEMBERS} rows" in done.stdout
    assert sorted(p.name for p in release.glob("*.parquet")) == ["members.parquet", "postings.parquet",
                                                                 "visits.parquet"]
    assert set(tables["members"].columns) == {"군번", "계급", "군구분", "소속부대", "입대일", "혈액형"}
    assert set(tables["visits"].columns) == {"군번", "진료일", "진료과", "진단코드"}
    assert 0 < len(tables["members"]) <= MEMBERS and len(tables["postings"]) and len(tables["visits"])

    # Assert: every posting and visit references a published member
    members = set(tables["members"]["군번"])
    assert tables["members"]["군번"].is_unique
    for child in ("postings", "visits"):
        assert tables[child]["군번"].notna().all() and tables[child]["군번"].isin(members).all()


@pytest.mark.slow
def test_no_service_number_name_rrn_or_phone_of_the_source_reaches_a_published_file_or_the_output(released):
    # Setup: every identifier of the generated source (the same seed draws the same people)
    folder, source = released["folder"], released["source"]
    members = source["members"]
    pd.testing.assert_frame_equal(pd.read_csv(folder / "data" / "members.csv"), members)
    needles = {v for column in ("군번", "성명", "주민등록번호", "연락처") for v in members[column]}

    # Run: the bytes of every file under the catalog and Prefect's home (its database holds the flow's
    # parameters, task inputs and logs), every Parquet cell as text, and the run's output
    catalog = folder / "catalog"
    files = [p for p in catalog.rglob("*") if p.is_file()]
    prefect = [p for p in (folder / "prefect").rglob("*") if p.is_file()]
    hits = [str(p) for p in files + prefect if any(n.encode() in p.read_bytes() for n in needles)]
    cells = set()
    for path in catalog.rglob("*.parquet"):
        for row in pq.read_table(path).to_pandas().astype(str).itertuples(index=False):
            cells.update(row)
    output = released["done"].stdout + released["done"].stderr

    # Assert: nothing; and the search can fail (the raw table in the private workspace holds them)
    assert files and any(p.suffix == ".db" for p in prefect) and hits == [] and not cells & needles
    assert [n for n in needles if n in output] == []
    raw = pd.read_parquet(next((folder / "workspace").rglob("tables/members/raw.parquet")))
    assert set(members["군번"]) <= set(raw["군번"].astype(str))


@pytest.mark.slow
def test_a_members_dates_move_by_the_same_days_in_every_table(released):
    # Setup: the raw and pseudonymised tables the run kept in its private workspace
    tables = next((released["folder"] / "workspace").rglob("tables"))
    offsets = []
    for name, columns in {"members": ["입대일"], "postings": ["전입일", "전출일"], "visits": ["진료일"]}.items():
        raw, pseudonymised = (pd.read_parquet(tables / name / f"{step}.parquet") for step in ("raw", "pseudonymised"))

        # Run: each date's shift in days, beside the member's real service number
        for column in columns:
            shift = (pd.to_datetime(pseudonymised[column]) - pd.to_datetime(raw[column])).dt.days
            offsets.append(pd.DataFrame({"member": raw["군번"].astype(str), "days": shift}).dropna())

    # Assert: one offset per member across the three tables, within 30 days, not all zero; the key is a pseudonym
    by_member = pd.concat(offsets).groupby("member")["days"].nunique()
    assert (by_member == 1).all() and len(by_member) == MEMBERS
    days = pd.concat(offsets)["days"]
    assert days.abs().max() <= 30 and (days != 0).mean() > 0.5
    assert not set(pd.read_parquet(tables / "members" / "pseudonymised.parquet")["군번"]) & set(
        released["source"]["members"]["군번"])

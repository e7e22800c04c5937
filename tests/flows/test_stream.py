"""Streaming ingest and pseudonymisation (flows/stream.py, privacy/batches.py): the same tables as the in-memory
path, a bounded pseudonym cache, k-anonymity from grouped counts, and parse errors found past the sample."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest
import yaml
from prefect.logging import disable_run_logger
from typer.testing import CliRunner

from synthgate import privacy
from synthgate.flows import stream, tasks
from synthgate.flows.cli import app
from synthgate.flows.demo import covid_testing_table
from synthgate.flows.errors import SourceError
from synthgate.flows.sources import read_source
from synthgate.flows.spec import load_spec
from synthgate.flows.tables import coerce_kinds
from synthgate.flows.workspace import Workspace, read_json

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "covid_testing.yaml"
KEY = privacy.PseudonymKey(b"stream-test-key-0123456789abcdef-0123")


def _same_parquet(left: Path, right: Path) -> None:
    """Equal values and dtypes read back, and equal Arrow column types in the files."""
    assert pq.read_schema(left).remove_metadata() == pq.read_schema(right).remove_metadata()
    pd.testing.assert_frame_equal(pd.read_parquet(left), pd.read_parquet(right))


@pytest.fixture(scope="module")
def demo_runs(tmp_path_factory):
    """The demo spec on 400 rows of covid_testing (its free-text column dropped), run through the real ingest
    and pseudonymise tasks twice: in memory (the default below 256 MiB) and streamed in batches of 64 rows
    (SYNTHGATE_STREAM_BYTES=0)."""
    root = tmp_path_factory.mktemp("demo")
    source = root / "covid.csv"
    covid_testing_table().sample(n=400, random_state=7).to_csv(source, index=False)
    spec = yaml.safe_load(EXAMPLE.read_text())
    spec["source"]["path"] = str(source)
    spec["output"] = {"catalog": str(root / "catalog"), "workspace": str(root / "workspace")}
    # Without the Presidio model here (the every-action test below redacts); quasi-identifiers that
    # meet k=2 as they are, so that the risk comes from the grouped counts (steps run in memory).
    spec["columns"]["note"] = {"kind": "text", "action": "drop"}
    spec["risk"].update({"k": 2, "quasi_identifiers": ["gender", "result"],
                         "steps": [step for step in spec["risk"]["steps"] if step["step"] != "generalise"]})
    (root / "spec.yaml").write_text(yaml.safe_dump(spec, sort_keys=False))
    loaded = load_spec(root / "spec.yaml")
    patch = pytest.MonkeyPatch()
    patch.setenv("SYNTHGATE_PSEUDONYM_KEY", "stream-test-key-0123456789abcdef-0123")
    runs = {}
    try:
        for name, threshold, batch in (("memory", str(1 << 40), stream.BATCH_ROWS), ("stream", "0", 64)):
            patch.setenv("SYNTHGATE_STREAM_BYTES", threshold)
            patch.setattr(stream, "BATCH_ROWS", batch)
            ws = Workspace.for_run(loaded.workspace_dir, "covid", "1.0.0", name).create()
            with disable_run_logger():
                tasks.ingest.fn(loaded, ws)
                tasks.pseudonymise.fn(loaded, ws)
            runs[name] = ws
    finally:
        patch.undo()
    return runs


def test_the_demo_table_streamed_gives_the_in_memory_tables(demo_runs):
    # Setup: the module fixture ran both paths on the same source and key
    memory, streamed = demo_runs["memory"], demo_runs["stream"]

    # Assert: the typed and the pseudonymised tables (and what follows from them) are equal;
    # the report is the same apart from saying where the risk was measured
    for table in ("raw_table", "pseudonymised_table", "training_table", "holdout_table"):
        _same_parquet(getattr(memory, table), getattr(streamed, table))
    assert read_json(memory.ingest_facts) == read_json(streamed.ingest_facts)
    expected, got = read_json(memory.privacy_report), read_json(streamed.privacy_report)
    assert got["risk"].pop("measured_on") == "grouped counts"
    assert got == expected


def _every_action_table(rows: int = 240) -> pd.DataFrame:
    rng = np.random.default_rng(5)
    frame = pd.DataFrame({
        "patient": [f"P{i % 90:04d}" for i in range(rows)],
        "mrn": [f"00{i:06d}" if i % 9 else "" for i in range(rows)],  # leading zeros, a few empty
        "name": rng.choice(["Kim", "Lee", "Park", "Choi"], rows),
        "age": rng.integers(0, 99, rows),
        "income": np.where(rng.random(rows) < 0.05, np.nan, rng.normal(50_000, 9_000, rows).round(2)),
        "visits": [str(v) if i != rows - 3 else "" for i, v in enumerate(rng.integers(0, 20, rows))],  # a null late
        "admitted": pd.Timestamp("2021-01-01") + pd.to_timedelta(rng.integers(0, 900, rows), unit="D"),
        "born": pd.Timestamp("1950-01-01") + pd.to_timedelta(rng.integers(0, 20_000, rows), unit="D"),
        "ward": rng.choice(["A", "B", "C", "D", "rare1", "rare2"], rows, p=[.3, .3, .2, .18, .01, .01]),
        "smoker": rng.choice(["true", "false", ""], rows),
        "insured": rng.choice([True, False], rows),
        "note": [f"seen {i}, called back" if i % 4 else "" for i in range(rows)],
        "address": rng.choice(["서울특별시 강남구 테헤란로 1", "경기도 성남시 분당구 판교로 2", "부산광역시 해운대구 3",
                               "somewhere else", ""], rows),
    })
    return frame


_ACTIONS = [  # (column, kind, action, rule)
    ("patient", "id", "pseudonymise", None), ("mrn", "id", "pseudonymise", None), ("name", "categorical", "drop", None),
    ("age", "numerical", "generalise", {"rule": "age_band", "width": 10, "top": 80}),
    ("income", "numerical", "generalise", {"rule": "top_bottom_code", "upper_quantile": 0.95, "lower_quantile": 0.05}),
    ("visits", "numerical", "keep", None), ("admitted", "datetime", "date_shift", None),
    ("born", "datetime", "generalise", {"rule": "date_truncate", "unit": "year"}),
    ("ward", "categorical", "generalise", {"rule": "merge_rare", "min_count": 5, "other_label": "other"}),
    ("smoker", "boolean", "keep", None), ("insured", "boolean", "keep", None), ("note", "text", "redact_text", None),
    ("address", "categorical", "generalise", {"rule": "address_level", "level": "sigungu"}),
]


def _plan() -> privacy.PseudonymisationPlan:
    columns = tuple(privacy.ColumnPlan(c, k, a, rule=privacy.parse_rule(r) if r else None) for c, k, a, r in _ACTIONS)
    return privacy.PseudonymisationPlan(columns, date_shift=privacy.DateShift(subject="patient", max_days=30))


def test_a_table_with_every_streamable_action_gives_the_in_memory_values(tmp_path):
    # Setup: a CSV whose columns take every action but surrogate, with nulls that fall in some batches only
    source = tmp_path / "every.csv"
    _every_action_table().to_csv(source, index=False)
    kinds = {c: k for c, k, _, _ in _ACTIONS}

    # Run: in memory (read_source, coerce_kinds, apply_plan) and in batches of 25 rows
    frame, _ = read_source(str(source))
    coerce_kinds(frame, kinds).to_parquet(tmp_path / "raw-memory.parquet", index=False)
    applied = privacy.apply_plan(pd.read_parquet(tmp_path / "raw-memory.parquet"), _plan(), KEY)
    applied.frame.to_parquet(tmp_path / "out-memory.parquet", index=False)
    scan = stream.scan_source(str(source), batch_rows=25, sample_rows=30)
    stream.ingest_batches(scan, kinds, None, tmp_path / "raw-stream.parquet", batch_rows=25)
    streamed = stream.pseudonymise_batches(tmp_path / "raw-stream.parquet", tmp_path / "out-stream.parquet",
                                           _plan(), KEY, batch_rows=25, cache_entries=16)

    # Assert
    _same_parquet(tmp_path / "raw-memory.parquet", tmp_path / "raw-stream.parquet")
    _same_parquet(tmp_path / "out-memory.parquet", tmp_path / "out-stream.parquet")
    assert streamed.report.to_dict() == applied.report.to_dict()
    assert streamed.rows == 240 and len(scan.sample) == 30


def test_surrogates_and_reidentification_tables_are_not_streamed():
    # Setup
    surrogate = privacy.PseudonymisationPlan((privacy.ColumnPlan(
        "phone", "id", "surrogate", surrogate=privacy.DigitsSurrogate()),))
    reversible = privacy.PseudonymisationPlan((privacy.ColumnPlan("id", "id", "pseudonymise"),), reversible=True)

    # Run / Assert: the reason names the column or the setting; PlanStream refuses the plan
    assert "phone" in privacy.streaming_obstacle(surrogate) and "surrogate" in privacy.streaming_obstacle(surrogate)
    assert "additional_information" in privacy.streaming_obstacle(reversible)
    with pytest.raises(ValueError, match="cannot be applied in batches"):
        privacy.PlanStream(surrogate, KEY)


def test_a_cache_smaller_than_the_distinct_ids_gives_the_same_pseudonyms():
    # Setup: 1,000 distinct identifiers, each seen twice, far apart; a cache of 10 entries
    values = pd.Series([f"ID-{i}" for i in range(1000)] * 2 + [None])
    plan = privacy.PseudonymisationPlan((privacy.ColumnPlan("id", "id", "pseudonymise"),))
    planned = privacy.PlanStream(plan, KEY, cache_entries=10)

    # Run: batches of 37 rows
    parts = [planned.apply(values.iloc[i:i + 37].to_frame("id")) for i in range(0, len(values), 37)]

    # Assert: the pseudonyms equal the whole-column ones; the cache stayed within its bound and had to
    # hash forgotten identifiers again; the distinct count is exact
    got = pd.concat(parts, ignore_index=True)["id"]
    pd.testing.assert_series_equal(got, privacy.pseudonymise_series(values, KEY).rename("id"))
    assert len(planned.cache) <= 10 and planned.cache.misses == 2000
    assert planned.report().columns[0].distinct_pseudonyms == 1000
    assert "ID-" not in repr(planned.cache)


@pytest.mark.parametrize("sensitive", [None, "diagnosis"])
def test_k_anonymity_from_grouped_counts_equals_the_whole_frame(sensitive):
    # Setup: quasi-identifiers with nulls (a value of their own), a categorical and a datetime among them
    rng = np.random.default_rng(11)
    rows = 5_000
    frame = pd.DataFrame({
        "age": rng.integers(0, 30, rows).astype("float64"),
        "sex": rng.choice(["F", "M", None], rows, p=[.49, .49, .02]),
        "month": pd.Timestamp("2020-01-01") + pd.to_timedelta(rng.integers(0, 12, rows) * 30, unit="D"),
        "band": pd.Categorical(rng.choice(["a", "b", "c"], rows), categories=["a", "b", "c", "d"]),
        "diagnosis": rng.choice(["x", "y", "z", None], rows),
    })
    frame.loc[rng.random(rows) < 0.03, "age"] = np.nan
    qis = ["age", "sex", "month", "band"]

    # Run: counts per batch of 700 rows, merged
    counts = privacy.merge_class_counts(*(privacy.class_counts(frame.iloc[i:i + 700], qis, sensitive=sensitive)
                                          for i in range(0, rows, 700)))
    grouped = privacy.measure_grouped_risk(counts, qis, sensitive=sensitive)

    # Assert: every figure, the histogram included
    assert grouped == privacy.measure_risk(frame, qis, sensitive=sensitive)
    assert grouped.k >= 1 and grouped.classes > 100


def _deep_error_csv(path: Path, rows: int = 30_000, bad_line: int = 25_001) -> None:
    lines = ["id,value,group"] + [f"{i},{i % 97},{'abc'[i % 3]}" for i in range(rows)]
    lines[bad_line - 1] = "7,8,9,10"  # four fields: line numbers count the header as line 1
    path.write_text("\n".join(lines) + "\n")


def test_a_parse_error_past_the_sample_is_found_with_its_line(tmp_path):
    # Setup
    source = tmp_path / "deep.csv"
    _deep_error_csv(source)

    # Run
    with pytest.raises(SourceError) as raised:
        stream.scan_source(str(source), sample_rows=100, batch_rows=1_000)

    # Assert: the line and the counts, the cause and the fix; no cell
    message = str(raised.value)
    assert "line 25001 has 4 fields where the header has 3" in message and "source.delimiter" in message
    assert "7,8,9,10" not in message


def test_check_refuses_a_streamed_source_broken_past_the_sample_in_one_line(tmp_path, key_env, monkeypatch):
    # Setup: a spec for a CSV that breaks on line 25,001, past a sample of 100 rows; every source streamed
    source = tmp_path / "deep.csv"
    _deep_error_csv(source)
    spec = {"dataset": {"name": "deep", "version": "1.0.0", "title": "Deep", "description": "test",
                        "licence": "CC-BY-4.0", "domain": "healthcare"},
            "source": {"path": str(source)},
            "output": {"catalog": str(tmp_path / "catalog"), "workspace": str(tmp_path / "workspace")},
            "columns": {"id": {"kind": "id", "action": "pseudonymise"}, "value": {"kind": "numerical",
                                                                               "action": "keep"},
                        "group": {"kind": "categorical", "action": "keep"}},
            "generator": {"kind": "gaussian_copula"}, "sample": {"rows": 100}}
    path = tmp_path / "spec.yaml"
    path.write_text(yaml.safe_dump(spec))
    monkeypatch.setenv("SYNTHGATE_STREAM_BYTES", "0")
    monkeypatch.setattr(stream, "SAMPLE_ROWS", 100)

    # Run
    result = CliRunner().invoke(app, ["check", str(path)], catch_exceptions=False)

    # Assert: exit 2, one line naming the file and the line, no traceback
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert result.exit_code == 2, result.output
    assert len(lines) == 1 and str(source) in lines[0] and "line 25001" in lines[0], lines
    assert "Traceback" not in result.output


def test_csv_types_are_decided_over_the_whole_file_as_pyarrow_does(tmp_path):
    # Setup: columns whose type only the last rows decide, and pyarrow's other inference cases
    n = 600
    columns = {
        "ints": [str(i) for i in range(n)],
        "ints_then_float": [str(i) for i in range(n - 1)] + ["2.5"],
        "bits_then_bool": ["1", "0"] * (n // 2 - 1) + ["true", "false"],
        "fives_then_bool": ["5"] * (n - 1) + ["true"],
        "zero_late": [str(100 + i) for i in range(n - 1)] + ["007"],
        "wide_digits": [str(10**11 + i) for i in range(n)],
        "dates": ["2020-01-%02d" % (i % 28 + 1) for i in range(n)],
        "date_then_time": ["2020-01-01"] * (n - 1) + ["2020-01-01 10:00:00"],
        "seconds_then_fraction": ["2020-01-01 10:00:00"] * (n - 1) + ["2020-01-01 10:00:00.25"],
        "times": ["10:%02d" % (i % 60) for i in range(n)],
        "zoned": ["2020-01-01T10:00:00+09:00"] * n,
        "padded": [" %d" % i for i in range(n)],
        "null_late": [str(i) for i in range(n - 1)] + [""],
        "empty": [""] * n,
        "na_tokens": ["NA" if i % 7 == 0 else "x%d" % i for i in range(n)],
        "bool_nulls": ["true", "false", ""] * (n // 3),
        "text_late": [str(i) for i in range(n - 1)] + ["abc"],
    }
    source = tmp_path / "tricky.csv"
    pd.DataFrame(columns).to_csv(source, index=False)

    # Run
    whole = pacsv.read_csv(source, convert_options=pacsv.ConvertOptions(strings_can_be_null=True))
    scan = stream.scan_source(str(source), batch_rows=50)
    frames = list(stream.iter_frames(scan, batch_rows=50))

    # Assert: pyarrow's own type for each column (digit identifiers stay text, as read_source keeps them),
    # and the batches together equal read_source's frame
    expected = [str(t) for t in whole.schema.types]
    got = [str(f.type) for f in scan.arrow_schema]
    kept_as_text = {"zero_late", "wide_digits"}
    assert [g for g, n in zip(got, scan.headers) if n not in kept_as_text] == \
        [e for e, n in zip(expected, scan.headers) if n not in kept_as_text]
    assert {n: g for n, g in zip(scan.headers, got)}["zero_late"] == "string"
    assert len(frames) == 12
    pd.testing.assert_frame_equal(pd.concat(frames, ignore_index=True), read_source(str(source))[0])
    assert json.dumps(scan.facts().to_dict())  # counts and hashes only


@pytest.mark.parametrize("form", ["cp949 csv", "csv.gz", "parquet"])
def test_other_encodings_gzip_and_parquet_stream_to_read_sources_frame(tmp_path, form):
    # Setup: the Korean demo table in CP949, the covid table gzipped and as Parquet (pandas' dtypes in its metadata)
    import gzip

    from synthgate.flows.demo_korean import korean_clinic_table

    encoding = "cp949" if form == "cp949 csv" else "utf-8"
    if form == "cp949 csv":
        source = tmp_path / "clinic.csv"
        korean_clinic_table(rows=300).to_csv(source, index=False, encoding="cp949")
    elif form == "csv.gz":
        source = tmp_path / "covid.csv.gz"
        with gzip.open(source, "wt", encoding="utf-8") as handle:
            covid_testing_table().head(500).to_csv(handle, index=False)
    else:
        source = tmp_path / "covid.parquet"
        covid_testing_table().head(500).to_parquet(source, index=False)

    # Run
    expected, facts = read_source(str(source), encoding=encoding)
    scan = stream.scan_source(str(source), encoding=encoding, batch_rows=60)
    got = pd.concat(list(stream.iter_frames(scan, batch_rows=60)), ignore_index=True)

    # Assert
    pd.testing.assert_frame_equal(got, expected)
    assert scan.facts() == facts


def test_a_batch_that_does_not_convert_to_the_decided_type_is_one_line_without_the_cell():
    # Setup: a scan that decided int64 for a column, and a batch of it holding text (a file changed mid-read)
    import pyarrow as pa

    scan = stream.SourceScan("data/x.csv", [], [], ",", "utf-8", ["a"], ["a"], (), ["int64"],
                             pa.schema([("a", pa.int64())]), [0], 1, "", 0, pd.DataFrame())
    batch = pa.record_batch([pa.array(["Kim Minsu"])], names=["a"])

    # Run
    with pytest.raises(SourceError) as raised:
        stream._to_frame(scan, batch)

    # Assert
    assert "column 'a' was read as int64" in str(raised.value) and "Kim" not in str(raised.value)

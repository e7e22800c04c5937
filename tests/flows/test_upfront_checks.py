"""`check` (and `run`, which runs the same preflight) refuses up front, in one line with exit code 2, what
would otherwise fail after training: folders that take no file, a table too wide for the generator,
time-zone-aware timestamps, nested Parquet columns, and tables too small or too rare to learn from."""
from __future__ import annotations

import os

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import yaml
from typer.testing import CliRunner

from synthgate import generators
from synthgate.flows import table_shape
from synthgate.flows.cli import app
from synthgate.flows.errors import InputError
from synthgate.flows.timezones import align_timezones

runner = CliRunner()
AS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0


def _run(*args):
    return runner.invoke(app, list(args), catch_exceptions=False)


def _refused(result, *fragments):
    """Exit 2, one line on stderr holding every fragment, nothing published; returns the line."""
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert result.exit_code == 2, result.output
    assert len(lines) == 1, lines
    assert lines[0].startswith("error: ")
    for fragment in fragments:
        assert fragment in lines[0], lines[0]
    return lines[0]


def _table(small_release, frame: pd.DataFrame, columns: dict, **overrides):
    """The small release re-pointed at ``frame`` (a CSV) with the given column plan."""
    frame.to_csv(small_release.source, index=False)
    return small_release(columns=columns, **overrides)


# --- folders -------------------------------------------------------------------------------------


@pytest.mark.parametrize("command", ["check", "run"])
@pytest.mark.parametrize("key", ["catalog", "workspace"])
def test_an_output_folder_below_a_file_is_refused(small_release, key_env, command, key):
    # Setup: the folder's parent is a regular file (fails for root too)
    (small_release.tmp_path / "plain-file").write_text("not a folder")
    spec = small_release(**{f"output.{key}": "plain-file/out"})

    # Run
    result = _run(command, str(spec))

    # Assert
    line = _refused(result, f"output.{key}", "ENOTDIR", "plain-file", "point")
    assert "Traceback" not in result.output and line.count("error:") == 1


@pytest.mark.skipif(AS_ROOT, reason="root writes into any folder")
@pytest.mark.parametrize("key", ["catalog", "workspace"])
def test_an_output_folder_without_write_permission_is_refused(small_release, key_env, key):
    # Setup
    folder = small_release.tmp_path / key
    folder.mkdir()
    folder.chmod(0o555)
    spec = small_release()

    # Run
    try:
        result = _run("run", str(spec))
    finally:
        folder.chmod(0o755)

    # Assert
    _refused(result, f"output.{key}", "EACCES", str(folder), "writable")


def test_a_writable_catalog_leaves_no_probe_behind(small_release, key_env):
    # Setup
    (small_release.tmp_path / "catalog").mkdir()

    # Run
    result = _run("check", str(small_release()))

    # Assert
    assert result.exit_code == 0, result.output
    assert list((small_release.tmp_path / "catalog").iterdir()) == []
    assert not (small_release.tmp_path / "workspace").exists()


# --- width ---------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def wide_release(tmp_path_factory):
    """5,000 numerical columns (two rows): the autoregressive generator would need about 270 GB."""
    root = tmp_path_factory.mktemp("wide")
    names = [f"c{i}" for i in range(5000)]
    pd.DataFrame(np.arange(10_000).reshape(2, 5000), columns=names).to_csv(root / "wide.csv", index=False)
    spec = {"dataset": {"name": "wide", "version": "1.0.0", "title": "Wide", "description": "test",
                        "licence": "CC-BY-4.0", "domain": "other"},
            "source": {"path": "wide.csv"}, "columns": {n: {"kind": "numerical", "action": "keep"} for n in names},
            "sample": {"rows": 10}, "output": {"catalog": "catalog", "workspace": "workspace"}}
    path = root / "spec.yaml"
    path.write_text(yaml.safe_dump(spec, sort_keys=False))
    return path


def test_five_thousand_columns_are_refused_with_the_limit(wide_release):
    # Run: `run` (its preflight is `check`'s) stops before Prefect starts
    result = _run("run", str(wide_release))

    # Assert: the width, the memory it needs, the limit in columns and the keys to change
    line = _refused(result, "5000 learned columns", "autoregressive", "GB", "action: drop", "gaussian_copula")
    assert "columns of these kinds" in line
    assert not (wide_release.parent / "workspace").exists()


def test_the_width_estimate_grows_with_the_square_of_the_width():
    # Setup
    params = generators.parse_params("autoregressive", {})

    # Run
    sizes = {n: table_shape.autoregressive_bytes(["numerical"] * n, params) for n in (100, 1000, 5000)}

    # Assert: 5,000 numerical columns are the 262 GB allocation seen in the field (within 5%)
    assert 0.95 * 262e9 < sizes[5000] < 1.05 * 270e9
    assert sizes[100] < 200e6 < table_shape.MEMORY_LIMIT_BYTES < sizes[5000]
    assert sizes[5000] / sizes[1000] == pytest.approx(25, rel=0.01)


# --- time zones ----------------------------------------------------------------------------------


def _stamped(small_release, stamps):
    frame = pd.DataFrame({"when": stamps, "sex": ["F", "M"] * (len(stamps) // 2)})
    return frame, {"when": {"kind": "datetime", "action": "keep"}, "sex": {"kind": "categorical", "action": "keep"}}


def test_offsets_in_a_datetime_column_are_refused_by_name(small_release):
    # Setup
    stamps = [f"2024-03-{1 + i % 28:02d}T{i % 24:02d}:15:00+09:00" for i in range(40)]
    spec = _table(small_release, *_stamped(small_release, stamps))

    # Run
    result = _run("check", str(spec))

    # Assert
    line = _refused(result, "column 'when'", "time-zone-aware", "40 value(s)", "source.timezone: utc")
    assert "+09:00" not in line and "2024" not in line


def test_source_timezone_utc_reads_offsets_as_utc(small_release):
    # Setup
    stamps = [f"2024-03-{1 + i % 28:02d}T{i % 24:02d}:15:00+09:00" for i in range(40)]
    spec = _table(small_release, *_stamped(small_release, stamps), **{"source.timezone": "utc"})

    # Run
    result = _run("check", str(spec))

    # Assert
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("ok: 40 rows x 2 columns")


def test_align_timezones_converts_strings_and_parquet_zones_to_naive_utc():
    # Setup: offsets in text, a zone in the dtype (as Parquet reads it), and a naive column left alone
    frame = pd.DataFrame({
        "text": ["2024-03-01T10:00:00+09:00", "2024-03-01 23:30-05:00", None],
        "zoned": pd.to_datetime(["2024-03-01 10:00", "2024-07-01 10:00", None]).tz_localize("Europe/Berlin"),
        "naive": ["2024-03-01", "2024-03-02", "2024-03-03"],
    })
    kinds = dict.fromkeys(frame.columns, "datetime")

    # Run
    aligned = align_timezones(frame, kinds, "utc")

    # Assert
    assert list(aligned["text"]) [:2] == [pd.Timestamp("2024-03-01 01:00"), pd.Timestamp("2024-03-02 04:30")]
    assert pd.isna(aligned["text"][2])
    assert list(aligned["zoned"][:2]) == [pd.Timestamp("2024-03-01 09:00"), pd.Timestamp("2024-07-01 08:00")]
    assert aligned["naive"].equals(frame["naive"])
    with pytest.raises(InputError, match="column 'zoned'"):
        align_timezones(frame[["naive", "zoned"]], kinds, None)


def test_a_zoned_parquet_timestamp_is_refused_without_the_option(small_release):
    # Setup
    source = small_release.tmp_path / "data" / "zoned.parquet"
    stamps = pd.date_range("2024-01-01", periods=40, freq="D", tz="Asia/Seoul")
    pd.DataFrame({"when": stamps, "sex": ["F", "M"] * 20}).to_parquet(source)
    columns = {"when": {"kind": "datetime", "action": "keep"}, "sex": {"kind": "categorical", "action": "keep"}}

    # Run
    refused = _run("check", str(small_release(columns=columns, **{"source.path": "data/zoned.parquet"})))
    accepted = _run("check", str(small_release(columns=columns, **{"source.path": "data/zoned.parquet",
                                                                   "source.timezone": "utc"})))

    # Assert
    _refused(refused, "column 'when'", "source.timezone: utc")
    assert accepted.exit_code == 0, accepted.output


# --- nested Parquet (refused by flows/sources.py, which check and run read through) ------------------------------------------------------------------------------


@pytest.mark.parametrize("command", ["check", "run"])
def test_nested_parquet_columns_are_refused(small_release, command):
    # Setup: a struct and a list column beside a flat one
    source = small_release.tmp_path / "data" / "nested.parquet"
    pq.write_table(pa.table({
        "sex": ["F", "M"] * 20,
        "address": [{"city": f"City{i}", "zip": i} for i in range(40)],
        "visits": [[i, i + 1] for i in range(40)],
    }), source)
    columns = {name: {"kind": "categorical", "action": "keep"} for name in ("sex", "address", "visits")}

    # Run
    result = _run(command, str(small_release(columns=columns, **{"source.path": "data/nested.parquet"})))

    # Assert: sources.read_source's refusal (the same line as scan and init), before any work
    line = _refused(result, "nested.parquet", "'address' (and 1 more) is a nested struct column", "flatten")
    assert "City" not in line
    assert not (small_release.tmp_path / "workspace").exists()


# --- tiny and degenerate tables ------------------------------------------------------------------


def test_a_one_column_table_whose_every_row_is_real_is_refused(small_release):
    # Setup: one categorical column of two values: every possible row is a real one
    spec = _table(small_release, pd.DataFrame({"sex": ["F", "M"] * 20}),
                  {"sex": {"kind": "categorical", "action": "keep"}})

    # Run
    result = _run("check", str(spec))

    # Assert
    _refused(result, "(sex)", "2 different row(s)", "copy a real one", "add columns")


def test_too_few_rows_for_the_holdout_are_refused(small_release):
    # Setup: 6 rows hold out 1 at the default 0.2
    frame = pd.DataFrame({"age": range(20, 26), "sex": ["F", "M"] * 3})
    spec = _table(small_release, frame, {"age": {"kind": "numerical", "action": "keep"},
                                         "sex": {"kind": "categorical", "action": "keep"}})

    # Run
    result = _run("run", str(spec))

    # Assert
    _refused(result, "6 source row(s)", "hold out 1 row(s)", "at least 5", "at least 23", "evaluation.holdout")
    assert not (small_release.tmp_path / "workspace").exists()


def test_every_value_below_value_protection_is_refused(small_release):
    # Setup: two categorical columns whose every value is unique
    frame = pd.DataFrame({"code": [f"C{i}" for i in range(40)], "group": [f"G{i}" for i in range(40)]})
    spec = _table(small_release, frame, {"code": {"kind": "categorical", "action": "keep"},
                                         "group": {"kind": "categorical", "action": "keep"}})

    # Run
    result = _run("check", str(spec))

    # Assert
    line = _refused(result, "code, group", "fewer than 5 rows", "value protection", "generalise")
    assert "C1" not in line and "G1" not in line


def test_fewer_training_rows_than_value_protection_are_refused(small_release, key_env):
    # Setup: 40 rows leave 32 for training, below k=50
    spec = small_release(**{"generator.kind": "autoregressive", "generator.params": {"value_protection": 50}})

    # Run
    result = _run("check", str(spec))

    # Assert
    _refused(result, "32 training row(s)", "k=50", "generator.params.value_protection")


def test_a_release_that_learns_no_column_is_refused(small_release, key_env):
    # Setup: every column dropped or an identifier
    columns = {"patient_id": {"kind": "id", "action": "pseudonymise"}, "name": {"kind": "text", "action": "drop"},
               "age": {"kind": "numerical", "action": "drop"}, "sex": {"kind": "categorical", "action": "drop"},
               "visit_date": {"kind": "datetime", "action": "drop"}, "smoker": {"kind": "boolean", "action": "drop"},
               "score": {"kind": "numerical", "action": "drop"}, "note": {"kind": "text", "action": "drop"}}

    # Run
    result = _run("check", str(small_release(columns=columns)))

    # Assert
    _refused(result, "no column is learned", "keep at least one column")

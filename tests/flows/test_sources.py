"""Reading sources with pyarrow: CSV, Parquet, globs, and facts without values."""
from __future__ import annotations

import pandas as pd
import pytest

from flows.errors import ColumnPlanError, ColumnTypeError, SourceError
from flows.sources import check_columns, read_source
from flows.tables import coerce_kinds


def test_csv_and_parquet_read_the_same_table_with_facts(tmp_path):
    # Setup
    frame = pd.DataFrame({"a": [1, 2, 3], "b": ["x", None, "z"]})
    frame.to_csv(tmp_path / "t.csv", index=False)
    frame.to_parquet(tmp_path / "t.parquet", index=False)

    # Run
    from_csv, csv_facts = read_source(str(tmp_path / "t.csv"))
    from_parquet, parquet_facts = read_source(str(tmp_path / "t.parquet"))

    # Assert
    pd.testing.assert_frame_equal(from_csv, from_parquet)
    assert (csv_facts.rows, csv_facts.columns) == (3, 2)
    assert len(csv_facts.sha256) == 64 and csv_facts.sha256 != parquet_facts.sha256


def test_a_glob_concatenates_its_files_in_name_order(tmp_path):
    # Setup
    pd.DataFrame({"a": [1]}).to_csv(tmp_path / "part-2.csv", index=False)
    pd.DataFrame({"a": [0]}).to_csv(tmp_path / "part-1.csv", index=False)

    # Run
    frame, facts = read_source(str(tmp_path / "part-*.csv"))

    # Assert
    assert frame["a"].tolist() == [0, 1]
    assert len(facts.files) == 2


def test_a_glob_of_files_with_different_columns_is_refused(tmp_path):
    pd.DataFrame({"a": [1]}).to_csv(tmp_path / "p1.csv", index=False)
    pd.DataFrame({"b": [1]}).to_csv(tmp_path / "p2.csv", index=False)
    with pytest.raises(SourceError, match="same columns"):
        read_source(str(tmp_path / "p*.csv"))


def test_unknown_file_type_is_refused(tmp_path):
    (tmp_path / "t.xlsx").write_bytes(b"x")
    with pytest.raises(SourceError, match="unknown file type '.xlsx'"):
        read_source(str(tmp_path / "t.xlsx"))


def test_check_columns_names_both_directions():
    with pytest.raises(ColumnPlanError) as caught:
        check_columns(["a", "b", "extra"], ["a", "b", "gone"])
    assert caught.value.unplanned == ["extra"] and caught.value.missing == ["gone"]


def test_coerce_kinds_types_each_column_and_counts_misfits_without_values():
    # Setup
    frame = pd.DataFrame({
        "n": ["1", "2.5", None], "d": ["2024-01-05", "2024-02-01 10:00", None],
        "b": ["yes", "no", None], "c": [1.0, 2.0, None], "i": [1412.0, None, 7.0],
    })

    # Run
    typed = coerce_kinds(frame, {"n": "numerical", "d": "datetime", "b": "boolean", "c": "categorical", "i": "id"})

    # Assert
    assert typed["n"].tolist()[:2] == [1.0, 2.5]
    assert str(typed["d"].dtype).startswith("datetime64")
    assert typed["b"].tolist()[:2] == [True, False] and pd.isna(typed["b"].iloc[2])
    assert typed["c"].tolist() == ["1", "2", None]
    assert typed["i"].tolist() == ["1412", None, "7"]


@pytest.mark.parametrize(
    ("values", "kind", "count"),
    [(["1", "SECRET_TEXT"], "numerical", 1), (["2024-01-01", "SECRET_TEXT"], "datetime", 1),
     (["yes", "SECRET_TEXT"], "boolean", 1), ([1.0, float("inf")], "numerical", 1)],
)
def test_coerce_kinds_refuses_misfits_naming_column_kind_and_count(values, kind, count):
    with pytest.raises(ColumnTypeError) as caught:
        coerce_kinds(pd.DataFrame({"col": values}), {"col": kind})
    assert caught.value.bad_cells == count
    assert "column 'col'" in str(caught.value) and "SECRET_TEXT" not in str(caught.value)

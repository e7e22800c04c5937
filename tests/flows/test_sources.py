"""Reading sources with pyarrow: CSV, Parquet, globs, and facts without values."""
from __future__ import annotations

import pandas as pd
import pytest

from synthgate.flows.errors import ColumnPlanError, ColumnTypeError, SourceError
from synthgate.flows.sources import check_columns, file_sha256, header_names, read_source
from synthgate.flows.tables import coerce_kinds


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


KOREAN_CSV = "이름,나이,주소\n김철수,34,서울특별시 종로구 세종대로 209\n이영희,29,부산광역시 해운대구 우동 1411\n"


@pytest.mark.parametrize("encoding", ["cp949", "euc-kr", "utf-8", "utf-8-sig"])
def test_korean_csv_reads_in_its_declared_encoding(tmp_path, encoding):
    # Setup
    path = tmp_path / "k.csv"
    path.write_bytes(KOREAN_CSV.encode(encoding))

    # Run
    frame, _ = read_source(str(path), encoding=encoding)

    # Assert
    assert list(frame.columns) == ["이름", "나이", "주소"]
    assert frame["이름"].tolist() == ["김철수", "이영희"]


def test_a_cp949_file_read_as_utf8_stops_with_a_hint_and_no_value(tmp_path):
    path = tmp_path / "k.csv"
    path.write_bytes(KOREAN_CSV.encode("cp949"))
    with pytest.raises(SourceError) as caught:
        read_source(str(path))
    message = str(caught.value)
    assert "is not valid utf-8 text" in message and "cp949" in message
    assert "김철수" not in message and "\\x" not in message


def test_a_utf8_header_with_cp949_cells_names_the_column_not_the_cell(tmp_path):
    # pyarrow would read such a column as raw bytes; it is refused instead.
    path = tmp_path / "k.csv"
    path.write_bytes("이름,나이\n".encode() + "김철수".encode("cp949") + b",34\n")
    with pytest.raises(SourceError, match="column '이름' is not valid utf-8 text"):
        read_source(str(path))


def test_bytes_that_no_declared_encoding_decodes_stop_cleanly(tmp_path):
    path = tmp_path / "k.csv"
    path.write_bytes(b"a,b\n\xff\xfe\x81,2\n")
    with pytest.raises(SourceError, match="is not valid cp949 text"):
        read_source(str(path), encoding="cp949")


def test_an_unknown_encoding_is_named(tmp_path):
    path = tmp_path / "k.csv"
    path.write_text("a\n1\n")
    with pytest.raises(SourceError, match="unknown encoding 'klingon'"):
        read_source(str(path), encoding="klingon")


def test_a_mostly_empty_column_reads_as_nulls(tmp_path):
    # Setup: 95 of 100 cells empty.
    path = tmp_path / "sparse.csv"
    path.write_text("id,phone\n" + "".join(f"{i},{'010-1234-5678' if i % 20 == 0 else ''}\n" for i in range(100)))

    # Run
    frame, _ = read_source(str(path))

    # Assert
    assert frame["phone"].isna().sum() == 95


MESSY = "id,amount,amount,,note,amount\n1,2,3,4,CANARY1,5\n2,3,4,5,CANARY2,6\n"


def test_duplicate_and_blank_headers_are_named_with_their_positions(tmp_path):
    # Setup: 'amount' three times, one blank header
    path = tmp_path / "raw.csv"
    path.write_text(MESSY)

    # Run
    with pytest.raises(SourceError) as caught:
        read_source(str(path))

    # Assert: one line with each header, its 1-based positions, and both ways to proceed
    message = str(caught.value)
    assert "'amount' at positions 2, 3 and 6" in message and "blank header at position 4" in message
    assert "source.rename" in message and "source.dedupe_headers: true" in message and "--dedupe-headers" in message
    assert "\n" not in message and "CANARY" not in message


def test_dedupe_headers_renames_later_duplicates_and_blanks_and_keeps_the_file_hash(tmp_path):
    # Setup
    path = tmp_path / "raw.csv"
    path.write_text(MESSY)

    # Run
    frame, facts = read_source(str(path), dedupe_headers=True)

    # Assert: the first 'amount' keeps its name; the file is the agency's original
    assert list(frame.columns) == ["id", "amount", "amount__2", "column_4", "note", "amount__3"]
    assert frame["amount__3"].tolist() == [5, 6]
    assert facts.sha256 == file_sha256(path)[0]
    assert facts.to_dict()["renamed_headers"] == [
        {"position": 3, "header": "amount", "name": "amount__2"},
        {"position": 4, "header": "", "name": "column_4"},
        {"position": 6, "header": "amount", "name": "amount__3"},
    ]


def test_rename_by_position_and_by_header(tmp_path):
    # Setup
    path = tmp_path / "raw.csv"
    path.write_text(MESSY)

    # Run
    frame, facts = read_source(str(path), rename={3: "amount_net", 4: "code", 6: "amount_tax", "note": "remark"})

    # Assert
    assert list(frame.columns) == ["id", "amount", "amount_net", "code", "remark", "amount_tax"]
    assert [r["position"] for r in facts.renamed_headers] == [3, 4, 5, 6]


def test_clean_headers_record_no_rename(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("a,b\n1,2\n")
    _, facts = read_source(str(path))
    assert facts.to_dict()["renamed_headers"] == []


@pytest.mark.parametrize(
    "rename, fragment",
    [
        ({"amount": "x1"}, "'amount' is the header of columns 2, 3 and 6; rename them by position, e.g. {6: new_name}"),
        ({7: "x1"}, "position 7 is not a column; positions run from 1 to 6"),
        ({"nope": "x1"}, "'nope' is not a header of the file"),
        ({3: "id", 4: "code", 6: "t"}, "duplicate column names after source.rename: 'id' at positions 1 and 3"),
        ({3: "a2", 6: "a3"}, "blank header at position 4"),
    ],
)
def test_renames_that_leave_the_headers_ambiguous_are_refused(rename, fragment):
    # Setup
    headers = ["id", "amount", "amount", "", "note", "amount"]

    # Run
    with pytest.raises(SourceError) as caught:
        header_names(headers, "raw.csv", rename=rename)

    # Assert
    assert fragment in str(caught.value)


def test_dedupe_never_makes_a_name_the_file_already_has():
    names, _ = header_names(["a", "a", "a__2", "column_4", ""], "raw.csv", dedupe=True)
    assert names == ["a", "a__3", "a__2", "column_4", "column_5"]

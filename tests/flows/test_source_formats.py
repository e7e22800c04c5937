"""Awkward source files: each read as the table it holds or refused in one line (file, line or column, cause, fix)."""
from __future__ import annotations

import gzip
import os
import subprocess
import sys
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from synthgate.flows.errors import SourceError
from synthgate.flows.sources import empty_columns, header_names, hidden_matches, read_source

CANARY = "CANARY7731"  # planted in a cell of every file: no message may hold it
SYNTHGATE = str(Path(sys.executable).with_name("synthgate"))


def _csv(text: str) -> bytes:
    return text.encode("utf-8")


# name, bytes, fragments the one-line refusal must hold (cause and fix)
REFUSED = [
    ("tabs.csv", _csv(f"name\tage\n{CANARY}\t3\n"), ["tab-separated", 'source.delimiter: "\\t"', "--delimiter tab"]),
    ("semi.csv", _csv(f"name;age\n{CANARY};3\n"), ["semicolon-separated", 'source.delimiter: ";"']),
    ("packed.csv", gzip.compress(_csv(f"a,b\n{CANARY},1\n")), ["gzip-compressed", "source.format: csv.gz"]),
    ("wide.csv", f"a,b\n{CANARY},1\n".encode("utf-16"), ["UTF-16", "source.encoding: utf-16"]),
    ("noise.csv", bytes(range(256)) * 40, ["looks binary", "line 1"]),
    ("book.csv", b"PK\x03\x04" + _csv(CANARY) * 10, ["ZIP archive", "export the sheet as CSV"]),
    ("nul.csv", _csv(f"a,b\n1,2\n3,{CANARY}\x004\n"), ["NUL byte at line 3", "remove the NUL bytes"]),
    ("latin.csv", _csv(f"a,b\n1,{CANARY}\n") + b"2,\xff\xfe\n",
     ["line 3: column 'b' is not valid utf-8 text", "source.encoding"]),
    ("ragged.csv", _csv(f"a,b\n1,2\n3,{CANARY},5\n6,7\n"), ["line 3 has 3 fields where the header has 2"]),
    ("newline.csv", _csv(f'"first\nname",b\n{CANARY},1\n'), ["position 1", "line break", "source.rename"]),
    ("nfd.csv", _csv(f"\uac00,\u1100\u1161\n{CANARY},1\n"),
     ["duplicate column names", "NFC", "'\uac00' at positions 1 and 2"]),
    ("padded.csv", _csv(f"age, age \n{CANARY},1\n"), ["duplicate column names", "spaces", "positions 1 and 2"]),
    ("fake.csv.gz", _csv(f"a\n{CANARY}\n"), ["is not gzip-compressed", "source.format: csv"]),
]


@pytest.mark.parametrize(("name", "data", "fragments"), REFUSED, ids=[r[0] for r in REFUSED])
def test_an_awkward_file_is_refused_in_one_line_naming_cause_and_fix(tmp_path, name, data, fragments):
    # Setup
    (tmp_path / name).write_bytes(data)

    # Run
    with pytest.raises(SourceError) as caught:
        read_source(str(tmp_path / name))

    # Assert
    message = str(caught.value)
    assert "\n" not in message and message.startswith(f"source {tmp_path / name}: ")
    assert all(f in message for f in fragments), message
    assert CANARY not in message


def test_gzip_csv_reads_by_its_name_or_by_the_declared_format(tmp_path):
    # Setup
    packed = gzip.compress(_csv("code,n\n007,1\n012,2\n"))
    (tmp_path / "t.csv.gz").write_bytes(packed)
    (tmp_path / "renamed.bin").write_bytes(packed)

    # Run
    by_name, _ = read_source(str(tmp_path / "t.csv.gz"))
    declared, _ = read_source(str(tmp_path / "renamed.bin"), fmt="csv.gz")

    # Assert
    assert by_name["code"].tolist() == declared["code"].tolist() == ["007", "012"]
    assert by_name["n"].tolist() == [1, 2]


def test_whitespace_lines_padded_headers_and_a_declared_tab_read_the_table(tmp_path):
    # Setup: a trailing line of spaces, headers padded with spaces and an NFD Hangul header
    (tmp_path / "t.csv").write_bytes(_csv(" name ,\u1100\u1161 ,age\nx,y,1\nz,w,2\n   \n"))
    (tmp_path / "t.tsv").write_bytes(_csv("a\tb\n1\t2\n"))

    # Run
    frame, facts = read_source(str(tmp_path / "t.csv"))
    tabbed, _ = read_source(str(tmp_path / "t.tsv"), delimiter="\t")

    # Assert: trimmed NFC names, recorded as renamed (the file keeps its sha256)
    assert list(frame.columns) == ["name", "\uac00", "age"] and len(frame) == 2
    assert [r["position"] for r in facts.renamed_headers] == [1, 2]
    assert list(tabbed.columns) == ["a", "b"]


def test_a_rename_fixes_a_header_with_a_line_break(tmp_path):
    # Run
    names, renamed = header_names(["first\nname", "b"], "s.csv", rename={1: "first_name"})

    # Assert
    assert names == ["first_name", "b"] and renamed[0]["position"] == 1


def test_nested_parquet_columns_are_refused_by_name(tmp_path):
    # Setup
    table = pa.table({"id": [1, 2], "address": [{"city": CANARY, "zip": 1}, {"city": "b", "zip": 2}],
                      "visits": [[1], [2, 3]]})
    pq.write_table(table, tmp_path / "n.parquet")

    # Run
    with pytest.raises(SourceError) as caught:
        read_source(str(tmp_path / "n.parquet"))

    # Assert
    message = str(caught.value)
    assert "column 'address' (and 1 more) is a nested struct column" in message
    assert "flatten it" in message and CANARY not in message


def test_empty_columns_and_hidden_files_of_a_glob_are_reported(tmp_path):
    # Setup
    (tmp_path / "part-1.csv").write_bytes(_csv("a,gone\n1,\n2,\n"))
    (tmp_path / ".part-2.csv").write_bytes(_csv("a,gone\n3,\n"))
    (tmp_path / "only").mkdir()
    (tmp_path / "only" / ".x.csv").write_bytes(_csv("a\n1\n"))

    # Run
    frame, facts = read_source(str(tmp_path / "*.csv"))
    with pytest.raises(SourceError) as caught:
        read_source(str(tmp_path / "only" / "*.csv"))

    # Assert: the hidden file is skipped, and said so
    assert len(facts.files) == 1 and empty_columns(frame) == ["gone"]
    assert hidden_matches(str(tmp_path / "*.csv")) == [tmp_path / ".part-2.csv"]
    assert "1 whose name starts with '.'" in str(caught.value) and "name the file itself" in str(caught.value)


def _cli(*args, cwd):
    env = {**os.environ, "TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS": ""}
    return subprocess.run([SYNTHGATE, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=120)


def test_scan_refuses_a_tab_file_named_csv_in_one_line_with_exit_2(tmp_path):
    # Setup
    (tmp_path / "tabs.csv").write_bytes(_csv(f"name\tage\n{CANARY}\t3\n"))

    # Run
    result = _cli("scan", "tabs.csv", cwd=tmp_path)

    # Assert
    lines = result.stderr.strip().splitlines()
    assert result.returncode == 2 and result.stdout == ""
    assert len(lines) == 1 and lines[0].startswith("error: source ") and "--delimiter tab" in lines[0], lines
    assert "Traceback" not in result.stderr and CANARY not in result.stderr


def test_init_of_a_gzipped_tab_file_writes_a_spec_that_check_accepts(tmp_path):
    # Setup: a tab-separated .csv.gz with an empty column
    rows = "".join(f"{i}\t{i % 3}\t{(i * 7.31) % 19:.2f}\t\n" for i in range(30))
    (tmp_path / "t.csv.gz").write_bytes(gzip.compress(_csv("n\tgroup\tscore\tgone\n" + rows)))

    # Run
    drafted = _cli("init", "t.csv.gz", "--delimiter", "tab", "--format", "csv.gz", "-o", "spec.yaml", cwd=tmp_path)
    spec = (tmp_path / "spec.yaml").read_text()
    (tmp_path / "spec.yaml").write_text(spec.replace("licence: ''", "licence: CC-BY-4.0"))
    checked = _cli("check", "spec.yaml", cwd=tmp_path)

    # Assert
    assert drafted.returncode == 0, drafted.stderr
    assert "warning: column 'gone' is empty in every row" in drafted.stderr
    assert 'delimiter: "\\t"' in spec and "format: csv.gz" in spec
    assert checked.returncode == 0, checked.stderr
    assert checked.stdout.startswith("ok: 30 rows x 4 columns")

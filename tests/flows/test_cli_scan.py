"""`synthgate scan` prints per-column detections (a table or JSON), reads CP949 files, and never a value."""
from __future__ import annotations

import json

import pandas as pd
import pytest
from typer.testing import CliRunner

from synthgate.flows.cli import app

runner = CliRunner()
KEYS = {"column", "entity", "confidence", "evidence_share", "sampled", "name_hint", "inferred_kind",
        "proposed_action", "proposed_rule", "reason", "needs_review", "evidence", "signals"}
ROWS = [
    ("김민준", "010-2345-6789", "880101-1234568", "고혈압", "H12345678"),
    ("이서연", "010-3456-7890", "900215-2345675", "정상", "H23456789"),
    ("박지호", "02-987-6543", "751230-1456781", "이상지질혈증", "H34567890"),
    ("최유나", "031-765-4321", "020304-3567892", "당뇨병", "H45678901"),
]
HEADER = ("성명", "연락처", "주민등록번호", "진단명", "항목")


def korean_csv(path, encoding="cp949", delimiter=","):
    lines = [delimiter.join(HEADER)] + [delimiter.join(row) for row in ROWS]
    path.write_bytes(("\n".join(lines) + "\n").encode(encoding))
    return path


def scan(*args):
    return runner.invoke(app, ["scan", *map(str, args)], catch_exceptions=False)


def assert_no_value(text: str) -> None:
    leaked = [v for row in ROWS for v in row if v in text]
    assert leaked == []


def test_json_of_a_cp949_file_with_korean_headers(tmp_path):
    # Setup
    data = korean_csv(tmp_path / "환자.csv")

    # Run
    result = scan(data, "--encoding", "cp949", "--json", "--mrn-pattern", r"(?<![A-Za-z0-9])H\d{8}(?!\d)")

    # Assert: only JSON on stdout, one object per column, in order, with every key
    assert result.exit_code == 0, result.output
    records = json.loads(result.stdout)
    assert [r["column"] for r in records] == list(HEADER)
    assert all(set(r) == KEYS for r in records)
    found = {r["column"]: r for r in records}
    assert (found["성명"]["entity"], found["성명"]["proposed_action"]) == ("PERSON", "pseudonymise")
    assert found["연락처"]["entity"] in ("PHONE_NUMBER", "KR_PHONE_NUMBER")
    assert (found["주민등록번호"]["entity"], found["주민등록번호"]["proposed_action"]) == ("KR_RRN", "drop")
    assert found["주민등록번호"]["evidence_share"] == 1.0 and found["주민등록번호"]["sampled"] == 4
    assert found["진단명"]["entity"] is None and found["진단명"]["proposed_action"] == "keep"
    assert (found["항목"]["entity"], found["항목"]["name_hint"]) == ("KR_MEDICAL_RECORD_NUMBER", None)
    assert all(0.0 <= r["confidence"] <= 1.0 for r in records)
    assert_no_value(result.stdout + result.stderr)


def test_table_output_names_columns_and_actions_but_no_value(tmp_path):
    # Setup: semicolon-separated UTF-8
    data = korean_csv(tmp_path / "t.csv", encoding="utf-8", delimiter=";")

    # Run
    result = scan(data, "--delimiter", ";", "--sample-size", "10", "--seed", "3")

    # Assert
    assert result.exit_code == 0, result.output
    for fragment in (*HEADER, "KR_RRN", "drop", "pseudonymise", "conf."):
        assert fragment in result.stdout
    assert_no_value(result.stdout + result.stderr)


def test_parquet_input(tmp_path):
    # Setup
    data = tmp_path / "t.parquet"
    pd.DataFrame({"email": ["a.kim@example.com", "b.lee@example.org"], "score": [1.5, 2.5]}).to_parquet(data)

    # Run
    result = scan(data, "--json")

    # Assert
    assert result.exit_code == 0, result.output
    found = {r["column"]: r for r in json.loads(result.stdout)}
    assert (found["email"]["entity"], found["email"]["proposed_action"]) == ("EMAIL_ADDRESS", "drop")
    assert (found["score"]["entity"], found["score"]["sampled"]) == (None, 2)


def _write_empty(tmp_path):
    (tmp_path / "empty.csv").write_bytes(b"")
    return ["empty.csv"], "is empty"


def _write_undecodable(tmp_path):
    korean_csv(tmp_path / "k.csv")
    return ["k.csv"], "cp949"  # read as UTF-8 by default: the message suggests cp949


def _write_missing(tmp_path):
    return ["nope.csv"], "file not found"


def _write_bad_pattern(tmp_path):
    korean_csv(tmp_path / "k.csv")
    return ["k.csv", "--encoding", "cp949", "--mrn-pattern", "H(\\d"], "--mrn-pattern #1"


def _write_unknown_encoding(tmp_path):
    korean_csv(tmp_path / "k.csv")
    return ["k.csv", "--encoding", "klingon"], "unknown encoding"


@pytest.mark.parametrize(
    "make", [_write_empty, _write_undecodable, _write_missing, _write_bad_pattern, _write_unknown_encoding]
)
def test_bad_input_is_one_error_line_and_exit_code_2(tmp_path, make):
    # Setup
    (name, *options), fragment = make(tmp_path)

    # Run
    result = scan(tmp_path / name, *options)

    # Assert
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert result.exit_code == 2, result.output
    assert len(lines) == 1 and lines[0].startswith("error: ") and fragment in lines[0], lines
    assert result.stdout == ""
    assert_no_value(result.stderr)


def _people_csv(path):
    """First and last names (real given names and surnames), a ward and a score: no value may be printed."""
    firsts = ["James", "Mary", "Robert", "Linda", "Michael", "Susan", "David", "Karen", "Joseph", "Nancy"]
    lasts = ["Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Wilson", "Moore"]
    frame = pd.DataFrame({
        "first": [firsts[i % 10] for i in range(40)],
        "last": [lasts[(i * 3) % 10] for i in range(40)],
        "ward": [["A", "B", "C"][i % 3] for i in range(40)],
        "score": [i * 0.5 for i in range(40)],
    })
    frame.to_csv(path, index=False)
    return frame


def test_the_table_and_the_json_show_the_same_evidence_and_shares(tmp_path):
    # Setup
    import re

    frame = _people_csv(tmp_path / "people.csv")

    # Run
    as_json = scan(tmp_path / "people.csv", "--json")
    as_table = scan(tmp_path / "people.csv")

    # Assert: every JSON evidence line is a whole line of the table's evidence, and the shares agree
    assert as_json.exit_code == 0 and as_table.exit_code == 0, as_table.output
    records = json.loads(as_json.stdout)
    table_lines = [line.strip() for line in as_table.stdout.splitlines()]
    for record in records:
        assert record["evidence"], record["column"]
        for line in record["evidence"]:
            assert f"{record['column']}: {line}" in table_lines
        share = f"{record['evidence_share']:.0%}"
        row = re.compile(rf"^\s*{record['column']}\s+\S+\s+{record['confidence']:.2f}\s+{share}\s+{record['sampled']}\s")
        assert any(row.match(line) for line in as_table.stdout.splitlines()), (record, as_table.stdout)
        marked = any(re.match(rf"^\s*{record['column']}\s.*\sREVIEW\s", line) for line in as_table.stdout.splitlines())
        assert marked == record["needs_review"]
    leaked = {v for column in ("first", "last") for v in frame[column]}
    assert not any(v in as_json.stdout + as_table.stdout for v in leaked)


def test_duplicate_headers_are_refused_or_deduplicated_on_request(tmp_path):
    # Setup
    data = tmp_path / "raw.csv"
    data.write_text("id,amount,amount,\n" + "".join(f"{i},{i * 2},{i * 3},{i % 2}\n" for i in range(12)))

    # Run
    refused = scan(data)
    deduped = scan(data, "--dedupe-headers", "--json")

    # Assert
    lines = [line for line in refused.stderr.splitlines() if line.strip()]
    assert refused.exit_code == 2 and len(lines) == 1
    assert "'amount' at positions 2 and 3" in lines[0] and "blank header at position 4" in lines[0]
    assert "--dedupe-headers" in lines[0]
    assert deduped.exit_code == 0, deduped.output
    assert [r["column"] for r in json.loads(deduped.stdout)] == ["id", "amount", "amount__2", "column_4"]

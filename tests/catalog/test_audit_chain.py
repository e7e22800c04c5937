"""The audit trail's hash chain: appends chain, and a changed, deleted or moved line is named."""
from __future__ import annotations

import json
import multiprocessing
from pathlib import Path

import pytest

from synthgate import catalog


def _trail(folder: Path, events: int = 5) -> list[bytes]:
    for i in range(events):
        catalog.append_event(folder, "gates", {"dataset": "d", "run_id": f"r{i}", "passed": i % 2 == 0,
                                               "failed_gates": [f"g{i}"], "rows": i})
    return catalog.audit_path(folder).read_bytes().splitlines(keepends=True)


def _write(folder: Path, lines: list[bytes]) -> None:
    catalog.audit_path(folder).write_bytes(b"".join(lines))


def test_appended_events_chain_and_verify(tmp_path):
    # Setup / Run
    lines = _trail(tmp_path, 3)
    check = catalog.verify_chain(tmp_path)

    # Assert: each line carries the previous line's sha256 and its own
    entries = [json.loads(line) for line in lines]
    assert [e["seq"] for e in entries] == [1, 2, 3]
    assert entries[0]["prev"] == catalog.GENESIS
    assert [e["prev"] for e in entries[1:]] == [e["sha256"] for e in entries[:-1]]
    assert check.ok and check.lines == 3 and check.head == entries[-1]["sha256"]
    assert catalog.read_events(tmp_path) == entries
    assert entries[1]["failed_gates"] == ["g1"] and entries[1]["passed"] is False


def test_an_empty_trail_holds_and_a_missing_one_is_an_error(tmp_path):
    # Setup
    catalog.audit_path(tmp_path).write_bytes(b"")

    # Run / Assert
    assert catalog.verify_chain(tmp_path).ok
    with pytest.raises(catalog.AuditError, match="not found"):
        catalog.verify_chain(tmp_path / "elsewhere")


def _changed(lines, i):
    entry = json.loads(lines[i])
    entry["rows"] = 99
    lines[i] = json.dumps(entry, sort_keys=True, separators=(",", ":")).encode() + b"\n"
    return lines


def _rehashed(lines, i):
    # A careful forger recomputes the line's own hash: the next line's prev still names it
    entry = json.loads(lines[i])
    entry["rows"] = 99
    entry["sha256"] = catalog.audit.entry_sha256(entry)
    lines[i] = json.dumps(entry, sort_keys=True, separators=(",", ":")).encode() + b"\n"
    return lines


@pytest.mark.parametrize(("damage", "broken", "fragment"), [
    (lambda ls: _changed(ls, 2), 3, "sha256 does not match its content"),
    (lambda ls: _changed(ls, 4), 5, "sha256 does not match its content"),  # the last line, with no successor
    (lambda ls: _rehashed(ls, 1), 3, "prev does not match the sha256 of line 2"),
    (lambda ls: ls[:1] + ls[2:], 2, "prev does not match the sha256 of line 1"),  # line 2 deleted
    (lambda ls: ls[1:], 1, "prev does not match the sha256 of the start"),  # the first line deleted
    (lambda ls: [ls[0], ls[2], ls[1], *ls[3:]], 2, "prev does not match"),  # lines 2 and 3 swapped
    (lambda ls: [*ls[:3], ls[1], *ls[3:]], 4, "prev does not match"),  # a line repeated
    (lambda ls: [*ls[:4], ls[4][:-20]], 5, "without a newline"),  # a torn last write
    (lambda ls: [*ls[:2], ls[2].replace(b",", b", ", 1), *ls[3:]], 3, "canonical form"),  # reformatted
    (lambda ls: [*ls[:2], b"\n", *ls[2:]], 3, "not JSON"),
    (lambda ls: [*ls[:2], b"[1,2]\n", *ls[2:]], 3, "not a JSON object"),
])
def test_a_damaged_trail_names_its_first_broken_line(tmp_path, damage, broken, fragment):
    # Setup
    lines = _trail(tmp_path, 5)
    _write(tmp_path, damage(list(lines)))

    # Run
    check = catalog.verify_chain(tmp_path)

    # Assert
    assert not check.ok
    assert check.broken_line == broken and check.lines == broken - 1
    assert fragment in check.problem


def test_appending_after_a_torn_line_is_refused(tmp_path):
    # Setup: the last write was interrupted
    lines = _trail(tmp_path, 2)
    _write(tmp_path, [lines[0], lines[1][:-10]])

    # Run / Assert: nothing is appended until the trail is repaired
    with pytest.raises(catalog.AuditError, match="partial line"):
        catalog.append_event(tmp_path, "gates", {"dataset": "d"})
    assert catalog.audit_path(tmp_path).read_bytes() == lines[0] + lines[1][:-10]


@pytest.mark.parametrize(("event", "facts", "fragment"), [
    ("Published", {}, "event name"),
    ("gates", {"Rows": 1}, "fact name"),
    ("gates", {"seq": 1}, "reserved"),
    ("gates", {"sample": {"age": 41}}, "is a dict"),
    ("gates", {"rows": float("nan")}, "finite"),
    ("gates", {"note": "x" * 501}, "at most 500"),
    ("gates", {"names": ["a"] * 201}, "at most 200"),
    ("gates", {"names": [["nested"]]}, "is a list"),
])
def test_facts_that_could_carry_a_table_are_refused(tmp_path, event, facts, fragment):
    # Run / Assert
    with pytest.raises(catalog.AuditEntryError, match=fragment):
        catalog.append_event(tmp_path, event, facts)
    assert not catalog.audit_path(tmp_path).exists() or catalog.audit_path(tmp_path).read_bytes() == b""


def test_once_per_writes_an_event_once(tmp_path):
    # Setup
    first = catalog.append_event(tmp_path, "run_started", {"dataset": "d", "run_id": "r1"}, once_per=("dataset", "run_id"))

    # Run
    again = catalog.append_event(tmp_path, "run_started", {"dataset": "d", "run_id": "r1"}, once_per=("dataset", "run_id"))
    other = catalog.append_event(tmp_path, "run_started", {"dataset": "d", "run_id": "r2"}, once_per=("dataset", "run_id"))

    # Assert
    assert again == first and other["seq"] == 2
    assert len(catalog.read_events(tmp_path)) == 2


def _append_many(folder: str, writer: int, count: int) -> None:
    for i in range(count):
        catalog.append_event(folder, "gates", {"dataset": "d", "run_id": f"w{writer}-{i}", "rows": i})


def test_concurrent_appends_from_several_processes_keep_one_chain(tmp_path):
    # Setup: four processes started together, each appending 60 events as fast as it can
    context = multiprocessing.get_context("spawn")
    writers = [context.Process(target=_append_many, args=(str(tmp_path), w, 60)) for w in range(4)]

    # Run
    for process in writers:
        process.start()
    for process in writers:
        process.join(timeout=120)

    # Assert: every event is there once, in one unbroken chain
    assert [p.exitcode for p in writers] == [0, 0, 0, 0]
    check = catalog.verify_chain(tmp_path)
    assert check.ok, (check.broken_line, check.problem)
    entries = catalog.read_events(tmp_path)
    assert check.lines == len(entries) == 240
    assert sorted(e["run_id"] for e in entries) == sorted(f"w{w}-{i}" for w in range(4) for i in range(60))
    # ... and the writers really interleaved (the lock, not luck, kept the chain)
    writers_in_order = [e["run_id"].split("-")[0] for e in entries]
    assert sum(a != b for a, b in zip(writers_in_order, writers_in_order[1:])) >= 3

"""The catalog's audit trail: an append-only, hash-chained JSON-lines file, ``CATALOG/audit.jsonl``.

Each line is one event, written as canonical JSON (sorted keys, no spaces, ASCII)::

    {"event":"published","prev":"<sha256 of the line before>","seq":7,"sha256":"<its own>",
     "time":"2026-12-02T21:03:11.402+00:00", ...facts}

``sha256`` hashes the line's canonical JSON without ``sha256`` itself, and ``prev`` repeats the
``sha256`` of the line before (64 zeros on the first line), so changing, deleting, inserting or
moving any line breaks the chain at that line; `verify_chain` names the first such line.
Appends hold an exclusive ``flock`` on the file, so concurrent writers (several runs, the review
CLI) never interleave or fork the chain. A chain proves order and integrity, not authorship:
someone who can rewrite the file can rewrite every hash after the line they change, which only
a copy of the head hash kept elsewhere reveals (the CLI prints it).

Facts are names, hashes, counts and flags: keys are lower-case identifiers and values are
scalars or lists of scalars with strings of at most `MAX_TEXT` characters. The trail is public
with the catalog, so the callers put no data value in it; the limits here keep a table out.
"""
from __future__ import annotations

import fcntl
import hashlib
import json
import math
import os
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from synthgate.catalog.errors import AuditEntryError, AuditError

AUDIT_FILE = "audit.jsonl"
GENESIS = "0" * 64
MAX_TEXT = 500
MAX_ITEMS = 200
RESERVED = ("seq", "time", "event", "prev", "sha256")
_NAME = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
_HEX64 = re.compile(r"^[0-9a-f]{64}$")
_TAIL_CHUNK = 8192


@dataclass(frozen=True)
class AuditCheck:
    """The outcome of `verify_chain`: how many lines hold, and the first broken one if any."""

    path: str
    lines: int  # lines that verified, in order from the first
    head: str  # sha256 of the last line that verified (GENESIS when none)
    broken_line: int | None = None  # 1-based
    problem: str | None = None

    @property
    def ok(self) -> bool:
        return self.broken_line is None


def audit_path(catalog_dir: str | Path) -> Path:
    """Where a catalog keeps its audit trail."""
    return Path(catalog_dir) / AUDIT_FILE


def append_event(catalog_dir: str | Path, event: str, facts: Mapping[str, Any], *,
                 once_per: Sequence[str] = ()) -> dict:
    """Append one event to the catalog's trail under an exclusive lock.

    Args:
        catalog_dir: the catalog folder (created when missing).
        event: the event's name, a lower-case identifier such as ``published``.
        facts: names, hashes, counts and flags (see the module docstring); no data value.
        once_per: fact names that make the event unique: when a line with this event and the same
            values of these facts is already there, nothing is written and that line is returned
            (a flow that runs again from the top after a pause records its start once).

    Returns:
        The entry as written (or as found, with ``once_per``).

    Raises:
        AuditEntryError: a bad event name, fact name or fact value (named, never shown).
        AuditError: the file cannot be written, or it ends in a partial or foreign line.
    """
    _check_entry(event, facts, once_per)
    folder = Path(catalog_dir)
    path = audit_path(folder)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o644)
    except OSError as exc:
        raise AuditError(str(path), f"cannot be opened for appending ({exc.strerror or type(exc).__name__})") from None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)  # released when fd is closed
        if once_per:
            found = _find(path, event, {name: facts[name] for name in once_per})
            if found is not None:
                return found
        seq, prev = _tail(fd, path)
        entry = {**facts, "event": event, "seq": seq + 1, "prev": prev,
                 "time": datetime.now(timezone.utc).isoformat(timespec="milliseconds")}
        entry["sha256"] = entry_sha256(entry)
        data = (_canonical(entry) + "\n").encode("ascii")
        while data:  # O_APPEND: every write lands at the end, and the lock keeps it ours
            data = data[os.write(fd, data):]
        os.fsync(fd)
        return entry
    except OSError as exc:
        raise AuditError(str(path), f"cannot be appended to ({exc.strerror or type(exc).__name__})") from None
    finally:
        os.close(fd)


def entry_sha256(entry: Mapping[str, Any]) -> str:
    """The sha256 of an entry's canonical JSON without its own ``sha256``."""
    body = {key: value for key, value in entry.items() if key != "sha256"}
    return hashlib.sha256(_canonical(body).encode("ascii")).hexdigest()


def verify_chain(catalog_dir: str | Path) -> AuditCheck:
    """Check every line of the trail in order; stop at the first that does not hold.

    A line holds when it ends in a newline, is canonical JSON with the entry fields, its
    ``sha256`` matches its content, its ``seq`` is its line number and its ``prev`` is the line
    before's ``sha256``. An empty file holds (no events yet).

    Raises:
        AuditError: the file is missing or cannot be read.
    """
    path = audit_path(catalog_dir)
    prev, number = GENESIS, 0
    for number, raw in _lines(path):
        problem = _line_problem(raw, number, prev)
        if problem is not None:
            return AuditCheck(str(path), number - 1, prev, number, problem)
        prev = json.loads(raw)["sha256"]
    return AuditCheck(str(path), number, prev)


def read_events(catalog_dir: str | Path) -> list[dict]:
    """Every entry of the trail, in order (parsed only; `verify_chain` checks them).

    Raises:
        AuditError: the file is missing or unreadable, or a line is not a JSON object (named).
    """
    path = audit_path(catalog_dir)
    events = []
    for number, raw in _lines(path):
        try:
            entry = json.loads(raw)
        except ValueError:
            entry = None
        if not isinstance(entry, dict):
            raise AuditError(str(path), f"line {number} is not a JSON object; run `synthgate audit verify`")
        events.append(entry)
    return events


def _check_entry(event: str, facts: Mapping[str, Any], once_per: Sequence[str]) -> None:
    if not isinstance(event, str) or not _NAME.match(event):
        raise AuditEntryError("event", "an event name is a lower-case identifier of at most 40 characters")
    for key, value in facts.items():
        if not isinstance(key, str) or not _NAME.match(key):
            raise AuditEntryError("facts", "a fact name is a lower-case identifier of at most 40 characters")
        if key in RESERVED:
            raise AuditEntryError(key, f"is set by the trail itself; reserved: {', '.join(RESERVED)}")
        if isinstance(value, (list, tuple)):
            if len(value) > MAX_ITEMS:
                raise AuditEntryError(key, f"holds {len(value)} items; at most {MAX_ITEMS}")
            for item in value:
                _check_scalar(key, item)
        else:
            _check_scalar(key, value)
    missing = [name for name in once_per if name not in facts]
    if missing:
        raise AuditEntryError("once_per", f"names facts the event does not have: {', '.join(missing)}")


def _check_scalar(key: str, value: Any) -> None:
    if value is None or isinstance(value, (bool, int)):
        return
    if isinstance(value, float):
        if not math.isfinite(value):
            raise AuditEntryError(key, "is not a finite number")
        return
    if isinstance(value, str):
        if len(value) > MAX_TEXT:
            raise AuditEntryError(key, f"is a text of {len(value)} characters; at most {MAX_TEXT}")
        return
    raise AuditEntryError(key, f"is a {type(value).__name__}; allowed: text, number, flag, null or a list of them")


def _canonical(entry: Mapping[str, Any]) -> str:
    return json.dumps(entry, sort_keys=True, separators=(",", ":"), ensure_ascii=True, allow_nan=False)


def _tail(fd: int, path: Path) -> tuple[int, str]:
    """(seq, sha256) of the last line; (0, GENESIS) for an empty file."""
    size = os.fstat(fd).st_size
    if size == 0:
        return 0, GENESIS
    start, tail = size, b""
    while start > 0 and tail.count(b"\n") < 2:
        start = max(0, start - _TAIL_CHUNK)
        tail = os.pread(fd, size - start, start)
    if not tail.endswith(b"\n"):
        raise AuditError(str(path), "ends in a partial line (an interrupted write?); nothing more is appended "
                         "until `synthgate audit verify` passes again")
    last = tail[:-1].rsplit(b"\n", 1)[-1]
    try:
        entry = json.loads(last)
        seq, sha = entry["seq"], entry["sha256"]
    except (ValueError, TypeError, KeyError):
        seq = sha = None
    if not isinstance(seq, int) or not isinstance(sha, str) or not _HEX64.match(sha):
        raise AuditError(str(path), "its last line is not an audit entry; nothing more is appended until "
                         "`synthgate audit verify` passes again")
    return seq, sha


def _find(path: Path, event: str, facts: Mapping[str, Any]) -> dict | None:
    for _, raw in _lines(path):
        try:
            entry = json.loads(raw)
        except ValueError:
            continue
        if isinstance(entry, dict) and entry.get("event") == event and all(
                entry.get(k) == v for k, v in facts.items()):
            return entry
    return None


def _lines(path: Path) -> Iterator[tuple[int, bytes]]:
    """(1-based number, bytes with their newline) of every line."""
    try:
        with path.open("rb") as handle:
            yield from enumerate(handle, start=1)
    except FileNotFoundError:
        raise AuditError(str(path), "not found (no audit trail in this folder)") from None
    except OSError as exc:
        raise AuditError(str(path), f"cannot be read ({exc.strerror or type(exc).__name__})") from None


def _line_problem(raw: bytes, number: int, prev: str) -> str | None:
    """Why line ``number`` does not hold, or None. Never quotes the line."""
    if not raw.endswith(b"\n"):
        return "ends without a newline (a partial or truncated write)"
    try:
        entry = json.loads(raw)
    except ValueError:
        return "is not JSON"
    if not isinstance(entry, dict):
        return "is not a JSON object"
    for field, kind in (("seq", int), ("event", str), ("time", str), ("prev", str), ("sha256", str)):
        if not isinstance(entry.get(field), kind) or isinstance(entry.get(field), bool):
            return f"lacks the field '{field}'"
    if entry_sha256(entry) != entry["sha256"]:
        return "its sha256 does not match its content: the line was changed"
    if _canonical(entry).encode("ascii") + b"\n" != raw:
        return "is not written in the trail's canonical form: the line was edited"
    if entry["prev"] != prev:
        before = "the start of the trail" if number == 1 else f"line {number - 1}"
        return (f"its prev does not match the sha256 of {before}: a line before it was deleted, inserted, "
                "moved or changed")
    if entry["seq"] != number:
        return f"carries seq {entry['seq']}: a line was deleted, inserted or moved"
    return None

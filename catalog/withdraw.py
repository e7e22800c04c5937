"""Withdraw a published version from download, for good: a tombstone first, then the files go.

A withdrawal writes ``CATALOG/<dataset>/<version>/WITHDRAWN.json`` (reason, time, who, kind, the
files it removes) atomically and fsynced, and only then deletes every other file of the release
(the Parquet table, README, reports, evaluation, validation, Data Docs, a derived croissant.json);
``manifest.json`` stays, so the page can still say what was released and why it is gone.

Crash safety: the tombstone is the commit point. A crash before it leaves the release untouched
and published; a crash after it leaves a withdrawn version whose files are partly still on disk,
and the server, the site and the index already treat it as withdrawn (they read the tombstone).
Calling `withdraw` again on such a version finishes the deletion (the files the tombstone lists and
any other leftover) and returns the tombstone as written: the cleanup is idempotent. A second
withdrawal of a version that holds only its manifest and tombstone is refused.

Retention: a manifest's ``dataset.retention.until`` is the last day a version may be downloaded;
`expired` lists the versions past it and `expire` withdraws each with kind ``expired``.
A leaf module: no flows, no prefect.
"""
from __future__ import annotations

import fcntl
import json
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, timezone
from pathlib import Path

from synthgate.catalog.errors import CatalogError
from synthgate.catalog.model import MANIFEST, TOMBSTONE, TOMBSTONE_KINDS, Catalog, Tombstone, Version, scan

MAX_REASON = 500


class WithdrawalIncomplete(CatalogError):
    """The tombstone is written (the version is withdrawn) but a file could not be deleted: call again."""


LOCK = ".locks/withdraw.lock"
# Who withdrew: a name as reviewers are named (letters, digits, '.', '_', '@', '-').
NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$")
_KEEP = frozenset({MANIFEST, TOMBSTONE})


def withdraw(root: str | Path, dataset: str, version: str, *, reason: str, by: str, kind: str = "withdrawn",
             now: datetime | None = None) -> Tombstone:
    """Take one published version out of download for good.

    Args:
        root: the catalog folder.
        dataset, version: the release (as ``CATALOG/<dataset>/<version>/``).
        reason: why, in words, one line of 1-500 characters; public with the catalog (no data value).
        by: who withdrew it (1-64 letters, digits, '.', '_', '@' or '-').
        kind: ``withdrawn`` (a person decided) or ``expired`` (its retention period ended).
        now: the withdrawal time (default: now, UTC).

    Returns:
        The tombstone as written (or as found, when this call finished an interrupted withdrawal).

    Raises:
        CatalogError: one line: no such catalog, dataset or version; a bad reason, name or kind; a
            version already withdrawn; a tombstone that cannot be written (nothing changed).
        WithdrawalIncomplete: the tombstone is written but a file could not be deleted (call again).
    """
    _check(reason, by, kind)
    root = Path(root)
    with _locked(root):
        target = scan(root).version(dataset, version)
        if target.tombstone is not None:
            if not _leftovers(target.folder):
                raise CatalogError(f"{dataset} {version} was already {target.tombstone.kind} on {target.tombstone.at} "
                                   f"by {target.tombstone.by}; a withdrawal is final")
            _delete(target.folder)  # an interrupted withdrawal: finish it
            return target.tombstone
        at = (now or datetime.now(timezone.utc)).astimezone(timezone.utc).isoformat(timespec="seconds")
        tombstone = Tombstone(reason=reason.strip(), at=at, by=by, kind=kind, removed=tuple(_leftovers(target.folder)))
        _write_atomically(target.folder / TOMBSTONE, tombstone.to_json())
        _delete(target.folder)
        return tombstone


def expired(cat: Catalog, today: date) -> list[Version]:
    """The versions whose retention ended before ``today`` and that are not withdrawn yet."""
    return [v for v in cat.versions()
            if not v.withdrawn and v.retention_until is not None and v.retention_until < today]


def expire(root: str | Path, *, today: date, by: str) -> list[Tombstone]:
    """Withdraw every version past its retention (kind ``expired``); returns their tombstones in catalog order.

    Raises:
        CatalogError: as `withdraw` (the versions withdrawn before the failing one stay withdrawn).
    """
    return [withdraw(root, v.dataset, v.version, reason=f"retention period ended on {v.retention_until.isoformat()}",
                     by=by, kind="expired") for v in expired(scan(root), today)]


def _check(reason: str, by: str, kind: str) -> None:
    if not isinstance(reason, str) or not reason.strip():
        raise CatalogError("the reason is empty; say in words why the version is withdrawn (1-500 characters)")
    if len(reason.strip()) > MAX_REASON:
        raise CatalogError(f"the reason holds {len(reason.strip())} characters; at most {MAX_REASON}")
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in reason):
        raise CatalogError("the reason must be one line of text (no line breaks or control characters)")
    if not isinstance(by, str) or not NAME.match(by):
        raise CatalogError("the name of who withdraws must be 1-64 letters, digits, '.', '_', '@' or '-'")
    if kind not in TOMBSTONE_KINDS:
        raise CatalogError(f"kind {kind!r} is not one of {', '.join(TOMBSTONE_KINDS)}")


def _leftovers(folder: Path) -> list[str]:
    """Every file (or link) in the release folder but the manifest and the tombstone, as relative paths."""
    found = []
    for base, dirs, files in os.walk(folder):  # links are listed, never followed
        here = Path(base)
        found += [(here / name).relative_to(folder).as_posix() for name in files]
        found += [(here / name).relative_to(folder).as_posix() for name in dirs if (here / name).is_symlink()]
    return sorted(name for name in found if name not in _KEEP)


def _delete(folder: Path) -> None:
    """Delete every leftover file, then the folders they leave empty (Data Docs)."""
    try:
        for name in _leftovers(folder):
            (folder / name).unlink(missing_ok=True)
        for base, _, _ in os.walk(folder, topdown=False):  # children before their parents
            if Path(base) != folder and not os.listdir(base):
                os.rmdir(base)
        _fsync_dir(folder)
    except OSError as exc:
        raise WithdrawalIncomplete(f"{folder}: the tombstone is written but a file could not be deleted "
                                   f"({exc.strerror}); run the withdrawal again to finish it") from None


def _write_atomically(path: Path, data: dict) -> None:
    """Write, fsync, rename into place, fsync the folder: the tombstone is on disk before any file goes."""
    temp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(temp, "w", encoding="utf-8") as handle:
            json.dump(data, handle, ensure_ascii=False, indent=2, sort_keys=True)
            handle.write("\n")
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, path)
        _fsync_dir(path.parent)
    except OSError as exc:
        temp.unlink(missing_ok=True)
        raise CatalogError(f"{path}: cannot write the tombstone ({exc.strerror}); nothing was withdrawn") from None


def _fsync_dir(folder: Path) -> None:
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


@contextmanager
def _locked(root: Path) -> Iterator[None]:
    """One withdrawal at a time per catalog (two people, or `expire` and `withdraw`)."""
    if not root.is_dir():
        raise CatalogError(f"{root} is not a folder; give the catalog folder (output.catalog in the spec)")
    lock = root / LOCK
    try:
        lock.parent.mkdir(exist_ok=True)
        handle = open(lock, "a")
    except OSError as exc:
        raise CatalogError(f"{lock}: cannot lock the catalog for a withdrawal ({exc.strerror})") from None
    with handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield

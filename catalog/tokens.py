"""Bearer tokens for restricted datasets, kept as hashes in ``CATALOG/.access/tokens.json``.

A token is 32 random bytes (``secrets.token_urlsafe(32)``), shown once by `add_token`; the file keeps
only its sha256, a name, when it was made and revoked, and the datasets it opens (``None``: every
restricted dataset). A plain sha256 is enough: the token has 256 bits of entropy, so there is no
dictionary to try against a leaked hash. ``.access/`` is mode 0700 and the file 0600; writes take an
exclusive ``flock`` and replace the file atomically, so two CLI calls never lose a token. Records are
never deleted: a revoked token stays listed with its ``revoked_at``, so the access log's names stay
explained. The server (`check_token`) rereads the file on each restricted request, so a revocation
holds from the next request on.

A leaf module: no flows, no prefect.
"""
from __future__ import annotations

import fcntl
import hashlib
import hmac
import json
import os
import re
import secrets
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path

from synthgate.catalog.errors import CatalogError

ACCESS_DIR = ".access"
TOKENS_FILE = "tokens.json"
_LOCK_FILE = "tokens.lock"
# A token's name appears in the access log and the token list: a short identifier, no spaces.
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$")
_DATASET = re.compile(r"^[a-z0-9][a-z0-9-]{0,99}$")
_HEX64 = re.compile(r"^[0-9a-f]{64}$")
_FORMAT = 1


def tokens_path(root: str | Path) -> Path:
    """Where the catalog's token hashes live: ``CATALOG/.access/tokens.json``."""
    return Path(root) / ACCESS_DIR / TOKENS_FILE


def add_token(root: str | Path, name: str, datasets: Iterable[str] | None = None) -> str:
    """Make a new bearer token and store its hash.

    Args:
        root: the catalog folder.
        name: who holds the token (1-64 letters, digits, '.', '_', '@' or '-'); shown in the access log.
        datasets: the restricted datasets it opens (slugs); None opens every restricted dataset.

    Returns:
        The token itself: shown once, stored nowhere.

    Raises:
        CatalogError: one line: the catalog folder is missing, the name or a dataset slug is not
            allowed, or a token of that name is still active.
    """
    _check_name(name)
    scope = None if datasets is None else sorted(set(_check_dataset(d) for d in datasets))
    if scope == []:
        raise CatalogError("token scope: give at least one dataset, or none at all for every restricted dataset")
    token = secrets.token_urlsafe(32)
    with _locked(root) as records:
        if any(r["name"] == name and r["revoked_at"] is None for r in records):
            raise CatalogError(f"token {name!r} exists and is active; revoke it first or choose another name")
        records.append({"name": name, "sha256": _digest(token), "created_at": _now(), "revoked_at": None,
                        "datasets": scope})
    return token


def revoke_token(root: str | Path, name: str) -> dict:
    """Revoke the active token called ``name`` (its record stays, with ``revoked_at``).

    Returns:
        The revoked token's record, without its hash.

    Raises:
        CatalogError: one line: no active token of that name (names the active ones).
    """
    _check_name(name)
    with _locked(root) as records:
        for record in records:
            if record["name"] == name and record["revoked_at"] is None:
                record["revoked_at"] = _now()
                return _public(record)
        active = ", ".join(sorted(r["name"] for r in records if r["revoked_at"] is None)) or "none"
        raise CatalogError(f"no active token {name!r} to revoke; active tokens: {active}")


def list_tokens(root: str | Path) -> list[dict]:
    """Every token record, oldest first: name, created_at, revoked_at, datasets (never the hash)."""
    return [_public(r) for r in _read(Path(root))]


def check_token(root: str | Path, token: str, dataset: str) -> str | None:
    """The name of the active token ``token`` if it opens ``dataset``, else None.

    Compares the token's hash with every record in constant time (`hmac.compare_digest`), so the
    answer's timing does not say how much of a hash matched.
    """
    scope = token_scope(root, token)
    if scope is None or (scope[1] is not None and dataset not in scope[1]):
        return None
    return scope[0]


def token_scope(root: str | Path, token: str) -> tuple[str, list[str] | None] | None:
    """(name, datasets) of the active token ``token``, or None when unknown or revoked.

    The server tells a token it does not know (401, RFC 6750 ``invalid_token``) from one that does not
    open this dataset (403, ``insufficient_scope``).
    """
    if not token or len(token) > 512:
        return None
    digest = _digest(token)
    found = None
    for record in _read(Path(root)):
        if hmac.compare_digest(digest, record["sha256"]) and found is None:
            found = record
    if found is None or found["revoked_at"] is not None:
        return None
    return found["name"], found["datasets"]


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def _public(record: dict) -> dict:
    return {k: record[k] for k in ("name", "created_at", "revoked_at", "datasets")}


def _check_name(name: object) -> str:
    if not isinstance(name, str) or not _NAME.match(name):
        raise CatalogError(f"token name {name!r} is not allowed: use 1-64 letters, digits, '.', '_', '@' or '-', "
                           "starting with a letter or digit")
    return name


def _check_dataset(dataset: object) -> str:
    if not isinstance(dataset, str) or not _DATASET.match(dataset):
        raise CatalogError(f"token scope: dataset {dataset!r} is not a dataset name (lower-case letters, digits "
                           "and '-')")
    return dataset


def _read(root: Path) -> list[dict]:
    path = tokens_path(root)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return []
    except OSError as exc:
        raise CatalogError(f"{path}: cannot be read ({type(exc).__name__})") from exc
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise CatalogError(f"{path}: is not JSON (line {exc.lineno}); restore it from a backup") from exc
    records = data.get("tokens") if isinstance(data, dict) else None
    if not isinstance(records, list) or not all(_valid(r) for r in records):
        raise CatalogError(f"{path}: is not a token list (each needs name, sha256, created_at, revoked_at, "
                           "datasets)")
    return records


def _valid(record: object) -> bool:
    return (isinstance(record, dict) and isinstance(record.get("name"), str)
            and isinstance(record.get("sha256"), str) and bool(_HEX64.match(record["sha256"]))
            and isinstance(record.get("created_at"), str)
            and (record.get("revoked_at") is None or isinstance(record.get("revoked_at"), str))
            and (record.get("datasets") is None
                 or (isinstance(record["datasets"], list) and all(isinstance(d, str) for d in record["datasets"]))))


@contextmanager
def _locked(root: str | Path) -> Iterator[list[dict]]:
    """The token records under an exclusive lock; what the block leaves in the list is written back."""
    root = Path(root)
    if not root.is_dir():
        raise CatalogError(f"{root} is not a folder; give the catalog folder (output.catalog in the spec)")
    folder = root / ACCESS_DIR
    try:
        folder.mkdir(mode=0o700, exist_ok=True)
        os.chmod(folder, 0o700)
        lock_fd = os.open(folder / _LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o600)
    except OSError as exc:
        raise CatalogError(f"{folder}: cannot be created or locked ({type(exc).__name__})") from exc
    try:
        fcntl.flock(lock_fd, fcntl.LOCK_EX)
        records = _read(root)
        yield records
        _write(root, records)
    finally:
        os.close(lock_fd)


def _write(root: Path, records: list[dict]) -> None:
    path = tokens_path(root)
    temp = path.with_name(f".{TOKENS_FILE}.{os.getpid()}.tmp")
    data = json.dumps({"format": _FORMAT, "tokens": records}, indent=1, sort_keys=True).encode("utf-8")
    try:
        with os.fdopen(os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temp, 0o600)
        os.replace(temp, path)
    except OSError as exc:
        temp.unlink(missing_ok=True)
        raise CatalogError(f"{path}: cannot be written ({type(exc).__name__})") from exc

"""The encrypted re-identification table (PIPC "additional information"): AES-256-GCM, kept apart from data."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import os
import secrets
import struct
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any, NoReturn

from synthgate.privacy.errors import AdditionalInformationError, KeyTooShortError, UnsafeLocationError
from synthgate.privacy.keys import MIN_KEY_BYTES

__all__ = [
    "AdditionalInformation",
    "encryption_key_id",
    "write_additional_information",
    "read_additional_information",
    "read_header",
    "ensure_apart",
]

FORMAT = "synthgate-additional-information"
VERSION = 1
_MAGIC = b"SGAI"
_NONCE_BYTES = 12  # 96 bits, the GCM standard nonce; random per file
_AES_LABEL = b"synthgate/additional-information/aes-256-gcm/v1"
_ID_LABEL = b"synthgate/encryption-key-id/v1"
_PSEUDONYM_ID_LABEL = b"synthgate/key-id/v1"  # as in keys.py: detects a reused pseudonym key


class AdditionalInformation(Mapping[str, tuple[tuple[str, str], ...]]):
    """Column -> distinct ``(pseudonym or surrogate, original text)`` pairs.

    It holds raw identifiers, so ``repr`` shows counts only and pickling raises (it
    can never land in Prefect result storage); write it with
    ``write_additional_information`` and drop it.
    """

    __slots__ = ("_pairs",)

    def __init__(self, pairs: Mapping[str, Iterable[tuple[str, str]]]) -> None:
        self._pairs = {str(c): tuple(sorted({(str(p), str(o)) for p, o in rows})) for c, rows in pairs.items()}

    def __getitem__(self, column: str) -> tuple[tuple[str, str], ...]:
        return self._pairs[column]

    def __iter__(self) -> Iterator[str]:
        return iter(self._pairs)

    def __len__(self) -> int:
        return len(self._pairs)

    def counts(self) -> dict[str, int]:
        """Column -> number of distinct pairs."""
        return {column: len(rows) for column, rows in self._pairs.items()}

    def originals(self, column: str, pseudonym: str) -> list[str]:
        """The original spellings behind one pseudonym (re-identification, under the PIPC's conditions)."""
        return [original for p, original in self._pairs[column] if p == pseudonym]

    def __repr__(self) -> str:
        return f"AdditionalInformation(pairs={self.counts()})"

    __str__ = __repr__

    def __reduce__(self) -> NoReturn:
        raise TypeError("AdditionalInformation holds identifiers and is never pickled")


def encryption_key_id(encryption_key: bytes) -> str:
    """A fingerprint (``e_`` + 16 hex digits) naming the encryption key without revealing it."""
    _check_key(encryption_key)
    return "e_" + hmac.new(bytes(encryption_key), _ID_LABEL, hashlib.sha256).hexdigest()[:16]


def write_additional_information(
    path: Path | str,
    mapping: Mapping[str, Iterable[tuple[str, str]]],
    encryption_key: bytes,
    *,
    key_id: str,
    created: dt.datetime | None = None,
) -> dict[str, Any]:
    """Writes the re-identification table encrypted with AES-256-GCM.

    File layout: ``SGAI`` + 4-byte header length + a JSON header (format, version,
    cipher, pseudonym ``key_id``, ``encryption_key_id``, column names with their
    pair counts, created time) + a random 96-bit nonce + the ciphertext and tag.
    The header is authenticated as associated data, so altering any byte makes
    reading fail. The AES key is derived from ``encryption_key`` with HMAC-SHA256.
    The file is written next to its final name and renamed (never half-written),
    with mode 0600. The caller chooses ``path`` (see ``ensure_apart``).

    Args:
        path: Where to write.
        mapping: Column -> ``(pseudonym, original)`` pairs, e.g. ``AppliedPlan.additional_information``.
        encryption_key: At least 32 bytes, not the pseudonym key.
        key_id: The pseudonym key's fingerprint, recorded in the header.
        created: The creation time (default: now, UTC).

    Returns:
        The header (counts and fingerprints only), e.g. for the manifest.

    Raises:
        AdditionalInformationError: The encryption key is the pseudonym key.
        KeyTooShortError: The encryption key is shorter than 32 bytes.
    """
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    path = Path(path)
    table = mapping if isinstance(mapping, AdditionalInformation) else AdditionalInformation(mapping)
    enc_id = encryption_key_id(encryption_key)
    reused = "k_" + hmac.new(bytes(encryption_key), _PSEUDONYM_ID_LABEL, hashlib.sha256).hexdigest()[:16]
    if reused == key_id:
        raise AdditionalInformationError(str(path), "the encryption key must differ from the pseudonym key")
    header = {
        "format": FORMAT,
        "version": VERSION,
        "cipher": "AES-256-GCM",
        "key_id": key_id,
        "encryption_key_id": enc_id,
        "columns": table.counts(),
        "created": (created or dt.datetime.now(dt.timezone.utc)).isoformat(timespec="seconds"),
    }
    header_bytes = json.dumps(header, sort_keys=True, ensure_ascii=True).encode("ascii")
    preamble = _MAGIC + struct.pack(">I", len(header_bytes)) + header_bytes
    plaintext = json.dumps({c: [list(pair) for pair in table[c]] for c in table}, ensure_ascii=False).encode()
    nonce = secrets.token_bytes(_NONCE_BYTES)
    ciphertext = AESGCM(_aes_key(encryption_key)).encrypt(nonce, plaintext, preamble)
    temporary = path.with_name(path.name + ".partial")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(preamble + nonce + ciphertext)
    os.replace(temporary, path)
    return header


def read_header(path: Path | str) -> dict[str, Any]:
    """Reads the plain-text header (fingerprints, column names, counts) without decrypting.

    Raises:
        AdditionalInformationError: The file is not in this format or version.
    """
    return _split(Path(path))[0]


def read_additional_information(path: Path | str, encryption_key: bytes) -> AdditionalInformation:
    """Decrypts a file written by ``write_additional_information``.

    Raises:
        AdditionalInformationError: Wrong encryption key, an altered or truncated
            file, or an unknown format (the message never quotes the file).
    """
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    path = Path(path)
    header, preamble, body = _split(path)
    if header.get("encryption_key_id") != encryption_key_id(encryption_key):
        raise AdditionalInformationError(
            str(path), f"it was encrypted with key {header.get('encryption_key_id')!r}, not the one given"
        )
    try:
        plaintext = AESGCM(_aes_key(encryption_key)).decrypt(body[:_NONCE_BYTES], body[_NONCE_BYTES:], preamble)
    except InvalidTag:
        raise AdditionalInformationError(str(path), "authentication failed: the file was altered") from None
    return AdditionalInformation({c: map(tuple, rows) for c, rows in json.loads(plaintext).items()})


def ensure_apart(location: Path | str, *forbidden: Path | str) -> Path:
    """Refuses a location for the re-identification file that overlaps a forbidden folder.

    The file must never sit with the data it re-identifies: ``location`` may not be
    a forbidden folder, lie inside one, or contain one. Paths are resolved first
    (symlinks, ``..``), so nothing sneaks in through a link.

    Args:
        location: The intended file or folder.
        *forbidden: Folders to stay apart from (the workspace, the catalog).

    Returns:
        The resolved location.

    Raises:
        UnsafeLocationError: Naming the location, the folder and how they overlap.
    """
    resolved = Path(location).expanduser().resolve()
    for folder in forbidden:
        other = Path(folder).expanduser().resolve()
        if resolved == other:
            relation = "is"
        elif resolved.is_relative_to(other):
            relation = "is inside"
        elif other.is_relative_to(resolved):
            relation = "contains"
        else:
            continue
        raise UnsafeLocationError(str(resolved), str(other), relation)
    return resolved


def _check_key(encryption_key: bytes) -> None:
    if not isinstance(encryption_key, (bytes, bytearray)):
        raise TypeError(f"the encryption key must be bytes, got {type(encryption_key).__name__}")
    if len(encryption_key) < MIN_KEY_BYTES:
        raise KeyTooShortError(len(encryption_key), MIN_KEY_BYTES, "encryption key")


def _aes_key(encryption_key: bytes) -> bytes:
    _check_key(encryption_key)
    return hmac.new(bytes(encryption_key), _AES_LABEL, hashlib.sha256).digest()


def _split(path: Path) -> tuple[dict[str, Any], bytes, bytes]:
    data = path.read_bytes()
    unknown = AdditionalInformationError(str(path), f"not a {FORMAT} file of version {VERSION}")
    if len(data) < 8 or data[:4] != _MAGIC:
        raise unknown
    (length,) = struct.unpack(">I", data[4:8])
    preamble = data[: 8 + length]
    try:
        header = json.loads(preamble[8:].decode("ascii"))
    except (UnicodeDecodeError, ValueError):
        raise unknown from None
    if not isinstance(header, dict) or header.get("format") != FORMAT or header.get("version") != VERSION:
        raise unknown
    body = data[8 + length :]
    if len(body) < _NONCE_BYTES + 16:
        raise AdditionalInformationError(str(path), "the file is truncated")
    return header, preamble, body

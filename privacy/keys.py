"""The secret key behind pseudonyms: usable for HMAC, never shown, pickled or copied out."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Iterable
from typing import Any, NoReturn

from synthgate.privacy.errors import KeyTooShortError

__all__ = ["MIN_KEY_BYTES", "PseudonymKey", "hmac_many"]

MIN_KEY_BYTES = 32
"""256 bits: the HMAC-SHA256 block of security; shorter secrets are brute-forceable sooner."""

_KEY_ID_LABEL = b"synthgate/key-id/v1"
# Sub-keys are HMAC(secret, _SUBKEY_LABEL + purpose). Pseudonyms use HMAC(secret,
# b"synthgate/pseudonym/v1\x00" + value) and the fingerprint HMAC(secret, _KEY_ID_LABEL):
# no message of one family is a prefix of another's, so no output of one operator is an
# output (or reveals a bit) of another.
_SUBKEY_LABEL = b"synthgate/subkey/v1\x00"


def hmac_many(key: bytes, label: bytes, messages: Iterable[bytes]) -> list[bytes]:
    """HMAC-SHA256 of ``label + message`` under ``key``, for each message.

    Equal to ``hmac.digest(key, label + message, "sha256")`` but about twice as fast
    on many short messages: the padded-key hash states (and the label) are computed
    once and copied per message (RFC 2104: H(K^opad, H(K^ipad, m))).
    """
    block = hashlib.sha256().block_size
    if len(key) > block:
        key = hashlib.sha256(key).digest()
    padded = key.ljust(block, b"\x00")
    inner = hashlib.sha256(bytes(b ^ 0x36 for b in padded))
    inner.update(label)
    outer = hashlib.sha256(bytes(b ^ 0x5C for b in padded))
    new_inner, new_outer = inner.copy, outer.copy
    digests = []
    for message in messages:
        state = new_inner()
        state.update(message)
        final = new_outer()
        final.update(state.digest())
        digests.append(final.digest())
    return digests


class PseudonymKey:
    """A secret for keyed pseudonyms (HMAC-SHA256).

    The bytes live in a name-mangled slot and leave the object only as HMAC
    digests. ``repr``/``str`` show the ``key_id`` fingerprint; pickling raises so a
    key can never end up in Prefect result storage or a model file. ``copy`` and
    ``deepcopy`` return the same object, which is immutable.

    Args:
        secret: At least ``MIN_KEY_BYTES`` bytes, e.g. from a secret store.

    Raises:
        KeyTooShortError: ``secret`` is shorter than ``MIN_KEY_BYTES``.
        TypeError: ``secret`` is not bytes.
    """

    __slots__ = ("__secret", "__key_id")

    def __init__(self, secret: bytes) -> None:
        if not isinstance(secret, (bytes, bytearray)):
            raise TypeError(f"PseudonymKey needs bytes, got {type(secret).__name__}")
        if len(secret) < MIN_KEY_BYTES:
            raise KeyTooShortError(len(secret), MIN_KEY_BYTES)
        self.__secret = bytes(secret)
        # A one-way fingerprint: it tells which key made a release without revealing it.
        self.__key_id = "k_" + self._hmac_hex(_KEY_ID_LABEL)[:16]

    @classmethod
    def from_text(cls, value: str) -> PseudonymKey:
        """Builds a key from text, e.g. the output of ``openssl rand -hex 32``.

        Surrounding whitespace is stripped (secret files usually end in a newline);
        the remaining UTF-8 bytes are the secret, so a 64-character hex string gives
        64 bytes.

        Args:
            value: The secret text.

        Returns:
            The key.

        Raises:
            KeyTooShortError: The stripped text has fewer than ``MIN_KEY_BYTES`` bytes.
        """
        return cls(value.strip().encode("utf-8"))

    @classmethod
    def generate_throwaway(cls) -> PseudonymKey:
        """Returns a random key for demos and tests.

        Pseudonyms made with it cannot be linked to any other run, because the key
        is never stored.
        """
        return cls(secrets.token_bytes(MIN_KEY_BYTES))

    @property
    def key_id(self) -> str:
        """A fingerprint (``k_`` + 16 hex digits) that names the key without revealing it."""
        return self.__key_id

    def _hmac_hex(self, message: bytes) -> str:
        # Internal to the package.
        return hmac.new(self.__secret, message, hashlib.sha256).hexdigest()

    def _digests(self, label: bytes, messages: Iterable[bytes]) -> list[bytes]:
        """HMAC-SHA256 of ``label + message`` under the secret, for each message (internal)."""
        return hmac_many(self.__secret, label, messages)

    def _subkey(self, purpose: bytes) -> bytes:
        """A 32-byte key for one operator, e.g. ``b"synthgate/surrogate/v1"`` (internal).

        Knowing a sub-key reveals neither the secret nor any other operator's output.
        """
        return hmac.digest(self.__secret, _SUBKEY_LABEL + purpose, "sha256")

    def __repr__(self) -> str:
        return f"PseudonymKey(key_id={self.__key_id!r})"

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, PseudonymKey):
            return NotImplemented
        return hmac.compare_digest(self.__secret, other.__secret)

    def __hash__(self) -> int:
        return hash(self.__key_id)

    def __copy__(self) -> PseudonymKey:
        return self

    def __deepcopy__(self, memo: dict[int, Any]) -> PseudonymKey:
        return self

    def __getstate__(self) -> NoReturn:
        raise TypeError("PseudonymKey is never pickled")

    def __reduce__(self) -> NoReturn:
        raise TypeError("PseudonymKey is never pickled")

    def __reduce_ex__(self, protocol: object) -> NoReturn:
        raise TypeError("PseudonymKey is never pickled")

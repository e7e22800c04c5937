"""Where the pseudonymisation key comes from: an environment variable, a Prefect Secret, or the demo."""
from __future__ import annotations

import os
import secrets

from synthgate import privacy
from synthgate.flows.errors import KeyConfigError
from synthgate.flows.spec import PrivacySpec

_throwaway: privacy.PseudonymKey | None = None
_throwaway_encryption: bytes | None = None


def use_throwaway_key() -> privacy.PseudonymKey:
    """For the demo only: random keys held in this process, never written anywhere."""
    global _throwaway, _throwaway_encryption
    _throwaway = privacy.PseudonymKey.generate_throwaway()
    _throwaway_encryption = secrets.token_bytes(privacy.MIN_KEY_BYTES)
    return _throwaway


def additional_information_key(spec: PrivacySpec) -> bytes:
    """The key that encrypts the re-identification table: its own variable, never the pseudonym key.

    Raises:
        KeyConfigError: the variable is unset, too short, or holds the pseudonymisation key itself.
    """
    if _throwaway_encryption is not None:
        return _throwaway_encryption
    kept = spec.additional_information
    assert kept is not None
    value = os.environ.get(kept.key_env, "").strip()
    if not value:
        raise KeyConfigError(
            f"no key for the re-identification table: set {kept.key_env} to a secret of at least "
            f"{privacy.MIN_KEY_BYTES} bytes (e.g. export {kept.key_env}=$(openssl rand -hex 32)), kept apart "
            "from the pseudonymisation key"
        )
    if len(value.encode()) < privacy.MIN_KEY_BYTES:
        raise KeyConfigError(f"the key in ${kept.key_env} is {len(value.encode())} bytes; at least "
                             f"{privacy.MIN_KEY_BYTES} are required (e.g. openssl rand -hex 32)")
    if value == os.environ.get(spec.key_env, "").strip():
        raise KeyConfigError(f"${kept.key_env} holds the pseudonymisation key; the re-identification table "
                             "needs a key of its own (separate access)")
    return value.encode()


def _from_text(value: str, where: str) -> privacy.PseudonymKey:
    try:
        return privacy.PseudonymKey.from_text(value)
    except privacy.KeyTooShortError as exc:
        raise KeyConfigError(
            f"the key in {where} is {exc.length} bytes; at least {exc.minimum} are required "
            "(e.g. openssl rand -hex 32)"
        ) from None


def key_from_environment(spec: PrivacySpec) -> privacy.PseudonymKey:
    """The key from the environment variable the spec names (or the demo's throwaway key)."""
    if _throwaway is not None:
        return _throwaway
    value = os.environ.get(spec.key_env)
    if not value:
        raise KeyConfigError(
            f"no pseudonymisation key: set the environment variable {spec.key_env} to a secret of at "
            f"least {privacy.MIN_KEY_BYTES} bytes (e.g. export {spec.key_env}=$(openssl rand -hex 32)), "
            "or name a Prefect Secret block in privacy.key_secret_block"
        )
    return _from_text(value, f"${spec.key_env}")


def resolve_key(spec: PrivacySpec) -> privacy.PseudonymKey:
    """The key for this run; a Prefect Secret block wins over the environment when configured.

    Raises:
        KeyConfigError: no key, a short key, or a Secret block that cannot be loaded.
    """
    if _throwaway is not None or spec.key_secret_block is None:
        return key_from_environment(spec)
    from prefect.blocks.system import Secret

    try:
        secret = Secret.load(spec.key_secret_block)
    except Exception as exc:  # Prefect raises ValueError or an HTTP error for a missing block
        raise KeyConfigError(
            f"the Prefect Secret block '{spec.key_secret_block}' cannot be loaded ({type(exc).__name__})"
        ) from None
    return _from_text(str(secret.get()), f"Prefect Secret '{spec.key_secret_block}'")

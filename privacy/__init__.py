"""Privacy step of synthgate: detect, pseudonymise, generalise and redact columns before training."""

from privacy.errors import KeyTooShortError, PrivacyError
from privacy.keys import MIN_KEY_BYTES, PseudonymKey
from privacy.normalise import normalise_identifier
from privacy.pseudonymise import pseudonymise_series

__all__ = [
    "MIN_KEY_BYTES",
    "PseudonymKey",
    "normalise_identifier",
    "pseudonymise_series",
    "PrivacyError",
    "KeyTooShortError",
]

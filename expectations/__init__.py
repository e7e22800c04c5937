"""Validate synthetic tables against their training profile and privacy gates with GX."""

from expectations.errors import ExpectationsError, ProfileError, ValidationRunError
from expectations.gates import GATE_COLUMNS, GATE_DESCRIPTIONS, privacy_gate_frame
from expectations.profile import ColumnKind, ColumnProfile, TrainingProfile, profile_training

__all__ = [
    "GATE_COLUMNS",
    "GATE_DESCRIPTIONS",
    "ColumnKind",
    "ColumnProfile",
    "ExpectationsError",
    "ProfileError",
    "TrainingProfile",
    "ValidationRunError",
    "privacy_gate_frame",
    "profile_training",
]

"""Validate synthetic tables against their training profile and privacy gates with GX."""

from expectations.errors import ExpectationsError, ProfileError, ValidationRunError
from expectations.profile import ColumnKind, ColumnProfile, TrainingProfile, profile_training

__all__ = [
    "ColumnKind",
    "ColumnProfile",
    "ExpectationsError",
    "ProfileError",
    "TrainingProfile",
    "ValidationRunError",
    "profile_training",
]

"""Validate synthetic tables against their training profile and privacy gates with GX."""

from expectations.errors import ExpectationsError, ProfileError, ValidationRunError
from expectations.gates import GATE_COLUMNS, GATE_DESCRIPTIONS, privacy_gate_frame
from expectations.profile import ColumnKind, ColumnProfile, TrainingProfile, profile_training
from expectations.suite import Tolerances, build_privacy_suite, build_synthetic_suite

__all__ = [
    "GATE_COLUMNS",
    "GATE_DESCRIPTIONS",
    "ColumnKind",
    "ColumnProfile",
    "ExpectationsError",
    "ProfileError",
    "Tolerances",
    "TrainingProfile",
    "ValidationRunError",
    "build_privacy_suite",
    "build_synthetic_suite",
    "privacy_gate_frame",
    "profile_training",
]

"""Validate synthetic tables against their training profile and privacy gates with GX."""

from expectations.errors import ExpectationsError, ProfileError, ValidationRunError
from expectations.gates import GATE_COLUMNS, GATE_DESCRIPTIONS, privacy_gate_frame
from expectations.profile import ColumnKind, ColumnProfile, TrainingProfile, profile_training
from expectations.suite import Tolerances, build_privacy_suite, build_synthetic_suite
from expectations.validate import (
    ExpectationOutcome,
    ValidationSummary,
    render_failures,
    validate_release,
)

__all__ = [
    "GATE_COLUMNS",
    "GATE_DESCRIPTIONS",
    "ColumnKind",
    "ColumnProfile",
    "ExpectationOutcome",
    "ExpectationsError",
    "ProfileError",
    "Tolerances",
    "TrainingProfile",
    "ValidationRunError",
    "ValidationSummary",
    "build_privacy_suite",
    "build_synthetic_suite",
    "privacy_gate_frame",
    "profile_training",
    "render_failures",
    "validate_release",
]

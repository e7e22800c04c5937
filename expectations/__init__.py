"""Validate synthetic tables against their profile, privacy gates and evaluation figures (GX)."""

from synthgate.expectations.docs import render_data_docs, write_data_docs
from synthgate.expectations.errors import (
    ExpectationsError,
    MetricGateError,
    ProfileError,
    ValidationRunError,
)
from synthgate.expectations.gates import GATE_COLUMNS, GATE_DESCRIPTIONS, privacy_gate_frame
from synthgate.expectations.metrics import (
    METRIC_EXPECTATION,
    MetricGate,
    build_evaluation_suite,
    evaluation_frame,
)
from synthgate.expectations.relational import (
    INTEGRITY_PREFIX,
    build_integrity_privacy_suite,
    integrity_column,
    integrity_gate_frame,
)
from synthgate.expectations.rule_suite import RULE_TARGET, RuleCheck, check_rules, rule_mostly
from synthgate.expectations.rules import detect_rules, rule_label, rule_shares
from synthgate.expectations.profile import ColumnKind, ColumnProfile, TrainingProfile, profile_training
from synthgate.expectations.suite import Tolerances, build_privacy_suite, build_synthetic_suite
from synthgate.expectations.validate import (
    ExpectationOutcome,
    ValidationSummary,
    render_failures,
    validate_release,
)

__all__ = [
    "GATE_COLUMNS",
    "GATE_DESCRIPTIONS",
    "INTEGRITY_PREFIX",
    "METRIC_EXPECTATION",
    "RULE_TARGET",
    "ColumnKind",
    "ColumnProfile",
    "ExpectationOutcome",
    "ExpectationsError",
    "MetricGate",
    "MetricGateError",
    "ProfileError",
    "RuleCheck",
    "Tolerances",
    "TrainingProfile",
    "ValidationRunError",
    "ValidationSummary",
    "build_evaluation_suite",
    "build_integrity_privacy_suite",
    "build_privacy_suite",
    "build_synthetic_suite",
    "check_rules",
    "detect_rules",
    "evaluation_frame",
    "integrity_column",
    "integrity_gate_frame",
    "privacy_gate_frame",
    "profile_training",
    "render_data_docs",
    "render_failures",
    "rule_label",
    "rule_mostly",
    "rule_shares",
    "validate_release",
    "write_data_docs",
]

"""Privacy step of synthgate: detect, pseudonymise, generalise and redact columns before training."""

from privacy._risk_errors import InvalidEnforcementError, RiskThresholdNotMetError
from privacy.anonymity import (
    EnforcementReport,
    EnforcementStep,
    GeneraliseStep,
    RiskThreshold,
    StepOutcome,
    SuppressCellsStep,
    SuppressRowsStep,
    enforce_threshold,
    parse_steps,
)
from privacy.detect import ColumnDetection, detect_columns
from privacy.errors import (
    ColumnActionError,
    ColumnNotFoundError,
    InvalidPlanError,
    KeyRequiredError,
    KeyTooShortError,
    PrivacyError,
    RedactionError,
    RuleNotApplicableError,
    UnplannedColumnsError,
    UnsupportedLanguageError,
)
from privacy.generalise import (
    RULES,
    AgeBand,
    DateTruncate,
    GeneraliseRule,
    MergeRare,
    TopBottomCode,
    coarsen_synthetic,
    parse_rule,
)
from privacy.keys import MIN_KEY_BYTES, PseudonymKey
from privacy.kinds import KINDS, infer_kind
from privacy.normalise import normalise_identifier
from privacy.plan import (
    Action,
    ColumnOutcome,
    ColumnPlan,
    PseudonymisationPlan,
    PseudonymisationReport,
    apply_plan,
)
from privacy.pseudonymise import pseudonymise_series
from privacy.redact import DEFAULT_ENTITIES, TextRedactor
from privacy.risk import RiskReport, measure_risk

__all__ = [
    # keys and pseudonyms
    "MIN_KEY_BYTES",
    "PseudonymKey",
    "normalise_identifier",
    "pseudonymise_series",
    # generalisation rules
    "AgeBand",
    "DateTruncate",
    "TopBottomCode",
    "MergeRare",
    "GeneraliseRule",
    "RULES",
    "parse_rule",
    "coarsen_synthetic",
    # free text
    "DEFAULT_ENTITIES",
    "TextRedactor",
    # plans
    "KINDS",
    "Action",
    "ColumnPlan",
    "PseudonymisationPlan",
    "ColumnOutcome",
    "PseudonymisationReport",
    "apply_plan",
    # re-identification risk
    "RiskReport",
    "measure_risk",
    "RiskThreshold",
    "GeneraliseStep",
    "SuppressCellsStep",
    "SuppressRowsStep",
    "EnforcementStep",
    "parse_steps",
    "StepOutcome",
    "EnforcementReport",
    "enforce_threshold",
    # detection
    "ColumnDetection",
    "detect_columns",
    "infer_kind",
    # errors
    "PrivacyError",
    "KeyTooShortError",
    "RuleNotApplicableError",
    "ColumnNotFoundError",
    "UnplannedColumnsError",
    "InvalidPlanError",
    "KeyRequiredError",
    "RedactionError",
    "ColumnActionError",
    "UnsupportedLanguageError",
    "RiskThresholdNotMetError",
    "InvalidEnforcementError",
]

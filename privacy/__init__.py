"""Privacy step of synthgate: detect, pseudonymise, generalise and redact columns before training."""

from synthgate.privacy._engines import LANGUAGES
from synthgate.privacy._risk_errors import InvalidEnforcementError, RiskThresholdNotMetError
from synthgate.privacy.anonymity import (
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
from synthgate.privacy.dateshift import DateShift
from synthgate.privacy.detect import (
    ColumnDetection,
    date_shift_subject,
    detect_columns,
    detect_text_language,
    quasi_identifier_candidates,
)
from synthgate.privacy.errors import (
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
    SurrogateSpaceExhaustedError,
    AdditionalInformationError,
    UnsafeLocationError,
)
from synthgate.privacy.generalise import (
    RULES,
    AddressLevel,
    AgeBand,
    DateTruncate,
    GeneraliseRule,
    MergeRare,
    TopBottomCode,
    coarsen_synthetic,
    parse_rule,
)
from synthgate.privacy.keys import MIN_KEY_BYTES, PseudonymKey
from synthgate.privacy.kinds import KINDS, infer_kind
from synthgate.privacy.normalise import normalise_identifier
from synthgate.privacy.plan import (
    Action,
    ColumnOutcome,
    ColumnPlan,
    PseudonymisationPlan,
    PseudonymisationReport,
    apply_plan,
)
from synthgate.privacy.batches import PlanStream, streaming_obstacle
from synthgate.privacy.pseudonymise import PseudonymCache, pseudonymise_series
from synthgate.privacy.recognizers import KOREAN_ENTITIES
from synthgate.privacy.recognizers.kr_address import split_address
from synthgate.privacy.redact import DEFAULT_ENTITIES, TextRedactor
from synthgate.privacy.risk import RiskReport, class_counts, measure_grouped_risk, measure_risk, merge_class_counts
from synthgate.privacy.surrogate import (
    DigitsSurrogate,
    RrnSurrogate,
    SurrogateConfig,
    is_valid_rrn,
    rrn_check_digit,
    surrogate_series,
)
from synthgate.privacy.vault import (
    AdditionalInformation,
    encryption_key_id,
    ensure_apart,
    read_additional_information,
    read_header,
    write_additional_information,
)

__all__ = [
    # keys and pseudonyms
    "MIN_KEY_BYTES",
    "PseudonymKey",
    "normalise_identifier",
    "pseudonymise_series",
    # format-preserving surrogates and date shifting
    "SurrogateConfig",
    "RrnSurrogate",
    "DigitsSurrogate",
    "surrogate_series",
    "is_valid_rrn",
    "rrn_check_digit",
    "DateShift",
    # the re-identification table ("additional information")
    "AdditionalInformation",
    "encryption_key_id",
    "write_additional_information",
    "read_additional_information",
    "read_header",
    "ensure_apart",
    # generalisation rules
    "AgeBand",
    "AddressLevel",
    "DateTruncate",
    "TopBottomCode",
    "MergeRare",
    "GeneraliseRule",
    "RULES",
    "parse_rule",
    "coarsen_synthetic",
    # free text
    "LANGUAGES",
    "KOREAN_ENTITIES",
    "split_address",
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
    # batches (tables larger than memory)
    "PlanStream",
    "PseudonymCache",
    "streaming_obstacle",
    # re-identification risk
    "RiskReport",
    "measure_risk",
    "class_counts",
    "merge_class_counts",
    "measure_grouped_risk",
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
    "detect_text_language",
    "quasi_identifier_candidates",
    "date_shift_subject",
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
    "SurrogateSpaceExhaustedError",
    "AdditionalInformationError",
    "UnsafeLocationError",
    "RiskThresholdNotMetError",
    "InvalidEnforcementError",
]

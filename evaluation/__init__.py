"""Fidelity, utility and privacy risk of a synthetic table against its training rows and a holdout."""

from evaluation.config import GATES, EvaluationConfig, GateRule, Task, Thresholds
from evaluation.errors import (
    EmptyTableError,
    EvaluationError,
    NotApplicable,
    TableMismatchError,
    TargetError,
)
from evaluation.evaluate import evaluate
from evaluation.holdout import HoldoutSplit, split_holdout, table_sha256
from evaluation.result import FIGURES, Evaluation, Gate
from evaluation.tables import KINDS, AlignedTables, align_tables, infer_kind

__all__ = [
    "FIGURES",
    "GATES",
    "KINDS",
    "AlignedTables",
    "EmptyTableError",
    "Evaluation",
    "EvaluationConfig",
    "EvaluationError",
    "Gate",
    "GateRule",
    "HoldoutSplit",
    "NotApplicable",
    "TableMismatchError",
    "TargetError",
    "Task",
    "Thresholds",
    "align_tables",
    "evaluate",
    "infer_kind",
    "split_holdout",
    "table_sha256",
]

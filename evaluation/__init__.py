"""Fidelity, utility and privacy risk of a synthetic table (or a set of linked tables) against its training rows and a holdout."""

from synthgate.evaluation._neighbours import (
    Encoded,
    Search,
    load_encoded,
    query_chunk_rows,
    save_encoded,
    search_local,
)
from synthgate.evaluation.config import GATES, INTERVAL_GATES, EvaluationConfig, GateRule, Task, Thresholds
from synthgate.evaluation.errors import (
    EmptyTableError,
    EvaluationError,
    NotApplicable,
    TableMismatchError,
    TargetError,
)
from synthgate.evaluation.evaluate import evaluate
from synthgate.evaluation.holdout import HoldoutSplit, split_holdout, table_sha256
from synthgate.evaluation.relational import (
    RelationalEvaluation,
    augment_with_children,
    evaluate_relational,
    split_by_subject,
)
from synthgate.evaluation.result import FIGURES, VERDICTS, Evaluation, Gate
from synthgate.evaluation.tables import KINDS, AlignedTables, align_tables, infer_kind

__all__ = [
    "FIGURES",
    "GATES",
    "INTERVAL_GATES",
    "KINDS",
    "AlignedTables",
    "EmptyTableError",
    "Encoded",
    "Evaluation",
    "EvaluationConfig",
    "EvaluationError",
    "Gate",
    "GateRule",
    "HoldoutSplit",
    "NotApplicable",
    "RelationalEvaluation",
    "Search",
    "TableMismatchError",
    "TargetError",
    "VERDICTS",
    "Task",
    "Thresholds",
    "align_tables",
    "augment_with_children",
    "evaluate",
    "evaluate_relational",
    "infer_kind",
    "load_encoded",
    "query_chunk_rows",
    "save_encoded",
    "search_local",
    "split_by_subject",
    "split_holdout",
    "table_sha256",
]

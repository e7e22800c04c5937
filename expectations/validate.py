"""Run the synthetic, privacy and evaluation suites with GX, summarise safely, write offline Data Docs."""

from __future__ import annotations

import datetime as dt
import numbers
import re
import shutil
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from synthgate.expectations._context import SuiteRun, run_suites
from synthgate.expectations._normalise import gx_view
from synthgate.expectations.docs import write_data_docs
from synthgate.expectations.errors import ValidationRunError
from synthgate.expectations.metrics import METRIC_EXPECTATION

if TYPE_CHECKING:
    import great_expectations as gx

__all__ = ["ExpectationOutcome", "ValidationSummary", "render_failures", "validate_release"]

# No suite's results list a cell value (partial_unexpected_count=0, and BASIC keeps no
# per-value counts or row indices): a failing release may hold a synthetic cell that equals a
# raw value (that is what the contains_raw_value gate catches), and nothing published may
# repeat it. Counts and percentages remain. The gate and evaluation frames hold only booleans
# and published aggregates, but one format for all leaves nothing to get wrong.
RESULT_FORMAT: dict[str, Any] = {"result_format": "BASIC", "partial_unexpected_count": 0}
SYNTHETIC_RESULT_FORMAT = PRIVACY_RESULT_FORMAT = EVALUATION_RESULT_FORMAT = RESULT_FORMAT

# Expectations whose observed_value is an aggregate (a proportion, a count, a published
# figure). Others (a column's min, max, median, ...) could observe a single cell: not shown.
_AGGREGATE_OBSERVED = frozenset({
    METRIC_EXPECTATION,
    "expect_column_proportion_of_non_null_values_to_be_between",
    "expect_table_row_count_to_equal",
    "expect_table_row_count_to_be_between",
    "expect_table_column_count_to_equal",
    "expect_column_unique_value_count_to_be_between",
    "expect_column_proportion_of_unique_values_to_be_between",
})

# What a GX Data Docs build left in a docs directory (earlier versions wrote GX's own site) and
# what this module writes; a directory holding only these is an earlier build and is replaced,
# anything else is refused. GX still builds its site, into _GX_SCRATCH, which is then removed:
# its pages load CSS and JavaScript from CDNs, so they are never published.
_GX_SCRATCH = ".gx-site"
_DOCS_ENTRIES = frozenset({"index.html", "static", "expectations", "validations", _GX_SCRATCH})
_TYPE_NAME = re.compile(r"[A-Za-z0-9_\[\], ]{1,40}")


@dataclass(frozen=True)
class ExpectationOutcome:
    """The value-free outcome of one expectation.

    Attributes:
        suite: The suite's name.
        expectation: GX's snake_case type, e.g. ``"expect_column_values_to_be_in_set"``.
        column: The column checked, or None for table-level expectations.
        success: Whether it passed.
        description: The expectation's human description.
        observed: A short observation with no cell value in it ("unexpected_percent=2.1%",
            "observed_value=0.93", "observed_type=object_"), or None.
        bound: What was checked, as published ("between 1 and 50, mostly 99.2%", "one of
            3 values: A, B, _RARE_", "= 300"), or None; built from the suite's protected
            bounds, never from the data validated.
    """

    suite: str
    expectation: str
    column: str | None
    success: bool
    description: str
    observed: str | None
    bound: str | None = None


@dataclass(frozen=True)
class ValidationSummary:
    """What a release validation found; safe to publish (it holds no cell values).

    Attributes:
        success: Whether every expectation of every suite passed.
        evaluated: Number of expectations evaluated.
        failed: Number that failed.
        outcomes: Every expectation's outcome: synthetic suite, privacy suite, then the
            evaluation suite if one was given, each in suite order.
        docs_index: The Data Docs index page, relative to ``docs_dir``, or None if not written.
    """

    success: bool
    evaluated: int
    failed: int
    outcomes: tuple[ExpectationOutcome, ...]
    docs_index: str | None

    def failures(self) -> tuple[ExpectationOutcome, ...]:
        """Return the outcomes that failed."""
        return tuple(o for o in self.outcomes if not o.success)

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-able dict."""
        return {
            "success": self.success,
            "evaluated": self.evaluated,
            "failed": self.failed,
            "docs_index": self.docs_index,
            "outcomes": [asdict(o) for o in self.outcomes],
        }


def validate_release(
    synthetic: pd.DataFrame,
    gate_frame: pd.DataFrame,
    *,
    synthetic_suite: gx.ExpectationSuite,
    privacy_suite: gx.ExpectationSuite,
    docs_dir: Path,
    evaluation_suite: gx.ExpectationSuite | None = None,
    evaluation_frame: pd.DataFrame | None = None,
) -> ValidationSummary:
    """Validate a synthetic table, its privacy gate frame and its evaluation figures; write docs.

    GX runs in a fresh ephemeral (in-memory) context with progress bars and analytics off. The
    Data Docs are one self-contained page, ``docs_dir/index.html`` (``expectations.docs``):
    inline CSS, no script, no external request, each expectation with its description, bound
    and observed aggregate. GX's own site (CDN assets) is built only into a scratch folder
    inside ``docs_dir`` and removed.
    GX is only ever given the synthetic table (in a dtype view GX can check, see
    ``expectations._normalise.gx_view``), the boolean gate frame, the one-row frame of
    evaluation figures (published aggregates), and suites built from published aggregates, so
    neither docs nor summary can hold a training row, a pseudonym or a raw value.

    Args:
        synthetic: The generated table.
        gate_frame: ``privacy_gate_frame(synthetic, ...)``: same index, boolean gate columns.
        synthetic_suite: From ``build_synthetic_suite``.
        privacy_suite: From ``build_privacy_suite``.
        docs_dir: Where to write the Data Docs page; created if missing. An earlier Data Docs
            build found there (ours or GX's) is removed first (its pages must not be published
            alongside this run's); any other content is refused.
        evaluation_suite: From ``build_evaluation_suite``; with ``evaluation_frame`` it adds
            a third run whose failures (a figure out of bounds) fail the release.
        evaluation_frame: ``evaluation_frame(gates)`` for the same gates: one row.

    Returns:
        The summary; ``success`` is False when any expectation failed.

    Raises:
        ValidationRunError: The gate frame does not belong to ``synthetic``, two suites have
            the same name, only one of ``evaluation_suite`` and ``evaluation_frame`` is given
            or the frame has not exactly one row, ``docs_dir`` holds files that are not Data
            Docs, or GX itself failed.
    """
    docs_dir = Path(docs_dir)
    suites = [synthetic_suite, privacy_suite]
    if evaluation_suite is not None:
        suites.append(evaluation_suite)
    _check_inputs(synthetic, gate_frame, suites, docs_dir)
    _check_evaluation(evaluation_suite, evaluation_frame)
    _prepare_docs_dir(docs_dir)
    runs = [
        SuiteRun(synthetic_suite, gx_view(synthetic), SYNTHETIC_RESULT_FORMAT),
        SuiteRun(privacy_suite, gate_frame, PRIVACY_RESULT_FORMAT),
    ]
    if evaluation_suite is not None and evaluation_frame is not None:
        runs.append(SuiteRun(evaluation_suite, evaluation_frame, EVALUATION_RESULT_FORMAT))
    scratch = docs_dir / _GX_SCRATCH
    try:
        results = run_suites(runs, scratch)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    outcomes = tuple(
        _outcome(run.suite.name, result)
        for run, suite_results in zip(runs, results)
        for result in suite_results
    )
    failed = sum(not o.success for o in outcomes)
    index = write_data_docs(docs_dir, outcomes)
    return ValidationSummary(
        success=failed == 0,
        evaluated=len(outcomes),
        failed=failed,
        outcomes=outcomes,
        docs_index=index.name,
    )


def render_failures(summary: ValidationSummary) -> list[str]:
    """Return one line per failed expectation, naming suite, expectation and column.

    Example: ``privacy_gates: expect_column_values_to_be_in_set on copies_training_row failed
    (unexpected_percent=0.3%): Privacy gate copies_training_row: No synthetic row ...``, or
    ``release_evaluation: expect_evaluation_metric_to_be_between on mia_auc failed
    (observed_value=0.6004): mia_auc is at most 0.6. ...``.

    Args:
        summary: A summary from ``validate_release``.

    Returns:
        The lines, in outcome order; empty when everything passed. Like the summary, they
        hold no cell value and may be logged.
    """
    lines = []
    for outcome in summary.failures():
        observed = f" ({outcome.observed})" if outcome.observed else ""
        target = outcome.column if outcome.column else "the table"
        lines.append(
            f"{outcome.suite}: {outcome.expectation} on {target} failed{observed}: "
            f"{outcome.description}"
        )
    return lines


def _check_inputs(
    synthetic: pd.DataFrame,
    gate_frame: pd.DataFrame,
    suites: list[gx.ExpectationSuite],
    docs_dir: Path,
) -> None:
    if not gate_frame.index.equals(synthetic.index):
        raise ValidationRunError("the gate frame's index differs from the synthetic table's")
    names = [suite.name for suite in suites]
    for name in names:
        if names.count(name) > 1:  # each suite is a data asset and a docs page of its own
            raise ValidationRunError(f"two suites are named {name!r}")
    if docs_dir.exists() and not docs_dir.is_dir():
        raise ValidationRunError(f"docs_dir {docs_dir} exists and is not a directory")
    if docs_dir.is_dir() and not {p.name for p in docs_dir.iterdir()} <= _DOCS_ENTRIES:
        raise ValidationRunError(f"docs_dir {docs_dir} holds files that are not Data Docs")


def _check_evaluation(suite: gx.ExpectationSuite | None, frame: pd.DataFrame | None) -> None:
    if (suite is None) != (frame is None):
        raise ValidationRunError("give both evaluation_suite and evaluation_frame, or neither")
    if frame is not None and len(frame) != 1:
        raise ValidationRunError(f"the evaluation frame has {len(frame)} rows, not 1")


def _prepare_docs_dir(docs_dir: Path) -> None:
    docs_dir.mkdir(parents=True, exist_ok=True)
    for entry in docs_dir.iterdir():  # only an earlier Data Docs build, see _check_inputs
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry)
        else:
            entry.unlink()


def _outcome(suite: str, result: Any) -> ExpectationOutcome:
    config = result.expectation_config
    return ExpectationOutcome(
        suite=suite,
        expectation=str(config.type),
        column=config.kwargs.get("column"),
        success=bool(result.success),
        description=config.description or str(config.type),
        observed=_observe(str(config.type), result.result or {}, result.exception_info or {}),
        bound=_bound(config.kwargs),
    )


def _observe(kind: str, result: dict[str, Any], exception_info: dict[str, Any]) -> str | None:
    """Summarise a GX result in a few value-free words (never a list of values)."""
    if _raised(exception_info):
        return "error: the check could not be evaluated"
    if result.get("unexpected_percent") is not None:
        return f"unexpected_percent={_number(result['unexpected_percent'])}%"
    mismatched = (result.get("details") or {}).get("mismatched")
    if isinstance(mismatched, dict):  # expect_table_columns_to_match_set
        missing, unexpected = mismatched.get("missing", []), mismatched.get("unexpected", [])
        return f"missing_columns={len(missing)}, unexpected_columns={len(unexpected)}"
    observed = result.get("observed_value")
    if kind not in _AGGREGATE_OBSERVED and "type" not in kind:
        return None
    if kind == METRIC_EXPECTATION and isinstance(observed, numbers.Real):
        # 6 significant digits: a figure just over its bound (0.6004 > 0.6) must not read as
        # the bound itself.
        return f"observed_value={float(observed):.6g}"
    if isinstance(observed, (bool, numbers.Real)):
        return f"observed_value={_number(observed)}"
    if "type" in kind and isinstance(observed, str) and _TYPE_NAME.fullmatch(observed):
        return f"observed_type={observed}"
    return None


def _bound(kwargs: Any) -> str | None:
    """The checked condition in a few words, from the expectation's own (published) kwargs."""
    parts = []
    low, high = kwargs.get("min_value"), kwargs.get("max_value")
    if low is not None and high is not None:
        parts.append(f"between {_shown(low)} and {_shown(high)}")
    elif low is not None:
        parts.append(f"at least {_shown(low)}")
    elif high is not None:
        parts.append(f"at most {_shown(high)}")
    if kwargs.get("value_set") is not None:
        values = list(dict.fromkeys(_shown(v) for v in kwargs["value_set"]))
        # Categories are stored with their typed readings ("1" and 1): show each once.
        parts.append(f"one of {len(values)} values: " + ", ".join(values))
    if kwargs.get("type_list") is not None:
        parts.append(f"dtype among {len(kwargs['type_list'])} allowed")
    if kwargs.get("column_set") is not None:
        parts.append(f"exactly {len(kwargs['column_set'])} columns")
    if kwargs.get("value") is not None:
        parts.append(f"= {_shown(kwargs['value'])}")
    mostly = kwargs.get("mostly")
    if parts and isinstance(mostly, numbers.Real) and mostly < 1:
        parts.append(f"mostly {float(mostly):.1%}")
    return ", ".join(parts) or None


def _shown(value: Any) -> str:
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value == dt.datetime.combine(value.date(), dt.time()) \
            else value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _raised(exception_info: dict[str, Any]) -> bool:
    if "raised_exception" in exception_info:
        return bool(exception_info["raised_exception"])
    # GX 1.x keys exception info by metric id when a metric failed to resolve.
    return any(isinstance(v, dict) and v.get("raised_exception") for v in exception_info.values())


def _number(value: Any) -> str:
    if isinstance(value, bool) or isinstance(value, numbers.Integral):
        return str(value)
    return f"{float(value):.3g}"

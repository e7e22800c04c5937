"""Run the synthetic, privacy and evaluation suites with GX, summarise safely, write offline Data Docs."""

from __future__ import annotations

import shutil
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from synthgate.expectations._context import SuiteRun, run_suites
from synthgate.expectations._normalise import gx_view
from synthgate.expectations._outcomes import ExpectationOutcome, outcome_of
from synthgate.expectations.docs import write_data_docs
from synthgate.expectations.errors import ValidationRunError
from synthgate.expectations.rule_suite import RuleCheck

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

# What a GX Data Docs build left in a docs directory (earlier versions wrote GX's own site) and
# what this module writes; a directory holding only these is an earlier build and is replaced,
# anything else is refused. GX still builds its site, into _GX_SCRATCH, which is then removed:
# its pages load CSS and JavaScript from CDNs, so they are never published.
_GX_SCRATCH = ".gx-site"
_DOCS_ENTRIES = frozenset({"index.html", "static", "expectations", "validations", _GX_SCRATCH})


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
        rules: Per data rule: the rule (published form), its real and synthetic share, and
            whether its expectation passed (``RuleCheck.records``); empty without rules.
    """

    success: bool
    evaluated: int
    failed: int
    outcomes: tuple[ExpectationOutcome, ...]
    docs_index: str | None
    rules: tuple[dict, ...] = ()

    def failures(self) -> tuple[ExpectationOutcome, ...]:
        """Return the outcomes that failed."""
        return tuple(o for o in self.outcomes if not o.success)

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-able dict; ``rules`` is there only when the release states rules."""
        data = {
            "success": self.success,
            "evaluated": self.evaluated,
            "failed": self.failed,
            "docs_index": self.docs_index,
            "outcomes": [asdict(o) for o in self.outcomes],
        }
        if self.rules:
            data["rules"] = [dict(r) for r in self.rules]
        return data


def validate_release(
    synthetic: pd.DataFrame,
    gate_frame: pd.DataFrame,
    *,
    synthetic_suite: gx.ExpectationSuite,
    privacy_suite: gx.ExpectationSuite,
    docs_dir: Path,
    evaluation_suite: gx.ExpectationSuite | None = None,
    evaluation_frame: pd.DataFrame | None = None,
    rules: RuleCheck | None = None,
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
        rules: From ``check_rules``: its suite runs over its frame (synthetic columns and
            per-row booleans), and each rule's outcome is recorded with its real and synthetic
            share in ``ValidationSummary.rules``; a rule kept by too few rows fails the release.

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
    checks_rules = rules is not None and bool(rules.rules)
    if checks_rules:
        suites.append(rules.suite)
    _check_inputs(synthetic, gate_frame, suites, docs_dir)
    _check_evaluation(evaluation_suite, evaluation_frame)
    _prepare_docs_dir(docs_dir)
    runs = [
        SuiteRun(synthetic_suite, gx_view(synthetic), SYNTHETIC_RESULT_FORMAT),
        SuiteRun(privacy_suite, gate_frame, PRIVACY_RESULT_FORMAT),
    ]
    if evaluation_suite is not None and evaluation_frame is not None:
        runs.append(SuiteRun(evaluation_suite, evaluation_frame, EVALUATION_RESULT_FORMAT))
    if checks_rules:
        if not rules.frame.index.equals(synthetic.index):
            raise ValidationRunError("the rule check's frame index differs from the synthetic table's")
        runs.append(SuiteRun(rules.suite, rules.frame, RESULT_FORMAT))
    scratch = docs_dir / _GX_SCRATCH
    try:
        results = run_suites(runs, scratch)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    outcomes = tuple(
        outcome_of(run.suite.name, result)
        for run, suite_results in zip(runs, results)
        for result in suite_results
    )
    failed = sum(not o.success for o in outcomes)
    index = write_data_docs(docs_dir, outcomes)
    records = rules.records([o.success for o in outcomes if o.suite == rules.suite.name]) if checks_rules else []
    return ValidationSummary(
        success=failed == 0,
        evaluated=len(outcomes),
        failed=failed,
        outcomes=outcomes,
        docs_index=index.name,
        rules=tuple(records),
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

"""Fidelity: SDMetrics' quality and diagnostic reports, overall and per column and column pair."""
from __future__ import annotations

import math
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["FidelityResult", "measure_fidelity"]

#: SDMetrics' own subsample for contingency pairs; above it the library would sample unseeded.
DEFAULT_MAX_ROWS = 50_000
_TABLE = "table"
_SDTYPES = {"numerical": "numerical", "categorical": "categorical", "datetime": "datetime", "boolean": "boolean"}


@dataclass(frozen=True)
class FidelityResult:
    """SDMetrics' figures for one synthetic table; every score in [0, 1], higher is closer to the real rows.

    Attributes:
        quality_score: The quality report's score: the mean of the two properties below (SDV's
            ``evaluate_quality``); column shapes alone when no pair is counted.
        column_shapes: Mean per-column similarity (KSComplement for numbers and dates,
            TVComplement for categories and booleans); None only if no column could be scored.
        column_pair_trends: Mean per-pair similarity over the pairs SDMetrics counts (those
            whose real correlation or association exceeds its threshold); None when none does.
        diagnostic: ``score``, ``data_validity`` and ``data_structure`` of the diagnostic report.
        columns: Per column ``column``, ``metric``, ``score`` (``reason`` when the score is None).
        pairs: Per pair ``columns``, ``metric``, ``score``, ``real``, ``synthetic`` (Pearson
            correlations of numbers/dates; for pairs with a category, ``real`` is the real rows'
            Cramér's V), ``counted`` (whether the pair enters ``column_pair_trends``) and
            ``reason`` when the score is None.
        rows: Rows of each table the reports read (after the seeded subsample).
        notes: Facts a reader needs to read the figures (no values).
    """

    quality_score: float | None
    column_shapes: float | None
    column_pair_trends: float | None
    diagnostic: Mapping[str, float | None]
    columns: tuple[Mapping[str, Any], ...]
    pairs: tuple[Mapping[str, Any], ...]
    rows: Mapping[str, int] = field(default_factory=dict)
    notes: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """JSON-able form: plain floats, None for a figure that could not be computed."""
        return {
            "quality_score": self.quality_score,
            "column_shapes": self.column_shapes,
            "column_pair_trends": self.column_pair_trends,
            "diagnostic": dict(self.diagnostic),
            "columns": [dict(entry) for entry in self.columns],
            "pairs": [{**entry, "columns": list(entry["columns"])} for entry in self.pairs],
            "rows": dict(self.rows),
            "notes": list(self.notes),
        }


def measure_fidelity(train: pd.DataFrame, synthetic: pd.DataFrame, kinds: Mapping[str, str], *,
                     max_rows: int = DEFAULT_MAX_ROWS, seed: int = 0) -> FidelityResult:
    """Run SDMetrics' QualityReport and DiagnosticReport with metadata built from ``kinds``.

    Both tables are cut to ``max_rows`` rows each (a seeded sample) before the reports run: the
    scores are means over tens of thousands of rows and move by well under 0.01, while the
    reports' time grows with the rows. SDMetrics' own progress output is silenced.

    Args:
        train: The real training rows (normalised by ``evaluation.tables``).
        synthetic: The synthetic rows, same columns.
        kinds: Column -> "numerical" | "categorical" | "datetime" | "boolean".
        max_rows: Most rows of each table the reports read.
        seed: Seed of the subsample.

    Returns:
        The figures, per column and per pair.
    """
    from sdmetrics.reports import DiagnosticReport, QualityReport

    columns = [name for name in kinds if name in train.columns]
    real = _subsample(train[columns], max_rows, seed)
    fake = _subsample(synthetic[columns], max_rows, seed + 1)
    metadata = {
        "tables": {_TABLE: {"columns": {name: {"sdtype": _SDTYPES[kinds[name]]} for name in columns}}},
        "relationships": [],
        "METADATA_SPEC_VERSION": "V2",
    }
    quality, diagnostic = QualityReport(), DiagnosticReport()
    # We subsample with our seed; SDMetrics' own contingency subsample would be unseeded.
    quality.num_rows_subsample = diagnostic.num_rows_subsample = None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # library maintenance noise, and RuntimeWarnings of NaN means
        quality.generate({_TABLE: real}, {_TABLE: fake}, metadata, verbose=False)
        diagnostic.generate({_TABLE: real}, {_TABLE: fake}, metadata, verbose=False)
    properties = quality.get_properties().set_index("Property")["Score"]
    shapes, trends = _number(properties["Column Shapes"]), _number(properties["Column Pair Trends"])
    checks = diagnostic.get_properties().set_index("Property")["Score"]
    validity, structure = _number(checks["Data Validity"]), _number(checks["Data Structure"])
    notes = []
    if trends is None:
        notes.append("no column pair has a real correlation or association above SDMetrics' thresholds "
                     f"(|r| > {quality.real_correlation_threshold}, Cramér's V > "
                     f"{quality.real_association_threshold}); the quality score is the column shapes alone")
    if len(real) < len(train) or len(fake) < len(synthetic):
        notes.append(f"scored on a seeded sample of at most {max_rows} rows of each table")
    return FidelityResult(
        quality_score=_mean([shapes, trends]),
        column_shapes=shapes,
        column_pair_trends=trends,
        diagnostic={"score": _mean([validity, structure]), "data_validity": validity, "data_structure": structure},
        columns=tuple(_column_entries(quality.get_details("Column Shapes"), real, fake)),
        pairs=tuple(_pair_entries(quality.get_details("Column Pair Trends"), quality, real, fake)),
        rows={"real": len(real), "synthetic": len(fake)},
        notes=tuple(notes),
    )


def _subsample(frame: pd.DataFrame, max_rows: int, seed: int) -> pd.DataFrame:
    if len(frame) <= max_rows:
        return frame.reset_index(drop=True)
    keep = np.sort(np.random.default_rng(seed).choice(len(frame), size=max_rows, replace=False))
    return frame.iloc[keep].reset_index(drop=True)


def _column_entries(details: pd.DataFrame, real: pd.DataFrame, fake: pd.DataFrame) -> list[dict[str, Any]]:
    entries = []
    for row in details.to_dict("records"):
        entry = {"column": row["Column"], "metric": row["Metric"], "score": _number(row["Score"])}
        if entry["score"] is None:
            entry["reason"] = _reason(row.get("Error"), [row["Column"]], real, fake)
        entries.append(entry)
    return entries


def _pair_entries(details: pd.DataFrame, report: Any, real_rows: pd.DataFrame,
                  fake_rows: pd.DataFrame) -> list[dict[str, Any]]:
    entries = []
    for row in details.to_dict("records"):
        correlation = row["Metric"] == "CorrelationSimilarity"
        real = _number(row["Real Correlation"] if correlation else row["Real Association"])
        entry = {
            "columns": [row["Column 1"], row["Column 2"]],
            "metric": row["Metric"],
            "score": _number(row["Score"]),
            "real": real,
            "synthetic": _number(row["Synthetic Correlation"]) if correlation else None,
            "counted": bool(row["Meets Threshold?"]) if not pd.isna(row["Meets Threshold?"]) else False,
        }
        if entry["score"] is None:
            error = row.get("Error")
            if isinstance(error, str) or real is None:
                entry["reason"] = _reason(error, entry["columns"], real_rows, fake_rows)
            elif correlation:
                entry["reason"] = (f"real correlation |r| <= {report.real_correlation_threshold}: "
                                   "SDMetrics does not score this pair")
            else:
                entry["reason"] = (f"real association (Cramér's V) <= {report.real_association_threshold}: "
                                   "SDMetrics does not score this pair")
        entries.append(entry)
    return entries


def _reason(error: Any, columns: list[str], real: pd.DataFrame, fake: pd.DataFrame) -> str:
    """Why SDMetrics gave no score, from facts of the tables; the library's own message is left
    out because it may quote cell values."""
    for table, frame in (("real", real), ("synthetic", fake)):
        if len(frame) < 2:
            return f"the {table} table has fewer than 2 rows"
        for name in columns:
            known = frame[name].dropna()
            if known.empty:
                return f"{name} has only missing values in the {table} rows"
            if known.nunique() < 2:
                return f"{name} is constant in the {table} rows"
    if isinstance(error, str) and error:
        return f"SDMetrics could not compute it ({error.partition(':')[0].strip()})"
    return "SDMetrics returned no score"


def _number(value: Any) -> float | None:
    if value is None or pd.isna(value):
        return None
    number = float(value)
    return None if math.isnan(number) or math.isinf(number) else number


def _mean(values: list[float | None]) -> float | None:
    known = [value for value in values if value is not None]
    return float(np.mean(known)) if known else None

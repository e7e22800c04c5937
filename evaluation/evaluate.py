"""One call measures everything: fidelity, utility, distances and attacks, then judges each figure."""
from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from typing import Any

import pandas as pd

from synthgate.evaluation.config import EvaluationConfig, Task
from synthgate.evaluation.errors import NotApplicable, TargetError
from synthgate.evaluation.result import Evaluation, judge
from synthgate.evaluation.tables import AlignedTables, align_tables

__all__ = ["evaluate"]

Progress = Callable[[str, float], None]
_DISTANCE_FIGURES = ("dcr_share", "dcr_share_low", "nndr", "nndr_holdout", "nndr_ratio", "mia_auc", "mia_auc_low")


def evaluate(
    real: pd.DataFrame,
    synthetic: pd.DataFrame,
    holdout: pd.DataFrame,
    config: EvaluationConfig | None = None,
    *,
    kinds: Mapping[str, str] | None = None,
    progress: Progress | None = None,
) -> Evaluation:
    """Measure a synthetic table against the real rows it came from and real rows it never saw.

    Args:
        real: The real training rows.
        synthetic: The synthetic rows.
        holdout: Real rows kept out of training (the control for every privacy figure).
        config: What to measure and the thresholds; defaults throughout when None.
        kinds: Column -> kind ("numerical", "categorical", "datetime", "boolean"); columns not
            named are inferred from the real table's dtypes.
        progress: Called with (step, seconds) after each step, e.g. to log it.

    Returns:
        The evaluation; ``passed`` tells whether every gate holds.

    Raises:
        EmptyTableError, TableMismatchError: The tables cannot be compared.
        TargetError: The target column is not a column of the tables.
    """
    config = config or EvaluationConfig()
    started = time.perf_counter()
    tables = align_tables(real, synthetic, holdout, kinds=kinds, ignore=config.ignore)
    _check_target(config, tables, list(real.columns))
    run = _Steps(progress)
    figures: dict[str, Any] = {}

    fidelity = run("fidelity", lambda: _fidelity(tables, config))
    if fidelity is not None:
        figures.update({k: fidelity.pop(k) for k in ("quality_score", "column_shapes", "column_pair_trends")})
    charts = run("charts", lambda: _charts(tables, config)) or {}
    if config.target is None:
        utility, run.not_applicable["utility"] = None, "no target column was named"
    else:
        utility = run("utility", lambda: _utility(tables, config))
    figures["utility_ratio"], why_not = _utility_ratio(utility)
    if why_not is not None:
        run.not_applicable["utility_ratio"] = run.not_applicable.get("utility", why_not)

    distances = run("distance", lambda: _distances(tables, config))
    if distances is not None:
        figures.update({k: distances[k] for k in _DISTANCE_FIGURES})
    figures["exact_matches"] = run("exact_matches", lambda: _exact(tables))
    attacks = {name: run(name, fn) for name, fn in _attacks(tables, config).items()}
    for name, result in attacks.items():
        figures[f"{name}_risk"] = None if result is None else result["risk"]
        figures[f"{name}_risk_low"] = None if result is None else _risk_low(result)
        if result is None and name in run.not_applicable:
            run.not_applicable[f"{name}_risk"] = run.not_applicable[f"{name}_risk_low"] = run.not_applicable[name]
    if distances is None:
        for key in _DISTANCE_FIGURES:
            run.not_applicable.setdefault(key, run.not_applicable.get("distance", "not measured"))
    elif distances["nndr_ratio"] is None:
        run.not_applicable["nndr_ratio"] = "the holdout rows' own ratio is 0 while the synthetic rows' is not"

    run.timings["total"] = time.perf_counter() - started
    return Evaluation(
        figures=figures,
        gates=judge(figures, config.thresholds, run.not_applicable),
        not_applicable=dict(run.not_applicable),
        rows={"training": len(tables.train), "synthetic": len(tables.synthetic), "holdout": len(tables.holdout)},
        columns={"evaluated": dict(tables.kinds), "skipped": dict(tables.skipped)},
        fidelity={**(fidelity or {}), **charts},
        utility=utility,
        privacy={"distance": distances, **attacks},
        timings=run.timings,
        config=config.model_dump(mode="json"),
    )


class _Steps:
    """Runs a step, times it, and turns NotApplicable into a reason instead of a failure."""

    def __init__(self, progress: Progress | None) -> None:
        self.progress = progress
        self.timings: dict[str, float] = {}
        self.not_applicable: dict[str, str] = {}

    def __call__(self, name: str, fn: Callable[[], Any]) -> Any:
        started = time.perf_counter()
        try:
            return fn()
        except NotApplicable as exc:
            self.not_applicable[name] = exc.reason
            return None
        finally:
            self.timings[name] = time.perf_counter() - started
            if self.progress is not None:
                self.progress(name, self.timings[name])


def _check_target(config: EvaluationConfig, tables: AlignedTables, columns: list[str]) -> None:
    target = config.target
    if target is None:
        return
    if target not in columns:
        raise TargetError(target, "is not a column of the real table", sorted(tables.kinds))
    if config.task is Task.REGRESSION and tables.kinds.get(target) not in (None, "numerical"):
        raise TargetError(target, f"is {tables.kinds[target]}; regression needs a numerical target")


def _fidelity(tables: AlignedTables, config: EvaluationConfig) -> dict:
    from synthgate.evaluation.fidelity import measure_fidelity

    result = measure_fidelity(tables.train, tables.synthetic, tables.kinds, max_rows=config.fidelity_rows,
                              seed=config.seed)
    return result.to_dict()


def _charts(tables: AlignedTables, config: EvaluationConfig) -> dict:
    from synthgate.evaluation.charts import association_matrices, distribution_charts

    return {
        "distributions": distribution_charts(tables.train, tables.synthetic, tables.kinds,
                                             min_count=config.chart_min_count, max_columns=config.chart_columns),
        "associations": association_matrices(tables.train, tables.synthetic, tables.kinds),
    }


def _utility(tables: AlignedTables, config: EvaluationConfig) -> dict:
    from synthgate.evaluation.utility import measure_utility

    target = config.target
    assert target is not None
    if target in tables.skipped:
        raise NotApplicable(f"the target column is left out: {tables.skipped[target]}")
    result = measure_utility(tables.train, tables.synthetic, tables.holdout, tables.kinds, target=target,
                             task=config.task.value, seed=config.seed)
    return result.to_dict()


def _utility_ratio(utility: Mapping[str, Any] | None) -> tuple[float | None, str | None]:
    """Synthetic-trained over real-trained model's skill above chance (AUC - 0.5, or R²); else why not."""
    if utility is None:
        return None, "no utility figure"
    key = "auc" if utility["task"] == "classification" else "r2"
    synthetic, real = utility["synthetic"].get(key), utility["real"].get(key)
    floor = 0.5 if key == "auc" else 0.0  # chance level: a ratio against it means nothing
    if synthetic is None or real is None:
        return None, f"the utility block has no {key} for one of the two models"
    if real <= floor:
        return None, "the real-trained model scored no better than chance"
    return (synthetic - floor) / (real - floor), None


def _distances(tables: AlignedTables, config: EvaluationConfig) -> dict:
    from synthgate.evaluation.distance import measure_distances

    return measure_distances(tables.train, tables.synthetic, tables.holdout, tables.kinds,
                             max_rows=config.max_rows, seed=config.seed).to_dict()


def _exact(tables: AlignedTables) -> int:
    from synthgate.evaluation.distance import count_exact_matches

    return count_exact_matches(tables.train, tables.synthetic)


def _risk_low(result: Mapping[str, Any]) -> float:
    """The lower end of the risk's 95% interval; for per-column attacks, the worst column's."""
    per_column = (result.get("details") or {}).get("per_column")
    if per_column:
        return max(float(entry["ci"][0]) for entry in per_column.values())
    return float(result["ci"][0])


def _attacks(tables: AlignedTables, config: EvaluationConfig) -> dict[str, Callable[[], dict]]:
    from synthgate.evaluation import attacks

    common = {"n_attacks": config.n_attacks, "seed": config.seed}
    frames = (tables.train, tables.synthetic, tables.holdout, tables.kinds)
    secrets = [c for c in config.secrets if c in tables.kinds] if config.secrets else None
    return {
        # matched: the attack and its control run on equally many real rows (anonymeter's own size
        # correction lowers the control rate when the holdout is the smaller table, overstating risk).
        "singling_out": lambda: attacks.singling_out(*frames, control_scaling="matched", **common).to_dict(),
        "linkability": lambda: attacks.linkability(*frames, aux_columns=config.linkability, **common).to_dict(),
        "inference": lambda: attacks.inference(*frames, secrets=secrets, **common).to_dict(),
    }

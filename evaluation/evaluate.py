"""One call measures everything: fidelity, utility, distances and attacks, then judges each figure."""
from __future__ import annotations

import math
import time
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
import pandas as pd

from synthgate.evaluation._neighbours import Search
from synthgate.evaluation.config import EvaluationConfig, Task, Thresholds
from synthgate.evaluation.errors import NotApplicable, TargetError
from synthgate.evaluation.result import FIGURES, VERDICTS, Evaluation, judge, verdict_of
from synthgate.evaluation.tables import AlignedTables, align_tables, infer_kind

__all__ = ["evaluate"]

Progress = Callable[[str, float], None]
_DISTANCE_FIGURES = ("close_records_share", "close_records_share_low", "close_records_share_high",
                     "dcr_share", "dcr_share_low", "dcr_share_high", "nndr", "nndr_holdout", "nndr_ratio",
                     "nndr_ratio_low", "nndr_ratio_high",
                     "mia_auc", "mia_auc_low", "mia_auc_high")
_Z = 1.959963984540054  # two-sided 95%


def evaluate(
    real: pd.DataFrame,
    synthetic: pd.DataFrame,
    holdout: pd.DataFrame,
    config: EvaluationConfig | None = None,
    *,
    kinds: Mapping[str, str] | None = None,
    progress: Progress | None = None,
    generator_copies: tuple[int, int] | None = None,
    search: Search | None = None,
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
        generator_copies: (copies, drawn): how many of the rows the generator drew were exact
            training copies before they were discarded. None (a table from elsewhere): the
            synthetic table's own exact copies are its raw copies.
        search: How the distance figures' neighbour searches run (``Search``, e.g. partitions on a
            cluster); None: in this process. The figures do not depend on it.

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
    c2st = run("c2st", lambda: _c2st(tables, config))
    figures["c2st"] = None if c2st is None else c2st["score"]
    charts = run("charts", lambda: _charts(tables, config)) or {}
    if config.target is None:
        utility, run.not_applicable["utility"] = None, "no target column was named"
    else:
        utility = run("utility", lambda: _utility(tables, config))
    figures["utility_ratio"], why_not = _utility_ratio(utility)
    if why_not is not None:
        run.not_applicable["utility_ratio"] = run.not_applicable.get("utility", why_not)

    distances = run("distance", lambda: _distances(tables, config, search))
    if distances is not None:
        figures.update({k: distances.get(k) for k in _DISTANCE_FIGURES})
    figures["exact_matches"] = run("exact_matches", lambda: _exact(tables))
    figures.update(run("copies", lambda: _copies(tables, generator_copies, figures["exact_matches"])) or {})
    details: dict[str, Any] = {}
    for step, prefix, measure in (("rare_values", "rare_value_share", _rare_values),
                                  ("reproduced_records", "reproduced_record", _reproduced)):
        measured = run(step, lambda: measure(real, synthetic, holdout, kinds, config))
        if measured is not None:
            details[step] = measured.pop("details")
            figures.update(measured)
        elif step in run.not_applicable:  # every figure of the step says why it is missing
            for name in FIGURES:
                if name.startswith(prefix):
                    run.not_applicable[name] = run.not_applicable[step]
    attacks = {name: run(name, fn) for name, fn in _attacks(tables, config).items()}
    for name, result in attacks.items():
        if result is None:
            if name in run.not_applicable:
                for suffix in ("", "_low", "_high"):
                    run.not_applicable[f"{name}_risk{suffix}"] = run.not_applicable[name]
            continue
        figures.update(_risk_figures(name, result, config.thresholds))
    if distances is None:
        for key in _DISTANCE_FIGURES:
            run.not_applicable.setdefault(key, run.not_applicable.get("distance", "not measured"))
    elif distances.get("nndr_ratio") is None:
        run.not_applicable["nndr_ratio"] = "the holdout rows' own ratio is 0 while the synthetic rows' is not"

    run.timings["total"] = time.perf_counter() - started
    samples = _samples(tables, config, c2st, distances, attacks, len(real), len(synthetic), len(holdout))
    return Evaluation(
        figures=figures,
        gates=judge(figures, config.thresholds, run.not_applicable, accept_inconclusive=config.accept_inconclusive,
                    holdout_rows=len(tables.holdout)),
        not_applicable=dict(run.not_applicable),
        rows={"training": len(tables.train), "synthetic": len(tables.synthetic), "holdout": len(tables.holdout)},
        columns={"evaluated": dict(tables.kinds), "skipped": dict(tables.skipped)},
        fidelity={**(fidelity or {}), **({"c2st": c2st} if c2st is not None else {}), **charts},
        utility=utility,
        privacy={"distance": distances, **details, **attacks},
        timings=run.timings,
        config=config.model_dump(mode="json"),
        extra={"samples": samples},
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


def _c2st(tables: AlignedTables, config: EvaluationConfig) -> dict:
    from synthgate.evaluation.c2st import c2st

    return c2st(tables.train, tables.synthetic, kinds=tables.kinds, seed=config.seed, max_rows=config.c2st_rows)


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


def _distances(tables: AlignedTables, config: EvaluationConfig, search: Search | None = None) -> dict:
    from synthgate.evaluation.distance import measure_distances

    return measure_distances(tables.train, tables.synthetic, tables.holdout, tables.kinds,
                             max_rows=config.max_rows, seed=config.seed,
                             reference_rows=config.distance_reference_rows, search=search).to_dict()


def _exact(tables: AlignedTables) -> int:
    from synthgate.evaluation.distance import count_exact_matches

    return count_exact_matches(tables.train, tables.synthetic)


def _wilson(count: int, n: int) -> tuple[float, float, float]:
    """A proportion with its 95% Wilson interval."""
    if n <= 0:
        return 0.0, 0.0, 1.0
    share = count / n
    centre = share + _Z**2 / (2 * n)
    spread = _Z * math.sqrt(share * (1 - share) / n + _Z**2 / (4 * n**2))
    low, high = (centre - spread) / (1 + _Z**2 / n), (centre + spread) / (1 + _Z**2 / n)
    return share, max(0.0, low), min(1.0, high)


def _copies(tables: AlignedTables, generator_copies: tuple[int, int] | None, published: int) -> dict:
    """The generator's raw copy rate beside chance: how often unseen real rows equal a training row."""
    from synthgate.evaluation.distance import count_exact_matches

    copies, drawn = generator_copies if generator_copies is not None else (published, len(tables.synthetic))
    raw, raw_low, raw_high = _wilson(int(copies), int(drawn))
    chance, _, chance_high = _wilson(count_exact_matches(tables.train, tables.holdout), len(tables.holdout))
    return {"raw_copy_share": raw, "raw_copy_share_low": raw_low, "raw_copy_share_high": raw_high,
            "raw_copies": int(copies), "raw_drawn": int(drawn), "chance_copy_share": chance,
            "chance_copy_share_high": chance_high}


def _text_columns(frame: pd.DataFrame, kinds: Mapping[str, str] | None, config: EvaluationConfig) -> dict[str, str]:
    """Every learned column with its kind, identifier-like ones included (the tables' alignment skips those)."""
    declared = dict(kinds or {})
    return {c: declared.get(c) or infer_kind(frame[c]) for c in frame.columns if c not in config.ignore}


def _rare_values(real: pd.DataFrame, synthetic: pd.DataFrame, holdout: pd.DataFrame,
                 kinds: Mapping[str, str] | None, config: EvaluationConfig) -> dict:
    """The worst column's share of synthetic cells holding a real value fewer than k training rows hold."""
    from synthgate.evaluation.reproduction import rare_value_shares

    columns = [c for c, kind in _text_columns(real, kinds, config).items() if kind in ("categorical", "text")]
    if not columns:
        raise NotApplicable("no category or text column is learned")
    shares = rare_value_shares(real, synthetic[columns], columns, k=config.value_protection, holdout=holdout)
    worst = max(sorted(shares), key=lambda c: shares[c].synthetic_share)
    # The column is named only when it holds rare values: with none anywhere, no column is "worst".
    return {"rare_value_share": shares[worst].synthetic_share,
            "rare_value_share_column": worst if shares[worst].synthetic_share > 0 else None,
            "rare_value_share_holdout": shares[worst].holdout_share,
            "details": {c: s.to_dict() for c, s in shares.items()}}


def _reproduced(real: pd.DataFrame, synthetic: pd.DataFrame, holdout: pd.DataFrame,
                kinds: Mapping[str, str] | None, config: EvaluationConfig) -> dict:
    """The worst column set's excess of synthetic rows repeating a combination held by one real person."""
    from synthgate.evaluation.reproduction import identifying_column_sets, reproduced_records

    learned = _text_columns(real, kinds, config)
    sets = identifying_column_sets(learned, real, [q for q in config.quasi_identifiers if q in learned])
    categorical = [c for c, kind in learned.items() if kind in ("categorical", "text")]
    result = reproduced_records(real, synthetic, holdout, sets, k=config.value_protection, categorical=categorical,
                                seed=config.seed)
    worst = result.worst
    return {"reproduced_record_excess": worst.excess, "reproduced_record_excess_low": worst.excess_ci[0],
            "reproduced_record_excess_high": worst.excess_ci[1],
            "reproduced_record_excess_columns": list(worst.columns),
            "reproduced_record_share": worst.synthetic_share, "reproduced_record_share_holdout": worst.holdout_share,
            "details": result.to_dict()}


def _risk_figures(name: str, result: Mapping[str, Any], thresholds: Thresholds) -> dict:
    """Estimate, interval (and column) of an attack as one triple from one place.

    For per-column attacks (inference) the headline is the column that decides the gate: the
    worst verdict first (fail, then inconclusive), then the highest estimate, each verdict read on the
    column's simultaneous interval (``ci_family``, Bonferroni over the columns) where it has one.
    """
    per_column = (result.get("details") or {}).get("per_column")
    bound = getattr(thresholds, f"{name}_risk_max")
    if not per_column:
        low, high = result["ci"]
        return {f"{name}_risk": result["risk"], f"{name}_risk_low": low, f"{name}_risk_high": high}

    def interval(entry: Mapping[str, Any]) -> list[float]:
        return entry.get("ci_family") or entry["ci"]  # simultaneous over the columns (attacks/inference.py)

    def severity(column: str) -> tuple[int, float]:
        entry = per_column[column]
        low, high = interval(entry)
        verdict = "pass" if bound is None else verdict_of(entry["risk"], low, high, "<=", bound, 0.0)
        return -VERDICTS.index(verdict), float(entry["risk"])

    column = max(sorted(per_column), key=severity)
    entry = per_column[column]
    low, high = interval(entry)
    return {f"{name}_risk": entry["risk"], f"{name}_risk_low": low, f"{name}_risk_high": high,
            f"{name}_risk_column": column}


def _attacks(tables: AlignedTables, config: EvaluationConfig) -> dict[str, Callable[[], dict]]:
    from synthgate.evaluation import attacks

    common = {"n_attacks": config.n_attacks, "seed": config.seed}
    # Each attacked row's nearest synthetic rows are searched: a synthetic table past attack_rows is a seeded sample.
    synthetic = _capped(tables.synthetic, config.attack_rows, config.seed)
    frames = (tables.train, synthetic, tables.holdout, tables.kinds)
    secrets = [c for c in config.secrets if c in tables.kinds] if config.secrets else None
    return {
        # matched: the attack and its control run on equally many real rows (anonymeter's own size
        # correction lowers the control rate when the holdout is the smaller table, overstating risk).
        "singling_out": lambda: attacks.singling_out(*frames, control_scaling="matched", **common).to_dict(),
        "linkability": lambda: attacks.linkability(*frames, aux_columns=config.linkability, **common).to_dict(),
        "inference": lambda: attacks.inference(*frames, secrets=secrets, **common).to_dict(),
    }


def _capped(frame: pd.DataFrame, rows: int, seed: int) -> pd.DataFrame:
    """A seeded uniform sample of ``rows`` rows in table order; the frame itself when it is no larger."""
    if len(frame) <= rows:
        return frame
    picked = np.sort(np.random.default_rng([seed, 0xA77]).choice(len(frame), size=rows, replace=False))
    return frame.iloc[picked].reset_index(drop=True)


def _samples(tables: AlignedTables, config: EvaluationConfig, c2st: Mapping[str, Any] | None,
             distances: Mapping[str, Any] | None, attacks: Mapping[str, Any], n_real: int, n_synthetic: int,
             n_holdout: int) -> dict[str, dict[str, Any]]:
    """Rows each figure was measured on (training, synthetic, holdout), beside the rows the tables hold.

    "all" steps read whole tables in linear time (hash joins, counts); the others read the seeded
    samples their caps allow (evaluation config), so the evaluation's time is bounded at any size.
    """
    from synthgate.evaluation.reproduction import DEFAULT_REPRODUCED_ROWS
    from synthgate.evaluation.utility import DEFAULT_MAX_ROWS as UTILITY_ROWS

    train, synthetic, holdout = len(tables.train), len(tables.synthetic), len(tables.holdout)
    whole = {"training": n_real, "synthetic": n_synthetic, "holdout": n_holdout}
    out: dict[str, dict[str, Any]] = {
        "tables": whole,
        "fidelity": {"training": min(train, config.fidelity_rows), "synthetic": min(synthetic, config.fidelity_rows),
                     "cap": "fidelity_rows"},
        "charts": {"training": train, "synthetic": synthetic, "cap": None},
        "exact_matches": {"training": train, "synthetic": synthetic, "cap": None},
        "copies": {"training": train, "holdout": holdout, "cap": None},
        "rare_values": {"training": n_real, "synthetic": n_synthetic, "holdout": n_holdout, "cap": None},
        "reproduced_records": {"training": n_real, "synthetic": min(n_synthetic, DEFAULT_REPRODUCED_ROWS),
                               "holdout": min(n_holdout, DEFAULT_REPRODUCED_ROWS), "cap": "reproduced rows"},
    }
    if c2st is not None:
        out["c2st"] = {"training": int(c2st["rows"]), "synthetic": int(c2st["rows"]), "cap": "c2st_rows"}
    if config.target is not None:
        out["utility"] = {"training": min(train, UTILITY_ROWS), "synthetic": min(synthetic, UTILITY_ROWS),
                          "holdout": min(holdout, UTILITY_ROWS), "cap": "utility rows"}
    if distances is not None:
        out["distance"] = {
            "synthetic": int(distances["synthetic_rows"]), "training": int(distances["train_rows"]),
            "holdout": int(distances["holdout_rows"]),
            "holdout_queried": int(distances.get("holdout_rows_queried") or distances["holdout_rows"]),
            "synthetic_searched": int(distances.get("synthetic_rows_searched") or synthetic),
            "membership_rows": int(distances["rows_compared"]), "cap": "max_rows, distance_reference_rows"}
    for name, result in attacks.items():
        if result is not None:
            control = (result.get("details") or {}).get("n_control_attacks", result["n_attacks"])
            out[name] = {"training": int(result["n_attacks"]), "holdout": int(control),
                         "synthetic": min(synthetic, config.attack_rows), "cap": "n_attacks, attack_rows"}
    return out

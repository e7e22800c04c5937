"""Child process of the generator benchmark: SmartNoise's AIM or MST (differentially private) on one table.

Runs with .venv-smartnoise/bin/python (see benchmarks/setup_smartnoise.sh), never with the project's venv:
    _smartnoise_runner.py --train train.parquet --kinds kinds.json --rows N --out-dir DIR
                          --synth aim|mst --epsilon E [--delta D] [--bins 32] [--seed 0] [--aim-rounds-per-column R]
Writes DIR/synthetic.parquet and DIR/result.json (train_s, sample_s, peak_rss_mb, epsilon, versions).

AIM and MST model discrete data only, so every column is coded on a domain fixed before the
mechanism sees a row (``declare_domains``), and no budget is spent on it. STATED ASSUMPTION: the
domain is public. Each numeric or date column's bounds are its training min and max, given to the
mechanism as known (as a spec would declare them); categories are the training categories; a
column holds nulls (one more code) if the training column does; integer columns (every value
whole) keep integers. A release that had to learn these from the data would spend part of ε on
them. Numbers are cut into ``--bins`` equal-width bins between the bounds (an integer column whose
range has at most that many values keeps one bin per value) and are sampled back uniformly
within their bin. pandas and numpy only at the top: the coding is tested in the project's venv.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

DEFAULT_BINS = 32
# AIM's default rounds are 16 per column. Its first step measures every one-way marginal with
# 0.9 · columns / rounds of the budget, so under about 1 round per column that step alone
# overspends and AIM fails (a NaN probability); 2 is the least this runner accepts.
AIM_ROUNDS_PER_COLUMN = 16.0
MIN_AIM_ROUNDS_PER_COLUMN = 2.0


@dataclass(frozen=True)
class Domain:
    """How one column is coded: ``size`` codes, the last of them null when ``nullable``.

    Numbers and dates: ``edges`` (len bins + 1) and ``integer``; categories and booleans: ``levels``.
    """

    kind: str
    size: int
    nullable: bool
    edges: tuple[float, ...] = ()
    integer: bool = False
    levels: tuple[str, ...] = field(default_factory=tuple)


def _as_float(column: pd.Series, kind: str) -> np.ndarray:
    """Numbers as float64; dates as seconds since 1970; missing as NaN."""
    if kind == "datetime":
        stamps = pd.to_datetime(column, errors="coerce")
        seconds = stamps.to_numpy(dtype="datetime64[ns]").astype("int64") / 1e9
        return np.where(stamps.isna().to_numpy(), np.nan, seconds)
    return pd.to_numeric(column, errors="coerce").astype("float64").to_numpy()


def _levels(column: pd.Series) -> tuple[str, ...]:
    values = column.dropna().astype(object).map(str)
    return tuple(sorted(values.unique()))


def declare_domains(frame: pd.DataFrame, kinds: dict[str, str], *, bins: int = DEFAULT_BINS) -> dict[str, Domain]:
    """The public domain of each column (see the module docstring for what is assumed known).

    Args:
        frame: The training rows.
        kinds: Column -> "numerical", "datetime", "categorical" or "boolean".
        bins: Equal-width bins per numeric or date column.

    Returns:
        Column -> Domain.
    """
    domains = {}
    for name, kind in kinds.items():
        column = frame[name]
        nullable = bool(column.isna().any())
        if kind in ("numerical", "datetime"):
            values = _as_float(column, kind)
            finite = values[~np.isnan(values)]
            low, high = (float(finite.min()), float(finite.max())) if len(finite) else (0.0, 0.0)
            integer = bool(len(finite)) and bool(np.all(finite == np.round(finite)))
            if integer and high - low + 1 <= bins:
                # One bin per whole value: [v - 0.5, v + 0.5) for v = low .. high.
                edges = tuple(np.arange(low - 0.5, high + 1.0, 1.0))
            else:
                edges = tuple(np.linspace(low, high if high > low else low + 1.0, bins + 1))
            domains[name] = Domain(kind, len(edges) - 1 + nullable, nullable, edges=edges, integer=integer)
        else:
            levels = _levels(column)
            domains[name] = Domain(kind, max(len(levels), 1) + nullable, nullable, levels=levels)
    return domains


def encode(frame: pd.DataFrame, domains: dict[str, Domain]) -> pd.DataFrame:
    """Each column as integer codes 0 .. size - 1 of its domain (null: the last code)."""
    out = {}
    for name, domain in domains.items():
        column = frame[name]
        if domain.edges:
            values = _as_float(column, domain.kind)
            inner = np.asarray(domain.edges[1:-1])
            codes = np.searchsorted(inner, np.nan_to_num(values), side="right")
            bins = len(domain.edges) - 1
            codes = np.clip(codes, 0, bins - 1)
            missing = np.isnan(values)
        else:
            text = column.astype(object).map(lambda v: None if pd.isna(v) else str(v))
            index = {level: i for i, level in enumerate(domain.levels)}
            codes = text.map(lambda v: index.get(v, 0) if v is not None else 0).to_numpy()
            missing = text.isna().to_numpy()
        if domain.nullable:
            codes = np.where(missing, domain.size - 1, codes)
        out[name] = codes.astype(np.int64)
    return pd.DataFrame(out)


def decode(codes: pd.DataFrame, domains: dict[str, Domain], *, seed: int = 0) -> pd.DataFrame:
    """Codes back to values: a number uniform within its bin (rounded for integer columns), a date
    the same in seconds, a category its level; the null code a missing value."""
    rng = np.random.default_rng(seed)
    out = {}
    for name, domain in domains.items():
        code = codes[name].to_numpy().astype(np.int64)
        missing = domain.nullable & (code == domain.size - 1)
        if domain.edges:
            edges = np.asarray(domain.edges)
            bin_index = np.clip(code, 0, len(edges) - 2)
            low, high = edges[bin_index], edges[bin_index + 1]
            values = low + rng.random(len(code)) * (high - low)
            if domain.integer:
                values = np.clip(np.round(values), np.ceil(edges[0]), np.floor(edges[-1]))
            values = np.where(missing, np.nan, values)
            if domain.kind == "datetime":
                out[name] = pd.to_datetime(pd.Series(values) * 1e9, unit="ns", errors="coerce")
            else:
                out[name] = values
        else:
            levels = np.asarray(domain.levels or ("",), dtype=object)
            values = levels[np.clip(code, 0, len(levels) - 1)]
            out[name] = pd.Series(values, dtype=object).where(~missing, None)
    return pd.DataFrame(out)


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--train", type=Path, required=True)
    parser.add_argument("--kinds", type=Path, required=True, help="JSON {column: kind}")
    parser.add_argument("--rows", type=int, required=True)
    parser.add_argument("--out-dir", type=Path, required=True)
    parser.add_argument("--synth", choices=("aim", "mst"), required=True)
    parser.add_argument("--epsilon", type=float, required=True)
    parser.add_argument("--delta", type=float, default=1e-5)
    parser.add_argument("--bins", type=int, default=DEFAULT_BINS)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--aim-rounds-per-column", type=float, default=AIM_ROUNDS_PER_COLUMN,
                        help="AIM's rounds per column (its own default 16; at least 2, see the constant)")
    return parser.parse_args(argv)


def _fitted_transformer(domains: dict[str, Domain]):
    """SmartNoise's label coding fitted on the declared codes 0 .. size - 1, never on the data, so
    the mechanism's domain is the declared one and fitting spends no budget."""
    from snsynth.transform import LabelTransformer, TableTransformer

    width = max(domain.size for domain in domains.values())
    declared = pd.DataFrame({name: np.arange(width) % domain.size for name, domain in domains.items()})
    transformer = TableTransformer([LabelTransformer(nullable=False) for _ in domains])
    transformer.fit(declared)
    return transformer


def run(args: argparse.Namespace) -> None:
    """Code → fit (AIM or MST) → sample → decode; results into ``args.out_dir``."""
    import random
    from importlib.metadata import version

    import _peak  # this folder's, as the script runs from it (the tests import the coding alone)
    from snsynth import Synthesizer

    np.random.seed(args.seed)  # mbi and snsynth draw from numpy's global generator
    random.seed(args.seed)
    kinds = json.loads(args.kinds.read_text(encoding="utf-8"))
    train = pd.read_parquet(args.train)[list(kinds)]
    domains = declare_domains(train, kinds, bins=args.bins)
    codes = encode(train, domains)
    options = {"delta": args.delta}
    rounds = None
    if args.synth == "aim":
        if args.aim_rounds_per_column < MIN_AIM_ROUNDS_PER_COLUMN:
            raise SystemExit(f"AIM needs at least {MIN_AIM_ROUNDS_PER_COLUMN:g} rounds per column "
                             f"(got {args.aim_rounds_per_column:g})")
        rounds = options["rounds"] = int(round(args.aim_rounds_per_column * len(kinds)))
    synth = Synthesizer.create(args.synth, epsilon=args.epsilon, **options)
    start = time.perf_counter()
    synth.fit(codes, transformer=_fitted_transformer(domains), preprocessor_eps=0.0)
    train_s = time.perf_counter() - start
    start = time.perf_counter()
    sampled = synth.sample(args.rows)
    sampled = pd.DataFrame(list(sampled) if not isinstance(sampled, pd.DataFrame) else sampled.values,
                           columns=list(kinds))
    # mbi draws rows grouped by value: shuffled so that any head of the table is a fair sample.
    synthetic = decode(sampled, domains, seed=args.seed).sample(frac=1.0, random_state=args.seed)
    sample_s = time.perf_counter() - start
    args.out_dir.mkdir(parents=True, exist_ok=True)
    synthetic.to_parquet(args.out_dir / "synthetic.parquet", index=False)
    result = {
        "train_s": round(train_s, 2), "sample_s": round(sample_s, 2),
        "peak_rss_mb": round(_peak.peak_rss_mb(), 1),
        "rows": len(synthetic),
        "params": {"synth": args.synth, "epsilon": args.epsilon, "delta": args.delta, "bins": args.bins,
                   "aim_rounds": rounds, "domain_cells": int(sum(d.size for d in domains.values()))},
        # The whole ε goes to the mechanism: the domain is declared, not learned (preprocessor_eps 0).
        "dp": {"epsilon_spent": args.epsilon, "record": {"epsilon": args.epsilon, "delta": args.delta,
                                                         "preprocessor_epsilon": 0.0}},
        "versions": {"smartnoise-synth": version("smartnoise-synth"), "mbi": version("mbi"),
                     "python": sys.version.split()[0]},
    }
    (args.out_dir / "result.json").write_text(json.dumps(result, indent=2), encoding="utf-8")


def main(argv: list[str]) -> None:
    run(parse_args(argv))


if __name__ == "__main__":
    main(sys.argv[1:])

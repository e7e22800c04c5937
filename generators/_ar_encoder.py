"""The table encoder: fits one codec per column, from the data or (under DP) from declared or private domains."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from synthgate.generators import _dp_domains
from synthgate.generators._ar_columns import BooleanCodec, CategoricalCodec, ColumnCodec, NumericCodec, codec_from_state
from synthgate.generators._lattice import learn_lattice
from synthgate.generators.base import TableSchema
from synthgate.generators.errors import SchemaError

MAX_DECIMALS = 6
DISCRETE_COVER = 0.95  # share of rows the protected values must hold for one token per value
# A binned number column draws its protected values (each held by ``protection`` rows) when they
# hold this share of the rows and are at least half of its distinct values, in each bin as often as
# the training rows do, so the synthetic distinct count stays near the real one: ratios such as a
# 0-100 index on 307 values came out with thousands of values a classifier told apart by their decimals.
SUPPORT_COVER = 0.9
MAX_SUPPORT = 4096


@dataclass(frozen=True)
class EncodingOptions:
    """How columns are cut into tokens (from the generator's params)."""

    bins: int = 64                 # quantile bins of a continuous column
    fine: int = 16                 # equal slices inside each bin
    max_discrete: int = 128        # a column with at most this many distinct values gets one token per value
    protection: int = 5            # fewer rows than this never make a category, a point mass or an extreme


@dataclass
class PrivateDomains:
    """What a DP fit may use before training: declared domains, or Gaussian releases of the same budget."""

    declared: dict[str, dict[str, Any]]
    release_noise: float           # noise multiplier of each release (sigma / L2 sensitivity)
    threshold_delta: float
    rng: np.random.Generator       # secret: never seeded from the spec's public seed


def needed_releases(schema: TableSchema, declared: dict[str, dict[str, Any]]) -> list[str]:
    """The Gaussian releases a DP fit of ``schema`` makes, known before the data is read."""
    releases = []
    if any(kind == "categorical" and "values" not in declared.get(name, {}) for name, kind in schema.columns):
        releases.append("categories")
    # A column with declared bounds takes no part in either numeric release: its bins are a fixed grid.
    if _unbounded(schema, declared):
        releases += ["numeric_bounds", "numeric_histograms"]
    return releases


def _unbounded(schema: TableSchema, declared: dict[str, dict[str, Any]]) -> list[str]:
    """Numerical and datetime columns without declared min and max."""
    return [name for name, kind in schema.columns
            if kind in ("numerical", "datetime") and not {"min", "max"} <= set(declared.get(name, {}))]


def learned_ranges(encoder: TableEncoder, declared: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """The ranges a private fit learned for its numeric and date columns, as declared domains.

    A child table's model conditions on copies of these columns (``__p_*``, ``__g_*``): it reuses them
    instead of learning its own from the same rows again. That is post-processing of a release already
    charged to this model's budget, so it costs nothing, and a range the parent's rows gave privately
    cannot fail in the child. Columns with a declared range and categorical columns are left out.

    Args:
        encoder: A TableEncoder fitted with ``private`` (its bounds are public by then).
        declared: The domains the fit was given (column -> plain dict).

    Returns:
        Column -> ``{"min", "max"}``: numbers, or ISO dates for datetime columns.
    """
    out: dict[str, dict[str, Any]] = {}
    for codec in encoder.codecs:
        if not isinstance(codec, NumericCodec) or {"min", "max"} <= set(declared.get(codec.name, {})):
            continue
        span = codec.edges or codec.values
        if not span:
            continue
        low, high = float(min(span)), float(max(span))
        if codec.kind == "datetime":  # whole days (as DP learns dates), rounded outwards: never narrower
            low, high = (str((pd.Timestamp(0) + pd.Timedelta(days=v)).date()) for v in (np.floor(low), np.ceil(high)))
        out[codec.name] = {"min": low, "max": high}
    return out


def grid_edges(low: float, high: float, bins: int) -> list[float]:
    """Data-independent edges over declared bounds: log-spaced for a wide positive range, else uniform."""
    edges = np.geomspace(low, high, bins + 1) if low > 0 and high / low > 100 else np.linspace(low, high, bins + 1)
    edges[0], edges[-1] = low, high
    return np.unique(edges).tolist()


class TableEncoder:
    """Codecs of every schema column in order; ``encode`` gives an (n, sub-columns) int64 matrix."""

    def __init__(self, codecs: list[ColumnCodec]) -> None:
        self.codecs = codecs
        self.cardinalities = [c for codec in codecs for c in codec.cardinalities]
        self.groups = [i for i, codec in enumerate(codecs) for _ in codec.cardinalities]  # sub-column → column

    @property
    def never_null(self) -> tuple[int, ...]:
        """Sub-columns whose missing token is never drawn: the first of each column trained without nulls."""
        starts = np.cumsum([0, *(len(codec.cardinalities) for codec in self.codecs)])
        return tuple(int(start) for start, codec in zip(starts, self.codecs) if not codec.nullable)

    @classmethod
    def fit(cls, frame: pd.DataFrame, schema: TableSchema, options: EncodingOptions,
            private: PrivateDomains | None = None) -> TableEncoder:
        """Fit codecs on the canonical ``frame`` (exact, with value protection) or privately."""
        fitter = _PrivateFitter(frame, schema, options, private) if private else _ExactFitter(options)
        codecs = [fitter.codec(name, kind, frame[name]) for name, kind in schema.columns]
        if private is None:  # under DP whether a column has nulls is not learned: every column may have them
            for codec in codecs:
                codec.nullable = bool(frame[codec.name].isna().any())
        return cls(codecs)

    def encode(self, frame: pd.DataFrame) -> np.ndarray:
        return np.concatenate([codec.encode(frame[codec.name]) for codec in self.codecs], axis=1)

    def decode(self, tokens: np.ndarray, rng: np.random.Generator) -> pd.DataFrame:
        out, start = {}, 0
        for codec in self.codecs:
            width = len(codec.cardinalities)
            out[codec.name] = codec.decode(tokens[:, start:start + width], rng)
            start += width
        return pd.DataFrame(out)

    def to_state(self) -> list[dict[str, Any]]:
        return [codec.to_state() for codec in self.codecs]

    @classmethod
    def from_state(cls, state: list[dict[str, Any]]) -> TableEncoder:
        return cls([codec_from_state(item) for item in state])


def _decimals(x: np.ndarray) -> int | None:
    """The fewest decimals (≤ 6) that represent every value exactly, or None for finer data."""
    for places in range(MAX_DECIMALS + 1):
        if np.allclose(np.round(x, places), x, rtol=0, atol=1e-9):
            return places
    return None


def _datetime_unit(column: pd.Series) -> str:
    ns = column.dropna().to_numpy(dtype="datetime64[ns]").view(np.int64)
    return "day" if (ns % (86_400 * 10**9) == 0).all() else "second"


class _ExactFitter:
    """Codecs learned from the data, with value protection: rare categories become "_RARE_", values
    held by fewer than ``protection`` rows are neither a point mass nor a bin edge beyond the
    protected range (so no single record's extreme value is reproduced)."""

    def __init__(self, options: EncodingOptions) -> None:
        self.options = options

    def codec(self, name: str, kind: str, column: pd.Series) -> ColumnCodec:
        if kind == "boolean":
            return BooleanCodec(name)
        if kind == "categorical":
            counts = column.value_counts(dropna=True)
            return CategoricalCodec(name, sorted(str(v) for v in counts[counts >= self.options.protection].index))
        integer = kind == "numerical" and pd.api.types.is_integer_dtype(column)
        unit = _datetime_unit(column) if kind == "datetime" else None
        codec = NumericCodec(name, kind, integer or kind == "datetime", unit=unit)
        x = codec.to_numbers(column)
        x = x[~np.isnan(x)]
        if len(x) == 0:
            return codec  # all missing: only the null token
        values, counts = np.unique(x, return_counts=True)
        protected = counts >= self.options.protection
        # A token per value only when the protected values hold nearly every row: otherwise the
        # rows of rare values would all collapse onto the few frequent ones (ages 18-89 in 200 rows).
        if len(values) <= self.options.max_discrete and counts[protected].sum() >= DISCRETE_COVER * len(x):
            codec.values = values[protected].tolist()
            return codec
        k = min(self.options.protection, max(1, len(x) // 2))
        ordered = np.sort(x)
        low, high = ordered[k - 1], ordered[-k]  # the k-th smallest and largest: shared by k rows
        if low == high:  # (nearly) constant: one value, not a made-up bin [low, low + 1)
            codec.values = [float(low)]
            return codec
        heavy = counts >= max(self.options.protection, int(0.01 * len(x)))
        codec.points = values[heavy & (values >= low) & (values <= high)].tolist()[:32]
        rest = np.clip(x[~np.isin(x, codec.points)], low, high) if len(codec.points) < len(values) else x
        codec.edges = _quantile_edges(rest if len(rest) else x, self.options.bins, low, high)
        codec.fine = self.options.fine
        codec.lattice = learn_lattice(x, protection=self.options.protection, unit=unit)
        kept = values[protected]
        supported = (kind == "numerical" and len(kept) <= MAX_SUPPORT and 2 * len(kept) >= len(values)
                     and counts[protected].sum() >= SUPPORT_COVER * len(x))
        if codec.lattice is None:
            codec.decimals = None if codec.integer else _decimals(x[:10_000])
        if codec.lattice is None and not supported:
            return codec
        # Per-bin statistics read the rows the bins hold (not the point masses): encoded once for both.
        coarse = codec.encode(column)[:, 0]
        binned = coarse > len(codec.points)
        numbers, bins = codec.to_numbers(column)[binned], coarse[binned] - 1 - len(codec.points)
        n_bins = len(codec.edges) - 1
        if codec.lattice is not None:  # each bin's share of every level
            codec.lattice.fit_shares(numbers, bins, n_bins)
        if supported:  # each bin's share of rows on a protected value
            held = np.bincount(bins, weights=np.isin(numbers, kept), minlength=n_bins)
            codec.support = kept.tolist()
            codec.support_share = (held / np.maximum(np.bincount(bins, minlength=n_bins), 1)).round(3).tolist()
        return codec


def _quantile_edges(x: np.ndarray, bins: int, low: float, high: float) -> list[float]:
    edges = np.unique(np.concatenate([[low], _dp_domains.exact_quantile_edges(x, bins=bins), [high]]))
    if len(edges) == 1:
        edges = np.array([edges[0], edges[0] + 1.0])
    return edges.tolist()


class _PrivateFitter:
    """Codecs from declared domains or from Gaussian releases charged to the generator's DP budget.

    Each row adds one value to each column, so a release over m columns has L2 sensitivity √m:
    every count's noise is ``release_noise · √m`` (``per_count_sigma``; see docs/dp.md). ``rng``
    must be secret (seeded from OS entropy), or the noise could be replayed and subtracted.
    """

    def __init__(self, frame: pd.DataFrame, schema: TableSchema, options: EncodingOptions,
                 private: PrivateDomains) -> None:
        self.options, self.private = options, private
        declared = private.declared
        cats = [n for n, k in schema.columns if k == "categorical" and "values" not in declared.get(n, {})]
        unbounded = _unbounded(schema, declared)
        noise, per_count = private.release_noise, _dp_domains.per_count_sigma
        self.sigma_categories = per_count(noise, len(cats)) if cats else 0.0
        self.tau = _dp_domains.threshold_for(noise, private.threshold_delta, len(cats)) if cats else 0.0
        # Bounds and histograms are each one release over the same unbounded columns.
        self.sigma_bounds = self.sigma_histograms = per_count(noise, len(unbounded)) if unbounded else 0.0

    def codec(self, name: str, kind: str, column: pd.Series) -> ColumnCodec:
        declared, rng = self.private.declared.get(name, {}), self.private.rng
        if kind == "boolean":
            return BooleanCodec(name)
        if kind == "categorical":
            if "values" in declared:
                return CategoricalCodec(name, sorted({str(v) for v in declared["values"]}), closed=True)
            return CategoricalCodec(name, _dp_domains.select_categories(column, sigma=self.sigma_categories,
                                                                    tau=self.tau, rng=rng))
        unit = "day" if kind == "datetime" else None  # data-independent: DP datetimes are learned by day
        codec = NumericCodec(name, kind, kind == "datetime" or pd.api.types.is_integer_dtype(column), unit=unit)
        x = codec.to_numbers(column)
        x = x[~np.isnan(x)]
        bounded = "min" in declared and "max" in declared
        if bounded:
            low, high = (float(codec.to_numbers(pd.Series([declared[b]]).astype(column.dtype))[0])
                         if kind == "datetime" else float(declared[b]) for b in ("min", "max"))
        else:
            bounds = _dp_domains.private_bounds(x, sigma=self.sigma_bounds, rng=rng)
            if bounds is None:
                raise SchemaError(name, "too few values to learn a private range under dp; declare "
                                        "dp.domains.<column>: {min, max}")
            low, high = bounds
        if codec.integer and high - low + 1 <= self.options.max_discrete:
            codec.values = np.arange(np.ceil(low), np.floor(high) + 1).tolist() or [float(np.round(low))]
            return codec
        if bounded:
            codec.edges, codec.fine = grid_edges(low, high, self.options.bins), self.options.fine
            return codec
        edges = _dp_domains.private_quantile_edges(np.clip(x, low, high), lo=low, hi=high, bins=self.options.bins,
                                               sigma=self.sigma_histograms, rng=rng)
        codec.edges, codec.fine = [float(e) for e in edges], self.options.fine
        return codec

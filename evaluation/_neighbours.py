"""Nearest neighbours under anonymeter's Gower-style distance for mixed tables, vectorised with torch."""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

NUMERIC_KINDS = frozenset({"numerical", "datetime"})
CATEGORY_KINDS = frozenset({"categorical", "boolean"})
# A categorical column with more codes than this is compared code against code instead of through
# its one-hot block: past ~64 columns of matrix product an elementwise comparison is cheaper.
_ONE_HOT_MAX = 64
# Elements of one (queries chunk x candidates) distance block: 2**24 float32 are 64 MiB.
_BLOCK_ELEMENTS = 1 << 24


@dataclass(frozen=True)
class Encoded:
    """Rows of one frame in a :class:`MixedSpace`: arrays only, ready for :func:`nearest`.

    Attributes:
        num: float32 (n, p) numeric and datetime columns shifted and scaled into [0, 1], nulls as 0.
        null: float32 (n, m) 1 where a numeric column that may hold nulls is null.
        rest: float32 (n, m) ``1 - value`` where that column is not null, 0 where it is.
        one_hot: float32 (n, w) one block per low-cardinality categorical column (null has its own code).
        codes: int64 (n, h) codes of the high-cardinality categorical columns; -1 matches nothing.
        n_categorical: how many categorical or boolean columns the distance counts.
    """

    num: np.ndarray
    null: np.ndarray
    rest: np.ndarray
    one_hot: np.ndarray
    codes: np.ndarray
    n_categorical: int

    def __len__(self) -> int:
        return self.num.shape[0]


@dataclass(frozen=True)
class MixedSpace:
    """Rows as vectors for anonymeter's Gower-style distance (numbers scaled by range, categories 0/1).

    The distance between two rows is the sum over columns of: for numerical and datetime columns,
    ``|a - b| / range`` where ``range`` spans every fitted frame (so two values differ by at most 1);
    for categorical and boolean columns, 1 if the values differ else 0.

    Nulls deviate from anonymeter on purpose: anonymeter counts null against null as 1 and lets a
    numeric null against a value turn the whole distance into NaN. Here null == null is 0 and null
    against a value is 1, in every kind of column. Values a transformed frame holds that the fitted
    frames did not are handled as: numbers clipped into the fitted range; an unseen category differs
    from everything (even from the same unseen category), so fit on every frame you will compare.
    """

    columns: tuple[str, ...]
    numeric: tuple[str, ...]
    lows: np.ndarray
    ranges: np.ndarray
    nullable: tuple[int, ...]
    categorical: tuple[str, ...]
    vocabularies: tuple[pd.Index, ...]

    @classmethod
    def fit(cls, frames: Sequence[pd.DataFrame], kinds: Mapping[str, str]) -> MixedSpace:
        """Learn ranges and category codes over ``frames`` (every frame the distance will compare).

        Args:
            frames: Frames holding every column named in ``kinds``.
            kinds: Column -> "numerical" | "datetime" | "categorical" | "boolean".

        Returns:
            The fitted space.

        Raises:
            ValueError: A kind is unknown or a frame lacks a column (names only, never values).
        """
        unknown = sorted(c for c, k in kinds.items() if k not in NUMERIC_KINDS | CATEGORY_KINDS)
        if unknown:
            raise ValueError(f"unknown column kind for: {', '.join(unknown)}")
        for frame in frames:
            missing = [c for c in kinds if c not in frame.columns]
            if missing:
                raise ValueError(f"frame lacks columns: {', '.join(missing)}")
        numeric = tuple(c for c, k in kinds.items() if k in NUMERIC_KINDS)
        categorical = tuple(c for c, k in kinds.items() if k in CATEGORY_KINDS)
        lows, ranges, nullable = [], [], []
        for j, col in enumerate(numeric):
            stacked = np.concatenate([_numbers(f[col]) for f in frames]) if frames else np.empty(0)
            finite = stacked[~np.isnan(stacked)]
            low = float(finite.min()) if finite.size else 0.0
            span = float(finite.max()) - low if finite.size else 0.0
            lows.append(low)
            ranges.append(span if span > 0 else 1.0)  # a constant column: every difference is 0 anyway
            if finite.size < stacked.size:
                nullable.append(j)
        vocabularies = tuple(
            pd.Index(pd.unique(pd.concat([f[col] for f in frames], ignore_index=True).dropna()))
            for col in categorical
        )
        return cls(
            columns=tuple(kinds), numeric=numeric, lows=np.asarray(lows, dtype=np.float64),
            ranges=np.asarray(ranges, dtype=np.float64), nullable=tuple(nullable),
            categorical=categorical, vocabularies=vocabularies,
        )

    def transform(self, frame: pd.DataFrame) -> Encoded:
        """Encode ``frame``'s rows (its columns as fitted; other columns are ignored)."""
        n = len(frame)
        if self.numeric:
            raw = np.column_stack([_numbers(frame[c]) for c in self.numeric])
            scaled = np.clip((raw - self.lows) / self.ranges, 0.0, 1.0)
        else:
            scaled = np.empty((n, 0))
        idx = list(self.nullable)
        null = np.isnan(scaled[:, idx])
        rest = np.where(null, 0.0, 1.0 - np.nan_to_num(scaled[:, idx]))
        # A numeric column that had no null when fitted can still meet one here: count it as a value
        # at 0 (clipping keeps the distance bounded) rather than failing.
        num = np.nan_to_num(scaled, nan=0.0)
        blocks, wide = [], []
        for col, vocab in zip(self.categorical, self.vocabularies):
            values = frame[col]
            codes = vocab.get_indexer(values).astype(np.int64)
            codes[values.isna().to_numpy()] = len(vocab)  # null is a category of its own
            if len(vocab) + 1 <= _ONE_HOT_MAX:
                block = np.zeros((n, len(vocab) + 1), dtype=np.float32)
                seen = codes >= 0
                block[np.flatnonzero(seen), codes[seen]] = 1.0
                blocks.append(block)
            else:
                wide.append(codes)
        return Encoded(
            num=num.astype(np.float32),
            null=null.astype(np.float32),
            rest=rest.astype(np.float32),
            one_hot=np.hstack(blocks) if blocks else np.zeros((n, 0), dtype=np.float32),
            codes=np.column_stack(wide) if wide else np.zeros((n, 0), dtype=np.int64),
            n_categorical=len(self.categorical),
        )


def nearest(queries: Encoded, candidates: Encoded, k: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """Find each query's ``k`` nearest candidates.

    Args:
        queries: Rows to look up, from the same :class:`MixedSpace` as ``candidates``.
        candidates: Rows to search.
        k: Neighbours per query; capped at the number of candidates.

    Returns:
        (distances float64 n x k ascending, indices int64 n x k). Ties come in any order.

    Raises:
        ValueError: ``k`` < 1 or there are no candidates.
    """
    import torch

    if k < 1:
        raise ValueError("k must be at least 1")
    if len(candidates) == 0:
        raise ValueError("no candidate rows to search")
    k = min(k, len(candidates))
    dists = np.empty((len(queries), k), dtype=np.float64)
    index = np.empty((len(queries), k), dtype=np.int64)
    right = _right(candidates, torch)
    step = max(1, _BLOCK_ELEMENTS // len(candidates))
    for start in range(0, len(queries), step):
        block = _block(queries, candidates, right, slice(start, start + step), torch)
        if k == 1:
            values, where = torch.min(block, dim=1, keepdim=True)
        else:
            values, where = torch.topk(block, k, dim=1, largest=False, sorted=True)
        dists[start:start + step] = values.numpy()
        index[start:start + step] = where.numpy()
    return dists, index


def pairwise(queries: Encoded, candidates: Encoded) -> np.ndarray:
    """Every query-candidate distance as a float64 (n_queries, n_candidates) matrix (small inputs)."""
    import torch

    block = _block(queries, candidates, _right(candidates, torch), slice(0, len(queries)), torch)
    return block.numpy().astype(np.float64)


def _right(candidates: Encoded, torch):
    """The candidates' side of the fused product: minus one-hot (matches), then the null corrections."""
    parts = [-candidates.one_hot, candidates.rest, candidates.null]
    return torch.from_numpy(np.ascontiguousarray(np.hstack(parts).T))


def _block(queries: Encoded, candidates: Encoded, right, rows: slice, torch):
    """Distances of ``queries[rows]`` to every candidate, float32 torch (chunk, n_candidates).

    Numeric part: L1 of the values with nulls at 0 (``cdist``). The null rule is added by one matrix
    product: a null query against a value y adds ``1 - y``, a value x against a null adds ``1 - x``
    (L1 already gave y or x, values lie in [0, 1]), null against null adds nothing. The same product
    subtracts one per matching category from the count of categorical columns.
    """
    q_num = torch.from_numpy(queries.num[rows])
    n_q, n_c = q_num.shape[0], len(candidates)
    if q_num.shape[1]:
        out = torch.cdist(q_num, torch.from_numpy(candidates.num), p=1)
    else:
        out = torch.zeros((n_q, n_c), dtype=torch.float32)
    out += float(queries.n_categorical)
    left = np.hstack([queries.one_hot[rows], queries.null[rows], queries.rest[rows]])
    if left.shape[1]:
        out.addmm_(torch.from_numpy(np.ascontiguousarray(left)), right)
    if queries.codes.shape[1]:
        q_codes = torch.from_numpy(queries.codes[rows])
        c_codes = torch.from_numpy(candidates.codes)
        for j in range(q_codes.shape[1]):
            same = (q_codes[:, j:j + 1] == c_codes[:, j]) & (q_codes[:, j:j + 1] >= 0)
            out -= same.to(torch.float32)
    return out.clamp_(min=0.0)  # float32 rounding can leave -1e-7 where a row matches exactly


def _numbers(series: pd.Series) -> np.ndarray:
    """A numeric or datetime column as float64 with NaN for null (datetimes as nanoseconds)."""
    if pd.api.types.is_datetime64_any_dtype(series.dtype):
        values = series.to_numpy(dtype="datetime64[ns]")
        out = values.astype(np.int64).astype(np.float64)
        out[np.isnat(values)] = np.nan
        return out
    return pd.to_numeric(series, errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)

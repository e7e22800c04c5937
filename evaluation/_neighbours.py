"""Nearest neighbours under anonymeter's Gower-style distance for mixed tables, vectorised with torch."""
from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

NUMERIC_KINDS = frozenset({"numerical", "datetime"})
CATEGORY_KINDS = frozenset({"categorical", "boolean"})
# Each categorical column gets a one-hot block of at most this many columns (null and its most
# frequent categories): matches then cost one matrix product. Rarer categories of a wide column are
# matched through the candidates sorted by category, which costs only the matching pairs.
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
        one_hot: float32 (n, w) per categorical column a block: null, then its most frequent categories.
        tail: int64 (n, h) per wide categorical column the code of a rarer category, else -1.
        n_categorical: how many categorical or boolean columns the distance counts.
        layout: which columns the arrays hold, in order: ``numeric`` and ``nullable`` (names),
            ``one_hot`` ((name, start, stop) per block) and ``tail`` (names).
    """

    num: np.ndarray
    null: np.ndarray
    rest: np.ndarray
    one_hot: np.ndarray
    tail: np.ndarray
    n_categorical: int
    layout: Mapping[str, tuple] = field(default_factory=dict)

    def __len__(self) -> int:
        return self.num.shape[0]

    def take(self, rows: np.ndarray) -> Encoded:
        """The rows at positions ``rows`` (a subset or a permutation)."""
        return replace(self, num=self.num[rows], null=self.null[rows], rest=self.rest[rows],
                       one_hot=self.one_hot[rows], tail=self.tail[rows])

    def select(self, columns: Sequence[str]) -> Encoded:
        """The same rows over ``columns`` only, with the ranges and categories of the full fit."""
        keep = set(columns)
        numeric = [j for j, c in enumerate(self.layout["numeric"]) if c in keep]
        nullable = [j for j, c in enumerate(self.layout["nullable"]) if c in keep]
        spans = [(c, a, b) for c, a, b in self.layout["one_hot"] if c in keep]
        wide = [j for j, c in enumerate(self.layout["tail"]) if c in keep]
        hot = np.concatenate([np.arange(a, b) for _, a, b in spans]) if spans else np.zeros(0, dtype=np.int64)
        starts = np.cumsum([0] + [b - a for _, a, b in spans])
        return Encoded(
            num=self.num[:, numeric], null=self.null[:, nullable], rest=self.rest[:, nullable],
            one_hot=self.one_hot[:, hot], tail=self.tail[:, wide], n_categorical=len(spans),
            layout={
                "numeric": tuple(self.layout["numeric"][j] for j in numeric),
                "nullable": tuple(self.layout["nullable"][j] for j in nullable),
                "one_hot": tuple((c, int(s), int(s + b - a)) for (c, a, b), s in zip(spans, starts)),
                "tail": tuple(self.layout["tail"][j] for j in wide),
            },
        )


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
    vocabularies: tuple[pd.Index, ...]  # most frequent first

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
            stacked = np.concatenate([as_floats(f[col]) for f in frames]) if frames else np.empty(0)
            finite = stacked[~np.isnan(stacked)]
            low = float(finite.min()) if finite.size else 0.0
            span = float(finite.max()) - low if finite.size else 0.0
            lows.append(low)
            ranges.append(span if span > 0 else 1.0)  # a constant column: every difference is 0 anyway
            if finite.size < stacked.size:
                nullable.append(j)
        vocabularies = tuple(
            pd.Index(pd.concat([f[col] for f in frames], ignore_index=True).value_counts(sort=True).index)
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
            raw = np.column_stack([as_floats(frame[c]) for c in self.numeric])
            scaled = np.clip((raw - self.lows) / self.ranges, 0.0, 1.0)
        else:
            scaled = np.empty((n, 0))
        idx = list(self.nullable)
        null = np.isnan(scaled[:, idx])
        rest = np.where(null, 0.0, 1.0 - np.nan_to_num(scaled[:, idx]))
        # A numeric column that had no null when fitted can still meet one here: count it as a value
        # at 0 (clipping keeps the distance bounded) rather than failing.
        num = np.nan_to_num(scaled, nan=0.0)
        blocks, spans, tails, tail_names, width = [], [], [], [], 0
        for col, vocab in zip(self.categorical, self.vocabularies):
            values = frame[col]
            codes = vocab.get_indexer(values).astype(np.int64)  # -1: null or unseen
            head = min(len(vocab), _ONE_HOT_MAX - 1)
            block = np.zeros((n, head + 1), dtype=np.float32)
            block[values.isna().to_numpy(), 0] = 1.0  # null is a category of its own
            in_head = (codes >= 0) & (codes < head)
            block[np.flatnonzero(in_head), codes[in_head] + 1] = 1.0
            blocks.append(block)
            spans.append((col, width, width + head + 1))
            width += head + 1
            if len(vocab) > head:
                tails.append(np.where(codes >= head, codes, -1))
                tail_names.append(col)
        return Encoded(
            num=num.astype(np.float32),
            null=null.astype(np.float32),
            rest=rest.astype(np.float32),
            one_hot=np.hstack(blocks) if blocks else np.zeros((n, 0), dtype=np.float32),
            tail=np.column_stack(tails) if tails else np.zeros((n, 0), dtype=np.int64),
            n_categorical=len(self.categorical),
            layout={"numeric": self.numeric, "nullable": tuple(self.numeric[j] for j in self.nullable),
                    "one_hot": tuple(spans), "tail": tuple(tail_names)},
        )


#: A neighbour search, ``search(queries, candidates, k, tied)``: ``nearest`` (tied False: distances and
#: indices) or ``nearest_tied`` (tied True: distances and tie counts) of every query, however it is
#: computed (``search_local`` here; flows/partitions.py maps query partitions over a Dask cluster).
Search = Callable[[Encoded, Encoded, int, bool], tuple[np.ndarray, np.ndarray]]


def search_local(queries: Encoded, candidates: Encoded, k: int, tied: bool) -> tuple[np.ndarray, np.ndarray]:
    """The ``Search`` of this process: ``nearest_tied`` when ``tied``, else ``nearest``."""
    return nearest_tied(queries, candidates, k) if tied else nearest(queries, candidates, k)


def query_chunk_rows(candidates: Encoded) -> int:
    """Query rows one distance block holds against ``candidates``: a partition of queries that is a
    multiple of it computes the same blocks, and so the same floats, as the whole search."""
    return max(1, _BLOCK_ELEMENTS // max(1, len(candidates)))


_ARRAYS = ("num", "null", "rest", "one_hot", "tail")


def save_encoded(encoded: Encoded, path) -> None:
    """Write ``encoded`` to ``path`` (an uncompressed .npz; its arrays are derived from real rows,
    so it belongs where the rows are, e.g. the run's workspace)."""
    import json

    np.savez(path, **{name: getattr(encoded, name) for name in _ARRAYS},
             meta=np.frombuffer(json.dumps({"n_categorical": encoded.n_categorical,
                                            "layout": {k: list(v) for k, v in encoded.layout.items()}}).encode(),
                                dtype=np.uint8))


def load_encoded(path) -> Encoded:
    """The ``Encoded`` rows ``save_encoded`` wrote."""
    import json

    with np.load(path) as data:
        meta = json.loads(bytes(data["meta"]).decode())
        layout = {k: tuple(tuple(x) if isinstance(x, list) else x for x in v) for k, v in meta["layout"].items()}
        return Encoded(**{name: data[name] for name in _ARRAYS}, n_categorical=int(meta["n_categorical"]),
                       layout=layout)


def nearest(queries: Encoded, candidates: Encoded, k: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """Find each query's ``k`` nearest candidates.

    Args:
        queries: Rows to look up, from the same :class:`MixedSpace` as ``candidates``.
        candidates: Rows to search.
        k: Neighbours per query; capped at the number of candidates.

    Returns:
        (distances float64 n x k ascending, indices int64 n x k). Ties come in any order
        (for k = 1: the first tied candidate).

    Raises:
        ValueError: ``k`` < 1 or there are no candidates.
    """
    dists, index, _ = _search(queries, candidates, k)
    return dists, index


def nearest_tied(queries: Encoded, candidates: Encoded, k: int = 1,
                 atol: float = 1e-6) -> tuple[np.ndarray, np.ndarray]:
    """Find each query's ``k`` nearest distances and how many candidates tie for the nearest.

    Categorical columns make exact ties common (many rows at distance 0 or 1); a figure that
    splits credit between tied rows needs their number, which ``nearest`` does not give.

    Args:
        queries: Rows to look up, from the same :class:`MixedSpace` as ``candidates``.
        candidates: Rows to search.
        k: Distances per query; capped at the number of candidates.
        atol: Candidates within this of the nearest distance tie with it (float32 rounding).

    Returns:
        (distances float64 n x k ascending, ties int64 (n,): candidates within ``atol`` of the first).

    Raises:
        ValueError: ``k`` < 1 or there are no candidates.
    """
    dists, _, ties = _search(queries, candidates, k, ties_atol=atol)
    return dists, ties


def _search(queries: Encoded, candidates: Encoded, k: int,
            ties_atol: float | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """The chunked search behind ``nearest`` and ``nearest_tied``: distances, indices, and tie counts if asked."""
    import torch

    if k < 1:
        raise ValueError("k must be at least 1")
    prepared = _Candidates(candidates)
    k = min(k, len(candidates))
    dists = np.empty((len(queries), k), dtype=np.float64)
    index = np.empty((len(queries), k), dtype=np.int64)
    ties = None if ties_atol is None else np.empty(len(queries), dtype=np.int64)
    for rows in prepared.chunks(len(queries)):
        block = prepared.block(queries, rows)
        if k == 1:
            values, where = torch.min(block, dim=1, keepdim=True)
        else:
            values, where = torch.topk(block, k, dim=1, largest=False, sorted=True)
        dists[rows] = values.numpy()
        index[rows] = where.numpy()
        if ties is not None:
            ties[rows] = torch.count_nonzero(block <= values[:, :1] + ties_atol, dim=1).numpy()
    return dists, index, ties


def nearest_without(queries: Encoded, candidates: Encoded,
                    columns: Sequence[str]) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """For each of ``columns``, each query's nearest candidate over all the other columns.

    One pass computes the full distances once and subtracts each column's own term, which is much
    cheaper than a search per column (the inference attack leaves out each secret column in turn).

    Returns:
        Column -> (distances float64 (n,), indices int64 (n,)); ties: the first tied candidate.
    """
    import torch

    prepared = _Candidates(candidates)
    out = {c: (np.empty(len(queries)), np.empty(len(queries), dtype=np.int64)) for c in columns}
    buffer = None  # one reused block: a fresh 64 MiB tensor per column costs more in page faults than the maths
    for rows in prepared.chunks(len(queries)):
        full = prepared.block(queries, rows, clamp=False)
        if buffer is None or buffer.shape != full.shape:
            buffer = torch.empty_like(full)
        for col in columns:
            block, offset = prepared.without(queries, rows, col, full, buffer)
            values, where = torch.min(block, dim=1)
            out[col][0][rows] = np.maximum(values.numpy() + offset, 0.0)
            out[col][1][rows] = where.numpy()
    return out


def pairwise(queries: Encoded, candidates: Encoded) -> np.ndarray:
    """Every query-candidate distance as a float64 (n_queries, n_candidates) matrix (small inputs)."""
    return _Candidates(candidates).block(queries, slice(0, len(queries))).numpy().astype(np.float64)


class _Candidates:
    """The candidates' side of the distance, prepared once per search.

    Numeric part: L1 of the values with nulls at 0 (``cdist``). One matrix product adds the rest: the
    null rule (a null query against a value y adds ``1 - y``, a value x against a null adds ``1 - x``,
    since L1 already gave y or x for values in [0, 1]; null against null adds nothing) and minus one
    per matching head category. Rarer categories subtract their matches pair by pair.
    """

    def __init__(self, candidates: Encoded) -> None:
        import torch

        if len(candidates) == 0:
            raise ValueError("no candidate rows to search")
        self.torch, self.enc = torch, candidates
        parts = [-candidates.one_hot, candidates.rest, candidates.null]
        self.right = torch.from_numpy(np.ascontiguousarray(np.hstack(parts).T))
        self.num = torch.from_numpy(np.ascontiguousarray(candidates.num))
        self.tail_order = [np.argsort(candidates.tail[:, j], kind="stable") for j in range(candidates.tail.shape[1])]
        self.tail_sorted = [candidates.tail[order, j] for j, order in enumerate(self.tail_order)]

    def chunks(self, n_queries: int) -> list[slice]:
        step = max(1, _BLOCK_ELEMENTS // len(self.enc))
        return [slice(s, min(s + step, n_queries)) for s in range(0, n_queries, step)]

    def block(self, queries: Encoded, rows: slice, clamp: bool = True):
        """Distances of ``queries[rows]`` to every candidate, float32 torch (chunk, n_candidates)."""
        torch = self.torch
        q_num = torch.from_numpy(np.ascontiguousarray(queries.num[rows]))
        if q_num.shape[1]:
            out = torch.cdist(q_num, self.num, p=1)
        else:
            out = torch.zeros((q_num.shape[0], len(self.enc)), dtype=torch.float32)
        out += float(queries.n_categorical)
        left = np.hstack([queries.one_hot[rows], queries.null[rows], queries.rest[rows]])
        if left.shape[1]:
            out.addmm_(torch.from_numpy(np.ascontiguousarray(left)), self.right)
        for j in range(queries.tail.shape[1]):
            self._tail_matches(out, queries.tail[rows, j], j, -1.0)
        # float32 rounding can leave -1e-7 where a row matches exactly
        return out.clamp_(min=0.0) if clamp else out

    def without(self, queries: Encoded, rows: slice, column: str, full, out) -> tuple[object, float]:
        """``full`` (the block of ``queries[rows]``) less column ``column``'s own term, written into ``out``.

        Returns:
            ``out`` and a constant to add to it (saves a pass over the block).
        """
        torch, layout = self.torch, queries.layout
        if column in layout["numeric"]:
            p = layout["numeric"].index(column)
            q = torch.from_numpy(np.ascontiguousarray(queries.num[rows, p]))
            torch.sub(q[:, None], self.num[:, p], out=out).abs_()
            if column in layout["nullable"]:
                r = layout["nullable"].index(column)
                w = queries.one_hot.shape[1]
                m = len(layout["nullable"])
                left = torch.from_numpy(np.column_stack([queries.null[rows, r], queries.rest[rows, r]]))
                out.addmm_(left, self.right[[w + r, w + m + r]])
            return torch.sub(full, out, out=out), 0.0
        # A category's term is 1 - matches: full - 1 + matches, in one product (right holds -one-hot).
        _, a, b = next(span for span in layout["one_hot"] if span[0] == column)
        left = torch.from_numpy(np.ascontiguousarray(queries.one_hot[rows, a:b]))
        torch.addmm(full, left, self.right[a:b], alpha=-1.0, out=out)
        if column in layout["tail"]:
            j = layout["tail"].index(column)
            self._tail_matches(out, queries.tail[rows, j], j, 1.0)
        return out, -1.0

    def _tail_matches(self, out, codes: np.ndarray, j: int, value: float) -> None:
        """Add ``value`` to ``out`` at each (query, candidate) pair sharing a rare category of tail column j."""
        sorted_codes, order = self.tail_sorted[j], self.tail_order[j]
        starts = np.searchsorted(sorted_codes, codes, side="left")
        sizes = np.where(codes >= 0, np.searchsorted(sorted_codes, codes, side="right") - starts, 0)
        total = int(sizes.sum())
        if total == 0:
            return
        offsets = np.cumsum(sizes) - sizes
        query = np.repeat(np.arange(len(codes)), sizes)
        candidate = order[np.arange(total) + np.repeat(starts - offsets, sizes)]
        torch = self.torch
        out.index_put_((torch.from_numpy(query), torch.from_numpy(candidate)),
                       torch.tensor(value, dtype=out.dtype), accumulate=True)


def as_floats(series: pd.Series) -> np.ndarray:
    """A numeric or datetime column as float64 with NaN for null (datetimes as nanoseconds)."""
    if pd.api.types.is_datetime64_any_dtype(series.dtype):
        values = series.to_numpy(dtype="datetime64[ns]")
        out = values.astype(np.int64).astype(np.float64)
        out[np.isnat(values)] = np.nan
        return out
    return pd.to_numeric(series, errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)

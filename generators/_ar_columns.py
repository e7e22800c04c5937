"""Column codecs of the autoregressive generator: each column becomes one or two token sub-columns.

Token 0 of every column's first sub-column means "missing", whether or not the training column
had nulls, so the token layout never depends on the data. Codec state is plain lists and numbers
(saved with ``torch.save`` and read back with ``weights_only=True``); it holds category lists and
bin edges derived from the training table, so it is as sensitive as the model weights.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from synthgate.generators._lattice import Lattice

NULL = 0
RARE = "_RARE_"  # what a category outside the learned list comes out as
NS_PER = {"day": 86_400 * 10**9, "second": 10**9}


@dataclass
class CategoricalCodec:
    """Tokens: 0 missing, 1 rare (any value outside ``categories``), 2… one per category.

    A ``closed`` list (a domain declared in the spec) has no rare token: a value outside it is
    treated as missing, and the output only ever holds declared values.
    """

    name: str
    categories: list[str]
    kind: str = "categorical"
    nullable: bool = True  # False: the training column had no nulls, so sampling never draws token 0
    closed: bool = False

    @property
    def cardinalities(self) -> tuple[int, ...]:
        return (len(self.categories) + (1 if self.closed else 2),)

    def encode(self, column: pd.Series) -> np.ndarray:
        codes = pd.Categorical(column, categories=self.categories).codes.astype(np.int64)  # -1: NaN or unknown
        first = 1 if self.closed else 2
        tokens = np.where(codes >= 0, codes + first, NULL if self.closed else 1)
        return np.where(column.isna().to_numpy(), NULL, tokens)[:, None]

    def decode(self, tokens: np.ndarray, rng: np.random.Generator) -> pd.Series:
        lookup = np.array([None, *([] if self.closed else [RARE]), *self.categories], dtype=object)
        values = lookup[tokens[:, 0]]
        return pd.Series(np.where(values == None, np.nan, values), dtype=object)  # noqa: E711 (elementwise)

    def to_state(self) -> dict[str, Any]:
        return {"type": "categorical", "name": self.name, "categories": list(self.categories),
                "nullable": self.nullable, "closed": self.closed}


@dataclass
class BooleanCodec:
    """Tokens: 0 missing, 1 False, 2 True."""

    name: str
    kind: str = "boolean"
    nullable: bool = True

    @property
    def cardinalities(self) -> tuple[int, ...]:
        return (3,)

    def encode(self, column: pd.Series) -> np.ndarray:
        values = column.astype("boolean")
        return np.where(values.isna().to_numpy(), NULL, values.fillna(False).to_numpy(dtype=bool) + 1)[:, None]

    def decode(self, tokens: np.ndarray, rng: np.random.Generator) -> pd.Series:
        lookup = pd.array([pd.NA, False, True], dtype="boolean")
        return pd.Series(lookup[tokens[:, 0]], dtype="boolean")

    def to_state(self) -> dict[str, Any]:
        return {"type": "boolean", "name": self.name, "nullable": self.nullable}


@dataclass
class NumericCodec:
    """A number (or a datetime as whole days or seconds) as a coarse and a fine token.

    ``values`` (discrete mode, one token): token 1 + i is ``values[i]``.
    ``edges`` (binned mode): coarse token 1 + i is the point mass ``points[i]``, then one token per
    bin between consecutive edges; the fine token picks one of ``fine`` equal slices of the bin and
    decoding draws uniformly inside it, onto the column's ``lattice`` when it has one (the grid
    its values were recorded on: decimals, steps, float32 readings). Bins come from quantiles, so
    skewed columns get narrow bins where the data is dense; point masses (e.g. many zeros) keep
    their exact value. Models saved before lattices were learned decode as they did (``decimals``).
    ``support``: where most of a column's rows hold a value held by ``protection`` rows, a drawn
    value of bin b snaps to the nearest such value with probability ``support_share[b]`` (the share
    of b's training rows on one), so values are recorded ones as often as in the data.
    """

    name: str
    kind: str
    integer: bool
    values: list[float] = field(default_factory=list)
    points: list[float] = field(default_factory=list)
    edges: list[float] = field(default_factory=list)
    fine: int = 1
    decimals: int | None = None
    unit: str | None = None  # datetimes: "day" or "second"
    nullable: bool = True
    lattice: Lattice | None = None
    support: list[float] = field(default_factory=list)  # binned values may snap to these (``TableEncoder``)
    support_share: list[float] = field(default_factory=list)  # per bin: share of its rows on a support value

    @property
    def binned(self) -> bool:
        return bool(self.edges)

    @property
    def cardinalities(self) -> tuple[int, ...]:
        if not self.binned:
            return (len(self.values) + 1,)
        return (len(self.points) + len(self.edges), self.fine)  # null + points + (len(edges) - 1) bins

    def to_numbers(self, column: pd.Series) -> np.ndarray:
        """The column as float64 (datetimes in ``unit`` since the epoch), NaN for missing."""
        if self.kind == "datetime":
            ns = column.to_numpy(dtype="datetime64[ns]").view(np.int64).astype(np.float64)
            ns[column.isna().to_numpy()] = np.nan
            return np.floor(ns / NS_PER[self.unit or "second"])
        return column.to_numpy(dtype=np.float64, na_value=np.nan)

    def encode(self, column: pd.Series) -> np.ndarray:
        x = self.to_numbers(column)
        missing = np.isnan(x)
        out = np.zeros((len(x), len(self.cardinalities)), dtype=np.int64)
        if not self.binned:
            if self.values:
                grid = np.asarray(self.values, dtype=np.float64)
                out[:, 0] = 1 + _nearest(grid, np.where(missing, grid[0], x))
        else:
            edges = np.asarray(self.edges)
            x = np.clip(np.where(missing, edges[0], x), edges[0], edges[-1])
            bins = np.clip(np.searchsorted(edges, x, side="right") - 1, 0, len(edges) - 2)
            width = np.maximum(edges[bins + 1] - edges[bins], 1e-300)
            out[:, 1] = np.clip(((x - edges[bins]) / width * self.fine).astype(np.int64), 0, self.fine - 1)
            out[:, 0] = 1 + len(self.points) + bins
            if self.points:
                points = np.asarray(self.points)
                hit = np.isin(x, points)
                out[hit, 0] = 1 + np.searchsorted(points, x[hit])
                out[hit, 1] = 0
        out[missing] = NULL
        return out

    def decode(self, tokens: np.ndarray, rng: np.random.Generator) -> pd.Series:
        coarse = tokens[:, 0]
        x = np.full(len(tokens), np.nan)
        present = coarse != NULL
        if not self.binned:
            x[present] = np.asarray(self.values)[coarse[present] - 1]
        else:
            fine = tokens[:, 1]
            edges, n_points = np.asarray(self.edges), len(self.points)
            is_point = present & (coarse <= n_points)
            x[is_point] = np.asarray(self.points)[coarse[is_point] - 1]
            in_bin = present & ~is_point
            bins, fine = coarse[in_bin] - 1 - n_points, fine[in_bin]
            low, width = edges[bins], edges[bins + 1] - edges[bins]
            if self.lattice is not None:
                x[in_bin] = self._on_lattice(bins, fine, rng)
            else:
                x[in_bin] = low + (fine + rng.random(int(in_bin.sum()))) / self.fine * width
                x = np.clip(x, edges[0], edges[-1])
                if self.integer or self.kind == "datetime":
                    x = np.floor(x)  # the slice [k, k+1) of a whole-number scale is k
                elif self.decimals is not None:
                    x = np.round(x, self.decimals)
            if self.support:  # as many rows of a bin on recorded values as in the training rows
                grid, share = np.asarray(self.support), np.asarray(self.support_share)
                snap = np.flatnonzero(in_bin)[rng.random(len(bins)) < share[bins]]
                x[snap] = grid[_nearest(grid, x[snap])]
        return self.from_numbers(x)

    def _on_lattice(self, bins: np.ndarray, fine: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        """Values of binned rows on the learned lattice: inside the drawn slice, else its bin."""
        assert self.lattice is not None
        edges = np.asarray(self.edges)
        low, width = edges[bins], edges[bins + 1] - edges[bins]
        top_bin = bins == len(edges) - 2
        slices = (low + fine / self.fine * width, low + (fine + 1) / self.fine * width, top_bin & (fine == self.fine - 1))
        whole = (low, edges[bins + 1], top_bin)
        return self.lattice.draw(bins, [slices, whole], (float(edges[0]), float(edges[-1])), rng)

    def from_numbers(self, x: np.ndarray) -> pd.Series:
        """Inverse of :meth:`to_numbers`: float64 (or datetime64[ns]) with NaN/NaT for missing."""
        if self.kind == "datetime":
            ns = np.where(np.isnan(x), 0, x * NS_PER[self.unit or "second"]).astype(np.int64)
            return pd.Series(pd.to_datetime(ns).where(~np.isnan(x)), dtype="datetime64[ns]")
        return pd.Series(x, dtype=np.float64)

    def to_state(self) -> dict[str, Any]:
        return {"type": "numeric", "name": self.name, "kind": self.kind, "integer": self.integer,
                "values": list(self.values), "points": list(self.points), "edges": list(self.edges),
                "fine": self.fine, "decimals": self.decimals, "unit": self.unit,
                "nullable": self.nullable, "lattice": None if self.lattice is None else self.lattice.to_state(),
                "support": list(self.support), "support_share": list(self.support_share)}


def _nearest(grid: np.ndarray, x: np.ndarray) -> np.ndarray:
    """Index of the grid value nearest each x (grid sorted ascending)."""
    right = np.clip(np.searchsorted(grid, x), 0, len(grid) - 1)
    left = np.clip(right - 1, 0, len(grid) - 1)
    return np.where(np.abs(grid[left] - x) <= np.abs(grid[right] - x), left, right)


ColumnCodec = CategoricalCodec | BooleanCodec | NumericCodec


def codec_from_state(state: dict[str, Any]) -> ColumnCodec:
    """Rebuild a codec from :meth:`to_state` output."""
    state = dict(state)
    kind = state.pop("type")
    if kind == "categorical":
        return CategoricalCodec(state["name"], [str(c) for c in state["categories"]],
                                closed=state.get("closed", False), nullable=state.get("nullable", True))
    if kind == "boolean":
        return BooleanCodec(state["name"], nullable=state.get("nullable", True))
    return NumericCodec(**{**state, "lattice": Lattice.from_state(state.get("lattice"))})  # older models: none

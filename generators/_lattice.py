"""Numeric lattices: the grid a column's values were recorded on, learned from the data and kept when decoding.

A recorded number is a short decimal ``k · step · 10^-decimals`` stored in a float of some
precision: float64 (``bits`` 53), float32 (24, rounded to nearest) or a shortened float whose
low mantissa bits were cut off (SAS lengths 3 and 4: 13 and 21 bits, ``truncate``), and maybe
written out since with ``digits`` significant digits (38.7 cut to 13 bits is 38.6953125, and a
CSV export with 8 digits reads 38.695312). Many columns
mix grids: heart rates are integers but mostly multiples of 10, incomes are whole dollars but
mostly multiples of 1,000, a few imputed values carry six decimals. The lattice keeps that
mixture as nested ``steps`` (finest first, each a multiple of the one before), optionally above a
``continuous`` level of values on no grid, with the share of each level in every bin of the
codec. Decoding draws a level with those shares and then a point of that level (and of no
coarser one) inside the drawn slice, so every synthetic value lies on the learned grid and the
grid's coarser levels keep their real share. Points are arithmetic (multiples of a step), never
the set of observed values, so no rare recorded value is copied by snapping.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

MAX_DECIMALS = 6
FLOAT64_BITS = 53
MAX_UNITS = 2.0**52   # |value| · 10^decimals beyond this is not exact in float64: no grid
MIN_GAIN = 0.05       # nats per value a coarser level must explain (KL of its share against chance)
MAX_LEVELS = 6
EXACT = (FLOAT64_BITS, False, None, None)
SHORT_FLOATS = (13, 21, 24)  # SAS lengths 3 and 4, float32: significant bits
STORAGE_SAMPLE = 2_000
_NICE = sorted({m * 10**e for e in range(13) for m in (1, 2, 4, 5, 8, 25)} - {1})
TIME_STEPS = {"second": (60, 300, 600, 900, 1800, 3600, 21600, 43200, 86400), "day": (7,)}


@dataclass
class Lattice:
    """The grid of one numeric column (plain numbers, saved in the codec's state).

    ``levels`` are ``[continuous?] + steps``: level 0 is the continuous one when ``continuous``.
    ``shares[b][j]`` is the share of level ``j`` (exclusively: on it and on no coarser level)
    among the training values of bin ``b``.
    """

    decimals: int
    steps: list[int]
    continuous: bool = False
    bits: int = FLOAT64_BITS
    truncate: bool = False
    shares: list[list[float]] = field(default_factory=list)
    digits: int | None = None   # significant digits the stored float was written with (None: all)
    written: int | None = None  # or the fixed decimals it was written with

    @property
    def n_levels(self) -> int:
        return len(self.steps) + int(self.continuous)

    def store(self, decimal: np.ndarray) -> np.ndarray:
        """The recorded float of each decimal: float64 itself, or rounded or cut to ``bits`` bits."""
        return _store(decimal, self.storage)

    @property
    def storage(self) -> tuple[int, bool, int | None, int | None]:
        return self.bits, self.truncate, self.digits, self.written

    def level_of(self, x: np.ndarray) -> np.ndarray:
        """The exclusive level of each value (its coarsest step; 0 = continuous), -1 off this lattice."""
        places = _places(x, self.storage)
        out = np.full(len(x), 0 if self.continuous else -1, dtype=np.int64)
        on = places >= 0
        units = _units(x[on], places[on], self.decimals)
        levels = np.full(len(units), -1, dtype=np.int64)
        for j, step in enumerate(self.steps):
            levels[units % step == 0] = j + int(self.continuous)
        out[on] = np.where(levels >= 0, levels, out[on])
        return out

    def fit_shares(self, x: np.ndarray, bins: np.ndarray, n_bins: int) -> None:
        """Shares of each level per bin, from training values ``x`` falling in ``bins``."""
        levels = self.level_of(x)
        keep = levels >= 0
        counts = np.zeros((n_bins, self.n_levels))
        np.add.at(counts, (bins[keep], levels[keep]), 1.0)
        overall = counts.sum(axis=0) / max(1.0, counts.sum())
        totals = counts.sum(axis=1, keepdims=True)
        shares = np.where(totals > 0, counts / np.maximum(totals, 1.0), overall)  # an empty bin: overall
        self.shares = np.round(shares, 6).tolist()

    def draw(self, bins: np.ndarray, tries: list[tuple[np.ndarray, np.ndarray, np.ndarray]],
             limits: tuple[float, float], rng: np.random.Generator) -> np.ndarray:
        """One value per row on the lattice, as it would have been recorded.

        A level is drawn with the row's bin shares, then a point of that level (and of no coarser
        one) uniformly inside the first interval of ``tries`` that holds one, else the same at the
        next finer level; the continuous level draws uniformly inside the first interval.

        Args:
            bins: Bin index of each row.
            tries: Intervals to look in, in order, each (low, high, closed on the right) per row:
                the row's slice, then its bin.
            limits: The codec's outer edges: no value leaves them.
            rng: Randomness of the level, the point and the continuous draw.
        """
        cumulative = np.cumsum(np.asarray(self.shares)[bins], axis=1)
        level = np.minimum((rng.random(len(bins))[:, None] >= cumulative).sum(axis=1), self.n_levels - 1)
        pick, spot = rng.random(len(bins)), rng.random(len(bins))
        out = np.full(len(bins), np.nan)
        scale = 10.0**self.decimals
        bottom, top = np.ceil(limits[0] * scale - 1e-6), np.floor(limits[1] * scale + 1e-6)
        for j in range(self.n_levels - 1, -1, -1):  # a row whose level has no point in reach falls to a finer one
            for low, high, closed in tries:
                rows = np.isnan(out) & (level >= j)
                if not rows.any():
                    continue
                if self.continuous and j == 0:
                    low, high = tries[0][0][rows], tries[0][1][rows]
                    out[rows] = np.clip(low + spot[rows] * (high - low), limits[0], limits[1])
                    continue
                at = j - int(self.continuous)
                step = self.steps[at]
                coarser = self.steps[at + 1] // step if at + 1 < len(self.steps) else 0
                lo = np.maximum(low[rows] * scale, bottom)
                hi = np.minimum(high[rows] * scale, top)
                k, ok = _points(lo, hi, closed[rows] | (high[rows] * scale >= top), step, coarser, pick[rows])
                out[np.flatnonzero(rows)[ok]] = (k[ok] * step).astype(np.float64) / scale
        missing = np.isnan(out)
        if missing.any():  # no point of any level in the whole bin (edges off the grid): the nearest base point
            base = self.steps[0]
            nearest = np.round(np.clip(tries[0][0][missing] * scale, bottom, top) / base) * base
            out[missing] = np.clip(nearest, np.ceil(bottom / base) * base, np.floor(top / base) * base) / scale
        return self.store(out)

    def to_state(self) -> dict[str, Any]:
        return {"decimals": self.decimals, "steps": [int(s) for s in self.steps], "continuous": self.continuous,
                "bits": self.bits, "truncate": self.truncate, "shares": self.shares, "digits": self.digits,
                "written": self.written}

    @classmethod
    def from_state(cls, state: dict[str, Any] | None) -> Lattice | None:
        return None if state is None else cls(**state)


def learn_lattice(x: np.ndarray, *, protection: int, unit: str | None = None) -> Lattice | None:
    """The grid ``x`` (finite values, no NaN) was recorded on, or None for plain float64 reals.

    Storage (float64, float32-like rounding or truncation) is the one that puts most values on a
    short decimal grid. Levels come from a ladder of round steps (2, 5, 10, 25, 1000, … and, for
    datetimes, minutes, hours and days), chosen greedily by how much more often the values sit on
    them than chance would put them there. A level (the continuous one included) held by fewer
    than ``protection`` values is merged into the next coarser one: what few rows show is not learned.
    """
    if len(x) == 0:
        return None
    storage = _storage(x)
    places = _places(x, storage)
    plain = None if storage == EXACT else Lattice(0, [], True, *storage[:2], digits=storage[2], written=storage[3])
    on = places >= 0
    if (on & (x != 0)).sum() < protection:  # zero sits on every grid: it shows none
        return plain
    decimals = int(places[on].max())
    if np.abs(x[on]).max() * 10.0**decimals >= MAX_UNITS:
        return plain
    units = _units(x[on], places[on], decimals)
    steps = _levels(units, protection, TIME_STEPS.get(unit or "", ()))
    continuous = int((~on).sum()) >= protection
    if not steps:
        return plain
    return Lattice(decimals, steps, continuous, *storage[:2], digits=storage[2], written=storage[3])


def _levels(units: np.ndarray, protection: int, extra: tuple[int, ...]) -> list[int]:
    """Nested steps, finest first, each held exclusively by at least ``protection`` values."""
    units = units[units != 0]  # zero is a multiple of every step: it would favour the coarsest
    base = int(np.gcd.reduce(units))
    steps, largest = [base], int(np.abs(units).max())
    current = units
    while len(steps) < MAX_LEVELS:
        step = steps[-1]
        candidates = sorted(c for c in {step * m for m in _NICE} | {c for c in (*_NICE, *extra) if c % step == 0}
                            if step < c <= largest)
        best, best_gain = None, MIN_GAIN
        for c in candidates:
            on = current % c == 0
            held = int(on.sum())
            if held < protection or held == len(current):
                continue
            share, chance = held / len(current), step / c
            gain = share * np.log(share / chance) + (1 - share) * np.log((1 - share) / (1 - chance))
            if gain > best_gain:
                best, best_gain = c, gain
        if best is None:
            break
        steps.append(best)
        current = current[current % best == 0]
    steps = _refine(units, steps, protection)
    # The finest levels held by too few values are merged upwards (their values then decode coarser).
    while len(steps) > 1 and int((units % steps[0] == 0).sum() - (units % steps[1] == 0).sum()) < protection:
        steps.pop(0)
    return steps


def _refine(units: np.ndarray, steps: list[int], protection: int) -> list[int]:
    """Steps the greedy chain jumped over: between two chosen steps, a round one that the values
    between them sit on far more often than chance.

    The greedy choice takes the step that explains most at once: incomes on whole thousands
    (55% of them) win over whole dollars, and the 12% on whole dollars or hundreds but not
    thousands would then decode with cents. Here each gap ``(a, b)`` is looked at on its own
    values (on ``a``, not on ``b``); a step ``c`` (``a | c | b``) joins when its gain, weighted
    by the gap's share of all values, beats ``MIN_GAIN`` and at least ``protection`` values hold it
    exclusively (on ``c``, not on ``b``).
    """
    steps = list(steps)
    while len(steps) < MAX_LEVELS:
        best, best_gain, where = None, MIN_GAIN, 0
        for i in range(len(steps) - 1):
            low, high = steps[i], steps[i + 1]
            pool = units[(units % low == 0) & (units % high != 0)]
            if len(pool) < protection:
                continue
            for c in sorted({low * m for m in _NICE} | set(_NICE)):
                if not (low < c < high and c % low == 0 and high % c == 0):
                    continue
                held = int((pool % c == 0).sum())
                if held < protection or held == len(pool):
                    continue
                share = held / len(pool)
                chance = (low / c - low / high) / (1 - low / high)  # on c and not on high, among those on low
                gain = share * np.log(share / chance) + (1 - share) * np.log((1 - share) / (1 - chance))
                gain *= len(pool) / len(units)
                if gain > best_gain:
                    best, best_gain, where = c, gain, i + 1
        if best is None:
            break
        steps.insert(where, best)
    return steps


def _storage(x: np.ndarray) -> tuple[int, bool, int | None, int | None]:
    """(bits, truncate, digits, written): the storage that puts most values on a short decimal grid.

    Tried on a spread sample of at most ``STORAGE_SAMPLE`` values: float64 itself; the fewest bits
    every value fits in (float32 and shorter floats, rounded or cut); and, when values were written
    out as text after such a storage, the common short floats read back at 7 to 9 significant
    digits or 5 to 9 fixed decimals.
    """
    sample = x[np.linspace(0, len(x) - 1, min(len(x), STORAGE_SAMPLE)).astype(int)] if len(x) else x
    best, best_places = EXACT, _places(sample, EXACT)
    long = (best_places < 0) | (best_places >= 5)  # 21.097656 has six decimals: 21.1 cut to 13 bits, written
    if not long.any():
        return best
    used = int(_used_bits(x).max())
    candidates = [(used, truncate, None, None) for truncate in (False, True)] if used < FLOAT64_BITS - 3 else []
    if long.mean() > 0.05:  # written out after a short storage: the sample tells which
        text = [(digits, None) for digits in (7, 8, 9)] + [(None, written) for written in range(5, 10)]
        candidates += [(bits, truncate, *form) for bits in SHORT_FLOATS for truncate in (False, True) for form in text]
    for storage in candidates:
        places = _places(sample, storage)
        if _better(places, best_places):
            best, best_places = storage, places
    return best


def _better(places: np.ndarray, than: np.ndarray) -> bool:
    """More values on a grid, or as many (within 0.5%) on fewer decimals."""
    on, than_on = (places >= 0).mean(), (than >= 0).mean()
    if on > than_on + 0.005:
        return True
    return on >= than_on - 0.005 and np.where(places >= 0, places, 99).mean() < np.where(than >= 0, than, 99).mean()


def _places(x: np.ndarray, storage: tuple[int, bool, int | None, int | None]) -> np.ndarray:
    """The fewest decimals (≤ 6) whose decimal, stored as ``storage`` says, is the value; -1 for none."""
    places = np.full(len(x), -1, dtype=np.int64)
    exact = storage[0] < FLOAT64_BITS and storage[2:] == (None, None)  # bits alone: equal bit for bit
    for p in range(MAX_DECIMALS, -1, -1):
        stored = _store(np.round(x, p), storage)
        # Arithmetic noise (0.1 + 0.2, text read back) still counts as the decimal.
        hit = (stored == x) if exact else np.abs(stored - x) <= 1e-12 * np.maximum(np.abs(x), 1e-300)
        places[hit] = p
    return places


def _units(x: np.ndarray, places: np.ndarray, decimals: int) -> np.ndarray:
    """Each value as an integer count of 10^-decimals (exact: each rounded at its own places first)."""
    own = np.round(x * 10.0**places)
    return (own * 10.0 ** (decimals - places)).round().astype(np.int64)


def _store(decimal: np.ndarray, storage: tuple[int, bool, int | None, int | None]) -> np.ndarray:
    bits, truncate, digits, written = storage
    value = np.asarray(decimal, dtype=np.float64)
    if bits < FLOAT64_BITS:
        mantissa, exponent = np.frexp(value)
        scaled = mantissa * 2.0**bits
        value = np.ldexp(np.trunc(scaled) if truncate else np.rint(scaled), exponent - bits)
    if digits is not None:  # written as text with this many significant digits, read back
        magnitude = np.floor(np.log10(np.where(value != 0, np.abs(value), 1.0)))
        scale = 10.0 ** (digits - 1 - magnitude)
        value = np.round(value * scale) / scale
    if written is not None:
        value = np.round(value, written)
    return value


def _used_bits(x: np.ndarray) -> np.ndarray:
    """Significant mantissa bits each value needs (0 for zero)."""
    mantissa = (np.abs(np.frexp(x)[0]) * 2.0**FLOAT64_BITS).astype(np.int64)
    low = mantissa & -mantissa
    trailing = np.log2(np.where(low > 0, low, 1)).round().astype(np.int64)
    return np.where(mantissa > 0, FLOAT64_BITS - trailing, 0)


def _points(lo: np.ndarray, hi: np.ndarray, closed: np.ndarray, step: int, coarser: int,
            pick: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """A uniform multiple k of ``step`` with lo ≤ k·step < hi (≤ where ``closed``), k not a multiple of
    ``coarser`` (0: any); also whether one exists."""
    first = np.ceil(_snap(lo / step)).astype(np.int64)
    end = _snap(hi / step)
    last = np.where(closed, np.floor(end), np.ceil(end) - 1).astype(np.int64)
    total = np.maximum(last - first + 1, 0)
    if coarser < 2:
        count = total
        k = first + np.floor(pick * count).astype(np.int64)
        return k, count > 0
    multiples = np.maximum(np.floor_divide(last, coarser) - _ceil_div(first, coarser) + 1, 0)
    count = np.where(total > 0, total - multiples, 0)
    start = np.where(first % coarser == 0, first + 1, first)
    index = (start // coarser) * (coarser - 1) + start % coarser - 1 + np.floor(pick * count).astype(np.int64)
    k = (index // (coarser - 1)) * coarser + index % (coarser - 1) + 1
    return k, count > 0


def _snap(q: np.ndarray) -> np.ndarray:
    """Quotients within 1e-6 of an integer are that integer (edges on the grid, seen through float error)."""
    r = np.round(q)
    return np.where(np.abs(q - r) < 1e-6, r, q)


def _ceil_div(a: np.ndarray, b: int) -> np.ndarray:
    return -np.floor_divide(-a, b)

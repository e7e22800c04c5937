"""Detect sums between numerical columns (a = b ± c, a = b ± c ± d): linear hashes on row subsets, then every row.

A sum that holds within half a unit between columns recorded in whole units (cents, whole
numbers) holds exactly once they are scaled to integers, and an exact identity survives any
linear hash: with h(x) = Σ w_r·x_r mod p over a few rows, a = b + c gives h(a) = h(b) + h(c).
So each small row subset turns every column into one number, and the identities among up to
four columns are found by matching pair sums against single columns and against other pairs
(a sort, not a search over column quadruples). Candidates are then checked on the sample rows
with their tolerance and confirmed on every row.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from synthgate.expectations.rules import finest_unit

_P = 2_147_483_647  # 2**31 - 1: (x mod p)·w stays below 2**62
_ROWS = 12  # rows per subset: enough that unrelated count columns rarely line up by chance
_SUBSETS = 4  # subsets drawn from every row, besides those for sparse columns
_MAX_SUBSETS = 32
_EXACT = 2.0 ** 53  # scaled values beyond this lose integer exactness in float64
_MIN_ROWS = 30  # rows where every column is present before a sum is judged
_INFORMATIVE = 0.98  # as for the other rules: shuffling the column must break it in >= 2% of rows


@dataclass(frozen=True)
class NumberColumn:
    """A numerical column as detection reads it: values (NaN missing) and the unit they are recorded in."""

    name: str
    values: np.ndarray
    unit: float


def number_column(name: str, values: np.ndarray) -> NumberColumn:
    """A column's values (float64, NaN missing) with the unit they are recorded in."""
    return NumberColumn(name, values, finest_unit(values))


def find_sums(cols: Sequence[NumberColumn], *, min_held: float, loose: float, sample: np.ndarray,
              rng: np.random.Generator, max_terms: int = 3) -> list[dict]:
    """Sum rules held in >= ``min_held`` of the rows where all their columns are present.

    Each rule is solved for the column recorded in the finest unit (the total when the signs
    single one out), carries ``tolerance`` (half that unit), ``held``, a ``reason``, a ``_gain``
    (held less the share kept with the column shuffled) and ``_solve``: the same identity solved
    for each other column of that unit, for ``_consistent`` to use when the first form conflicts.
    A sum implied by sums found before it (a linear combination of them) is left out.
    """
    cols = [c for c in cols if _varies(c)]
    if len(cols) < 3:
        return []
    n = len(cols[0].values)
    candidates: set[tuple[tuple[int, int], ...]] = set()
    for rows in _subsets(cols, n, rng):
        candidates |= _hash_matches(cols, rows, max_terms, rng)
    found: list[dict] = []
    basis = np.zeros((0, len(cols)))
    for combo in sorted(candidates, key=lambda c: (len(c), c)):
        if not _on_sample(cols, combo, loose, sample):
            continue
        vector = np.zeros(len(cols))
        for index, coef in combo:
            vector[index] = coef
        if len(basis) and np.linalg.matrix_rank(np.vstack([basis, vector])) == len(basis):
            continue  # implied by sums already found
        rule = _confirm(cols, combo, min_held, rng)
        if rule is not None:
            basis = np.vstack([basis, vector])
            found.append(rule)
    return found


def _varies(col: NumberColumn) -> bool:
    present = col.values[~np.isnan(col.values)]
    return len(present) >= _MIN_ROWS and bool(np.any(present != present[0]))


def _subsets(cols: Sequence[NumberColumn], n: int, rng: np.random.Generator) -> list[np.ndarray]:
    """Row subsets: a few from every row, one from the rows where each sparse column is non-zero."""
    subsets = [rng.choice(n, size=min(n, _ROWS), replace=False) for _ in range(_SUBSETS)]
    # A sparse column is zero or missing on most rows of those: it takes part only where it is not.
    seen: set[bytes] = set()
    for col in cols:
        live = ~np.isnan(col.values) & (col.values != 0)
        if live.mean() > 0.5:
            continue
        key = np.packbits(live).tobytes()
        if key in seen or live.sum() < 3:
            continue
        seen.add(key)
        rows = np.flatnonzero(live)
        subsets += [rng.choice(rows, size=min(len(rows), _ROWS), replace=False) for _ in range(2)]
        if len(subsets) >= _MAX_SUBSETS:
            break
    return subsets


def _hash_matches(cols: Sequence[NumberColumn], rows: np.ndarray, max_terms: int,
                  rng: np.random.Generator) -> set[tuple[tuple[int, int], ...]]:
    """Identities ±x_i ±x_j ±x_k (±x_l) = 0 that hold exactly on ``rows`` (as (column, sign) tuples)."""
    unit = min(c.unit for c in cols)
    weights = rng.integers(1, _P, size=len(rows), dtype=np.int64)
    keys, usable = [], []
    for index, col in enumerate(cols):
        grid = np.rint(col.values[rows] / col.unit)  # snapped to the column's own unit, a stray digit dropped
        if np.isnan(grid).any() or np.any(np.abs(grid) >= _EXACT) or not np.any(grid != 0):
            continue
        factor = int(round(col.unit / unit))  # a power of ten: the column on the common grid
        residues = np.mod(np.mod(grid.astype(np.int64), _P) * (factor % _P), _P)
        keys.append(int(np.mod(np.mod(residues * weights, _P).sum(), _P)))
        usable.append(index)
    if len(usable) < 3:
        return set()
    h = np.array(keys, dtype=np.int64)
    i, j = np.triu_indices(len(h), k=1)
    pair_i, pair_j = np.r_[i, i], np.r_[j, j]
    pair_s = np.r_[np.ones(len(i), dtype=np.int64), -np.ones(len(i), dtype=np.int64)]
    pair_v = np.mod(h[pair_i] + pair_s * h[pair_j], _P)
    live = pair_v != 0  # a pair that cancels on these rows is an equal (or opposite) pair: not a sum
    pair_i, pair_j, pair_s, pair_v = pair_i[live], pair_j[live], pair_s[live], pair_v[live]
    found: set[tuple[tuple[int, int], ...]] = set()
    # x_i + s·x_j ± x_k = 0: a pair's value equals a single column's value or its negative.
    single = np.r_[np.mod(-h, _P), h]
    single_k = np.r_[np.arange(len(h)), np.arange(len(h))]
    single_s = np.r_[np.ones(len(h), dtype=np.int64), -np.ones(len(h), dtype=np.int64)]
    for a, b in _equal_values(pair_v, single):
        k = single_k[b]
        if k not in (pair_i[a], pair_j[a]):
            found.add(_canonical([(usable[pair_i[a]], 1), (usable[pair_j[a]], pair_s[a]), (usable[k], single_s[b])]))
    if max_terms >= 3:
        # (x_i + s·x_j) + t·(x_k + u·x_l) = 0, the two pairs disjoint.
        for t in (1, -1):
            for a, b in _equal_values(pair_v, np.mod(-t * pair_v, _P)):
                if a >= b:
                    continue
                members = {pair_i[a], pair_j[a], pair_i[b], pair_j[b]}
                if len(members) == 4:
                    found.add(_canonical([(usable[pair_i[a]], 1), (usable[pair_j[a]], pair_s[a]),
                                          (usable[pair_i[b]], t), (usable[pair_j[b]], t * pair_s[b])]))
    return found


def _equal_values(left: np.ndarray, right: np.ndarray, limit: int = 20_000) -> list[tuple[int, int]]:
    """Index pairs (a, b) with left[a] == right[b], at most ``limit`` (a flood of matches means no signal)."""
    order = np.argsort(right, kind="stable")
    ordered = right[order]
    lo, hi = np.searchsorted(ordered, left, side="left"), np.searchsorted(ordered, left, side="right")
    pairs: list[tuple[int, int]] = []
    for a in np.flatnonzero(hi > lo):
        pairs += [(int(a), int(b)) for b in order[lo[a]:hi[a]]]
        if len(pairs) > limit:
            break
    return pairs


def _canonical(terms: list[tuple[int, int]]) -> tuple[tuple[int, int], ...]:
    """Sorted by column, first coefficient +1 (an identity and its negative are one)."""
    ordered = sorted((int(c), int(s)) for c, s in terms)
    flip = ordered[0][1]
    return tuple((c, s * flip) for c, s in ordered)


def _residual(cols: Sequence[NumberColumn], combo: Sequence[tuple[int, int]],
              rows: np.ndarray | slice) -> tuple[np.ndarray, float]:
    total = np.zeros(len(cols[0].values[rows]))
    for index, coef in combo:
        total = total + coef * cols[index].values[rows]
    return total, min(cols[index].unit for index, _ in combo) / 2


def _kept(total: np.ndarray, tolerance: float, scale: np.ndarray) -> tuple[int, int]:
    present = ~np.isnan(total)
    ok = np.abs(total[present]) <= tolerance + 1e-9 * np.maximum(1.0, scale[present])
    return int(ok.sum()), int(present.sum())


def _on_sample(cols: Sequence[NumberColumn], combo: tuple[tuple[int, int], ...], loose: float,
               sample: np.ndarray) -> bool:
    total, tolerance = _residual(cols, combo, sample)
    scale = np.abs(cols[combo[0][0]].values[sample])
    kept, present = _kept(total, tolerance, scale)
    return present < 10 or kept >= loose * present  # too few rows here to judge: every row will


def _confirm(cols: Sequence[NumberColumn], combo: tuple[tuple[int, int], ...], min_held: float,
             rng: np.random.Generator) -> dict | None:
    """The sum as a rule if it holds on every row often enough, needs every column, and is no chance."""
    everything = slice(None)
    total, tolerance = _residual(cols, combo, everything)
    target = _target(cols, combo)
    scale = np.abs(cols[target].values)
    kept, present = _kept(total, tolerance, scale)
    if present < _MIN_ROWS or kept < min_held * present:
        return None
    both = ~np.isnan(total)
    nonzero = sum((cols[i].values != 0) & both for i, _ in combo)
    if int(np.sum(nonzero >= 3)) < _MIN_ROWS:
        return None  # rows that actually add something: fewer than 30 (mostly-zero columns)
    for drop in range(len(combo)):  # every column is needed: without it the rest must fail
        rest = combo[:drop] + combo[drop + 1:]
        part, _ = _residual(cols, rest, everything)
        part_kept, part_present = _kept(np.where(both, part, np.nan), tolerance, scale)
        if part_present and part_kept >= min_held * part_present:
            return None
    coef = dict(combo)
    shuffled = total - coef[target] * cols[target].values + coef[target] * rng.permutation(cols[target].values)
    chance = _kept(np.where(both, shuffled, np.nan), tolerance, scale)[0] / present
    if chance > _INFORMATIVE:
        return None
    held = kept / present
    rules = [_solved(cols, combo, t, tolerance, held, kept, present, chance)
             for t in [target, *(i for i, _ in combo if i != target and cols[i].unit == cols[target].unit)]]
    return {**rules[0], "_gain": held - chance, "_solve": rules[1:]}


def _target(cols: Sequence[NumberColumn], combo: tuple[tuple[int, int], ...]) -> int:
    """The column to derive: of the finest unit (so sums never need rounding), the total if signs say so."""
    finest = min(cols[i].unit for i, _ in combo)
    choices = [i for i, _ in combo if cols[i].unit == finest]
    signs = dict(combo)
    odd = [i for i in choices if sum(1 for _, s in combo if s == signs[i]) == 1]
    if len(odd) == 1:
        return odd[0]
    return max(choices, key=lambda i: float(np.nanmean(np.abs(cols[i].values))))


def _solved(cols: Sequence[NumberColumn], combo: tuple[tuple[int, int], ...], target: int, tolerance: float,
            held: float, kept: int, present: int, chance: float) -> dict:
    """The identity as a rule solved for ``target``: terms in column order, signs only when one is -1."""
    coef = dict(combo)
    terms = [i for i, _ in combo if i != target]
    signs = [int(-coef[i] * coef[target]) for i in terms]
    body = {"type": "sum", "column": cols[target].name, "terms": [cols[i].name for i in terms]}
    if any(s < 0 for s in signs):
        body["signs"] = signs
    body["tolerance"] = float(f"{tolerance:.6g}")
    return {**body, "held": round(held, 6),
            "reason": f"within {tolerance:g} in {kept:,} of {present:,} rows where all are present (with "
                      f"{cols[target].name} shuffled: {100 * chance:.1f}%)"}

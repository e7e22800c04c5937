"""Detect the rules a table keeps: candidates on a row sample, confirmed on every row (pure numpy)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from synthgate.expectations._detect_sums import find_sums, number_column
from synthgate.expectations.rules import _codes, _modal_keep, _numbers

_KINDS = ("numerical", "categorical", "boolean", "datetime")
# A rule is proposed only if pairing rows at random would break it in at least 2% of rows
# (20 times the 0.1% it may break in the data): otherwise the marginals imply it (a column
# that is nearly always 0 is "<=" almost anything) and it says nothing about the rows.
_INFORMATIVE = 0.98
_MIN_PAIRS = 30  # rows where both are present before an inequality is judged at all
_MAX_LEVELS = 50  # a present_when's other column names at most this many values
_ORDER = {"equal": 0, "present_when": 1, "determines": 2, "sum": 3, "inequality": 4}
_SUM_SAMPLE = 200  # rows a candidate sum is first checked on
# A determines rule's ``by`` column must repeat: at least this share of its present rows hold a value
# that min_level_rows rows share. Values of one to four rows each (a household's expenditure, an
# income) make any column that is constant within them look "determined": such a dependency is
# seen on groups too small to be evidence, and a generator can keep it only for values it stores
# (those held by k rows), so every new value would take a neighbour's category.
_REPEATED = 0.5


@dataclass
class _Column:
    name: str
    kind: str
    nulls: np.ndarray
    codes: np.ndarray
    distinct: int
    numbers: np.ndarray | None = None
    integral: bool = False
    text: np.ndarray | None = None
    levels: list = field(default_factory=list)


def _column(name: str, kind: str, series: pd.Series) -> _Column:
    nulls = series.isna().to_numpy()
    codes = _codes(series)
    col = _Column(name, kind, nulls, codes, int(series.nunique(dropna=True)))
    if kind in ("numerical", "datetime"):
        col.numbers = _numbers(series)
        present = col.numbers[~np.isnan(col.numbers)]
        col.integral = kind == "numerical" and bool(np.all(np.mod(present, 1) == 0))
    else:
        col.text = series.astype(object).map(str, na_action="ignore").to_numpy()
        values = series.astype(object).where(series.notna(), None).to_numpy()
        _, uniques = pd.factorize(values, use_na_sentinel=True)
        col.levels = [bool(v) if isinstance(v, (bool, np.bool_)) else str(v) for v in uniques]
    return col


def _pct(share: float) -> str:
    return f"{100 * share:.1f}%"


def propose(frame: pd.DataFrame, kinds: Mapping[str, str], *, min_held: float, max_rules: int, sample_rows: int,
            min_level_rows: int, seed: int) -> list[dict]:
    """Rules that hold in at least ``min_held`` of the rows they apply to, most telling first.

    Sums between numerical columns (2 or 3 terms, signs ±1) are found by ``_detect_sums``.

    Candidates are searched on ``sample_rows`` seeded rows with a looser bar (ten times the
    allowed breakage), then confirmed on every row. Each rule carries ``held`` and a
    ``reason`` with its support counts; no value appears except a present_when's ``values``,
    levels held by at least ``min_level_rows`` rows.
    """
    n = len(frame)
    names = [c for c in frame.columns if kinds.get(c) in _KINDS]
    if n < _MIN_PAIRS or not names:
        return []
    cols = [_column(c, kinds[c], frame[c]) for c in names]
    cols = [c for c in cols if c.distinct >= 1]
    rng = np.random.default_rng(seed)
    sample = np.sort(rng.choice(n, size=min(n, sample_rows), replace=False))
    loose = 1.0 - 10.0 * (1.0 - min_held)
    rules: list[dict] = []
    copies = _equal(cols, rules, min_held)
    cols = [c for c in cols if c.name not in copies and c.distinct >= 2]
    _present_when(cols, rules, min_held, min_level_rows)
    _determines(cols, rules, min_held, loose, sample, rng, min_level_rows)
    _inequalities(cols, rules, min_held, loose, sample)
    numbers = [number_column(c.name, c.numbers) for c in cols if c.kind == "numerical"]
    rules += find_sums(numbers, min_held=min_held, loose=loose, rng=rng,
                       sample=np.sort(rng.choice(sample, size=min(len(sample), _SUM_SAMPLE), replace=False)))
    rules.sort(key=lambda r: (_ORDER[r["type"]], -r["held"], -r.pop("_gain")))
    return _consistent(rules)[:max_rules]


def _derived(rule: dict) -> list[tuple[str, list[str]]]:
    """(column, its sources) for each column a rule computes from others (how generators keep it)."""
    if rule["type"] == "equal":
        return [(target, [rule["columns"][0]]) for target in rule["columns"][1:]]
    if rule["type"] == "determines":
        return [(rule["column"], list(rule["by"]))]
    if rule["type"] == "sum":
        return [(rule["column"], list(rule["terms"]))]
    return []


def _consistent(rules: list[dict]) -> list[dict]:
    """The rules a generator can keep together, strongest first.

    A column is computed by at most one rule and never from itself through a chain, and a
    column that is computed follows its source's presence, so a presence rule on it is left out
    (generators refuse such a set as a whole; a draft must load as written). A sum whose column
    is already computed, or whose terms reach it, is tried solved for each other column it
    offers (``_solve``) before it is left out.
    """
    sources: dict[str, list[str]] = {}

    def reaches(start: str, goal: str) -> bool:
        stack, seen = [start], set()
        while stack:
            column = stack.pop()
            if column == goal:
                return True
            if column not in seen:
                seen.add(column)
                stack.extend(sources.get(column, []))
        return False

    kept = []
    for first in rules:
        for rule in [first, *first.pop("_solve", ())]:  # a sum may be solved for another of its columns
            pairs = _derived(rule)
            if any(t in sources or any(reaches(src, t) for src in srcs) for t, srcs in pairs):
                continue
            for target, srcs in pairs:
                sources[target] = srcs
            kept.append(rule)
            break
    return [r for r in kept if not (r["type"] == "present_when" and r["column"] in sources)]


def _rule(body: dict, held: float, chance: float, reason: str) -> dict:
    return {**body, "held": round(held, 6), "reason": reason, "_gain": held - chance}


def _equal(cols: list[_Column], rules: list[dict], min_held: float) -> set[str]:
    """Equal columns, each copy tied to the first column of its group; returns the copies."""
    copies: set[str] = set()
    for i, a in enumerate(cols):
        if a.name in copies:
            continue
        for b in cols[i + 1:]:
            if b.name in copies or b.kind != a.kind or b.distinct != a.distinct:
                continue
            either = ~(a.nulls & b.nulls)
            if a.numbers is not None:
                same = a.numbers == b.numbers
            else:
                same = ~a.nulls & ~b.nulls & (a.text == b.text)
            total = int(either.sum())
            kept = int((same & either).sum())
            if total and kept >= min_held * total:
                copies.add(b.name)
                rules.append(_rule({"type": "equal", "columns": [a.name, b.name]}, kept / total, 0.0,
                                   f"equal in {kept:,} of {total:,} rows where either is present"))
    return copies


def _present_when(cols: list[_Column], rules: list[dict], min_held: float, min_level_rows: int) -> None:
    """Nullness that follows another column's nullness, or a set of another column's levels."""
    n = len(cols[0].nulls) if cols else 0
    partial = [c for c in cols if 0 < c.nulls.sum() < n]
    covered: set[str] = set()
    for i, a in enumerate(partial):
        if a.name in covered:
            continue
        pa = 1.0 - a.nulls.mean()
        for b in partial[i + 1:]:
            pb = 1.0 - b.nulls.mean()
            chance = pa * pb + (1 - pa) * (1 - pb)
            kept = int((a.nulls == b.nulls).sum())
            if b.name not in covered and kept >= min_held * n and chance <= _INFORMATIVE:
                covered.add(b.name)
                rules.append(_rule({"type": "present_when", "column": b.name, "other": a.name}, kept / n, chance,
                                   f"present together in {kept:,} of {n:,} rows (independent columns would "
                                   f"agree in {_pct(chance)})"))
    for b in partial:
        if b.name in covered:
            continue
        best = None
        present = ~b.nulls
        for a in cols:
            if a is b or a.kind not in ("categorical", "boolean") or a.distinct > _MAX_LEVELS:
                continue
            counts = np.bincount(a.codes, minlength=a.distinct + 1)
            shares = np.bincount(a.codes, weights=present, minlength=a.distinct + 1) / np.maximum(counts, 1)
            chosen = [k for k in range(a.distinct) if shares[k] > 0.5 and counts[k] >= min_level_rows]
            if not chosen or (len(chosen) == a.distinct and not a.nulls.any()):
                continue
            when = np.isin(a.codes, chosen)
            kept = int((when == present).sum())
            ps, pb = when.mean(), present.mean()
            chance = ps * pb + (1 - ps) * (1 - pb)
            if kept >= min_held * n and chance <= _INFORMATIVE and (best is None or kept > best[0]):
                best = (kept, chance, a, chosen)
        if best is not None:
            kept, chance, a, chosen = best
            values = [a.levels[k] for k in chosen]
            rules.append(_rule({"type": "present_when", "column": b.name, "other": a.name, "values": values},
                               kept / n, chance, f"in {kept:,} of {n:,} rows, each value held by >= {min_level_rows} "
                               f"rows (independent columns would agree in {_pct(chance)})"))


def _determines(cols: list[_Column], rules: list[dict], min_held: float, loose: float, sample: np.ndarray,
                rng: np.random.Generator, min_level_rows: int) -> None:
    """Single-column functional dependencies b <- a, a repeating (``_REPEATED``), implied ones left out."""
    n = len(cols[0].nulls)
    found: dict[tuple[str, str], dict] = {}
    shuffle_s = rng.permutation(len(sample))
    shuffle = rng.permutation(n)
    for a in cols:
        if a.distinct >= n / 2 or _repeated_share(a, min_level_rows) < _REPEATED:
            continue
        codes_s = a.codes[sample]
        for b in cols:
            if b is a or (b.name, a.name) in found:
                continue
            if a.nulls.any() and _modal_keep(a.nulls[sample].astype(np.int64), b.codes[sample]).mean() >= loose:
                continue  # b follows whether a is missing: a present_when, not a function of a's values
            b_s = b.codes[sample]
            if _modal_keep(codes_s, b_s).mean() < loose or _modal_keep(codes_s, b_s[shuffle_s]).mean() > 0.995:
                continue
            kept = int(_modal_keep(a.codes, b.codes).sum())
            chance = float(_modal_keep(a.codes, b.codes[shuffle]).mean())
            if kept >= min_held * n and chance <= _INFORMATIVE:
                found[(a.name, b.name)] = _rule(
                    {"type": "determines", "by": [a.name], "column": b.name}, kept / n, chance,
                    f"one {b.name} per {a.name} ({a.distinct} values) in {kept:,} of {n:,} rows (random "
                    f"pairing would keep {_pct(chance)})")
    rules += _not_implied(found)


def _repeated_share(a: _Column, min_level_rows: int) -> float:
    """Share of ``a``'s present rows whose value at least ``min_level_rows`` rows hold."""
    present = a.codes[~a.nulls]
    if not len(present):
        return 0.0
    counts = np.bincount(present)
    return float(np.mean(counts[present] >= min_level_rows))


def _not_implied(found: dict[tuple[str, str], dict]) -> list[dict]:
    """Leave out a -> c when a -> b and b -> c are there too (dependencies and inequalities compose)."""
    middles = {b for _, b in found}
    return [rule for (a, c), rule in found.items()
            if not any((a, b) in found and (b, c) in found for b in middles - {a, c})]


def _inequalities(cols: list[_Column], rules: list[dict], min_held: float, loose: float,
                  sample: np.ndarray) -> None:
    """low <= high between two dates, or two numbers of the same grain (both integral or neither)."""
    ordered = [c for c in cols if c.numbers is not None]
    found: dict[tuple[str, str], dict] = {}
    for i, x in enumerate(ordered):
        for y in ordered[i + 1:]:
            if x.kind != y.kind or x.integral != y.integral:
                continue
            xs, ys = x.numbers[sample], y.numbers[sample]
            both = ~np.isnan(xs) & ~np.isnan(ys)
            if both.sum() < _MIN_PAIRS:
                continue
            le, ge = np.mean(xs[both] <= ys[both]), np.mean(xs[both] >= ys[both])
            if le >= loose and ge >= loose:
                continue  # (nearly) equal columns: the equal rule's business
            for low, high, share in ((x, y, le), (y, x, ge)):
                if share >= loose and _chance_le(low.numbers[sample], high.numbers[sample]) <= 0.995:
                    _confirm_inequality(low, high, found, min_held)
    rules += _not_implied(found)


def _chance_le(low: np.ndarray, high: np.ndarray) -> float:
    """P(low <= high) for a low and a high drawn independently from their present values."""
    lows, highs = low[~np.isnan(low)], np.sort(high[~np.isnan(high)])
    if not len(lows) or not len(highs):
        return 1.0
    return float(np.mean(1.0 - np.searchsorted(highs, lows, side="left") / len(highs)))


def _confirm_inequality(low: _Column, high: _Column, found: dict, min_held: float) -> None:
    both = ~np.isnan(low.numbers) & ~np.isnan(high.numbers)
    total = int(both.sum())
    lo, hi = low.numbers[both], high.numbers[both]
    kept, strict = int(np.sum(lo <= hi)), int(np.sum(lo < hi))
    chance = _chance_le(low.numbers, high.numbers)
    if kept < min_held * total or chance > _INFORMATIVE:
        return
    is_strict = strict >= min_held * total
    held = (strict if is_strict else kept) / total
    found[(low.name, high.name)] = (_rule({"type": "inequality", "low": low.name, "high": high.name, "strict": is_strict}, held, chance,
                       f"{'<' if is_strict else '<='} in {strict if is_strict else kept:,} of {total:,} rows where "
                       f"both are present (random pairing would keep {_pct(chance)})"))

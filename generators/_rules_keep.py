"""Rules kept while sampling: derived columns rebuilt from their sources, broken rows redrawn like for like.

``equal``, ``determines`` and ``sum`` columns are left out of the model and computed after every
draw (a sum's column is null wherever one of its terms is);
``present_when`` nulls its column where the condition is false; a row that still breaks a rule
(an inequality, or a column null where its condition holds) is replaced by a fresh row with the
same condition pattern, so redrawing never shifts the share of rows where a condition holds.
When the budget of drawn rows runs out, a presence value still missing is taken from a drawn
row with the same condition: a value the model drew under that condition, never a made-up one.
"""
from __future__ import annotations

import functools
import hashlib
import io
import math
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from synthgate.generators import rules as R
from synthgate.generators._seeding import derive_seed
from synthgate.generators.base import TableSchema
from synthgate.generators.errors import GeneratorError, ModelDirectoryError, SchemaError

# Redraw rounds' seed path, apart from the constraint rounds (0xC0) and the copy filter's.
_STREAM = 0xD1
STATE_FORMAT = 1
Draw = Callable[[int, int, "pd.DataFrame | None"], pd.DataFrame]


@dataclass(frozen=True)
class RuleOutcome:
    """How the last sample kept the rules: share of rows per rule, rows redrawn, rows drawn in all,
    redraw rounds, and presence-rule values taken from drawn rows of the same condition."""

    kept: dict[str, float]
    redrawn: int
    drawn: int
    rounds: int
    donated: int = 0


@dataclass(frozen=True)
class LearnedMapping:
    """A learned ``by`` → column mapping: only pairs held by at least k training rows, plus one fallback."""

    table: dict[tuple[Any, ...], Any]
    fallback: Any

    @functools.cached_property
    def numeric_keys(self) -> tuple[np.ndarray, list[Any]]:
        """The stored single number keys in ascending order, and their values (``_between_keys``)."""
        stored = sorted((float(key[0]), target) for key, target in self.table.items() if key[0] is not None)
        return np.array([x for x, _ in stored]), [target for _, target in stored]


@dataclass
class KeptRules:
    """The rules of one fitted generator: schema, derivation order and learned mappings."""

    rules: tuple[R.Rule, ...]
    schema: TableSchema
    order: list[str]
    mappings: dict[int, LearnedMapping] = field(default_factory=dict)
    held: dict[str, float] = field(default_factory=dict)  # share of training rows keeping each rule
    dp: bool = False  # under differential privacy nothing is measured on the training rows
    # Share of training rows whose ``by`` values the mapping stores (the rest get the fallback):
    # low coverage means the rule's ``by`` values are mostly rare, and the column mostly one value.
    mapped: dict[str, float] = field(default_factory=dict)
    # Columns of sum rules the training table holds as whole numbers (an integer dtype, or floats
    # that are all whole, e.g. integers with nulls): such a term is rounded before it is added, as
    # the output rounds an integer column, so the derived column adds what is published.
    integral: frozenset[str] = frozenset()
    # Per sum rule: share of training rows with every term present but the column missing, and
    # with a term missing but the column present (both come out null/derived in synthetic rows).
    sum_nulls: dict[str, dict[str, float]] = field(default_factory=dict)

    @classmethod
    def plan(cls, rules: Sequence[R.Rule], schema: TableSchema, *, dp: bool = False,
             constraints: Sequence[Any] = ()) -> KeptRules:
        """Check ``rules`` against ``schema`` and the generator's own ``constraints``.

        Raises:
            SchemaError: A rule misfits (see ``rules.check_rules``) or a constraint names a derived
                column, which the model no longer sees.
        """
        order = R.check_rules(rules, schema, dp=dp)
        for constraint in constraints:
            for name in (getattr(constraint, key, None) for key in ("low", "high", "column")):
                if name in order:
                    raise SchemaError(name, "is derived by a rule and left out of the model; constrain its source")
        return cls(tuple(rules), schema, order, dp=dp)

    @property
    def model_schema(self) -> TableSchema:
        """The schema the model learns: every column that is not derived."""
        return TableSchema(tuple((n, k) for n, k in self.schema.columns if n not in self.order))

    def learn(self, frame: pd.DataFrame, protection: int) -> None:
        """Learn each determines mapping from the canonical training ``frame``; note integer columns.

        Raises:
            SchemaError: A sum's column holds whole numbers while a term holds fractions (the
                derived sums would be rounded on output and break the rule).

        A ``by`` value (or combination) is stored with its most frequent column value only when
        that pair is held by at least ``protection`` rows, so no rare value of either column
        enters the model file; every other key gets one fallback: the most frequent value among
        the unstored rows, or overall, if held by at least ``protection`` rows, else null.
        """
        for index, rule in enumerate(self.rules):
            if isinstance(rule, R.Determines):
                mapping = self.mappings[index] = _learn_mapping(frame, rule, self.schema, protection)
                keys = zip(*(R.key_values(frame[name], name, self.schema.kind_of(name)) for name in rule.by))
                self.mapped[R.describe_rule(rule)] = float(np.mean([key in mapping.table for key in keys]))
        summed = {name for rule in self.rules if isinstance(rule, R.Sum) for name in R.rule_columns(rule)}
        self.integral = frozenset(name for name in summed if _whole(frame[name]))
        for rule in self.rules:
            if isinstance(rule, R.Sum):
                _check_sum_grain(rule, self.integral)
        if not self.dp:  # a share of training rows is a statistic the DP budget does not cover
            self.sum_nulls = {R.describe_rule(rule): _sum_nulls(frame, rule) for rule in self.rules
                              if isinstance(rule, R.Sum)}
            self.held = {R.describe_rule(rule): float(R.holds(rule, frame, self.schema).mean()) for rule in self.rules}

    # --- rows -------------------------------------------------------------------------------------

    def complete(self, inner: pd.DataFrame) -> pd.DataFrame:
        """Model rows → full rows: derived columns computed, absent columns nulled, schema order."""
        frame = inner.reset_index(drop=True).copy()
        presence = [rule for rule in self.rules if isinstance(rule, R.PresentWhen)]
        for _ in range(len(presence) + 1):  # nulling only adds nulls, so this settles
            self._derive(frame)
            changed = False
            for rule in presence:
                absent = ~R.condition(frame, rule, self.schema) & frame[rule.column].notna().to_numpy()
                if absent.any():
                    frame[rule.column] = frame[rule.column].mask(absent)
                    changed = True
            if not changed:
                break
        return frame[list(self.schema.names)]

    def _derive(self, frame: pd.DataFrame) -> None:
        derived = R.derivations(self.rules)
        for target in self.order:
            rule, sources = derived[target]
            if isinstance(rule, R.Equal):
                frame[target] = frame[sources[0]].to_numpy()
                continue
            if isinstance(rule, R.Sum):
                frame[target] = self._add(frame, rule)
                continue
            mapping = self.mappings[self.rules.index(rule)]
            keys = list(zip(*(R.key_values(frame[s], s, self.schema.kind_of(s)) for s in sources)))
            values = [mapping.table.get(key, mapping.fallback) for key in keys]
            if len(sources) == 1 and self.schema.kind_of(sources[0]) in ("numerical", "datetime"):
                values = _between_keys(mapping, keys, values, numeric_target=self.schema.kind_of(target) == "numerical")
            frame[target] = _column_from(values, self.schema.kind_of(target))

    def _add(self, frame: pd.DataFrame, rule: R.Sum) -> pd.Series:
        """Σ sign·term per row (integer terms rounded first, in place), null where a term is null."""
        total = np.zeros(len(frame))
        for sign, term in zip(rule.weights, rule.terms):
            values = R.floats(frame[term])
            if term in self.integral:
                values = np.rint(values)
                frame[term] = values
            total = total + sign * values
        return pd.Series(total, dtype="float64", index=frame.index)

    def broken(self, frame: pd.DataFrame, *, presence: bool = True) -> np.ndarray:
        """Rows of a completed frame that break a rule not kept by construction (presence rules too or not)."""
        bad = np.zeros(len(frame), dtype=bool)
        for rule in self.rules:
            if isinstance(rule, R.InequalityRule) or (presence and isinstance(rule, R.PresentWhen)):
                bad |= ~R.holds(rule, frame, self.schema)
        return bad

    def keys(self, frame: pd.DataFrame) -> list[tuple[Any, ...]]:
        """Each row's condition pattern: a replacement row must share it (the listed value, or True/False)."""
        parts = []
        for rule in self.rules:
            if isinstance(rule, R.PresentWhen):
                holds = R.condition(frame, rule, self.schema)
                if rule.values is None:
                    parts.append(list(holds))
                else:
                    values = R.key_values(frame[rule.other], rule.other, self.schema.kind_of(rule.other))
                    parts.append([v if h else False for v, h in zip(values, holds)])
        return list(zip(*parts)) if parts else [()] * len(frame)

    def keep(self, draw: Draw, n: int, seed: int, fixed: pd.DataFrame | None = None,
             max_rounds: int = 20, budget: int | None = None) -> tuple[pd.DataFrame, RuleOutcome]:
        """``n`` completed rows keeping the rules: broken rows redrawn like for like, then mended.

        Round 0 draws ``n`` rows with ``seed``; each later round draws replacements (with the same
        fixed values when ``fixed`` is given, else enough rows for the rarest condition pattern
        seen so far) and a replacement fills a broken row only if it keeps every rule and has the
        same condition pattern. Rounds stop after ``max_rounds`` or ``budget`` drawn rows (default
        ten times ``n``, at least 20,000). A row whose presence-rule column is still null where
        the condition holds then takes that column's value from a drawn row with the same
        condition and the column present (a value the model drew under that condition, never a
        made-up one). Rows still broken are kept as drawn and show in the outcome's shares.
        """
        budget = max(10 * n, 20_000) if budget is None else budget
        batches = [self.complete(draw(n, seed, fixed))]
        bad, keys = self.broken(batches[0]), self.keys(batches[0])
        source = np.arange(n)  # row i of the result is row source[i] of the concatenated batches
        drawn, redrawn, rounds = n, 0, 0
        good = Counter(k for k, b in zip(keys, bad) if not b)
        for round_ in range(1, max_rounds + 1):
            slots = np.flatnonzero(bad)
            if not len(slots) or drawn >= budget:
                break
            rounds, s = round_, derive_seed(seed, _STREAM, round_)
            if fixed is not None:
                batch = self._redraw_fixed(draw, s, fixed, slots, keys, good, source, bad, drawn, budget)
            else:
                last = round_ == max_rounds
                batch = self._redraw_free(draw, s, slots, keys, good, source, bad, drawn, budget, last)
            redrawn += int(len(slots) - bad[slots].sum())
            batches.append(batch)
            drawn += len(batch)
        everything = pd.concat(batches, ignore_index=True)
        rows = everything.iloc[source].reset_index(drop=True)
        donated = 0
        if fixed is None and any(isinstance(rule, R.PresentWhen) for rule in self.rules):
            donated = self._donate(rows, everything, np.random.default_rng(derive_seed(seed, _STREAM, 0)))
            rows = self.complete(rows)
        kept = {R.describe_rule(rule): float(R.holds(rule, rows, self.schema).mean()) for rule in self.rules}
        return rows, RuleOutcome(kept, redrawn, drawn, rounds, donated)

    def _redraw_fixed(self, draw: Draw, seed: int, fixed: pd.DataFrame, slots: np.ndarray, keys: list,
                      good: Counter, source: np.ndarray, bad: np.ndarray, drawn: int, budget: int) -> pd.DataFrame:
        """Several tries per broken row, each with the row's own fixed values; the first good one wins."""
        tries = int(min(max(math.ceil(1.5 * drawn / max(sum(good.values()), 1)), 1), 64,
                        max(1, (budget - drawn) // len(slots))))
        wanted = np.tile(slots, tries)
        batch = self.complete(draw(len(wanted), seed, fixed.iloc[wanted].reset_index(drop=True)))
        ok = ~self.broken(batch) & np.array([a == keys[i] for a, i in zip(self.keys(batch), wanted)], dtype=bool)
        good.update(k for k, fine in zip(self.keys(batch), ok) if fine)
        first: dict[int, int] = {}
        for position in np.flatnonzero(ok):
            first.setdefault(int(wanted[position]), int(position))
        mended = np.array(sorted(first), dtype=np.int64)
        if len(mended):
            source[mended] = drawn + np.array([first[i] for i in mended], dtype=np.int64)
            bad[mended] = False
        return batch

    def _redraw_free(self, draw: Draw, seed: int, slots: np.ndarray, keys: list, good: Counter,
                     source: np.ndarray, bad: np.ndarray, drawn: int, budget: int, last: bool) -> pd.DataFrame:
        """Fresh rows, enough for the rarest pattern; each broken row takes a good one of its pattern.

        In the last round (the budget or the rounds run out) a broken row left over may take a row
        of its pattern that keeps every inequality but misses a presence-rule value, which
        :meth:`_donate` then supplies: better than keeping a row that breaks an inequality.
        """
        need = Counter(keys[i] for i in slots)
        size = int(min(max(math.ceil(need[k] / (max(good[k], 0.5) / drawn) * 1.2) + 1 for k in need),
                       max(budget - drawn, len(slots))))
        last = last or drawn + size >= budget
        batch = self.complete(draw(size, seed, None))
        batch_keys, strict = self.keys(batch), ~self.broken(batch)
        pools: dict[Any, list[int]] = {}
        for position, (key, fine) in enumerate(zip(batch_keys, strict)):
            if fine:
                pools.setdefault(key, []).append(position)
        good.update({k: len(v) for k, v in pools.items()})
        loose: dict[Any, list[int]] = {}
        if last:
            for position in np.flatnonzero(~strict & ~self.broken(batch, presence=False)):
                loose.setdefault(batch_keys[position], []).append(int(position))
        for key in need:
            waiting = [i for i in slots if keys[i] == key]
            pool = (pools.get(key, []) + loose.get(key, []))[:len(waiting)]
            source[waiting[:len(pool)]] = drawn + np.array(pool, dtype=np.int64)
            bad[waiting[:len(pool)]] = False
        return batch

    def _donate(self, rows: pd.DataFrame, drawn: pd.DataFrame, rng: np.random.Generator) -> int:
        """Fill presence-rule columns null where the condition holds from drawn rows of the same condition."""
        filled = 0
        for rule in self.rules:
            if not isinstance(rule, R.PresentWhen):
                continue
            wanting = R.condition(rows, rule, self.schema) & rows[rule.column].isna().to_numpy()
            if not wanting.any():
                continue
            giving = R.condition(drawn, rule, self.schema) & drawn[rule.column].notna().to_numpy()
            kind = self.schema.kind_of(rule.other)
            row_keys, drawn_keys = (R.key_values(f[rule.other], rule.other, kind) if rule.values is not None
                                    else np.zeros(len(f), dtype=object) for f in (rows, drawn))
            column = rows[rule.column].to_numpy(dtype=object, na_value=None).copy()
            before = filled
            for key in set(row_keys[wanting]):
                slots = np.flatnonzero(wanting & (row_keys == key))
                donors = np.flatnonzero(giving & (drawn_keys == key))
                if not len(donors):
                    continue
                chosen = rng.choice(donors, size=len(slots), replace=len(donors) < len(slots))
                column[slots] = drawn[rule.column].to_numpy(dtype=object, na_value=None)[chosen]
                filled += len(slots)
            if filled > before:
                rows[rule.column] = pd.Series(column).astype(drawn[rule.column].dtype)
        return filled

    # --- state ------------------------------------------------------------------------------------

    def to_state(self) -> dict[str, Any]:
        """Plain lists and dicts (torch ``weights_only``-safe): the rules and the learned mappings."""
        mappings = {str(index): {"keys": [list(k) for k in m.table], "values": list(m.table.values()),
                                 "fallback": m.fallback} for index, m in self.mappings.items()}
        rules = [rule.model_dump(mode="json", exclude={"reason"}) for rule in self.rules]
        return {"format": STATE_FORMAT, "rules": rules, "mappings": mappings, "held": dict(self.held),
                "mapped": dict(self.mapped), "integral": sorted(self.integral), "sum_nulls": dict(self.sum_nulls)}

    @classmethod
    def from_state(cls, state: dict[str, Any], schema: TableSchema) -> KeptRules:
        """Inverse of :meth:`to_state`."""
        kept = cls.plan(R.parse_rules(state["rules"]), schema)
        for index, stored in state["mappings"].items():
            table = {tuple(key): value for key, value in zip(stored["keys"], stored["values"])}
            kept.mappings[int(index)] = LearnedMapping(table, stored["fallback"])
        kept.held = dict(state.get("held") or {})
        kept.mapped = dict(state.get("mapped") or {})
        kept.integral = frozenset(state.get("integral") or ())
        kept.sum_nulls = {k: dict(v) for k, v in (state.get("sum_nulls") or {}).items()}
        return kept

    def state_bytes(self) -> bytes:
        """:meth:`to_state` as the bytes of ``rules.pt`` (torch.save of plain lists)."""
        import torch

        buffer = io.BytesIO()
        torch.save(self.to_state(), buffer)
        return buffer.getvalue()

    @classmethod
    def read(cls, directory: Path, path: Path, sha256: str | None, schema: TableSchema) -> KeptRules:
        """Read ``rules.pt`` once its sha256 matches the manifest's; loading it runs no code.

        Raises:
            ModelDirectoryError: The file is missing, altered or malformed.
        """
        import torch

        if not path.is_file():
            raise ModelDirectoryError(directory, f"{path.name} is missing")
        data = path.read_bytes()
        if hashlib.sha256(data).hexdigest() != sha256:
            raise ModelDirectoryError(directory, f"{path.name} does not match the sha256 in manifest.json")
        try:
            state = torch.load(io.BytesIO(data), map_location="cpu", weights_only=True)
            return cls.from_state(state, schema)
        except (KeyError, TypeError, ValueError, AttributeError, GeneratorError, RuntimeError) as exc:
            raise ModelDirectoryError(directory, f"{path.name} is malformed ({type(exc).__name__})") from None

    def manifest(self) -> list[dict[str, Any]]:
        """What the manifest records of each rule: type, columns, how it is kept, its training share."""
        entries = []
        for rule in self.rules:
            words = R.describe_rule(rule)
            entry = {"type": rule.type, "columns": list(R.rule_columns(rule)), "rule": words,
                     "kept_by": "construction" if isinstance(rule, (R.Equal, R.Determines, R.Sum)) else
                     "construction and redraw" if isinstance(rule, R.PresentWhen) else "redraw",
                     "held_in_training": self.held.get(words), "held_stated": rule.held,
                     "mapped_share": self.mapped.get(words)}
            if words in self.sum_nulls:
                entry["nulls_in_training"] = self.sum_nulls[words]
            entries.append(entry)
        return entries


def _learn_mapping(frame: pd.DataFrame, rule: R.Determines, schema: TableSchema, protection: int) -> LearnedMapping:
    keys = list(zip(*(R.key_values(frame[name], name, schema.kind_of(name)) for name in rule.by)))
    targets = R.key_values(frame[rule.column], rule.column, schema.kind_of(rule.column))
    pairs = Counter(zip(keys, targets))
    best: dict[tuple[Any, ...], tuple[int, Any]] = {}
    for (key, target), count in pairs.items():
        if count >= protection and (key not in best or count > best[key][0]):
            best[key] = (count, target)
    table = {key: target for key, (_, target) in best.items()}
    overall = Counter(targets)
    unstored = Counter(t for k, t in zip(keys, targets) if k not in table)
    fallback = None
    for counts in (unstored, overall):
        candidates = [(c, t) for t, c in counts.items() if overall[t] >= protection and t is not None]
        if candidates:
            fallback = max(candidates, key=lambda item: item[0])[1]
            break
    return LearnedMapping(table, fallback)


def _between_keys(mapping: LearnedMapping, keys: list[tuple[Any, ...]], values: list[Any], *,
                  numeric_target: bool) -> list[Any]:
    """Values for drawn numbers that are no stored key: read between the stored keys, not the fallback.

    A model draws numbers off the training values (value protection keeps rare ones out), so a
    lookup keyed on exact numbers misses almost every row and the fallback turns a derived column
    such as ``log(income)`` into a constant. A missed number instead takes the value of its stored
    neighbours: linearly interpolated when the target is numerical and rises or falls steadily over
    the stored keys (a transform), else the nearest stored key's value. Only stored pairs (each held
    by ``protection`` rows) are read, so no new training value enters the output.
    """
    xs, targets = mapping.numeric_keys
    missed = np.flatnonzero([key[0] is not None and key not in mapping.table for key in keys])
    if len(xs) < 2 or not len(missed):
        return values
    drawn = np.array([float(keys[row][0]) for row in missed])
    ys = np.array([np.nan if t is None else float(t) for t in targets]) if numeric_target else None
    steps = np.diff(ys) if ys is not None else None
    monotone = steps is not None and not np.isnan(ys).any() and (bool((steps >= 0).all()) or bool((steps <= 0).all()))
    if monotone:
        filled = list(np.interp(drawn, xs, ys))
    else:
        right = np.clip(np.searchsorted(xs, drawn), 1, len(xs) - 1)
        nearest = np.where(np.abs(drawn - xs[right - 1]) <= np.abs(xs[right] - drawn), right - 1, right)
        filled = [targets[i] for i in nearest]
    out = list(values)
    for row, value in zip(missed, filled):
        out[row] = value
    return out


def _whole(column: pd.Series) -> bool:
    """Whether a numerical column holds whole numbers only (its grain, like its dtype)."""
    if pd.api.types.is_integer_dtype(column):
        return True
    values = R.floats(column)
    values = values[~np.isnan(values)]
    return bool(len(values)) and bool(np.all(values == np.rint(values)))


def _check_sum_grain(rule: R.Sum, integral: frozenset[str]) -> None:
    fractional = [term for term in rule.terms if term not in integral]
    if rule.column in integral and fractional:
        raise SchemaError(rule.column, f"holds whole numbers but term {fractional[0]!r} of '{R.describe_rule(rule)}' "
                                       "does not, so derived sums would be rounded on output; solve the rule for a "
                                       "column with fractions instead")


def _sum_nulls(frame: pd.DataFrame, rule: R.Sum) -> dict[str, float]:
    """Shares of training rows the derivation changes: column missing with every term present, and the reverse."""
    target = frame[rule.column].isna().to_numpy()
    term_missing = np.zeros(len(frame), dtype=bool)
    for term in rule.terms:
        term_missing |= frame[term].isna().to_numpy()
    return {"column_missing_terms_present": float(np.mean(target & ~term_missing)),
            "column_present_term_missing": float(np.mean(~target & term_missing))}


def _column_from(values: list[Any], kind: str) -> pd.Series:
    """Plain values (see ``rules.key_values``) back as a column of ``kind``."""
    if kind == "datetime":
        return pd.Series(pd.to_datetime([pd.NaT if v is None else v for v in values], unit="ns"))
    if kind == "numerical":
        return pd.Series([np.nan if v is None else v for v in values], dtype="float64")
    if kind == "boolean":
        return pd.Series(values, dtype="boolean")
    return pd.Series([np.nan if v is None else v for v in values], dtype=object)

"""Rules kept while sampling: derived columns rebuilt from their sources, broken rows redrawn like for like.

``equal`` and ``determines`` columns are left out of the model and computed after every draw;
``present_when`` nulls its column where the condition is false; a row that still breaks a rule
(an inequality, or a column null where its condition holds) is replaced by a fresh row with the
same condition pattern, so redrawing never shifts the share of rows where a condition holds.
"""
from __future__ import annotations

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
    """How the last sample kept the rules: share of rows per rule, rows redrawn, rows drawn in all."""

    kept: dict[str, float]
    redrawn: int
    drawn: int
    rounds: int


@dataclass(frozen=True)
class Mapping_:
    """A learned ``by`` → column mapping: only pairs held by at least k training rows, plus one fallback."""

    table: dict[tuple[Any, ...], Any]
    fallback: Any


@dataclass
class KeptRules:
    """The rules of one fitted generator: schema, derivation order and learned mappings."""

    rules: tuple[R.Rule, ...]
    schema: TableSchema
    order: list[str]
    mappings: dict[int, Mapping_] = field(default_factory=dict)
    held: dict[str, float] = field(default_factory=dict)  # share of training rows keeping each rule
    dp: bool = False  # under differential privacy nothing is measured on the training rows

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
        """Learn each determines mapping from the canonical training ``frame``.

        A ``by`` value (or combination) is stored with its most frequent column value only when
        that pair is held by at least ``protection`` rows, so no rare value of either column
        enters the model file; every other key gets one fallback: the most frequent value among
        the unstored rows, or overall, if held by at least ``protection`` rows, else null.
        """
        for index, rule in enumerate(self.rules):
            if isinstance(rule, R.Determines):
                self.mappings[index] = _learn_mapping(frame, rule, self.schema, protection)
        if not self.dp:  # a share of training rows is a statistic the DP budget does not cover
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
            mapping = self.mappings[self.rules.index(rule)]
            keys = zip(*(R.key_values(frame[s], s, self.schema.kind_of(s)) for s in sources))
            values = [mapping.table.get(key, mapping.fallback) for key in keys]
            frame[target] = _column_from(values, self.schema.kind_of(target))

    def broken(self, frame: pd.DataFrame) -> np.ndarray:
        """Rows of a completed frame that break a rule not kept by construction."""
        bad = np.zeros(len(frame), dtype=bool)
        for rule in self.rules:
            if isinstance(rule, (R.InequalityRule, R.PresentWhen)):
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
             max_rounds: int = 20) -> tuple[pd.DataFrame, RuleOutcome]:
        """``n`` completed rows keeping the rules, replacing broken rows for at most ``max_rounds``.

        Round 0 draws ``n`` rows with ``seed``; each later round draws replacements (with the same
        fixed values when ``fixed`` is given, else enough rows for the rarest condition pattern
        seen so far) and a replacement fills a broken row only if it keeps every rule and has the
        same condition pattern. Rows still broken after the last round are kept as drawn (never
        filled with a made-up value) and show in the outcome's shares.
        """
        batches = [self.complete(draw(n, seed, fixed))]
        bad = self.broken(batches[0])
        keys = self.keys(batches[0])
        source = np.arange(n)  # row i of the result is row source[i] of the concatenated batches
        offset, drawn, redrawn, rounds = n, n, 0, 0
        good = Counter(k for k, b in zip(keys, bad) if not b)
        for round_ in range(1, max_rounds + 1):
            slots = np.flatnonzero(bad)
            if not len(slots):
                break
            rounds = round_
            s = derive_seed(seed, _STREAM, round_)
            if fixed is not None:
                # Several tries per broken row, each with the row's own fixed values; the first good one wins.
                tries = int(min(max(math.ceil(1.5 * drawn / max(sum(good.values()), 1)), 1), 64,
                                max(1, 20 * n // len(slots))))
                wanted = np.tile(slots, tries)
                batch = self.complete(draw(len(wanted), s, fixed.iloc[wanted].reset_index(drop=True)))
                ok = ~self.broken(batch) & np.array([a == keys[i] for a, i in zip(self.keys(batch), wanted)], dtype=bool)
                good.update(k for k, fine in zip(self.keys(batch), ok) if fine)
                first = {}
                for position in np.flatnonzero(ok):
                    first.setdefault(int(wanted[position]), int(position))
                mended = np.array(sorted(first), dtype=np.int64)
                if len(mended):
                    source[mended] = offset + np.array([first[i] for i in mended], dtype=np.int64)
                    bad[mended] = False
            else:
                need = Counter(keys[i] for i in slots)
                rate = {k: max(good[k], 0.5) / drawn for k in need}
                size = min(max(math.ceil(need[k] / rate[k] * 1.2) + 1 for k in need), max(20 * n, 20_000), 500_000)
                batch = self.complete(draw(size, s, None))
                ok_rows = ~self.broken(batch)
                pools: dict[Any, list[int]] = {}
                for position, (key, fine) in enumerate(zip(self.keys(batch), ok_rows)):
                    if fine:
                        pools.setdefault(key, []).append(position)
                good.update({k: len(v) for k, v in pools.items()})
                for key in need:
                    waiting = [i for i in slots if keys[i] == key]
                    pool = pools.get(key, [])[:len(waiting)]
                    source[waiting[:len(pool)]] = offset + np.array(pool, dtype=np.int64)
                    bad[waiting[:len(pool)]] = False
            redrawn += int(len(slots) - bad[slots].sum())
            batches.append(batch)
            offset, drawn = offset + len(batch), drawn + len(batch)
        rows = pd.concat(batches, ignore_index=True).iloc[source].reset_index(drop=True)
        kept = {R.describe_rule(rule): float(R.holds(rule, rows, self.schema).mean()) for rule in self.rules}
        return rows, RuleOutcome(kept, redrawn, drawn, rounds)

    # --- state ------------------------------------------------------------------------------------

    def to_state(self) -> dict[str, Any]:
        """Plain lists and dicts (torch ``weights_only``-safe): the rules and the learned mappings."""
        mappings = {str(index): {"keys": [list(k) for k in m.table], "values": list(m.table.values()),
                                 "fallback": m.fallback} for index, m in self.mappings.items()}
        rules = [rule.model_dump(mode="json", exclude={"reason"}) for rule in self.rules]
        return {"format": STATE_FORMAT, "rules": rules, "mappings": mappings, "held": dict(self.held)}

    @classmethod
    def from_state(cls, state: dict[str, Any], schema: TableSchema) -> KeptRules:
        """Inverse of :meth:`to_state`."""
        kept = cls.plan(R.parse_rules(state["rules"]), schema)
        for index, stored in state["mappings"].items():
            table = {tuple(key): value for key, value in zip(stored["keys"], stored["values"])}
            kept.mappings[int(index)] = Mapping_(table, stored["fallback"])
        kept.held = dict(state.get("held") or {})
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
        return [{"type": rule.type, "columns": list(R.rule_columns(rule)), "rule": R.describe_rule(rule),
                 "kept_by": "construction" if isinstance(rule, (R.Equal, R.Determines)) else
                 "construction and redraw" if isinstance(rule, R.PresentWhen) else "redraw",
                 "held_in_training": self.held.get(R.describe_rule(rule)), "held_stated": rule.held}
                for rule in self.rules]


def _learn_mapping(frame: pd.DataFrame, rule: R.Determines, schema: TableSchema, protection: int) -> Mapping_:
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
    return Mapping_(table, fallback)


def _column_from(values: list[Any], kind: str) -> pd.Series:
    """Plain values (see ``rules.key_values``) back as a column of ``kind``."""
    if kind == "datetime":
        return pd.Series(pd.to_datetime([pd.NaT if v is None else v for v in values], unit="ns"))
    if kind == "numerical":
        return pd.Series([np.nan if v is None else v for v in values], dtype="float64")
    if kind == "boolean":
        return pd.Series(values, dtype="boolean")
    return pd.Series([np.nan if v is None else v for v in values], dtype=object)

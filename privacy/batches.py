"""Applying a pseudonymisation plan batch by batch, for tables larger than memory.

``apply_plan`` takes the whole table. ``PlanStream`` applies the same plan to one batch of
rows at a time and gives the same values: keyed actions are functions of a value alone
(pseudonyms through a bounded ``PseudonymCache``, date offsets per subject), redaction
works per cell, and the generalisation rules whose result depends on the whole column are
fitted first on that column alone (``fit``): a quantile bound, the rare categories of
``merge_rare``, the bands present for ``age_band``. The report adds the batches' counts;
distinct counts (pseudonyms, shifted subjects) are kept as 64-bit fingerprints, 8 bytes per
distinct value, never the values.

Two things cannot be applied batch by batch and are refused by ``streaming_obstacle``:
``surrogate`` (a surrogate must differ from every identifier of the whole column) and a
reversible plan (its re-identification table pairs every distinct identifier once).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd

from synthgate.privacy.dateshift import subject_offsets
from synthgate.privacy.errors import KeyRequiredError
from synthgate.privacy.keys import PseudonymKey
from synthgate.privacy.plan import Action, ColumnPlan, PseudonymisationPlan, _apply_column, _Context, _guarded
from synthgate.privacy.pseudonymise import PseudonymCache, distinct_identifiers
from synthgate.privacy.report import ColumnOutcome, PseudonymisationReport

__all__ = ["PlanStream", "streaming_obstacle"]

_KEYED = (Action.PSEUDONYMISE, Action.SURROGATE, Action.DATE_SHIFT)


def streaming_obstacle(plan: PseudonymisationPlan) -> str | None:
    """Why ``plan`` cannot be applied batch by batch (a sentence with column names, no value), or None."""
    if plan.reversible:
        return ("privacy.additional_information keeps one pair per distinct identifier of the whole table "
                "(the re-identification table)")
    surrogates = plan.by_action(Action.SURROGATE)
    if surrogates:
        return (f"column(s) {', '.join(surrogates)} use 'surrogate', whose values must differ from every "
                "identifier of the whole column")
    return None


def _needs_fit(column: ColumnPlan) -> bool:
    rule = column.rule
    if column.action is not Action.GENERALISE or rule is None:
        return False
    if rule.rule == "top_bottom_code":
        return rule.lower_quantile is not None or rule.upper_quantile is not None
    return rule.rule in ("merge_rare", "age_band")


def _band_order(label: str) -> tuple[int, float]:
    if label.startswith("<"):
        return (0, 0.0)
    if label.endswith("+"):
        return (2, 0.0)
    return (1, float(label.split("-", 1)[0]))


def _fingerprints(texts: Iterable[str]) -> np.ndarray:
    """8-byte fingerprints of distinct texts, to count them across batches without keeping them."""
    return np.fromiter((int.from_bytes(hashlib.blake2b(t.encode("utf-8", "surrogatepass"), digest_size=8).digest(),
                                       "little") for t in texts), dtype=np.uint64)


class _Distinct:
    """A count of distinct values over batches from their 64-bit fingerprints: 8 bytes per distinct value.

    Fingerprints are kept sorted in 64 buckets by their top bits, and a bucket is merged with what
    arrived for it once that is a quarter of its size: merging never copies more than one bucket,
    so the memory stays near 8 bytes per distinct value however many there are.
    """

    _BUCKETS = 64
    _SHIFT = np.uint64(58)

    def __init__(self) -> None:
        self._sorted = [np.empty(0, dtype=np.uint64) for _ in range(self._BUCKETS)]
        self._pending: list[list[np.ndarray]] = [[] for _ in range(self._BUCKETS)]
        self._waiting = [0] * self._BUCKETS

    def add(self, fingerprints: np.ndarray) -> None:
        values = np.unique(fingerprints.astype(np.uint64, copy=False))  # sorted, so grouped by bucket
        edges = np.searchsorted(values >> self._SHIFT, np.arange(self._BUCKETS + 1, dtype=np.uint64))
        for bucket in range(self._BUCKETS):
            low, high = int(edges[bucket]), int(edges[bucket + 1])
            if high > low:
                self._pending[bucket].append(values[low:high].copy())
                self._waiting[bucket] += high - low
                if self._waiting[bucket] > len(self._sorted[bucket]) // 4 + 4096:
                    self._merge(bucket)

    def _merge(self, bucket: int) -> None:
        if self._pending[bucket]:
            self._sorted[bucket] = np.union1d(self._sorted[bucket], np.concatenate(self._pending[bucket]))
            self._pending[bucket], self._waiting[bucket] = [], 0

    def count(self) -> int:
        for bucket in range(self._BUCKETS):
            self._merge(bucket)
        return int(sum(len(values) for values in self._sorted))


class PlanStream:
    """Applies a ``PseudonymisationPlan`` to a table given as batches of rows.

    Use: ``stream = PlanStream(plan, key)``; for each column of ``stream.columns_to_fit()``
    call ``stream.fit(name, batches_of_that_column)``; then ``stream.apply(batch)`` for each
    batch in order, and ``stream.report()`` at the end.

    Args:
        plan: The plan; see ``streaming_obstacle`` for what it may not hold.
        key: The pseudonym key, when a column uses a keyed action.
        cache_entries: Bound of the pseudonym cache (it saves time, never changes a value).

    Raises:
        ValueError: The plan cannot be applied in batches (``streaming_obstacle``).
        KeyRequiredError: A keyed action without a key.
    """

    def __init__(self, plan: PseudonymisationPlan, key: PseudonymKey | None, *, cache_entries: int = 200_000) -> None:
        obstacle = streaming_obstacle(plan)
        if obstacle:
            raise ValueError(f"this plan cannot be applied in batches: {obstacle}")
        keyed = tuple(c.name for c in plan.columns if c.action in _KEYED)
        if keyed and key is None:
            raise KeyRequiredError(keyed)
        self.plan, self.key, self._keyed = plan, key, bool(keyed)
        self.cache = PseudonymCache(cache_entries)
        self._context = _Context(key=key, reversible=False, cache=self.cache)
        if plan.by_action(Action.REDACT_TEXT):
            from synthgate.privacy.redact import TextRedactor

            self._context.redactor = TextRedactor(language=plan.text_language,
                                                  medical_record_patterns=plan.medical_record_patterns)
        self._columns = {c.name: c for c in plan.columns}
        self._fitted: dict[str, Any] = {}
        self._rows = 0
        self._sums: dict[str, dict[str, Any]] = {c.name: {} for c in plan.columns}
        self._distinct: dict[str, _Distinct] = {}

    def columns_to_fit(self) -> list[str]:
        """Columns whose rule reads the whole column first: fit each before the first ``apply``."""
        return [c.name for c in self.plan.columns if _needs_fit(c) and c.name not in self._fitted]

    def fit(self, name: str, batches: Iterable[pd.Series]) -> None:
        """Reads one column's batches to fix what its rule learns from the whole column.

        A quantile bound keeps the column's numbers (8 bytes a row, one column); ``merge_rare``
        its category counts; ``age_band`` the bands present.
        """
        column = self._columns[name]
        rule = column.rule
        assert rule is not None
        if rule.rule == "top_bottom_code":
            parts = [pd.Series(b, copy=False).reset_index(drop=True) for b in batches]
            values = pd.concat(parts, ignore_index=True) if parts else pd.Series([], dtype="float64")
            numbers = _guarded(name, "generalise", lambda: rule._as_numbers(values))
            integral = pd.api.types.is_integer_dtype(numbers)
            fixed = {"lower": rule._bound(numbers, rule.lower, rule.lower_quantile, integral),
                     "upper": rule._bound(numbers, rule.upper, rule.upper_quantile, integral),
                     "lower_quantile": None, "upper_quantile": None}
            self._fitted[name] = column.__class__(name=column.name, kind=column.kind, action=column.action,
                                                  rule=rule.model_copy(update=fixed))
        elif rule.rule == "merge_rare":
            counts: pd.Series | None = None
            for batch in batches:
                found = pd.Series(batch, copy=False).value_counts(dropna=True)
                counts = found if counts is None else counts.add(found, fill_value=0)
            rare = set() if counts is None else set(counts.index[counts < rule.min_count])
            self._fitted[name] = rare
        else:  # age_band: the bands present in the whole column, in band order
            present: set[str] = set()
            for batch in batches:
                banded, _ = _guarded(name, "generalise", lambda b=batch: rule.apply(pd.Series(b, copy=False)))
                present.update(banded.cat.categories.tolist())  # only the bands present
            self._fitted[name] = pd.CategoricalDtype(sorted(present, key=_band_order), ordered=True)

    def apply(self, batch: pd.DataFrame) -> pd.DataFrame:
        """The batch with the plan applied (plan order, dropped columns removed, a fresh RangeIndex)."""
        unfitted = self.columns_to_fit()
        if unfitted:
            raise ValueError(f"fit column(s) {', '.join(unfitted)} before applying batches")
        batch = batch.reset_index(drop=True)
        context = self._context
        shift = self.plan.date_shift
        if shift is not None and self.plan.by_action(Action.DATE_SHIFT):
            assert self.key is not None
            context.offsets = _guarded(shift.subject, "date_shift",
                                       lambda: subject_offsets(batch[shift.subject], self.key, shift.max_days))
        out: dict[str, Any] = {}
        for column in self.plan.columns:
            plan_column = self._fitted.get(column.name) if isinstance(self._fitted.get(column.name), ColumnPlan) \
                else column
            series = batch[column.name]
            if column.action is Action.GENERALISE and column.rule is not None and column.rule.rule == "merge_rare":
                new, outcome = _guarded(column.name, "generalise", lambda: self._merge_rare(series, column))
            else:
                new, outcome = _guarded(column.name, column.action.value,
                                        lambda: _apply_column(series, plan_column, context))
            if column.action is Action.GENERALISE and isinstance(self._fitted.get(column.name), pd.CategoricalDtype):
                new = new.astype(self._fitted[column.name])
            self._count(column, outcome, new, batch)
            if new is not None:
                out[column.name] = new.array
        self._rows += len(batch)
        return pd.DataFrame(out, index=pd.RangeIndex(len(batch)),
                            columns=[c.name for c in self.plan.columns if c.name in out])

    def _merge_rare(self, series: pd.Series, column: ColumnPlan) -> tuple[pd.Series, ColumnOutcome]:
        rule = column.rule
        rare = series.isin(self._fitted[column.name])
        merged = series.mask(rare, rule.other_label)
        changed = int((rare & (series.astype(object) != rule.other_label)).sum())
        return merged, ColumnOutcome(column=column.name, action=column.action.value, rule=rule.rule,
                                     output_kind=column.output_kind, non_null_cells=int(series.notna().sum()),
                                     changed_cells=changed)

    def _count(self, column: ColumnPlan, outcome: ColumnOutcome, new: pd.Series | None, batch: pd.DataFrame) -> None:
        sums = self._sums[column.name]
        for name in ("non_null_cells", "changed_cells", "malformed_cells", "nulled_cells"):
            value = getattr(outcome, name)
            if value is not None:
                sums[name] = sums.get(name, 0) + value
        if outcome.entities_redacted or column.action is Action.REDACT_TEXT:
            entities = sums.setdefault("entities_redacted", {})
            for entity, n in outcome.entities_redacted.items():
                entities[entity] = entities.get(entity, 0) + n
        if column.action is Action.PSEUDONYMISE and new is not None:
            distinct = pd.unique(new.dropna().to_numpy(dtype=object))
            # The pseudonym is itself a 128-bit digest: its first 64 bits fingerprint it.
            prints = np.fromiter((int(p[3:19], 16) for p in distinct), dtype=np.uint64, count=len(distinct))
            self._distinct.setdefault(column.name, _Distinct()).add(prints)
        if column.action is Action.DATE_SHIFT and new is not None:
            subject = self.plan.date_shift.subject
            shifted = (batch[column.name].notna() & new.notna()).to_numpy()
            codes, _, normalised = distinct_identifiers(batch[subject])
            used = np.unique(codes[shifted & (codes >= 0)])
            texts = {normalised[i] for i in used.tolist()}
            self._distinct.setdefault(column.name, _Distinct()).add(_fingerprints(texts))

    # --- partitions: several PlanStreams (one per partition, e.g. on other processes) as one -------

    def fitted_state(self) -> dict[str, Any]:
        """What ``fit`` learned, for ``use_fitted`` of a stream applying another partition.

        It holds what the rules learned from whole columns (a quantile bound, the set of rare
        categories, the bands present), so it stays where the data is (the run's workspace).
        """
        unfitted = self.columns_to_fit()
        if unfitted:
            raise ValueError(f"fit column(s) {', '.join(unfitted)} first")
        return dict(self._fitted)

    def use_fitted(self, state: dict[str, Any]) -> None:
        """Take what another stream's ``fit`` learned (``fitted_state``) instead of fitting again."""
        unknown = set(state) - set(self._columns)
        if unknown:
            raise ValueError(f"fitted state names column(s) not in this plan: {', '.join(sorted(unknown))}")
        self._fitted.update(state)

    def partial(self) -> dict[str, Any]:
        """This stream's counts so far, for ``absorb`` by the stream that reports the whole table.

        Distinct counts travel as 64-bit fingerprints (8 bytes per distinct value), never values.
        """
        distinct = {}
        for name, seen in self._distinct.items():
            seen.count()  # merges what waits
            distinct[name] = np.concatenate(seen._sorted)
        return {"rows": self._rows, "sums": {name: dict(sums) for name, sums in self._sums.items()},
                "distinct": distinct}

    def absorb(self, partial: dict[str, Any]) -> None:
        """Add another stream's counts (``partial``): after absorbing every partition in any order,
        ``report`` is the report of the whole table."""
        self._rows += int(partial["rows"])
        for name, sums in partial["sums"].items():
            mine = self._sums[name]
            for key, value in sums.items():
                if key == "entities_redacted":
                    entities = mine.setdefault("entities_redacted", {})
                    for entity, n in value.items():
                        entities[entity] = entities.get(entity, 0) + n
                else:
                    mine[key] = mine.get(key, 0) + value
        for name, prints in partial["distinct"].items():
            self._distinct.setdefault(name, _Distinct()).add(np.asarray(prints, dtype=np.uint64))

    def report(self) -> PseudonymisationReport:
        """The counts of every batch so far, as ``apply_plan`` would report them for the whole table."""
        outcomes = []
        for column in self.plan.columns:
            sums = self._sums[column.name]
            facts: dict[str, Any] = {}
            if column.action is Action.PSEUDONYMISE:
                facts["distinct_pseudonyms"] = self._distinct[column.name].count() if column.name in self._distinct \
                    else 0
            if column.action is Action.DATE_SHIFT:
                facts.update(subjects_shifted=self._distinct[column.name].count() if column.name in self._distinct
                             else 0, nulled_cells=sums.get("nulled_cells", 0))
            if column.action is Action.REDACT_TEXT:
                facts["entities_redacted"] = dict(sums.get("entities_redacted", {}))
            if column.action is Action.GENERALISE and column.rule is not None and column.rule.rule == "address_level":
                facts["malformed_cells"] = sums.get("malformed_cells", 0)
            outcomes.append(ColumnOutcome(
                column=column.name, action=column.action.value,
                rule=column.rule.rule if column.rule is not None else None, output_kind=column.output_kind,
                non_null_cells=sums.get("non_null_cells", 0), changed_cells=sums.get("changed_cells", 0), **facts))
        shifting = self.plan.date_shift is not None and bool(self.plan.by_action(Action.DATE_SHIFT))
        return PseudonymisationReport(
            key_id=self.key.key_id if self.key is not None and self._keyed else None,
            columns=tuple(outcomes), rows=self._rows,
            date_shift_subject=self.plan.date_shift.subject if shifting else None,
            date_shift_max_days=self.plan.date_shift.max_days if shifting else None,
            reidentification_table=False,
        )

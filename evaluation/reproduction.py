"""Real people's values in the synthetic table: rare real values carried over, and reproduced records."""
from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from itertools import combinations
from typing import Any

import numpy as np
import pandas as pd

from synthgate.evaluation._matching import combine, counts, newcombe, value_codes
from synthgate.evaluation.errors import EmptyTableError, NotApplicable, TableMismatchError

__all__ = [
    "RareValues", "ReproducedRecords", "ReproducedSet", "identifying_column_sets", "rare_value_share",
    "rare_value_shares", "rare_values_line", "reproduced_records",
]

#: Kinds whose values are words a reader can recognise (a name, a town), as the spec and evaluation call them.
STRING_KINDS = ("categorical", "text")


@dataclass(frozen=True)
class RareValues:
    """How many synthetic cells of one column hold a value that fewer than k training rows hold.

    Attributes:
        column: The column.
        k: Values held by at least 1 and fewer than k training rows are rare.
        rare_in_training: Distinct training values that are rare (a count, never the values).
        synthetic_cells: Synthetic rows (the share's denominator; nulls are cells that never count).
        synthetic_rare: Synthetic cells holding a rare training value; the gate wants 0.
        synthetic_share: synthetic_rare / synthetic_cells.
        distinct_carried: Distinct rare training values found in the synthetic table.
        holdout_cells, holdout_rare, holdout_share: The same for unseen real rows, for context only
            (how often a real person's value is rare in training by chance); None without a holdout.
    """

    column: str
    k: int
    rare_in_training: int
    synthetic_cells: int
    synthetic_rare: int
    synthetic_share: float
    distinct_carried: int
    holdout_cells: int | None = None
    holdout_rare: int | None = None
    holdout_share: float | None = None

    @property
    def passed(self) -> bool:
        """Whether no synthetic cell carries a rare real value."""
        return self.synthetic_rare == 0

    def to_dict(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self.__dataclass_fields__} | {"passed": self.passed}

    def line(self) -> str:
        """One value-free line naming the column, counts and shares."""
        context = "" if self.holdout_share is None else f" (unseen real people: {_percent(self.holdout_share)})"
        return (f"rare real values: {self.synthetic_rare} synthetic cells ({_percent(self.synthetic_share)}) of "
                f"column {self.column!r} hold {self.distinct_carried} distinct values that fewer than {self.k} "
                f"training rows hold{context}; protect this column (pseudonymise, generalise or drop it)")


@dataclass(frozen=True)
class ReproducedSet:
    """Synthetic and holdout rows that repeat a combination held by exactly one training row, on one column set.

    Only rows of common values are compared: each text value on the set is null or held by at
    least k training rows. A row with a rarer value is the rare-value check's; and an unseen
    real person with a rare name seldom matches any training row, so counting those rows would
    lower the chance rate below what a generator that never emits rare values reaches honestly
    (measured: 10.3% for all holdout rows, 14.7% for those of common values, 15.6% for such a
    generator, on (first, last) of 4,000 Faker people).

    Attributes:
        columns: The column set (names only).
        k: Values held by fewer training rows are rare.
        unique_in_training: Combinations held by exactly one training row.
        synthetic_rows, synthetic_reproduced, synthetic_share: Synthetic rows of common values,
            those that repeat such a combination, and their share.
        holdout_rows, holdout_reproduced, holdout_share: The same for unseen real rows: the chance rate.
        excess: synthetic_share - holdout_share.
        excess_ci: Its 95% interval (Newcombe's hybrid score interval for two independent proportions).
    """

    columns: tuple[str, ...]
    k: int
    unique_in_training: int
    synthetic_rows: int
    synthetic_reproduced: int
    synthetic_share: float
    holdout_rows: int
    holdout_reproduced: int
    holdout_share: float
    excess: float
    excess_ci: tuple[float, float]

    def to_dict(self) -> dict[str, Any]:
        out = {name: getattr(self, name) for name in self.__dataclass_fields__}
        return out | {"columns": list(self.columns), "excess_ci": list(self.excess_ci)}

    def line(self) -> str:
        """One value-free line, e.g. for a failure: shares, the chance rate and the columns to protect."""
        return (f"reproduced records: {_percent(self.synthetic_share)} of synthetic rows repeat a combination held "
                f"by one real person on ({', '.join(self.columns)}), vs {_percent(self.holdout_share)} for unseen "
                f"real people (rows whose values {self.k} or more real people hold); protect these columns "
                f"(pseudonymise or drop them)")


@dataclass(frozen=True)
class ReproducedRecords:
    """Reproduced records on every column set; the headline is the worst set's excess.

    Attributes:
        sets: One result per column set, in the order given.
        training_rows: Training rows the combinations were counted in (never sampled).
    """

    sets: tuple[ReproducedSet, ...]
    training_rows: int

    @property
    def worst(self) -> ReproducedSet:
        """The set whose excess has the highest lower end (then the highest excess)."""
        return max(self.sets, key=lambda s: (s.excess_ci[0], s.excess))

    @property
    def excess(self) -> float:
        return self.worst.excess

    @property
    def excess_ci(self) -> tuple[float, float]:
        return self.worst.excess_ci

    def line(self) -> str:
        """The worst set's value-free line."""
        return self.worst.line()

    def to_dict(self) -> dict[str, Any]:
        return {"excess": self.excess, "excess_ci": list(self.excess_ci), "worst_columns": list(self.worst.columns),
                "training_rows": self.training_rows, "sets": [s.to_dict() for s in self.sets]}


#: Most synthetic and holdout rows the reproduced-record figure compares (a seeded sample beyond).
DEFAULT_REPRODUCED_ROWS = 200_000

def rare_value_shares(
    train: pd.DataFrame, synthetic: pd.DataFrame, columns: Sequence[str], *, k: int = 5,
    holdout: pd.DataFrame | None = None,
) -> dict[str, RareValues]:
    """Count synthetic cells that hold a value held by at least 1 and fewer than ``k`` training rows.

    Strings compare after Unicode NFKC normalisation, trimming and case folding ("Anna", " anna"
    and "ANNA" are one value: a reader recognises the same name in each, and the generator's own
    categories are exact, so folding can only add catches); 3, 3.0 and "3" are one value; columns
    numeric in every table compare as numbers (``_matching.value_codes``). Nulls and empty
    strings never count, in either table.

    Args:
        train: The training rows.
        synthetic: The synthetic rows.
        columns: The columns to check (every learned categorical or text column).
        k: The generator's value protection: values held by fewer training rows are never learned.
        holdout: Unseen real rows, for the context share; None leaves it out.

    Returns:
        Column -> its result, in the order given.

    Raises:
        EmptyTableError: The synthetic table has no rows.
        TableMismatchError: A column is missing from a table.
    """
    tables = _check(train, synthetic, holdout, [columns])
    out = {}
    for column in columns:
        codes, _ = value_codes([frame[column] for frame in tables])
        held = counts(codes)
        rare = (held >= 1) & (held < k)
        carried = [(c >= 0) & rare[np.maximum(c, 0)] for c in codes[1:]]
        share = [float(m.mean()) if len(m) else 0.0 for m in carried]
        context = {} if holdout is None else {"holdout_cells": len(carried[1]), "holdout_rare": int(carried[1].sum()),
                                              "holdout_share": share[1]}
        out[column] = RareValues(
            column=column, k=k, rare_in_training=int(rare.sum()), synthetic_cells=len(carried[0]),
            synthetic_rare=int(carried[0].sum()), synthetic_share=share[0],
            distinct_carried=int(np.unique(codes[1][carried[0]]).size), **context,
        )
    return out


def rare_value_share(results: Mapping[str, RareValues]) -> float:
    """The headline figure: the highest column share (0 when no column was checked)."""
    return max((r.synthetic_share for r in results.values()), default=0.0)


def rare_values_line(results: Mapping[str, RareValues]) -> str | None:
    """The value-free line of the worst column that carries rare values; None when none does."""
    failed = [r for r in results.values() if not r.passed]
    return max(failed, key=lambda r: r.synthetic_share).line() if failed else None


def reproduced_records(
    train: pd.DataFrame, synthetic: pd.DataFrame, holdout: pd.DataFrame, column_sets: Sequence[Sequence[str]],
    *, k: int = 5, categorical: Collection[str] = (), seed: int = 0, max_rows: int = DEFAULT_REPRODUCED_ROWS,
) -> ReproducedRecords:
    """Share of synthetic rows repeating a combination held by exactly one training row, against the holdout's.

    Values compare as in ``rare_value_shares``; nulls equal nulls, but a combination that is null
    on every column of the set reproduces nobody and never counts. Only rows whose text values on
    the set are each held by at least ``k`` training rows are compared (``ReproducedSet`` says why).

    Args:
        train: The training rows (all of them: uniqueness is counted over the whole table).
        synthetic: The synthetic rows.
        holdout: Unseen real rows: how often a real person repeats such a combination by chance.
        column_sets: The column sets (``identifying_column_sets``).
        k: The generator's value protection, as in ``rare_value_shares``.
        categorical: Columns that are categories whatever their dtype (a ZIP code stored as an
            integer): restricted to common values like text. Other numbers and dates never are:
            a generator's bins make values no training row holds.
        seed: Seeds the samples when a table has more than ``max_rows`` rows.
        max_rows: Most synthetic and holdout rows compared.

    Returns:
        One result per set and the worst set's excess.

    Raises:
        NotApplicable: No column set was given.
        EmptyTableError: The synthetic or holdout table has no rows.
        TableMismatchError: A column is missing from a table.
    """
    if not column_sets:
        raise NotApplicable("no identifying column set: no quasi-identifier and no high-cardinality string column")
    rng = np.random.default_rng(seed)
    train, synthetic, holdout = _check(train, synthetic, holdout, column_sets)
    synthetic, holdout = _sample(synthetic, max_rows, rng), _sample(holdout, max_rows, rng)
    tables = (train, synthetic, holdout)
    codes, common = {}, {}
    for column in dict.fromkeys(c for s in column_sets for c in s):
        codes[column], is_text = value_codes([t[column] for t in tables])
        if is_text or column in categorical:
            held = counts(codes[column])
            common[column] = [(c < 0) | (held[np.maximum(c, 0)] >= k) for c in codes[column]]
    sets = []
    for columns in column_sets:
        keys, present = combine([codes[c] for c in columns])
        once = np.bincount(keys[0], minlength=max(int(key.max(initial=0)) for key in keys) + 1) == 1
        eligible = [np.logical_and.reduce([np.ones(len(key), bool)] + [common[c][i] for c in columns if c in common])
                    for i, key in enumerate(keys)]
        hits = [once[keys[i]] & present[i] & eligible[i] for i in (1, 2)]
        (n1, n2), (r1, r2) = (int(eligible[1].sum()), int(eligible[2].sum())), (int(hits[0].sum()), int(hits[1].sum()))
        p1, p2 = r1 / n1 if n1 else 0.0, r2 / n2 if n2 else 0.0
        sets.append(ReproducedSet(
            columns=tuple(columns), k=k, unique_in_training=int(once[keys[0][present[0]]].sum()),
            synthetic_rows=n1, synthetic_reproduced=r1, synthetic_share=p1,
            holdout_rows=n2, holdout_reproduced=r2, holdout_share=p2,
            excess=p1 - p2, excess_ci=newcombe(p1, n1, p2, n2),
        ))
    return ReproducedRecords(sets=tuple(sets), training_rows=len(train))


def identifying_column_sets(
    kinds: Mapping[str, str], train: pd.DataFrame, quasi_identifiers: Sequence[str] = (), *,
    min_distinct_share: float = 0.01, min_distinct: int = 20,
) -> list[tuple[str, ...]]:
    """The column sets on which a synthetic row could repeat one real person.

    A string column (kind categorical or text) is high-cardinality when its distinct non-null
    values number at least ``min_distinct`` and at least ``min_distinct_share`` of its non-null
    rows. Measured on real tables: names sit far above 1% (Faker en_US first names at 4,000 rows
    about 9%, the 831 first names of medicaldata/covid_testing 5.4%, Faker ko_KR surnames at
    4,000 rows 1.1%), ordinary categories far below (88 clinics in 15,524 rows 0.57%, 50 states
    in 10,000 loans 0.5%, 87 neighbourhoods in 51,920 stops 0.17%); the floor of 20 keeps sex
    or race out of small tables.

    Returns the quasi-identifiers (those among ``kinds``: a column the generator did not learn
    cannot carry a value) plus every high-cardinality column; the high-cardinality columns on
    their own, so a copied first+last is not hidden behind an independent age; and with three or
    more of them, every pair, so a third one (a ZIP code) does not hide it either. Sets are
    deduplicated; empty ones are skipped. (A lone text column is a set too, but its rows of common
    values can repeat no single person unless k is 1: there the rare-value check does the work.)

    Args:
        kinds: Learned column -> kind.
        train: The training rows.
        quasi_identifiers: The spec's quasi-identifiers.
        min_distinct_share: Distinct values over non-null rows from which a string column counts.
        min_distinct: Fewest distinct values for a string column to count.

    Raises:
        TableMismatchError: A learned string column is missing from the training table.
    """
    strings = [c for c, kind in kinds.items() if kind in STRING_KINDS]
    missing = [c for c in strings if c not in train.columns]
    if missing:
        raise TableMismatchError("real", "lacks learned columns", missing)
    high = [c for c in strings if _high_cardinality(train[c], min_distinct_share, min_distinct)]
    qis = [c for c in quasi_identifiers if c in kinds]
    candidates = [tuple(dict.fromkeys([*qis, *high])), tuple(high)]
    if len(high) >= 3:
        candidates += list(combinations(high, 2))
    return [s for s in dict.fromkeys(candidates) if s]


def _high_cardinality(series: pd.Series, share: float, floor: int) -> bool:
    values = series.dropna()
    distinct = values.nunique()
    return len(values) > 0 and distinct >= floor and distinct >= share * len(values)


def _check(train, synthetic, holdout, column_sets) -> tuple[pd.DataFrame, ...]:
    tables = {"real": train, "synthetic": synthetic}
    if holdout is not None:
        tables["holdout"] = holdout
    for name in ("synthetic", "holdout"):
        if name in tables and len(tables[name]) == 0:
            raise EmptyTableError(name)
    wanted = list(dict.fromkeys(c for s in column_sets for c in s))
    for name, frame in tables.items():
        missing = [c for c in wanted if c not in frame.columns]
        if missing:
            raise TableMismatchError(name, "lacks columns to compare", missing)
    return tuple(frame.reset_index(drop=True) for frame in tables.values())


def _sample(frame: pd.DataFrame, n: int, rng: np.random.Generator) -> pd.DataFrame:
    if len(frame) <= n:
        return frame
    return frame.iloc[np.sort(rng.choice(len(frame), size=n, replace=False))].reset_index(drop=True)


def _percent(share: float) -> str:
    return f"{100 * share:.1f}%" if share >= 0.001 or share == 0 else f"{100 * share:.2f}%"

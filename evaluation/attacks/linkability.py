"""Linkability risk (anonymeter's LinkabilityEvaluator): re-join two halves of real rows through synthetic ones."""
from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from synthgate.evaluation._neighbours import MixedSpace
from synthgate.evaluation.attacks._common import capped, check_tables, column_list, nearest_random_ties, sample_rows
from synthgate.evaluation.attacks._rates import AttackResult, rates_and_risk
from synthgate.evaluation.errors import NotApplicable

N_ATTACKS = 1_000


def default_split(columns: Sequence[str]) -> tuple[list[str], list[str]]:
    """The default auxiliary halves: alternate columns (1st, 3rd, ... and 2nd, 4th, ...).

    Alternating, rather than cutting the list in the middle, mixes early and late columns in each
    half, so a table that lists its numbers first does not give one half all the numbers.
    """
    return list(columns[0::2]), list(columns[1::2])


def linkability(
    train: pd.DataFrame, synthetic: pd.DataFrame, holdout: pd.DataFrame, kinds: Mapping[str, str], *,
    aux_columns: tuple[Sequence[str], Sequence[str]] | None = None, n_attacks: int = N_ATTACKS,
    n_neighbors: int = 1, seed: int = 0,
) -> AttackResult:
    """Measure how often two column halves of a real row lead to the same nearest synthetic rows.

    As anonymeter 1.1.0: ``n_attacks`` training rows (and as many holdout rows, the control) are cut
    into the two halves of ``aux_columns``; each half looks up its ``n_neighbors`` nearest synthetic
    rows under the Gower-style distance; the row is linked when the two sets share a row. The
    baseline links at random. Ranges and categories are fitted on all three tables (anonymeter fits
    them per search on the synthetic rows and the targets); ties are broken at random.

    Args:
        train: Real rows the generator learned from.
        synthetic: Generated rows.
        holdout: Real rows the generator never saw (the control).
        kinds: Column -> kind.
        aux_columns: The two disjoint column sets the attacker holds (default: ``default_split``).
        n_attacks: Rows attacked in each real table; capped at the smaller real table.
        n_neighbors: Nearest synthetic rows per half; capped at the synthetic rows.
        seed: Seed of the sampling and the tie-breaks.

    Returns:
        The result; ``details`` names the two column sets and n_neighbors.

    Raises:
        NotApplicable: Fewer than two columns, an empty table, or an empty or unknown column set.
    """
    columns = check_tables(train, synthetic, holdout, kinds, "linkability")
    if len(columns) < 2:
        raise NotApplicable("linkability needs at least two columns")
    left, right = default_split(columns) if aux_columns is None else (list(aux_columns[0]), list(aux_columns[1]))
    unknown = sorted(set(left + right) - set(columns))
    if not left or not right or unknown or set(left) & set(right):
        problem = f"unknown columns: {', '.join(map(str, unknown))}" if unknown else "two non-empty, disjoint sets"
        raise NotApplicable(f"linkability needs {problem}")
    if n_neighbors < 1:
        raise ValueError("n_neighbors must be at least 1")
    details: dict = {"aux_columns": [column_list(left), column_list(right)],
                     "default_split": aux_columns is None}
    n_attacks = capped(n_attacks, min(len(train), len(holdout)), details)
    n_neighbors = capped(n_neighbors, len(synthetic), details, key="n_neighbors")
    rng = np.random.default_rng(seed)
    used = left + right
    space = MixedSpace.fit([train[used], synthetic[used], holdout[used]], {c: kinds[c] for c in used})
    syn = space.transform(synthetic)
    # Training targets first, then as many holdout targets (the control): one search per half.
    targets = pd.concat([train.iloc[sample_rows(len(train), n_attacks, rng)][used],
                         holdout.iloc[sample_rows(len(holdout), n_attacks, rng)][used]], ignore_index=True)
    encoded = space.transform(targets)
    near = [nearest_random_ties(encoded.select(cols), syn.select(cols), n_neighbors, rng) for cols in (left, right)]
    linked = _linked(near[0], near[1])
    n_success, n_control = int(linked[:n_attacks].sum()), int(linked[n_attacks:].sum())
    n_baseline = int(_linked(*(_random_picks(len(synthetic), n_attacks, n_neighbors, rng) for _ in range(2))).sum())
    figures = rates_and_risk(n_attacks, n_success, n_control, n_baseline=n_baseline)
    details.update({"n_neighbors": n_neighbors, "n_success": n_success, "n_control_success": n_control,
                    "n_baseline_success": n_baseline})
    return AttackResult(attack="linkability", n_attacks=n_attacks, details=details, **figures)


def _random_picks(n_synthetic: int, n_attacks: int, k: int, rng: np.random.Generator) -> np.ndarray:
    """The baseline's guesses: ``k`` distinct random synthetic rows per attack (n x k)."""
    if k == 1:
        return rng.integers(0, n_synthetic, size=(n_attacks, 1))
    return np.stack([rng.choice(n_synthetic, k, replace=False) for _ in range(n_attacks)])


def _linked(first: np.ndarray, second: np.ndarray) -> np.ndarray:
    """Whether each row's two neighbour sets (n x k each) share at least one synthetic row."""
    return (first[:, :, None] == second[:, None, :]).any(axis=(1, 2))

"""Inference risk (anonymeter's InferenceEvaluator): guess a secret column from the nearest synthetic row."""
from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from synthgate.evaluation._neighbours import MixedSpace, nearest_without
from synthgate.evaluation.attacks._common import capped, check_tables, sample_rows
from synthgate.evaluation.attacks._rates import CONFIDENCE, AttackResult, rates_and_risk
from synthgate.evaluation.errors import NotApplicable

N_ATTACKS = 1_000
TOLERANCE = 0.05  # a numerical guess within 5% is right, as anonymeter's regression mode (5% of what: ``scale``)
SCALES = ("spread", "value")


def inference(
    train: pd.DataFrame, synthetic: pd.DataFrame, holdout: pd.DataFrame, kinds: Mapping[str, str], *,
    secrets: Sequence[str] | None = None, n_attacks: int = N_ATTACKS, tolerance: float = TOLERANCE, seed: int = 0,
    scale: str = "spread",
) -> AttackResult:
    """Measure how well the nearest synthetic row reveals each secret column of real rows.

    As anonymeter 1.1.0, for each secret column in turn: the attacker knows every other column of
    ``n_attacks`` training rows (and of as many holdout rows, the control; both capped at the smaller table), finds each row's nearest
    synthetic row over those columns and guesses its secret. A guess is right when it equals the
    secret (categorical, boolean and datetime columns; both null counts as right) or, for numerical
    columns, when ``|guess - secret| <= tolerance * min(|guess|, spread)`` with ``spread`` the column's
    interquartile range over the real rows (``scale="spread"``, the default). anonymeter's regression
    mode (``scale="value"``) allows ``tolerance * |guess|``, which far from 0 allows anything: 5% of a
    year such as 2020 is 101 years, so every guess is right for training and holdout rows alike and a
    copied column goes unseen. ``"value"`` stays for the agreement check with anonymeter (anonymeter
    divides by the signed guess, so any negative guess would count as right; we do not). The baseline
    guesses a random synthetic row's secret. The reported risk is the highest per-column risk.
    Each column also carries ``ci_family``, its interval at ``1 - 5%/m`` for ``m`` secret columns:
    the interval a gate on the worst column must read (Bonferroni), as ``evaluate`` does.

    Args:
        train: Real rows the generator learned from.
        synthetic: Generated rows.
        holdout: Real rows the generator never saw (the control).
        kinds: Column -> kind.
        secrets: Columns to attack (default: every column).
        n_attacks: Rows attacked in each real table; capped at the smaller real table (as many training as
            holdout rows, so that the two rates are comparable).
        tolerance: Relative tolerance of numerical guesses.
        scale: What the tolerance is relative to: "spread" (the smaller of the guess and the column's
            interquartile range) or "value" (the guess, as anonymeter).
        seed: Seed of the sampling and the tie-breaks.

    Returns:
        The result of the riskiest column; ``details["per_column"]`` holds each column's figures.

    Raises:
        NotApplicable: Fewer than two columns, an empty table, or an unknown or empty secret list.
    """
    columns = check_tables(train, synthetic, holdout, kinds, "inference")
    if scale not in SCALES:
        raise ValueError(f"scale must be one of {', '.join(SCALES)}")
    if len(columns) < 2:
        raise NotApplicable("inference needs at least two columns: a secret and one the attacker knows")
    secrets = list(columns if secrets is None else secrets)
    unknown = sorted(set(secrets) - set(columns))
    if not secrets or unknown:
        raise NotApplicable(f"inference needs known secret columns; unknown: {', '.join(map(str, unknown))}"
                            if unknown else "inference needs at least one secret column")
    details: dict = {}
    # As many training as holdout rows: Wilson's estimate pulls a small sample's rate further towards 0.5,
    # so a secret both sides guess every time would show a risk from the sizes alone (120 training and 30
    # holdout rows all guessed right read 0.73). anonymeter samples n_attacks from both and so needs them equal.
    n_train = n_holdout = capped(n_attacks, min(len(train), len(holdout)), details)
    n_baseline = min(len(synthetic), n_train)
    rng = np.random.default_rng(seed)
    space = MixedSpace.fit([train, synthetic, holdout], {c: kinds[c] for c in columns})
    syn = space.transform(synthetic)
    train_rows, holdout_rows = sample_rows(len(train), n_train, rng), sample_rows(len(holdout), n_holdout, rng)
    targets = pd.concat([train.iloc[train_rows], holdout.iloc[holdout_rows]], ignore_index=True)
    # Searching a shuffled copy breaks ties at random, as anonymeter's unstable argsort does.
    order = rng.permutation(len(synthetic))
    nearest = nearest_without(space.transform(targets), syn.take(order), secrets)
    per_column: dict[str, dict] = {}
    # The gate reads the worst of len(secrets) columns: each column's interval at 1 - 5%/m (Bonferroni), so
    # that honest tables fail it at most 5% of the time in all, not 5% per column. Measured on independent
    # fake defense tables (150 subjects, 21 columns), the worst column's 95% interval cleared 0.1 in 2 of 12.
    family_confidence = 1.0 - (1.0 - CONFIDENCE) / len(secrets)
    for secret in secrets:
        guess_rows = order[nearest[secret][1]]
        spread = _spread(train[secret], holdout[secret]) if scale == "spread" and kinds[secret] == "numerical" else None
        right = _right_guesses(synthetic[secret].to_numpy()[guess_rows], targets[secret].to_numpy(),
                               kinds[secret], tolerance, spread)
        random_rows = sample_rows(len(synthetic), n_baseline, rng)
        lucky = _right_guesses(synthetic[secret].to_numpy()[random_rows],
                               targets[secret].to_numpy()[:n_baseline], kinds[secret], tolerance, spread)
        counts = (n_train, int(right[:n_train].sum()), int(right[n_train:].sum()))
        figures = rates_and_risk(*counts, n_control_attacks=n_holdout, n_baseline=int(lucky.sum()),
                                 n_baseline_attacks=n_baseline)
        family = rates_and_risk(*counts, n_control_attacks=n_holdout, confidence=family_confidence)
        per_column[str(secret)] = {**figures, "ci": list(figures["ci"]), "ci_family": list(family["ci"])}
    worst = max(per_column, key=lambda c: per_column[c]["risk"])
    top = per_column[worst]
    details.update({"per_column": per_column, "riskiest_column": worst, "n_control_attacks": n_holdout,
                    "tolerance": tolerance, "tolerance_scale": scale, "family_confidence": family_confidence})
    return AttackResult(attack="inference", risk=top["risk"], ci=tuple(top["ci"]), attack_rate=top["attack_rate"],
                        control_rate=top["control_rate"], baseline_rate=top["baseline_rate"], n_attacks=n_train,
                        details=details)


def _spread(*columns: pd.Series) -> float:
    """Interquartile range of the real rows' values (0 for a column with fewer than two distinct values)."""
    values = pd.concat([pd.to_numeric(c, errors="coerce") for c in columns]).dropna().to_numpy(dtype=np.float64)
    if len(values) < 2:
        return 0.0
    low, high = np.percentile(values, [25, 75])
    return float(high - low) if high > low else float(np.std(values))


def _right_guesses(guesses: np.ndarray, secrets: np.ndarray, kind: str, tolerance: float,
                   spread: float | None = None) -> np.ndarray:
    """Which guesses are right: equal (both null included) or, for numbers, within the tolerance
    (of the guess, or of the smaller of the guess and ``spread`` when one is given)."""
    both_null = pd.isna(guesses) & pd.isna(secrets)
    if kind == "numerical":
        g, s = guesses.astype(np.float64), secrets.astype(np.float64)
        scale = np.abs(g) if spread is None else np.minimum(np.abs(g), spread)
        with np.errstate(invalid="ignore"):
            close = np.abs(g - s) <= tolerance * (scale + 1e-12)
        return close | both_null
    equal = np.asarray(guesses == secrets, dtype=bool)
    return (equal & ~pd.isna(guesses)) | both_null

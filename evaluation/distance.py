"""Distance-based privacy figures against the holdout: DCR share, NNDR, exact copies, membership inference."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd

from synthgate.evaluation._neighbours import MixedSpace, nearest
from synthgate.evaluation.errors import NotApplicable

__all__ = ["DistanceResult", "count_exact_matches", "measure_distances"]

_PERCENTILE = 10  # NNDR is compared at the 10th percentile: the rows most at risk, not the typical one


@dataclass(frozen=True)
class DistanceResult:
    """What the distances between synthetic, training and holdout rows say about memorisation.

    Attributes:
        dcr_share: Share of synthetic rows closer to a training row than to a holdout row
            (ties count half); training rows are subsampled to the holdout's size, so 0.5 is ideal.
        dcr_share_low: The lower end of its 95% Wilson interval over the synthetic rows compared.
        dcr_ties: Share of synthetic rows exactly as close to both.
        nndr: 10th percentile of the synthetic rows' nearest/second-nearest distance ratio to training rows.
        nndr_holdout: The same for holdout rows: what real, unseen rows look like.
        nndr_ratio: nndr / nndr_holdout (1 when both are 0); below 1, synthetic rows sit unusually
            close to single training rows.
        mia_auc: AUC of the attack that calls a real row a member when a synthetic row lies near it,
            over equal numbers of training (members) and holdout (non-members) rows.
        mia_auc_low: The lower end of its 95% interval (Hanley and McNeil's standard error).
        rows_compared: Rows of each real table used (the smaller table's size, capped).
        synthetic_rows: Synthetic rows used.
    """

    dcr_share: float
    dcr_share_low: float
    dcr_ties: float
    nndr: float
    nndr_holdout: float
    nndr_ratio: float | None
    mia_auc: float
    mia_auc_low: float
    rows_compared: int
    synthetic_rows: int

    def to_dict(self) -> dict:
        return asdict(self)


def measure_distances(
    train: pd.DataFrame, synthetic: pd.DataFrame, holdout: pd.DataFrame, kinds: Mapping[str, str],
    *, max_rows: int = 10_000, seed: int = 0,
) -> DistanceResult:
    """Measure DCR share, NNDR and membership-inference AUC on seeded samples of equal size.

    Args:
        train, synthetic, holdout: Aligned tables (``evaluation.tables.align_tables``).
        kinds: Column -> kind.
        max_rows: Most rows drawn from each table.
        seed: Seeds the samples.

    Returns:
        The figures.

    Raises:
        NotApplicable: The holdout or training table has fewer than 2 rows.
    """
    n = min(len(train), len(holdout), max_rows)
    if n < 2:
        raise NotApplicable("the distance figures need at least 2 training and 2 holdout rows")
    rng = np.random.default_rng(seed)
    train_s, holdout_s = _sample(train, n, rng), _sample(holdout, n, rng)
    synthetic_s = _sample(synthetic, min(len(synthetic), max_rows), rng)
    space = MixedSpace.fit([train_s, holdout_s, synthetic_s], kinds)
    tr, ho, sy = space.transform(train_s), space.transform(holdout_s), space.transform(synthetic_s)

    to_train, _ = nearest(sy, tr, k=2)
    to_holdout, _ = nearest(sy, ho, k=1)
    closer = to_train[:, 0] < to_holdout[:, 0]
    ties = to_train[:, 0] == to_holdout[:, 0]
    holdout_to_train, _ = nearest(ho, tr, k=2)
    nndr, nndr_holdout = _nndr_percentile(to_train), _nndr_percentile(holdout_to_train)

    # Membership inference: a training row with a synthetic row nearby is called a member.
    members, non_members = nearest(tr, sy, k=1)[0][:, 0], nearest(ho, sy, k=1)[0][:, 0]
    share = float(closer.mean() + 0.5 * ties.mean())
    auc = _auc(-members, -non_members)
    return DistanceResult(
        dcr_share=share,
        dcr_share_low=_wilson_low(share, len(synthetic_s)),
        dcr_ties=float(ties.mean()),
        nndr=nndr,
        nndr_holdout=nndr_holdout,
        nndr_ratio=_ratio(nndr, nndr_holdout),
        mia_auc=auc,
        mia_auc_low=_auc_low(auc, len(members), len(non_members)),
        rows_compared=n,
        synthetic_rows=len(synthetic_s),
    )


def count_exact_matches(train: pd.DataFrame, synthetic: pd.DataFrame) -> int:
    """Count synthetic rows equal to some training row over every column (null equals null).

    Both tables must be aligned (same columns, normalised dtypes), so 3 and 3.0 are one value.
    """
    if train.empty or synthetic.empty:
        return 0
    keys = pd.util.hash_pandas_object(train, index=False).to_numpy()
    return int(np.isin(pd.util.hash_pandas_object(synthetic, index=False).to_numpy(), keys).sum())


def _sample(frame: pd.DataFrame, n: int, rng: np.random.Generator) -> pd.DataFrame:
    if n >= len(frame):
        return frame.reset_index(drop=True)
    return frame.iloc[np.sort(rng.choice(len(frame), size=n, replace=False))].reset_index(drop=True)


def _nndr_percentile(distances: np.ndarray) -> float:
    """10th percentile of nearest over second-nearest distance (``distances`` holds k = 2 columns)."""
    first, second = distances[:, 0], distances[:, 1]
    # 0/0: the row equals two or more reference rows, so no single record stands out: ratio 1.
    ratio = np.divide(first, second, out=np.ones_like(first, dtype=float), where=second > 0)
    return float(np.percentile(ratio, _PERCENTILE))


def _ratio(synthetic: float, holdout: float) -> float | None:
    if holdout > 0:
        return synthetic / holdout
    return 1.0 if synthetic == 0 else None


_Z = 1.959963984540054  # two-sided 95%


def _wilson_low(share: float, n: int) -> float:
    """Lower end of the Wilson score interval of a proportion observed over n trials."""
    centre = share + _Z**2 / (2 * n)
    spread = _Z * np.sqrt(share * (1 - share) / n + _Z**2 / (4 * n**2))
    return float(max(0.0, (centre - spread) / (1 + _Z**2 / n)))


def _auc_low(auc: float, n_pos: int, n_neg: int) -> float:
    """Lower end of the AUC's 95% interval, by Hanley and McNeil's (1982) standard error."""
    q1, q2 = auc / (2 - auc), 2 * auc**2 / (1 + auc)
    variance = (auc * (1 - auc) + (n_pos - 1) * (q1 - auc**2) + (n_neg - 1) * (q2 - auc**2)) / (n_pos * n_neg)
    return float(max(0.0, auc - _Z * np.sqrt(max(variance, 0.0))))


def _auc(positive: np.ndarray, negative: np.ndarray) -> float:
    """Area under the ROC curve by ranks (Mann-Whitney), ties counted half."""
    from scipy.stats import rankdata

    ranks = rankdata(np.concatenate([positive, negative]))
    n_pos, n_neg = len(positive), len(negative)
    return float((ranks[:n_pos].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))

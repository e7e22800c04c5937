"""C2ST: how well a gradient-boosted classifier tells real training rows from synthetic ones."""
from __future__ import annotations

import warnings
from collections.abc import Mapping

import numpy as np
import pandas as pd

from synthgate.evaluation.errors import EmptyTableError, NotApplicable, TableMismatchError
from synthgate.evaluation.tables import KINDS, infer_kind

__all__ = ["CLASSIFIER", "DEFAULT_MAX_ROWS", "MAX_LEVELS", "c2st"]

DEFAULT_MAX_ROWS = 20_000
CLASSIFIER = "HistGradientBoostingClassifier"
#: HistGradientBoosting bins a categorical feature into at most 255 bins (one kept for missing).
MAX_LEVELS = 254
#: OpenMP threads per fit. On 2 shared cores, OpenMP's spin-waiting beside busy processes can
#: make a fit ten times slower (see utility.OPENMP_THREADS); one thread degrades gracefully.
OPENMP_THREADS = 1
#: Recorded precision, in decimal places: -6 (a multiple of a million) to 6; finer reads as 7.
_COARSEST, _FINEST = -6, 6
#: Float32 readings stored as float64 (37.099998474) still read as one decimal.
_RELATIVE_TOLERANCE = 1e-7  # float32 keeps 24 bits: a relative error up to 6e-8
_OTHER = "\x00other"


def c2st(real: pd.DataFrame, synthetic: pd.DataFrame, *, kinds: Mapping[str, str] | None = None, seed: int = 0,
         max_rows: int = DEFAULT_MAX_ROWS, folds: int = 5) -> dict:
    """Classifier two-sample test: can a classifier tell real rows from synthetic rows?

    An equal, seeded sample of each table (at most ``max_rows / 2`` rows each) is labelled real
    or synthetic, and scikit-learn's HistGradientBoostingClassifier is cross-validated on it
    (stratified K-fold). Numbers are features as they are, and so is their recorded precision
    (decimal places, or a multiple of 10, 100, ...), so that a synthetic column that is
    continuous where the real one was recorded on a lattice is seen; dates are days since 1970
    (with their precision); categories and booleans are native categorical features over the
    union of both tables' levels, the ``MAX_LEVELS - 1`` most frequent kept and the rest pooled.
    Nulls stay NaN (HistGradientBoosting learns where they go).

    The score is ``1 - (2 * max(AUC, 0.5) - 1)``: 1 means indistinguishable, 0 perfectly
    separable. An exact copy of the real rows scores about 1 too: C2ST cannot see copies (the
    copy and distance gates can).

    Args:
        real: The real training rows; leave identifier columns out (fresh synthetic
            identifiers tell the tables apart by construction).
        synthetic: The synthetic rows, with the same columns.
        kinds: Column -> kind ("numerical", "categorical", "datetime", "boolean"); columns not
            named are inferred from the real table's dtypes.
        seed: Seed of the samples, the folds and the classifier.
        max_rows: Most rows the classifier sees, both tables together.
        folds: Cross-validation folds.

    Returns:
        ``score``, ``auc`` (mean over folds), ``auc_std``, ``fold_aucs``, ``rows`` (rows drawn
        from each table), ``folds``, ``columns`` (compared), ``features`` (columns plus
        precision features) and ``classifier``. Aggregates only: no value of either table.

    Raises:
        EmptyTableError: A table has no rows or no column.
        TableMismatchError: The tables have different columns, or a kind is unknown.
        NotApplicable: Too few rows for the folds, or no column holds a value.
        ValueError: ``folds`` below 2 or ``max_rows`` below ``4 * folds``.
    """
    if folds < 2 or max_rows < 4 * folds:
        raise ValueError("folds must be at least 2, and max_rows at least 4 * folds (two rows of each table per fold)")
    kinds = _kinds(real, synthetic, kinds)
    rows = min(len(real), len(synthetic), max_rows // 2)
    if rows < 2 * folds:
        raise NotApplicable(f"C2ST needs at least {2 * folds} rows of each table for {folds} folds; "
                            f"the smaller table has {min(len(real), len(synthetic))}")
    rng = np.random.default_rng(seed)
    samples = [_sample(frame, rows, rng) for frame in (real, synthetic)]
    features = _features(pd.concat(samples, ignore_index=True), kinds)
    if features.shape[1] == 0:
        raise NotApplicable("no column holds a value in the rows drawn")
    labels = np.repeat([0, 1], rows)  # 1: synthetic
    aucs = _cross_validate(features, labels, folds, seed)
    auc = float(np.mean(aucs))
    return {"score": 1.0 - (2.0 * max(auc, 0.5) - 1.0), "auc": auc, "auc_std": float(np.std(aucs)),
            "fold_aucs": [float(a) for a in aucs], "rows": rows, "folds": folds, "columns": len(kinds),
            "features": int(features.shape[1]), "classifier": CLASSIFIER}


def _kinds(real: pd.DataFrame, synthetic: pd.DataFrame, kinds: Mapping[str, str] | None) -> dict[str, str]:
    """Every real column with its kind, once the two tables are known to be comparable."""
    for name, frame in (("real", real), ("synthetic", synthetic)):
        if len(frame) == 0 or frame.shape[1] == 0:
            raise EmptyTableError(name, "has no rows" if len(frame) == 0 else "has no column")
    missing = [c for c in real.columns if c not in set(synthetic.columns)]
    if missing:
        raise TableMismatchError("synthetic", "lacks columns of the real table", missing)
    extra = [c for c in synthetic.columns if c not in set(real.columns)]
    if extra:
        raise TableMismatchError("synthetic", "has columns the real table lacks", extra)
    declared = dict(kinds or {})
    unknown = sorted(c for c, k in declared.items() if k not in KINDS)
    if unknown:
        raise TableMismatchError("real", f"has columns of a kind C2ST does not know (allowed: {', '.join(KINDS)})",
                                 unknown)
    return {c: declared.get(c) or infer_kind(real[c]) for c in real.columns}


def _sample(frame: pd.DataFrame, rows: int, rng: np.random.Generator) -> pd.DataFrame:
    if len(frame) > rows:
        frame = frame.iloc[np.sort(rng.choice(len(frame), size=rows, replace=False))]
    return frame.reset_index(drop=True)


def _features(rows: pd.DataFrame, kinds: Mapping[str, str]) -> pd.DataFrame:
    """The classifier's view of both tables at once, so categories share one set of codes."""
    out: dict[str, pd.Series] = {}
    for i, (column, kind) in enumerate(kinds.items()):
        values = rows[column]
        if values.isna().all():
            continue  # nothing to learn, and HistGradientBoosting refuses an all-NaN feature
        key = f"c{i}"  # positional names: a column name never reaches scikit-learn's messages
        if kind in ("numerical", "datetime"):
            numbers = _days(values) if kind == "datetime" else _numbers(values)
            out[key], out[f"{key}_precision"] = numbers, _precision(numbers)
        else:
            out[key] = _categories(values)
    return pd.DataFrame(out, index=rows.index)


def _numbers(values: pd.Series) -> pd.Series:
    if pd.api.types.is_bool_dtype(values.dtype):
        return values.astype("float64")
    return pd.to_numeric(values, errors="coerce").astype("float64")


def _days(values: pd.Series) -> pd.Series:
    stamps = pd.to_datetime(values, errors="coerce", utc=True).dt.tz_localize(None)
    days = stamps.to_numpy(dtype="datetime64[ns]").view("int64") / 86_400e9
    return pd.Series(days, index=values.index).where(stamps.notna())


def _precision(numbers: pd.Series) -> pd.Series:
    """Decimal places each value was recorded with: 1 for 37.5, 0 for 83, -1 for 80, 7 for finer than 6.

    A tree bins a number into at most 255 ranges, so a lattice (one decimal, multiples of 10,
    integers) is invisible in the number itself; this feature shows it.
    """
    x = numbers.to_numpy(dtype="float64")
    tolerance = np.maximum(_RELATIVE_TOLERANCE * np.abs(x), 1e-12)
    precision = np.full(len(x), float(_FINEST + 1))
    with np.errstate(invalid="ignore", over="ignore"):
        for decimals in range(_FINEST, _COARSEST - 1, -1):  # coarsest match wins
            precision[np.abs(x - np.round(x, decimals)) <= tolerance] = decimals
    precision[np.isnan(x)] = np.nan
    return pd.Series(precision, index=numbers.index)


def _categories(values: pd.Series) -> pd.Categorical:
    """Category codes over both tables' levels: the most frequent kept, the rest pooled into one."""
    text = values.astype(object).map(_text).where(values.notna())
    counts = text.value_counts()
    order = np.lexsort((counts.index.to_numpy(dtype=str), -counts.to_numpy()))  # ties by name: deterministic
    levels = list(counts.index[order])
    if len(levels) > MAX_LEVELS:
        levels = levels[:MAX_LEVELS - 1]
        text = text.where(text.isin(levels) | text.isna(), _OTHER)
        levels.append(_OTHER)
    return pd.Categorical(text, categories=levels)


def _text(value: object) -> str:
    if isinstance(value, (float, np.floating)) and float(value).is_integer():
        return str(int(value))  # 3.0 and 3 are one category, whichever dtype a table used
    return str(value)


def _cross_validate(features: pd.DataFrame, labels: np.ndarray, folds: int, seed: int) -> list[float]:
    """The out-of-fold AUC of each fold."""
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.metrics import roc_auc_score
    from sklearn.model_selection import StratifiedKFold
    from threadpoolctl import threadpool_limits

    aucs = []
    splits = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed).split(features, labels)
    with warnings.catch_warnings(), threadpool_limits(limits=OPENMP_THREADS, user_api="openmp"):
        warnings.simplefilter("ignore")
        for train, test in splits:
            model = HistGradientBoostingClassifier(categorical_features="from_dtype", random_state=seed)
            model.fit(features.iloc[train], labels[train])
            aucs.append(float(roc_auc_score(labels[test], model.predict_proba(features.iloc[test])[:, 1])))
    return aucs

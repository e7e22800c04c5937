"""Benchmark metrics: SDMetrics quality, ML efficacy (synthetic → real holdout) and the DCR share."""
from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pandas as pd

MAX_CATEGORIES = 250  # HistGradientBoosting takes at most 255 bins per categorical feature
_MISSING = "\x00missing"  # NaN as a category of its own in the DCR distance
_BOOL_TEXT = {"true": True, "false": False, "1": True, "0": False, "1.0": True, "0.0": False}


def align(frame: pd.DataFrame, kinds: dict[str, str]) -> pd.DataFrame:
    """``frame``'s schema columns in one dtype per kind, whoever wrote it.

    numerical → float64, categorical → object strings, datetime → datetime64[ns], boolean →
    pandas boolean; missing values stay missing. Peers write their own dtypes (TabularARGN
    returns booleans as categories), so every frame passes through here before it is scored.
    """
    out = {}
    for name, kind in kinds.items():
        column = frame[name]
        if kind == "numerical":
            out[name] = pd.to_numeric(column, errors="coerce").astype("float64")
        elif kind == "datetime":
            out[name] = pd.to_datetime(column, errors="coerce").astype("datetime64[ns]")
        elif kind == "boolean":
            values = column.astype(object)
            mapped = values.map(lambda v: v if isinstance(v, (bool, np.bool_)) else _BOOL_TEXT.get(str(v).lower()))
            out[name] = mapped.where(values.notna(), None).astype("boolean")
        else:
            values = column.astype(object)
            out[name] = values.map(str).where(values.notna(), np.nan).astype(object)
    return pd.DataFrame(out)


def quality(real: pd.DataFrame, synthetic: pd.DataFrame, kinds: dict[str, str]) -> dict[str, float]:
    """SDMetrics' quality report (SDV's ``evaluate_quality``) with metadata built from our kinds.

    Returns:
        ``quality_score`` (the mean of the two properties), ``column_shapes`` and
        ``column_pair_trends``, each in [0, 1], higher is closer to ``real``.
    """
    from synthgate import generators
    from synthgate.generators._sdv import build_metadata
    from sdv.evaluation import evaluate_quality

    metadata = build_metadata(generators.TableSchema.from_mapping(kinds))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        report = evaluate_quality(align(real, kinds), align(synthetic, kinds), metadata, verbose=False)
    properties = report.get_properties().set_index("Property")["Score"]
    return {"quality_score": float(report.get_score()),
            "column_shapes": float(properties["Column Shapes"]),
            "column_pair_trends": float(properties["Column Pair Trends"])}


def features(frame: pd.DataFrame, kinds: dict[str, str], categories: dict[str, list[str]]) -> pd.DataFrame:
    """A model-ready copy: numerics as float, dates as seconds, booleans 0/1, categoricals as pandas categories.

    ``categories`` fixes each categorical's levels (those of the training and test rows together),
    so the codes mean the same in both frames. A column with more levels than HistGradientBoosting
    accepts is passed as its level's index instead.
    """
    out = {}
    for name, kind in kinds.items():
        column = frame[name]
        if kind == "numerical":
            out[name] = column.astype("float64")
        elif kind == "datetime":
            out[name] = pd.Series(_as_float(column), index=frame.index)
        elif kind == "boolean":
            out[name] = column.astype("Float64").astype("float64")
        else:
            coded = pd.Series(pd.Categorical(column, categories=categories[name]), index=frame.index)
            if len(categories[name]) > MAX_CATEGORIES:
                coded = coded.cat.codes.where(coded.notna()).astype("float64")
            out[name] = coded
    return pd.DataFrame(out, index=frame.index)


def _category_levels(frame: pd.DataFrame, kinds: dict[str, str]) -> dict[str, list[str]]:
    return {name: sorted(frame[name].dropna().unique()) for name, kind in kinds.items() if kind == "categorical"}


def _labelled(frame: pd.DataFrame, target: str) -> tuple[pd.DataFrame, pd.Series]:
    """Rows with a known target; classification labels as strings ("True"/"False" for booleans)."""
    known = frame[frame[target].notna()]
    return known.drop(columns=[target]), known[target]


def _class_scores(classes: list[str], fitted_classes: list[str], proba: np.ndarray) -> np.ndarray:
    """Probabilities over ``classes``; a class the model never saw (absent from its training rows) gets 0."""
    scores = np.zeros((proba.shape[0], len(classes)))
    for column, label in enumerate(fitted_classes):
        scores[:, classes.index(label)] = proba[:, column]
    return scores


def classification_scores(y_true: pd.Series, scores: np.ndarray, classes: list[str], positive: str) -> dict[str, float]:
    """AUC and F1 of class probabilities ``scores`` (columns in ``classes`` order) against ``y_true``.

    Two classes: AUC of ``positive`` and its F1. More: macro one-vs-rest AUC over the classes
    present in ``y_true`` and macro F1 over those classes.
    """
    from sklearn.metrics import f1_score, roc_auc_score

    predicted = np.asarray(classes, dtype=object)[scores.argmax(axis=1)]
    if len(classes) == 2:
        auc = roc_auc_score(y_true == positive, scores[:, classes.index(positive)])
        f1 = f1_score(y_true, predicted, pos_label=positive, average="binary", zero_division=0)
    else:
        present = [label for label in classes if (y_true == label).any() and (y_true != label).any()]
        auc = float(np.mean([roc_auc_score(y_true == label, scores[:, classes.index(label)]) for label in present]))
        f1 = f1_score(y_true, predicted, labels=present, average="macro", zero_division=0)
    return {"auc": float(auc), "f1": float(f1)}


def ml_efficacy(train: pd.DataFrame, holdout: pd.DataFrame, kinds: dict[str, str], target: str, task: str,
                *, seed: int = 0) -> dict[str, Any]:
    """Train HistGradientBoosting on ``train`` and score it on the real ``holdout``.

    Call it once with the real training split (the reference) and once per synthetic table.
    Classification: AUC and F1 (binary: of the minority class of ``holdout``; more classes: macro
    one-vs-rest). Regression: R². Rows whose target is missing are left out on both sides.

    Returns:
        ``{"auc": ..., "f1": ...}`` or ``{"r2": ...}``; ``{"error": reason}`` if no model can be fitted.
    """
    train, holdout = align(train, kinds), align(holdout, kinds)
    feature_kinds = {name: kind for name, kind in kinds.items() if name != target}
    x_train, y_train = _labelled(train, target)
    x_test, y_test = _labelled(holdout, target)
    if len(y_train) == 0:
        return {"error": "no training row has a target"}
    # A feature no training row holds (a synthetic column all null) teaches nothing and breaks binning.
    empty = [name for name in feature_kinds if name in x_train and x_train[name].isna().all()]
    feature_kinds = {name: kind for name, kind in feature_kinds.items() if name not in empty}
    x_train, x_test = x_train.drop(columns=empty), x_test.drop(columns=empty)
    levels = _category_levels(pd.concat([x_train, x_test]), feature_kinds)
    x_train, x_test = features(x_train, feature_kinds, levels), features(x_test, feature_kinds, levels)
    try:
        return _fit_and_score(x_train, y_train, x_test, y_test, task, seed)
    except ValueError as exc:  # a degenerate synthetic table: reported, not fatal to the whole benchmark
        return {"error": f"no model could be fitted ({type(exc).__name__})"}


def _fit_and_score(x_train: pd.DataFrame, y_train: pd.Series, x_test: pd.DataFrame, y_test: pd.Series, task: str,
                   seed: int) -> dict[str, Any]:
    from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor
    from sklearn.metrics import r2_score

    if task == "regression":
        model = HistGradientBoostingRegressor(categorical_features="from_dtype", random_state=seed)
        model.fit(x_train, y_train.astype(float))
        return {"r2": float(r2_score(y_test.astype(float), model.predict(x_test)))}
    y_train, y_test = y_train.astype(str), y_test.astype(str)
    classes = sorted(set(y_test) | set(y_train))
    positive = y_test.value_counts().sort_index().idxmin()  # the minority class, ties by name
    fitted = sorted(set(y_train))
    if len(fitted) == 1:  # a synthetic target with one class: the model can only predict it
        proba = np.ones((len(x_test), 1))
    else:
        model = HistGradientBoostingClassifier(categorical_features="from_dtype", random_state=seed)
        model.fit(x_train, y_train)
        fitted, proba = list(model.classes_), model.predict_proba(x_test)
    return classification_scores(y_test, _class_scores(classes, fitted, proba), classes, positive)


def _encode(frames: list[pd.DataFrame], kinds: dict[str, str], ranges: dict[str, tuple[float, float]]
            ) -> list[tuple[np.ndarray, np.ndarray]]:
    """Per frame: numerics (and dates) min-max scaled with ``ranges``, and integer codes of the
    categoricals (and booleans), with missing a value of its own; codes are shared by all frames."""
    whole = pd.concat(frames, ignore_index=True)
    numeric = [n for n, k in kinds.items() if k in ("numerical", "datetime")]
    nominal = [n for n, k in kinds.items() if k not in ("numerical", "datetime")]
    scaled = np.empty((len(whole), len(numeric)))
    for j, name in enumerate(numeric):
        low, high = ranges[name]
        values = _as_float(whole[name])
        scaled[:, j] = (values - low) / (high - low) if high > low else values * 0.0
    codes = np.empty((len(whole), len(nominal)), dtype=np.int64)
    for j, name in enumerate(nominal):
        values = whole[name].astype(object)
        codes[:, j] = pd.factorize(values.map(str).where(values.notna(), _MISSING))[0]
    cuts = np.cumsum([len(frame) for frame in frames])[:-1]
    return list(zip(np.split(scaled, cuts), np.split(codes, cuts)))


def _as_float(column: pd.Series) -> np.ndarray:
    """Numbers as float64, dates as seconds since the epoch; missing as NaN."""
    if pd.api.types.is_datetime64_any_dtype(column):
        seconds = column.to_numpy(dtype="datetime64[ns]").astype("int64") / 1e9
        return np.where(column.isna().to_numpy(), np.nan, seconds)
    return column.astype("float64").to_numpy()


def nearest_distances(query: tuple[np.ndarray, np.ndarray], reference: tuple[np.ndarray, np.ndarray],
                      *, chunk: int = 256) -> np.ndarray:
    """For each query row, the Gower-like distance to its nearest reference row.

    Each side is (scaled numerics, category codes). Per column: numerics |a − b|, capped at 1 (0
    when both are missing, 1 when one is); categoricals 0 on the same code, else 1. The distance
    is the mean over columns.
    """
    q_num, q_cat = query
    r_num, r_cat = reference
    width = q_num.shape[1] + q_cat.shape[1]
    r_nan = np.isnan(r_num)
    best = np.empty(len(q_num))
    for start in range(0, len(q_num), chunk):
        stop = min(start + chunk, len(q_num))
        total = np.zeros((stop - start, len(r_num)))
        for j in range(q_num.shape[1]):
            a, b = q_num[start:stop, j][:, None], r_num[:, j][None, :]
            diff = np.minimum(np.abs(a - b), 1.0)
            a_nan, b_nan = np.isnan(a), r_nan[:, j][None, :]
            total += np.where(a_nan & b_nan, 0.0, np.where(a_nan | b_nan, 1.0, diff))
        for j in range(q_cat.shape[1]):
            total += q_cat[start:stop, j][:, None] != r_cat[:, j][None, :]
        best[start:stop] = total.min(axis=1) / width
    return best


def dcr_share(train: pd.DataFrame, holdout: pd.DataFrame, synthetic: pd.DataFrame, kinds: dict[str, str],
              *, max_synthetic: int = 5_000, seed: int = 0) -> dict[str, Any]:
    """Share of synthetic rows whose nearest training row is closer than their nearest holdout row.

    The training rows are subsampled to the holdout's size: the nearest of more rows is nearer
    by chance alone, so only with equal sizes does a generator that learned the distribution,
    not the rows, score 0.5 (ties count half). Above 0.5 the synthetic rows sit nearer the rows
    the generator saw: a sign of memorisation. Synthetic rows are subsampled to ``max_synthetic``.

    Returns:
        ``dcr_share`` and the row counts used (``synthetic_rows``, ``reference_rows``).
    """
    rng = np.random.default_rng(seed)
    train, holdout, synthetic = align(train, kinds), align(holdout, kinds), align(synthetic, kinds)
    if len(train) > len(holdout):
        train = train.iloc[rng.choice(len(train), size=len(holdout), replace=False)]
    if len(synthetic) > max_synthetic:
        synthetic = synthetic.iloc[rng.choice(len(synthetic), size=max_synthetic, replace=False)]
    both = pd.concat([train, holdout])
    ranges = {}
    for name, kind in kinds.items():
        if kind in ("numerical", "datetime"):
            values = _as_float(both[name])
            finite = values[~np.isnan(values)]
            ranges[name] = (float(finite.min()), float(finite.max())) if len(finite) else (0.0, 0.0)
    query, train_rows, holdout_rows = _encode([synthetic, train, holdout], kinds, ranges)
    to_train = nearest_distances(query, train_rows)
    to_holdout = nearest_distances(query, holdout_rows)
    # Rounded so that equal distances summed in a different order still count as a tie.
    to_train, to_holdout = np.round(to_train, 12), np.round(to_holdout, 12)
    share = np.mean((to_train < to_holdout) + 0.5 * (to_train == to_holdout))
    return {"dcr_share": float(share), "synthetic_rows": len(synthetic), "reference_rows": len(holdout)}

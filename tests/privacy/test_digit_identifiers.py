"""Digit-only identifiers read from CSV keep their zeros, are scanned under any header, and link by their text."""
from __future__ import annotations

import random

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from synthgate import privacy
from synthgate.flows.sources import read_source
from synthgate.privacy import PseudonymKey, pseudonymise_series
from synthgate.privacy._scan import MAX_SCAN_CHARS, sample_values

KEY = PseudonymKey(b"k" * 32)
ROWS = 40


def _luhn(prefix: str) -> str:
    for check in "0123456789":
        digits = [int(c) for c in prefix + check][::-1]
        total = sum(d if i % 2 == 0 else (d * 2 - 9 if d * 2 > 9 else d * 2) for i, d in enumerate(digits))
        if total % 10 == 0:
            return prefix + check
    raise AssertionError


def _rrn(rng: random.Random) -> str:
    """A resident registration number with the pre-2020 check digit; births from 2000 start with 0."""
    year = rng.randint(0, 99)
    body = f"{year:02d}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}{rng.choice('34' if year < 20 else '12')}"
    body += f"{rng.randint(0, 99999):05d}"
    weights = [2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5]
    return body + str((11 - sum(int(d) * w for d, w in zip(body, weights)) % 11) % 10)


@pytest.fixture(scope="module")
def identifiers_csv(tmp_path_factory):
    """Phone, resident and card numbers under neutral headers, a zero-padded code, a year and an amount."""
    rng = random.Random(7)
    lines = ["c7,value,card,code,year,amount"]
    for i in range(ROWS):
        card = _luhn("4" + "".join(str(rng.randint(0, 9)) for _ in range(14)))
        lines.append(f"010{rng.randint(0, 99_999_999):08d},{_rrn(rng)},{card},{i % 5:03d},"
                     f"{rng.randint(1990, 2024)},{rng.randint(1, 2_000_000)}")
    path = tmp_path_factory.mktemp("digits") / "ids.csv"
    path.write_text("\n".join(lines) + "\n")
    return path


def test_digit_identifiers_are_read_as_strings_with_their_zeros(identifiers_csv):
    # Run
    frame, _ = read_source(str(identifiers_csv))

    # Assert: zero-led or fixed-width 10+ digit columns are text; quantities stay numbers
    raw = pd.read_csv(identifiers_csv, dtype=str)
    for column in ("c7", "value", "card", "code"):
        assert frame[column].tolist() == raw[column].tolist(), column
    assert frame["c7"].str.startswith("010").all() and frame["code"].iloc[0] == "000"
    assert pd.api.types.is_integer_dtype(frame["year"]) and pd.api.types.is_integer_dtype(frame["amount"])


def test_phone_resident_and_card_numbers_under_neutral_headers_are_not_kept(identifiers_csv):
    # Setup
    frame, _ = read_source(str(identifiers_csv))

    # Run
    found = {d.column: d for d in privacy.detect_columns(frame)}

    # Assert: each is found by its values and proposed as an identifier to remove, not a number to learn
    assert found["c7"].entity in ("PHONE_NUMBER", "KR_PHONE_NUMBER")
    assert found["value"].entity == "KR_RRN"
    assert found["card"].entity == "CREDIT_CARD"
    for column in ("c7", "value", "card"):
        assert found[column].inferred_kind == "id"
        assert found[column].proposed_action in (privacy.Action.DROP, privacy.Action.PSEUDONYMISE)
    assert found["amount"].proposed_action is privacy.Action.KEEP


def test_the_pseudonym_of_a_zero_led_id_links_across_tables(tmp_path):
    # Setup: one patient list as CSV, the same ids in another table as Parquet text
    (tmp_path / "visits.csv").write_text("patient,n\n0012345,1\n0099999,2\n")
    pq.write_table(pa.table({"patient": ["0012345", "0099999"]}), tmp_path / "labs.parquet")

    # Run
    visits, _ = read_source(str(tmp_path / "visits.csv"))
    labs, _ = read_source(str(tmp_path / "labs.parquet"))

    # Assert: the same pseudonyms, which are not those of the numbers without zeros
    from_csv = pseudonymise_series(visits["patient"], KEY).tolist()
    assert from_csv == pseudonymise_series(labs["patient"], KEY).tolist()
    assert from_csv != pseudonymise_series(pd.Series(["12345", "99999"], name="patient"), KEY).tolist()


def test_a_one_megabyte_cell_is_scanned_in_part_and_never_crashes_detection():
    # Setup: past spaCy's max_length of 1,000,000 characters
    canary = "CANARY5521"
    note = ("the patient was seen again today " * 40_000)[:1_200_000] + canary
    frame = pd.DataFrame({"id": [1, 2, 3], "note": ["short note", note, "another one"]})

    # Run
    detections = privacy.detect_columns(frame)

    # Assert
    assert [d.column for d in detections] == ["id", "note"]
    assert max(len(v) for v in sample_values(frame["note"], 200, 0)) == MAX_SCAN_CHARS
    assert all(canary not in line for d in detections for line in (d.reason, *d.evidence))

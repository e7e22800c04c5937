"""Tests for privacy.surrogate: valid-looking, keyed, consistent, collision-free and leak-free surrogates."""

import datetime as dt
import re

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import TypeAdapter, ValidationError

from synthgate.privacy import PseudonymKey
from synthgate.privacy.errors import SurrogateSpaceExhaustedError
from synthgate.privacy.surrogate import DigitsSurrogate, RrnSurrogate, SurrogateConfig, is_valid_rrn, surrogate_series

KEY = PseudonymKey(b"surrogate-test-key".ljust(32, b"#"))
OTHER_KEY = PseudonymKey(b"another-surrogate-key".ljust(32, b"#"))
RRN = re.compile(r"^\d{6}-\d{7}$")
VALID = "900101-1234568"  # pre-2020 check digit correct
FOREIGNER = "900101-5234561"  # foreigners' check digit uses 13 - sum % 11


def with_check(first12):
    """Appends the pre-2020 check digit (citizens) to 12 digits and adds the hyphen."""
    total = sum(int(d) * w for d, w in zip(first12, [2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5]))
    return f"{first12[:6]}-{first12[6:]}{(11 - total % 11) % 10}"


MAN_1990, WOMAN_2000, MAN_2000, WOMAN_1919 = VALID, with_check("000101412345"), with_check("000101312345"), with_check("191231423456")


def one(value, config, key=KEY):
    return surrogate_series(pd.Series([value], dtype=object), key, config)[0][0]


def birth(surrogate):
    digits = surrogate.replace("-", "")
    century = {"9": 1800, "0": 1800, "1": 1900, "2": 1900, "5": 1900, "6": 1900}.get(digits[6], 2000)
    return dt.date(century + int(digits[:2]), int(digits[2:4]), int(digits[4:6]))


@pytest.mark.parametrize(
    ("digits", "valid"),
    [
        ("9001011234568", True),
        ("9001015234561", True),  # foreigner
        ("9002301234567", False),  # 30 February
        ("9001011234567", False),  # wrong check digit
        ("2101014000000", True),  # born after October 2020: no check digit
        ("900101123456", False),  # 12 digits
        ("90010112345678", False),  # 14 digits
        ("90010a1234568", False),  # a letter
        ("٩٠٠١٠١١٢٣٤٥٦٨", False),  # Arabic-Indic digits are not ASCII digits
    ],
)
def test_is_valid_rrn(digits, valid):
    # Run / Assert
    assert is_valid_rrn(digits) is valid


def test_checked_examples_agree_with_the_check_digit_rule():
    # Setup: VALID from the formula by hand: sum = 2*9+3*0+4*0+5*1+6*0+7*1+8*1+9*2+2*3+3*4+4*5+5*6 = 124
    # 124 % 11 = 3, (11 - 3) % 10 = 8
    assert is_valid_rrn(VALID.replace("-", "")) and is_valid_rrn(FOREIGNER.replace("-", ""))


@pytest.mark.parametrize(
    "config",
    [
        RrnSurrogate(),
        RrnSurrogate(birth="year"),
        RrnSurrogate(birth="random"),
        RrnSurrogate(birth="random", sex="random"),
        RrnSurrogate(sex="random"),
    ],
)
def test_rrn_surrogate_is_valid_and_never_the_input(config):
    # Setup
    values = pd.Series([MAN_1990, FOREIGNER, MAN_2000, WOMAN_1919])

    # Run
    out, result, _ = surrogate_series(values, KEY, config)

    # Assert
    assert all(RRN.match(v) and is_valid_rrn(v.replace("-", "")) for v in out)
    assert all(o.replace("-", "") != v.replace("-", "") for o, v in zip(out, values))
    assert result.malformed_cells == 0 and result.distinct_surrogates == 4


def test_birth_and_sex_options():
    # Setup
    values = pd.Series([MAN_1990, WOMAN_2000])

    # Run
    keep = surrogate_series(values, KEY, RrnSurrogate())[0]
    year = surrogate_series(values, KEY, RrnSurrogate(birth="year"))[0]
    rand = surrogate_series(values, KEY, RrnSurrogate(birth="random", sex="random"))[0]

    # Assert: keep keeps YYMMDD-G; year keeps the year and the sex; century digit follows the year
    assert keep[0][:8] == "900101-1" and keep[1][:8] == "000101-4"
    assert [birth(v).year for v in year] == [1990, 2000] and [year[0][7], year[1][7]] == ["1", "4"]
    assert all(dt.date(1920, 1, 1) <= birth(v) <= dt.date(2019, 12, 31) for v in rand)
    assert all(v[7] in ("12" if birth(v).year < 2000 else "34") for v in rand)


def test_foreigners_stay_foreigners_with_their_own_check_digit():
    # Run
    out = one(FOREIGNER, RrnSurrogate(birth="random"))

    # Assert
    assert out[7] in "5678" and is_valid_rrn(out.replace("-", ""))


def test_formatting_variants_are_one_person():
    # Setup
    values = pd.Series([VALID, "９００１０１－１２３４５６８", "9001011234568", " 900101 1234568 ", "900101\u20131234568"])

    # Run
    out, result, _ = surrogate_series(values, KEY, RrnSurrogate())

    # Assert
    assert out.nunique() == 1 and result.distinct_surrogates == 1


def test_keyed_deterministic_and_row_order_free():
    # Setup
    values = pd.Series([MAN_1990, WOMAN_2000, with_check("851225123456")])

    # Run
    first = surrogate_series(values, KEY, RrnSurrogate())[0]
    reversed_ = surrogate_series(values[::-1].reset_index(drop=True), KEY, RrnSurrogate())[0]
    other = surrogate_series(values, OTHER_KEY, RrnSurrogate())[0]

    # Assert
    assert first.tolist() == reversed_[::-1].tolist()
    assert set(first).isdisjoint(other)


@pytest.mark.parametrize(
    "malformed",
    ["900101-1234567", "900230-1234567", "12345", "900101-12345678", "abcdef-ghijklm", "9" * 1_000_000, "", "-"],
)
def test_malformed_rrns_are_replaced_counted_and_deterministic(malformed):
    # Run
    out, result, _ = surrogate_series(pd.Series([malformed, malformed, None], dtype=object), KEY, RrnSurrogate())

    # Assert: never passed through, always a valid-looking number, the same each time
    assert out[0] == out[1] == one(malformed, RrnSurrogate())
    assert RRN.match(out[0]) and is_valid_rrn(out[0].replace("-", "")) and out[0] != malformed
    assert out[2] is None
    assert result.malformed_cells == 2


def test_no_hyphen_option():
    # Run / Assert
    assert re.fullmatch(r"\d{13}", one(VALID, RrnSurrogate(hyphen=False)))


def test_same_birthday_people_never_share_a_surrogate():
    # Setup: 3,000 people born on one day and of one sex: only 100,000 serials, so first draws collide
    values = pd.Series([with_check(f"9001011{i:05d}") for i in range(3000)])

    # Run
    out, result, _ = surrogate_series(values, KEY, RrnSurrogate())

    # Assert: collisions happened and were resolved; no surrogate is anyone's real number
    assert out.nunique() == 3000
    assert result.redraws > 0
    assert set(out).isdisjoint(values)


@pytest.mark.parametrize(
    ("raw", "pattern"),
    [
        ("010-1234-5678", r"^\d{3}-\d{4}-\d{4}$"),
        ("MRN 0042-A", r"^[A-Z]{3} \d{4}-[A-Z]$"),
        ("ab/12.x", r"^[a-z]{2}/\d{2}\.[a-z]$"),
        ("２２-군번-１２３４５", r"^\d{2}-[가-힣]{2}-\d{5}$"),
    ],
)
def test_digits_surrogate_keeps_the_shape(raw, pattern):
    # Run
    out = one(raw, DigitsSurrogate())

    # Assert
    assert re.match(pattern, out) and out != raw


def test_digits_surrogate_is_one_per_normalised_value_and_nulls_the_empty():
    # Setup
    values = pd.Series(["010-1234-5678", "01012345678", "０１０－１２３４－５６７８", "--", " ", None])

    # Run
    out, result, pairs = surrogate_series(values, KEY, DigitsSurrogate())

    # Assert: one person, the first spelling's shape; values without letters or digits become null
    assert out[0] == out[1] == out[2]
    assert out[3:].isna().all()
    assert result.malformed_cells == 2
    assert sorted(original for _, original in pairs) == sorted(values[:3])


def test_a_tiny_shape_runs_out_of_surrogates():
    # Setup: ten people with one-digit ids: at most nine surrogates avoid their own input
    values = pd.Series([str(i) for i in range(10)] + ["x"])

    # Run / Assert
    with pytest.raises(SurrogateSpaceExhaustedError, match="column 'tiny'") as caught:
        surrogate_series(values.rename("tiny"), KEY, DigitsSurrogate())
    assert caught.value.distinct == 11


@pytest.mark.parametrize(
    ("config", "ok"),
    [
        ({"format": "kr_rrn"}, True),
        ({"format": "kr_rrn", "birth": "year", "sex": "random"}, True),
        ({"format": "kr_rrn", "birth": "decade"}, False),
        ({"format": "digits"}, True),
        ({"format": "digits", "birth": "keep"}, False),
        ({"format": "uuid"}, False),
    ],
)
def test_config_is_a_discriminated_union(config, ok):
    # Setup
    adapter = TypeAdapter(SurrogateConfig)

    # Run / Assert
    if ok:
        assert adapter.validate_python(config).format == config["format"]
    else:
        with pytest.raises(ValidationError):
            adapter.validate_python(config)


@settings(max_examples=150, deadline=None)
@given(
    st.dates(dt.date(1900, 1, 1), dt.date(2019, 12, 31)),
    st.booleans(),
    st.integers(0, 99_999),
    st.sampled_from(list(RrnSurrogate.model_fields["birth"].annotation)),
)
def test_property_valid_rrns_give_valid_distinct_surrogates(born, female, serial, mode):
    # Setup
    sex = str((1 if born.year < 2000 else 3) + female)
    rrn = with_check(f"{born.year % 100:02d}{born.month:02d}{born.day:02d}{sex}{serial:05d}")

    # Run
    out = one(rrn, RrnSurrogate(birth=mode))

    # Assert
    assert is_valid_rrn(out.replace("-", "")) and out != rrn
    assert (out[7] in "24") == female
    assert out == one(rrn.replace("-", ""), RrnSurrogate(birth=mode))

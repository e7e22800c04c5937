"""Tests for privacy.generalise: each rule on a frame small enough to check by hand."""

import pandas as pd
import pytest
from pydantic import ValidationError

from synthgate.privacy import (
    RULES,
    AgeBand,
    ColumnNotFoundError,
    DateTruncate,
    MergeRare,
    RuleNotApplicableError,
    TopBottomCode,
    coarsen_synthetic,
    parse_rule,
)


def test_age_band_default_bands_float_ages_and_nulls():
    # Setup
    ages = pd.Series([0.8, 34, 39.5, 90, 101, None], name="age")

    # Run
    banded, changed = AgeBand().apply(ages)

    # Assert
    assert banded.tolist()[:5] == ["0-9", "30-39", "30-39", "90+", "90+"]
    assert pd.isna(banded[5])
    assert list(banded.cat.categories) == ["0-9", "30-39", "90+"]
    assert banded.cat.ordered
    assert changed == 5


def test_age_band_bottom_anchors_the_bands_and_top_cuts_the_last():
    # Setup
    ages = pd.Series([3, 18, 22.9, 84, 85], name="age")

    # Run
    banded, _ = AgeBand(width=5, top=85, bottom=18).apply(ages)

    # Assert
    assert banded.tolist() == ["<18", "18-22", "18-22", "83-84", "85+"]


def test_age_band_labels_sort_naturally():
    # Setup: lexical order would put "5-9" after "10-14"
    ages = pd.Series([12, 7, 95, 3], name="age")

    # Run
    banded, _ = AgeBand(width=5).apply(ages)

    # Assert
    assert banded.sort_values().tolist() == ["0-4", "5-9", "10-14", "90+"]


def test_age_band_counts_text_that_is_not_a_number_without_quoting_it():
    # Setup
    ages = pd.Series(["12", "twelve", None], name="age")

    # Run
    with pytest.raises(RuleNotApplicableError) as caught:
        AgeBand().apply(ages)

    # Assert
    assert caught.value.unparseable_cells == 1
    assert "twelve" not in str(caught.value)
    assert str(caught.value) == (
        "rule 'age_band' cannot be applied to column 'age': 1 non-null cell cannot be read as numerical"
    )


def test_age_band_rejects_dates():
    # Run / Assert
    with pytest.raises(RuleNotApplicableError, match="its kind is 'datetime'"):
        AgeBand().apply(pd.Series(pd.to_datetime(["2020-01-01"]), name="age"))


def test_age_band_validates_its_fields():
    # Run / Assert
    with pytest.raises(ValidationError):
        AgeBand(width=0)
    with pytest.raises(ValidationError, match="bottom < top"):
        AgeBand(bottom=90, top=90)
    with pytest.raises(ValidationError, match="Extra inputs"):
        AgeBand(widht=5)


@pytest.mark.parametrize(
    ("unit", "expected"),
    [
        ("month", ["2024-05-01", "2023-12-01", "2024-01-01"]),
        ("quarter", ["2024-04-01", "2023-10-01", "2024-01-01"]),
        ("year", ["2024-01-01", "2023-01-01", "2024-01-01"]),
    ],
)
def test_date_truncate_units(unit, expected):
    # Setup
    dates = pd.Series(pd.to_datetime(["2024-05-17 13:45", "2023-12-31 23:59", "2024-01-01 00:00"]), name="visit")

    # Run
    truncated, changed = DateTruncate(unit=unit).apply(dates)

    # Assert
    assert truncated.tolist() == pd.to_datetime(expected).tolist()
    assert truncated.dtype == dates.dtype
    assert changed == 2  # 2024-01-01 is already truncated for every unit


def test_date_truncate_keeps_the_time_zone():
    # Setup
    dates = pd.Series(pd.to_datetime(["2024-05-17 13:45", None]).tz_localize("Asia/Seoul"), name="seen")

    # Run
    truncated, changed = DateTruncate(unit="month").apply(dates)

    # Assert
    assert str(truncated.dtype) == "datetime64[ns, Asia/Seoul]"
    assert truncated[0] == pd.Timestamp("2024-05-01", tz="Asia/Seoul")
    assert pd.isna(truncated[1])
    assert changed == 1


def test_date_truncate_parses_strings_and_counts_failures_without_values():
    # Setup
    good = pd.Series(["2024-05-17", "2024-02-03T08:00:00", None], name="dob")
    bad = pd.Series(["2024-05-17", "Kim Min-jun", "not a date"], name="dob")

    # Run
    truncated, changed = DateTruncate(unit="year").apply(good)
    with pytest.raises(RuleNotApplicableError) as caught:
        DateTruncate(unit="year").apply(bad)

    # Assert
    assert truncated.tolist()[:2] == [pd.Timestamp("2024-01-01")] * 2
    assert pd.isna(truncated[2]) and changed == 2
    assert caught.value.unparseable_cells == 2
    assert "Kim" not in str(caught.value) and "not a date" not in str(caught.value)


def test_top_bottom_code_fixed_bounds_keep_integers():
    # Setup
    values = pd.Series([1, 5, 10, 200, 50], name="visits")

    # Run
    coded, changed = TopBottomCode(lower=2, upper=100).apply(values)

    # Assert
    assert coded.tolist() == [2, 5, 10, 100, 50]
    assert coded.dtype == "int64"
    assert changed == 2


def test_top_bottom_code_fractional_bound_makes_floats():
    # Run
    coded, changed = TopBottomCode(upper=99.5).apply(pd.Series([1, 200, None], name="x"))

    # Assert
    assert coded.tolist()[:2] == [1.0, 99.5] and pd.isna(coded[2])
    assert changed == 1


def test_top_bottom_code_quantile_bounds_are_rounded_for_integers():
    # Setup: the 0.75 quantile of 1..8 is 6.25
    values = pd.Series([1, 2, 3, 4, 5, 6, 7, 8], name="count")

    # Run
    coded, changed = TopBottomCode(upper_quantile=0.75).apply(values)

    # Assert
    assert coded.tolist() == [1, 2, 3, 4, 5, 6, 6, 6]
    assert coded.dtype == "int64"
    assert changed == 2


def test_top_bottom_code_quantile_bounds_on_floats():
    # Run
    coded, _ = TopBottomCode(lower_quantile=0.25).apply(pd.Series([1.0, 2.0, 3.0, 4.0, 5.0], name="x"))

    # Assert
    assert coded.tolist() == [2.0, 2.0, 3.0, 4.0, 5.0]


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({}, "needs a bound"),
        ({"upper": 1, "upper_quantile": 0.9}, "upper or upper_quantile, not both"),
        ({"lower": 1, "lower_quantile": 0.1}, "lower or lower_quantile, not both"),
        ({"lower": 5, "upper": 1}, "lower <= upper"),
        ({"upper_quantile": 0.4}, "greater than or equal to 0.5"),
    ],
)
def test_top_bottom_code_validator(fields, message):
    # Run / Assert
    with pytest.raises(ValidationError, match=message):
        TopBottomCode(**fields)


def test_merge_rare_counts_rows_and_keeps_nulls():
    # Setup: a x3, b x2, c x1
    values = pd.Series(["a", "b", "a", "c", None, "b", "a"], name="ward")

    # Run
    merged, changed = MergeRare(min_count=3).apply(values)

    # Assert
    assert merged.tolist() == ["a", "other", "a", "other", None, "other", "a"]
    assert changed == 3


def test_merge_rare_removes_rare_categories_from_the_dtype():
    # Setup
    values = pd.Series(["a", "a", "rare-one", "other"], name="ward", dtype="category")

    # Run
    merged, changed = MergeRare(min_count=2).apply(values)

    # Assert: "other" was already there; only "rare-one" changed, and it is gone from the dtype
    assert merged.tolist() == ["a", "a", "other", "other"]
    assert list(merged.cat.categories) == ["a", "other"]
    assert changed == 1


def test_kinds_each_rule_accepts():
    # Run
    accepted = {name: (sorted(cls.accepts_kinds)) for name, cls in RULES.items()}

    # Assert
    assert accepted == {
        "age_band": ["numerical"],
        "date_truncate": ["datetime"],
        "top_bottom_code": ["numerical"],
        "merge_rare": ["categorical"],
        "address_level": ["categorical", "text"],
    }
    assert AgeBand().output_kind("numerical") == "categorical"
    assert DateTruncate(unit="year").output_kind("datetime") == "datetime"


def test_parse_rule_uses_the_discriminator():
    # Run
    rule = parse_rule({"rule": "date_truncate", "unit": "quarter"})

    # Assert
    assert rule == DateTruncate(unit="quarter")
    with pytest.raises(ValidationError, match="merge_rare.min_count"):
        parse_rule({"rule": "merge_rare", "min_count": 1})
    with pytest.raises(ValidationError):
        parse_rule({"rule": "k_anonymity"})


def test_rules_are_frozen():
    # Run / Assert
    with pytest.raises(ValidationError):
        AgeBand().width = 5  # type: ignore[misc]


def test_coarsen_synthetic_reapplies_only_data_independent_idempotent_rules():
    # Setup: a generator sampled continuous dates and numbers past the training bounds
    synthetic = pd.DataFrame(
        {
            "visit": pd.to_datetime(["2024-05-17 13:45", "2024-06-02 00:00"]),
            "visits": [150, 3],
            "score": [9.0, 1.0],
            "ward": ["a", "z"],
        }
    )
    rules = {
        "visit": DateTruncate(unit="month"),
        "visits": TopBottomCode(upper=100),
        "score": TopBottomCode(upper_quantile=0.9),  # data-derived: already shaped the training data
        "ward": MergeRare(min_count=5),
    }

    # Run
    coarsened = coarsen_synthetic(synthetic, rules)

    # Assert
    assert coarsened["visit"].tolist() == pd.to_datetime(["2024-05-01", "2024-06-01"]).tolist()
    assert coarsened["visits"].tolist() == [100, 3]
    assert coarsened["score"].tolist() == [9.0, 1.0]
    assert coarsened["ward"].tolist() == ["a", "z"]
    assert synthetic["visit"][0] == pd.Timestamp("2024-05-17 13:45")  # input untouched


def test_coarsen_synthetic_names_missing_columns():
    # Run / Assert
    with pytest.raises(ColumnNotFoundError, match="'visit'"):
        coarsen_synthetic(pd.DataFrame({"x": [1]}), {"visit": DateTruncate(unit="year")})


# --- address_level -----------------------------------------------------------------------

from synthgate.privacy._address import SIDO, parse_address  # noqa: E402
from synthgate.privacy.generalise import AddressLevel  # noqa: E402


@pytest.mark.parametrize(
    ("address", "sido", "sigungu"),
    [
        ("서울특별시 강남구 테헤란로 152", "서울특별시", "강남구"),
        ("서울 강남구 역삼동 737", "서울특별시", "강남구"),
        ("서울시 종로구 세종대로 209", "서울특별시", "종로구"),
        ("서울강남구 테헤란로 1", "서울특별시", "강남구"),
        ("경기도 성남시 분당구 판교역로 235", "경기도", "성남시 분당구"),
        ("(13529) 경기 성남시 분당구 판교역로 235", "경기도", "성남시 분당구"),
        ("경기도 수원시영통구 매탄동", "경기도", "수원시 영통구"),
        ("부산광역시 기장군 기장읍 차성로 1", "부산광역시", "기장군"),
        ("세종특별자치시 한누리대로 2130", "세종특별자치시", None),
        ("강원도 춘천시 중앙로 1", "강원특별자치도", "춘천시"),
        ("전라북도 전주시 완산구 효자로 225", "전북특별자치도", "전주시 완산구"),
        ("전북 군산시 시청로 17", "전북특별자치도", "군산시"),
        ("제주도 제주시 문연로 6", "제주특별자치도", "제주시"),
        ("충북 청주시 상당구 상당로 82", "충청북도", "청주시 상당구"),
        ("대한민국 경남 창원시 의창구 중앙대로 300", "경상남도", "창원시 의창구"),
        ("ＳＥＯＵＬ", None, None),
        ("서울대학교 관악캠퍼스", None, None),
        ("광주시 오포읍 1", None, None),  # 광주광역시 or 경기도 광주시: ambiguous, so unreadable
        ("123 Main Street", None, None),
        ("", None, None),
    ],
)
def test_parse_address(address, sido, sigungu):
    # Run
    parsed = parse_address(address)

    # Assert
    assert parsed == (None if sido is None else (sido, sigungu))


def test_there_are_seventeen_sido():
    # Run / Assert
    assert len(SIDO) == 17 and all(name in aliases for name, aliases in SIDO.items())


def test_address_level_sido_and_sigungu_never_pass_a_raw_address_through():
    # Setup
    addresses = pd.Series(
        ["서울 강남구 테헤란로 152", "경기도 성남시 분당구 판교역로 235", None, "Main St 1", "부산 어딘가로 12", "세종시 도움6로 11"],
        name="address",
    )

    # Run
    sido, sido_changed, sido_unknown = AddressLevel(level="sido").apply_counted(addresses)
    sigungu, _, sigungu_unknown = AddressLevel(level="sigungu", unknown_label="?").apply_counted(addresses)
    city_only, _ = AddressLevel(level="sigungu", keep_gu_in_si=False).apply(addresses)

    # Assert
    assert sido.tolist() == ["서울특별시", "경기도", None, "미상", "부산광역시", "세종특별자치시"]
    assert sigungu.tolist() == ["서울특별시 강남구", "경기도 성남시 분당구", None, "?", "부산광역시 ?", "세종특별자치시"]
    assert city_only[1] == "경기도 성남시"
    assert (sido_changed, sido_unknown, sigungu_unknown) == (5, 1, 2)
    assert not set(addresses.dropna()) & (set(sido.dropna()) | set(sigungu.dropna()))


@pytest.mark.parametrize("config", [{"level": "dong"}, {"level": "sido", "unknown_label": ""}, {"level": "sido", "extra": 1}])
def test_address_level_config_is_validated(config):
    # Run / Assert
    with pytest.raises(ValidationError):
        parse_rule({"rule": "address_level", **config})


def test_address_level_refuses_numbers():
    # Run / Assert
    with pytest.raises(RuleNotApplicableError, match="address_level"):
        AddressLevel(level="sido").apply(pd.Series([1, 2], name="zip"))

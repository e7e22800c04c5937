"""align_tables: comparable columns, one kind and dtype each, and one clear error otherwise."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from synthgate.evaluation import EmptyTableError, TableMismatchError, align_tables

CANARY = "CANARY-Kim-900101"


def _frame(n: int = 30) -> pd.DataFrame:
    return pd.DataFrame({
        "age": np.arange(n) % 90,
        "sex": ["F", "M"] * (n // 2),
        "visit": pd.date_range("2024-01-01", periods=n, freq="D"),
        "smoker": [True, False, True] * (n // 3),
    })


def test_aligned_tables_share_columns_kinds_and_normalised_dtypes():
    # Setup: the synthetic table has its columns in another order and other (compatible) dtypes
    real = _frame()
    synthetic = real[["sex", "age", "smoker", "visit"]].astype({"age": "float64", "sex": "category"})

    # Run
    tables = align_tables(real, synthetic, real.iloc[:6])

    # Assert
    assert tables.kinds == {"age": "numerical", "sex": "categorical", "visit": "datetime", "smoker": "boolean"}
    assert list(tables.synthetic.columns) == ["age", "sex", "visit", "smoker"]
    for frame in (tables.train, tables.synthetic, tables.holdout):
        assert frame["age"].dtype == "float64"
        assert frame["sex"].dtype == object and set(frame["sex"]) == {"F", "M"}
        assert frame["visit"].dtype == "datetime64[ns]"
        assert set(frame["smoker"]) == {"True", "False"}


def test_a_missing_column_names_the_table_and_the_column():
    # Setup
    real = _frame()

    # Run / Assert
    with pytest.raises(TableMismatchError, match=r"synthetic table lacks columns of the real table: smoker"):
        align_tables(real, real.drop(columns="smoker"), real)


def test_an_extra_column_names_the_table_and_the_column():
    real = _frame()
    with pytest.raises(TableMismatchError, match=r"holdout table has columns the real table lacks: extra"):
        align_tables(real, real, real.assign(extra=1))


def test_a_column_of_another_type_names_column_and_both_kinds_but_no_value():
    # Setup: the synthetic ages are words
    real = _frame()
    synthetic = real.assign(age=[CANARY] * len(real))

    # Run
    with pytest.raises(TableMismatchError) as caught:
        align_tables(real, synthetic, real)

    # Assert
    assert str(caught.value) == "synthetic table column 'age' is categorical where the real table's is numerical"
    assert CANARY not in str(caught.value)


def test_an_empty_holdout_is_refused_with_what_to_do():
    real = _frame()
    with pytest.raises(EmptyTableError, match=r"holdout table has no rows: every privacy figure compares"):
        align_tables(real, real, real.iloc[:0])


@pytest.mark.parametrize("role", ["real", "synthetic"])
def test_an_empty_real_or_synthetic_table_is_refused(role):
    real = _frame()
    tables = {"real": real, "synthetic": real, "holdout": real} | {role: real.iloc[:0]}
    with pytest.raises(EmptyTableError, match=rf"^{role} table has no rows$"):
        align_tables(tables["real"], tables["synthetic"], tables["holdout"])


def test_constant_all_null_and_identifier_columns_are_skipped_with_a_reason():
    # Setup
    real = _frame().assign(site="A", note=None, patient=[f"p{i}" for i in range(30)])

    # Run
    tables = align_tables(real, real, real)

    # Assert
    assert tables.skipped == {
        "site": "constant in the real table",
        "note": "all null in the real table",
        "patient": "identifier-like: every real value is distinct",
    }
    assert "site" not in tables.train.columns


def test_a_table_of_nothing_but_skipped_columns_is_refused():
    real = pd.DataFrame({"site": ["A"] * 5, "note": [None] * 5})
    with pytest.raises(EmptyTableError, match="no column left to compare"):
        align_tables(real, real, real)


def test_ignored_columns_may_exist_in_one_table_only():
    # Setup: fresh identifiers exist only in the synthetic table
    real = _frame()

    # Run
    tables = align_tables(real, real.assign(syn_id="x"), real, ignore=["syn_id"])

    # Assert
    assert "syn_id" not in tables.synthetic.columns


def test_a_declared_kind_accepts_convertible_values_and_an_unknown_kind_is_refused():
    # Setup: 0/1 declared boolean, ints declared categorical
    real = pd.DataFrame({"flag": [0, 1] * 15, "code": [1, 2, 3] * 10})
    synthetic = real.astype({"code": "float64"})

    # Run
    tables = align_tables(real, synthetic, real, kinds={"flag": "boolean", "code": "categorical"})

    # Assert: 2.0 and 2 are one category
    assert set(tables.synthetic["code"]) == {"1", "2", "3"}
    assert set(tables.train["flag"]) == {"True", "False"}
    with pytest.raises(TableMismatchError, match="of a kind the evaluation does not know"):
        align_tables(real, real, real, kinds={"flag": "text"})


def test_an_all_null_synthetic_column_fits_any_kind():
    real = _frame()
    tables = align_tables(real, real.assign(age=None), real)
    assert tables.synthetic["age"].isna().all()

"""generator.train_rows and sample.keep_common_rows: defaults, bounds, and what they convert into."""
from __future__ import annotations

import pytest

from synthgate import generators
from synthgate.flows import convert
from synthgate.flows.errors import SpecError
from synthgate.flows.spec import load_spec


def test_train_rows_defaults_to_the_generators_limit_and_null_learns_every_row(small_release):
    # Run
    default = load_spec(small_release()).spec.generator
    unlimited = load_spec(small_release(**{"generator.train_rows": None})).spec.generator

    # Assert
    assert default.train_rows == generators.DEFAULT_TRAIN_ROWS == 200_000
    assert unlimited.train_rows is None


def test_a_train_rows_below_a_thousand_is_refused_naming_the_key(small_release):
    # Run / Assert
    with pytest.raises(SpecError, match="train_rows"):
        load_spec(small_release(**{"generator.train_rows": 10}))


def test_common_rows_are_off_by_default_and_need_the_larger_of_risk_k_and_value_protection(small_release):
    # Setup
    default = load_spec(small_release()).spec
    common = load_spec(small_release(**{"sample.keep_common_rows": True,
                                        "risk": {"quasi_identifiers": ["sex"], "k": 7}})).spec
    no_risk = load_spec(small_release(**{"sample.keep_common_rows": True})).spec

    # Run / Assert
    assert convert.common_rows_k(default) is None
    assert convert.common_rows_k(common) == 7
    assert convert.common_rows_k(no_risk) == convert.value_protection(no_risk) == 5

"""Fresh identifiers: distinct, reproducible, prefixed, disjoint from pseudonyms."""
from __future__ import annotations

import re

import numpy as np
import pytest

from synthgate import generators


def test_identifiers_are_distinct_prefixed_and_reproducible():
    # Run
    first = generators.fresh_identifiers(5000, seed=9)
    again = generators.fresh_identifiers(5000, seed=9)
    other = generators.fresh_identifiers(5000, seed=10)

    # Assert
    assert first.is_unique and len(first) == 5000
    assert first.str.fullmatch(r"syn_[0-9a-f]{16}").all()
    assert first.equals(again)
    assert not set(first) & set(other)


def test_identifiers_never_look_like_pseudonyms():
    # Setup: pseudonyms are ps_ + 32 hex chars
    rng = np.random.default_rng(0)
    pseudonyms = {"ps_" + rng.bytes(16).hex() for _ in range(1000)}
    pattern = re.compile(r"ps_[0-9a-f]{32}")

    # Run
    ids = generators.fresh_identifiers(1000, seed=1)

    # Assert
    assert not set(ids) & pseudonyms
    assert not ids.map(lambda value: bool(pattern.fullmatch(value))).any()


def test_custom_prefix_and_empty():
    assert generators.fresh_identifiers(3, seed=0, prefix="pt-").str.startswith("pt-").all()
    assert len(generators.fresh_identifiers(0, seed=0)) == 0


def test_null_share_leaves_that_share_null_reproducibly():
    # Run
    ids = generators.fresh_identifiers(100, seed=2, null_share=0.25)

    # Assert
    assert ids.isna().sum() == 25 and ids.dropna().is_unique
    assert ids.equals(generators.fresh_identifiers(100, seed=2, null_share=0.25))


@pytest.mark.parametrize(
    "kwargs", [{"prefix": "ps_"}, {"prefix": ""}, {"prefix": "a b"}, {"null_share": 1.5}, {"seed": -1}, {"n": -1}]
)
def test_bad_arguments_are_refused(kwargs):
    arguments = {"n": 3, "seed": 0, **kwargs}
    n = arguments.pop("n")
    with pytest.raises(generators.GeneratorError):
        generators.fresh_identifiers(n, **arguments)

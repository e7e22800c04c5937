"""The public API re-exported by `synthgate`: the same objects as the stages', resolved lazily."""
from __future__ import annotations

import pytest

import synthgate
from synthgate.evaluation import evaluate
from synthgate.flows.errors import InputError
from synthgate.flows.spec import load_spec


def test_the_public_names_are_the_stages_own_objects():
    # Assert
    assert synthgate.load_spec is load_spec
    assert synthgate.evaluate is evaluate
    assert synthgate.InputError is InputError
    assert set(synthgate.__all__) <= set(dir(synthgate))


def test_an_unknown_name_is_an_attribute_error():
    # Run / Assert
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        synthgate.nope  # noqa: B018


def test_run_release_raises_a_one_line_input_error_for_a_missing_spec(tmp_path):
    # Run / Assert: a library call raises instead of exiting, before Prefect starts
    with pytest.raises(synthgate.InputError, match="file not found"):
        synthgate.run_release(tmp_path / "missing.yaml", prefect_home=str(tmp_path / "prefect"))

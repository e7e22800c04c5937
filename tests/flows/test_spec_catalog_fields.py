"""The spec fields the catalog shows: access, retention, the dataset card, column descriptions."""
from __future__ import annotations

from datetime import date

import pytest

from synthgate.flows.errors import SpecError
from synthgate.flows.spec import DEFAULT_PROHIBITED_USES, load_spec


def test_catalog_fields_load_with_their_defaults(small_release):
    # Run
    plain = load_spec(small_release()).spec
    full = load_spec(small_release(**{
        "dataset.access": "restricted", "dataset.retention": {"until": "2028-12-31"},
        "dataset.card": {"audience": "Clinic researchers", "intended_uses": ["Teaching"], "keywords": ["clinic"]},
        "columns.age": {"kind": "numerical", "action": "keep", "description": "Age at the visit, in years"},
    })).spec

    # Assert
    assert plain.dataset.access == "public" and plain.dataset.retention is None
    assert plain.dataset.card.prohibited_uses == list(DEFAULT_PROHIBITED_USES) and plain.dataset.card.citation is None
    assert full.dataset.access == "restricted" and full.dataset.retention.until == date(2028, 12, 31)
    assert full.dataset.card.audience == "Clinic researchers" and full.dataset.card.keywords == ["clinic"]
    assert full.columns["age"].description == "Age at the visit, in years"


@pytest.mark.parametrize(
    ("overrides", "location", "fragment"),
    [
        ({"dataset.access": "secret"}, "dataset.access", "'public' or 'restricted'"),
        ({"dataset.retention": {"until": "31.12.2028"}}, "dataset.retention.until", "date"),
        ({"dataset.retention": {"days": 30}}, "dataset.retention", "days"),
        ({"dataset.card": {"audiense": "x"}}, "dataset.card", "audiense"),
        ({"dataset.card": {"intended_uses": [""]}}, "dataset.card.intended_uses.0", "at least 1 character"),
        ({"dataset.version": "index.html"}, "dataset.version", "file name the catalog site uses"),
    ],
)
def test_catalog_field_mistakes_name_the_place(small_release, overrides, location, fragment):
    # Setup
    path = small_release(**overrides)

    # Run
    with pytest.raises(SpecError) as caught:
        load_spec(path)

    # Assert
    message = str(caught.value)
    assert "\n" not in message and f": {location}: " in message and fragment in message

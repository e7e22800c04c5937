"""The release spec: valid specs load; every mistake names its place and what is allowed."""
from __future__ import annotations

import pytest

from flows import convert
from flows.errors import SpecError
from flows.spec import load_spec


def test_a_valid_spec_loads_with_its_hash_and_resolved_paths(small_release):
    # Run
    loaded = load_spec(small_release())

    # Assert
    assert loaded.spec.dataset.name == "patients"
    assert len(loaded.sha256) == 64
    assert loaded.catalog_dir == (small_release.tmp_path / "catalog").resolve()
    assert loaded.source_pattern == str(small_release.tmp_path / "data/patients.csv")


def test_the_spec_converts_into_leaf_configs(small_release):
    # Setup
    spec = load_spec(small_release()).spec

    # Run / Assert
    assert convert.identifier_columns(spec) == ["patient_id"]
    assert convert.text_columns(spec) == ["note"]
    assert convert.learned_kinds(spec) == {
        "age": "categorical", "sex": "categorical", "visit_date": "datetime", "smoker": "boolean",
        "score": "numerical",
    }
    assert convert.released_columns(spec) == ["patient_id", "age", "sex", "visit_date", "smoker", "score"]
    assert set(convert.sensitive_columns(spec)) == {"patient_id", "name", "note"}
    assert [c.name for c in convert.privacy_plan(spec).columns] == list(spec.columns)


@pytest.mark.parametrize(
    ("overrides", "location", "fragment"),
    [
        ({"dataset.nmae": "x"}, "dataset", "unknown key 'nmae' (did you mean 'name'?)"),
        ({"dataset.name": "Not A Slug"}, "dataset.name", "should match pattern"),
        ({"dataset.domain": "finance"}, "dataset.domain", "'healthcare', 'defense' or 'other'"),
        ({"columns.sex.kind": "colour"}, "columns.sex.kind", "'numerical'"),
        ({"columns.sex.action": "hide"}, "columns.sex.action", "'pseudonymise'"),
        ({"columns.age.rule": {"rule": "age_band", "widht": 5}}, "columns.age.rule", "unknown key 'widht'"),
        ({"columns.age.rule": {"rule": "decade"}}, "columns.age.rule", "age_band"),
        ({"columns.sex": {"kind": "categorical", "action": "generalise",
                          "rule": {"rule": "age_band"}}}, "columns.sex", "age_band"),
        ({"columns.sex": {"kind": "categorical", "action": "generalise"}}, "columns.sex", "rule"),
        ({"generator.params": {"epochs": 5}}, "generator.params", "epochs"),
        ({"generator.device": "tpu"}, "generator.device", "'auto', 'cpu' or 'cuda'"),
        ({"output.workspace": "catalog/ws"}, "output", "neither inside the other"),
        ({"sample": {"rows": 10, "seed": 3}}, "sample", "unknown key 'seed'"),
        ({"columns.age_band": {"kind": "numerical", "action": "keep", "extra": 1}}, "columns.age_band",
         "unknown key 'extra'"),
        ({"source.encoding": "klingon"}, "source.encoding", "unknown encoding 'klingon'; e.g. utf-8"),
    ],
)
def test_spec_mistakes_name_the_place_and_the_allowed_values(small_release, overrides, location, fragment):
    # Setup
    path = small_release(**overrides)

    # Run
    with pytest.raises(SpecError) as caught:
        load_spec(path)

    # Assert
    message = str(caught.value)
    assert "\n" not in message
    assert f": {location}: " in message
    assert fragment in message


def test_a_spec_that_is_not_yaml_or_not_a_mapping(tmp_path):
    # Setup
    broken = tmp_path / "broken.yaml"
    broken.write_text("dataset: [unclosed\n")
    listing = tmp_path / "list.yaml"
    listing.write_text("- a\n- b\n")

    # Run / Assert
    with pytest.raises(SpecError, match="not valid YAML"):
        load_spec(broken)
    with pytest.raises(SpecError, match="must be a YAML mapping"):
        load_spec(listing)
    with pytest.raises(SpecError, match="file not found"):
        load_spec(tmp_path / "absent.yaml")

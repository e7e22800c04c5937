"""The release spec: valid specs load; every mistake names its place and what is allowed."""
from __future__ import annotations

import pytest

from synthgate.flows import convert
from synthgate.flows.errors import SpecError
from synthgate.flows.spec import load_spec


def test_a_valid_spec_loads_with_its_hash_and_resolved_paths(small_release):
    # Run
    loaded = load_spec(small_release())

    # Assert
    assert loaded.spec.dataset.name == "patients"
    assert len(loaded.sha256) == 64
    assert loaded.catalog_dir == (small_release.tmp_path / "catalog").resolve()
    assert loaded.source_pattern == str(small_release.tmp_path / "data/patients.csv")


def test_a_dp_block_reaches_the_generator_params(small_release):
    # Setup
    spec = load_spec(small_release(**{"generator.kind": "autoregressive",
                                      "generator.params": {"max_epochs": 5},
                                      "generator.dp": {"epsilon": 2, "delta": 1e-6}})).spec

    # Run
    params = convert.generator_params(spec)

    # Assert
    assert params == {"max_epochs": 5, "dp": {"epsilon": 2, "delta": 1e-6}}


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
        ({"generator.dp": {"epsilon": 1, "delta": 1e-6}}, "generator.dp",
         "generator 'gaussian_copula' does not train with differential privacy; kinds that do: autoregressive"),
        ({"generator.kind": "autoregressive", "generator.dp": {"epsilon": 0, "delta": 1e-6}},
         "generator.params/generator.dp", "parameter 'dp.epsilon': Input should be greater than 0"),
        ({"generator.kind": "autoregressive", "generator.dp": {"epsilon": 1, "delta": 1.5}},
         "generator.params/generator.dp", "parameter 'dp.delta': Input should be less than 1"),
        ({"generator.kind": "autoregressive", "generator.params": {"dp": {"epsilon": 1, "delta": 1e-6}}},
         "generator.params.dp", "write differential privacy as generator.dp"),
        ({"generator.kind": "autoregressive", "generator.params": {"constraints": [{"type": "range", "column": "score"}]}},
         "generator.params", "parameter 'constraints.0.range': range of 'score' needs min, max or both"),
        ({"output.workspace": "catalog/ws"}, "output", "neither inside the other"),
        ({"sample": {"rows": 10, "seed": 3}}, "sample", "unknown key 'seed'"),
        ({"columns.age_band": {"kind": "numerical", "action": "keep", "extra": 1}}, "columns.age_band",
         "unknown key 'extra'"),
        ({"source.encoding": "klingon"}, "source.encoding", "unknown encoding 'klingon'; e.g. utf-8"),
        ({"source.rename": {0: "a"}}, "source.rename", "position 0 is not a column; positions start at 1"),
        ({"source.rename": {3: " "}}, "source.rename", "the new name for 3 is blank"),
        ({"source.rename": {3: "a", "score": "a"}}, "source.rename", "'a' is given to more than one column"),
        ({"source.dedupe_headers": "sometimes"}, "source.dedupe_headers", "valid boolean"),
        ({"columns.sex.reviewed": "maybe"}, "columns.sex.reviewed", "valid boolean"),
        ({"risk": {"quasi_identifiers": ["name"]}}, "risk.quasi_identifiers.0", "'name' is not a column the generator"),
        ({"risk": {"quasi_identifiers": ["sex"], "sensitive": "sex"}}, "risk.sensitive", "not a quasi-identifier"),
        ({"risk": {"quasi_identifiers": ["sex"], "l": 2}}, "risk.l", "needs risk.sensitive"),
        ({"risk": {"quasi_identifiers": ["sex"], "k": 1}}, "risk.k", "greater than or equal to 2"),
        ({"risk": {"quasi_identifiers": ["sex"], "steps": [{"step": "generalise", "column": "score",
                                                            "rule": {"rule": "merge_rare"}}]}},
         "risk.steps.0.column", "'score' is not a quasi-identifier; allowed: sex"),
        ({"risk": {"quasi_identifiers": ["age"], "steps": [{"step": "generalise", "column": "age",
                                                            "rule": {"rule": "age_band"}}]}},
         "risk.steps.0.rule", "which is categorical at this step; the rule accepts: numerical"),
        ({"risk": {"quasi_identifiers": ["age"], "steps": [{"step": "suppress_rows", "max_share": 0.9}]}},
         "risk.steps.0.max_share", "less than or equal to 0.5"),
        ({"risk": {"quasi_identifiers": ["age"], "steps": [{"step": "suppress_rows", "share": 0.1}]}},
         "risk.steps.0", "unknown key 'share' (did you mean 'max_share'?)"),
        ({"risk": {"quasi_identifiers": ["age"], "steps": [{"step": "blur"}]}}, "risk.steps.0", "'generalise'"),
        ({"privacy.text_language": "fr"}, "privacy.text_language", "'en' or 'ko'"),
        ({"privacy.medical_record_patterns": ["H(\\d{8}"]}, "privacy.medical_record_patterns", "not a regular expression"),
        ({"privacy.medical_record_patterns": ["\\d*"]}, "privacy.medical_record_patterns", "matches the empty string"),
        ({"columns.patient_id": {"kind": "id", "action": "surrogate"}}, "columns.patient_id", "surrogate"),
        ({"columns.patient_id": {"kind": "id", "action": "surrogate", "surrogate": {"format": "kr_rrn", "birth": "blur"}}},
         "columns.patient_id.surrogate.kr_rrn.birth", "'keep', 'year' or 'random'"),
        ({"columns.visit_date": {"kind": "datetime", "action": "date_shift"}}, "columns.visit_date",
         "needs privacy.date_shift.subject"),
        ({"columns.visit_date": {"kind": "datetime", "action": "date_shift"},
          "privacy.date_shift": {"subject": "patient"}}, "privacy.date_shift.subject", "'patient' is not a column"),
        ({"privacy.date_shift": {"subject": "patient_id"}}, "privacy.date_shift", "no column has action 'date_shift'"),
        ({"columns.visit_date": {"kind": "datetime", "action": "date_shift"},
          "privacy.date_shift": {"subject": "patient_id", "max_days": 0}}, "privacy.date_shift.max_days",
         "greater than or equal to 1"),
        ({"privacy.additional_information": {"path": "workspace/keys"}}, "privacy.additional_information.path",
         "is inside"),
        ({"privacy.additional_information": {"path": "."}}, "privacy.additional_information.path", "contains"),
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


def test_reviewed_and_the_header_options_load(small_release):
    # Setup
    path = small_release(**{"columns.sex.reviewed": True, "source.rename": {8: "note", "score": "score"},
                            "source.dedupe_headers": True})

    # Run
    spec = load_spec(path).spec

    # Assert: YAML's integer keys stay positions, text keys stay headers
    assert spec.columns["sex"].reviewed is True and spec.columns["age"].reviewed is False
    assert spec.source.rename == {8: "note", "score": "score"} and spec.source.dedupe_headers is True

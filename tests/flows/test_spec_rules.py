"""The spec's rules: block: valid rules load and reach the generator; every mistake names its place."""
from __future__ import annotations

import pytest
from typer.testing import CliRunner

from synthgate import generators
from synthgate.flows import convert
from synthgate.flows.cli import app
from synthgate.flows.errors import SpecError
from synthgate.flows.spec import load_spec

RULES = [
    {"type": "equal", "columns": ["score", "score_copy"]},
    {"type": "determines", "by": ["sex"], "column": "smoker", "held": 1.0, "reason": "one per sex"},
    {"type": "inequality", "low": "score", "high": "limit", "strict": True},
    {"type": "present_when", "column": "score", "other": "smoker", "values": [True]},
    {"type": "present_when", "column": "limit", "other": "score"},
]
EXTRA_COLUMNS = {
    "columns.score_copy": {"kind": "numerical", "action": "keep"},
    "columns.limit": {"kind": "numerical", "action": "keep"},
}


def test_valid_rules_load_and_convert_to_the_shared_dicts(small_release):
    # Setup
    path = small_release(**EXTRA_COLUMNS, rules=RULES)

    # Run
    spec = load_spec(path).spec
    dicts = convert.rule_dicts(spec)

    # Assert
    assert dicts[0] == {"type": "equal", "columns": ["score", "score_copy"]}
    assert dicts[1] == {"type": "determines", "by": ["sex"], "column": "smoker", "held": 1.0, "reason": "one per sex"}
    assert dicts[2] == {"type": "inequality", "low": "score", "high": "limit", "strict": True}
    assert dicts[3] == {"type": "present_when", "column": "score", "other": "smoker", "values": [True]}
    assert dicts[4] == {"type": "present_when", "column": "limit", "other": "score"}


def test_rules_reach_the_generator_params_only_where_its_params_take_them(small_release):
    # Setup
    path = small_release(**EXTRA_COLUMNS, rules=RULES[:1], **{"generator.kind": "autoregressive"})
    spec = load_spec(path).spec
    takes_rules = "rules" in generators.get_generator("autoregressive").Params.model_fields

    # Run
    params = convert.generator_params(spec)

    # Assert
    if takes_rules:
        assert params["rules"] == [{"type": "equal", "columns": ["score", "score_copy"]}]
        assert generators.parse_params("autoregressive", params) is not None
    else:
        assert "rules" not in params


@pytest.mark.parametrize("kind", ["autoregressive", "gaussian_copula"])
def test_rules_reach_the_generator_constructor(small_release, kind):
    # Setup
    spec = load_spec(small_release(**EXTRA_COLUMNS, rules=RULES, **{"generator.kind": kind})).spec
    cls = generators.get_generator(kind)

    # Run
    model = cls(generators.parse_params(kind, convert.generator_params(spec)), **convert.generator_rules(spec))

    # Assert
    assert convert.generator_rules(spec) == {"rules": convert.rule_dicts(spec)}
    assert len(model.rules) == len(RULES)


def test_a_determines_rule_is_refused_under_dp(small_release):
    # Setup
    path = small_release(**EXTRA_COLUMNS, rules=RULES[1:2], **{"generator.kind": "autoregressive",
                                                               "generator.dp": {"epsilon": 1, "delta": 1e-6}})

    # Run
    with pytest.raises(SpecError) as caught:
        load_spec(path)

    # Assert
    assert ": rules.0: " in str(caught.value) and "differential-privacy budget" in str(caught.value)


def test_a_spec_without_rules_passes_no_rules_param(small_release):
    # Setup
    spec = load_spec(small_release(**{"generator.kind": "autoregressive"})).spec

    # Run / Assert
    assert spec.rules == []
    assert "rules" not in convert.generator_params(spec)
    assert convert.generator_rules(spec) == {}


@pytest.mark.parametrize(
    ("rules", "location", "fragment"),
    [
        ([{"type": "between", "low": "score", "high": "limit"}], "rules.0",
         "'equal', 'determines', 'inequality', 'present_when'"),
        ([{"low": "score", "high": "limit"}], "rules.0", "type"),
        ([{"type": "inequality", "low": "score", "hihg": "limit"}], "rules.0",
         "unknown key 'hihg' (did you mean 'high'?)"),
        ([{"type": "equal", "columns": ["score"]}], "rules.0.columns", "at least 2"),
        ([{"type": "equal", "columns": ["score", "scroe"]}], "rules.0.columns.1",
         "'scroe' is not a column the generator learns"),
        ([{"type": "determines", "by": ["name"], "column": "sex"}], "rules.0.by.0",
         "'name' is not a column the generator learns"),
        ([{"type": "present_when", "column": "patient_id", "other": "sex"}], "rules.0.column",
         "'patient_id' is not a column the generator learns"),
        ([{"type": "equal", "columns": ["score", "sex"]}], "rules.0.columns",
         "'score' is numerical, 'sex' is categorical"),
        ([{"type": "inequality", "low": "sex", "high": "smoker"}], "rules.0",
         "two numerical or two datetime columns"),
        ([{"type": "inequality", "low": "score", "high": "visit_date"}], "rules.0",
         "'score' is numerical, 'visit_date' is datetime"),
        ([{"type": "present_when", "column": "limit", "other": "score", "values": [1]}], "rules.0.values",
         "categorical or boolean other column; 'score' is numerical"),
        ([{"type": "determines", "by": ["sex"], "column": "sex"}], "rules.0", "names a column twice"),
        ([{"type": "equal", "columns": ["score", "limit"], "held": 1.5}], "rules.0.held", "less than or equal to 1"),
        ([RULES[0], {"type": "inequality", "low": "score", "high": "nope"}], "rules.1.high",
         "'nope' is not a column the generator learns"),
    ],
)
def test_rule_mistakes_name_the_place_and_the_allowed_values(small_release, rules, location, fragment):
    # Setup
    path = small_release(**EXTRA_COLUMNS, rules=rules)

    # Run
    with pytest.raises(SpecError) as caught:
        load_spec(path)

    # Assert
    message = str(caught.value)
    assert "\n" not in message
    assert f": {location}: " in message
    assert fragment in message


def test_rules_in_generator_params_are_refused(small_release):
    # Setup
    path = small_release(**EXTRA_COLUMNS, **{"generator.params": {"rules": RULES[:1]}})

    # Run
    with pytest.raises(SpecError) as caught:
        load_spec(path)

    # Assert
    assert ": generator.params.rules: " in str(caught.value)
    assert "top-level rules: block" in str(caught.value)


def test_a_rule_on_a_column_a_risk_step_generalises_is_refused(small_release):
    # Setup
    risk = {"quasi_identifiers": ["score"], "steps": [{"step": "generalise", "column": "score",
                                                       "rule": {"rule": "top_bottom_code", "upper": 50}}]}
    path = small_release(**EXTRA_COLUMNS, risk=risk,
                         rules=[{"type": "inequality", "low": "score", "high": "limit"}])

    # Run
    with pytest.raises(SpecError) as caught:
        load_spec(path)

    # Assert
    assert ": rules.0.low: " in str(caught.value)
    assert "risk step" in str(caught.value)


def test_check_refuses_a_bad_rule_with_one_line_and_exit_2(small_release):
    # Setup
    path = small_release(**EXTRA_COLUMNS, rules=[{"type": "inequality", "low": "sex", "high": "smoker"}])

    # Run
    result = CliRunner().invoke(app, ["check", str(path)], catch_exceptions=False)

    # Assert
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert result.exit_code == 2, result.output
    assert len(lines) == 1 and lines[0].startswith("error: ")
    assert "rules.0" in lines[0]

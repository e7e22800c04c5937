"""The spec's sum rules: a valid one loads and reaches the generator as a shared dict; each mistake is one line."""
from __future__ import annotations

import pytest
from typer.testing import CliRunner

from synthgate import generators
from synthgate.flows import convert
from synthgate.flows.cli import app
from synthgate.flows.errors import SpecError
from synthgate.flows.spec import load_spec

EXTRA_COLUMNS = {
    "columns.paid": {"kind": "numerical", "action": "keep"},
    "columns.fees": {"kind": "numerical", "action": "keep"},
}
SUM = {"type": "sum", "column": "paid", "terms": ["score", "fees"], "signs": [1, -1], "tolerance": 0.005,
       "held": 1.0, "reason": "within 0.005 in 40 of 40 rows where all are present"}


def test_a_sum_loads_and_converts_to_the_shared_dict(small_release):
    # Setup
    path = small_release(**EXTRA_COLUMNS, rules=[SUM])

    # Run
    spec = load_spec(path).spec
    dicts = convert.rule_dicts(spec)

    # Assert
    assert dicts == [SUM]
    model = generators.get_generator("gaussian_copula")(seed=1, **convert.generator_rules(spec))
    assert [rule.type for rule in model.rules] == ["sum"]


def test_a_sum_is_allowed_under_dp(small_release):
    # Setup: nothing is learned from the data to keep a sum
    path = small_release(**EXTRA_COLUMNS, rules=[{"type": "sum", "column": "paid", "terms": ["score", "fees"]}],
                         **{"generator.kind": "autoregressive", "generator.dp": {"epsilon": 1, "delta": 1e-6}})

    # Run / Assert
    assert load_spec(path).spec.rules[0].type == "sum"


@pytest.mark.parametrize(
    ("rule", "location", "fragment"),
    [
        ({"type": "sum", "column": "paid", "terms": ["score", "feez"]}, "rules.0.terms.1",
         "'feez' is not a column the generator learns"),
        ({"type": "sum", "column": "payd", "terms": ["score"]}, "rules.0.column",
         "'payd' is not a column the generator learns"),
        ({"type": "sum", "column": "paid", "terms": ["score", "sex"]}, "rules.0.terms.1",
         "a sum adds numerical columns; 'sex' is categorical"),
        ({"type": "sum", "column": "smoker", "terms": ["score", "fees"]}, "rules.0.column",
         "'smoker' is boolean"),
        ({"type": "sum", "column": "paid", "terms": ["score", "fees"], "signs": [1]}, "rules.0.signs",
         "1 signs for 2 terms; give one sign (1 or -1) per term"),
        ({"type": "sum", "column": "paid", "terms": ["score", "paid"]}, "rules.0.terms.1",
         "'paid' is the sum's column and cannot also be one of its terms"),
        ({"type": "sum", "column": "paid", "terms": ["score", "score"]}, "rules.0.terms", "names a term twice"),
        ({"type": "sum", "column": "paid", "terms": ["score"], "signs": [2]}, "rules.0.signs.0", "1 or -1"),
        ({"type": "sum", "column": "paid", "terms": ["score"], "tolerance": -0.1}, "rules.0.tolerance",
         "greater than or equal to 0"),
        ({"type": "sum", "column": "paid", "term": ["score"]}, "rules.0", "unknown key 'term'"),
        ({"type": "sum", "column": "paid", "terms": []}, "rules.0.terms", "at least 1"),
    ],
)
def test_sum_mistakes_name_the_place_in_one_line(small_release, rule, location, fragment):
    # Setup
    path = small_release(**EXTRA_COLUMNS, rules=[rule])

    # Run
    with pytest.raises(SpecError) as caught:
        load_spec(path)

    # Assert
    message = str(caught.value)
    assert "\n" not in message
    assert f": {location}: " in message, message
    assert fragment in message, message


def test_check_refuses_a_bad_sum_with_one_line_and_exit_2(small_release):
    # Setup
    path = small_release(**EXTRA_COLUMNS, rules=[{"type": "sum", "column": "paid", "terms": ["score", "sex"]}])

    # Run
    result = CliRunner().invoke(app, ["check", str(path)], catch_exceptions=False)

    # Assert
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert result.exit_code == 2, result.output
    assert len(lines) == 1 and lines[0].startswith("error: ") and "rules.0.terms.1" in lines[0]

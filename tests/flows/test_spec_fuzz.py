"""Spec fuzzing: whatever YAML `synthgate check` is given, it answers exit 0 or exit 2 with one line, never a
traceback. Random YAML documents, random text, and random mutations (a value replaced, a key removed or
added) of a valid spec and of the demo spec, through the command's Python entry point (in-process)."""
from __future__ import annotations

import copy
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from synthgate.flows.cli import app

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "covid_testing.yaml"
FUZZ = settings(max_examples=15, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])

scalars = st.one_of(st.none(), st.booleans(), st.integers(-10**12, 10**12),
                    st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=12),
                    st.sampled_from(["", "-1", "1e400", "~", "auto", "keep", "drop", "id", "numerical", ".nan",
                                     "2026-01-01", "{date:%Y}", "../..", "/dev/null", "ÿ\x00", "yes"]))
values = st.recursive(scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=4)), max_leaves=12)


def _check(path: Path):
    result = CliRunner().invoke(app, ["check", str(path)])
    return result


def _assert_clean(result, text: str) -> None:
    output = result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        f"{type(result.exception).__name__}: {result.exception} for\n{text[:2000]}")
    assert result.exit_code in (0, 2), f"exit {result.exit_code}: {output[-1000:]} for\n{text[:2000]}"
    assert "Traceback" not in output
    if result.exit_code == 2:
        errors = [line for line in output.splitlines() if line.startswith("error:")]
        assert len(errors) == 1, output[-1000:]


@pytest.fixture
def spec_file(tmp_path):
    return tmp_path / "fuzz.yaml"


@FUZZ
@given(document=values)
def test_random_yaml_documents(spec_file, document):
    # Setup
    text = yaml.safe_dump(document, allow_unicode=True)
    spec_file.write_text(text, encoding="utf-8")

    # Run
    result = _check(spec_file)

    # Assert
    _assert_clean(result, text)


@FUZZ
@given(text=st.text(max_size=200))
def test_random_text(spec_file, text):
    # Setup
    spec_file.write_bytes(text.encode("utf-8", "surrogatepass"))

    # Run / Assert
    _assert_clean(_check(spec_file), text)


def _paths(node, prefix=()):
    yield prefix
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _paths(value, (*prefix, index))


@st.composite
def mutations(draw, base: dict):
    spec = copy.deepcopy(base)
    for _ in range(draw(st.integers(1, 3))):
        paths = [p for p in _paths(spec) if p]
        if not paths:
            break
        path = draw(st.sampled_from(paths))
        parent = spec
        for part in path[:-1]:
            parent = parent[part]
        how = draw(st.sampled_from(["replace", "delete", "add"]))
        if how == "replace":
            parent[path[-1]] = draw(values)
        elif how == "delete":
            del parent[path[-1]]
        elif isinstance(parent, dict):
            parent[draw(st.text(min_size=1, max_size=8))] = draw(values)
        else:
            parent.append(draw(values))
    return spec


@pytest.fixture(scope="module")
def valid_spec(tmp_path_factory):
    """A spec that `check` accepts (a small CSV beside it), and the demo spec."""
    folder = tmp_path_factory.mktemp("fuzz-source")
    source = folder / "people.csv"
    source.write_text("person_id,age,sex,score\n" + "".join(f"P{i:03d},{20 + i % 50},{'FM'[i % 2]},{i * 0.5}\n"
                                                              for i in range(60)), encoding="utf-8")
    return {
        "dataset": {"name": "people", "version": "1.0.0", "title": "People", "description": "fuzz",
                    "licence": "CC-BY-4.0", "domain": "healthcare"},
        "source": {"path": str(source)},
        "columns": {"person_id": {"kind": "id", "action": "drop"}, "age": {"kind": "numerical", "action": "keep"},
                    "sex": {"kind": "categorical", "action": "keep"}, "score": {"kind": "numerical", "action": "keep"}},
        "generator": {"kind": "gaussian_copula", "seed": 1},
        "sample": {"rows": 30},
        "evaluation": {"pdf": False},
        "output": {"catalog": str(folder / "catalog"), "workspace": str(folder / "workspace")},
    }


def test_the_unmutated_spec_passes(valid_spec, spec_file):
    spec_file.write_text(yaml.safe_dump(valid_spec))
    result = _check(spec_file)
    assert result.exit_code == 0, result.output


@FUZZ
@given(data=st.data())
def test_mutations_of_a_valid_spec(valid_spec, spec_file, data):
    # Setup
    mutated = data.draw(mutations(valid_spec))
    text = yaml.safe_dump(mutated, allow_unicode=True)
    spec_file.write_text(text, encoding="utf-8")

    # Run / Assert
    _assert_clean(_check(spec_file), text)


@FUZZ
@given(data=st.data())
def test_mutations_of_the_demo_spec(spec_file, data):
    # Setup
    mutated = data.draw(mutations(yaml.safe_load(EXAMPLE.read_text())))
    text = yaml.safe_dump(mutated, allow_unicode=True)
    spec_file.write_text(text, encoding="utf-8")

    # Run / Assert
    _assert_clean(_check(spec_file), text)

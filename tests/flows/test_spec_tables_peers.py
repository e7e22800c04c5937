"""generator.kind of a tables: spec: ours or an SDV peer (sdv_hma, sdv_par), each refusal one line, exit 2."""
from __future__ import annotations

import copy

import pytest
import yaml
from typer.testing import CliRunner

from synthgate.flows.cli import app
from synthgate.flows.errors import SpecError
from synthgate.flows.spec import load_spec

from _tables_specs import ID, clinic_spec

LABS = {"source": {"path": "data/labs.csv"}, "columns": {"visit_id": {**ID, "references": "visits.visit_id"},
                                                         "value": {"kind": "numerical", "action": "keep"}}}


def _spec(tmp_path, generator: dict, *, labs: bool = False, sequence: bool = True):
    spec = clinic_spec(sequence=True)
    spec["generator"] = generator
    if labs:
        spec["tables"]["labs"] = copy.deepcopy(LABS)
    if not sequence:
        del spec["tables"]["visits"]["sequence"]
    path = tmp_path / "spec.yaml"
    path.write_text(yaml.safe_dump(spec, sort_keys=False))
    return path


@pytest.mark.parametrize("generator", [{}, {"kind": "relational"}, {"kind": "autoregressive", "params": {"hidden": 16}},
                                       {"kind": "sdv_hma", "params": {"default_distribution": "norm"}},
                                       {"kind": "sdv_par", "params": {"epochs": 2}}])
def test_ours_and_each_peer_are_accepted_on_a_parent_and_its_sequence(tmp_path, generator):
    # Run
    loaded = load_spec(_spec(tmp_path, generator))
    # Assert
    assert loaded.spec.generator.kind == generator.get("kind", "autoregressive")


@pytest.mark.parametrize("generator, extra, location, words", [
    ({"kind": "ctgan"}, {}, "generator.kind", "'ctgan' models one table; with tables: allowed: relational (the relational generator"),
    ({"kind": "nope"}, {}, "generator.kind", "unknown generator 'nope'"),
    ({"kind": "sdv_hma"}, {"labs": True}, "generator.kind", "patients -> visits -> labs is 3 tables deep"),
    ({"kind": "sdv_hma", "dp": {"epsilon": 1.0}}, {}, "generator.dp", "differential privacy"),
    ({"kind": "sdv_hma", "params": {"epochs": 3}}, {}, "generator.params", "unknown parameter 'epochs'; allowed: default_distribution"),
    ({"kind": "sdv_par"}, {"labs": True}, "generator.kind", "3 tables"),
    ({"kind": "sdv_par"}, {"sequence": False}, "generator.kind", "exactly one sequence table"),
    ({"kind": "sdv_par", "params": {"epochs": 0}}, {}, "generator.params", "epochs"),
])
def test_each_refusal_is_one_line_naming_where(tmp_path, generator, extra, location, words):
    # Setup
    path = _spec(tmp_path, generator, **extra)
    # Run
    with pytest.raises(SpecError) as caught:
        load_spec(path)
    # Assert
    message = str(caught.value)
    assert caught.value.location == location, message
    assert words in message and "\n" not in message and caught.value.exit_code == 2


def test_check_refuses_a_peer_beyond_its_limits_with_exit_2_and_no_traceback(tmp_path):
    # Setup
    path = _spec(tmp_path, {"kind": "sdv_hma"}, labs=True)
    # Run
    result = CliRunner().invoke(app, ["check", str(path)])
    # Assert
    assert result.exit_code == 2, result.output
    assert "generator.kind" in result.output and "3 tables deep" in result.output
    assert "Traceback" not in result.output

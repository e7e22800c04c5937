"""engine: in the spec, SYNTHGATE_DASK_ADDRESS, and the one-line refusals of a Dask run that cannot start
(an unreachable scheduler, a deployment, a tables: spec) or of a worker that holds another key."""
from __future__ import annotations

import pickle
import socket

import pytest
from typer.testing import CliRunner

from synthgate import privacy
from synthgate.flows import engine, partitions
from synthgate.flows.cli import app
from synthgate.flows.spec import load_spec

runner = CliRunner()


def _errors(result) -> list[str]:
    return [line for line in result.output.splitlines() if line.startswith("error:")]


@pytest.mark.parametrize("block, problem", [
    ({"kind": "local", "address": "tcp://127.0.0.1:8786"}, "write kind: dask with it"),
    ({"kind": "dask", "address": "http://127.0.0.1:8786"}, "tcp://host:port"),
    ({"kind": "spark"}, "engine.kind"),
    ({"kind": "dask", "workers": 0}, "engine.workers"),
])
def test_a_bad_engine_block_is_one_line_at_check(small_release, block, problem):
    # Setup
    spec = small_release(engine=block)

    # Run
    result = runner.invoke(app, ["check", str(spec)])

    # Assert
    assert result.exit_code == 2, result.output
    assert len(_errors(result)) == 1 and problem in _errors(result)[0], result.output
    assert "Traceback" not in result.output


def test_the_address_comes_from_the_spec_or_the_environment(small_release, monkeypatch):
    # Setup / Run / Assert: no engine, no variable: local; the variable alone: dask there; a spec's local wins
    assert engine.resolve(load_spec(small_release()).spec).kind == "local"
    monkeypatch.setenv(engine.ADDRESS_ENV, "tcp://10.0.0.5:8786")
    chosen = engine.resolve(load_spec(small_release()).spec)
    assert (chosen.kind, chosen.address) == ("dask", "tcp://10.0.0.5:8786")
    assert engine.resolve(load_spec(small_release(engine={"kind": "local"})).spec).kind == "local"
    named = engine.resolve(load_spec(small_release(engine={"kind": "dask", "address": "tcp://h:1"})).spec)
    assert named.address == "tcp://h:1" and "dask at tcp://h:1" in named.describe()


def test_a_scheduler_that_does_not_answer_stops_the_run_before_any_work(small_release, key_env, tmp_path):
    # Setup: a loopback port nobody listens on
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    spec = small_release(engine={"kind": "dask", "address": f"tcp://127.0.0.1:{port}"})

    # Run
    result = runner.invoke(app, ["run", str(spec), "--no-site"])

    # Assert: exit 2, one line naming the address and what to do; no workspace run, nothing published
    assert result.exit_code == 2, result.output
    errors = _errors(result)
    assert len(errors) == 1 and f"tcp://127.0.0.1:{port} does not answer" in errors[0], result.output
    assert not (tmp_path / "workspace").exists() and not (tmp_path / "catalog" / "patients").exists()


def test_deploy_refuses_a_dask_spec_in_one_line(small_release):
    # Setup
    spec = small_release(engine={"kind": "dask"})

    # Run
    result = runner.invoke(app, ["deploy", str(spec)])

    # Assert
    assert result.exit_code == 2, result.output
    assert len(_errors(result)) == 1 and "engine: dask applies to synthgate run only" in _errors(result)[0]


def test_a_worker_with_another_key_is_refused_by_key_id_without_the_key(tmp_path, key_env):
    # Setup: a plan file written by a run whose key differs from this (worker) environment's
    plan = privacy.PseudonymisationPlan((privacy.ColumnPlan("patient", "id", "pseudonymise"),))
    run_key = privacy.PseudonymKey(b"the-run-key-is-another-one-0123456789ab")
    from synthgate.flows.spec import PrivacySpec

    plan_file = tmp_path / "plan.pkl"
    plan_file.write_bytes(pickle.dumps(partitions._PlanFile(plan, PrivacySpec(), run_key.key_id, {}, frozenset(), (),
                                                            None)))

    # Run / Assert: the task refuses before reading a row; the line names key ids and the variable, never a key
    with pytest.raises(partitions.WorkerKeyMismatch) as refused:
        partitions.pseudonymise_partition.fn(str(plan_file), str(tmp_path / "raw.parquet"), 0, 10,
                                             str(tmp_path / "out.parquet"), str(tmp_path / "stats.pkl"))
    line = str(refused.value)
    assert run_key.key_id in line and "SYNTHGATE_PSEUDONYM_KEY" in line and key_env not in line
    assert not (tmp_path / "out.parquet").exists()


def test_check_says_which_engine_and_refuses_a_silent_scheduler(small_release, key_env):
    # Setup: one spec on a LocalCluster per run, one on a scheduler nobody runs
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    local_cluster = small_release(engine={"kind": "dask", "workers": 3})
    ok = runner.invoke(app, ["check", str(local_cluster)])
    silent = runner.invoke(app, ["check", str(small_release(engine={"kind": "dask",
                                                                     "address": f"tcp://127.0.0.1:{port}"}))])

    # Assert
    assert ok.exit_code == 0 and "engine dask at a LocalCluster of 3 worker process(es)" in ok.output, ok.output
    assert silent.exit_code == 2 and len(_errors(silent)) == 1 and "does not answer" in silent.output

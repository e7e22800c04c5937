"""Which engine runs a release's data-parallel stages, and starting it (docs/operations.md "A Dask cluster").

``engine: {kind: local}`` (the default) runs every stage in the flow run's process. ``kind: dask``
runs the release flow with prefect-dask's ``DaskTaskRunner``: the pseudonymise stage (with its
redaction) and the evaluation's neighbour searches submit their partitions as tasks to the Dask
workers (flows/partitions.py). With ``address`` the runner connects to that scheduler; without,
it starts a ``LocalCluster`` of ``workers`` processes for the run and stops it after.
``SYNTHGATE_DASK_ADDRESS`` gives the address when the spec names no engine or no address.
"""
from __future__ import annotations

import contextlib
import logging
import os
from dataclasses import dataclass

from synthgate.flows.errors import InputError

ADDRESS_ENV = "SYNTHGATE_DASK_ADDRESS"


class EngineUnavailable(InputError):
    """The spec asks for Dask and Dask cannot be used (not installed, scheduler unreachable): nothing started."""


@dataclass(frozen=True)
class Engine:
    kind: str                 # "local" | "dask"
    address: str | None       # a Dask scheduler, or None: a LocalCluster per run
    workers: int              # that LocalCluster's worker processes
    partition_rows: int

    @property
    def is_dask(self) -> bool:
        return self.kind == "dask"

    def describe(self) -> str:
        if not self.is_dask:
            return "local (one process)"
        where = self.address or f"a LocalCluster of {self.workers} worker process(es)"
        return f"dask at {where}, partitions of {self.partition_rows:,} rows"

    def to_dict(self) -> dict:
        return {"kind": self.kind, "address": self.address, "workers": None if self.address else self.workers,
                "partition_rows": self.partition_rows}


def resolve(spec) -> Engine:
    """The spec's engine; ``SYNTHGATE_DASK_ADDRESS`` makes a spec without one run on that scheduler."""
    engine = spec.engine
    env_address = os.environ.get(ADDRESS_ENV) or None
    kind = engine.kind.value
    if kind == "local" and "kind" not in engine.model_fields_set and env_address and spec.tables is None:
        kind = "dask"
    address = engine.address or (env_address if kind == "dask" else None)
    return Engine(kind, address, engine.workers, engine.partition_rows)


def task_runner(engine: Engine):
    """The Prefect task runner of a release on ``engine``; None: the flow's own (local)."""
    if not engine.is_dask:
        return None
    try:
        from prefect_dask import DaskTaskRunner
    except ImportError:
        raise EngineUnavailable("engine: dask needs prefect-dask and dask.distributed, which are not installed: "
                                "pip install 'synthgate[dask]' (or write engine: {kind: local})") from None
    if engine.address:
        return DaskTaskRunner(address=engine.address)
    return DaskTaskRunner(cluster_kwargs={"n_workers": engine.workers, "threads_per_worker": 1,
                                          "processes": True, "dashboard_address": None, "host": "127.0.0.1"})


def check_reachable(engine: Engine, timeout_s: float = 10.0) -> None:
    """Refuse (one line, before any work) a scheduler that does not answer."""
    if not engine.is_dask or not engine.address:
        return
    task_runner(engine)  # installed?
    from distributed import Client

    try:
        with Client(engine.address, timeout=timeout_s, set_as_default=False) as client:
            workers = len(client.scheduler_info().get("workers", {}))
    except Exception as exc:
        raise EngineUnavailable(f"engine: the Dask scheduler at {engine.address} does not answer "
                                f"({type(exc).__name__}); start it (dask scheduler, dask worker) or fix "
                                "engine.address / SYNTHGATE_DASK_ADDRESS") from None
    if workers == 0:
        raise EngineUnavailable(f"engine: the Dask scheduler at {engine.address} has no worker; start at least one "
                                f"(dask worker {engine.address})")


@contextlib.contextmanager
def prefect_api_for_workers(engine: Engine):
    """Point the run and its Dask workers at one Prefect API.

    Without PREFECT_API_URL a run uses a temporary server that Prefect starts inside it; a Dask
    worker, seeing no API either, would start a temporary server of its own per process. For a
    Dask run without a server this starts Prefect's temporary server first and hands its address
    to the run (and through the task runner's context to the workers), then stops it.
    """
    from prefect.settings import PREFECT_API_URL, temporary_settings

    if not engine.is_dask or PREFECT_API_URL.value():
        yield
        return
    from prefect.server.api.server import SubprocessASGIServer

    server = SubprocessASGIServer()
    server.start()
    try:
        with temporary_settings({PREFECT_API_URL: server.api_url}):
            try:
                yield
            finally:
                _drain_to_api()  # the run's last logs and events, sent while their server still listens
    finally:
        server.stop()


def _drain_to_api(timeout_s: float = 10.0) -> None:
    from prefect.events.worker import EventsWorker
    from prefect.logging.handlers import APILogWorker

    for service in (APILogWorker, EventsWorker):
        try:
            service.drain_all(timeout=timeout_s)
        except Exception:  # draining is a courtesy to the server's log view; the run has ended either way
            pass


def quiet_cluster_logs() -> None:
    """distributed logs its workers' shutdown ("still alive after 4.0 seconds, killing") as warnings."""
    for name in ("distributed", "distributed.nanny", "distributed.scheduler", "distributed.worker"):
        logging.getLogger(name).setLevel(logging.ERROR)

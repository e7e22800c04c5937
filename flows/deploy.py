"""Scheduled releases: `synthgate deploy`, `deployments` and `undeploy` on the Prefect server at PREFECT_API_URL.

A deployment runs the installed flow (entrypoint ``synthgate.flows.release.release``, Prefect's
module-path form of ``synthgate.flows.release:release``; for a ``tables:`` spec the multi-table flow
``synthgate-release-tables``, ``synthgate.flows.release_tables.release_tables``) on a ``process`` work pool: a worker
started with ``prefect worker start --pool NAME`` runs each flow run as a subprocess of its own
Python, so the worker's environment (the pseudonymisation key) is the run's. Nothing is copied to the
server but the spec's path and the dataset's name and version.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Optional

import typer

from synthgate.flows import settings
from synthgate.flows.errors import InputError, SynthgateError

FLOW_NAME = "synthgate-release"
ENTRYPOINT = "synthgate.flows.release.release"
TABLES_FLOW_NAME = "synthgate-release-tables"
TABLES_ENTRYPOINT = "synthgate.flows.release_tables.release_tables"
FLOW_NAMES = (FLOW_NAME, TABLES_FLOW_NAME)
DEFAULT_POOL = "synthgate"
#: Non-secret settings the flow-run subprocess gets from the deployment (settings.configure's defaults).
RUN_ENV = {"TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS": "", "TOKENIZERS_PARALLELISM": "false",
           "PREFECT_SERVER_ANALYTICS_ENABLED": "false"}
HEALTH_TIMEOUT_SECONDS = 5.0


def server_url() -> str:
    """The Prefect API named by PREFECT_API_URL, checked to answer; InputError (exit 2) otherwise."""
    url = os.environ.get("PREFECT_API_URL", "").strip().rstrip("/")
    if not url:
        raise InputError("PREFECT_API_URL is not set: deployments live on a Prefect server; start one "
                         "(prefect server start) and export PREFECT_API_URL=http://127.0.0.1:4200/api")
    if not url.startswith(("http://", "https://")):
        raise InputError(f"PREFECT_API_URL={url} is not an http(s) URL; allowed: http(s)://HOST:PORT/api")
    import httpx

    try:
        answer = httpx.get(f"{url}/health", timeout=HEALTH_TIMEOUT_SECONDS)
    except httpx.InvalidURL:
        raise InputError(f"PREFECT_API_URL={url} is not a URL; allowed: http(s)://HOST:PORT/api") from None
    except (httpx.HTTPError, OSError) as exc:
        raise InputError(f"the Prefect server at PREFECT_API_URL={url} is not reachable ({type(exc).__name__}); "
                         "start it (prefect server start) or correct PREFECT_API_URL") from None
    if answer.status_code != 200:
        raise InputError(f"PREFECT_API_URL={url} answered HTTP {answer.status_code} at /health; it must be a "
                         "Prefect server's API address, ending in /api")
    return url


@dataclass(frozen=True)
class Schedule:
    cron: str
    timezone: str

    def describe(self) -> str:
        return f"cron '{self.cron}' {self.timezone}"


def choose_schedule(spec_schedule, cron: str | None, timezone: str | None) -> Schedule | None:
    """The command line's --cron/--timezone over the spec's schedule block; checked, one line if not."""
    from synthgate.flows.schedule import check_cron, check_timezone

    if cron is None and timezone is not None and spec_schedule is None:
        raise InputError("--timezone needs a schedule: give --cron too, or a schedule.cron in the spec")
    if cron is None and spec_schedule is None:
        return None
    try:
        chosen_cron = check_cron(cron) if cron is not None else spec_schedule.cron
    except ValueError as exc:
        raise InputError(f"--cron: {exc}") from None
    try:
        zone = check_timezone(timezone) if timezone is not None else (
            spec_schedule.timezone if spec_schedule is not None else "UTC")
    except ValueError as exc:
        raise InputError(f"--timezone: {exc}") from None
    return Schedule(chosen_cron, zone)


@dataclass(frozen=True)
class Deployed:
    name: str
    full_name: str
    deployment_id: str
    pool: str
    schedule: Schedule | None
    next_run: datetime | None
    warnings: tuple[str, ...]


def deploy(spec_path: Path, *, cron: str | None, timezone: str | None, pool: str, name: str | None) -> Deployed:
    """Register (or update) a deployment of the release flow for the spec (the multi-table flow for a tables:
    spec); create the process pool if missing."""
    from synthgate.flows.spec import SpecError, is_version_template, load_spec

    loaded = load_spec(spec_path)
    if loaded.spec.engine.kind.value == "dask":  # the worker would run it in one process, silently
        raise SpecError(str(spec_path), "engine.kind", "a deployment's run uses the flow's own task runner, so "
                        "engine: dask applies to synthgate run only for now; write kind: local to deploy it")
    schedule = choose_schedule(loaded.spec.schedule, cron, timezone)
    deployment_name = name or loaded.spec.dataset.name
    server_url()
    warnings = []
    version = loaded.spec.dataset.version
    if schedule is not None and not is_version_template(version):
        warnings.append(f"dataset.version {version} is fixed: the second scheduled run will stop because it exists; "
                        "use a template such as \"{date:%Y.%m}\" or auto")
    _ensure_process_pool(pool)
    deployment_id = _apply(loaded, deployment_name, schedule, pool)
    if schedule is not None and not _schedule_now(deployment_id):
        warnings.append("the server did not schedule the next runs at once; its scheduler will on its next pass "
                        "(within a minute by default)")
    next_at = None
    if schedule is not None:
        from synthgate.flows.schedule import next_run

        next_at = next_run(schedule.cron, schedule.timezone)
    return Deployed(deployment_name, f"{flow_name(loaded)}/{deployment_name}", str(deployment_id), pool, schedule,
                    next_at, tuple(warnings))


def flow_name(loaded) -> str:
    """The Prefect flow that releases the spec: one table's, or several tables' (a tables: spec)."""
    return TABLES_FLOW_NAME if loaded.spec.tables is not None else FLOW_NAME


def _schedule_now(deployment_id) -> bool:
    """Have the server create the next runs now rather than at its scheduler's next pass (every 60 s by
    default), so that a run due within that minute is not missed and `deployments` shows it at once.
    Best effort: False when the server did not (the deployment itself is registered either way)."""
    from prefect.client.orchestration import get_client

    try:
        with get_client(sync_client=True) as client:
            client.request("POST", "/deployments/{id}/schedule", path_params={"id": str(deployment_id)}, json={})
        return True
    except Exception:
        return False


def _ensure_process_pool(pool: str) -> None:
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.actions import WorkPoolCreate
    from prefect.exceptions import ObjectAlreadyExists, ObjectNotFound

    with get_client(sync_client=True) as client:
        try:
            existing = client.read_work_pool(pool)
        except ObjectNotFound:
            try:
                client.create_work_pool(WorkPoolCreate(name=pool, type="process"))
                return
            except ObjectAlreadyExists:  # a worker or another deploy made it meanwhile
                existing = client.read_work_pool(pool)
    if existing.type != "process":
        raise InputError(f"work pool {pool!r} is of type {existing.type!r}; synthgate runs on a 'process' pool "
                         "(choose another --pool name and it is created)")


def _apply(loaded, deployment_name: str, schedule: Schedule | None, pool: str):
    from prefect.client.schemas.objects import ConcurrencyLimitConfig, ConcurrencyLimitStrategy
    from prefect.schedules import Cron
    from prefect.types.entrypoint import EntrypointType

    if loaded.spec.tables is not None:
        from synthgate.flows.release_tables import release_tables as flow
        expected = TABLES_ENTRYPOINT
    else:
        from synthgate.flows.release import release as flow
        expected = ENTRYPOINT

    spec = loaded.spec
    deployment = flow.to_deployment(
        name=deployment_name,
        entrypoint_type=EntrypointType.MODULE_PATH,
        parameters={"spec_path": str(loaded.path), "dataset": spec.dataset.name, "version": spec.dataset.version},
        schedules=[Cron(schedule.cron, timezone=schedule.timezone)] if schedule else [],
        # A second run of this deployment waits for the first (a run suspended for review frees this
        # slot; the dataset lock in flows/runlock.py then stops the newcomer).
        concurrency_limit=ConcurrencyLimitConfig(limit=1, collision_strategy=ConcurrencyLimitStrategy.ENQUEUE),
        tags=["synthgate", f"dataset:{spec.dataset.name}"],
        description=f"synthgate release of {spec.dataset.name} from {loaded.path}",
        job_variables={"env": dict(RUN_ENV)},
    )
    if deployment.entrypoint != expected:  # the installed module, never a file path in a checkout
        raise SynthgateError(f"deployment entrypoint {deployment.entrypoint} is not the installed {expected}")
    return deployment.apply(work_pool_name=pool)


@dataclass(frozen=True)
class Listed:
    name: str
    dataset: str
    spec: str
    pool: str
    schedule: Schedule | None
    schedule_active: bool
    paused: bool
    next_run: datetime | None
    next_run_source: str  # "scheduled" (a run the server has created) or "computed" (from the cron)
    flow: str = FLOW_NAME  # synthgate-release, or synthgate-release-tables for a tables: spec

    def to_dict(self) -> dict:
        return {"name": self.name, "flow": self.flow, "dataset": self.dataset, "spec": self.spec, "pool": self.pool,
                "cron": self.schedule.cron if self.schedule else None,
                "timezone": self.schedule.timezone if self.schedule else None,
                "schedule_active": self.schedule_active, "paused": self.paused,
                "next_run": self.next_run.isoformat() if self.next_run else None,
                "next_run_source": self.next_run_source}


def list_deployments() -> list[Listed]:
    """The release deployments on the server (one table's and several tables'), each with its next run."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import (
        DeploymentFilter,
        DeploymentFilterId,
        FlowFilter,
        FlowFilterName,
        FlowRunFilter,
        FlowRunFilterState,
        FlowRunFilterStateType,
    )
    from prefect.client.schemas.objects import StateType
    from prefect.client.schemas.sorting import FlowRunSort

    from synthgate.flows.schedule import next_run

    server_url()
    listed = []
    with get_client(sync_client=True) as client:
        flows = {flow.id: flow.name for flow in client.read_flows(
            flow_filter=FlowFilter(name=FlowFilterName(any_=list(FLOW_NAMES))))}
        found = client.read_deployments(flow_filter=FlowFilter(name=FlowFilterName(any_=list(FLOW_NAMES))))
        for deployment in sorted(found, key=lambda d: (d.name, flows.get(d.flow_id, ""))):
            cron = next((s for s in deployment.schedules if getattr(s.schedule, "cron", None)), None)
            schedule = Schedule(cron.schedule.cron, cron.schedule.timezone or "UTC") if cron else None
            active = bool(cron and cron.active and not deployment.paused)
            upcoming = client.read_flow_runs(
                deployment_filter=DeploymentFilter(id=DeploymentFilterId(any_=[deployment.id])),
                flow_run_filter=FlowRunFilter(state=FlowRunFilterState(
                    type=FlowRunFilterStateType(any_=[StateType.SCHEDULED]))),
                sort=FlowRunSort.EXPECTED_START_TIME_ASC, limit=1)
            when, source = None, ""
            if upcoming and upcoming[0].expected_start_time:
                when, source = upcoming[0].expected_start_time, "scheduled"
            elif schedule and active:
                when, source = next_run(schedule.cron, schedule.timezone), "computed"
            if when is not None and schedule is not None:
                import zoneinfo

                when = when.astimezone(zoneinfo.ZoneInfo(schedule.timezone))
            params = deployment.parameters or {}
            listed.append(Listed(deployment.name, str(params.get("dataset", "")), str(params.get("spec_path", "")),
                                 deployment.work_pool_name or "", schedule, active, bool(deployment.paused), when,
                                 source, flows.get(deployment.flow_id, FLOW_NAME)))
    return listed


def undeploy(name: str) -> str:
    """Delete the deployment ``name`` (or ``synthgate-release/name``, ``synthgate-release-tables/name``) and its
    scheduled runs; returns its full name. A bare name both flows hold is refused: give the full one."""
    from prefect.client.orchestration import get_client
    from prefect.exceptions import ObjectNotFound

    url = server_url()
    flow, _, short = name.partition("/") if name.split("/", 1)[0] in FLOW_NAMES else ("", "", name)
    candidates = [f"{flow}/{short}"] if flow else [f"{f}/{short}" for f in FLOW_NAMES]
    with get_client(sync_client=True) as client:
        found = []
        for full in candidates:
            try:
                found.append((full, client.read_deployment_by_name(full)))
            except ObjectNotFound:
                pass
        if not found:
            raise InputError(f"no deployment {' or '.join(candidates)} on {url}; `synthgate deployments` lists them")
        if len(found) > 1:
            raise InputError(f"{short} names two deployments ({', '.join(f for f, _ in found)}); give the full name")
        full, deployment = found[0]
        client.delete_deployment(deployment.id)
    return full


# ---- the command line (registered on synthgate's app by flows/cli.py) ----

def _fail(exc: SynthgateError) -> None:
    from synthgate.flows.cli import fail

    fail(exc)


def _server_failed(exc: Exception) -> SynthgateError:
    """A request the server refused or failed (HTTP 5xx: an SQLite server under load says 503): one line, exit 3."""
    status = getattr(getattr(exc, "response", None), "status_code", None)
    return SynthgateError(f"the Prefect server failed the request ({type(exc).__name__}"
                          + (f", HTTP {status}" if status else "") + "); try again, and see the server's log")


def _say(line: str, *, stderr: bool = False) -> None:
    from synthgate.flows.cli import err, out

    (err if stderr else out).print(line, markup=False, highlight=False, soft_wrap=True)


def _when(moment: datetime | None) -> str:
    return moment.strftime("%Y-%m-%d %H:%M %Z (UTC%z)") if moment else "none"


def deploy_command(
    spec: Path = typer.Argument(..., help="The release spec (YAML)."),
    cron: Optional[str] = typer.Option(None, help="When to run, e.g. '0 3 1 * *' (03:00 on the 1st of each month). "
                                       "Default: the spec's schedule.cron; none: run on demand only."),
    timezone: Optional[str] = typer.Option(None, help="IANA timezone of the cron, e.g. Asia/Seoul. "
                                           "Default: the spec's schedule.timezone, else UTC."),
    pool: str = typer.Option(DEFAULT_POOL, help="The process work pool whose worker runs it (created if missing)."),
    name: Optional[str] = typer.Option(None, help="Deployment name. Default: the dataset's name."),
) -> None:
    """Register a scheduled release on the Prefect server at PREFECT_API_URL (updates one of the same name).

    A worker runs it: prefect worker start --pool NAME, with the pseudonymisation key in its environment.
    Exit codes: 0 registered; 2 bad input (spec, schedule, no or unreachable server).
    """
    settings.configure()
    try:
        done = deploy(spec, cron=cron, timezone=timezone, pool=pool, name=name)
    except SynthgateError as exc:
        _fail(exc)
    except Exception as exc:  # the server's own failure; its text is Prefect's, not data, but may be long
        _fail(_server_failed(exc))
    for warning in done.warnings:
        _say(f"warning: {warning}", stderr=True)
    when = f"{done.schedule.describe()}, next run {_when(done.next_run)}" if done.schedule else "no schedule (run on demand)"
    _say(f"deployed {done.full_name} on pool {done.pool}: {when}")
    _say(f"a worker runs it: prefect worker start --pool {done.pool}   (run a release now: prefect deployment run "
         f"'{done.full_name}')")


def deployments_command(
    as_json: bool = typer.Option(False, "--json", help="Print one JSON list instead of lines."),
) -> None:
    """List the release deployments on the Prefect server at PREFECT_API_URL, with their next run."""
    settings.configure()
    try:
        listed = list_deployments()
    except SynthgateError as exc:
        _fail(exc)
    except Exception as exc:  # the server's own failure; its text is Prefect's, not data, but may be long
        _fail(_server_failed(exc))
    if as_json:
        import json
        import sys

        sys.stdout.write(json.dumps([item.to_dict() for item in listed], indent=2) + "\n")
        return
    if not listed:
        _say("no synthgate deployments on this server (synthgate deploy SPEC registers one)")
    for item in listed:
        schedule = item.schedule.describe() if item.schedule else "no schedule"
        state = "" if item.schedule_active or not item.schedule else " (paused)"
        _say(f"{item.name}  dataset {item.dataset}  {schedule}{state}  next run {_when(item.next_run)}  "
             f"pool {item.pool}  spec {item.spec}" + (f"  flow {item.flow}" if item.flow != FLOW_NAME else ""))


def undeploy_command(name: str = typer.Argument(..., help="The deployment's name (as `synthgate deployments` lists it; "
                                                "FLOW/NAME when both flows have one of that name).")) -> None:
    """Remove a release deployment and its scheduled runs from the Prefect server (runs in progress go on)."""
    settings.configure()
    try:
        full = undeploy(name)
    except SynthgateError as exc:
        _fail(exc)
    except Exception as exc:  # the server's own failure; its text is Prefect's, not data, but may be long
        _fail(_server_failed(exc))
    _say(f"removed {full}")


def add_commands(app: typer.Typer) -> None:
    """Register deploy, deployments and undeploy on synthgate's command line."""
    app.command("deploy")(deploy_command)
    app.command("deployments")(deployments_command)
    app.command("undeploy")(undeploy_command)

"""`synthgate review list | show | approve | reject`: the committee's side of a suspended release.

Every command talks to the Prefect server at PREFECT_API_URL (the server the deployment runs on)
and reads the pending area on this machine. A decision is sent with Prefect's own
``resume_flow_run(run_id, run_input=...)``; the run then publishes or discards by itself.
Exit codes: 0 done; 2 refused (reviewer not listed, wrong report hash, no such pending run, no server);
3 with --wait, the resumed run did not complete.
"""
from __future__ import annotations

import time
import uuid
from typing import Optional

import typer
from rich.console import Console

from synthgate.flows import settings
from synthgate.flows.errors import ReviewError, SynthgateError
from synthgate.flows.workspace import ReleaseLayout, read_json

review_app = typer.Typer(name="review", no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False,
                         help="Decide on releases suspended for committee review (list, show, approve, reject).")
out = Console()
FLOW_NAMES = ("synthgate-release", "synthgate-release-tables")  # one table, several tables
_ENDED = ("FAILED", "CANCELLED", "CRASHED", "COMPLETED")
SHA256 = "^[0-9a-f]{64}$"


def _fail(exc: SynthgateError) -> None:
    from synthgate.flows.cli import fail

    fail(exc)


def _client():
    """A sync Prefect client for the server at PREFECT_API_URL; one line and exit 2 when none answers."""
    settings.configure()
    from synthgate.flows.deploy import server_url

    try:
        server_url()
    except SynthgateError as exc:
        _fail(exc)
    from prefect.client.orchestration import get_client

    return get_client(sync_client=True)


def _runs(client, states: tuple[str, ...], limit: int = 200) -> list:
    from prefect.client.schemas.filters import (FlowFilter, FlowFilterName, FlowRunFilter, FlowRunFilterState,
                                                FlowRunFilterStateType)
    from prefect.client.schemas.objects import StateType
    from prefect.client.schemas.sorting import FlowRunSort

    return client.read_flow_runs(
        flow_filter=FlowFilter(name=FlowFilterName(any_=list(FLOW_NAMES))),
        flow_run_filter=FlowRunFilter(state=FlowRunFilterState(type=FlowRunFilterStateType(
            any_=[StateType(s) for s in states]))),
        sort=FlowRunSort.START_TIME_DESC, limit=limit)


def _pending_of(run) -> review.PendingReview | None:
    """The pending release of a flow run, found through the spec its parameters name."""
    from synthgate.flows import review
    from synthgate.flows.spec import load_spec

    spec_path = (run.parameters or {}).get("spec_path")
    if not spec_path:
        return None
    try:
        loaded = load_spec(spec_path)
    except SynthgateError:
        return None
    return review.pending_for_run(loaded.workspace_dir, str(run.id))


def _find(client, run_ref: str) -> tuple[object, review.PendingReview]:
    """The suspended flow run named by id or name, and its pending release (ReviewError when there is none)."""
    from prefect.exceptions import ObjectNotFound

    try:
        run = client.read_flow_run(uuid.UUID(run_ref))
    except ValueError:
        named = [r for r in _runs(client, ("PAUSED",)) if r.name == run_ref]
        if len(named) != 1:
            raise ReviewError(f"{len(named) or 'no'} suspended release runs are named {run_ref!r}; "
                              "give the flow run id (synthgate review list)") from None
        run = named[0]
    except ObjectNotFound:
        raise ReviewError(f"the Prefect server knows no flow run {run_ref}") from None
    pending = _pending_of(run)
    if pending is None:
        raise ReviewError(f"flow run {run.id} ({run.name}) has no release awaiting review")
    return run, pending


@review_app.command("list")
def list_pending() -> None:
    """List the releases awaiting a decision (and discard those whose run expired or ended)."""
    from synthgate.flows import review  # imports Prefect: only when a command runs

    with _client() as client:
        for run in _runs(client, _ENDED, limit=100):
            pending = _pending_of(run)
            if pending is not None and (reason := review.abandoned(pending)) is not None:
                review.close(pending, reason)
                out.print(f"discarded: {pending.record['dataset']} {pending.record['version']} (flow run {run.id}, "
                          f"{reason})", markup=False, highlight=False, soft_wrap=True)
        waiting = [(run, p) for run in _runs(client, ("PAUSED",)) if (p := _pending_of(run)) is not None]
    if not waiting:
        out.print("no release awaits review")
        return
    for run, pending in waiting:
        record = pending.record
        out.print(f"{run.id}  {record['dataset']} {record['version']}  suspended {record['suspended_at']}  "
                  f"decide by {record['expires_at']}  reviewers {', '.join(pending.reviewers)}",
                  markup=False, highlight=False, soft_wrap=True)


@review_app.command()
def show(run: str = typer.Argument(..., help="The flow run id (or its name) from `synthgate review list`.")) -> None:
    """Print where the pending report is and the headline gates."""
    from synthgate.flows import review  # imports Prefect: only when a command runs

    try:
        with _client() as client:
            flow_run, pending = _find(client, run)
    except SynthgateError as exc:
        _fail(exc)
    record, release = pending.record, pending.release_dir
    validation = read_json(release / ReleaseLayout.VALIDATION)
    lines = [
        f"{record['dataset']} {record['version']}: awaiting review (flow run {flow_run.id}, state "
        f"{flow_run.state.name if flow_run.state else 'unknown'})",
        f"report: {pending.report}",
        f"release files: {release} ({record['files']} files, nothing in the catalog yet)",
        f"reviewers: {', '.join(pending.reviewers)}; decide by {record['expires_at']}",
        f"validation: {validation['evaluated']} expectations, {validation['failed']} failed",
        "gates: " + ", ".join(f"{g['metric']} {g['verdict']}" for g in review.headline_gates(release)),
        f"approve with the sha256 of the report you read: synthgate review approve {flow_run.id} --reviewer NAME "
        f"--report-sha256 $(sha256sum {pending.report} | cut -d' ' -f1)",
    ]
    for line in lines:
        out.print(line, markup=False, highlight=False, soft_wrap=True)


Reviewer = typer.Option(..., "--reviewer", help="Your name, as the spec's review.reviewers lists it.")
Comment = typer.Option("", "--comment", help="The committee's words (at most 500 characters; no data values).")
Wait = typer.Option(False, "--wait", help="Wait until the resumed run ends; exit 3 unless it completes.")


def _decide(run: str, decision: review.ReviewDecision, wait: bool) -> None:
    from synthgate.flows import review  # imports Prefect: only when a command runs

    from prefect.exceptions import FlowPauseTimeout
    from prefect.flow_runs import NotPausedError, resume_flow_run

    try:
        with _client() as client:
            flow_run, pending = _find(client, run)
            problem = review.check_decision(pending, decision)
            if problem is not None:
                raise ReviewError(problem)
            review.ensure_reviewable(pending)
            try:
                resume_flow_run(flow_run.id, run_input=decision.model_dump(
                    include={"decision", "reviewer", "comment", "report_sha256"}))
            except (NotPausedError, FlowPauseTimeout, RuntimeError) as exc:
                raise ReviewError(f"flow run {flow_run.id} cannot be resumed: {exc}") from None
    except SynthgateError as exc:
        _fail(exc)
    record = pending.record
    verb = "approved" if decision.decision == "approve" else "rejected"
    out.print(f"{verb}: {record['dataset']} {record['version']} by {decision.reviewer}; flow run {flow_run.id} resumes "
              f"and {'publishes the reviewed files' if verb == 'approved' else 'discards them'}",
              markup=False, highlight=False, soft_wrap=True)
    if wait:
        _wait(flow_run.id, pending)


def _wait(flow_run_id, pending: review.PendingReview, timeout: float = 1800) -> None:
    deadline = time.monotonic() + timeout
    with _client() as client:
        while time.monotonic() < deadline:
            state = client.read_flow_run(flow_run_id).state
            if state is not None and state.is_final():
                break
            time.sleep(2)
    done = state is not None and state.is_completed()
    release_dir = pending.layout.release_dir
    out.print(f"flow run {flow_run_id}: {state.name if state else 'unknown'}"
              + (f"; published {release_dir}" if done and release_dir.is_dir() else ""),
              markup=False, highlight=False, soft_wrap=True)
    raise typer.Exit(0 if done else 3)


def _options(reviewer: str, comment: str, report_sha256: str | None) -> None:
    import re

    if not re.match(r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$", reviewer):
        _fail(ReviewError("--reviewer must be a name of 1-64 letters, digits, '.', '_', '@' or '-'"))
    if len(comment) > 500:
        _fail(ReviewError(f"--comment holds {len(comment)} characters; at most 500"))
    if report_sha256 is not None and not re.match(SHA256, report_sha256):
        _fail(ReviewError("--report-sha256 must be 64 lower-case hexadecimal digits (sha256sum of report.html)"))


@review_app.command()
def approve(
    run: str = typer.Argument(..., help="The flow run id (or its name)."),
    reviewer: str = Reviewer,
    report_sha256: str = typer.Option(..., "--report-sha256", help="sha256 of the report.html you read."),
    comment: str = Comment,
    wait: bool = Wait,
) -> None:
    """Approve: the run resumes and publishes exactly the files reviewed.

    Refused (exit 2) unless you are one of the spec's reviewers and the hash is the pending report's.
    """
    from synthgate.flows import review  # imports Prefect: only when a command runs

    _options(reviewer, comment, report_sha256)
    _decide(run, review.ReviewDecision(decision="approve", reviewer=reviewer, comment=comment,
                                       report_sha256=report_sha256), wait)


@review_app.command()
def reject(
    run: str = typer.Argument(..., help="The flow run id (or its name)."),
    reviewer: str = Reviewer,
    comment: str = Comment,
    wait: bool = Wait,
    report_sha256: Optional[str] = typer.Option(None, "--report-sha256", help="sha256 of the report read "
                                                "(optional; recorded with the pending report's)."),
) -> None:
    """Reject: the run resumes, publishes nothing and deletes its pending area."""
    from synthgate.flows import review  # imports Prefect: only when a command runs

    _options(reviewer, comment, report_sha256)
    _decide(run, review.ReviewDecision(decision="reject", reviewer=reviewer, comment=comment,
                                       report_sha256=report_sha256 or ""), wait)

"""Committee review of a release: the pending area, the suspension that waits for a decision, and its outcome.

A review-required run writes the whole release (data, Data Docs, evaluation, report, manifest) into the
pending area ``<workspace>/_review/<flow-run-id>/release/`` (never the catalog), records what was
written in ``review.json`` beside it, and suspends (Prefect's ``suspend_flow_run`` with a
`ReviewDecision` form). The run's process then exits. A reviewer's decision resumes it: Prefect runs
the flow again from the top, the flow finds this run's pending record before any stage and goes
straight to the decision, so nothing is ingested, trained or sampled again. An approval publishes
the pending files byte for byte (hash-checked); a rejection or an expiry deletes the pending area.

Only paths, hashes, names, counts and times go into Prefect (the form's description, the run
input) and into the record: never a value from the data.
"""
from __future__ import annotations

import shutil
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Literal

from pydantic import Field, ValidationError
from prefect.input import RunInput

from synthgate.flows.errors import ReviewError
from synthgate.flows.workspace import ReleaseLayout, read_json, write_json

PENDING_AREA = "_review"  # under the spec's workspace folder; '_' is never a dataset slug
RECORD = "review.json"
RELEASE = "release"
MAX_DECISIONS = 20  # decisions a run accepts before it stops asking (each refused one is audited)
# Prefect states of a run that still waits for, or is acting on, its decision.
_WAITING = {"PAUSED", "SCHEDULED", "PENDING", "RUNNING", "CANCELLING"}


class ReviewDecision(RunInput):
    """A reviewer's decision on a suspended release (sent by `synthgate review` or the Prefect UI form)."""

    decision: Literal["approve", "reject"] = Field(description="approve publishes the reviewed files; "
                                                   "reject discards them.")
    reviewer: str = Field(min_length=1, max_length=64, description="Your name as the spec's reviewers list it.")
    comment: str = Field(default="", max_length=500, description="Goes into the manifest, the report and the "
                         "audit log: words of the committee, never a value from the data.")
    report_sha256: str = Field(default="", pattern=r"^([0-9a-f]{64})?$", description="sha256 of the "
                               "report.html you read (required to approve).")


@dataclass(frozen=True)
class PendingReview:
    """One release waiting for its decision: the record written when the run suspended."""

    folder: Path
    record: dict

    @property
    def release_dir(self) -> Path:
        return self.folder / RELEASE

    @property
    def report(self) -> Path:
        return self.release_dir / ReleaseLayout.REPORT

    @property
    def flow_run_id(self) -> str:
        return self.record["flow_run_id"]

    @property
    def reviewers(self) -> list[str]:
        return list(self.record["reviewers"])

    @property
    def expires_at(self) -> datetime:
        return datetime.fromisoformat(self.record["expires_at"])

    @property
    def layout(self) -> ReleaseLayout:
        return ReleaseLayout(Path(self.record["catalog"]), self.record["dataset"], self.record["version"])

    def expired(self, now: datetime | None = None) -> bool:
        return (now or _now()) >= self.expires_at


def _now() -> datetime:
    return datetime.now(timezone.utc).replace(microsecond=0)


def pending_area(workspace_dir: Path) -> Path:
    return Path(workspace_dir) / PENDING_AREA


def pending_for_run(workspace_dir: Path, flow_run_id: str) -> PendingReview | None:
    """The pending release of one flow run, or None."""
    folder = pending_area(workspace_dir) / str(flow_run_id)
    if not (folder / RECORD).is_file():
        return None
    return PendingReview(folder, read_json(folder / RECORD))


def pending_reviews(workspace_dir: Path, dataset: str | None = None) -> list[PendingReview]:
    """Every pending release under a workspace folder (of one dataset when given), oldest first."""
    area = pending_area(workspace_dir)
    found = [PendingReview(path.parent, read_json(path)) for path in sorted(area.glob(f"*/{RECORD}"))]
    found = [p for p in found if dataset is None or p.record["dataset"] == dataset]
    return sorted(found, key=lambda p: p.record["suspended_at"])


def check_decision(pending: PendingReview, decision: ReviewDecision) -> str | None:
    """Why a decision cannot be accepted (one line), or None when it can."""
    if decision.reviewer not in pending.reviewers:
        return (f"reviewer {decision.reviewer!r} is not one of this release's reviewers "
                f"({', '.join(pending.reviewers)})")
    if decision.decision == "approve" and decision.report_sha256 != pending.record["report_sha256"]:
        shown = decision.report_sha256 or "none"
        return (f"report sha256 {shown} is not that of the pending report ({pending.record['report_sha256']}); "
                f"read {pending.report} and give its sha256")
    return None


def headline_gates(release_dir: Path) -> list[dict]:
    """The publish gates of a pending release: metric, verdict, passed (names and flags only)."""
    figures = read_json(release_dir / ReleaseLayout.EVALUATION)
    return [{"metric": g.get("metric"), "verdict": g.get("verdict"), "passed": bool(g.get("passed"))}
            for g in figures.get("gates", [])]


def description(pending: PendingReview) -> str:
    """The Prefect UI form's text: where the report is, its hash, who may decide and by when."""
    record = pending.record
    failed = [g["metric"] for g in headline_gates(pending.release_dir) if not g["passed"]]
    return "\n".join([
        f"**Review of {record['dataset']} {record['version']}** (workspace run {record['workspace_run_id']})", "",
        f"- report: `{pending.report}`",
        f"- to approve, give the sha256 of the report you read (`sha256sum {pending.report}`)",
        f"- reviewers: {', '.join(pending.reviewers)}",
        f"- decide by: {record['expires_at']}",
        f"- gates: {record['gates']} evaluated, failed: {', '.join(failed) or 'none'}",
    ])


def new_record(*, flow_run_id: str, dataset: str, version: str, workspace: Path, catalog: Path, spec: Path,
               spec_sha256: str, reviewers: list[str], expires_after_seconds: int, pdf: bool) -> dict:
    suspended = _now()
    return {
        "flow_run_id": flow_run_id, "dataset": dataset, "version": version, "workspace_run_id": workspace.name,
        "workspace": str(workspace), "catalog": str(catalog), "spec": str(spec), "spec_sha256": spec_sha256,
        "reviewers": list(reviewers), "suspended_at": suspended.isoformat(),
        "expires_at": (suspended + timedelta(seconds=expires_after_seconds)).isoformat(), "pdf": pdf,
    }


def review_block(record: dict, decision: ReviewDecision | None = None) -> dict:
    """The manifest's review block: pending, or the decision with who, when, comment and the report hash."""
    block = {"required": True, "status": "pending", "reviewers": record["reviewers"],
             "suspended_at": record["suspended_at"], "expires_at": record["expires_at"]}
    if decision is not None:
        block.update(status="approved" if decision.decision == "approve" else "rejected",
                     reviewer=decision.reviewer, decided_at=_now().isoformat(), comment=decision.comment,
                     report_sha256=record["report_sha256"])
    return block


def write_record(folder: Path, record: dict) -> PendingReview:
    write_json(folder / RECORD, record)
    return PendingReview(folder, record)


def discard(pending: PendingReview) -> None:
    """Delete the pending area of one run (the record last, so a crash leaves it findable)."""
    shutil.rmtree(pending.release_dir, ignore_errors=True)
    shutil.rmtree(pending.folder, ignore_errors=True)


def close(pending: PendingReview, reason: str, decision: ReviewDecision | None = None) -> None:
    """Discard a pending release that will not be published and audit why (rejected, expired, run ended)."""
    from synthgate.flows import audit

    record = pending.record
    discard(pending)
    facts = {"decision": "reject", "reviewer": decision.reviewer, "comment": decision.comment} if decision else \
        {"decision": reason, "reviewer": None, "comment": None}
    audit.record(record["catalog"], "decision", dataset=record["dataset"], version=record["version"],
                 run_id=record["workspace_run_id"], accepted=True, published=False,
                 report_sha256=record["report_sha256"], **facts)


def load_decision(form: type[ReviewDecision], attempt: int, timeout: int) -> ReviewDecision | str:
    """Suspend for decision number ``attempt`` (the process exits), or return it when this run was resumed.

    A resumed run replays its earlier suspensions in order: Prefect refuses a pause key that has
    already fired and hands back the input it received, so the same decisions come back in the same order.
    """
    from prefect.flow_runs import suspend_flow_run

    try:
        return suspend_flow_run(wait_for_input=form, timeout=max(1, timeout), key=f"review-{attempt}")
    except ValidationError:
        return "the decision was resumed without a valid form (decision, reviewer, report_sha256)"


def run_state(flow_run_id: str) -> tuple[str, str] | None:
    """The Prefect state (type, name) of a flow run, or None when the server does not know it."""
    from uuid import UUID

    from prefect.client.orchestration import get_client
    from prefect.exceptions import ObjectNotFound

    with get_client(sync_client=True) as client:
        try:
            run = client.read_flow_run(UUID(str(flow_run_id)))
        except ObjectNotFound:
            return None
    return (run.state.type.value, run.state.name) if run.state else ("UNKNOWN", "unknown")


def abandoned(pending: PendingReview) -> str | None:
    """Why a pending release will never be decided ('expired', 'run cancelled', ...), or None while it may be."""
    state = run_state(pending.flow_run_id)
    if state is not None and state[0] in _WAITING:
        return None  # a paused run past its deadline is failed by the server soon; a resumed one is acting
    if pending.expired():
        return "expired"
    return f"run {state[1].lower()}" if state is not None else "run deleted"


def ensure_reviewable(pending: PendingReview) -> None:
    """Raise ReviewError when the run no longer waits for a decision (expired, ended, already resumed)."""
    if pending.expired():
        raise ReviewError(f"the review of {pending.record['dataset']} {pending.record['version']} expired at "
                          f"{pending.record['expires_at']}; nothing will be published")
    state = run_state(pending.flow_run_id)
    if state is None or state[0] != "PAUSED":
        shown = state[1] if state else "unknown to the server"
        raise ReviewError(f"flow run {pending.flow_run_id} is not waiting for a decision (state: {shown})")

"""What the release flow does for a committee review: hold the release, wait for the decision, act on it.

`resume_point` runs before any stage: it sweeps abandoned pending releases, refuses a review-required
run without a deployment (Prefect can only suspend a deployment's run), and finds this run's pending
release when the run was resumed. `hold` writes the pending release and `decide` suspends until a
valid decision arrives, then publishes the reviewed files or discards them.

Both release flows call these steps: one table (flows/release.py) and several tables
(flows/release_tables.py). The pending record's ``kind`` ("table" or "tables") chooses which files
`hold` writes and how an approval rewrites the report; the rest is the same for both.
"""
from __future__ import annotations

import logging
from dataclasses import asdict
from pathlib import Path

from prefect import get_run_logger, task
from prefect.context import FlowRunContext

from synthgate.flows import audit, review
from synthgate.flows.errors import ReviewError
from synthgate.flows.publish import publish_reviewed, publish_reviewed_files, write_release
from synthgate.flows.spec import LoadedSpec
from synthgate.flows.tasks import TASK_OPTIONS, stage
from synthgate.flows.sources import file_sha256
from synthgate.flows.workspace import ReleaseLayout, Workspace, read_json


def _logger() -> logging.Logger:
    try:
        return get_run_logger()
    except Exception:  # outside a run (tests of the helpers)
        return logging.getLogger("synthgate.review")


def _flow_run():
    context = FlowRunContext.get()
    return context.flow_run if context is not None else None


def resume_point(loaded: LoadedSpec) -> review.PendingReview | None:
    """Before any stage: this run's pending release when it was resumed after review, else None.

    Raises:
        ReviewError: the spec requires review but this run belongs to no deployment (nothing was started).
    """
    if not loaded.spec.review.required:
        return None
    run = _flow_run()
    if run is None or run.deployment_id is None:
        raise ReviewError("review.required: a reviewed release must run from a deployment (synthgate deploy "
                          "SPEC, then let its schedule or `prefect deployment run` start it); a plain run cannot "
                          "be suspended for the committee")
    sweep(loaded)
    return review.pending_for_run(loaded.workspace_dir, str(run.id))


def sweep(loaded: LoadedSpec) -> list[str]:
    """Discard this workspace's pending releases that will never be decided (expired, cancelled); audit each."""
    discarded = []
    for pending in review.pending_reviews(loaded.workspace_dir):
        reason = review.abandoned(pending)
        if reason is not None:
            discard(pending, reason)
            discarded.append(pending.flow_run_id)
    return discarded


def discard(pending: review.PendingReview, reason: str, decision: review.ReviewDecision | None = None) -> None:
    """Delete a pending release and record why (a rejection, an expiry, a run that ended)."""
    review.close(pending, reason, decision)
    _logger().info("review: %s %s not published (%s); pending area removed", pending.record["dataset"],
                   pending.record["version"], "rejected" if decision else reason)


def hold(loaded: LoadedSpec, ws: Workspace) -> review.PendingReview:
    """Write the whole release into the pending area (not the catalog) and record what the reviewers will read.

    A tables: spec's release is all its tables, their report and manifest: one decision publishes all of them.
    """
    run = _flow_run()
    spec = loaded.spec
    folder = review.pending_area(loaded.workspace_dir) / str(run.id)
    (folder / review.RELEASE).mkdir(parents=True, exist_ok=True)
    tables = spec.tables is not None
    record = review.new_record(
        flow_run_id=str(run.id), dataset=spec.dataset.name, version=spec.dataset.version, workspace=ws.root,
        catalog=loaded.catalog_dir, spec=loaded.path, spec_sha256=loaded.sha256, reviewers=spec.review.reviewers,
        expires_after_seconds=spec.review.expires_after_seconds, pdf=spec.evaluation.pdf and not tables)
    record["kind"] = "tables" if tables else "table"
    _write_pending(folder / review.RELEASE, loaded, ws, record)
    manifest_files = read_json(folder / review.RELEASE / ReleaseLayout.MANIFEST)["files"]
    record.update(report_sha256=manifest_files[ReleaseLayout.REPORT]["sha256"], files=len(manifest_files),
                  gates=len(review.headline_gates(folder / review.RELEASE)))
    pending = review.write_record(folder, record)
    audit.record(loaded.catalog_dir, "suspended_for_review", dataset=spec.dataset.name, version=spec.dataset.version,
                 run_id=ws.root.name, report_sha256=record["report_sha256"], reviewers=record["reviewers"],
                 expires_at=record["expires_at"], files=record["files"])
    _logger().warning("review: %s %s awaits a decision by %s; report %s sha256 %s", spec.dataset.name,
                      spec.dataset.version, record["expires_at"], pending.report, record["report_sha256"])
    return pending


@task(name="stage-for-review", **TASK_OPTIONS)
@stage("stage-for-review")
def _write_pending(folder, loaded: LoadedSpec, ws: Workspace, record: dict) -> None:
    run = _flow_run()
    flow_run_id, block = (str(run.id) if run else None), review.review_block(record)
    if record.get("kind") == "tables":
        from synthgate.flows.tasks_tables import write_tables_release

        write_tables_release(folder, loaded, ws, flow_run_id, review=block)
    else:
        write_release(folder, loaded, ws, flow_run_id=flow_run_id, review=block)


def decide(pending: review.PendingReview, *, resumed: bool) -> dict:
    """Suspend until a valid decision (the process exits meanwhile), then publish or discard the pending release.

    Decisions that fail the checks (a reviewer not listed, a wrong report hash: possible from the
    Prefect UI form) are audited and the run suspends again, until the deadline. ``resumed``: this
    process was started by a decision, so the suspension after the refused ones has fired too (the
    server accepted it before the deadline).
    """
    refused = set(pending.record.get("refused", []))
    fired = len(refused) + (1 if resumed else 0)
    for attempt in range(1, review.MAX_DECISIONS + 1):
        remaining = int((pending.expires_at - review._now()).total_seconds())
        if remaining <= 0 and attempt > fired:
            discard(pending, "expired")
            return _outcome(pending, None, "expired")
        decision = review.load_decision(review.ReviewDecision.with_initial_data(
            description=review.description(pending)), attempt, remaining)
        problem = decision if isinstance(decision, str) else review.check_decision(pending, decision)
        if problem is None:
            return _act(pending, decision)
        if attempt not in refused:  # a resumed run replays earlier refusals: audit each once
            _refuse(pending, attempt, problem, None if isinstance(decision, str) else decision)
            refused.add(attempt)
    discard(pending, f"{review.MAX_DECISIONS} decisions refused")
    return _outcome(pending, None, "refused")


def _refuse(pending: review.PendingReview, attempt: int, problem: str, decision) -> None:
    record = pending.record
    record["refused"] = sorted({*record.get("refused", []), attempt})
    review.write_record(pending.folder, record)
    audit.record(record["catalog"], "decision", dataset=record["dataset"], version=record["version"],
                 run_id=record["workspace_run_id"], accepted=False, published=False,
                 decision=decision.decision if decision else None,
                 reviewer=decision.reviewer if decision else None, reason=problem)
    _logger().warning("review: decision refused, waiting again: %s", problem)


def _act(pending: review.PendingReview, decision: review.ReviewDecision) -> dict:
    if decision.decision == "reject":
        discard(pending, "rejected", decision)
        return _outcome(pending, decision, "rejected")
    published = _publish_reviewed(pending, review.review_block(pending.record, decision))
    record = pending.record
    audit.record(record["catalog"], "decision", dataset=record["dataset"], version=record["version"],
                 run_id=record["workspace_run_id"], accepted=True, published=True, decision="approve",
                 reviewer=decision.reviewer, comment=decision.comment, report_sha256=record["report_sha256"])
    manifest_sha256, _ = file_sha256(Path(published["manifest"]))
    # The same facts as an unreviewed run's `published` event (flows/audit.py), plus the flag.
    audit.record(record["catalog"], "published", dataset=record["dataset"], version=record["version"],
                 run_id=record["workspace_run_id"], once=True,
                 release_dir=str(Path(published["release_dir"]).relative_to(record["catalog"])),
                 manifest_sha256=manifest_sha256, rows=published["rows"], reviewed=True)
    review.discard(pending)
    return _outcome(pending, decision, "approved", published)


@task(name="publish-reviewed", **TASK_OPTIONS)
@stage("publish-reviewed")
def _publish_reviewed(pending: review.PendingReview, block: dict) -> dict:
    """Publish the pending files as reviewed (hash-checked); only the report and manifest gain the decision."""
    if pending.record.get("kind") == "tables":  # all tables at once, as tasks_tables.publish returns them
        from synthgate.flows.tasks_tables import published_paths, rewrite_reviewed_report

        manifest = publish_reviewed_files(pending.release_dir, pending.layout, block, rewrite_reviewed_report)
        get_run_logger().info("publish: %s (as reviewed, %d tables)", pending.layout.release_dir,
                              len(manifest["tables"]))
        return published_paths(pending.layout.release_dir, manifest)
    published = publish_reviewed(pending.release_dir, pending.layout, block, pdf=bool(pending.record.get("pdf")))
    get_run_logger().info("publish: %s (as reviewed)", published.release_dir)
    return asdict(published)


def _outcome(pending: review.PendingReview, decision, status: str, published: dict | None = None) -> dict:
    record = pending.record
    return {"workspace": record["workspace"], "published": published,
            "review": {"status": status, "reviewer": decision.reviewer if decision else None,
                       "report_sha256": record["report_sha256"]}}

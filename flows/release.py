"""The release flow: ingest → pseudonymise → train → sample → evaluate → validate → publish."""
from __future__ import annotations

from pathlib import Path

from prefect import flow, get_run_logger
from prefect.runtime import flow_run

from synthgate.flows import audit, catalog_site, gc, review_steps, runlock, tasks, versions
from synthgate.flows.errors import SynthgateError
from synthgate.flows.spec import LoadedSpec, load_spec
from synthgate.flows.workspace import Workspace, new_run_id, write_json


def _run_name() -> str:
    params = flow_run.parameters
    return f"{params.get('dataset', 'release')}-{params.get('version', '')}".rstrip("-")


@flow(name="synthgate-release", flow_run_name=_run_name, persist_result=False, validate_parameters=True)
def release(spec_path: str, dataset: str = "", version: str = "", run_id: str = "", site: bool = True,
            source_sha256: str = "") -> dict:
    """Release one synthetic dataset from the spec at ``spec_path``.

    ``dataset`` and ``version`` only name the flow run; the spec is the single source of truth.
    ``site``: rebuild the catalog's site after publishing (false: ``synthgate run --no-site``, or the
    deployment's parameter); a failed build logs one alert line and the run still succeeds.
    ``source_sha256``: the source's hash when `synthgate run` checked it; ingest refuses another (exit 2).
    Returns the published paths and the facts each stage recorded (counts, never values).
    """
    try:
        loaded = load_spec(spec_path)
    except SynthgateError as exc:
        runlock.announce("failed", dataset or "unknown", version, str(flow_run.id) if flow_run.id else "", exc)
        raise
    # One run per dataset: a second run stops with DatasetBusy; a run suspended for review keeps holding it.
    with runlock.one_run_per_dataset(loaded.catalog_dir, loaded.spec.dataset.name, loaded.spec.dataset.version,
                                     str(flow_run.id) if flow_run.id else None):
        result = _release_stages(loaded, run_id, version, source_sha256)
    published = result.get("published")
    if site and published:  # also after the committee's approval: the resumed run ends here too
        result["site"] = catalog_site.after_publish(
            loaded.catalog_dir, dataset=loaded.spec.dataset.name, version=Path(published["release_dir"]).name,
            flow_run_id=str(flow_run.id) if flow_run.id else None)
    return result


def _release_stages(loaded: LoadedSpec, run_id: str, requested_version: str = "", source_sha256: str = "") -> dict:
    """The stages in order, run while this flow run holds its dataset."""
    resumed = review_steps.resume_point(loaded)  # resumed after review: the stages ran before it suspended
    if resumed is not None:
        return review_steps.decide(resumed, resumed=True)
    # A version template ({date:...}, {run_date:...}, auto) is resolved once, here, and kept for the run.
    loaded, resolved = versions.resolve_for_run(loaded, requested=requested_version,
                                                flow_run_id=str(flow_run.id) if flow_run.id else None,
                                                scheduled=flow_run.scheduled_start_time)
    spec = loaded.spec
    ws = Workspace.for_run(loaded.workspace_dir, spec.dataset.name, spec.dataset.version,
                           run_id or new_run_id()).create()
    write_json(ws.run_record, {"spec": str(loaded.path), "spec_sha256": loaded.sha256,
                               "prefect_flow_run_id": str(flow_run.id) if flow_run.id else None, **resolved.facts()})
    # Debris of killed runs (staging folders, Chromium profiles) and run folders past workspace.keep go now.
    for path in gc.at_run_start(loaded, current=ws.root).paths:
        get_run_logger().info("gc: removed %s", path)
    with audit.release_events(loaded, ws, resolved) as events:
        versions.ensure_new(loaded)  # a scheduled run has had no preflight: an existing version stops it (exit 2)
        tasks.ingest(loaded, ws, source_sha256)
        events.started()
        tasks.pseudonymise(loaded, ws)
        trained = tasks.train(loaded, ws)
        tasks.sample(loaded, ws)
        tasks.evaluate(loaded, ws)  # before validate: its figures are expectations of the suite
        tasks.validate(loaded, ws)
        events.gates(passed=True)
        if spec.review.required:  # the committee decides: suspend, then publish the reviewed files or discard them
            return review_steps.decide(review_steps.hold(loaded, ws), resumed=False)
        published = tasks.publish(loaded, ws, str(flow_run.id) if flow_run.id else None)
        events.published(published)
    return {"workspace": str(ws.root), "published": published, "train_seconds": trained.train_seconds,
            "facts": tasks.read_stage_facts(ws)}

"""Version templates, resolved once when a run starts: ``{date:%Y.%m}``, ``{run_date:%Y.%m.%d}`` and ``auto``.

- ``{date:FORMAT}``: when the run resolves its version (strftime FORMAT);
- ``{run_date:FORMAT}``: the flow run's scheduled time (Prefect's ``scheduled_start_time``; the
  start itself when the run has no schedule), so a scheduled run that starts late or is retried
  still names its own period;
- ``auto``: the next patch version after the latest ``X.Y.Z`` this dataset has in the catalog
  (its folders, and the versions the audit trail says were published or withdrawn), or
  `FIRST_AUTO` when there is none.

Both dates are read in the spec's ``schedule.timezone`` when it has a schedule, else in the
machine's local time. The resolution is kept per Prefect flow run in the workspace
(`workspace.version_record`), so a run resumed after review keeps its version.
"""
from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from datetime import datetime, tzinfo
from pathlib import Path

from synthgate import catalog
from synthgate.flows.errors import SpecError
from synthgate.flows.spec import VERSION, VERSION_AUTO, LoadedSpec, is_version_template, render_version
from synthgate.flows.workspace import ReleaseLayout, read_json, version_record, write_json

FIRST_AUTO = "1.0.0"
_PATCH = re.compile(r"^(\d+)\.(\d+)\.(\d+)$")


@dataclass(frozen=True)
class ResolvedVersion:
    """The version a run releases, and how it came about (recorded in run.json, the trail, the manifest)."""

    version: str
    template: str | None  # the spec's template; None when the spec names a plain version
    resolved_at: str  # ISO time of the resolution
    by: str  # "spec" (plain), "flow" (resolved in the run), "caller" (by the CLI before the run), "earlier"

    def facts(self) -> dict:
        return {"version": self.version, "version_template": self.template, "version_resolved_at": self.resolved_at,
                "version_resolved_by": self.by}


def with_version(loaded: LoadedSpec, version: str) -> LoadedSpec:
    """The same spec releasing ``version`` (its hash stays the file's)."""
    dataset = loaded.spec.dataset.model_copy(update={"version": version})
    return dataclasses.replace(loaded, spec=loaded.spec.model_copy(update={"dataset": dataset}))


def resolve_version(loaded: LoadedSpec, *, now: datetime | None = None,
                    run_date: datetime | None = None) -> tuple[LoadedSpec, ResolvedVersion]:
    """Resolve the spec's version template now; a plain version comes back as it is.

    Args:
        now: the resolution time (default: now, in the spec's zone).
        run_date: the run's scheduled time (default: ``now``).

    Raises:
        SpecError: the template made a text that is not a version (e.g. a year past 9999).
    """
    template = loaded.spec.dataset.version
    zone = _zone(loaded)
    now = (now or datetime.now(zone)).astimezone(zone)
    stamp = now.isoformat(timespec="seconds")
    if not is_version_template(template):
        return loaded, ResolvedVersion(template, None, stamp, "spec")
    if template == VERSION_AUTO:
        version = next_patch_version(known_versions(loaded.catalog_dir, loaded.spec.dataset.name))
    else:
        version = render_version(template, date=now, run_date=(run_date or now).astimezone(zone))
    if not re.match(VERSION, version):
        raise SpecError(str(loaded.path), "dataset.version", f"the template {template!r} made {version!r}, which is "
                        "not a version")
    return with_version(loaded, version), ResolvedVersion(version, template, stamp, "flow")


def resolve_for_run(loaded: LoadedSpec, *, requested: str = "", flow_run_id: str | None = None,
                    scheduled: datetime | None = None) -> tuple[LoadedSpec, ResolvedVersion]:
    """The run's version, resolved once: kept for its flow run, or given by the caller, or resolved now.

    Args:
        requested: a version the caller resolved before starting the run (the CLI does, to check
            it is new); used only when the spec holds a template and this is a plain version.
        flow_run_id: Prefect's flow run id; a run resumed after review finds its version again.
        scheduled: the flow run's scheduled time, for ``{run_date:...}``.
    """
    template = loaded.spec.dataset.version
    if not is_version_template(template):
        return resolve_version(loaded)
    record = version_record(loaded.workspace_dir, loaded.spec.dataset.name, flow_run_id) if flow_run_id else None
    if record is not None and record.is_file():
        kept = read_json(record)
        if kept.get("template") == template:
            return with_version(loaded, kept["version"]), ResolvedVersion(**{**kept, "by": "earlier"})
    if requested and not is_version_template(requested) and re.match(VERSION, requested):
        zone = _zone(loaded)
        resolved = ResolvedVersion(requested, template, datetime.now(zone).isoformat(timespec="seconds"), "caller")
    else:
        _, resolved = resolve_version(loaded, run_date=scheduled)
    if record is not None:
        record.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        write_json(record, dataclasses.asdict(resolved))
    return with_version(loaded, resolved.version), resolved


def known_versions(catalog_dir: Path, dataset: str) -> list[str]:
    """Versions of ``dataset`` the catalog holds as folders or its audit trail names as published or withdrawn."""
    folder = ReleaseLayout(catalog_dir, dataset, VERSION_AUTO).dataset_dir
    found = {p.name for p in folder.iterdir() if p.is_dir() and not p.name.startswith(".")} if folder.is_dir() else set()
    try:
        events = catalog.read_events(catalog_dir)
    except catalog.AuditError:  # no trail yet, or a damaged one (appending will refuse that run anyway)
        events = []
    found |= {str(e.get("version")) for e in events
              if e.get("event") in ("published", "withdrawn") and e.get("dataset") == dataset and e.get("version")}
    return sorted(found)


def next_patch_version(versions: list[str]) -> str:
    """The patch after the highest ``X.Y.Z`` (numerically); versions of other shapes are ignored."""
    numbered = [tuple(int(part) for part in m.groups()) for v in versions if (m := _PATCH.match(v))]
    if not numbered:
        return FIRST_AUTO
    major, minor, patch = max(numbered)
    return f"{major}.{minor}.{patch + 1}"


def _zone(loaded: LoadedSpec) -> tzinfo | None:
    """The schedule's timezone, or None for the machine's local time."""
    schedule = getattr(loaded.spec, "schedule", None)
    if schedule is None:
        return None
    from zoneinfo import ZoneInfo

    return ZoneInfo(schedule.timezone)


def ensure_new(loaded: LoadedSpec) -> None:
    """Stop a run whose (resolved) version is already published.

    Raises:
        VersionExistsError: exit 2, as in preflight.
    """
    from synthgate.flows.publish import ensure_version_is_new  # publish imports more than versions needs

    ensure_version_is_new(loaded)

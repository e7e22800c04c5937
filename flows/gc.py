"""Debris of killed runs, and workspace retention: `synthgate gc` and the start of every run.

A run killed with SIGKILL (or by the OOM killer, or a reboot) cleans up nothing. What it can leave:

* a hidden ``CATALOG/<dataset>/.staging-<version>-<token>/`` folder holding the whole synthetic table and
  reports (publish writes there, then renames it into place). It is stale once no live run holds the
  dataset (flows/runlock.py), or when it stopped changing before the run holding the dataset now took it;
* Chromium's profile ``<system temp>/synthgate-chromium-<pid>-<random>/`` whose process is gone;
* ``WORKSPACE/<dataset>/<version>/<run id>/`` folders with raw and pseudonymised records. These are
  removed by the spec's retention (``workspace.keep: {runs: N}`` or ``{days: D}``), never the one of a
  live run (its ``run.json`` names the flow run that holds the dataset) or the one of the run calling;
* a flow run left RUNNING in Prefect's database: the next run of the dataset marks it CRASHED when it
  takes the dataset over (runlock.acquire); ``synthgate gc`` does so too when PREFECT_API_URL is set.

Only paths are reported, never a file's content.
"""
from __future__ import annotations

import os
import re
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from synthgate.flows import runlock
from synthgate.flows.workspace import read_json

STAGING_PREFIX = ".staging-"
_RUN_ID = re.compile(r"^(\d{8}T\d{6}Z)-[0-9a-f]+$")
#: A Chromium profile without a pid in its name (older synthgate) is removed once this old.
_UNNAMED_PROFILE_SECONDS = 3600


@dataclass
class Collected:
    """What was (or, on a dry run, would be) removed: paths only."""

    staging: list[Path] = field(default_factory=list)
    workspaces: list[Path] = field(default_factory=list)
    profiles: list[Path] = field(default_factory=list)
    crashed_flow_runs: list[str] = field(default_factory=list)

    @property
    def paths(self) -> list[Path]:
        return [*self.staging, *self.workspaces, *self.profiles]


def _datasets(catalog: Path, dataset: str | None) -> list[str]:
    if dataset is not None:
        return [dataset]
    if not catalog.is_dir():
        return []
    return sorted(p.name for p in catalog.iterdir() if p.is_dir() and not p.name.startswith("."))


def _since(holder: runlock.Holder) -> float:
    try:
        return datetime.fromisoformat(holder.since).timestamp()
    except ValueError:
        return time.time()


def stale_staging(catalog: Path, dataset: str | None = None) -> list[Path]:
    """Staging folders no live run can still be writing."""
    stale = []
    for name in _datasets(catalog, dataset):
        folder = catalog / name
        if not folder.is_dir():
            continue
        staged = sorted(p for p in folder.iterdir() if p.name.startswith(STAGING_PREFIX) and p.is_dir())
        if not staged:
            continue
        holder = runlock.current_holder(catalog, name)
        for path in staged:
            # The holder took the dataset at `since` (whole seconds): a folder unchanged since before then
            # belongs to an earlier run.
            if holder is None or path.stat().st_mtime < _since(holder) - 1:
                stale.append(path)
    return stale


def stale_profiles(temp_dir: Path | None = None) -> list[Path]:
    """Chromium profiles of synthgate processes that are gone (the PDF printer's, in the system temp folder)."""
    from synthgate.report.pdf import PROFILE_PREFIX

    base = Path(temp_dir or tempfile.gettempdir())
    stale = []
    try:
        entries = sorted(base.glob(f"{PROFILE_PREFIX}*"))
    except OSError:
        return []
    for path in entries:
        if not path.is_dir() or path.is_symlink():
            continue
        pid, named, _ = path.name[len(PROFILE_PREFIX):].partition("-")
        if named and pid.isdigit():  # <pid>-<random>; an older name is <random> alone (it may be all digits)
            if not _process_exists(int(pid)):
                stale.append(path)
        elif time.time() - path.stat().st_mtime > _UNNAMED_PROFILE_SECONDS:
            stale.append(path)
    return stale


def _process_exists(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _run_started(path: Path) -> float:
    """When a run folder's run started: its id's timestamp, else the folder's mtime."""
    match = _RUN_ID.match(path.name)
    if match:
        return datetime.strptime(match.group(1), "%Y%m%dT%H%M%SZ").replace(tzinfo=timezone.utc).timestamp()
    return path.stat().st_mtime


def _flow_run_of(path: Path) -> str | None:
    try:
        return read_json(path / "run.json").get("prefect_flow_run_id")
    except (OSError, ValueError, AttributeError):
        return None


def expired_workspaces(workspace: Path, catalog: Path, dataset: str, *, runs: int | None = None,
                       days: float | None = None, current: Path | None = None,
                       now: float | None = None) -> list[Path]:
    """Run folders of ``dataset`` beyond the retention; a live run's folder and ``current`` are never listed.

    ``runs``: keep the newest N run folders (the live ones count); ``days``: keep those younger than D days.
    """
    if runs is None and days is None:
        return []
    root = workspace / dataset
    if not root.is_dir():
        return []
    folders = [run for version in root.iterdir() if version.is_dir() and not version.name.startswith(".")
               for run in version.iterdir() if run.is_dir() and not run.name.startswith(".")]
    holder = runlock.current_holder(catalog, dataset)
    live = {current.resolve()} if current is not None else set()
    if holder is not None:
        live |= {f.resolve() for f in folders if _flow_run_of(f) == holder.flow_run_id}
    folders.sort(key=lambda f: (_run_started(f), f.name), reverse=True)
    now = time.time() if now is None else now
    expired = []
    for rank, folder in enumerate(folders):
        if folder.resolve() in live:
            continue
        too_many = runs is not None and rank >= runs  # `rank` newer folders, live ones included
        too_old = days is not None and now - _run_started(folder) > days * 86400
        if too_many or too_old:
            expired.append(folder)
    return expired


def _crash_killed_holders(catalog: Path, dataset: str | None) -> list[str]:
    """Flow runs whose lock record names a process gone from this host: marked CRASHED where a server is set."""
    crashed = []
    for name in _datasets(catalog, dataset):
        holder = runlock._read_holder(runlock.lock_path(catalog, name))
        if holder is not None and runlock._pid_gone(holder) and runlock.mark_crashed(holder.flow_run_id):
            crashed.append(holder.flow_run_id)
    return crashed


def collect(catalog: Path, workspace: Path | None = None, *, dataset: str | None = None, runs: int | None = None,
            days: float | None = None, current: Path | None = None, dry_run: bool = False,
            temp_dir: Path | None = None) -> Collected:
    """Find (and unless ``dry_run`` remove) stale staging folders, expired workspace runs and Chromium profiles.

    ``dataset``: only that dataset (a run cleaning up after its own kind); default every dataset in the catalog.
    """
    catalog = Path(catalog)
    found = Collected(staging=stale_staging(catalog, dataset), profiles=stale_profiles(temp_dir))
    if workspace is not None:
        for name in _datasets(catalog, dataset) or ([dataset] if dataset else []):
            found.workspaces += expired_workspaces(Path(workspace), catalog, name, runs=runs, days=days,
                                                   current=current)
    if dry_run:
        return found
    for path in found.paths:
        shutil.rmtree(path, ignore_errors=True)
    found.crashed_flow_runs = _crash_killed_holders(catalog, dataset)
    return found


def at_run_start(loaded, current: Path) -> Collected:
    """What the run holding ``loaded``'s dataset removes before its first stage (never its own folder)."""
    keep = loaded.spec.workspace.keep
    try:
        return collect(loaded.catalog_dir, loaded.workspace_dir, dataset=loaded.spec.dataset.name,
                       runs=keep.runs if keep else None, days=keep.days if keep else None, current=current)
    except OSError:  # a folder vanishing meanwhile, or one we may not list: cleaning up never fails a release
        return Collected()


def add_commands(app) -> None:
    """Register `synthgate gc` on the command line (flows/cli.py)."""
    import typer

    @app.command(name="gc")
    def gc_command(
        target: Path = typer.Argument(..., metavar="SPEC_OR_CATALOG",
                                      help="A release spec (its catalog, its workspace and workspace.keep) or a "
                                      "catalog folder (staging folders and Chromium profiles only)."),
        dry_run: bool = typer.Option(False, "--dry-run", help="Print what would be removed; remove nothing."),
    ) -> None:
        """Remove what killed runs left: staging folders, Chromium profiles, workspace runs past workspace.keep.

        Prints each removed path (never a file's content). Exit codes: 0 done (also when nothing was found);
        2 SPEC_OR_CATALOG is neither a spec nor a folder.
        """
        from synthgate.flows import settings
        from synthgate.flows.cli import err, fail, out
        from synthgate.flows.errors import InputError, SynthgateError

        settings.configure()
        if target.is_dir():
            found = collect(target, dry_run=dry_run)
        elif target.is_file():
            from synthgate.flows.spec import load_spec

            try:
                loaded = load_spec(target)
            except SynthgateError as exc:
                fail(exc)
            keep = loaded.spec.workspace.keep
            found = collect(loaded.catalog_dir, loaded.workspace_dir, dataset=loaded.spec.dataset.name,
                            runs=keep.runs if keep else None, days=keep.days if keep else None, dry_run=dry_run)
        else:
            fail(InputError(f"{target}: no such file or folder; give a release spec or a catalog folder"))
        verb = "would remove" if dry_run else "removed"
        for path in found.paths:
            out.print(f"{verb} {path}", markup=False, highlight=False, soft_wrap=True)
        for run_id in found.crashed_flow_runs:
            out.print(f"marked flow run {run_id} CRASHED (its process was killed)", markup=False, highlight=False,
                      soft_wrap=True)
        err.print(f"gc: {len(found.paths)} folder(s) {verb}", markup=False, highlight=False, soft_wrap=True)

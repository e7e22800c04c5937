"""The catalog site after a change: rebuilt after every publish, and after a withdrawal where a site exists.

The release flow calls `after_publish` once the release folder is in the catalog (a plain run, a
scheduled run and a run resumed by the committee's approval all end in the flow), unless the
flow's ``site`` parameter is false (``synthgate run --no-site``). The site is derived from the
release folders, so a build that fails never touches what was published: the run logs one
``SYNTHGATE-ALERT event=site_failed ...`` warning line and still succeeds; ``synthgate catalog build
CATALOG`` rebuilds it later. Builds of one catalog take turns (``CATALOG/.locks/site.lock``), so the
last build to finish has seen every release published before it started.
"""
from __future__ import annotations

import fcntl
import logging
from collections.abc import Callable
from pathlib import Path

from synthgate import catalog
from synthgate.flows.runlock import ALERT_PREFIX

SITE_LOCK = ".locks/site.lock"
INDEX = "index.html"


def has_site(catalog_dir: str | Path) -> bool:
    """The catalog holds a site built in place (its ``index.html``)."""
    return (Path(catalog_dir) / INDEX).is_file()


def build(catalog_dir: str | Path, out: str | Path | None = None):
    """Build the site of ``catalog_dir`` (into ``out``, default the catalog itself) while holding the site lock.

    Returns:
        The site engineer's ``SiteBuild`` (out, pages, files).

    Raises:
        catalog.CatalogError: the catalog cannot be read (named in one line).
        OSError: a page cannot be written.
    """
    from synthgate.catalog.site import build_site

    root = Path(catalog_dir)
    lock = root / SITE_LOCK
    lock.parent.mkdir(parents=True, exist_ok=True)
    with open(lock, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        return build_site(root, Path(out) if out is not None else None)


def failure_line(event: str, dataset: str, version: str, flow_run_id: str | None, exc: BaseException) -> str:
    """The alert line of a failed site build: a catalog error's own text (names and paths only), else its type."""
    error = f"{type(exc).__name__}: {exc}" if isinstance(exc, catalog.CatalogError) else type(exc).__name__
    if isinstance(exc, OSError) and exc.strerror:
        error = f"{type(exc).__name__}: {exc.strerror}"
    return " ".join([ALERT_PREFIX, f"event={event}", f"dataset={dataset}", f"version={version}",
                     f"flow_run={flow_run_id or 'none'}", f"error={error}",
                     "hint=the release is published; rebuild with: synthgate catalog build CATALOG"])


def after_publish(catalog_dir: str | Path, *, dataset: str, version: str, flow_run_id: str | None,
                  warn: Callable[[str], None] | None = None) -> str | None:
    """Rebuild the catalog's site after ``dataset`` ``version`` was published; never raises.

    Returns:
        The path of the site's index.html, or None when the build failed (one warning line logged).
    """
    try:
        built = build(catalog_dir)
    except Exception as exc:  # the release is published already: a stale site is not a failed run
        (warn or _logger().warning)(failure_line("site_failed", dataset, version, flow_run_id, exc))
        return None
    index = Path(built.out) / INDEX
    _logger().info("catalog site: %s (%d pages)", index, len(built.pages))
    return str(index)


def _logger() -> logging.Logger:
    try:
        from prefect import get_run_logger

        return get_run_logger()
    except Exception:  # outside a flow run (the CLI's withdraw)
        return logging.getLogger("synthgate.catalog")

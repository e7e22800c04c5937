"""Test-wide environment: offline, quiet, and every state folder inside a temporary directory."""
from __future__ import annotations

import copy
import os
import sys
import tempfile
from pathlib import Path

# Before anything imports prefect, presidio or tldextract.
_STATE = Path(tempfile.mkdtemp(prefix="synthgate-tests-"))
os.environ["SYNTHGATE_STATE_DIR"] = str(_STATE)
os.environ["PREFECT_HOME"] = str(_STATE / "prefect")
os.environ["XDG_DATA_HOME"] = str(_STATE / "xdg-data")  # SDV writes a logger config there on import
os.environ.pop("PREFECT_API_URL", None)
os.environ.pop("SYNTHGATE_PSEUDONYM_KEY", None)

from synthgate.flows import settings  # noqa: E402

settings.configure()

import pytest  # noqa: E402
import yaml  # noqa: E402

TEST_KEY = "test-key-" + "0123456789abcdef" * 3  # 57 bytes, used only by tests


@pytest.fixture
def key_env(monkeypatch):
    """A valid pseudonymisation key in the default environment variable."""
    monkeypatch.setenv("SYNTHGATE_PSEUDONYM_KEY", TEST_KEY)
    return TEST_KEY


@pytest.fixture
def small_release(tmp_path):
    """A tiny CSV source and a valid spec for it; returns a writer that applies overrides."""
    source = tmp_path / "data" / "patients.csv"
    source.parent.mkdir()
    rows = ["patient_id,name,age,sex,visit_date,smoker,score,note"]
    for i in range(40):
        rows.append(
            f"P{i:04d},Person{i:03d} Example,{20 + i},{'F' if i % 2 else 'M'},2024-0{1 + i % 9}-1{i % 9},"
            f"{'yes' if i % 3 == 0 else 'no'},{i * 1.5:.1f},Seen by Dr Smith on day {i}"
        )
    source.write_text("\n".join(rows) + "\n", encoding="utf-8")
    spec = {
        "dataset": {"name": "patients", "version": "1.0.0", "title": "Patients", "description": "test",
                    "licence": "CC-BY-4.0", "domain": "healthcare"},
        "source": {"path": "data/patients.csv"},
        "columns": {
            "patient_id": {"kind": "id", "action": "pseudonymise"},
            "name": {"kind": "text", "action": "drop"},
            "age": {"kind": "numerical", "action": "generalise", "rule": {"rule": "age_band", "width": 10}},
            "sex": {"kind": "categorical", "action": "keep"},
            "visit_date": {"kind": "datetime", "action": "generalise",
                           "rule": {"rule": "date_truncate", "unit": "month"}},
            "smoker": {"kind": "boolean", "action": "keep"},
            "score": {"kind": "numerical", "action": "keep"},
            "note": {"kind": "text", "action": "redact_text"},
        },
        "generator": {"kind": "gaussian_copula", "seed": 1},
        "sample": {"rows": 30},
        "output": {"catalog": "catalog", "workspace": "workspace"},
    }

    def write(**overrides) -> Path:
        data = copy.deepcopy(spec)
        for dotted, value in overrides.items():
            node = data
            *parents, last = dotted.split(".")
            for part in parents:
                node = node.setdefault(part, {})
            if value is _DELETE:
                node.pop(last)
            else:
                node[last] = value
        path = tmp_path / "spec.yaml"
        path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
        return path

    write.tmp_path = tmp_path
    write.source = source
    return write


class _Delete:
    def __repr__(self) -> str:
        return "DELETE"


_DELETE = _Delete()


@pytest.fixture
def DELETE():
    return _DELETE


@pytest.fixture(scope="module")
def browser():
    """Debian's headless Chromium through playwright (which never downloads a browser), per module."""
    from synthgate.report import find_chromium  # the project's one way to find the browser
    from synthgate.report.pdf import FLAGS

    executable = find_chromium()
    if executable is None:
        pytest.fail("no chromium for the browser tests: run `make browser` (make test installs it)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.fail("playwright is missing from the venv: run `make venv-dev`")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, args=list(FLAGS))
        yield launched
        launched.close()


DRAIN_SECONDS = 60


@pytest.fixture(scope="session")
def prefect_harness():
    """One Prefect test server for the whole session (e2e and catalog tests share it).

    The harness's exit drains this process's log and event workers without a time limit before it
    stops its server, and a worker still holding events for a server that is gone (a module's own,
    already stopped) waits for good: the session hung there once (2026-12-03). So they are drained
    here first, ``DRAIN_SECONDS`` at most; a drained worker is stopped, and the harness's own drain
    then finds nothing left to wait for.
    """
    from prefect.events.worker import EventsWorker
    from prefect.logging.handlers import APILogWorker
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=180):
        yield
        for worker in (APILogWorker, EventsWorker):
            _, pending = worker.drain_all(timeout=DRAIN_SECONDS)
            if pending:
                print(f"\n{worker.__name__}: {len(pending)} instance(s) still sending after {DRAIN_SECONDS} s, "
                      "left behind at the harness's exit", file=sys.stderr)


def _unit(nodeid: str) -> str:
    """The work unit of a test: its file, or the whole catalog folder (its tests share the session's released
    catalog, which costs a flow run to build)."""
    path = nodeid.split("::", 1)[0]
    return "tests/catalog" if path.startswith("tests/catalog/") else path


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config, log):
    """``--dist loadfile`` (``make test``) with the catalog folder as one unit.

    Each file runs on one worker, so a file's module fixtures (a Prefect server and worker, a trained
    release) start once, not once per worker. xdist's ``loadgroup`` did not keep files together here
    (xdist 3.8, pytest 9: a file's tests still went to both workers), so the unit is chosen here.
    """
    if config.getoption("dist", None) != "loadfile":
        return None
    from xdist.scheduler import LoadScopeScheduling

    class FileScheduling(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return _unit(nodeid)

    return FileScheduling(config, log)


def pytest_collection_modifyitems(config, items):
    """Units holding a ``slow`` test run first, each unit's tests kept together and in their order.

    The two workers take units in collection order; starting the few long end-to-end files first keeps
    one of them from being the last thing left running on one worker while the other sits idle.
    """
    first: dict[str, int] = {}
    slow: set[str] = set()
    for index, item in enumerate(items):
        unit = _unit(item.nodeid)
        first.setdefault(unit, index)
        if item.get_closest_marker("slow") is not None:
            slow.add(unit)
    items.sort(key=lambda item: (_unit(item.nodeid) not in slow, first[_unit(item.nodeid)]))

"""Helpers of the failure drills: a small fast release spec, a `synthgate run` in its own process group,
and a watcher that SIGKILLs that group the moment a given file appears."""
from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import yaml

from synthgate.evaluation import INTERVAL_GATES
from _prefect_home import migrated_home

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "covid_testing.yaml"
TEST_KEY = "test-key-" + "0123456789abcdef" * 3


def drill_spec(folder: Path, frame, *, rows: int = 150, pdf: bool = False, keep: dict | None = None,
               version: str = "1.0.0") -> Path:
    """The covid example re-pointed at ``rows`` real rows, with the fastest settings it allows."""
    source = folder / "source" / "covid.csv"
    source.parent.mkdir(parents=True, exist_ok=True)
    frame.head(rows).to_csv(source, index=False)
    spec = yaml.safe_load(EXAMPLE.read_text())
    spec["dataset"]["version"] = version
    spec["source"]["path"] = "source/covid.csv"
    spec["output"] = {"catalog": "catalog", "workspace": "workspace"}
    spec["sample"]["rows"] = rows
    spec.pop("risk")  # a few hundred rows cannot reach the demo's k; the drills are about the pipeline
    spec["generator"].update({"kind": "autoregressive", "params": {"max_epochs": 1, "hidden": 8}})
    spec["evaluation"] = {**spec.get("evaluation", {}), "accept_inconclusive": list(INTERVAL_GATES),
                          "thresholds": {"inference_risk_max": None}, "pdf": pdf}
    if keep is not None:
        spec["workspace"] = {"keep": keep}
    path = folder / "spec.yaml"
    path.write_text(yaml.safe_dump(spec, sort_keys=False))
    return path


def drill_env(folder: Path, prefect_home: Path | None = None, **extra: str) -> dict:
    """A child environment of its own: system temp folder (and Prefect home, unless given) inside ``folder``.

    The home starts with a migrated database (``migrated_home``); one shared by a module's runs also
    keeps their records together.
    """
    (folder / "tmp").mkdir(parents=True, exist_ok=True)
    home = migrated_home(prefect_home or folder / "prefect-home")
    env = {**os.environ, "PREFECT_HOME": str(home), "SYNTHGATE_PSEUDONYM_KEY": TEST_KEY,
           "TMPDIR": str(folder / "tmp"), "PYTHONUNBUFFERED": "1", "TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS": "",
           **extra}
    env.pop("PREFECT_API_URL", None)
    return env


def start(spec: Path, env: dict, *args: str, preexec_fn=None) -> subprocess.Popen:
    """`synthgate run SPEC` in its own session (process group): a SIGKILL of the group takes its children too."""
    return subprocess.Popen([sys.executable, "-m", "synthgate", "run", str(spec), "--no-site", *args], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
                            preexec_fn=preexec_fn)


def kill_when(process: subprocess.Popen, appeared, timeout: float = 300) -> Path:
    """Poll every 10 ms; SIGKILL the process group as soon as ``appeared()`` returns a path. Returns it."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = appeared()
        if found is not None:
            os.killpg(process.pid, signal.SIGKILL)
            process.communicate(timeout=60)
            return found
        if process.poll() is not None:
            out, err = process.communicate()
            raise AssertionError(f"the run ended (exit {process.returncode}) before the kill point:\n{err[-3000:]}")
        time.sleep(0.01)
    os.killpg(process.pid, signal.SIGKILL)
    raise AssertionError("the kill point never came")


def first(folder: Path, pattern: str):
    """A function giving the first path under ``folder`` matching ``pattern``, or None."""
    def look():
        return next(iter(folder.glob(pattern)), None)
    return look


@contextlib.contextmanager
def mounted(kind: str, target: Path, size_kib: int = 64):
    """``target`` as a read-only bind mount of itself (kind 'ro') or a tmpfs of ``size_kib`` KiB (kind 'tmpfs').

    Needs root with CAP_SYS_ADMIN; yields False (nothing mounted) where mounting is not allowed.
    """
    target.mkdir(parents=True, exist_ok=True)
    if os.geteuid() != 0:
        yield False
        return
    if kind == "ro":
        commands = [["mount", "--bind", str(target), str(target)], ["mount", "-o", "remount,ro,bind", str(target)]]
    else:
        commands = [["mount", "-t", "tmpfs", "-o", f"size={size_kib}k", "tmpfs", str(target)]]
    done = [subprocess.run(c, capture_output=True) for c in commands]
    mounted_any = done[0].returncode == 0
    try:
        yield all(d.returncode == 0 for d in done)
    finally:
        if mounted_any:
            subprocess.run(["umount", str(target)], check=True)


def error_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith("error:")]

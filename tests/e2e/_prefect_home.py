"""Prefect homes for the end-to-end tests: a new folder whose SQLite database is already migrated.

A run in a new, empty Prefect home first builds the database: Prefect's migrations cost about 12 s
of CPU on these 2-core machines (a first ephemeral flow took 22.7 s, against 9.2 s with the migrated
database copied in). The end-to-end tests start about thirty such homes, so each test process
migrates one database once and copies it into every home it hands out: the state a user's home is
in from their second run on. The very first run on a machine, migrations included, stays tested
(tests/flows/test_error_messages.py runs the CLI in an empty home).
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

#: The `prefect` command of this environment (the tests start servers and workers with it too).
PREFECT = str(Path(sys.executable).with_name("prefect"))


def _migrated_template() -> Path:
    """One migrated database per test process, built on first use in its state folder (tests/conftest.py)."""
    template = Path(os.environ["SYNTHGATE_STATE_DIR"]) / "prefect-home-template"
    if not (template / "prefect.db").is_file():
        env = {**os.environ, "PREFECT_HOME": str(template), "PREFECT_SERVER_ANALYTICS_ENABLED": "false"}
        env.pop("PREFECT_API_URL", None)
        subprocess.run([PREFECT, "server", "database", "upgrade", "-y"], env=env, check=True,
                       capture_output=True, timeout=600)
    return template


def migrated_home(home: Path) -> Path:
    """Create ``home`` (if needed) with a copy of the migrated Prefect database; returns ``home``.

    A home that already holds a database is left as it is (its runs' records stay).
    """
    home.mkdir(parents=True, exist_ok=True)
    if (home / "prefect.db").exists():
        return home
    for part in _migrated_template().glob("prefect.db*"):
        shutil.copy2(part, home / part.name)
    return home

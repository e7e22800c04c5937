"""Never leak a record: canaries planted in names, identifiers and free text appear in no output."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from synthgate import privacy

pytestmark = pytest.mark.slow

CANARIES = {
    "subject_id": "CANARYID7731",                 # an identifier (pseudonymised)
    "fake_last_name": "Qwertanary",               # a name (pseudonymised)
    "fake_first_name": "Zxcanarius",              # a name (dropped)
    "note": "Call Vexcanary Plumbottom at vex.canary@example.org",  # free text (redacted)
}
NEEDLES = ["CANARYID7731", "Qwertanary", "Zxcanarius", "Vexcanary", "Plumbottom", "vex.canary@example.org"]
# Learned columns reach the evaluation, its charts and the report: a category held by 3 people and one
# extreme value must appear in none of them (value protection, chart bins of >= 10 rows, open outer bins).
RARE_CATEGORY, EXTREME = "Canaryclinic Xq", 987654
LEARNED_NEEDLES = [RARE_CATEGORY, str(EXTREME)]


def _files(root: Path):
    return [p for p in root.rglob("*") if p.is_file()]


def _content(path: Path) -> bytes:
    """The file's bytes; for Parquet also its decoded cells, since compression hides raw bytes."""
    data = path.read_bytes()
    if path.suffix == ".parquet":
        import pyarrow.parquet as pq

        frame = pq.read_table(path).to_pandas()
        data += frame.astype(str).to_csv(index=False).encode()
    if path.suffix == ".pdf":  # its text streams are compressed: search the extracted text too
        data += subprocess.run(["pdftotext", str(path), "-"], capture_output=True, check=True).stdout
    return data


def _hits(root: Path, needles) -> list[str]:
    found = []
    for path in _files(root):
        data = _content(path)
        found += [f"{path.relative_to(root)}: {n}" for n in needles if n.encode() in data]
    return found


def test_canaries_appear_nowhere_outside_the_private_workspace(covid_release, covid_rows, key_env, tmp_path):
    # Setup: plant each canary in many rows, so a leak is not a matter of luck
    frame = covid_rows.copy().astype({"subject_id": "object"})
    rows = frame.index[::4]
    for column, canary in CANARIES.items():
        frame.loc[rows, column] = canary
    frame.loc[frame.index[[1, 5, 9]], "clinic_name"] = RARE_CATEGORY
    frame.loc[frame.index[2], "pan_day"] = EXTREME
    spec = covid_release(frame)
    prefect_home = tmp_path / "prefect-home"
    env = {**os.environ, "PREFECT_HOME": str(prefect_home), "SYNTHGATE_PSEUDONYM_KEY": key_env,
           "PYTHONUNBUFFERED": "1"}
    env.pop("PREFECT_API_URL", None)

    # Run: the real CLI, Prefect in ephemeral mode with its own home
    done = subprocess.run([sys.executable, "-m", "synthgate", "run", str(spec)], env=env,
                          capture_output=True, text=True, timeout=900)

    # Assert: it published, and nothing outside the workspace's data files holds a canary
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    workspace = next((covid_release.tmp_path / "workspace").rglob("model")).parent
    assert (workspace / "raw.parquet").exists()
    assert prefect_home.joinpath("prefect.db").exists()
    logs = done.stdout + done.stderr
    assert [n for n in NEEDLES if n in logs] == []
    assert _hits(covid_release.tmp_path / "catalog", NEEDLES + LEARNED_NEEDLES) == []
    assert {"report.html", "report.pdf", "evaluation.json"} <= {p.name for p in _files(covid_release.tmp_path / "catalog")}
    assert _hits(workspace / "model", NEEDLES) == []
    assert _hits(prefect_home, NEEDLES) == []
    # ... nor the key, nor the canary identifiers' pseudonyms, in anything published or logged
    key = privacy.PseudonymKey.from_text(key_env)
    pseudonyms = privacy.pseudonymise_series(
        __import__("pandas").Series([CANARIES["subject_id"], CANARIES["fake_last_name"]]), key).tolist()
    assert _hits(covid_release.tmp_path / "catalog", [key_env, *pseudonyms]) == []
    assert _hits(prefect_home, [key_env, *pseudonyms]) == [] and key_env not in logs
    # The check itself can fail: the canaries are in the private raw table
    assert _hits(workspace, ["Zxcanarius"]) != []
    assert _hits(workspace, [RARE_CATEGORY]) != []

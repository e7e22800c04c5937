"""Never leak a record: canaries planted in names, identifiers and free text appear in no output."""
from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from synthgate import evaluation, privacy
from _prefect_home import migrated_home

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
# Columns no generalisation rule touches, so only value protection stands between these and the
# published files: one row's ct_result of 4,700,000 (the others lie in 14-45; 2 significant figures,
# so rounding a bound to 2 figures cannot hide it) and a payor group held by 3 rows. It was 470,
# until the singling-out attack's count of control matches read 470.0 in evaluation.json: counts of
# the attacks' queries pass the table's 400 rows, but none reaches a million (200 attempts per
# wanted query, 5,000 queries). Searched as a token, plain, grouped or in exponent form: 14,700,000
# or 4.70 do not count.
SINGLE_ROW_EXTREME, THREE_ROW_CATEGORY = 4_700_000, "Canarypayor Zq"
EXTREME_TOKEN = re.compile(rb"(?<![\w.])(?:4,?700,?000(?:\.0+)?|4\.70*[eE]\+?0*6)(?!\w|\.\d|,\d{3}(?!\d))")
# Every published file derived from the training table (the Parquet file's cells too), and the catalog
# site the run builds from them (index.html pages, catalog.json, croissant.json).
PUBLISHED = ("validation.json", "data_docs", "evaluation.json", "report.html", "report.pdf", "README.md",
             ".parquet", "index.html", "catalog.json", "croissant.json")


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


def _token_hits(root: Path) -> list[str]:
    """Published files in which the single-row extreme appears as a number of its own.

    A PDF is searched in its extracted text only: its raw bytes number their objects ("470 0 obj") and
    hold compressed streams.
    """
    chosen = [p for p in _files(root) if any(part in str(p.relative_to(root)) for part in PUBLISHED)]
    return [str(p.relative_to(root)) for p in chosen
            if EXTREME_TOKEN.search(_pdf_text(p) if p.suffix == ".pdf" else _content(p))]


def test_the_extreme_token_finds_each_rendering_of_the_value_and_nothing_else():
    for text in (b"4700000", b"4700000.0", b"4,700,000", b"4.7e+06", b"4.7E6", b"[4700000, 5]", b'"max": 4700000.0}',
                 b"x,4700000.0,12\n", b"12,4700000.0,Swab"):  # cells of a CSV rendering of a table
        assert EXTREME_TOKEN.search(text), text
    for text in (b"14700000", b"4700001", b"4.70", b"470", b"4,700,0001", b"47000000", b"4.7e+07", b"0.4700000",
                 b"4,700,000,123", b"4700000.05"):
        assert not EXTREME_TOKEN.search(text), text


def _pdf_text(path: Path) -> bytes:
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, check=True).stdout


def test_canaries_appear_nowhere_outside_the_private_workspace(covid_release, covid_rows, key_env, tmp_path):
    # Setup: plant each canary in many rows, so a leak is not a matter of luck
    frame = covid_rows.copy().astype({"subject_id": "object"})
    rows = frame.index[::4]
    for column, canary in CANARIES.items():
        frame.loc[rows, column] = canary
    frame.loc[frame.index[[1, 5, 9]], "clinic_name"] = RARE_CATEGORY
    frame.loc[frame.index[2], "pan_day"] = EXTREME
    frame.loc[frame.index[3], "ct_result"] = SINGLE_ROW_EXTREME
    frame.loc[frame.index[[6, 10, 14]], "payor_group"] = THREE_ROW_CATEGORY
    # 400 rows leave the attack risks' intervals too wide to decide; this test is about leaks, so
    # it accepts inconclusive figures (a figure that fails still blocks) and reaches publishing.
    # The DCR gate is off here as the inference gate is (covid_release): at 300 training rows its
    # figure is a matter of the fit, not of the pipeline. Over seeds 2026, 1 and 2, with the generator
    # before and after its head-width change, it read 0.515-0.664 (mean 0.57 both ways), and one of
    # the six fits, this seed's, failed it with its whole interval above 0.55. The gate's must-pass and
    # must-fail cases are in tests/evaluation and on the full demo; what is published is tested here.
    spec = covid_release(frame, evaluation={"accept_inconclusive": list(evaluation.INTERVAL_GATES),
                                            "thresholds": {"inference_risk_max": None, "dcr_share_max": None}})
    prefect_home = migrated_home(tmp_path / "prefect-home")
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
    catalog = covid_release.tmp_path / "catalog"
    assert _hits(catalog, NEEDLES + LEARNED_NEEDLES + [THREE_ROW_CATEGORY]) == []
    assert _token_hits(catalog) == []
    published = {p.name for p in _files(catalog)}
    assert {"validation.json", "index.html", "README.md", "report.pdf", "catalog.json", "croissant.json"} <= published
    # the site the run built is in the catalog folder, so the searches above covered it
    assert (catalog / "index.html").is_file() and (catalog / "covid-testing" / "index.html").is_file()
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
    assert _hits(workspace, [THREE_ROW_CATEGORY]) != []
    # (the row holding it went to training or, with its patient, to the holdout)
    assert {"training.parquet", "holdout.parquet"} & set(_token_hits(workspace))

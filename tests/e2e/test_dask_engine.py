"""engine: dask: a release whose ingest (a partition per source file), pseudonymisation (with redaction) and
neighbour searches run as partitions on a real dask.distributed LocalCluster (2 worker processes) through
Prefect's DaskTaskRunner publishes the same bytes as the single-process release of the same spec and seed, and
no raw value reaches the cluster's logs, the run's output or Prefect's database."""
from __future__ import annotations

import json
import os
import sqlite3
import sys
from pathlib import Path

import pandas as pd
import pytest
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _drills import TEST_KEY, drill_env, drill_spec, start  # noqa: E402

pytestmark = pytest.mark.slow

DATASET, VERSION = "covid-testing", "1.0.0"
CANARIES = {"subject_id": "DASKCANARY7731", "fake_last_name": "Daskcanaryson",
            "note": "Swab collected from Zqdask Daskcanaryson at the ward; call dask.canary@example.org"}
NEEDLES = ["DASKCANARY7731", "Daskcanaryson", "Zqdask", "dask.canary@example.org"]


@pytest.fixture(scope="module")
def cluster():
    """Two worker processes on loopback; they inherit the key and the offline setting of this environment."""
    from distributed import Client, LocalCluster

    saved = {k: os.environ.get(k) for k in ("SYNTHGATE_PSEUDONYM_KEY", "TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS")}
    os.environ.update({"SYNTHGATE_PSEUDONYM_KEY": TEST_KEY, "TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS": ""})
    try:
        local = LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                             host="127.0.0.1")
    finally:
        for k, v in saved.items():
            os.environ.pop(k) if v is None else os.environ.__setitem__(k, v)
    client = Client(local)
    yield local, client
    client.close()
    local.close()


def _spec(folder: Path, frame: pd.DataFrame, engine: dict | None) -> Path:
    path = drill_spec(folder, frame, rows=len(frame))
    spec = yaml.safe_load(path.read_text())
    (folder / "source" / "covid.csv").unlink()  # two export files: ingest's partitions are the source's files
    half = len(frame) // 2
    frame.iloc[:half].to_csv(folder / "source" / "covid-1.csv", index=False)
    frame.iloc[half:].to_csv(folder / "source" / "covid-2.csv", index=False)
    spec["source"]["path"] = "source/covid-*.csv"
    if engine:
        spec["engine"] = engine
    path.write_text(yaml.safe_dump(spec, sort_keys=False))
    return path


def test_a_release_partitioned_on_dask_publishes_the_single_process_bytes(tmp_path, cluster, covid_rows):
    # Setup: 160 rows with canaries in every fourth row; one spec run locally, the same on the cluster
    local_cluster, client = cluster
    frame = covid_rows.head(160).copy()
    for column, canary in CANARIES.items():
        frame[column] = frame[column].astype(object)
        frame.loc[frame.index[::4], column] = canary
    single = _spec(tmp_path / "single", frame, None)
    on_dask = _spec(tmp_path / "dask", frame,
                    {"kind": "dask", "address": local_cluster.scheduler_address, "partition_rows": 40})
    envs = [drill_env(tmp_path / name) for name in ("single", "dask")]

    # Run: both at once (two datasets' folders, one cluster)
    runs = [start(single, envs[0]), start(on_dask, envs[1])]
    outputs = [run.communicate(timeout=600) for run in runs]

    # Assert: both published, the Dask run really partitioned its stages on the cluster
    for run, (out, err) in zip(runs, outputs):
        assert run.returncode == 0, err[-3000:]
    out, err = outputs[1]
    assert "engine: dask at tcp://127.0.0.1" in out
    assert "160 rows in 4 partition(s) on Dask" in err and "2 partition(s) on Dask" in err
    assert "neighbour search(es) in" in err
    database_file = next((tmp_path / "dask" / "prefect-home").rglob("*.db"))
    with sqlite3.connect(database_file) as db:
        task_runs = db.execute("SELECT name, state_type FROM task_run").fetchall()
    partitions = [state for name, state in task_runs if name.startswith("pseudonymise-partition")]
    assert len(partitions) == 4 and set(partitions) == {"COMPLETED"}
    assert any(name.startswith("neighbours-partition") for name, _ in task_runs)
    assert sum(name.startswith("ingest-partition") for name, _ in task_runs) == 2
    prefixes = client.run_on_scheduler(lambda dask_scheduler: sorted(dask_scheduler.task_prefixes))
    assert all(any(stage in p for p in prefixes) for stage in ("ingest", "pseudonymise", "neighbours")), prefixes
    assert "Traceback" not in err and "Error logging to API" not in err

    # Assert: the same published bytes, the same pseudonymised table and the same figures
    releases = [tmp_path / name / "catalog" / DATASET / VERSION for name in ("single", "dask")]
    assert (releases[0] / f"{DATASET}.parquet").read_bytes() == (releases[1] / f"{DATASET}.parquet").read_bytes()
    runs_dirs = [next((tmp_path / name / "workspace" / DATASET / VERSION).iterdir()) for name in ("single", "dask")]
    pd.testing.assert_frame_equal(*[pd.read_parquet(d / "raw.parquet") for d in runs_dirs])
    pd.testing.assert_frame_equal(*[pd.read_parquet(d / "pseudonymised.parquet") for d in runs_dirs])
    figures = [json.loads((d / "evaluation.json").read_text()) for d in runs_dirs]
    for f in figures:
        f.pop("timings")
    assert figures[0] == figures[1]
    privacy_reports = [json.loads((d / "privacy_report.json").read_text()) for d in runs_dirs]
    assert privacy_reports[0]["columns"] == privacy_reports[1]["columns"]
    assert not any((runs_dirs[1] / "engine").iterdir())  # partitions' files removed once joined

    # Assert: no raw value in the run's output, the workers' logs, Prefect's database or the release
    logs = json.dumps(client.get_worker_logs()) + json.dumps(client.get_scheduler_logs())
    database = b"".join(p.read_bytes() for p in (tmp_path / "dask" / "prefect-home").rglob("*.db*"))
    published = b"".join(p.read_bytes() for p in releases[1].rglob("*") if p.is_file())
    for needle in NEEDLES:
        assert needle not in out and needle not in err and needle not in logs
        assert needle.encode() not in database and needle.encode() not in published

"""Pseudonymisation (with Presidio redaction) in one process vs as partitions on a Dask LocalCluster (not a test).

The table: the covid demo table (flows/demo.py: 15,524 rows, a free-text note naming the patient)
repeated to ``--rows`` rows, with the example spec's plan (examples/covid_testing.yaml: keyed
pseudonyms, date shift, generalisation, redaction of the note). Both paths read the same workspace
``raw.parquet``:

- local: ``flows.stream.pseudonymise_batches`` in this process (the streaming path of a big source);
- dask: ``flows.partitions.pseudonymise_partitioned`` inside a Prefect flow run whose task runner is
  prefect-dask's ``DaskTaskRunner`` on a ``LocalCluster`` of ``--workers`` processes (one thread each),
  started before the clock runs (its start is printed apart).

It checks that both outputs are equal and prints the seconds and the ratio. Run:
.venv/bin/python benchmarks/engine_dask.py [--rows 60000] [--workers 2] [--partition-rows 10000]
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "covid_testing.yaml"
KEY = "bench-key-" + "0123456789abcdef" * 3


def _flow():
    from prefect import flow

    @flow(name="engine-bench", persist_result=False)
    def on_dask(spec_path: str, ws_root: str, partition_rows: int) -> tuple[int, float]:
        """Paths in, as a release's flow run takes them (the key is resolved here, never pickled)."""
        from synthgate.flows import convert, partitions
        from synthgate.flows.keys import resolve_key
        from synthgate.flows.spec import load_spec
        from synthgate.flows.workspace import Workspace

        loaded = load_spec(spec_path)
        plan, key = convert.privacy_plan(loaded.spec), resolve_key(loaded.spec.privacy)
        began = time.perf_counter()
        result = partitions.pseudonymise_partitioned(loaded, Workspace(Path(ws_root)), plan, key, partition_rows)
        return result.rows, time.perf_counter() - began

    return on_dask


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=60_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--partition-rows", type=int, default=10_000)
    args = parser.parse_args()
    os.environ.update({"SYNTHGATE_PSEUDONYM_KEY": KEY, "TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS": "",
                       "PREFECT_SERVER_ANALYTICS_ENABLED": "false"})
    import pandas as pd
    import yaml

    from synthgate.flows import convert, stream
    from synthgate.flows.demo import covid_testing_table
    from synthgate.flows.keys import resolve_key
    from synthgate.flows.spec import load_spec
    from synthgate.flows.tables import coerce_kinds
    from synthgate.flows.workspace import Workspace

    folder = Path(tempfile.mkdtemp(prefix="engine-bench-"))
    os.environ.setdefault("PREFECT_HOME", str(folder / "prefect-home"))
    base = covid_testing_table()
    frame = pd.concat([base] * (args.rows // len(base) + 1), ignore_index=True).head(args.rows)
    frame.to_csv(folder / "source.csv", index=False)
    spec = yaml.safe_load(EXAMPLE.read_text())
    spec["source"]["path"] = "source.csv"
    spec["output"] = {"catalog": "catalog", "workspace": "workspace"}
    spec.pop("risk", None)
    (folder / "spec.yaml").write_text(yaml.safe_dump(spec, sort_keys=False))
    loaded = load_spec(folder / "spec.yaml")
    kinds = {name: col.kind.value for name, col in loaded.spec.columns.items()}
    ws = Workspace(folder / "ws").create()
    coerce_kinds(frame, kinds).to_parquet(ws.raw_table, index=False)
    plan, key = convert.privacy_plan(loaded.spec), resolve_key(loaded.spec.privacy)
    print(f"{args.rows:,} rows x {frame.shape[1]} columns; plan: "
          f"{', '.join(sorted({c.action.value for c in plan.columns}))}; {os.cpu_count()} cores")

    started = time.perf_counter()
    local = stream.pseudonymise_batches(ws.raw_table, folder / "local.parquet", plan, key)
    local_s = time.perf_counter() - started
    print(f"local (one process): {local_s:.1f} s, {local.rows / local_s:,.0f} rows/s")

    from distributed import LocalCluster
    from prefect_dask import DaskTaskRunner

    from synthgate.flows import engine

    engine.quiet_cluster_logs()
    _on_dask = _flow()
    started = time.perf_counter()
    cluster = LocalCluster(n_workers=args.workers, threads_per_worker=1, processes=True, dashboard_address=None,
                           host="127.0.0.1")
    print(f"LocalCluster of {args.workers} worker(s) started in {time.perf_counter() - started:.1f} s")

    chosen = engine.Engine("dask", cluster.scheduler_address, args.workers, args.partition_rows)
    with engine.prefect_api_for_workers(chosen):
        rows, dask_s = _on_dask.with_options(task_runner=DaskTaskRunner(address=cluster.scheduler_address))(
            str(folder / "spec.yaml"), str(ws.root), args.partition_rows)
    cluster.close()
    same = pd.read_parquet(folder / "local.parquet").equals(pd.read_parquet(ws.pseudonymised_table))
    print(f"dask ({args.workers} workers, partitions of {args.partition_rows:,} rows): {dask_s:.1f} s, "
          f"{rows / dask_s:,.0f} rows/s; local/dask = {local_s / dask_s:.2f}x; same values: {same}")


if __name__ == "__main__":
    main()

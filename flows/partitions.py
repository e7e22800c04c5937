"""The data-parallel stages as partitions on a Dask cluster, through Prefect's DaskTaskRunner.

Nothing sensitive crosses the engine but paths. The stage writes what a partition needs into the
run's workspace (``engine/``: the plan, what the plan's rules learned from whole columns, encoded
rows for a neighbour search) and submits tasks whose parameters are paths and row numbers; each
task reads its rows from the workspace, writes its output there and returns counts. The pseudonym
key never travels: a worker resolves it from its own environment (or Prefect Secret block), and a
worker whose key differs from the run's is refused by key id. The workers must therefore see the
workspace at the same path (one machine, or a shared filesystem) and hold the key.

Results are the single-process results: a partition applies the same plan to its rows as the
whole-table pass does (pseudonyms, date offsets and redaction are functions of a row's own values;
the whole-column rules are fitted once, by the stage), and a neighbour search's query partitions
are whole multiples of the search's own blocks, so every distance is computed as in one process.
"""
from __future__ import annotations

import pickle
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from prefect import task
from prefect.cache_policies import NO_CACHE

from synthgate.flows import stream
from synthgate.flows.errors import InputError

ENGINE_FOLDER = "engine"
_OPTIONS = {"persist_result": False, "cache_policy": NO_CACHE}


class WorkerKeyMismatch(InputError):
    """A Dask worker resolved another pseudonym key than the run's (or none)."""


def dask_runner_active() -> bool:
    """True inside a flow run whose task runner is prefect-dask's DaskTaskRunner."""
    from prefect.context import FlowRunContext

    context = FlowRunContext.get()
    runner = getattr(context, "task_runner", None)
    return type(runner).__name__ == "DaskTaskRunner"


def _ranges(rows: int, size: int) -> list[tuple[int, int]]:
    return [(start, min(start + size, rows)) for start in range(0, rows, size)] or [(0, 0)]


def _frames_between(path: Path, start: int, stop: int, batch_rows: int):
    """Rows [start, stop) of a Parquet file as pandas frames of at most ``batch_rows``, reading only the row
    groups that hold them."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    handle = pq.ParquetFile(path)
    metadata = handle.schema_arrow.metadata
    offset = 0
    for group in range(handle.metadata.num_row_groups):
        size = handle.metadata.row_group(group).num_rows
        low, high = max(start, offset), min(stop, offset + size)
        if low < high:
            table = handle.read_row_group(group).slice(low - offset, high - low)
            for at in range(0, table.num_rows, batch_rows):
                piece = table.slice(at, batch_rows)
                yield pa.Table.from_batches(piece.to_batches(), schema=piece.schema).replace_schema_metadata(
                    metadata).to_pandas()
        offset += size
        if offset >= stop:
            break


# --- ingest: one partition per source file ---------------------------------------------------------


@task(name="ingest-partition", **_OPTIONS)
def ingest_partition(scan_file: str, index: int, out: str) -> int:
    """Type source file ``index`` of the run's scan as the whole source is typed and write it to ``out``."""
    from dataclasses import replace

    with open(scan_file, "rb") as handle:
        scan, kinds, timezone = pickle.load(handle)
    one = replace(scan, files=[scan.files[index]], formats=[scan.formats[index]])
    return stream.ingest_batches(one, kinds, timezone, Path(out))


def ingest_partitioned(loaded, scan: stream.SourceScan, ws):
    """``stream.ingest_scanned`` with each source file typed and written by a Dask worker, joined in file order.

    The scan (one streaming pass in this process: hash, parse errors, the type of every column over
    every file, null counts) decides the types; a file's partition applies them, so the table is the
    one a single process writes.
    """
    from dataclasses import replace

    from synthgate.flows import table_shape

    table_shape.check_learnable(loaded, stream.typed_sample(loaded, scan))
    kinds = {name: col.kind.value for name, col in loaded.spec.columns.items()}
    folder = Path(ws.root) / ENGINE_FOLDER
    folder.mkdir(exist_ok=True, mode=0o700)
    scan_file = folder / "scan.pkl"
    with open(scan_file, "wb") as handle:  # the scan's sample stays out: a partition needs the types only
        pickle.dump((replace(scan, sample=scan.sample.head(0)), kinds, loaded.spec.source.timezone), handle)
    parts = [folder / f"raw-{i:05d}.parquet" for i in range(len(scan.files))]
    futures = [ingest_partition.submit(str(scan_file), i, str(part)) for i, part in enumerate(parts)]
    written = [future.result() for future in futures]
    all_null = {name for name, n in zip(scan.names, scan.nulls) if n == scan.rows}
    writer = stream.ParquetBatchWriter(ws.raw_table, all_null)
    try:
        for part, n in zip(parts, written):
            if n:
                for frame in stream.parquet_frames(part, stream.BATCH_ROWS):
                    writer.write(frame)
            part.unlink(missing_ok=True)
    finally:
        writer.close()
        scan_file.unlink(missing_ok=True)
    return scan.facts(), len(parts)


# --- pseudonymisation ------------------------------------------------------------------------------


@dataclass(frozen=True)
class _PlanFile:
    plan: Any            # privacy.PseudonymisationPlan (names and rules, no value)
    privacy: Any         # the spec's PrivacySpec: how a worker finds the key (an environment variable's name)
    key_id: str | None   # the run's key id: a worker's key must have it
    fitted: dict         # PlanStream.fitted_state(): what the rules learned from whole columns (data: stays here)
    all_null: frozenset
    quasi_identifiers: tuple
    sensitive: str | None


@task(name="pseudonymise-partition", **_OPTIONS)
def pseudonymise_partition(plan_file: str, raw: str, start: int, stop: int, out: str, stats: str) -> int:
    """Apply the run's plan to rows [start, stop) of the workspace's raw table; write them to ``out`` and the
    counts to ``stats``; return the rows written."""
    from synthgate import privacy
    from synthgate.flows.keys import resolve_key

    with open(plan_file, "rb") as handle:
        spec: _PlanFile = pickle.load(handle)
    key = None
    if spec.key_id is not None:
        try:
            key = resolve_key(spec.privacy)
        except Exception:
            key = None
        if key is None or key.key_id != spec.key_id:
            raise WorkerKeyMismatch(
                f"a Dask worker has {'no pseudonymisation key' if key is None else f'key id {key.key_id}'} where "
                f"the run uses key id {spec.key_id}: give every worker the run's key (the environment variable "
                f"{spec.privacy.key_env}, or the Prefect Secret block) and start the run again")
    plan_stream = privacy.PlanStream(spec.plan, key)
    plan_stream.use_fitted(spec.fitted)
    writer = stream.ParquetBatchWriter(Path(out), set(spec.all_null))
    counts = None
    try:
        for frame in _frames_between(Path(raw), start, stop, stream.BATCH_ROWS):
            applied = plan_stream.apply(frame)
            writer.write(applied)
            if spec.quasi_identifiers:
                found = privacy.class_counts(applied, list(spec.quasi_identifiers), sensitive=spec.sensitive)
                counts = found if counts is None else privacy.merge_class_counts(counts, found)
    finally:
        writer.close()
    with open(stats, "wb") as handle:
        pickle.dump({"partial": plan_stream.partial(), "counts": counts}, handle)
    return writer.rows


def pseudonymise_partitioned(loaded, ws, plan, key, partition_rows: int) -> stream.StreamedPlan:
    """``stream.pseudonymise_workspace`` with the partitions applied by Dask workers (a DaskTaskRunner flow run).

    The whole-column rules are fitted here, once, reading one column at a time; the partitions'
    outputs are joined in order into the workspace's pseudonymised table.
    """
    from synthgate import privacy
    from synthgate.flows import convert

    risk = loaded.spec.risk
    qis = tuple(risk.quasi_identifiers) if risk is not None else ()
    sensitive = convert.risk_threshold(loaded.spec).sensitive if risk is not None else None
    folder = Path(ws.root) / ENGINE_FOLDER
    folder.mkdir(exist_ok=True, mode=0o700)
    driver = privacy.PlanStream(plan, key)
    for name in driver.columns_to_fit():
        driver.fit(name, (frame[name] for frame in stream.parquet_frames(ws.raw_table, stream.BATCH_ROWS, [name])))
    rows = stream.parquet_rows(ws.raw_table)
    all_null = frozenset(name for name, n in stream.parquet_nulls(ws.raw_table).items() if n == rows)
    plan_file = folder / "plan.pkl"
    with open(plan_file, "wb") as handle:
        pickle.dump(_PlanFile(plan, loaded.spec.privacy, key.key_id if key is not None else None,
                              driver.fitted_state(), all_null, qis, sensitive), handle)
    ranges = _ranges(rows, partition_rows)
    parts = [(folder / f"pseudonymised-{i:05d}.parquet", folder / f"stats-{i:05d}.pkl") for i in range(len(ranges))]
    futures = [pseudonymise_partition.submit(str(plan_file), str(ws.raw_table), start, stop, str(out), str(stats))
               for (start, stop), (out, stats) in zip(ranges, parts)]
    written = [future.result() for future in futures]
    writer = stream.ParquetBatchWriter(ws.pseudonymised_table, set(all_null))
    counts = None
    try:
        for (out, stats), n in zip(parts, written):
            if n:
                for frame in stream.parquet_frames(out, stream.BATCH_ROWS):
                    writer.write(frame)
            with open(stats, "rb") as handle:
                found = pickle.load(handle)
            driver.absorb(found["partial"])
            if qis and found["counts"] is not None:
                counts = found["counts"] if counts is None else privacy.merge_class_counts(counts, found["counts"])
            out.unlink(missing_ok=True)
            stats.unlink(missing_ok=True)
    finally:
        writer.close()
        plan_file.unlink(missing_ok=True)
    measured = privacy.measure_grouped_risk(counts, list(qis), sensitive=sensitive) if qis and counts is not None \
        else None
    return stream.StreamedPlan(driver.report(), writer.rows, measured, f"{len(ranges)} partition(s) on Dask")


# --- neighbour searches of the evaluation --------------------------------------------------------


@task(name="neighbours-partition", **_OPTIONS)
def neighbours_partition(queries: str, candidates: str, start: int, stop: int, k: int, tied: bool, out: str) -> int:
    """The ``k`` nearest candidates of queries [start, stop), as evaluation.search_local finds them, into ``out``."""
    from synthgate import evaluation

    found = evaluation.search_local(evaluation.load_encoded(queries).take(np.arange(start, stop)),
                                    evaluation.load_encoded(candidates), k, tied)
    np.savez(out, first=found[0], second=found[1])
    return stop - start


class DaskSearch:
    """An ``evaluation.Search`` whose query partitions run as Prefect tasks on the flow's Dask workers.

    ``partition_rows`` is rounded to whole blocks of the search (``evaluation.query_chunk_rows``), so
    each distance is computed as in one process.
    """

    def __init__(self, folder: Path, partition_rows: int) -> None:
        self.folder, self.partition_rows, self.calls, self.partitions = folder, partition_rows, 0, 0
        folder.mkdir(exist_ok=True, mode=0o700)

    def __call__(self, queries, candidates, k: int, tied: bool):
        from synthgate import evaluation

        self.calls += 1
        call = self.folder / f"search-{self.calls:03d}"
        call.mkdir(mode=0o700)
        try:
            query_path, candidate_path = call / "queries.npz", call / "candidates.npz"
            evaluation.save_encoded(queries, query_path)
            evaluation.save_encoded(candidates, candidate_path)
            block = evaluation.query_chunk_rows(candidates)
            size = max(block, (self.partition_rows // block) * block)
            ranges = _ranges(len(queries), size)
            self.partitions += len(ranges)
            outs = [call / f"found-{i:05d}.npz" for i in range(len(ranges))]
            futures = [neighbours_partition.submit(str(query_path), str(candidate_path), start, stop, k, tied,
                                                   str(out)) for (start, stop), out in zip(ranges, outs)]
            for future in futures:
                future.result()
            firsts, seconds = [], []
            for out in outs:
                with np.load(out) as found:
                    firsts.append(found["first"])
                    seconds.append(found["second"])
            return np.concatenate(firsts), np.concatenate(seconds)
        finally:
            for path in sorted(call.iterdir()):
                path.unlink()
            call.rmdir()

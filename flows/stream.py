"""Streaming ingest and pseudonymisation: a source larger than memory, read and written in Arrow batches.

The in-memory path (flows/sources.read_source, then privacy.apply_plan) reads the whole table
into pandas. Here the source is read twice in batches and never held:

1. ``scan_source``: one pass over every file (CSV through ``pyarrow.csv.open_csv`` with every
   column read as text, Parquet through ``ParquetFile.iter_batches``) that finds parse errors
   with their line, counts rows and nulls, and decides each CSV column's type over the whole
   file as ``pyarrow.csv.read_csv`` would (``_Inference``: the same order of candidate types,
   a type kept only when every batch converts to it), plus the leading-zero and fixed-width
   rules that keep digit identifiers as text (``sources.digit_identifier``). It keeps a
   bounded sample of rows for the checks that look at values.
2. ``iter_frames``: the batches again, converted to those types, as the pandas frames
   ``read_source`` would have given in pieces.

``ingest_batches`` writes the typed workspace table with ``pyarrow.parquet.ParquetWriter``,
batch after batch; ``pseudonymise_batches`` reads it back in batches, applies the plan with
``privacy.PlanStream`` and writes the pseudonymised table the same way, with the
k-anonymity figures measured on grouped counts of the quasi-identifiers. The values (and
the Parquet column types) equal the in-memory path's for the same source and key;
tests/flows/test_stream.py compares them. The files' bytes differ (row groups, and the row
count pandas writes into its metadata).

When it is used: for sources of ``stream_threshold()`` bytes or more (256 MiB unless
``SYNTHGATE_STREAM_BYTES`` says otherwise; 0 streams every source). Below that the
in-memory path is faster (one multi-threaded read, whole-column pandas) and a table of that
size fits any machine that can train on it.
"""
from __future__ import annotations

import os
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from synthgate.flows.errors import SourceError
from synthgate.flows.sniff import sniff_csv
from synthgate.flows.sources import (
    SourceFacts,
    _format_of,
    _nested_kind,
    _not_text,
    _sha256,
    header_names,
    resolve_files,
)

BATCH_ROWS = 65_536
"""Rows per batch: a 12-column batch is a few MB in Arrow and pandas."""
SAMPLE_ROWS = 100_000
"""Rows the preflight keeps for the checks that look at values (learnability, language, empty columns)."""
DEFAULT_STREAM_BYTES = 256 << 20

_TRUE = ("1", "True", "TRUE", "true")  # pyarrow.csv's default true_values and false_values
_FALSE = ("0", "False", "FALSE", "false")
_TIME = re.compile(r"^\d\d:\d\d(:\d\d)?$")
_ZONE = r"\d:\d\d(?::\d\d(?:[.,]\d+)?)?\s*(?:[zZ]|[+-]\d\d(?::?\d\d)?)$"  # as flows/timezones.py


def stream_threshold() -> int:
    """Source size in bytes from which ingest and pseudonymise stream (``SYNTHGATE_STREAM_BYTES``; 0: always)."""
    text = os.environ.get("SYNTHGATE_STREAM_BYTES", "").strip()
    try:
        return max(0, int(text)) if text else DEFAULT_STREAM_BYTES
    except ValueError:
        return DEFAULT_STREAM_BYTES


def source_bytes(pattern: str) -> int:
    """Total size of the files a source path or glob names (SourceError when there are none)."""
    return sum(path.stat().st_size for path in resolve_files(pattern))


def should_stream(pattern: str) -> bool:
    """True when the source is at least ``stream_threshold()`` bytes."""
    return source_bytes(pattern) >= stream_threshold()


# --- CSV type inference over the whole file, batch by batch ------------------------------------


def _kinds():
    import pyarrow as pa

    # pyarrow.csv's inference order (arrow/csv/inference_internal.h): a column takes the first
    # type that converts every value of the file.
    return (
        ("null", pa.null()), ("int64", pa.int64()), ("bool", pa.bool_()), ("date32", pa.date32()),
        ("time32", pa.time32("s")), ("timestamp_s", pa.timestamp("s")), ("timestamp_ns", pa.timestamp("ns")),
        ("timestamp_s_utc", pa.timestamp("s", "UTC")), ("timestamp_ns_utc", pa.timestamp("ns", "UTC")),
        ("float64", pa.float64()), ("string", pa.string()),
    )


def _trim(values):
    import pyarrow.compute as pc

    return pc.utf8_trim(values, characters=" \t")  # pyarrow.csv trims spaces and tabs around numbers and dates


def _convert(values, kind: str):
    """``values`` (a string array, nulls already null) as ``kind``; raises ArrowInvalid when one does not convert."""
    import pyarrow as pa
    import pyarrow.compute as pc

    types = dict(_kinds())
    if kind == "string":
        return values
    if kind == "null":
        if values.null_count != len(values):
            raise pa.ArrowInvalid("not null")
        return pa.nulls(len(values))
    if kind == "bool":
        present = pc.drop_null(values)
        if not pc.all(pc.is_in(present, value_set=pa.array(_TRUE + _FALSE))).as_py() and len(present):
            raise pa.ArrowInvalid("not boolean")
        return pc.if_else(pc.is_null(values), pa.scalar(None, pa.bool_()), pc.is_in(values, value_set=pa.array(_TRUE)))
    trimmed = _trim(values)
    if kind == "time32":
        present = pc.drop_null(trimmed)
        if len(present) and not pc.all(pc.match_substring_regex(present, _TIME.pattern)).as_py():
            raise pa.ArrowInvalid("not a time")
        padded = pc.if_else(pc.equal(pc.utf8_length(trimmed), 5), pc.binary_join_element_wise(trimmed, ":00", ""),
                            trimmed)
        hours = pc.cast(pc.utf8_slice_codeunits(padded, 0, 2), pa.int32())
        minutes = pc.cast(pc.utf8_slice_codeunits(padded, 3, 5), pa.int32())
        seconds = pc.cast(pc.utf8_slice_codeunits(padded, 6, 8), pa.int32())
        total = pc.add(pc.add(pc.multiply(hours, 3600), pc.multiply(minutes, 60)), seconds)
        if len(present) and pc.max(total).as_py() >= 86400:
            raise pa.ArrowInvalid("not a time")
        return total.cast(pa.int32()).view(pa.time32("s"))
    if kind.endswith("_utc"):
        present = pc.drop_null(trimmed)
        if len(present) and not pc.all(pc.match_substring_regex(present, _ZONE)).as_py():
            raise pa.ArrowInvalid("no zone")
    elif kind.startswith("timestamp"):
        present = pc.drop_null(trimmed)
        if len(present) and pc.any(pc.match_substring_regex(present, _ZONE)).as_py():
            raise pa.ArrowInvalid("a zone")
    return pc.cast(trimmed, types[kind])


_IMPLIED = {
    "date32": ("timestamp_s", "timestamp_ns"), "timestamp_s": ("timestamp_ns",),
    "timestamp_s_utc": ("timestamp_ns_utc",), "int64": ("float64",),
}


@dataclass
class _Inference:
    """One CSV column: the candidate types every batch so far converts to, and what ``digit_identifier`` needs."""

    possible: list[str] = field(default_factory=lambda: [k for k, _ in _kinds()])
    nulls: int = 0
    leading_zero: bool = False
    widths: tuple[int, int] | None = None

    def update(self, values) -> None:
        import pyarrow as pa
        import pyarrow.compute as pc

        self.nulls += values.null_count
        kept: list[str] = []
        for kind in self.possible:
            if kind in kept:
                continue
            if kind != "string":
                try:
                    _convert(values, kind)
                except (pa.ArrowInvalid, pa.ArrowNotImplementedError, ValueError):
                    continue
            # A value that reads as a date reads as a timestamp, an integer as a float: skip those casts.
            kept.extend(k for k in (kind, *_IMPLIED.get(kind, ())) if k in self.possible and k not in kept)
        self.possible = [k for k in self.possible if k in kept]
        if "int64" in kept:
            present = pc.drop_null(pc.utf8_trim_whitespace(values))
            if len(present):
                self.leading_zero = self.leading_zero or pc.any(
                    pc.match_substring_regex(present, r"^[+-]?0[0-9]")).as_py()
                low_high = pc.min_max(pc.utf8_length(present)).as_py()
                low, high = low_high["min"], low_high["max"]
                self.widths = (low, high) if self.widths is None else (min(self.widths[0], low),
                                                                        max(self.widths[1], high))

    def kind(self) -> str:
        kind = self.possible[0]
        if kind == "int64" and (self.leading_zero or (self.widths is not None and self.widths[0] == self.widths[1]
                                                      >= 10)):
            return "string"  # an identifier whose zeros a number would lose (sources.digit_identifier)
        return kind


# --- the scan: one pass, parse errors by line, types, counts, a bounded sample ------------------


@dataclass
class SourceScan:
    """What one streaming pass learned about a source: no value, except the bounded ``sample`` it keeps."""

    pattern: str
    files: list[Path]
    formats: list[str]
    delimiter: str
    encoding: str
    headers: list[str]  # as the files have them
    names: list[str]  # as the release uses them (renamed, deduplicated)
    renamed: tuple[dict, ...]
    kinds: list[str] | None  # CSV: the decided type of each column; Parquet: None (the file's types)
    arrow_schema: Any  # the type of each column as read (pyarrow.Schema, the file's names)
    nulls: list[int]
    rows: int
    sha256: str
    bytes: int
    sample: pd.DataFrame

    def facts(self) -> SourceFacts:
        return SourceFacts(tuple(str(f) for f in self.files), self.sha256, self.bytes, self.rows, len(self.headers),
                           self.renamed)

    def empty_columns(self) -> list[str]:
        """Columns empty (null) in every row, by release name."""
        return [name for name, nulls in zip(self.names, self.nulls) if nulls == self.rows]


def _csv_reader(path: Path, fmt: str, delimiter: str, encoding: str, headers: list[str] | None, bad: list):
    import pyarrow as pa
    import pyarrow.csv as pacsv

    def row_handler(row) -> str:
        if not row.text.strip():  # a whitespace-only line carries no data (as in sources._read_csv)
            return "skip"
        bad.append((row.number, row.expected_columns, row.actual_columns))
        return "error"

    stream = pa.input_stream(str(path), compression="gzip" if fmt == "csv.gz" else None)
    types = {name: pa.string() for name in headers} if headers is not None else None
    return pacsv.open_csv(
        stream,
        # One thread: pyarrow numbers the lines of bad rows only then.
        read_options=pacsv.ReadOptions(encoding=encoding, use_threads=False, block_size=8 << 20),
        parse_options=pacsv.ParseOptions(delimiter=delimiter, invalid_row_handler=row_handler),
        convert_options=pacsv.ConvertOptions(strings_can_be_null=True, column_types=types),
    )


def _csv_headers(path: Path, fmt: str, delimiter: str, encoding: str) -> list[str]:
    with _open_csv(path, fmt, delimiter, encoding, None, []) as reader:
        return list(reader.schema.names)


class _open_csv:
    """``_csv_reader`` as a context manager that turns pyarrow's errors into one SourceError line."""

    def __init__(self, path, fmt, delimiter, encoding, headers, bad) -> None:
        self.args, self.bad, self.reader = (path, fmt, delimiter, encoding, headers, bad), bad, None

    def __enter__(self):
        self.reader = _guard_csv(self.args[0], self.args[3], self.bad, lambda: _csv_reader(*self.args))
        return self

    @property
    def schema(self):
        return self.reader.schema

    def __iter__(self):
        while True:
            batch = _guard_csv(self.args[0], self.args[3], self.bad, self._next)
            if batch is None:
                return
            yield batch

    def _next(self):
        try:
            return self.reader.read_next_batch()
        except StopIteration:
            return None

    def __exit__(self, *exc) -> None:
        if self.reader is not None:
            self.reader.close()


def _csv_batches(path: Path, fmt: str, delimiter: str, encoding: str, headers: list[str]) -> Iterator:
    """The CSV's record batches, every column as text; the file is closed when they end."""
    with _open_csv(path, fmt, delimiter, encoding, headers, []) as reader:
        yield from reader


def _guard_csv(path: Path, encoding: str, bad: list, run):
    import pyarrow as pa

    from synthgate.flows.sources import _describe_parse_error

    try:
        return run()
    except PermissionError:
        raise SourceError(str(path), "cannot be read (permission denied)") from None
    except UnicodeDecodeError:
        raise SourceError(str(path), _not_text(encoding)) from None
    except (pa.ArrowInvalid, pa.ArrowTypeError) as exc:
        if bad:
            line, expected, actual = bad[0]
            where = f"line {line}" if line is not None else "a row"
            raise SourceError(str(path), f"does not parse as CSV: {where} has {actual} field"
                              f"{'s' if actual != 1 else ''} where the header has {expected}; check the "
                              "delimiter (source.delimiter) and the quoting of that line") from None
        raise SourceError(str(path), _describe_parse_error("csv", str(exc))) from None
    except OSError as exc:
        raise SourceError(str(path), f"cannot be read ({exc.strerror or type(exc).__name__})", transient=True) from None


def _parquet_file(path: Path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        handle = pq.ParquetFile(path)
    except PermissionError:
        raise SourceError(str(path), "cannot be read (permission denied)") from None
    except (pa.ArrowInvalid, pa.ArrowTypeError, OSError):
        raise SourceError(str(path), "is not a readable Parquet file") from None
    schema = handle.schema_arrow
    nested = [(f.name, f.type) for f in schema if pa.types.is_nested(f.type)]
    if nested:
        column, kind = nested[0]
        more = f" (and {len(nested) - 1} more)" if len(nested) > 1 else ""
        raise SourceError(str(path), f"column {column!r}{more} is a nested {_nested_kind(kind)} column; nested "
                          "columns are not supported: flatten it into one plain column per field before release")
    return handle


def _parquet_batches(path: Path, batch_rows: int, columns: Sequence[str] | None = None) -> Iterator:
    import pyarrow as pa

    handle = _parquet_file(path)
    batches = handle.iter_batches(batch_size=batch_rows, columns=list(columns) if columns is not None else None)
    while True:
        try:
            batch = next(batches)
        except StopIteration:
            return
        except (pa.ArrowInvalid, pa.ArrowTypeError, OSError):
            raise SourceError(str(path), "is not a readable Parquet file") from None
        yield batch


def _sliced(batches, rows: int) -> Iterator:
    """Batches of at most ``rows`` rows (a CSV block holds as many rows as fit in its bytes)."""
    for batch in batches:
        for start in range(0, batch.num_rows, rows):
            yield batch.slice(start, rows)


def scan_source(
    pattern: str,
    *,
    fmt: str = "auto",
    delimiter: str = ",",
    encoding: str = "utf-8",
    rename: Mapping[int | str, str] | None = None,
    dedupe_headers: bool = False,
    sample_rows: int = SAMPLE_ROWS,
    batch_rows: int = BATCH_ROWS,
) -> SourceScan:
    """One streaming pass over every file of the source: the checks of ``read_source`` without holding the table.

    Raises:
        SourceError: as ``read_source`` does, with the line of a row that does not parse
            (anywhere in the file, not only in the sample).
    """
    import pyarrow as pa

    files = resolve_files(pattern)
    formats = [_format_of(path, fmt) for path in files]
    headers: list[str] | None = None
    inference: list[_Inference] = []
    parquet_schema = None
    nulls: list[int] = []
    rows = 0
    kept: list = []
    kept_rows = 0
    for path, file_fmt in zip(files, formats):
        if file_fmt == "parquet":
            file_headers = list(_parquet_file(path).schema_arrow.names)
        else:
            sniff_csv(path, file_fmt, delimiter, encoding)  # compressed, binary, NUL, undecodable, delimiter
            file_headers = _csv_headers(path, file_fmt, delimiter, encoding)
        if headers is None:
            headers = file_headers
            nulls = [0] * len(headers)
            inference = [_Inference() for _ in headers]
        elif file_headers != headers:
            raise SourceError(pattern, "the files do not all have the same columns")
        if file_fmt == "parquet":
            schema = _parquet_file(path).schema_arrow
            try:
                parquet_schema = schema if parquet_schema is None else pa.unify_schemas(
                    [parquet_schema, schema], promote_options="permissive")
            except (pa.ArrowInvalid, pa.ArrowTypeError):
                raise SourceError(pattern, "the files have columns of incompatible types") from None
            batches = _parquet_batches(path, batch_rows)
        else:
            batches = _csv_batches(path, file_fmt, delimiter, encoding, headers)
        for batch in _sliced(batches, batch_rows):
            rows += batch.num_rows
            for j in range(batch.num_columns):
                column = batch.column(j)
                if file_fmt == "parquet":
                    nulls[j] += column.null_count
                else:
                    inference[j].update(column)
            if kept_rows < sample_rows:
                kept.append((file_fmt, batch.slice(0, sample_rows - kept_rows)))
                kept_rows += min(batch.num_rows, sample_rows - kept_rows)
    assert headers is not None
    if any(f == "parquet" for f in formats) and any(f != "parquet" for f in formats):
        raise SourceError(pattern, "the files mix CSV and Parquet; name files of one format")
    if not headers:
        raise SourceError(pattern, "has no columns")
    if rows == 0:
        raise SourceError(pattern, "has no rows (an empty table cannot be released)")
    names, renamed = header_names(headers, pattern, rename=rename, dedupe=dedupe_headers)
    sha, size = _sha256(files)
    csv = formats[0] != "parquet"
    kinds = [inf.kind() for inf in inference] if csv else None
    if csv:
        nulls = [inf.nulls for inf in inference]
    schema = _csv_schema(headers, kinds) if csv else parquet_schema
    scan = SourceScan(pattern, files, formats, delimiter, encoding, headers, names, renamed, kinds, schema, nulls,
                      rows, sha, size, pd.DataFrame())
    scan.sample = pd.concat([_to_frame(scan, batch) for _, batch in kept], ignore_index=True) if kept else \
        pd.DataFrame(columns=names)
    return scan


def _csv_schema(headers: list[str], kinds: list[str]):
    import pyarrow as pa

    types = dict(_kinds())
    return pa.schema([pa.field(h, types[k]) for h, k in zip(headers, kinds)])


def _to_frame(scan: SourceScan, batch) -> pd.DataFrame:
    """One batch as ``read_source`` gives the table: the decided types, release names, pandas' conversion."""
    import pyarrow as pa

    arrays = []
    for j, field_ in enumerate(scan.arrow_schema):
        column = batch.column(j)
        if scan.kinds is not None:
            try:
                column = _convert(column, scan.kinds[j])
            except (pa.ArrowInvalid, pa.ArrowNotImplementedError, ValueError):  # pyarrow's message quotes the cell
                raise SourceError(scan.pattern, f"column {scan.names[j]!r} was read as {scan.kinds[j]} over the "
                                  "whole file but a batch does not convert to it (the file changed during the read, "
                                  "or the type was decided wrongly): run again, or give the source as Parquet") from None
        elif column.type != field_.type:
            column = column.cast(field_.type)
        # pandas makes an integer column with a null float64 (and a boolean one object): a batch
        # without nulls must do so too when the whole column has one.
        if scan.nulls[j] and column.null_count == 0 and pa.types.is_integer(column.type):
            column = column.cast(pa.float64())
        arrays.append(column)
    metadata = scan.arrow_schema.metadata if scan.kinds is None else None  # pandas' dtypes of a Parquet source
    frame = pa.Table.from_arrays(arrays, names=scan.headers, metadata=metadata).rename_columns(scan.names).to_pandas()
    for j, name in enumerate(scan.names):
        if scan.nulls[j] and pa.types.is_boolean(arrays[j].type) and frame[name].dtype == bool:
            frame[name] = frame[name].astype(object)
    return frame


def iter_frames(scan: SourceScan, batch_rows: int = BATCH_ROWS) -> Iterator[pd.DataFrame]:
    """The source again, batch by batch, as pandas frames typed as ``read_source`` types the whole table."""
    for path, file_fmt in zip(scan.files, scan.formats):
        if file_fmt == "parquet":
            batches = _parquet_batches(path, batch_rows)
        else:
            batches = _csv_batches(path, file_fmt, scan.delimiter, scan.encoding, scan.headers)
        for batch in _sliced(batches, batch_rows):
            yield _to_frame(scan, batch)


# --- writing the workspace tables batch by batch -----------------------------------------------


def _settle(frame: pd.DataFrame, kinds: Mapping[str, str], nulls: Mapping[str, int]) -> pd.DataFrame:
    """Dtypes that depend on nulls anywhere in the column, not only in this batch (as ``coerce_kinds`` decides them
    for the whole table): a boolean column with a null is pandas' nullable boolean, a number column a float."""
    for name, kind in kinds.items():
        if not nulls.get(name):
            continue
        dtype = frame[name].dtype
        if kind == "boolean" and dtype == bool:
            frame[name] = frame[name].astype("boolean")
        elif kind == "numerical" and pd.api.types.is_integer_dtype(dtype):
            frame[name] = frame[name].astype("float64")
    return frame


def _schema_of(frame: pd.DataFrame, all_null: set[str]):
    """The Arrow schema of a whole table from its first batch: text columns are strings (null when always empty)."""
    import pyarrow as pa

    schema = pa.Schema.from_pandas(frame, preserve_index=False)
    for i, field_ in enumerate(schema):
        if frame[field_.name].dtype == object:
            schema = schema.set(i, field_.with_type(pa.null() if field_.name in all_null else pa.string()))
    return schema


class ParquetBatchWriter:
    """A Parquet file written batch by batch; the schema is fixed by the first batch."""

    def __init__(self, path: Path, all_null: set[str]) -> None:
        self.path, self.all_null, self.writer, self.schema, self.rows = path, all_null, None, None, 0

    def write(self, frame: pd.DataFrame) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        if self.writer is None:
            self.schema = _schema_of(frame, self.all_null)
            self.writer = pq.ParquetWriter(self.path, self.schema)
        self.writer.write_table(pa.Table.from_pandas(frame, schema=self.schema, preserve_index=False))
        self.rows += len(frame)

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()


def ingest_batches(scan: SourceScan, kinds: Mapping[str, str], timezone: str | None, path: Path,
                   batch_rows: int = BATCH_ROWS) -> int:
    """Types every batch of the source as ``coerce_kinds`` types the table and writes them to ``path``; returns rows.

    Raises:
        ColumnTypeError, InputError: as the in-memory ingest, at the first batch with the problem.
    """
    from synthgate.flows.tables import coerce_kinds
    from synthgate.flows.timezones import align_timezones

    nulls = dict(zip(scan.names, scan.nulls))
    all_null = {name for name, n in nulls.items() if n == scan.rows}
    writer = ParquetBatchWriter(path, all_null)
    try:
        for frame in iter_frames(scan, batch_rows):
            typed = coerce_kinds(align_timezones(frame, kinds, timezone), kinds)
            writer.write(_settle(typed, kinds, nulls))
    finally:
        writer.close()
    return writer.rows


def parquet_nulls(path: Path) -> dict[str, int]:
    """Nulls per column of a Parquet file, from its row-group statistics (no data read)."""
    import pyarrow.parquet as pq

    meta = pq.ParquetFile(path).metadata
    names = meta.schema.to_arrow_schema().names
    counts = dict.fromkeys(names, 0)
    for g in range(meta.num_row_groups):
        group = meta.row_group(g)
        for c in range(group.num_columns):
            stats = group.column(c).statistics
            if stats is None or not stats.has_null_count:
                counts[names[c]] = -1 if counts[names[c]] >= 0 else counts[names[c]]
            elif counts[names[c]] >= 0:
                counts[names[c]] += stats.null_count
    return counts


def parquet_frames(path: Path, batch_rows: int, columns: Sequence[str] | None = None) -> Iterator[pd.DataFrame]:
    """A workspace Parquet file as pandas frames of at most ``batch_rows`` rows (only ``columns``, if given)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    handle = pq.ParquetFile(path)
    metadata = handle.schema_arrow.metadata
    for batch in handle.iter_batches(batch_size=batch_rows, columns=list(columns) if columns is not None else None):
        yield pa.Table.from_batches([batch]).replace_schema_metadata(metadata).to_pandas()


@dataclass
class StreamedPlan:
    """What ``pseudonymise_batches`` did: the privacy report, rows written and, with quasi-identifiers, the risk."""

    report: Any  # privacy.PseudonymisationReport
    rows: int
    risk: Any = None  # privacy.RiskReport measured on grouped counts, or None
    cache: str = ""


def pseudonymise_batches(raw: Path, out: Path, plan, key, *, quasi_identifiers: Sequence[str] = (),
                         sensitive: str | None = None, batch_rows: int = BATCH_ROWS,
                         cache_entries: int = 200_000) -> StreamedPlan:
    """Applies ``plan`` to the workspace table ``raw`` batch by batch and writes ``out``.

    Rules that learn from a whole column are fitted first, one column at a time. With
    ``quasi_identifiers`` the k-anonymity figures are measured on grouped counts of the
    output (memory: one count per distinct combination).
    """
    from synthgate import privacy

    stream = privacy.PlanStream(plan, key, cache_entries=cache_entries)
    for name in stream.columns_to_fit():
        stream.fit(name, (frame[name] for frame in parquet_frames(raw, batch_rows, [name])))
    raw_nulls = parquet_nulls(raw)
    rows = parquet_rows(raw)
    all_null = {name for name, n in raw_nulls.items() if n == rows}
    writer = ParquetBatchWriter(out, all_null)
    counts = None
    try:
        for frame in parquet_frames(raw, batch_rows):
            applied = stream.apply(frame)
            writer.write(applied)
            if quasi_identifiers:
                found = privacy.class_counts(applied, quasi_identifiers, sensitive=sensitive)
                counts = found if counts is None else privacy.merge_class_counts(counts, found)
    finally:
        writer.close()
    risk = privacy.measure_grouped_risk(counts, quasi_identifiers, sensitive=sensitive) if quasi_identifiers \
        and counts is not None else None
    return StreamedPlan(stream.report(), writer.rows, risk, repr(stream.cache))


def parquet_rows(path: Path) -> int:
    """Rows of a Parquet file, from its footer."""
    import pyarrow.parquet as pq

    return pq.ParquetFile(path).metadata.num_rows


# --- the spec's view: what flows/tasks.py and flows/preflight.py call --------------------------


def scan_spec_source(loaded, *, sample_rows: int = SAMPLE_ROWS) -> SourceScan:
    """``scan_source`` with the spec's source options."""
    source = loaded.spec.source
    return scan_source(loaded.source_pattern, fmt=source.format, delimiter=source.delimiter,
                       encoding=source.encoding, rename=source.rename, dedupe_headers=source.dedupe_headers,
                       sample_rows=sample_rows)


def typed_sample(loaded, scan: SourceScan) -> pd.DataFrame:
    """The scan's bounded sample checked against the plan and typed by the spec's kinds.

    Raises:
        ColumnPlanError, ColumnTypeError, InputError: as the in-memory checks.
    """
    from synthgate.flows.sources import check_columns
    from synthgate.flows.tables import coerce_kinds
    from synthgate.flows.timezones import align_timezones

    spec = loaded.spec
    check_columns(list(scan.names), list(spec.columns))
    kinds = {name: col.kind.value for name, col in spec.columns.items()}
    return coerce_kinds(align_timezones(scan.sample, kinds, spec.source.timezone), kinds)


def ingest_scanned(loaded, scan: SourceScan, path: Path) -> SourceFacts:
    """Checks the sample (columns, kinds, learnability), then writes the typed table to ``path`` in batches.

    The learnability checks (flows/table_shape.py) look at the bounded sample, not every row.
    """
    from synthgate.flows import table_shape

    table_shape.check_learnable(loaded, typed_sample(loaded, scan))
    kinds = {name: col.kind.value for name, col in loaded.spec.columns.items()}
    ingest_batches(scan, kinds, loaded.spec.source.timezone, path)
    return scan.facts()


def workspace_streams(ws, plan) -> tuple[bool, str | None]:
    """Whether pseudonymise streams this run's workspace table, and why not when its size asks for it.

    Streams when the source was ``stream_threshold()`` bytes or more (ingest facts) and the plan
    can be applied in batches (``privacy.streaming_obstacle``).
    """
    import json

    from synthgate import privacy

    facts = json.loads(ws.ingest_facts.read_text(encoding="utf-8"))
    if int(facts.get("bytes", 0)) < stream_threshold():
        return False, None
    obstacle = privacy.streaming_obstacle(plan)
    return obstacle is None, obstacle


def pseudonymise_workspace(loaded, ws, plan, key) -> StreamedPlan:
    """``pseudonymise_batches`` from the workspace's raw to its pseudonymised table, with the spec's risk columns."""
    from synthgate.flows import convert

    risk = loaded.spec.risk
    qis = list(risk.quasi_identifiers) if risk is not None else []
    sensitive = convert.risk_threshold(loaded.spec).sensitive if risk is not None else None
    return pseudonymise_batches(ws.raw_table, ws.pseudonymised_table, plan, key, quasi_identifiers=qis,
                                sensitive=sensitive)


def risk_facts(loaded, streamed: StreamedPlan) -> dict | None:
    """The risk facts ``enforce_threshold`` reports when the table meets the threshold as it is, from grouped counts.

    None when a step must run: the steps (generalise, suppress cells or rows) change rows, and
    run on the table in memory (flows/tasks.py ``_reduce_risk``).
    """
    from synthgate import privacy
    from synthgate.flows import convert

    risk = loaded.spec.risk
    if risk is None or streamed.risk is None:
        return None
    threshold = convert.risk_threshold(loaded.spec)
    if streamed.rows and not threshold.is_met_by(streamed.risk):
        return None
    report = privacy.EnforcementReport(threshold, streamed.risk, (), len(risk.steps), True)
    return {"quasi_identifiers": list(risk.quasi_identifiers), "steps_applied": 0, **report.to_dict(),
            "measured_on": "grouped counts"}

"""Read a release's source (CSV or Parquet, one file or a glob) with pyarrow."""
from __future__ import annotations

import glob
import hashlib
import re
from dataclasses import asdict, dataclass
from pathlib import Path

import pandas as pd

from synthgate.flows.errors import ColumnPlanError, SourceError


@dataclass(frozen=True)
class SourceFacts:
    """What ingest records about the source: hashes and counts, never values."""

    files: tuple[str, ...]
    sha256: str
    bytes: int
    rows: int
    columns: int

    def to_dict(self) -> dict:
        return asdict(self)


def resolve_files(pattern: str) -> list[Path]:
    """The files a path or glob names, sorted; raises SourceError when there are none."""
    if any(ch in pattern for ch in "*?["):
        files = sorted(Path(p) for p in glob.glob(pattern, recursive=True) if Path(p).is_file())
        if not files:
            raise SourceError(pattern, "no file matches this glob")
        return files
    path = Path(pattern)
    if not path.exists():
        raise SourceError(pattern, "file not found")
    if not path.is_file():
        raise SourceError(pattern, "is not a file (a CSV or Parquet file, or a glob of them, is allowed)")
    return [path]


def _format_of(path: Path, declared: str) -> str:
    if declared != "auto":
        return declared
    suffix = path.suffix.lower()
    if suffix in (".parquet", ".pq"):
        return "parquet"
    if suffix in (".csv", ".txt", ".tsv"):
        return "csv"
    raise SourceError(str(path), f"unknown file type '{suffix}'; allowed: .csv, .parquet (or set source.format)")


def _read_one(path: Path, fmt: str, delimiter: str, encoding: str):
    import pyarrow as pa
    import pyarrow.csv as pacsv
    import pyarrow.parquet as pq

    try:
        if fmt == "parquet":
            return pq.read_table(path)
        table = pacsv.read_csv(
            path,
            read_options=pacsv.ReadOptions(encoding=encoding),
            parse_options=pacsv.ParseOptions(delimiter=delimiter),
            # Empty cells are missing values, as pandas reads them, whatever the column type.
            convert_options=pacsv.ConvertOptions(strings_can_be_null=True),
        )
    except PermissionError:
        raise SourceError(str(path), "cannot be read (permission denied)") from None
    except OSError as exc:
        raise SourceError(str(path), f"cannot be read ({exc.strerror or type(exc).__name__})") from None
    except UnicodeDecodeError:
        raise SourceError(str(path), _not_text(encoding)) from None
    except LookupError:
        raise SourceError(str(path), f"unknown encoding {encoding!r} (e.g. utf-8, cp949, euc-kr)") from None
    except (pa.ArrowInvalid, pa.ArrowTypeError) as exc:
        raise SourceError(str(path), _describe_parse_error(fmt, str(exc))) from None
    # pyarrow reads a UTF-8 column it cannot decode as bytes instead of failing: refuse it here,
    # before a byte string reaches a privacy step that expects text.
    try:
        names = table.column_names
    except UnicodeDecodeError:  # the header itself did not decode
        raise SourceError(str(path), "header " + _not_text(encoding)) from None
    undecoded = [n for n, t in zip(names, table.schema.types) if pa.types.is_binary(t) or pa.types.is_large_binary(t)]
    if undecoded:
        raise SourceError(str(path), f"column {undecoded[0]!r} {_not_text(encoding)}")
    return table


def _not_text(encoding: str) -> str:
    hint = " (Korean files are often cp949 or euc-kr)" if encoding.replace("-", "").lower() in ("utf8", "utf8sig") else ""
    return f"is not valid {encoding} text; set source.encoding to the file's encoding{hint}"


def _describe_parse_error(fmt: str, message: str) -> str:
    # pyarrow's messages quote the offending row; keep only the shape of the problem.
    if fmt == "parquet":
        return "is not a readable Parquet file"
    columns = re.search(r"Expected (\d+) columns, got (\d+)", message)
    if columns:
        return f"does not parse as CSV: a row has {columns.group(2)} fields where the header has {columns.group(1)}"
    if "Empty CSV file" in message:
        return "is empty (no header and no rows)"
    if "codec" in message or "decode" in message.lower() or "UTF" in message:
        return "does not parse as CSV: not valid text in the declared encoding (set source.encoding)"
    return "does not parse as CSV (check the delimiter, quoting and encoding)"


def file_sha256(path: Path) -> tuple[str, int]:
    """Hex sha256 and size in bytes of a file, read in 1 MiB chunks."""
    digest, total = hashlib.sha256(), 0
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
            total += len(chunk)
    return digest.hexdigest(), total


def _sha256(files: list[Path]) -> tuple[str, int]:
    """One file: its own sha256. Several: sha256 over their names and hashes, in order."""
    hashed = [(path.name, *file_sha256(path)) for path in files]
    if len(hashed) == 1:
        return hashed[0][1], hashed[0][2]
    combined = hashlib.sha256("".join(f"{name}\0{sha}\n" for name, sha, _ in hashed).encode())
    return combined.hexdigest(), sum(size for _, _, size in hashed)


def read_source(pattern: str, *, fmt: str = "auto", delimiter: str = ",", encoding: str = "utf-8") -> tuple[pd.DataFrame, SourceFacts]:
    """Read every file of the source into one DataFrame.

    Args:
        pattern: an absolute file path or glob.
        fmt: "auto", "csv" or "parquet".
        delimiter: CSV delimiter.
        encoding: CSV text encoding.

    Returns:
        The table and its facts (sha256 over the files, byte, row and column counts).

    Raises:
        SourceError: missing, unreadable, unparsable, empty, or files with different columns.
    """
    import pyarrow as pa

    files = resolve_files(pattern)
    tables = [_read_one(path, _format_of(path, fmt), delimiter, encoding) for path in files]
    if len({tuple(t.column_names) for t in tables}) > 1:
        raise SourceError(pattern, "the files do not all have the same columns")
    try:
        table = pa.concat_tables(tables, promote_options="permissive") if len(tables) > 1 else tables[0]
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        raise SourceError(pattern, "the files have columns of incompatible types") from None
    if table.num_columns == 0:
        raise SourceError(pattern, "has no columns")
    if table.num_rows == 0:
        raise SourceError(pattern, "has no rows (an empty table cannot be released)")
    if len(set(table.column_names)) != table.num_columns:
        raise SourceError(pattern, "has duplicate column names")
    sha, size = _sha256(files)
    frame = table.to_pandas()
    facts = SourceFacts(tuple(str(f) for f in files), sha, size, table.num_rows, table.num_columns)
    return frame, facts


def check_columns(data_columns: list[str], planned: list[str]) -> None:
    """Every column of the data is planned, and every planned column is in the data."""
    unplanned = [c for c in data_columns if c not in planned]
    missing = [c for c in planned if c not in data_columns]
    if unplanned or missing:
        raise ColumnPlanError(unplanned, missing)

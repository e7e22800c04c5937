"""Read a release's source (CSV or Parquet, one file or a glob) with pyarrow."""
from __future__ import annotations

import glob
import hashlib
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path

import pandas as pd

from synthgate.flows.errors import ColumnPlanError, SourceError
from synthgate.flows.sniff import sniff_csv


@dataclass(frozen=True)
class SourceFacts:
    """What ingest records about the source: hashes and counts, never values."""

    files: tuple[str, ...]
    sha256: str
    bytes: int
    rows: int
    columns: int
    # Headers renamed on reading (source.rename, source.dedupe_headers): position (1-based),
    # the header as the file has it, and the name the release uses. The file itself is never
    # edited, so ``sha256`` stays the agency's original.
    renamed_headers: tuple[dict, ...] = field(default_factory=tuple)

    def to_dict(self) -> dict:
        facts = asdict(self)
        facts["renamed_headers"] = [dict(r) for r in self.renamed_headers]
        return facts


def resolve_files(pattern: str) -> list[Path]:
    """The files a path or glob names, sorted; raises SourceError when there are none."""
    if any(ch in pattern for ch in "*?["):
        files = sorted(Path(p) for p in glob.glob(pattern, recursive=True) if Path(p).is_file())
        if not files:
            hidden = hidden_matches(pattern)
            if hidden:
                raise SourceError(pattern, f"no file matches this glob but {len(hidden)} whose name starts with "
                                  "'.', which a glob skips (hidden files are usually editor or OS leftovers); "
                                  "name the file itself if it is the source")
            raise SourceError(pattern, "no file matches this glob")
        return files
    path = Path(pattern)
    if not path.exists():
        raise SourceError(pattern, "file not found")
    if not path.is_file():
        raise SourceError(pattern, "is not a file (a CSV or Parquet file, or a glob of them, is allowed)")
    return [path]


FORMATS = ("auto", "csv", "csv.gz", "parquet")
"""source.format and --format: auto reads .csv, .tsv and .txt as CSV, .csv.gz as gzipped CSV, .parquet and .pq."""


def empty_columns(frame: pd.DataFrame) -> list[str]:
    """Columns empty (null) in every row: detection proposes dropping them; scan and init warn."""
    return [str(c) for c in frame.columns if frame[c].isna().all()]


def hidden_matches(pattern: str) -> list[Path]:
    """Files a glob matches only with hidden names included ('.x.csv', '.cache/x.csv'): the files it skips.

    A glob skips them on purpose: names starting with '.' are mostly editor, OS or sync
    leftovers (``._x.csv`` from macOS, ``.~lock.x.csv#``) that would break the read. `scan`
    and `init` warn about them; a single file path is read whatever its name.
    """
    if not any(ch in pattern for ch in "*?["):
        return []
    shown = set(glob.glob(pattern, recursive=True))
    return sorted(Path(p) for p in glob.glob(pattern, recursive=True, include_hidden=True)
                  if p not in shown and Path(p).is_file())


def _format_of(path: Path, declared: str) -> str:
    if declared != "auto":
        return declared
    suffixes = "".join(path.suffixes[-2:]).lower()
    if suffixes.endswith((".csv.gz", ".tsv.gz", ".txt.gz")):
        return "csv.gz"
    suffix = path.suffix.lower()
    if suffix in (".parquet", ".pq"):
        return "parquet"
    if suffix in (".csv", ".txt", ".tsv"):
        return "csv"
    raise SourceError(str(path), f"unknown file type '{suffix}'; allowed: .csv, .csv.gz, .parquet "
                      "(or set source.format; scan/init: --format)")


def _read_one(path: Path, fmt: str, delimiter: str, encoding: str):
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        if fmt == "parquet":
            table = pq.read_table(path)
        else:
            sniff_csv(path, fmt, delimiter, encoding)
            table = _read_csv(path, fmt, delimiter, encoding)
    except PermissionError:
        raise SourceError(str(path), "cannot be read (permission denied)") from None
    except OSError as exc:
        raise SourceError(str(path), f"cannot be read ({exc.strerror or type(exc).__name__})", transient=True) from None
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
    nested = [(n, t) for n, t in zip(names, table.schema.types) if pa.types.is_nested(t)]
    if nested:
        column, kind = nested[0]
        more = f" (and {len(nested) - 1} more)" if len(nested) > 1 else ""
        raise SourceError(str(path), f"column {column!r}{more} is a nested {_nested_kind(kind)} column; nested columns "
                          "are not supported: flatten it into one plain column per field before release")
    return table


def _nested_kind(kind) -> str:
    import pyarrow as pa

    if pa.types.is_struct(kind):
        return "struct"
    if pa.types.is_map(kind):
        return "map"
    return "list" if "list" in str(kind) else "nested"


class _BadRow(Exception):
    """A CSV row with the wrong number of fields: its line (when pyarrow knows it) and counts."""

    def __init__(self, line: int | None, expected: int, actual: int) -> None:
        self.line, self.expected, self.actual = line, expected, actual


def _read_csv(path: Path, fmt: str, delimiter: str, encoding: str, *, threads: bool = True):
    """The CSV as an Arrow table: whitespace-only lines skipped, identifier-like digit columns as strings."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    bad: list[_BadRow] = []

    def row_handler(row) -> str:
        # A whitespace-only line (often the last) carries no data, as an empty line does.
        if not row.text.strip():
            return "skip"
        bad.append(_BadRow(row.number, row.expected_columns, row.actual_columns))
        return "error"

    def read(**options):
        with pa.input_stream(str(path), compression="gzip" if fmt == "csv.gz" else None) as stream:
            return pacsv.read_csv(
                stream,
                read_options=pacsv.ReadOptions(encoding=encoding, use_threads=threads, **options.pop("read", {})),
                parse_options=pacsv.ParseOptions(delimiter=delimiter, invalid_row_handler=row_handler),
                # Empty cells are missing values, as pandas reads them, whatever the column type.
                convert_options=pacsv.ConvertOptions(strings_can_be_null=True, **options),
            )

    try:
        table = read()
    except pa.ArrowInvalid:
        if not bad:
            raise
        row = bad[0]
        if row.line is None and threads:  # pyarrow numbers lines only when it reads in one thread
            return _read_csv(path, fmt, delimiter, encoding, threads=False)
        where = f"line {row.line}" if row.line is not None else "a row"
        raise SourceError(str(path), f"does not parse as CSV: {where} has {row.actual} field"
                          f"{'s' if row.actual != 1 else ''} where the header has {row.expected}; check the "
                          "delimiter (source.delimiter) and the quoting of that line") from None
    integers = [i for i, t in enumerate(table.schema.types) if pa.types.is_integer(t)]
    if not integers:
        return table
    # Read the integer columns again as text: a leading zero anywhere, or one width of 10+ digits
    # (phone, resident, card numbers), makes it an identifier whose zeros a number would lose.
    raw = read(read={"autogenerate_column_names": True, "skip_rows": 1},
               include_columns=[f"f{i}" for i in integers], column_types={f"f{i}": pa.string() for i in integers})
    for i in integers:
        text = raw.column(f"f{i}")
        if digit_identifier(text):
            table = table.set_column(i, table.field(i).with_type(pa.string()), text)
    return table


def digit_identifier(text) -> bool:
    """True for a column of digit strings that must stay text: a leading zero, or one width of 10+ digits."""
    import pyarrow.compute as pc

    present = pc.drop_null(pc.utf8_trim_whitespace(text))
    if len(present) == 0:
        return False
    if pc.any(pc.match_substring_regex(present, r"^[+-]?0[0-9]")).as_py():
        return True
    widths = pc.min_max(pc.utf8_length(present)).as_py()
    return widths["min"] == widths["max"] >= 10


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


def read_source(
    pattern: str,
    *,
    fmt: str = "auto",
    delimiter: str = ",",
    encoding: str = "utf-8",
    rename: Mapping[int | str, str] | None = None,
    dedupe_headers: bool = False,
) -> tuple[pd.DataFrame, SourceFacts]:
    """Read every file of the source into one DataFrame.

    Args:
        pattern: an absolute file path or glob.
        fmt: "auto", "csv", "csv.gz" or "parquet" ("auto": by the name, .csv.gz read as gzip).
        delimiter: CSV delimiter.
        encoding: CSV text encoding.
        rename: 1-based position or header -> the name the release uses (source.rename).
        dedupe_headers: name later duplicate headers ``name__2``... and blank ones
            ``column_<position>`` (source.dedupe_headers).

    Returns:
        The table and its facts (sha256 over the original files, byte, row and column counts,
        the renamed headers).

    Raises:
        SourceError: missing, unreadable, unparsable (with the line), compressed, binary or UTF-16
            under another name, another delimiter, nested Parquet columns, empty, files with
            different columns, or duplicate, blank or multi-line headers left after renaming.
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
    names, renamed = header_names(table.column_names, pattern, rename=rename, dedupe=dedupe_headers)
    sha, size = _sha256(files)
    frame = table.rename_columns(names).to_pandas()
    facts = SourceFacts(tuple(str(f) for f in files), sha, size, table.num_rows, table.num_columns, renamed)
    return frame, facts


def header_names(
    headers: list[str], source: str, *, rename: Mapping[int | str, str] | None = None, dedupe: bool = False
) -> tuple[list[str], tuple[dict, ...]]:
    """The column names a release uses for the file's headers: renamed, deduplicated, then checked.

    ``rename`` maps a 1-based position or a header to a new name; ``dedupe`` names later
    duplicates ``name__2``, ``name__3`` and blank headers ``column_<position>``. Headers are
    column names, not cell values, so errors may print them.

    Returns:
        The names in file order, and one ``{position, header, name}`` per changed header.

    Raises:
        SourceError: a rename that names no header or an ambiguous one, or duplicate or blank
            names left after renaming (each named with its positions, and how to proceed).
    """
    # Padding and Unicode normalisation are not part of a name: " age" is "age", and an NFD
    # "가" (two code points, as macOS writes file names) is the NFC one.
    clean = [_clean_header(h) for h in headers]
    names = list(clean)
    for key, new in (rename or {}).items():
        names[_rename_position(clean, key, source) - 1] = new
    if dedupe:
        names = _dedupe(names)
    _refuse_line_breaks(names, source)
    cleaned = any(c != h for c, h in zip(clean, headers))
    _refuse_duplicates(names, source, renamed=bool(rename) or dedupe, cleaned=cleaned)
    changed = tuple({"position": i + 1, "header": old, "name": new}
                    for i, (old, new) in enumerate(zip(headers, names)) if old != new)
    return names, changed


def _clean_header(header: str) -> str:
    return unicodedata.normalize("NFC", str(header)).strip()


def _refuse_line_breaks(names: list[str], source: str) -> None:
    broken = [i + 1 for i, n in enumerate(names) if any(unicodedata.category(ch) in ("Cc", "Zl", "Zp") for ch in n)]
    if broken:
        raise SourceError(source, f"the header at position{'s' if len(broken) > 1 else ''} {_positions(broken)} "
                          "holds a line break or another control character; set source.rename "
                          f"({{{broken[0]}: new_name}}) in the spec, or fix the header in the file")


def _rename_position(headers: list[str], key: int | str, source: str) -> int:
    if isinstance(key, int):
        if not 1 <= key <= len(headers):
            raise SourceError(source, f"source.rename: position {key} is not a column; "
                              f"positions run from 1 to {len(headers)}")
        return key
    positions = [i + 1 for i, h in enumerate(headers) if h == _clean_header(key)]
    if not positions:
        raise SourceError(source, f"source.rename: {key!r} is not a header of the file; "
                          "name a header or a position (1-based)")
    if len(positions) > 1:
        raise SourceError(source, f"source.rename: {key!r} is the header of columns "
                          f"{_positions(positions)}; rename them by position, e.g. {{{positions[-1]}: new_name}}")
    return positions[0]


def _dedupe(names: list[str]) -> list[str]:
    # Blank headers first, so a 'column_4' made here is seen by the duplicate pass below.
    names = [n if n.strip() else f"column_{i + 1}" for i, n in enumerate(names)]
    seen: dict[str, int] = {}
    taken = set(names)
    result = []
    for name in names:
        seen[name] = seen.get(name, 0) + 1
        if seen[name] == 1:
            result.append(name)
            continue
        number = seen[name]
        while f"{name}__{number}" in taken:
            number += 1
        taken.add(f"{name}__{number}")
        result.append(f"{name}__{number}")
    return result


def _positions(positions: list[int]) -> str:
    return ", ".join(map(str, positions[:-1])) + f" and {positions[-1]}" if len(positions) > 1 else str(positions[0])


def _refuse_duplicates(names: list[str], source: str, *, renamed: bool, cleaned: bool = False) -> None:
    blank = [i + 1 for i, n in enumerate(names) if not n.strip()]
    by_name: dict[str, list[int]] = {}
    for i, name in enumerate(names):
        if name.strip():
            by_name.setdefault(name, []).append(i + 1)
    duplicates = {n: p for n, p in by_name.items() if len(p) > 1}
    if not blank and not duplicates:
        return
    parts = [f"{n!r} at positions {_positions(p)}" for n, p in duplicates.items()]
    if blank:
        parts.append(f"blank header{'s' if len(blank) > 1 else ''} at position{'s' if len(blank) > 1 else ''} "
                     + _positions(blank))
    what = "duplicate or blank column names" if blank and duplicates else (
        "blank column names" if blank else "duplicate column names")
    after = " after source.rename" if renamed else ""
    if cleaned:
        after += " (headers are read without leading and trailing spaces, in Unicode NFC)"
    raise SourceError(source, f"has {what}{after}: {'; '.join(parts)}; leave the file as it is and set "
                      "source.rename ({position: new_name}) or source.dedupe_headers: true in the spec "
                      "(scan and init: --dedupe-headers)")


def check_columns(data_columns: list[str], planned: list[str]) -> None:
    """Every column of the data is planned, and every planned column is in the data."""
    unplanned = [c for c in data_columns if c not in planned]
    missing = [c for c in planned if c not in data_columns]
    if unplanned or missing:
        raise ColumnPlanError(unplanned, missing)

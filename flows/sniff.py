"""Look at a CSV file's bytes before parsing: compression, encoding, NUL bytes, delimiter; never a value.

pyarrow reads whatever it is given as CSV, so a gzip file named .csv, UTF-16 text or a
tab-separated export all ended as "a row has N fields". These checks name the cause and the
fix instead; their messages hold counts, line numbers and headers' separators, no cell.
"""
from __future__ import annotations

import codecs
import gzip
from pathlib import Path

from synthgate.flows.errors import SourceError

_HEAD = 1 << 16  # bytes read to recognise a file: magic numbers, byte-order marks, the header line
_CHUNK = 1 << 20
_DELIMITERS = {",": "comma", "\t": "tab", ";": "semicolon", "|": "pipe"}
_SPELLED = {",": '","', "\t": '"\\t"', ";": '";"', "|": '"|"'}
_CLI = {",": "','", "\t": "tab", ";": "';'", "|": "'|'"}
_MAGIC = (  # (leading bytes, what the file is, the fix)
    (b"\x1f\x8b", "looks gzip-compressed", "name it .csv.gz or set source.format: csv.gz (scan/init: --format csv.gz)"),
    (b"PAR1", "is a Parquet file", "name it .parquet or set source.format: parquet (scan/init: --format parquet)"),
    (b"PK\x03\x04", "is a ZIP archive (an Excel .xlsx workbook is one)", "export the sheet as CSV, or unzip it"),
    (b"BZh", "looks bzip2-compressed", "decompress it (gzip is read directly as .csv.gz)"),
    (b"\xfd7zXZ\x00", "looks xz-compressed", "decompress it (gzip is read directly as .csv.gz)"),
    (b"\x28\xb5\x2f\xfd", "looks zstd-compressed", "decompress it (gzip is read directly as .csv.gz)"),
)
_BOMS = (  # longest first: a UTF-32 LE mark starts with the UTF-16 LE one
    (codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"),
)


def open_bytes(path: Path, fmt: str):
    """A binary stream of the CSV text: gunzipped for ``csv.gz``."""
    return gzip.open(path, "rb") if fmt == "csv.gz" else path.open("rb")


def sniff_csv(path: Path, fmt: str, delimiter: str, encoding: str) -> None:
    """Refuses, with the cause and the fix, a file that is not CSV text in ``encoding`` split by ``delimiter``.

    Checks, in order: compressed or binary formats by their magic number, a UTF-16/32
    byte-order mark the encoding does not match, NUL bytes and undecodable text (with the
    line number, over the whole file), and a header line without the delimiter that another
    usual delimiter would split.

    Raises:
        SourceError: the first problem found; the message names the line and the spec key to set.
    """
    source = str(path)
    try:
        name = codecs.lookup(encoding).name
    except LookupError:
        raise SourceError(source, f"unknown encoding {encoding!r} (e.g. utf-8, cp949, euc-kr)") from None
    try:
        with path.open("rb") as raw:
            lead = raw.read(8)
    except OSError:
        return  # the reader names the I/O error
    if fmt == "csv.gz" and not lead.startswith(b"\x1f\x8b"):
        raise SourceError(source, "is not gzip-compressed; set source.format: csv (scan/init: --format csv) "
                          "or compress it")
    if fmt != "csv.gz":
        for magic, what, fix in _MAGIC:
            if lead.startswith(magic):
                raise SourceError(source, f"{what}, not CSV text: {fix}")
    wide = name.startswith(("utf-16", "utf-32"))
    for bom, family in _BOMS:
        if lead.startswith(bom) and not wide:
            raise SourceError(source, f"is {family.upper()} text (byte-order mark) but is read as {encoding}: "
                              f"set source.encoding: {family} (scan/init: --encoding {family})")
    if wide:
        return  # NUL bytes are part of UTF-16/32 text; the reader decodes it whole
    try:
        header = _scan_text(path, fmt, encoding, delimiter)
    except (OSError, EOFError, gzip.BadGzipFile):
        raise SourceError(source, "is not a readable gzip file (truncated or corrupt)") from None
    _check_delimiter(source, header, delimiter)


def _undecoded_column(chunk: bytes, start: int, header: str | None, delimiter: str, encoding: str) -> str | None:
    """The header of the field holding an undecodable byte, when the line before it has no quote to mislead."""
    if header is None:
        first = chunk.split(b"\n", 1)[0]
        header = first.decode(encoding, errors="replace") if b"\n" in chunk[:start] else None
    prefix = chunk[chunk.rfind(b"\n", 0, start) + 1:start]
    if header is None or b'"' in prefix:
        return None
    names = header.rstrip("\r").split(delimiter)
    field = prefix.count(delimiter.encode(encoding))
    return names[field].strip() if field < len(names) else None


def _scan_text(path: Path, fmt: str, encoding: str, delimiter: str = ",") -> str:
    """One pass over the (decompressed) bytes: the first NUL byte or undecodable byte, by line. Returns line 1."""
    decoder = codecs.getincrementaldecoder(encoding)("strict")
    line, header, first = 1, None, True
    with open_bytes(path, fmt) as stream:
        while chunk := stream.read(_CHUNK):
            if first and encoding.replace("-", "").lower() in ("utf8", "utf8sig") and chunk.startswith(codecs.BOM_UTF8):
                chunk = chunk[len(codecs.BOM_UTF8):]
            first = False
            nul = chunk.find(b"\x00")
            if nul >= 0:
                at = line + chunk.count(b"\n", 0, nul)
                controls = sum(b < 9 or 13 < b < 32 for b in chunk[:_HEAD])
                binary = controls >= 8 and controls > 0.05 * min(len(chunk), _HEAD)
                what = "looks binary (not text)" if binary else "has NUL bytes"
                raise SourceError(str(path), f"{what}: first NUL byte at line {at}; a CSV file is text: remove "
                                  "the NUL bytes, or if it is UTF-16 text without a byte-order mark set "
                                  "source.encoding: utf-16-le")
            try:
                text = decoder.decode(chunk)
            except UnicodeDecodeError as exc:
                at = line + chunk.count(b"\n", 0, max(exc.start, 0))
                where = _undecoded_column(chunk, max(exc.start, 0), header, delimiter, encoding) if at > 1 else None
                what = f"line {at}: column {where!r}" if where else ("line 1 (the header)" if at == 1 else f"line {at}")
                raise SourceError(str(path), f"{what} is not valid {encoding} text; set source.encoding to the "
                                  "file's encoding (Korean files are often cp949 or euc-kr)") from None
            if header is None:
                header = text.split("\n", 1)[0] if "\n" in text or len(chunk) < _CHUNK else None
            line += chunk.count(b"\n")
    return header or ""


def _check_delimiter(source: str, header: str, delimiter: str) -> None:
    if delimiter in header:
        return
    counts = {d: header.count(d) for d in _DELIMITERS if d != delimiter}
    found, count = max(counts.items(), key=lambda kv: kv[1])
    if count == 0:
        return  # one column
    raise SourceError(source, f"the header line has no {_DELIMITERS.get(delimiter, repr(delimiter))} but "
                      f"{count} {_DELIMITERS[found]} character{'s' if count > 1 else ''}: the file looks "
                      f"{_DELIMITERS[found]}-separated; set source.delimiter: {_SPELLED[found]} "
                      f"(scan/init: --delimiter {_CLI[found]})")

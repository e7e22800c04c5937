"""HTTP answers for one open file: validators (ETag, 304), one byte range, chunks read from the open descriptor.

The server opens a file once, takes its size and mtime from that descriptor (``fstat``) and streams
from the same descriptor (``pread``), so a file replaced or removed while it is being served (a site
rebuilt, a version withdrawn) never mixes the headers of one file with the bytes of another.

Ranges (RFC 9110 14): one range ``bytes=a-b``, ``a-`` or ``-n`` gives 206 with ``Content-Range``; a
first byte past the end (or any range of an empty file) 416 with ``Content-Range: bytes */size``.
A header this server does not honour is ignored, as RFC 9110 allows, and the whole file is sent
with 200: several ranges (``bytes=0-1,5-6``), another unit, a malformed or backwards range, and an
``If-Range`` that is not the current ETag or Last-Modified. Readers of Parquet (Polars, DuckDB,
pyarrow, fsspec) ask one range at a time.
"""
from __future__ import annotations

import hashlib
import mimetypes
import os
import re
from datetime import datetime
from email.utils import parsedate_to_datetime
from typing import Any

CHUNK = 256 * 1024
_TYPES = {
    ".parquet": "application/vnd.apache.parquet",
    ".json": "application/json",
    ".jsonld": "application/ld+json",
    ".html": "text/html; charset=utf-8",
    ".md": "text/markdown; charset=utf-8",
    ".pdf": "application/pdf",
    ".csv": "text/csv; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".svg": "image/svg+xml",
    ".png": "image/png",
}
_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$", re.IGNORECASE)
UNSATISFIABLE = "unsatisfiable"


def content_type(name: str, *, json_ld: bool = False) -> str:
    """The media type of a file name, with ``charset=utf-8`` for text; JSON-LD when asked."""
    if json_ld:
        return "application/ld+json"
    suffix = os.path.splitext(name)[1].lower()
    if suffix in _TYPES:
        return _TYPES[suffix]
    guessed = mimetypes.guess_type(name)[0] or "application/octet-stream"
    return f"{guessed}; charset=utf-8" if guessed.startswith("text/") else guessed


def etag(sha256: str | None, facts: os.stat_result) -> str:
    """A strong ETag: the file's sha256 when its manifest states it, else a hash of size, mtime and inode."""
    if sha256:
        return f'"{sha256}"'
    stamp = f"{facts.st_size}-{facts.st_mtime_ns}-{facts.st_ino}".encode()
    return f'"{hashlib.sha256(stamp).hexdigest()[:32]}"'


def not_modified(headers: Any, tag: str, mtime: float) -> bool:
    """RFC 9110 13.1: If-None-Match (weak comparison) decides; If-Modified-Since only without it."""
    if_none_match = headers.get("if-none-match")
    if if_none_match is not None:
        tags = [t.strip().removeprefix("W/") for t in if_none_match.split(",")]
        return "*" in tags or tag in tags
    if_modified_since = headers.get("if-modified-since")
    if if_modified_since:
        try:
            since = parsedate_to_datetime(if_modified_since)
        except (TypeError, ValueError):
            return False
        if isinstance(since, datetime) and since.tzinfo is not None:
            return int(mtime) <= since.timestamp()
    return False


def byte_range(headers: Any, size: int, tag: str, last_modified: str) -> tuple[int, int] | str | None:
    """(start, end) of the one range to send, `UNSATISFIABLE`, or None for the whole file."""
    header = headers.get("range")
    if header is None:
        return None
    if_range = headers.get("if-range")
    if if_range is not None and if_range.strip() not in (tag, last_modified):
        return None
    match = _RANGE.match(header.replace(" ", ""))
    if not match or not (match[1] or match[2]):
        return None
    if match[1]:
        start = int(match[1])
        if match[2] and int(match[2]) < start:
            return None
        end = int(match[2]) + 1 if match[2] else size
        return UNSATISFIABLE if start >= size else (start, min(end, size))
    suffix = int(match[2])
    return UNSATISFIABLE if suffix == 0 or size == 0 else (max(size - suffix, 0), size)


class FileChunks:
    """The bytes ``[start, end)`` of an open descriptor, in chunks; closes it when done or dropped."""

    def __init__(self, fd: int, start: int, end: int) -> None:
        self.fd: int | None = fd
        self.offset, self.end = start, end

    def __iter__(self) -> "FileChunks":
        return self

    def __next__(self) -> bytes:
        if self.fd is None or self.offset >= self.end:
            self.close()
            raise StopIteration
        data = os.pread(self.fd, min(CHUNK, self.end - self.offset), self.offset)
        if not data:  # cut short on disk: stop; the client sees fewer bytes than Content-Length
            self.close()
            raise StopIteration
        self.offset += len(data)
        return data

    def close(self) -> None:
        if self.fd is not None:
            fd, self.fd = self.fd, None
            os.close(fd)

    def __del__(self) -> None:
        self.close()

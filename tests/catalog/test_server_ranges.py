"""The server's byte ranges and validators (catalog/_http.py) on small tables you can check by hand."""
from __future__ import annotations

import os

import pytest

from synthgate.catalog import _http

ETAG, DATE = '"abc"', "Thu, 03 Dec 2026 00:00:00 GMT"


@pytest.mark.parametrize("headers, size, expected", [
    ({}, 100, None),
    ({"range": "bytes=0-9"}, 100, (0, 10)),
    ({"range": "bytes=90-"}, 100, (90, 100)),
    ({"range": "bytes=-10"}, 100, (90, 100)),
    ({"range": "bytes=-500"}, 100, (0, 100)),
    ({"range": "bytes=50-5000"}, 100, (50, 100)),
    ({"range": "BYTES = 1 - 2"}, 100, (1, 3)),
    ({"range": "bytes=100-"}, 100, _http.UNSATISFIABLE),
    ({"range": "bytes=100-200"}, 100, _http.UNSATISFIABLE),
    ({"range": "bytes=-0"}, 100, _http.UNSATISFIABLE),
    ({"range": "bytes=0-"}, 0, _http.UNSATISFIABLE),
    ({"range": "bytes=-5"}, 0, _http.UNSATISFIABLE),
    ({"range": "bytes=9-2"}, 100, None),
    ({"range": "bytes=0-1,5-6"}, 100, None),
    ({"range": "bytes=-"}, 100, None),
    ({"range": "items=0-1"}, 100, None),
    ({"range": "bytes=a-b"}, 100, None),
    ({"range": "bytes=0-9", "if-range": ETAG}, 100, (0, 10)),
    ({"range": "bytes=0-9", "if-range": DATE}, 100, (0, 10)),
    ({"range": "bytes=0-9", "if-range": '"old"'}, 100, None),
    ({"range": "bytes=0-9", "if-range": f"W/{ETAG}"}, 100, None),
])
def test_byte_range(headers, size, expected):
    # Run / Assert
    assert _http.byte_range(headers, size, ETAG, DATE) == expected


@pytest.mark.parametrize("headers, expected", [
    ({}, False),
    ({"if-none-match": ETAG}, True),
    ({"if-none-match": f'"x", W/{ETAG}'}, True),
    ({"if-none-match": "*"}, True),
    ({"if-none-match": '"x"', "if-modified-since": "Fri, 01 Jan 2100 00:00:00 GMT"}, False),
    ({"if-modified-since": "Fri, 01 Jan 2100 00:00:00 GMT"}, True),
    ({"if-modified-since": "Thu, 01 Jan 1970 00:00:00 GMT"}, False),
    ({"if-modified-since": "not a date"}, False),
])
def test_not_modified(headers, expected):
    # Run / Assert (the file's mtime: 2026-12-03)
    assert _http.not_modified(headers, ETAG, 1796256000.0) is expected


def test_chunks_read_the_span_and_close_the_descriptor(tmp_path):
    # Setup
    path = tmp_path / "f.bin"
    path.write_bytes(bytes(range(256)) * 2048)
    fd = os.open(path, os.O_RDONLY)

    # Run
    chunks = _http.FileChunks(fd, 10, 300_000)
    data = b"".join(chunks)

    # Assert
    assert data == path.read_bytes()[10:300_000] and chunks.fd is None
    with pytest.raises(OSError):
        os.fstat(fd)


def test_content_types():
    # Run / Assert
    assert _http.content_type("t.parquet") == "application/vnd.apache.parquet"
    assert _http.content_type("index.html") == "text/html; charset=utf-8"
    assert _http.content_type("README.md") == "text/markdown; charset=utf-8"
    assert _http.content_type("manifest.json") == "application/json"
    assert _http.content_type("croissant.json", json_ld=True) == "application/ld+json"
    assert _http.content_type("report.pdf") == "application/pdf"
    assert _http.content_type("blob") == "application/octet-stream"

"""Helpers of the tests that start a real Prefect server on loopback: a free port and its REST API."""
from __future__ import annotations

import json
import socket
import time
import urllib.error
import urllib.request


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def call_api(url: str, payload: dict | None = None):
    """GET (or POST ``payload`` to) a server endpoint; a 503 (SQLite busy for a moment) is asked again."""
    data = None if payload is None else json.dumps(payload).encode()
    request = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json"})
    for attempt in range(5):
        try:
            with urllib.request.urlopen(request, timeout=20) as response:
                return json.loads(response.read())
        except urllib.error.HTTPError as exc:
            if exc.code != 503 or attempt == 4:
                raise
            time.sleep(2)

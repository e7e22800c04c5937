"""The catalog's real server (uvicorn) in a thread on a free loopback port, for the tests that talk to it."""
from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def serving(root: Path, *, log: Callable[[str], None] | None = None) -> Iterator[int]:
    """Serve ``root`` until the block ends; yields the port."""
    import uvicorn

    from synthgate.catalog.server import server_config

    server = uvicorn.Server(server_config(root, port=0, log=log))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.02)
    try:
        assert server.started, "the server did not start"
        yield server.servers[0].sockets[0].getsockname()[1]
    finally:
        server.should_exit = True
        thread.join(timeout=10)

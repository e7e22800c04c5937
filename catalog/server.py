"""A read-only HTTP server for a catalog folder (Starlette on uvicorn): the site and the released files.

What it serves is a whitelist, rebuilt from the catalog (`scan`) whenever the folder changes:

- the site: ``index.html``, ``catalog.json``, ``<dataset>/index.html``, ``<dataset>/<version>/croissant.json``
  (``/`` and ``/<dataset>/`` answer with their ``index.html``; ``/<dataset>`` redirects to ``/<dataset>/``);
- each version's ``manifest.json`` (kept after withdrawal) and ``WITHDRAWN.json`` (the public tombstone);
- the files listed in the manifest of each version that is not withdrawn; those of a withdrawn version
  answer 410 Gone with the tombstone's kind, time and reason (public on the page too).

Nothing else: no ``audit.jsonl``, no hidden entry (``.access``, ``.locks``, ``.staging-*``), no file a
manifest does not list, no directory listing. Only GET and HEAD (others: 405 with ``Allow``).

Paths: the raw request path (never the server's decoded copy) is split on ``/`` and each segment
percent-decoded once; an encoded ``/``, a backslash, NUL or another control byte, ``.`` or ``..``
(plain or encoded), an empty segment (``//``, an absolute path after the first slash), invalid UTF-8
or a path over 1,024 bytes is answered 400; a hidden segment and anything not in the whitelist 404.
A whitelisted file is then resolved with ``realpath``: a symlink leading outside the catalog, into a
hidden folder or to ``audit.jsonl`` is answered 404, as is anything that is not a regular file.

Rescanning: each request stats the catalog folder, its dataset folders and their version folders
(publishing, withdrawing and a site build each rename a file into one of them, which changes its
mtime); the whitelist is rebuilt only when one of those changed. A failed rebuild (a manifest
half-written by hand) keeps the previous whitelist and logs one line.

HTTP (`_http`): ``ETag`` is the manifest's sha256 for release files and a hash of size, mtime and
inode for the others; ``If-None-Match`` (or, without it, ``If-Modified-Since``) gives 304. One range
(``bytes=a-b``, ``a-``, ``-n``) gives 206 with ``Content-Range``, a range past the end 416; several
ranges, a malformed one or a stale ``If-Range`` get the whole file (200), as RFC 9110 allows. The
file is opened once (no link followed) and its size, validators and bytes all come from that one
descriptor, streamed in 256 KiB chunks. ``Cache-Control: no-cache`` (revalidate: a version can be
withdrawn).

Restricted versions (``dataset.access: restricted``): pages, catalog.json, Croissant, manifest and
tombstone stay public; every file the manifest lists needs ``Authorization: Bearer <token>``
(`tokens`). As RFC 6750 says: no token 401 with ``WWW-Authenticate: Bearer``; an unknown or revoked
token 401 ``error="invalid_token"``; a valid token that does not open this dataset 403
``error="insufficient_scope"``. A withdrawn version answers 410 before any token is asked for.

Access log: one line per request, ``METHOD PATH STATUS BYTES TOKEN-NAME`` (``-`` without a token):
the path without its query string, never a header, never the token. No client address is logged.
"""
from __future__ import annotations

import logging
import os
import re
import socket
import stat
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass
from email.utils import formatdate
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote_to_bytes

from synthgate.catalog import _http, tokens
from synthgate.catalog.errors import CatalogError
from synthgate.catalog.model import MANIFEST, TOMBSTONE, Catalog, scan

MAX_PATH = 1024
INDEX_PAGE = "index.html"
CATALOG_JSON = "catalog.json"
CROISSANT = "croissant.json"
AUDIT = "audit.jsonl"
LOGGER = "synthgate.catalog.server"
REALM = "synthgate catalog"
_HEX64 = re.compile(r"^[0-9a-f]{64}$")
_BEARER = re.compile(r"^Bearer +([A-Za-z0-9\-._~+/]+=*) *$", re.IGNORECASE)


class _Refused(Exception):
    """A request answered with a short plain-text error (status, one line, extra headers)."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        self.status, self.message, self.headers = status, message, headers or {}
        super().__init__(message)


@dataclass(frozen=True)
class _Entry:
    """One servable path: its file, and for release files the facts the manifest states."""

    file: Path
    dataset: str | None = None
    restricted: bool = False
    sha256: str | None = None
    size: int | None = None
    gone: str | None = None


def create_app(root: str | Path, *, log: Callable[[str], None] | None = None) -> Any:
    """The catalog server as a Starlette app (nothing is read until the first request).

    Args:
        root: the catalog folder.
        log: receives one access-log line per request; default: the ``synthgate.catalog.server``
            logger at INFO (`serve` sends it to stderr).
    """
    from starlette.applications import Starlette
    from starlette.routing import Route

    catalog = _Whitelist(Path(root))
    app = Starlette(routes=[Route("/{path:path}", catalog.endpoint, methods=["GET", "HEAD"])])
    app.add_middleware(_AccessLog, log=log or logging.getLogger(LOGGER).info)
    return app


def server_config(root: str | Path, host: str = "127.0.0.1", port: int = 8000, *,
                  log: Callable[[str], None] | None = None) -> Any:
    """The uvicorn configuration `serve` runs (tests start the same one on a free port).

    No proxy headers (a client cannot claim another address), no ``Server`` header, uvicorn's own
    access log off (ours has no query string), warnings only.
    """
    import uvicorn

    return uvicorn.Config(create_app(root, log=log), host=host, port=port, http="h11", lifespan="off",
                          proxy_headers=False, server_header=False, access_log=False, log_level="warning")


def serve(root: str | Path, host: str = "127.0.0.1", port: int = 8000) -> None:
    """Serve the catalog folder until interrupted; the access log goes to stderr.

    The listening socket is bound here, so an address in use is one line, not uvicorn's exit(1).

    Raises:
        CatalogError: ``root`` is not a folder, or ``host:port`` cannot be listened on (one line).
    """
    import uvicorn

    root = Path(root)
    if not root.is_dir():
        raise CatalogError(f"{root} is not a folder; give the catalog folder (output.catalog in the spec)")
    listener = _listen(host, port)
    logger = logging.getLogger(LOGGER)
    if not logger.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(asctime)s %(message)s"))
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
        logger.propagate = False
    try:
        uvicorn.Server(server_config(root, host, port)).run(sockets=[listener])
    finally:
        listener.close()


def _listen(host: str, port: int) -> socket.socket:
    """A bound TCP socket for ``host:port`` (IPv6 when the host is an IPv6 address)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    listener = socket.socket(family, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        listener.bind((host, port))
    except (OSError, OverflowError) as exc:
        listener.close()
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise CatalogError(f"cannot listen on {host}:{port}: {reason}; choose another --host or --port") from exc
    listener.set_inheritable(True)
    return listener


class _Whitelist:
    """The servable paths of one catalog folder, rebuilt when a catalog, dataset or version folder changes."""

    def __init__(self, root: Path) -> None:
        self.root = Path(os.path.abspath(root))
        self._lock = threading.Lock()
        self._signature: tuple | None = None
        self._entries: dict[str, _Entry] = {}
        self._real = ""

    # --- the whitelist ------------------------------------------------------------------------------

    def entries(self) -> tuple[dict[str, _Entry], str]:
        signature = _signature(self.root)
        with self._lock:
            if signature != self._signature:
                try:
                    self._entries = _entries(scan(self.root))
                    self._real = os.path.realpath(self.root)
                    self._signature = signature
                except (CatalogError, OSError) as exc:
                    logging.getLogger(LOGGER).warning("catalog not rescanned, the previous list stays: %s",
                                                      str(exc).splitlines()[0] if str(exc) else type(exc).__name__)
                    if self._signature is None:
                        raise _Refused(503, "the catalog cannot be read now") from exc
            return self._entries, self._real

    # --- one request --------------------------------------------------------------------------------

    def endpoint(self, request: Any) -> Any:
        """Answer one GET or HEAD (Starlette runs this in its thread pool: it stats and reads small files)."""
        from starlette.responses import PlainTextResponse

        try:
            return self._answer(request)
        except _Refused as refused:
            headers = {"Cache-Control": "no-cache", "X-Content-Type-Options": "nosniff", **refused.headers}
            return PlainTextResponse(refused.message + "\n", status_code=refused.status, headers=headers)

    def _answer(self, request: Any) -> Any:
        from starlette.responses import Response, StreamingResponse

        parts = _segments(request.scope.get("raw_path") or request.scope["path"].encode("utf-8"))
        entries, real_root = self.entries()
        key = "/".join(parts)
        if not parts[-1]:
            key += INDEX_PAGE
        entry = entries.get(key)
        if entry is None:
            index = entries.get(f"{key}/{INDEX_PAGE}")
            if parts[-1] and index is not None and index.gone is None and os.path.isfile(index.file):
                return Response(status_code=308, headers={"Location": quote(parts[-1]) + "/"})
            raise _Refused(404, "not found")
        if entry.gone is not None:
            raise _Refused(410, entry.gone)
        headers = {"Cache-Control": "no-cache", "X-Content-Type-Options": "nosniff"}
        if entry.restricted:
            _record(request, "token", self._authorise(request, entry.dataset))
            headers.update({"Cache-Control": "private, no-cache", "Vary": "Authorization"})
        fd, facts = _open(entry, real_root)
        chunks = _http.FileChunks(fd, 0, facts.st_size)  # closes the descriptor however the request ends
        if entry.size is not None and facts.st_size != entry.size:
            logging.getLogger(LOGGER).warning("%s: %d bytes on disk, %d in its manifest; not served", key,
                                              facts.st_size, entry.size)
            chunks.close()
            raise _Refused(500, "this file differs from its manifest; the catalog's keeper has been told")
        headers["ETag"] = _http.etag(entry.sha256, facts)
        headers["Last-Modified"] = formatdate(facts.st_mtime, usegmt=True)
        headers["Accept-Ranges"] = "bytes"
        if _http.not_modified(request.headers, headers["ETag"], facts.st_mtime):
            chunks.close()
            return Response(status_code=304, headers=headers)
        span = _http.byte_range(request.headers, facts.st_size, headers["ETag"], headers["Last-Modified"])
        if span == _http.UNSATISFIABLE:
            chunks.close()
            raise _Refused(416, "the range starts past the end of the file",
                           {"Content-Range": f"bytes */{facts.st_size}", **headers})
        status = 200
        if isinstance(span, tuple):
            status, (chunks.offset, chunks.end) = 206, span
            headers["Content-Range"] = f"bytes {span[0]}-{span[1] - 1}/{facts.st_size}"
        headers["Content-Length"] = str(chunks.end - chunks.offset)
        media_type = _http.content_type(key, json_ld=key.endswith("/" + CROISSANT))
        if request.method == "HEAD":
            chunks.close()
            return Response(status_code=status, headers=headers, media_type=media_type)
        return StreamingResponse(chunks, status_code=status, headers=headers, media_type=media_type)

    def _authorise(self, request: Any, dataset: str | None) -> str:
        challenge = f'Bearer realm="{REALM}"'
        header = request.headers.get("authorization")
        if not header:
            raise _Refused(401, "this dataset is restricted: send Authorization: Bearer <token>",
                           {"WWW-Authenticate": challenge})
        match = _BEARER.match(header)
        if not match:
            raise _Refused(401, "this dataset is restricted: send Authorization: Bearer <token>",
                           {"WWW-Authenticate": challenge})
        try:
            scope = tokens.token_scope(self.root, match.group(1))
        except CatalogError as exc:
            logging.getLogger(LOGGER).warning("token store: %s", exc)
            raise _Refused(503, "tokens cannot be checked now") from exc
        if scope is None:
            raise _Refused(401, "the token is not valid (unknown or revoked)",
                           {"WWW-Authenticate": f'{challenge}, error="invalid_token"'})
        name, datasets = scope
        _record(request, "token", name)
        if datasets is not None and dataset not in datasets:
            raise _Refused(403, "the token does not open this dataset",
                           {"WWW-Authenticate": f'{challenge}, error="insufficient_scope"'})
        return name


def _entries(cat: Catalog) -> dict[str, _Entry]:
    """Every servable path of the catalog (relative, POSIX) and what it is."""
    root = cat.root
    entries = {name: _Entry(root / name) for name in (INDEX_PAGE, CATALOG_JSON)}
    for ds in cat.datasets:
        entries[f"{ds.name}/{INDEX_PAGE}"] = _Entry(root / ds.name / INDEX_PAGE)
        for v in ds.versions:
            base = f"{ds.name}/{v.version}/"
            for name in (MANIFEST, CROISSANT):
                entries[base + name] = _Entry(v.folder / name)
            if v.tombstone is not None:
                entries[base + TOMBSTONE] = _Entry(v.folder / TOMBSTONE)
                gone = (f"{ds.name} {v.version} was {v.tombstone.kind} on {v.tombstone.at}: "
                        f"{' '.join(v.tombstone.reason.split())}")
                listed = v.manifest.get("files") if isinstance(v.manifest.get("files"), dict) else {}
                entries.update({base + name: _Entry(v.folder / name, gone=gone) for name in listed
                                if _plain(name) and name not in (MANIFEST, CROISSANT, TOMBSTONE)})
                continue
            for name, facts in v.files.items():
                if not _plain(name) or name in (MANIFEST, CROISSANT, TOMBSTONE):
                    continue
                sha = facts.get("sha256")
                size = facts.get("bytes")
                entries[base + name] = _Entry(
                    v.folder / name, dataset=ds.name, restricted=v.access == "restricted",
                    sha256=sha if isinstance(sha, str) and _HEX64.match(sha) else None,
                    size=size if isinstance(size, int) and not isinstance(size, bool) else None)
    return entries


def _plain(relpath: str) -> bool:
    """A manifest path the server may answer for: relative, no '.', '..', hidden or empty segment."""
    parts = relpath.split("/")
    return all(p and not p.startswith(".") and "\\" not in p and "\x00" not in p for p in parts)


def _signature(root: Path) -> tuple:
    """(path, mtime, inode) of the catalog folder, its dataset folders and their version folders."""
    seen = []

    def visit(folder: str, depth: int) -> None:
        facts = os.stat(folder)
        seen.append((folder, facts.st_mtime_ns, facts.st_ino))
        if depth == 2:
            return
        with os.scandir(folder) as listing:
            for item in listing:
                if not item.name.startswith((".", "_")) and item.is_dir(follow_symlinks=False):
                    visit(item.path, depth + 1)

    try:
        visit(os.fspath(root), 0)
    except OSError:
        return ("unreadable",)
    return tuple(sorted(seen))


def _segments(raw: bytes) -> list[str]:
    """The request path's segments, each percent-decoded once; 400/404 for anything unsafe."""
    if len(raw) > MAX_PATH:
        raise _Refused(400, f"the path is longer than {MAX_PATH} bytes")
    if not raw.startswith(b"/"):
        raise _Refused(400, "the path must start with /")
    raw_parts = raw[1:].split(b"/")
    parts = []
    for index, raw_part in enumerate(raw_parts):
        part = unquote_to_bytes(raw_part)
        if not part:
            if index == len(raw_parts) - 1:
                parts.append("")
                continue
            raise _Refused(400, "the path has an empty segment")
        if part in (b".", b".."):
            raise _Refused(400, "the path may not hold '.' or '..'")
        if any(c < 0x20 or c == 0x7F for c in part) or b"/" in part or b"\\" in part:
            raise _Refused(400, "the path may not hold an encoded '/', a backslash or a control character")
        try:
            text = part.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise _Refused(400, "the path is not UTF-8") from exc
        if text.startswith("."):
            raise _Refused(404, "not found")
        parts.append(text)
    return parts


def _open(entry: _Entry, real_root: str) -> tuple[int, os.stat_result]:
    """An open descriptor and its stat, if the file is a regular file inside the catalog and not hidden.

    The real path is opened without following a link (one swapped in since ``realpath`` fails), and
    size and type come from the open descriptor, so what is checked is what is sent.
    """
    real = os.path.realpath(entry.file)
    inside = os.path.relpath(real, real_root) if real.startswith(real_root + os.sep) else None
    if inside is None or inside == AUDIT or any(p.startswith(".") for p in inside.split(os.sep)):
        logging.getLogger(LOGGER).warning("a link leads outside the served files; not served")
        raise _Refused(404, "not found")
    try:
        fd = os.open(real, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError as exc:
        raise _Refused(404, "not found") from exc
    facts = os.fstat(fd)
    if not stat.S_ISREG(facts.st_mode):
        os.close(fd)
        raise _Refused(404, "not found")
    return fd, facts


def _record(request: Any, key: str, value: str) -> None:
    """Tell the access log a fact of this request (the token's name; never the token)."""
    facts = request.scope.get("synthgate.access")
    if isinstance(facts, dict):
        facts[key] = value


class _AccessLog:
    """ASGI middleware: one line per request, ``METHOD PATH STATUS BYTES TOKEN`` (no query, no header)."""

    def __init__(self, app: Any, log: Callable[[str], None]) -> None:
        self.app, self.log = app, log

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        facts = {"status": 500, "bytes": 0, "token": "-"}
        scope["synthgate.access"] = facts

        async def counting_send(message: dict) -> None:
            if message["type"] == "http.response.start":
                facts["status"] = message["status"]
            elif message["type"] == "http.response.body" and scope["method"] != "HEAD":
                facts["bytes"] += len(message.get("body", b""))
            await send(message)

        try:
            await self.app(scope, receive, counting_send)
        finally:
            self.log(f"{scope['method']} {_log_path(scope)} {facts['status']} {facts['bytes']} {facts['token']}")


def _log_path(scope: dict) -> str:
    """The request path as received (percent-encoded), without the query string, printable, at most 300 chars."""
    raw = scope.get("raw_path") or scope.get("path", "").encode("utf-8")
    raw = raw.split(b"?", 1)[0]
    text = raw.decode("ascii", "backslashreplace")
    text = "".join(c if c.isprintable() and c != " " else f"\\x{ord(c):02x}" for c in text)
    return text if len(text) <= 300 else text[:300] + "..."

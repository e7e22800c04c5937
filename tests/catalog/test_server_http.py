"""The catalog server over real HTTP: a uvicorn server on loopback serving a copy of the released catalog.

One server per module (the same `server_config` as ``synthgate catalog serve``), a copy of
``released_catalog`` with its site built, tokens added, a secret planted beside the catalog and links
planted inside it that point at the secret. Hostile paths go over a raw socket, since HTTP clients
normalise ``..`` before sending.
"""
from __future__ import annotations

import hashlib
import http.client
import json
import posixpath
import re
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from _serve import serving

from synthgate import catalog

SECRET = "TOPSECRET-outside-the-catalog-7f3a91"
PUBLIC = "covid-testing/1.0.0"
RESTRICTED = "field-logistics/2.0.0"
pytestmark = pytest.mark.slow


def _build_site(root: Path) -> bool:
    """The real site when the site builder is there (True); else the few files the server serves as site."""
    try:
        from synthgate.catalog.site import build_site

        build_site(root)
        return True
    except ImportError:
        pass
    cat = catalog.scan(root)
    (root / "index.html").write_text("<!doctype html><title>catalog</title>", encoding="utf-8")
    (root / "catalog.json").write_text(json.dumps({"datasets": [d.name for d in cat.datasets]}), encoding="utf-8")
    for ds in cat.datasets:
        (root / ds.name / "index.html").write_text(f"<!doctype html><title>{ds.name}</title>", encoding="utf-8")
        for v in ds.versions:
            (v.folder / "croissant.json").write_text(json.dumps({"name": ds.name}), encoding="utf-8")
    return False


@pytest.fixture(scope="module")
def site(released_catalog, tmp_path_factory):
    """(catalog root, access-log lines, base URL, tokens) of a running server."""
    # Setup: the catalog copy, its site, a secret beside it, links inside it that lead to the secret
    base = tmp_path_factory.mktemp("served")
    root = base / "catalog"
    shutil.copytree(released_catalog, root)
    real_site = _build_site(root)
    secret = base / "secret.txt"
    secret.write_text(SECRET, encoding="utf-8")
    (root / PUBLIC / "leak.txt").symlink_to(secret)  # not in any manifest
    readme = root / PUBLIC / "README.md"  # in the manifest: swapped for a link out
    readme.unlink()
    readme.symlink_to(secret)
    outside = base / "outside" / "9.9.9"
    shutil.copytree(released_catalog / PUBLIC, outside)
    (outside / "README.md").write_text(SECRET, encoding="utf-8")
    (root / "evil").symlink_to(outside.parent, target_is_directory=True)  # a dataset folder that is a link
    (root / ".access").mkdir(mode=0o700)
    (root / ".access" / "notes.txt").write_text(SECRET, encoding="utf-8")
    keys = {"all": catalog.add_token(root, "acme-lab"),
            "covid_only": catalog.add_token(root, "covid-only", datasets=["covid-testing"]),
            "revoked": catalog.add_token(root, "former-partner")}
    catalog.revoke_token(root, "former-partner")
    lines: list[str] = []
    with serving(root, log=lines.append) as port:
        yield {"root": root, "lines": lines, "url": f"http://127.0.0.1:{port}", "port": port, "keys": keys,
               "real_site": real_site}


def _get(site, path: str, headers: dict | None = None, method: str = "GET"):
    """(status, headers with lower-case names, body) of one request, the path sent as given."""
    connection = http.client.HTTPConnection("127.0.0.1", site["port"], timeout=10)
    try:
        connection.putrequest(method, path, skip_host=False, skip_accept_encoding=True)
        for name, value in (headers or {}).items():
            connection.putheader(name, value)
        connection.endheaders()
        response = connection.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        connection.close()


def _raw(site, target: bytes) -> bytes:
    """The whole answer to a request line sent byte for byte over a socket."""
    with socket.create_connection(("127.0.0.1", site["port"]), timeout=10) as sock:
        sock.sendall(b"GET " + target + b" HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


def _sha(site, path: str) -> str:
    return json.loads((site["root"] / path.rsplit("/", 1)[0] / "manifest.json").read_text())["files"][
        path.rsplit("/", 1)[1]]["sha256"]


def test_pandas_and_polars_read_the_parquet_by_url(site):
    import pandas as pd
    import polars as pl

    # Setup
    path = f"{PUBLIC}/covid-testing.parquet"
    local = site["root"] / path

    # Run
    by_pandas = pd.read_parquet(f"{site['url']}/{path}")
    by_polars = pl.read_parquet(f"{site['url']}/{path}")

    # Assert: the same table as the file on disk
    pd.testing.assert_frame_equal(by_pandas, pd.read_parquet(local))
    assert by_polars.equals(pl.read_parquet(local))
    assert by_pandas.shape[0] == 300


def test_range_requests_return_the_right_bytes(site):
    # Setup
    path = f"/{PUBLIC}/covid-testing.parquet"
    data = (site["root"] / path.lstrip("/")).read_bytes()
    size = len(data)

    # Run
    first = _get(site, path, {"Range": "bytes=0-99"})
    middle = _get(site, path, {"Range": f"bytes=100-{size - 1}"})
    tail = _get(site, path, {"Range": "bytes=-8"})
    rest = _get(site, path, {"Range": f"bytes={size - 20}-"})
    past = _get(site, path, {"Range": f"bytes={size}-"})
    one = _get(site, path, {"Range": "bytes=0-0"})
    head = _get(site, path, {"Range": "bytes=4-11"}, method="HEAD")
    fresh = _get(site, path, {"Range": "bytes=4-11", "If-Range": first[1]["etag"]})
    ignored = {header: _get(site, path, {"Range": header}) for header in (
        "bytes=0-3,10-13", "bytes=9-2", "bytes=x-y", "items=0-3", "bytes=-", "bytes 0-3")}
    stale = _get(site, path, {"Range": "bytes=0-9", "If-Range": '"0000"'})

    # Assert
    assert first[0] == 206 and first[2] == data[:100]
    assert first[1]["content-range"] == f"bytes 0-99/{size}" and first[1]["content-length"] == "100"
    assert middle[0] == 206 and middle[2] == data[100:]
    assert tail[0] == 206 and tail[2] == data[-8:] and tail[2].endswith(b"PAR1")
    assert tail[1]["content-range"] == f"bytes {size - 8}-{size - 1}/{size}"
    assert rest[0] == 206 and rest[2] == data[-20:]
    assert past[0] == 416 and past[1]["content-range"] == f"bytes */{size}"
    assert one[0] == 206 and one[2] == data[:1] and one[1]["content-range"] == f"bytes 0-0/{size}"
    assert head[0] == 206 and head[2] == b"" and head[1]["content-length"] == "8"
    assert fresh[0] == 206 and fresh[2] == data[4:12]
    # several ranges, a backwards, malformed or other-unit range: ignored (RFC 9110), the whole file
    assert {h: (status, body == data) for h, (status, _, body) in ignored.items()} == {
        h: (200, True) for h in ignored}
    assert stale[0] == 200 and stale[2] == data  # If-Range with another ETag: the whole file


def test_etag_304_head_and_content_types(site):
    # Setup
    path = f"/{PUBLIC}/covid-testing.parquet"
    data = (site["root"] / path.lstrip("/")).read_bytes()

    # Run
    status, headers, body = _get(site, path)
    again = _get(site, path, {"If-None-Match": headers["etag"]})
    weak = _get(site, path, {"If-None-Match": f'"nope", W/{headers["etag"]}'})
    other = _get(site, path, {"If-None-Match": '"nope"'})
    since = _get(site, path, {"If-Modified-Since": headers["last-modified"]})
    head = _get(site, path, method="HEAD")
    manifest = _get(site, f"/{PUBLIC}/manifest.json")
    page = _get(site, "/")
    croissant = _get(site, f"/{PUBLIC}/croissant.json")
    readme = _get(site, "/covid-testing/1.1.0/README.md")

    # Assert: the ETag is the manifest's sha256 of the file
    assert status == 200 and body == data and hashlib.sha256(body).hexdigest() == _sha(site, path.lstrip("/"))
    assert headers["etag"] == f'"{_sha(site, path.lstrip("/"))}"'
    assert headers["content-type"] == "application/vnd.apache.parquet"
    assert headers["accept-ranges"] == "bytes" and headers["content-length"] == str(len(data))
    assert headers["last-modified"].endswith(" GMT")
    assert again[0] == 304 and again[2] == b"" and again[1]["etag"] == headers["etag"]
    assert weak[0] == 304 and other[0] == 200 and since[0] == 304
    assert head[0] == 200 and head[2] == b"" and head[1]["content-length"] == str(len(data))
    assert head[1]["etag"] == headers["etag"] and "server" not in headers
    assert manifest[0] == 200 and manifest[1]["content-type"] == "application/json"
    assert manifest[1]["etag"].startswith('"') and _get(site, f"/{PUBLIC}/manifest.json",
                                                         {"If-None-Match": manifest[1]["etag"]})[0] == 304
    assert page[0] == 200 and page[1]["content-type"] == "text/html; charset=utf-8"
    assert croissant[0] == 200 and croissant[1]["content-type"] == "application/ld+json"
    assert readme[0] == 200 and readme[1]["content-type"] == "text/markdown; charset=utf-8"


def test_site_pages_and_no_directory_listing(site):
    # Run
    redirect = _get(site, "/covid-testing")
    page = _get(site, "/covid-testing/")
    index = _get(site, "/catalog.json")
    listings = [_get(site, p)[0] for p in (f"/{PUBLIC}/", f"/{PUBLIC}", "/covid-testing/1.0.0/data_docs/x/")]

    # Assert
    assert redirect[0] == 308 and redirect[1]["location"] == "covid-testing/"
    assert page[0] == 200 and page[2] == (site["root"] / "covid-testing" / "index.html").read_bytes()
    assert index[0] == 200 and json.loads(index[2])
    assert listings == [404, 404, 404]


def _site_links(root: Path) -> set[str]:
    """Every catalog path the site's pages and catalog.json link to (relative links, resolved)."""
    links = set()
    for page in [root / "index.html", *root.glob("*/index.html")]:
        folder = posixpath.dirname(page.relative_to(root).as_posix())
        for href in re.findall(r'(?:href|src)="([^"#:]+)"', page.read_text(encoding="utf-8")):
            links.add(posixpath.normpath(posixpath.join(folder, href)))

    def walk(node, key=""):
        if isinstance(node, dict):
            for k, v in node.items():
                walk(v, k)
        elif isinstance(node, list):
            for v in node:
                walk(v, key)
        elif key in ("downloadURL", "landingPage", "croissant") and ":" not in node:
            links.add(node)

    walk(json.loads((root / "catalog.json").read_text(encoding="utf-8")))
    return links


def test_every_link_of_the_site_is_served(site):
    # Setup
    if not site["real_site"]:
        pytest.skip("catalog/site.py is not there: no site to follow")
    links = _site_links(site["root"])
    key = {"Authorization": f"Bearer {site['keys']['all']}"}

    # Run
    plain = {link: _get(site, "/" + link, method="HEAD")[0] for link in links}
    with_token = {link: _get(site, "/" + link, key, method="HEAD")[0] for link in links}

    # Assert: public links 200 (but the README the fixture swapped for a link out); a restricted version's
    # release files 401 without a token, 200 with one
    restricted = {link for link in links if link.startswith(RESTRICTED + "/")
                  and link.rsplit("/", 1)[-1] not in ("manifest.json", "croissant.json")}
    planted = f"{PUBLIC}/README.md"
    assert {link for link, status in plain.items() if status != 200} == restricted | {planted}
    assert {plain[link] for link in restricted} == {401} and plain[planted] == with_token[planted] == 404
    assert {status for link, status in with_token.items() if link != planted} == {200}
    assert f"{PUBLIC}/covid-testing.parquet" in links and "covid-testing/index.html" in links


def test_only_get_and_head(site):
    # Run
    answers = {m: _get(site, f"/{PUBLIC}/manifest.json", method=m) for m in ("POST", "PUT", "DELETE", "OPTIONS",
                                                                            "PATCH")}

    # Assert
    for method, (status, headers, _) in answers.items():
        assert status == 405, method
        assert {a.strip() for a in headers["allow"].split(",")} == {"GET", "HEAD"}


def test_restricted_files_need_a_token_in_scope(site):
    # Setup
    path = f"/{RESTRICTED}/field-logistics.parquet"
    data = (site["root"] / path.lstrip("/")).read_bytes()
    keys = site["keys"]

    # Run
    missing = _get(site, path)
    other_scheme = _get(site, path, {"Authorization": f"Basic {keys['all']}"})
    wrong = _get(site, path, {"Authorization": "Bearer " + "x" * 43})
    revoked = _get(site, path, {"Authorization": f"Bearer {keys['revoked']}"})
    out_of_scope = _get(site, path, {"Authorization": f"Bearer {keys['covid_only']}"})
    allowed = _get(site, path, {"Authorization": f"Bearer {keys['all']}"})
    ranged = _get(site, path, {"Authorization": f"bearer {keys['all']}", "Range": "bytes=0-3"})
    public = [_get(site, p)[0] for p in (f"/{RESTRICTED}/manifest.json", f"/{RESTRICTED}/croissant.json",
                                          "/field-logistics/", "/catalog.json", "/")]
    report = _get(site, f"/{RESTRICTED}/report.html")

    # Assert: RFC 6750: no token or an invalid one 401 with a Bearer challenge; a token of another scope 403
    assert missing[0] == 401 and missing[1]["www-authenticate"].startswith("Bearer ")
    assert data[:4] not in missing[2]
    assert other_scheme[0] == 401
    assert wrong[0] == 401 and 'error="invalid_token"' in wrong[1]["www-authenticate"]
    assert revoked[0] == 401 and 'error="invalid_token"' in revoked[1]["www-authenticate"]
    assert out_of_scope[0] == 403 and 'error="insufficient_scope"' in out_of_scope[1]["www-authenticate"]
    assert allowed[0] == 200 and allowed[2] == data
    assert allowed[1]["cache-control"].startswith("private") and allowed[1]["vary"] == "Authorization"
    assert ranged[0] == 206 and ranged[2] == data[:4]
    assert public == [200, 200, 200, 200, 200]
    assert report[0] == 401


def test_a_revocation_holds_from_the_next_request(site):
    # Setup
    key = catalog.add_token(site["root"], "short-lived", datasets=["field-logistics"])
    path = f"/{RESTRICTED}/README.md"
    before = _get(site, path, {"Authorization": f"Bearer {key}"})

    # Run
    catalog.revoke_token(site["root"], "short-lived")
    after = _get(site, path, {"Authorization": f"Bearer {key}"})

    # Assert
    assert before[0] == 200 and after[0] == 401


HOSTILE = [
    b"/../secret.txt",
    b"/covid-testing/../../secret.txt",
    b"/covid-testing/1.0.0/../../../secret.txt",
    b"/%2e%2e/secret.txt",
    b"/%2E%2E/%2E%2E/secret.txt",
    b"/covid-testing/1.0.0/%2e%2e/%2e%2e/%2e%2e/secret.txt",
    b"/..%2fsecret.txt",
    b"/%2e%2e%2fsecret.txt",
    b"/covid-testing%2f..%2f..%2fsecret.txt",
    b"/..%5c..%5csecret.txt",
    b"/..\\..\\secret.txt",
    b"/covid-testing\\..\\..\\secret.txt",
    b"/%252e%252e/secret.txt",
    b"/./covid-testing/1.0.0/README.md",
    b"/covid-testing/./1.0.0/leak.txt",
    b"//secret.txt",
    b"/covid-testing//1.0.0/README.md",
    b"/covid-testing/1.0.0/leak.txt",
    b"/covid-testing/1.0.0/README.md",
    b"/evil/9.9.9/README.md",
    b"/evil/9.9.9/manifest.json",
    b"/audit.jsonl",
    b"/.access/notes.txt",
    b"/.access/tokens.json",
    b"/%2eaccess/notes.txt",
    b"/.locks/",
    b"/.access/",
    b"/covid-testing/1.0.0/manifest.json%00.html",
    b"/covid-testing/1.0.0/README.md%00",
    b"/%00",
    b"/covid-testing/1.0.0/.hidden",
    b"/" + b"a/" * 600 + b"secret.txt",
    b"/covid-testing/1.0.0/" + b"%2e" * 400,
    b"/covid-testing/1.0.0/covid-testing.parquet/../../../../secret.txt",
    b"http://127.0.0.1/../secret.txt",
    b"*",
]


def test_hostile_paths_never_return_a_byte_from_outside(site):
    # Setup: the plants are there, so a 404 means refused, not missing
    base = site["root"].parent
    assert (site["root"] / "audit.jsonl").is_file() and (site["root"] / ".access" / "tokens.json").is_file()
    assert (site["root"] / PUBLIC / "README.md").read_text() == SECRET

    # Run
    answers = {target: _raw(site, target) for target in HOSTILE}
    absolute = _raw(site, b"/" + str(base / "secret.txt").lstrip("/").encode())

    # Assert: 400 or 404, and neither the secret nor the token file's or the trail's bytes
    trail = (site["root"] / "audit.jsonl").read_bytes().splitlines()[0][:40]
    for target, answer in {**answers, b"absolute": absolute}.items():
        status = int(answer.split(b" ", 2)[1])
        assert status in (400, 404), (target, answer[:80])
        assert SECRET.encode() not in answer and b"sha256" not in answer and trail not in answer, target


def test_withdrawn_version_answers_410_and_keeps_its_manifest(site):
    # Setup: the catalog changes under the running server
    path = "/covid-testing/1.1.0/covid-testing.parquet"
    before = _get(site, path)
    reason = "The source agency withdrew its consent"
    try:
        from synthgate.catalog.withdraw import withdraw

        withdraw(site["root"], "covid-testing", "1.1.0", reason=reason, by="tester")
    except ImportError:  # withdraw.py not there yet: the tombstone as the contract writes it
        folder = site["root"] / "covid-testing" / "1.1.0"
        (folder / "WITHDRAWN.json").write_text(json.dumps({"kind": "withdrawn", "reason": reason, "at":
                                                           "2030-03-01T00:00:00+00:00", "by": "tester"}))
        (folder / "covid-testing.parquet").unlink()
    _build_site(site["root"])

    # Run
    gone = _get(site, path)
    gone_readme = _get(site, "/covid-testing/1.1.0/README.md")
    manifest = _get(site, "/covid-testing/1.1.0/manifest.json")
    tombstone = _get(site, "/covid-testing/1.1.0/WITHDRAWN.json")
    croissant = _get(site, "/covid-testing/1.1.0/croissant.json")
    live = _get(site, f"/{PUBLIC}/covid-testing.parquet", method="HEAD")

    # Assert
    assert before[0] == 200
    assert gone[0] == 410 and reason.encode() in gone[2] and b"PAR1" not in gone[2]
    assert gone_readme[0] == 410
    assert manifest[0] == 200 and json.loads(manifest[2])["dataset"]["version"] == "1.1.0"
    assert tombstone[0] == 200 and json.loads(tombstone[2])["reason"] == reason
    assert croissant[0] == 200
    assert live[0] == 200


def test_a_version_published_or_removed_while_serving_is_seen_at_once(site, released_catalog):
    # Setup
    path = "/covid-testing/1.2.0/covid-testing.parquet"
    before = _get(site, path)

    # Run: a release folder appears (as publish renames it in), then goes
    shutil.copytree(released_catalog / PUBLIC, site["root"] / "covid-testing" / ".staging-1.2.0")
    (site["root"] / "covid-testing" / ".staging-1.2.0").rename(site["root"] / "covid-testing" / "1.2.0")
    published = _get(site, path)
    shutil.rmtree(site["root"] / "covid-testing" / "1.2.0")
    removed = _get(site, path)

    # Assert
    assert before[0] == 404 and removed[0] == 404
    assert published[0] == 200 and published[2] == (released_catalog / PUBLIC / "covid-testing.parquet").read_bytes()


def test_no_file_descriptor_is_left_open(site):
    # Setup: every kind of answer that opens a file (200, HEAD, 206, 304, 416) and some that do not
    path = f"/{PUBLIC}/covid-testing.parquet"
    tag = _get(site, path, method="HEAD")[1]["etag"]
    kinds = [({}, "GET"), ({}, "HEAD"), ({"Range": "bytes=0-9"}, "GET"), ({"If-None-Match": tag}, "GET"),
             ({"Range": "bytes=999999-"}, "GET")]
    time.sleep(0.2)
    before = len(list(Path("/proc/self/fd").iterdir()))

    # Run
    for _ in range(20):
        for headers, method in kinds:
            _get(site, path, headers, method)
        _get(site, "/nowhere")
    deadline = time.monotonic() + 5
    while len(list(Path("/proc/self/fd").iterdir())) > before + 2 and time.monotonic() < deadline:
        time.sleep(0.05)

    # Assert
    assert len(list(Path("/proc/self/fd").iterdir())) <= before + 2


def test_access_log_has_no_query_string_and_no_token(site):
    # Setup: earlier requests' lines may still arrive (a line is written once the answer is sent)
    key = site["keys"]["all"]
    time.sleep(0.1)
    site["lines"].clear()

    # Run
    _get(site, f"/{RESTRICTED}/README.md?access_token=QUERYSECRET&x=1", {"Authorization": f"Bearer {key}"})
    _get(site, "/catalog.json?q=QUERYSECRET")
    _get(site, f"/{RESTRICTED}/README.md", {"Authorization": f"Bearer {site['keys']['revoked']}"})
    deadline = time.monotonic() + 5
    while len(site["lines"]) < 3 and time.monotonic() < deadline:
        time.sleep(0.02)
    time.sleep(0.1)

    # Assert: method, path, status, bytes, token name
    size = (site["root"] / RESTRICTED / "README.md").stat().st_size
    catalog_size = (site["root"] / "catalog.json").stat().st_size
    assert {f"GET /{RESTRICTED}/README.md 200 {size} acme-lab", f"GET /catalog.json 200 {catalog_size} -"} <= set(
        site["lines"])
    assert [line for line in site["lines"] if f"/{RESTRICTED}/README.md 401 " in line][0].endswith(" -")
    log = "\n".join(site["lines"])
    assert "QUERYSECRET" not in log and "?" not in log
    assert all(k not in log for k in site["keys"].values()) and "Bearer" not in log


def test_serve_in_its_own_process_logs_to_stderr(site):
    # Setup: a free port (bound, then handed to the child)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    code = f"from synthgate.catalog import serve; serve({str(site['root'])!r}, port={port})"
    child = subprocess.Popen([sys.executable, "-c", code], stderr=subprocess.PIPE, text=True)

    # Run
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                answer = _get({"port": port}, "/catalog.json?from=QUERYSECRET")
                break
            except ConnectionRefusedError:
                assert time.monotonic() < deadline and child.poll() is None, "serve did not start"
                time.sleep(0.1)
        headers = answer[1]
    finally:
        child.terminate()
        _, stderr = child.communicate(timeout=10)

    # Assert: uvicorn's own access log and Server header are off; ours has no query string
    assert answer[0] == 200 and "server" not in headers
    assert "GET /catalog.json 200 " in stderr and "QUERYSECRET" not in stderr
    assert "Traceback" not in stderr


def test_serve_refuses_a_missing_folder_and_a_taken_port_in_one_line(site, tmp_path):
    # Setup
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]

        # Run
        with pytest.raises(catalog.CatalogError) as missing:
            catalog.serve(tmp_path / "nowhere", port=port)
        with pytest.raises(catalog.CatalogError) as in_use:
            catalog.serve(site["root"], port=port)

    # Assert
    assert str(missing.value).endswith("is not a folder; give the catalog folder (output.catalog in the spec)")
    assert str(in_use.value) == (f"cannot listen on 127.0.0.1:{port}: Address already in use; "
                                 "choose another --host or --port")


def test_pandas_reads_a_restricted_parquet_with_a_token(site):
    import pandas as pd

    # Setup
    path = f"{RESTRICTED}/field-logistics.parquet"

    # Run
    frame = pd.read_parquet(f"{site['url']}/{path}",
                            storage_options={"Authorization": f"Bearer {site['keys']['all']}"})

    # Assert
    pd.testing.assert_frame_equal(frame, pd.read_parquet(site["root"] / path))

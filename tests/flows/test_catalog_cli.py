"""`synthgate catalog build | serve | token | expire` and `synthgate withdraw`: results, audit, one-line refusals."""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from synthgate import catalog
from synthgate.flows.cli import app

runner = CliRunner()
DATASET = "demo-data"


def _run(*args):
    return runner.invoke(app, [str(a) for a in args], catch_exceptions=False)


def _lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.strip()]


@pytest.fixture
def cat(tmp_path) -> Path:
    """A catalog of two small releases of one dataset (a real Parquet file, a README, hashed in the manifest)."""
    root = tmp_path / "catalog"
    for version, until in (("1.0.0", "2020-01-01"), ("1.1.0", None)):
        folder = root / DATASET / version
        (folder / "data_docs").mkdir(parents=True)
        pd.DataFrame({"age": [31, 47, 52], "ward": ["a", "b", None]}).to_parquet(folder / f"{DATASET}.parquet")
        (folder / "README.md").write_text("# Demo\n", encoding="utf-8")
        (folder / "data_docs" / "index.html").write_text("<html></html>", encoding="utf-8")
        files = {name: {"bytes": (folder / name).stat().st_size,
                        "sha256": hashlib.sha256((folder / name).read_bytes()).hexdigest()}
                 for name in (f"{DATASET}.parquet", "README.md", "data_docs/index.html")}
        manifest = {"format_version": 1, "created_at": f"2026-0{1 + (version == '1.1.0')}-01T00:00:00+00:00",
                    "dataset": {"name": DATASET, "version": version, "title": "Demo data", "licence": "CC-BY-4.0",
                                "domain": "healthcare", "retention": {"until": until} if until else None},
                    "files": files, "columns": {"age": "numerical", "ward": "categorical"}}
        (folder / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    return root


def _visible(root: Path) -> list[Path]:
    """Every file and folder but the hidden ones (.locks/, .access/ hold only lock files after a refusal)."""
    return sorted(p for p in root.rglob("*") if not any(part.startswith(".") for part in p.relative_to(root).parts))


def _with_trail(root: Path) -> Path:
    catalog.append_event(root, "published", {"dataset": DATASET, "version": "1.0.0", "rows": 3})
    return catalog.audit_path(root)


@pytest.mark.parametrize(("args", "fragment"), [
    (("catalog", "build", "{missing}"), "is not a folder; give the catalog folder"),
    (("catalog", "build", "{cat}", "--out", "{file}"), "--out {file} is a file"),
    (("catalog", "serve", "{missing}"), "is not a folder"),
    (("catalog", "serve", "{cat}", "--port", "70000"), "--port 70000 is not a TCP port; give 1-65535"),
    (("catalog", "serve", "{cat}", "--host", " "), "--host is empty"),
    (("catalog", "token", "add", "kim lee", "--catalog", "{cat}"), "token name 'kim lee' is not allowed"),
    (("catalog", "token", "add", "kim", "--dataset", "Bad_Name", "--catalog", "{cat}"), "is not a dataset name"),
    (("catalog", "token", "add", "kim", "--catalog", "{missing}"), "is not a folder"),
    (("catalog", "token", "revoke", "nobody", "--catalog", "{cat}"), "no active token 'nobody' to revoke"),
    (("catalog", "token", "list", "--catalog", "{missing}"), "is not a folder"),
    (("catalog", "expire", "{cat}", "--today", "2020-13-01"), "--today '2020-13-01' is not a date; give YYYY-MM-DD"),
    (("catalog", "expire", "{missing}"), "is not a folder"),
    (("withdraw", DATASET, "1.0.0", "--reason", "why", "--by", "kim"), "exactly one of --catalog CATALOG or --spec"),
    (("withdraw", DATASET, "1.0.0", "--reason", "why", "--by", "kim", "--catalog", "{cat}", "--spec", "{file}"),
     "exactly one of --catalog CATALOG or --spec"),
    (("withdraw", DATASET, "1.0.0", "--reason", "why", "--by", "kim", "--spec", "{tmp}/nope.yaml"), "nope.yaml"),
    (("withdraw", DATASET, "1.0.0", "--reason", "why", "--by", "kim", "--catalog", "{missing}"), "is not a folder"),
    (("withdraw", DATASET, "9.9.9", "--reason", "why", "--by", "kim", "--catalog", "{cat}"),
     "dataset 'demo-data' has no version '9.9.9'; it has: 1.0.0, 1.1.0"),
    (("withdraw", "nope", "1.0.0", "--reason", "why", "--by", "kim", "--catalog", "{cat}"), "no dataset 'nope'"),
    (("withdraw", DATASET, "1.0.0", "--reason", " ", "--by", "kim", "--catalog", "{cat}"), "the reason is empty"),
    (("withdraw", DATASET, "1.0.0", "--reason", "x" * 501, "--by", "kim", "--catalog", "{cat}"), "at most 500"),
    (("withdraw", DATASET, "1.0.0", "--reason", "why", "--by", "kim lee", "--catalog", "{cat}"),
     "--by 'kim lee' is not a name"),
])
def test_bad_input_is_one_line_and_exit_2_and_changes_nothing(cat, tmp_path, args, fragment):
    # Setup
    paths = {"cat": cat, "missing": tmp_path / "missing", "file": tmp_path / "a-file.txt", "tmp": tmp_path}
    paths["file"].write_text("x")
    args = [a.format(**paths) for a in args]
    before = _visible(cat)

    # Run
    result = _run(*args)

    # Assert
    lines = _lines(result.stderr)
    assert result.exit_code == 2, result.output
    assert len(lines) == 1 and lines[0].startswith("error: "), lines
    assert fragment.format(**paths) in lines[0]
    assert "Traceback" not in result.output
    assert _visible(cat) == before


def test_withdraw_keeps_the_manifest_and_appends_to_the_audit_trail(cat):
    # Setup
    trail = _with_trail(cat)

    # Run
    result = _run("withdraw", DATASET, "1.0.0", "--reason", "A column was mislabelled", "--catalog", cat,
                  "--by", "kim.dpo")

    # Assert: one summary line; the folder holds only the manifest and the tombstone
    assert result.exit_code == 0, result.output
    assert _lines(result.stdout)[0].startswith(f"withdrawn: {DATASET} 1.0.0 by kim.dpo at ")
    assert "3 file(s) removed, manifest.json and WITHDRAWN.json kept; audit event #2; no site to rebuild" in \
        result.stdout
    folder = cat / DATASET / "1.0.0"
    assert sorted(p.name for p in folder.iterdir()) == ["WITHDRAWN.json", "manifest.json"]
    # Assert: the trail's new event, chained, with the tombstone's facts
    events = catalog.read_events(cat)
    assert [e["event"] for e in events] == ["published", "withdrawn"]
    event = events[-1]
    tombstone = json.loads((folder / "WITHDRAWN.json").read_text(encoding="utf-8"))
    assert {k: event[k] for k in ("dataset", "version", "by", "reason", "kind", "withdrawn_at", "files_removed")} == {
        "dataset": DATASET, "version": "1.0.0", "by": "kim.dpo", "reason": "A column was mislabelled",
        "kind": "withdrawn", "withdrawn_at": tombstone["at"], "files_removed": 3}
    assert catalog.verify_chain(cat).ok and trail.is_file()

    # Run: a second withdrawal is refused (exit 2) and adds no event
    again = _run("withdraw", DATASET, "1.0.0", "--reason", "again", "--catalog", cat, "--by", "kim")
    assert again.exit_code == 2 and _lines(again.stderr) == [
        f"error: {DATASET} 1.0.0 was already withdrawn on {tombstone['at']} by kim.dpo; a withdrawal is final"]
    assert len(catalog.read_events(cat)) == 2


def test_withdraw_without_a_trail_starts_none_and_by_defaults_to_user(cat, monkeypatch):
    # Setup
    monkeypatch.setenv("USER", "lee")

    # Run
    result = _run("withdraw", DATASET, "1.1.0", "--reason", "superseded", "--catalog", cat)

    # Assert
    assert result.exit_code == 0, result.output
    assert "by lee" in result.stdout and "no audit trail in this catalog" in result.stdout
    assert not catalog.audit_path(cat).exists()


def test_withdraw_and_expire_rebuild_a_site_the_catalog_has(cat):
    # Setup: a site built in place, and an audit trail
    assert _run("catalog", "build", cat).exit_code == 0
    _with_trail(cat)
    assert "expired" not in (cat / "catalog.json").read_text(encoding="utf-8")

    # Run: 1.0.0's retention ended on 2020-01-01
    nothing = _run("catalog", "expire", cat, "--today", "2020-01-01", "--by", "ops")
    result = _run("catalog", "expire", cat, "--today", "2020-01-02", "--by", "ops")

    # Assert: one line per version, the audit event records the kind, the site shows the tombstone
    assert nothing.exit_code == 0 and _lines(nothing.stdout) == [
        "nothing expired: no version's retention ended before 2020-01-01"]
    assert result.exit_code == 0, result.output
    assert _lines(result.stdout) == [
        # the site's croissant.json went too; the rebuild wrote it again, as a tombstone
        f"expired: {DATASET} 1.0.0 (retention until 2020-01-01); 4 file(s) removed; audit event #2",
        f"site rebuilt ({cat / 'index.html'})"]
    event = catalog.read_events(cat)[-1]
    assert (event["event"], event["kind"], event["by"], event["reason"]) == (
        "withdrawn", "expired", "ops", "retention period ended on 2020-01-01")
    index = json.loads((cat / "catalog.json").read_text(encoding="utf-8"))
    assert '"expired"' in json.dumps(index) and "retention period ended on 2020-01-01" in json.dumps(index)
    assert sorted(p.name for p in (cat / DATASET / "1.0.0").iterdir()) == ["WITHDRAWN.json", "croissant.json",
                                                                        "manifest.json"]


def test_build_writes_the_site_into_another_folder(cat, tmp_path):
    # Run
    result = _run("catalog", "build", cat, "--out", tmp_path / "site")

    # Assert
    assert result.exit_code == 0, result.output
    assert _lines(result.stdout)[0].startswith(f"ok: site of {cat} written to {tmp_path / 'site'}: 2 page(s)")
    assert (tmp_path / "site" / "index.html").is_file() and (tmp_path / "site" / "catalog.json").is_file()
    assert not (cat / "index.html").exists()


def test_token_add_prints_the_token_once_and_list_shows_no_hash(cat):
    # Run
    added = _run("catalog", "token", "add", "startup-a", "--dataset", DATASET, "--catalog", cat)
    listed = _run("catalog", "token", "list", "--catalog", cat)
    revoked = _run("catalog", "token", "revoke", "startup-a", "--catalog", cat)
    after = _run("catalog", "token", "list", "--catalog", cat)

    # Assert: the token alone on stdout, the note on stderr; only its hash is stored
    assert added.exit_code == 0, added.output
    token = added.stdout.strip()
    assert len(_lines(added.stdout)) == 1 and len(token) >= 40
    assert "shown only now, it is not stored" in added.stderr
    stored = (cat / ".access" / "tokens.json").read_text(encoding="utf-8")
    assert token not in stored and hashlib.sha256(token.encode()).hexdigest() in stored
    # Assert: list names the token, its scope and state, never the token or its hash
    assert listed.exit_code == 0 and _lines(listed.stdout)[0].startswith("startup-a  active  created ")
    assert _lines(listed.stdout)[0].endswith(f"opens {DATASET}")
    for output in (listed.stdout, after.stdout):
        assert token not in output and hashlib.sha256(token.encode()).hexdigest() not in output
    assert revoked.exit_code == 0 and _lines(revoked.stdout) == ["revoked: startup-a"]
    assert _lines(after.stdout)[0].startswith("startup-a  revoked ")


def test_a_withdrawn_version_is_never_republished_and_auto_skips_it(small_release, key_env):
    # Setup: version 1.0.0 of the spec's dataset is in its catalog, then withdrawn through --spec
    spec = small_release()
    folder = small_release.tmp_path / "catalog" / "patients" / "1.0.0"
    folder.mkdir(parents=True)
    (folder / "patients.parquet").write_bytes(b"PAR1")
    (folder / "manifest.json").write_text(json.dumps({"dataset": {"name": "patients", "version": "1.0.0"},
                                                      "created_at": "2026-01-01T00:00:00+00:00"}), encoding="utf-8")
    withdrawn = _run("withdraw", "patients", "1.0.0", "--reason", "superseded", "--spec", spec, "--by", "kim")
    assert withdrawn.exit_code == 0, withdrawn.output
    day = json.loads((folder / "WITHDRAWN.json").read_text(encoding="utf-8"))["at"][:10]

    # Run
    again = _run("check", spec)
    auto = _run("check", small_release(**{"dataset.version": "auto"}))

    # Assert: the same version is refused, naming the withdrawal; auto takes the next one
    assert again.exit_code == 2
    assert _lines(again.stderr) == [f"error: release patients 1.0.0 was withdrawn on {day}: a withdrawn version is "
                                    f"never republished ({folder}); raise dataset.version in the spec"]
    assert auto.exit_code == 0, auto.output
    assert str(folder.parent / "1.0.1") in auto.stdout


def test_a_site_that_cannot_be_built_after_a_publish_is_one_alert_line(cat):
    # Setup: a folder where the site's index.html goes, so the build cannot write it
    from synthgate.flows import catalog_site

    (cat / "index.html").mkdir()
    folder = cat / DATASET / "1.1.0"
    release = {p: p.read_bytes() for p in folder.rglob("*") if p.is_file()}
    warnings: list[str] = []

    # Run
    index = catalog_site.after_publish(cat, dataset=DATASET, version="1.1.0", flow_run_id="run-1",
                                       warn=warnings.append)

    # Assert: no exception, one line an alert rule picks up, the release untouched
    assert index is None
    assert len(warnings) == 1 and "\n" not in warnings[0]
    assert warnings[0].startswith(f"SYNTHGATE-ALERT event=site_failed dataset={DATASET} version=1.1.0 "
                                  "flow_run=run-1 error=CatalogError: cannot write the catalog site in ")
    assert warnings[0].endswith("hint=the release is published; rebuild with: synthgate catalog build CATALOG")
    assert {p: p.read_bytes() for p in release} == release  # (a croissant.json may have been written beside)


def test_a_site_that_cannot_be_written_exits_3_in_one_line(cat):
    # Setup
    (cat / "index.html").mkdir()

    # Run
    result = _run("catalog", "build", cat)

    # Assert
    assert result.exit_code == 3
    assert _lines(result.stderr) == [f"error: cannot write the catalog site in {cat}: Is a directory"]


@pytest.mark.slow
def test_serve_answers_on_its_port_and_a_taken_port_is_one_line_exit_3(cat):
    # Setup: a site to serve, a free port
    import socket
    import subprocess
    import sys
    import time
    import urllib.error
    import urllib.request

    assert _run("catalog", "build", cat).exit_code == 0
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    command = [sys.executable, "-m", "synthgate", "catalog", "serve", str(cat), "--port", str(port)]
    server = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        # Run: wait for the index, then ask for the audit trail, then start a second server on the port
        deadline, status = time.monotonic() + 60, None
        while status is None and time.monotonic() < deadline:
            try:
                status = urllib.request.urlopen(f"http://127.0.0.1:{port}/index.html", timeout=2).status
            except (urllib.error.URLError, ConnectionError):
                time.sleep(0.2)
        with pytest.raises(urllib.error.HTTPError) as hidden:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/audit.jsonl", timeout=2)
        second = subprocess.run(command, capture_output=True, text=True, timeout=60)
    finally:
        server.terminate()
        server.wait(timeout=30)

    # Assert
    assert status == 200 and hidden.value.code == 404
    assert second.returncode == 3
    assert _lines(second.stderr) == [f"error: cannot listen on 127.0.0.1:{port}: Address already in use"]

"""A real `synthgate run` builds the catalog site; `synthgate withdraw` tombstones the version on it for good."""
from __future__ import annotations

import json

import pytest
import yaml
from typer.testing import CliRunner

from synthgate import catalog
from synthgate.flows.cli import app

pytestmark = pytest.mark.slow

runner = CliRunner()


def _run(*args):
    return runner.invoke(app, [str(a) for a in args], catch_exceptions=False)


def test_run_builds_the_site_and_a_withdrawal_is_shown_and_final(prefect_harness, covid_release, key_env):
    # Setup: 100 synthetic rows, no PDF (the site is under test here, not the report)
    spec = covid_release(version="1.0.0", rows=100, evaluation={"pdf": False})
    root = covid_release.tmp_path / "catalog"

    # Run: the real CLI, the real flow
    published = _run("run", spec)

    # Assert: published, and the site, catalog.json and Croissant name the version
    assert published.exit_code == 0, published.output
    assert f"catalog site: {root / 'index.html'}" in published.stdout
    page = (root / "covid-testing" / "index.html").read_text(encoding="utf-8")
    index = json.loads((root / "catalog.json").read_text(encoding="utf-8"))
    croissant = json.loads((root / "covid-testing" / "1.0.0" / "croissant.json").read_text(encoding="utf-8"))
    assert "covid-testing" in (root / "index.html").read_text(encoding="utf-8") and "1.0.0" in page
    [entry] = index["dataset"]
    assert entry["identifier"] == "covid-testing" and entry["latestVersion"] == "1.0.0"
    assert [(v["version"], v["status"]) for v in entry["hasVersion"]] == [("1.0.0", "published")]
    assert croissant["version"] == "1.0.0" and croissant["creativeWorkStatus"] == "Published"

    # Run: withdraw it through the spec
    withdrawn = _run("withdraw", "covid-testing", "1.0.0", "--reason", "Consent withdrawn by the source hospital",
                     "--spec", spec, "--by", "dpo")

    # Assert: tombstone on the page, in catalog.json and Croissant; the audit trail records it; files gone
    assert withdrawn.exit_code == 0, withdrawn.output
    assert f"site rebuilt ({root / 'index.html'})" in withdrawn.stdout
    page = (root / "covid-testing" / "index.html").read_text(encoding="utf-8")
    assert "tombstone" in page and "Consent withdrawn by the source hospital" in page and "by dpo" in page
    version = json.loads((root / "catalog.json").read_text(encoding="utf-8"))["dataset"][0]["hasVersion"][0]
    assert version["status"] == "withdrawn" and version["distribution"] == []
    assert version["tombstone"]["reason"] == "Consent withdrawn by the source hospital"
    croissant = json.loads((root / "covid-testing" / "1.0.0" / "croissant.json").read_text(encoding="utf-8"))
    assert croissant["creativeWorkStatus"] == "Withdrawn"
    event = catalog.read_events(root)[-1]
    assert (event["event"], event["dataset"], event["version"], event["by"], event["kind"]) == (
        "withdrawn", "covid-testing", "1.0.0", "dpo", "withdrawn")
    assert catalog.verify_chain(root).ok
    assert sorted(p.name for p in (root / "covid-testing" / "1.0.0").iterdir()) == [
        "WITHDRAWN.json", "croissant.json", "manifest.json"]

    # Run: the same version again
    again = _run("run", spec)

    # Assert: refused before anything runs, naming the withdrawal
    lines = [line for line in again.stderr.splitlines() if line.strip()]
    assert again.exit_code == 2 and len(lines) == 1, again.output
    assert "release covid-testing 1.0.0 was withdrawn on " in lines[0]
    assert "a withdrawn version is never republished" in lines[0]

    # Run: another version into another catalog, with --no-site
    other = yaml.safe_load(covid_release(version="1.0.1", rows=100, evaluation={"pdf": False}).read_text())
    other["output"]["catalog"] = "catalog-no-site"
    spec_no_site = covid_release.tmp_path / "spec-no-site.yaml"
    spec_no_site.write_text(yaml.safe_dump(other, sort_keys=False))
    quiet = _run("run", spec_no_site, "--no-site")

    # Assert: published, and no site file written
    assert quiet.exit_code == 0, quiet.output
    no_site = covid_release.tmp_path / "catalog-no-site"
    assert (no_site / "covid-testing" / "1.0.1" / "manifest.json").is_file()
    assert not (no_site / "index.html").exists() and not (no_site / "catalog.json").exists()
    assert not (no_site / "covid-testing" / "1.0.1" / "croissant.json").exists()
    assert "catalog site:" not in quiet.stdout

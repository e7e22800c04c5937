"""build_site(): the static catalog site written from a real catalog, its links, its languages and what it never shows."""
from __future__ import annotations

import html
import json
import os
import re
import shutil
from datetime import datetime, timezone
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote

import pytest

from synthgate.catalog import CatalogError, scan
from synthgate.catalog.croissant import croissant
from synthgate.catalog.site import CROISSANT_FILE, SiteBuild, build_site, is_site_file, site_files
from synthgate.catalog.withdraw import withdraw

NOW = datetime(2031, 5, 6, 7, 8, tzinfo=timezone.utc)
XSS = "<script>alert(1)</script>"


class _Page(HTMLParser):
    """Every href/src, every lang attribute and the JSON-LD blocks of one page."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.links, self.sources, self.langs, self.jsonld, self.scripts = [], [], set(), [], []
        self._in_jsonld = False
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "href" in attrs:
            self.links.append(attrs["href"])
        if "src" in attrs:
            self.sources.append(attrs["src"])
        if "lang" in attrs:
            self.langs.add(attrs["lang"])
        if tag == "script":
            self.scripts.append(attrs.get("type"))
            self._in_jsonld = attrs.get("type") == "application/ld+json"

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_jsonld = False

    def handle_data(self, data):
        if self._in_jsonld and data.strip():
            self.jsonld.append(json.loads(data))


def _page(path: Path) -> _Page:
    return _Page(path.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def site(released_catalog, tmp_path_factory) -> SiteBuild:
    """The site of the shared catalog, written elsewhere (the catalog stays read-only)."""
    return build_site(released_catalog, tmp_path_factory.mktemp("site") / "www", now=NOW)


@pytest.fixture(scope="module")
def in_place(released_catalog, tmp_path_factory) -> SiteBuild:
    """The site written into a copy of the catalog itself (the default --out)."""
    root = tmp_path_factory.mktemp("inplace") / "catalog"
    shutil.copytree(released_catalog, root)
    return build_site(root, now=NOW)


def _snapshot(root: Path) -> dict:
    return {p: (p.stat().st_size, p.stat().st_mtime_ns) for p in root.rglob("*") if p.is_file()}


def test_the_site_writes_an_index_a_page_per_dataset_catalog_json_and_croissant_per_version(site, released_catalog,
                                                                                          tmp_path):
    # Setup
    before = _snapshot(released_catalog)

    # Run
    again = build_site(released_catalog, tmp_path / "again", now=NOW)
    out = site.out
    written = sorted(p.relative_to(out).as_posix() for p in site.files)

    # Assert: exactly the files site_files names, and nothing written into the catalog
    assert written == sorted(site_files(scan(released_catalog)))
    assert written == sorted([
        "index.html", "catalog.json", "covid-testing/index.html", "field-logistics/index.html",
        "covid-testing/1.0.0/croissant.json", "covid-testing/1.1.0/croissant.json",
        "field-logistics/2.0.0/croissant.json"])
    assert site.pages == [out / "index.html", out / "covid-testing/index.html", out / "field-logistics/index.html"]
    assert _snapshot(released_catalog) == before and len(again.files) == len(site.files)
    assert not [p for p in out.rglob("*") if p.name.endswith(".tmp")]
    assert json.loads((out / "catalog.json").read_text(encoding="utf-8"))
    assert is_site_file("covid-testing/1.0.0/croissant.json") and is_site_file("index.html")
    assert not is_site_file("covid-testing/1.0.0/covid-testing.parquet")


def test_the_index_lists_each_dataset_with_its_facts_and_filters(site):
    # Run
    text = (site.out / "index.html").read_text(encoding="utf-8")

    # Assert: one item per dataset, carrying what the filters read
    items = re.findall(r'<li data-name="([^"]+)" data-domain="([^"]+)" data-licence="([^"]+)" data-dp="(yes|no)" '
                       r'data-updated="([^"]*)"', text)
    assert items == [("covid-testing", "healthcare", "CC-BY-4.0", "no", "2030-01-02"),
                     ("field-logistics", "defense", "KOGL-Type1", "yes", "2030-02-03")]
    assert "COVID-19 testing" in text and "Field logistics readiness (synthetic)" in text
    assert 'href="covid-testing/index.html"' in text and 'href="field-logistics/index.html"' in text
    assert "1.1.0" in text and "DP ε = 5" in text and "restricted" in text and "gates passed" in text
    # the filter form is hidden until the script shows it; both languages are in the page
    assert '<form id="filters" role="search" hidden>' in text
    assert {"en", "ko"} <= _page(site.out / "index.html").langs and "합성 데이터 카탈로그" in text


def test_a_dataset_page_shows_card_protection_figures_schema_versions_and_snippets(site, released_catalog):
    # Run
    text = html.unescape((site.out / "covid-testing" / "index.html").read_text(encoding="utf-8"))
    cat = scan(released_catalog)
    latest = cat.dataset("covid-testing").latest

    # Assert: the card (audience, uses, prohibited uses), both languages
    assert "Researchers of test logistics" in text and "Testing pipelines" in text
    for use in latest.card["prohibited_uses"]:
        assert str(use).replace("'", "&#39;") in text
    assert "What was done to protect people" in text and "개인 보호를 위한 조치" in text
    assert "replaced by keyed pseudonyms" in text and "k-anonymity on" in text
    # every gate with its figure and bound; the headline figures
    for gate in latest.gates():
        assert str(gate["title"]) in text
    assert "fidelity (1 = perfect)" in text and "충실도 (1 = 완전 일치)" in text and "C2ST" in text
    # the schema: every column with its description, Arrow type and null share
    for column in latest.schema():
        assert f"<code>{column.name}</code>" in text
    assert "Day of the pandemic the test was taken" in text
    # versions newest first, with file sizes and hashes; snippets for four tools
    assert text.index('id="v-1.1.0"') < text.index('id="v-1.0.0"')
    assert latest.files["covid-testing.parquet"]["sha256"] in text
    for tool in ("import pandas as pd", "import polars as pl", "INSTALL httpfs", "from datasets import load_dataset"):
        assert tool in text
    assert "https://HOST/covid-testing/1.1.0/covid-testing.parquet" in text
    assert "@misc{covid-testing-1_1_0" in text and "CC-BY-4.0" in text


def test_the_restricted_dp_dataset_shows_its_token_note_epsilon_delta_and_passed_retention(site):
    # Run
    text = html.unescape((site.out / "field-logistics" / "index.html").read_text(encoding="utf-8"))

    # Assert
    assert 'id="restricted-note"' in text and "bearer token" in text
    assert "ε = 5" in text and "δ = 1e-5" in text
    assert "kept until 2020-01-01" in text and "This date has passed" in text
    assert '"Authorization": "Bearer TOKEN"' in text and "CREATE SECRET (TYPE http, BEARER_TOKEN 'TOKEN')" in text


@pytest.mark.parametrize("where", ["site", "in_place"])
def test_every_link_is_relative_and_resolves_to_a_file(request, where, released_catalog):
    # Setup
    build = request.getfixturevalue(where)

    # Run / Assert: no absolute URL, no src at all; each link lands on a file that exists
    for page in build.pages:
        parsed = _page(page)
        assert parsed.sources == []
        for href in parsed.links:
            assert not re.match(r"^[a-z][a-z0-9+.-]*:|^/", href), href
            target = href.split("#")[0]
            if target:
                assert (page.parent / unquote(target)).resolve().is_file(), (page, href)
    # the release files are linked from the page to the catalog
    text = (build.out / "covid-testing" / "index.html").read_text(encoding="utf-8")
    data = build.out / "covid-testing" / "1.1.0" / "covid-testing.parquet" if where == "in_place" else (
        released_catalog / "covid-testing" / "1.1.0" / "covid-testing.parquet")
    assert f'href="{Path(os.path.relpath(data, build.out / "covid-testing")).as_posix()}"' in text
    assert ('href="1.1.0/covid-testing.parquet"' in text) is (where == "in_place")


def test_the_page_embeds_the_latest_versions_croissant_and_each_croissant_json_points_at_its_files(site, released_catalog):
    # Setup
    cat = scan(released_catalog)

    # Run
    parsed = _page(site.out / "covid-testing" / "index.html")
    written = json.loads((site.out / "covid-testing" / "1.0.0" / CROISSANT_FILE).read_text(encoding="utf-8"))

    # Assert: the embedded JSON-LD is croissant() of the latest version, read from the page's folder
    base = os.path.relpath(released_catalog / "covid-testing" / "1.1.0", site.out / "covid-testing") + "/"
    assert parsed.jsonld == [croissant(cat.version("covid-testing", "1.1.0"), content_base=base, url="index.html")]
    assert [s for s in parsed.scripts if s != "application/ld+json"] == [None]  # one inline script, no src
    # each croissant.json's contentUrls resolve from its own folder to the catalog's files
    for entry in written["distribution"]:
        if entry.get("contentUrl"):
            assert (site.out / "covid-testing" / "1.0.0" / unquote(entry["contentUrl"])).resolve().is_file(), entry


def test_a_withdrawn_version_shows_its_tombstone_and_no_file_link(released_catalog, tmp_path):
    # Setup
    root = tmp_path / "catalog"
    shutil.copytree(released_catalog, root)
    withdraw(root, "covid-testing", "1.1.0", reason="a quasi-identifier was found unprotected", by="kim.minji",
             now=datetime(2031, 1, 2, 3, 4, 5, tzinfo=timezone.utc))

    # Run
    build = build_site(root, now=NOW)

    # Assert: tombstone (reason, time, who), the version's croissant only, the older version now the latest
    text = (root / "covid-testing" / "index.html").read_text(encoding="utf-8")
    article = text[text.index('id="v-1.1.0"'):text.index('id="v-1.0.0"')]
    assert "a quasi-identifier was found unprotected" in article and "kim.minji" in article
    assert "2031-01-02T03:04:05" in article and "withdrawn" in article
    assert re.findall(r'href="([^"]+)"', article) == ["1.1.0/croissant.json"]
    assert "https://HOST/covid-testing/1.0.0/covid-testing.parquet" in text
    index = (root / "index.html").read_text(encoding="utf-8")
    assert "withdrawn: 1.1.0" in index
    tomb = json.loads((root / "covid-testing" / "1.1.0" / CROISSANT_FILE).read_text(encoding="utf-8"))
    assert tomb["creativeWorkStatus"] == "Withdrawn"
    assert build.out == root


def test_every_version_withdrawn_leaves_a_page_that_says_so(released_catalog, tmp_path):
    # Setup
    root = tmp_path / "catalog"
    shutil.copytree(released_catalog / "field-logistics", root / "field-logistics")
    withdraw(root, "field-logistics", "2.0.0", reason="retention passed", by="expire", kind="expired")

    # Run
    build_site(root, now=NOW)

    # Assert
    text = (root / "field-logistics" / "index.html").read_text(encoding="utf-8")
    assert 'id="withdrawn-note"' in text and "Expired (retention passed)" in text
    assert ".parquet" not in text
    assert 'class="gone"' in (root / "index.html").read_text(encoding="utf-8")


def test_text_from_the_spec_is_escaped_everywhere(released_catalog, tmp_path):
    # Setup: a hostile title, description, card and column description
    root = tmp_path / "catalog"
    shutil.copytree(released_catalog / "covid-testing", root / "covid-testing")
    path = root / "covid-testing" / "1.1.0" / "manifest.json"
    manifest = json.loads(path.read_text(encoding="utf-8"))
    manifest["dataset"].update(title=XSS, description=f"</script>{XSS}",
                               card={**manifest["dataset"]["card"], "audience": XSS, "prohibited_uses": [XSS]})
    manifest["schema"][0]["description"] = XSS
    path.write_text(json.dumps(manifest), encoding="utf-8")

    # Run
    build_site(root, now=NOW)

    # Assert: never a live tag; the JSON-LD block cannot be closed early and still parses
    for page in (root / "index.html", root / "covid-testing" / "index.html"):
        text = page.read_text(encoding="utf-8")
        assert XSS not in text and "</script><script" not in text
        assert text.count("<script") == text.count("</script>")
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    parsed = _page(root / "covid-testing" / "index.html")
    assert parsed.jsonld[0]["name"] == XSS


def test_an_empty_catalog_gets_an_index_and_catalog_json(tmp_path):
    # Setup
    (tmp_path / ".locks").mkdir()

    # Run
    build = build_site(tmp_path, now=NOW)

    # Assert
    assert build.pages == [tmp_path / "index.html"]
    assert "No dataset has been published" in (tmp_path / "index.html").read_text(encoding="utf-8")
    assert json.loads((tmp_path / "catalog.json").read_text(encoding="utf-8"))


def test_a_root_that_is_not_a_folder_is_one_clear_error(tmp_path):
    # Run / Assert
    with pytest.raises(CatalogError, match="is not a folder"):
        build_site(tmp_path / "missing")


def test_no_canary_and_no_category_value_reaches_any_site_file(in_place, catalog_canaries, released_catalog):
    # Setup: the categories of the synthetic table that no spec text mentions (the site shows none)
    import pyarrow.parquet as pq

    manifest = json.loads((released_catalog / "covid-testing/1.1.0/manifest.json").read_text(encoding="utf-8"))
    spec_text = json.dumps(manifest["dataset"]).lower() + json.dumps(manifest.get("schema")).lower()
    table = pq.read_table(released_catalog / "covid-testing/1.1.0/covid-testing.parquet").to_pandas()
    categories = {str(value) for column, kind in manifest["columns"].items() if kind == "categorical"
                  for value in table[column].dropna().unique() if len(str(value)) >= 6}
    categories = {c for c in categories if c.lower() not in spec_text}
    assert categories  # the check below has something to look for

    # Run / Assert
    for path in in_place.files:
        text = path.read_text(encoding="utf-8")
        for canary in catalog_canaries:
            assert canary.lower() not in text.lower(), (path, canary)
        if path.suffix == ".html":
            shown = [c for c in categories if re.search(rf"\b{re.escape(c)}\b", text)]
            assert shown == [], (path, shown)


def _snippet_code(page: Path) -> dict[str, str]:
    text = page.read_text(encoding="utf-8")
    return {tool: html.unescape(code) for tool, code in
            re.findall(r'<h3>([^<]+)</h3>\n<pre class="snippet"><code>(.*?)</code></pre>', text, re.S)}


def test_the_pandas_and_polars_snippets_load_the_parquet_from_the_real_server(released_catalog, tmp_path):
    # Setup: a copy of the catalog with its site, a token, and the real server on loopback
    import pandas as pd
    from _serve import serving

    from synthgate.catalog import add_token

    root = tmp_path / "catalog"
    shutil.copytree(released_catalog, root)
    build_site(root, now=NOW)
    token = add_token(root, "snippets")

    # Run: each page's pandas and Polars snippet, with the host and token filled in as a user would
    loaded = {}
    with serving(root) as port:
        base = f"http://127.0.0.1:{port}"
        for dataset in ("covid-testing", "field-logistics"):
            for tool, code in _snippet_code(root / dataset / "index.html").items():
                if tool in ("pandas", "Polars"):
                    names: dict = {}
                    exec(code.replace("https://HOST", base).replace("TOKEN", token), names)  # noqa: S102
                    loaded[dataset, tool] = names["df"]

    # Assert: the public and the restricted table, whole, by both tools
    for dataset, version in (("covid-testing", "1.1.0"), ("field-logistics", "2.0.0")):
        expected = pd.read_parquet(root / dataset / version / f"{dataset}.parquet")
        pd.testing.assert_frame_equal(loaded[dataset, "pandas"], expected)
        assert loaded[dataset, "Polars"].shape == expected.shape
        assert loaded[dataset, "Polars"].columns == list(expected.columns)
    snippets = _snippet_code(root / "field-logistics" / "index.html")
    assert set(snippets) == {"pandas", "Polars", "DuckDB", "HF datasets"}
    assert "BEARER_TOKEN 'TOKEN'" in snippets["DuckDB"] and "Bearer TOKEN" in snippets["HF datasets"]


def test_an_out_folder_that_cannot_be_written_is_one_clear_error(released_catalog, tmp_path):
    # Setup: a file where the site folder should be
    blocker = tmp_path / "site"
    blocker.write_text("not a folder", encoding="utf-8")

    # Run / Assert
    with pytest.raises(CatalogError, match=r"^cannot write the catalog site in .*site: "):
        build_site(released_catalog, blocker)


def test_a_manifest_from_before_the_catalog_still_gets_a_page(released_catalog, tmp_path):
    # Setup: no card, access, retention or schema (manifests written before issue 15)
    root = tmp_path / "catalog"
    shutil.copytree(released_catalog / "covid-testing" / "1.0.0", root / "covid-testing" / "1.0.0")
    path = root / "covid-testing" / "1.0.0" / "manifest.json"
    manifest = json.loads(path.read_text(encoding="utf-8"))
    for key in ("card", "access", "retention"):
        manifest["dataset"].pop(key, None)
    manifest.pop("schema", None)
    path.write_text(json.dumps(manifest), encoding="utf-8")

    # Run
    build_site(root, now=NOW)

    # Assert: public, the schema read from the Parquet footer, the card's gaps said plainly
    text = (root / "covid-testing" / "index.html").read_text(encoding="utf-8")
    assert 'id="restricted-note"' not in text and "<code>pan_day</code>" in text and "Not stated." in text
    assert re.search(r"<code>pan_day</code></td><td>.*?</td><td>—</td><td><code>(int64|double)</code>", text)

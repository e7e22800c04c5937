"""The catalog site in real headless Chromium (Debian's): filters, languages, no script, no request leaving the site."""
from __future__ import annotations

import os
import shutil
from datetime import datetime, timezone
from pathlib import Path

import pytest

from synthgate.catalog.site import build_site

SCREEN = {"width": 1280, "height": 800}
NOW = datetime(2031, 5, 6, 7, 8, tzinfo=timezone.utc)


@pytest.fixture(scope="module")
def site(released_catalog, tmp_path_factory) -> Path:
    """The site of the shared catalog written elsewhere, so every link crosses from the site to the catalog."""
    return build_site(released_catalog, tmp_path_factory.mktemp("browser-site") / "www", now=NOW).out


class Visit:
    """One page load with everything the page did recorded."""

    def __init__(self, browser, path: Path, *, script: bool = True, fragment: str = "") -> None:
        self.console, self.errors, self.requests = [], [], []
        self.context = browser.new_context(viewport=SCREEN, java_script_enabled=script)
        self.page = self.context.new_page()
        self.page.on("console", lambda m: self.console.append(f"{m.type}: {m.text}"))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.on("requestfailed", lambda r: self.requests.append(f"FAILED {r.url}"))
        self.url = path.resolve().as_uri()
        self.page.goto(self.url + fragment, wait_until="load")

    def shot(self, tmp_path: Path, name: str, *, full_page: bool = False) -> None:
        path = tmp_path / f"{name}.png"
        assert self.page.screenshot(path=str(path), full_page=full_page)[:8] == b"\x89PNG\r\n\x1a\n"
        target = os.environ.get("SYNTHGATE_SCREENSHOT_DIR")
        if target:
            Path(target).mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, Path(target) / f"catalog-{name}.png")

    def visible(self, selector: str) -> int:
        return self.page.locator(selector).evaluate_all("els => els.filter(e => e.offsetParent !== null).length")


@pytest.fixture
def visit(browser):
    visits = []

    def _visit(path: Path, **kwargs) -> Visit:
        visits.append(Visit(browser, path, **kwargs))
        return visits[-1]

    yield _visit
    for done in visits:
        done.context.close()


def expect(locator):
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect(locator)


def _inside(urls: list[str], *folders: Path) -> list[str]:
    """The URLs that are not file:// inside one of the folders."""
    roots = [folder.resolve().as_uri() + "/" for folder in folders]
    return [url for url in urls if not any(url.startswith(root) for root in roots)]


def test_the_index_filters_by_search_domain_dp_and_update_and_requests_nothing_else(visit, site, released_catalog,
                                                                                     tmp_path):
    # Setup
    page = visit(site / "index.html")
    shown = "ol.datasets > li[data-name]"

    # Run / Assert: every dataset is listed, the form is there
    assert page.visible(shown) == 2 and page.page.locator("#filters").is_visible()
    page.shot(tmp_path, "index", full_page=True)
    page.page.fill("input[name=q]", "logistics readiness")
    assert page.visible(shown) == 1 and page.page.locator("#shown").inner_text() == "1"
    assert page.page.locator("li[data-name=field-logistics]").is_visible()
    page.shot(tmp_path, "index-search")
    page.page.fill("input[name=q]", "no such dataset")
    assert page.visible(shown) == 0 and page.page.locator("#no-match").is_visible()
    page.page.fill("input[name=q]", "")
    page.page.select_option("select[name=domain]", "healthcare")
    assert page.visible(shown) == 1 and page.page.locator("li[data-name=covid-testing]").is_visible()
    page.page.select_option("select[name=domain]", "")
    page.page.select_option("select[name=dp]", "yes")
    assert page.visible(shown) == 1 and page.page.locator("li[data-name=field-logistics]").is_visible()
    page.page.select_option("select[name=dp]", "no")
    page.page.select_option("select[name=licence]", "KOGL-Type1")
    assert page.visible(shown) == 0
    page.page.click("button[type=reset]")
    expect(page.page.locator("#shown")).to_have_text("2")  # the reset applies after the form clears (no eval: CSP)
    page.page.select_option("select[name=since]", index=1)  # within 30 days of the build (2031-05-06): none
    assert page.visible(shown) == 0
    page.page.select_option("select[name=since]", "")
    assert page.visible(shown) == 2
    # the page never asked for anything but itself
    assert page.requests == [page.url]
    assert page.console == [] and page.errors == []


def test_a_dataset_page_shows_card_schema_and_figures_in_both_languages(visit, site, released_catalog, tmp_path):
    # Setup
    page = visit(site / "covid-testing" / "index.html")

    # Run / Assert: English first
    card = page.page.locator("#card")
    assert "Researchers of test logistics" in card.inner_text() and "What was done to protect people" in card.inner_text()
    assert page.page.locator("#schema table tbody tr").count() >= 10
    assert page.page.locator("#figures table.gates tbody tr").count() >= 8
    assert page.page.get_by_text("Must not be used for").is_visible()
    assert not page.page.get_by_text("금지된 용도").is_visible()
    page.shot(tmp_path, "dataset-en")
    page.shot(tmp_path, "dataset-en-full", full_page=True)

    # Run: switch to Korean
    page.page.click("nav.lang a[data-lang=ko]")

    # Assert: Korean labels shown, English hidden, the data's own text unchanged
    assert page.page.get_by_text("금지된 용도").is_visible() and not page.page.get_by_text("Must not be used for").is_visible()
    assert page.page.locator("#schema h2").inner_text().startswith("스키마")
    assert page.page.locator("#figures table.gates thead").inner_text().split()[0] == "게이트"
    assert page.page.evaluate("document.documentElement.lang") == "ko"
    assert "Researchers of test logistics" in page.page.locator("#card").inner_text()
    page.shot(tmp_path, "dataset-ko")
    page.shot(tmp_path, "dataset-ko-full", full_page=True)

    # Run / Assert: the choice carries over to the next page (stored), and back to English
    page.page.click("header .crumbs a")
    assert page.page.get_by_text("합성 데이터 카탈로그", exact=True).is_visible()
    page.page.click("nav.lang a[data-lang=en]")
    assert page.page.get_by_text("Synthetic data catalog", exact=True).is_visible()

    # Assert: nothing outside the site and the catalog was requested; no complaint
    assert _inside(page.requests, site, released_catalog) == []
    assert page.console == [] and page.errors == []


def test_the_restricted_page_links_into_the_catalog_and_every_link_stays_local(visit, site, released_catalog, tmp_path):
    # Setup
    page = visit(site / "field-logistics" / "index.html")

    # Run
    hrefs = page.page.locator("a[href]").evaluate_all("els => els.map(a => a.href)")
    page.shot(tmp_path, "restricted")

    # Assert: the token note and ε/δ are shown; every link is a file:// URL in the site or the catalog
    assert page.page.locator("#restricted-note").is_visible()
    assert "ε = 5" in page.page.locator("#dp").inner_text()
    assert _inside([h.split("#")[0] for h in hrefs], site, released_catalog) == []
    parquet = (released_catalog / "field-logistics" / "2.0.0" / "field-logistics.parquet").resolve().as_uri()
    assert parquet in hrefs
    assert page.requests == [page.url] and page.console == [] and page.errors == []


def test_without_script_the_whole_list_shows_and_korean_is_a_link_away(visit, site, tmp_path):
    # Run
    index = visit(site / "index.html", script=False)
    korean = visit(site / "covid-testing" / "index.html", script=False, fragment="#ko")

    # Assert: every dataset listed, no dead form; the #ko target turns the page Korean
    assert index.visible("ol.datasets > li[data-name]") == 2 and not index.page.locator("#filters").is_visible()
    index.shot(tmp_path, "index-noscript")
    assert korean.page.get_by_text("금지된 용도").is_visible() and not korean.page.get_by_text("Must not be used for").is_visible()
    korean.shot(tmp_path, "dataset-ko-noscript")
    korean.page.click("nav.lang a[data-lang=en]")
    assert korean.page.get_by_text("Must not be used for").is_visible()
    assert index.console == [] and index.errors == [] and korean.errors == []

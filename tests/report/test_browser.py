"""The report in real headless Chromium (Debian's): no errors, no request but the page, every chart drawn."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from synthgate.report import write_report

XSS = "<script>alert(1)</script>"
SCREEN = {"width": 1280, "height": 800}  # the committee's first screen
MAX_SCREENS = 8  # the report before its appendix


class Visit:
    """One page load with everything the page did recorded."""

    def __init__(self, browser, path: Path, viewport: dict) -> None:
        self.console, self.errors, self.requests, self.dialogs = [], [], [], []
        self.url = path.resolve().as_uri()
        self.page = browser.new_page(viewport=viewport)
        self.page.on("console", lambda m: self.console.append(f"{m.type}: {m.text}"))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.on("requestfailed", lambda r: self.requests.append(f"FAILED {r.url}"))
        self.page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))
        self.page.goto(self.url, wait_until="load")

    def screenshot(self, tmp_path: Path, name: str, *, full_page: bool = True) -> Path:
        shot = self.page.screenshot(path=str(tmp_path / f"{name}.png"), full_page=full_page)
        assert shot[:8] == b"\x89PNG\r\n\x1a\n"
        target = os.environ.get("SYNTHGATE_SCREENSHOT_DIR")
        if target:
            Path(target).mkdir(parents=True, exist_ok=True)
            shutil.copyfile(tmp_path / f"{name}.png", Path(target) / f"report-{name}.png")
        return tmp_path / f"{name}.png"


@pytest.fixture
def visit(browser, tmp_path):
    visits = []

    def _visit(release, viewport: dict = SCREEN) -> Visit:
        visits.append(Visit(browser, write_report(tmp_path, **release.kwargs()), viewport))
        return visits[-1]

    yield _visit
    for done in visits:
        done.page.close()


def test_each_release_loads_offline_without_errors_and_draws_every_chart(visit, tmp_path, any_release, request):
    # Setup
    drawn = [d for d in any_release.evaluation["fidelity"]["distributions"] if d["bins"]]
    expected_charts = (len(drawn) + 2
                       + (0 if any_release.manifest["generator"]["differential_privacy"] else 1))

    # Run
    page = visit(any_release)
    shot = page.screenshot(tmp_path, request.node.callspec.id)

    # Assert: nothing but the page itself was requested, nothing complained
    assert page.requests == [page.url]
    assert page.console == [] and page.errors == [] and page.dialogs == []
    charts = page.page.locator("svg.chart")
    assert charts.count() == expected_charts
    for index in range(charts.count()):
        chart = charts.nth(index)
        chart.scroll_into_view_if_needed()
        box = chart.bounding_box()
        assert chart.is_visible() and box and box["width"] > 100 and box["height"] > 50
    assert shot.stat().st_size > 50_000


@pytest.mark.parametrize(("name", "word", "reason"), [
    ("plain", "✓ RELEASED", "All 13 publish gates met"),
    ("blocked", "✗ BLOCKED", "1 gate failed (real rows copied by the generator), 1 inconclusive"),
    ("inconclusive", "✗ BLOCKED", "1 gate inconclusive (inferring a hidden attribute)"),
])
def test_the_first_screen_answers_whether_it_may_be_released_without_scrolling(visit, tmp_path, release_named,
                                                                               name, word, reason):
    # Run
    page = visit(release_named(name))
    page.screenshot(tmp_path, f"first-screen-{name}", full_page=False)

    # Assert: the verdict in words, and the whole gate table with every result, above 800 px
    verdict = page.page.locator(".verdict")
    assert verdict.inner_text().startswith(word) and reason in verdict.inner_text()
    box = verdict.bounding_box()
    assert box["y"] >= 0 and box["y"] + box["height"] <= SCREEN["height"]
    table = page.page.locator("table.gates").bounding_box()
    assert table["y"] + table["height"] <= SCREEN["height"]
    rows = page.page.locator("table.gates tbody tr")
    assert rows.count() == len(release_named(name).evaluation["gates"])
    for index in range(rows.count()):
        assert rows.nth(index).locator(".mark").is_visible()
    assert page.page.evaluate("window.scrollY") == 0


def test_every_release_is_at_most_eight_screens_before_its_appendix(visit, any_release):
    # Run
    page = visit(any_release)

    # Assert
    appendix = page.page.evaluate("document.querySelector('hr.appendix-break').getBoundingClientRect().top + scrollY")
    assert appendix <= MAX_SCREENS * SCREEN["height"], f"{appendix / SCREEN['height']:.1f} screens"
    assert page.page.locator("#appendix h2").inner_text().startswith("Appendix")


def test_a_script_tag_in_a_column_name_is_shown_not_run(visit, tmp_path, xss):
    # Run
    page = visit(xss)
    page.screenshot(tmp_path, "xss")

    # Assert
    assert page.dialogs == [] and page.errors == [] and page.console == []
    assert page.page.locator("script").count() == 0
    assert page.page.get_by_text(XSS, exact=True).first.is_visible()
    assert page.page.title().startswith(f"Release report: {XSS}")


def test_the_data_docs_link_resolves_inside_the_release_folder(visit, tmp_path, plain):
    # Run
    page = visit(plain)

    # Assert
    link = page.page.get_by_role("link", name="Data Docs")
    assert link.evaluate("a => a.href") == (tmp_path / "data_docs" / "index.html").resolve().as_uri()


def test_print_layout_starts_each_section_on_a_new_page_and_keeps_charts_whole(visit, plain):
    # Setup
    page = visit(plain)

    # Run
    page.page.emulate_media(media="print")
    styles = page.page.evaluate("""() => ({
        sections: [...document.querySelectorAll('main > section')].map(s => [s.id, getComputedStyle(s).breakBefore]),
        figures: [...document.querySelectorAll('figure')].map(f => getComputedStyle(f).breakInside),
        nav: getComputedStyle(document.querySelector('nav.contents')).display })""")

    # Assert
    assert styles["sections"][0] == ["summary", "auto"]
    assert all(mode == "page" for _, mode in styles["sections"][1:])
    assert styles["figures"] and set(styles["figures"]) == {"avoid"}
    assert styles["nav"] == "none"

"""The Data Docs page in real headless Chromium: it loads offline and requests nothing but itself."""

from __future__ import annotations

import pandas as pd
import pytest

from synthgate.expectations import (
    GATE_COLUMNS,
    ExpectationOutcome,
    build_privacy_suite,
    build_synthetic_suite,
    profile_training,
    render_data_docs,
    validate_release,
)

TRAINING = pd.DataFrame({"stay": [*range(1, 41)] * 5 + [68], "clinic": ["North"] * 150 + ["South"] * 51})


def load(browser, path):
    """Open ``path``; return every request URL, console line and page error the visit caused."""
    requests, complaints = [], []
    page = browser.new_page()
    page.on("request", lambda r: requests.append(r.url))
    page.on("console", lambda m: complaints.append(f"{m.type}: {m.text}"))
    page.on("pageerror", lambda e: complaints.append(str(e)))
    page.goto(path.resolve().as_uri(), wait_until="load")
    text = page.inner_text("body")
    page.close()
    return requests, complaints, text


def test_data_docs_request_nothing_but_the_page_itself(browser, tmp_path):
    # Setup: a real validation, one expectation failing, so the page shows both verdicts
    synthetic = pd.DataFrame({"stay": [1, 20, 40, 45], "clinic": ["North", "South", "North", "South"]})
    profile = profile_training(TRAINING, {"stay": "numerical", "clinic": "categorical"}, protection=5)
    validate_release(
        synthetic, pd.DataFrame(False, index=synthetic.index, columns=list(GATE_COLUMNS)),
        synthetic_suite=build_synthetic_suite(profile, expected_rows=4),
        privacy_suite=build_privacy_suite(), docs_dir=tmp_path / "docs",
    )
    index = tmp_path / "docs" / "index.html"

    # Run
    requests, complaints, text = load(browser, index)

    # Assert: only the page's own file:// URL was requested, and it shows the results
    assert requests == [index.resolve().as_uri()]
    assert complaints == []
    assert "✗ failed" in text and "✓ passed" in text and "protected bounds" in text


def test_the_request_check_can_fail(browser, tmp_path):
    # Setup: the same page with one stylesheet from a CDN, as GX's own Data Docs had
    outcome = ExpectationOutcome("s", "expect_column_to_exist", "x", True, "Column x exists.", None)
    page = render_data_docs([outcome]).replace(
        "<title>", '<link rel="stylesheet" href="https://cdn.example.invalid/bootstrap.css"><title>')
    path = tmp_path / "index.html"
    path.write_text(page.replace("default-src 'none'; ", ""), encoding="utf-8")

    # Run
    requests, _, _ = load(browser, path)

    # Assert
    assert any(url.startswith("https://") for url in requests)


def test_the_page_is_deterministic_and_escapes_what_it_shows():
    # Setup
    outcomes = [ExpectationOutcome("s<1>", "expect_column_to_exist", "<b>x</b>", False, "Column <x> & y", None,
                                   "one of 2 values: <a>, b")]

    # Run
    first, second = render_data_docs(outcomes), render_data_docs(outcomes)

    # Assert
    assert first == second
    assert "<b>x</b>" not in first and "&lt;b&gt;x&lt;/b&gt;" in first
    assert "Column &lt;x&gt; &amp; y" in first and "one of 2 values: &lt;a&gt;, b" in first

"""report.pdf: a real PDF from headless Chromium, whole or not at all, and one clear line when it cannot."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from synthgate.report import ChromiumMissingError, PdfPrintError, find_chromium, print_pdf, write_report


def _script(folder: Path, name: str, body: str) -> Path:
    path = folder / name
    path.write_text("#!/bin/sh\n" + body + "\n", encoding="utf-8")
    path.chmod(0o755)
    return path


@pytest.fixture
def chromium() -> str:
    found = find_chromium()
    if found is None:
        pytest.fail("no chromium for the report's PDF and browser tests: run `make browser`")
    return found


@pytest.fixture
def bin_dir(tmp_path_factory) -> Path:
    """Fake executables live apart from the release folder, whose listing the tests check."""
    return tmp_path_factory.mktemp("bin")


@pytest.fixture
def report_html(tmp_path, plain) -> Path:
    return write_report(tmp_path, **plain.kwargs())


# --- find_chromium -----------------------------------------------------------------------------

def test_the_environment_variable_wins(tmp_path, monkeypatch):
    # Setup
    mine = _script(tmp_path, "my-chromium", "exit 0")
    monkeypatch.setenv("SYNTHGATE_CHROMIUM", str(mine))

    # Run / Assert
    assert find_chromium() == str(mine)


def test_an_environment_variable_naming_nothing_finds_nothing(tmp_path, monkeypatch):
    # Setup: a working chromium on PATH must not replace the explicit, broken choice
    _script(tmp_path, "chromium", "exit 0")
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setenv("SYNTHGATE_CHROMIUM", str(tmp_path / "missing"))

    # Run / Assert
    assert find_chromium() is None


@pytest.mark.parametrize("name", ["chromium", "chromium-browser", "google-chrome"])
def test_path_is_searched_by_name(tmp_path, monkeypatch, name):
    # Setup
    found = _script(tmp_path, name, "exit 0")
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.delenv("SYNTHGATE_CHROMIUM", raising=False)

    # Run / Assert
    assert find_chromium() == str(found)


# --- a real PDF --------------------------------------------------------------------------------

def test_the_report_prints_to_an_a4_pdf_with_a_page_per_section(tmp_path, report_html, chromium):
    # Run
    pdf = print_pdf(report_html, tmp_path / "report.pdf", chromium=chromium)

    # Assert: the print CSS starts every section on a new page (8 sections after the summary)
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF-") and data.rstrip().endswith(b"%%EOF")
    pages = re.findall(rb"/Type\s*/Page(?!s)", data)
    assert len(pages) >= 9
    assert re.search(rb"/MediaBox\s*\[\s*0 0 59[45](\.\d+)? 84[12](\.\d+)?\s*\]", data)  # A4 in points
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.html", "report.pdf"]


# --- failures ----------------------------------------------------------------------------------

def test_no_chromium_says_run_make_browser(tmp_path, report_html, monkeypatch):
    # Setup
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    monkeypatch.delenv("SYNTHGATE_CHROMIUM", raising=False)

    # Run
    with pytest.raises(ChromiumMissingError, match="run `make browser`") as caught:
        print_pdf(report_html, tmp_path / "report.pdf")

    # Assert
    assert "\n" not in str(caught.value) and not (tmp_path / "report.pdf").exists()


def test_a_chromium_that_fails_leaves_the_old_pdf_and_no_temporary_file(tmp_path, report_html, bin_dir):
    # Setup
    (tmp_path / "report.pdf").write_bytes(b"%PDF-old")
    broken = _script(bin_dir, "broken-chromium", 'echo "ERROR:dbus/bus.cc noise" >&2; echo "cannot open display" >&2; exit 3')

    # Run
    with pytest.raises(PdfPrintError, match=r"exit status 3: cannot open display$"):
        print_pdf(report_html, tmp_path / "report.pdf", chromium=str(broken))

    # Assert
    assert (tmp_path / "report.pdf").read_bytes() == b"%PDF-old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.html", "report.pdf"]


def test_an_output_that_is_not_a_pdf_is_not_kept(tmp_path, report_html, bin_dir):
    # Setup: a fake chromium that writes HTML where the PDF should go
    fake = _script(bin_dir, "fake-chromium",
                   'for a in "$@"; do case "$a" in --print-to-pdf=*) echo "<html>" > "${a#--print-to-pdf=}";; esac; done')

    # Run
    with pytest.raises(PdfPrintError, match="not a PDF"):
        print_pdf(report_html, tmp_path / "report.pdf", chromium=str(fake))

    # Assert
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.html"]


def test_a_chromium_that_hangs_is_stopped(tmp_path, report_html, bin_dir):
    # Setup
    slow = _script(bin_dir, "slow-chromium", "exec sleep 30")

    # Run
    with pytest.raises(PdfPrintError, match="timed out after 0.5 s"):
        print_pdf(report_html, tmp_path / "report.pdf", chromium=str(slow), timeout=0.5)

    # Assert
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.html"]


def test_a_missing_html_file_is_named(tmp_path, chromium):
    # Run / Assert
    with pytest.raises(PdfPrintError, match="report.html to PDF: the HTML file does not exist"):
        print_pdf(tmp_path / "report.html", tmp_path / "report.pdf", chromium=chromium)

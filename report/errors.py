"""Errors of the report package: facts as attributes, messages that never hold a cell value.

Exception tree::

    ReportError                 root of every error the package raises on purpose
    ├── ReportInputError        evaluation.json, manifest.json or validation.json lacks what the
    │                           report needs (names the file, the key and the problem)
    ├── ChromiumMissingError    no headless Chromium to print the PDF with
    └── PdfPrintError           Chromium ran but no PDF came out (exit status, timeout)
"""
from __future__ import annotations


class ReportError(Exception):
    """Root of every error the report package raises on purpose."""


class ReportInputError(ReportError):
    """One of the release's JSON files lacks a key the report needs, or holds the wrong type."""

    def __init__(self, file: str, key: str, problem: str) -> None:
        self.file, self.key, self.problem = file, key, problem
        super().__init__(f"{file}: {key} {problem}")


class ChromiumMissingError(ReportError):
    """No Chromium executable was found (or SYNTHGATE_CHROMIUM names none)."""

    def __init__(self, detail: str) -> None:
        self.detail = detail
        super().__init__(f"cannot print the report PDF: {detail}; run `make browser` "
                         "(installs Debian's chromium) or set SYNTHGATE_CHROMIUM")


class PdfPrintError(ReportError):
    """Chromium ran but produced no PDF."""

    def __init__(self, html: str, reason: str) -> None:
        self.html, self.reason = html, reason
        super().__init__(f"chromium did not print {html} to PDF: {reason}")

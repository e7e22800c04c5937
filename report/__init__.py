"""The release report: report.html (self-contained, offline) and its PDF, from the release's JSON files.

A leaf package: it reads plain dicts (evaluation.json, manifest.json, validation.json) and imports
neither flows, prefect nor another leaf.
"""
from synthgate.report.errors import ChromiumMissingError, PdfPrintError, ReportError, ReportInputError
from synthgate.report.pdf import find_chromium, print_pdf
from synthgate.report.render import render_report, write_report
from synthgate.report.tables import render_tables_report, write_tables_report

__all__ = [
    "ChromiumMissingError",
    "PdfPrintError",
    "ReportError",
    "ReportInputError",
    "find_chromium",
    "print_pdf",
    "render_report",
    "render_tables_report",
    "write_report",
    "write_tables_report",
]

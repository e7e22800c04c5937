"""Data Docs as one self-contained HTML page: inline CSS, no script, no request, no cell value."""

from __future__ import annotations

import html
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from synthgate.expectations._outcomes import ExpectationOutcome

__all__ = ["DOCS_INDEX", "render_data_docs", "write_data_docs"]

DOCS_INDEX = "index.html"

# System fonts and plain CSS: nothing to fetch, so the page looks the same offline, and a
# reviewer's browser contacts no third party when opening a release.
_CSS = """
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;color:#1d2330;background:#f6f7f9}
main{max-width:1200px;margin:0 auto;padding:24px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px}
p.lead{color:#4a5261;margin:0 0 16px}
.tally{display:inline-block;padding:2px 10px;border-radius:12px;font-weight:600}
.ok{background:#e3f4e8;color:#17663a}.bad{background:#fde7e7;color:#a32121}
table{border-collapse:collapse;width:100%;background:#fff;box-shadow:0 1px 2px rgba(0,0,0,.08)}
th,td{text-align:left;vertical-align:top;padding:6px 10px;border-bottom:1px solid #e6e8ec}
th{background:#eef0f4;font-weight:600;font-size:13px}
td.status{white-space:nowrap;font-weight:600}td.observed,td.bound{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:12.5px}
tr.failed td{background:#fff6f6}
nav a{margin-right:14px}
footer{margin-top:28px;color:#6b7280;font-size:12.5px}
"""


def render_data_docs(outcomes: Sequence[ExpectationOutcome], *, title: str = "Validation results") -> str:
    """Render every expectation's outcome, grouped by suite, as one HTML page.

    Each row shows the verdict, the column, the expectation's description (which says why its
    bound is what it is), the bound as checked and the observed aggregate. Everything comes
    from the value-free outcomes, so the page holds nothing the summary does not.

    Args:
        outcomes: The outcomes of ``validate_release``, in order.
        title: The page title.

    Returns:
        The page, deterministic for the same outcomes (no timestamp, no random id).
    """
    suites: dict[str, list[ExpectationOutcome]] = {}
    for outcome in outcomes:
        suites.setdefault(outcome.suite, []).append(outcome)
    failed = sum(not o.success for o in outcomes)
    tally = (
        f'<span class="tally ok">all {len(outcomes)} expectations passed</span>'
        if failed == 0
        else f'<span class="tally bad">{failed} of {len(outcomes)} expectations failed</span>'
    )
    nav = " ".join(f'<a href="#suite-{_e(name)}">{_e(name)}</a>' for name in suites)
    sections = "\n".join(_section(name, rows) for name, rows in suites.items())
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en"><head><meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        # No request may leave the page: forbid every fetch outright, styles only inline.
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
        "style-src 'unsafe-inline'\">\n"
        f"<title>{_e(title)}</title>\n<style>{_CSS}</style></head>\n"
        f"<body><main>\n<h1>{_e(title)}</h1>\n"
        f'<p class="lead">{tally} in {len(suites)} suites.</p>\n'
        f"<nav>{nav}</nav>\n{sections}\n"
        "<footer>Bounds and category lists taken from the training table are protected: no "
        "category held by too few training rows is named and no bound is a value that too few "
        "rows hold (each description says how). Results list no cell value: a failed check "
        "reports how many values failed, never which.</footer>\n"
        "</main></body></html>\n"
    )


def write_data_docs(docs_dir: Path, outcomes: Sequence[ExpectationOutcome], *,
                    title: str = "Validation results") -> Path:
    """Write ``render_data_docs(outcomes)`` to ``docs_dir/index.html`` and return its path."""
    docs_dir.mkdir(parents=True, exist_ok=True)
    index = docs_dir / DOCS_INDEX
    index.write_text(render_data_docs(outcomes, title=title), encoding="utf-8")
    return index


def _section(name: str, rows: list[ExpectationOutcome]) -> str:
    failed = sum(not o.success for o in rows)
    verdict = "ok" if failed == 0 else "bad"
    label = f"{len(rows)} passed" if failed == 0 else f"{failed} of {len(rows)} failed"
    body = "\n".join(_row(o) for o in rows)
    return (
        f'<section id="suite-{_e(name)}"><h2>{_e(name)} <span class="tally {verdict}">{label}'
        "</span></h2>\n<table><thead><tr><th>status</th><th>column</th><th>expectation</th>"
        "<th>bound checked</th><th>observed</th></tr></thead><tbody>\n"
        f"{body}\n</tbody></table></section>"
    )


def _row(outcome: ExpectationOutcome) -> str:
    css = "" if outcome.success else ' class="failed"'
    status = "✓ passed" if outcome.success else "✗ failed"
    return (
        f"<tr{css}><td class=\"status\">{status}</td><td>{_e(outcome.column or '(table)')}</td>"
        f"<td>{_e(outcome.description)}<br><small>{_e(outcome.expectation)}</small></td>"
        f'<td class="bound">{_e(outcome.bound or "")}</td>'
        f'<td class="observed">{_e(_observed(outcome.observed))}</td></tr>'
    )


def _observed(observed: str | None) -> str:
    if not observed:
        return ""
    name, _, value = observed.partition("=")
    return value if name == "observed_value" else observed.replace("_", " ")


def _e(text: str) -> str:
    return html.escape(str(text), quote=True)

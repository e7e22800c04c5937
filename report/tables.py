"""The report of a multi-table release: report.html with a section of multi-table figures.

Reads plain dicts only (the manifest, the relational evaluation's JSON, the validation summary),
like the single-table report; every cell is an aggregate (counts, shares, scores), never a value.
The page is self-contained: inline CSS, no script, no external address.
"""
from __future__ import annotations

import html
import os
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from synthgate.report import _release
from synthgate.report._format import mapping
from synthgate.report.errors import ReportError, ReportInputError

__all__ = ["render_tables_report", "write_tables_report"]

REPORT = "report.html"
_CSS = """body{font-family:system-ui,sans-serif;margin:2rem auto;max-width:60rem;line-height:1.45;color:#1a1a1a}
table{border-collapse:collapse;margin:.5rem 0 1.5rem}th,td{border:1px solid #ccc;padding:.25rem .6rem;text-align:left}
th{background:#f3f3f3}.ok{color:#17663a;font-weight:600}.bad{color:#a11;font-weight:600}
code{background:#f5f5f5;padding:0 .2rem}.note{color:#555;font-size:.92em}"""


def _e(value: Any) -> str:
    return html.escape(str(value), quote=True)


def _num(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:.3g}"
    if isinstance(value, int):
        return f"{value:,}"
    return _e(value)


def _table(head: list[str], rows: list[list[str]]) -> str:
    header = "".join(f"<th>{_e(h)}</th>" for h in head)
    body = "\n".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{header}</tr></thead><tbody>\n{body}\n</tbody></table>"


def _check(manifest: Any, evaluation: Any, validation: Any) -> None:
    for name, data, keys in (("manifest.json", manifest, ("dataset", "tables", "links", "rows")),
                             ("evaluation.json", evaluation, ("gates", "relational")),
                             ("validation.json", validation, ("success", "evaluated", "failed"))):
        if not isinstance(data, Mapping):
            raise ReportInputError(name, "(top level)", "is not a JSON object")
        for key in keys:
            if key not in data:
                raise ReportInputError(name, repr(key), "is missing: it is not a multi-table release's file")


def render_tables_report(*, manifest: Mapping, evaluation: Mapping, validation: Mapping,
                         data_docs_href: str | None) -> str:
    """The report page of a multi-table release as HTML text.

    Raises:
        ReportInputError: An input is not a multi-table release's file (one line).
    """
    _check(manifest, evaluation, validation)
    dataset, rel = manifest["dataset"], evaluation["relational"]
    parts = [f"<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{_e(dataset.get('title'))} "
             f"{_e(dataset.get('version'))}</title><style>{_CSS}</style></head><body>",
             f"<h1>{_e(dataset.get('title'))}</h1>",
             f"<p><code>{_e(dataset.get('name'))}</code> version {_e(dataset.get('version'))} · licence "
             f"{_e(dataset.get('licence'))} · {len(manifest['tables'])} tables. <strong>This is synthetic data"
             "</strong>: no row describes a real person; every key is fresh and links only inside this release.</p>"]
    dp = (manifest.get("generator") or {}).get("differential_privacy")
    if dp:  # one budget for the release, each subject (a root row and all its linked rows) one unit
        parts.append(f"<p>Differential privacy per subject: epsilon {_num(dp.get('epsilon'))} (delta "
                     f"{_num(dp.get('delta'))}) for the whole release, {_num(dp.get('epsilon_spent'))} spent; each of "
                     f"the {_num(dp.get('subjects'))} subjects counts with all its linked rows as one unit.</p>")
    verdict = "ok" if evaluation.get("passed") and validation["success"] else "bad"
    parts.append(f"<p class=\"{verdict}\">Gates: {'all passed' if verdict == 'ok' else 'not all passed'} "
                 f"({validation['evaluated'] - validation['failed']} of {validation['evaluated']} expectations)"
                 + (f" · <a href=\"{_e(data_docs_href)}\">Data Docs</a>" if data_docs_href else "") + "</p>")
    reviewed = _release.review(manifest)
    if reviewed:  # the committee's status, as the single-table report words it (names, times, a hash)
        parts.append(f"<h2>Committee review</h2><p class=\"{'bad' if reviewed['status'] == 'rejected' else 'ok'}\">"
                     f"{_e(reviewed['headline'])}</p>")
        parts.append(_table(["", ""], [[_e(label), _e(value)] for label, value in reviewed["rows"]]))
    parts.append("<h2>Tables</h2>")
    rows = manifest["rows"]
    parts.append(_table(["table", "primary key", "parent", "source rows", "training rows", "synthetic rows", "file"],
                        [[_e(name), _e(t.get("primary_key") or "—"), _e(t.get("parent") or "— (root)"),
                          _num(rows.get(name, {}).get("source")), _num(rows.get(name, {}).get("training")),
                          _num(rows.get(name, {}).get("synthetic")), f"<code>{_e(t.get('file'))}</code>"]
                         for name, t in manifest["tables"].items()]))
    learned = mapping((manifest.get("generator") or {}).get("training_sample"))
    if learned.get("sampled"):  # generator.train_rows: the generator learned whole subjects drawn uniformly
        parts.append(f"<p>The generator learned a seeded uniform sample of {_num(learned.get('learned_subjects'))} "
                     f"of {_num(learned.get('available_subjects'))} training subjects "
                     f"({_num(learned.get('learned_rows'))} of {_num(learned.get('available_rows'))} rows of all "
                     f"tables; <code>generator.train_rows</code> {_num(learned.get('limit'))}); the figures below "
                     "compare the synthetic tables with all training subjects.</p>")
    elif learned:
        parts.append(f"<p>The generator learned every training subject ({_num(learned.get('learned_subjects'))}).</p>")
    parts.append("<h2>Multi-table figures</h2>")
    parts.append("<h3>Gates</h3>")
    parts.append(_table(["figure", "value", "bound", "verdict"],
                        [[f"<code>{_e(g['metric'])}</code>", _num(g.get("value")),
                          f"{_e(g['operator'])} {_num(g['bound'])}",
                          f"<span class=\"{'ok' if g['passed'] else 'bad'}\">{_e(g['verdict'])}"
                          f"{' (accepted by the spec)' if g.get('accepted') else ''}</span>"]
                         for g in evaluation["gates"]]))
    parts.append("<h3>Referential integrity</h3>")
    parts.append(_table(["child key", "parent key", "synthetic share", "real share"],
                        [[_e(f"{e.get('child')}.{e.get('column')}"), _e(f"{e.get('parent')}.{e.get('parent_column')}"),
                          _num((e.get("synthetic") or {}).get("share")), _num((e.get("real") or {}).get("share"))]
                         for e in rel.get("integrity", [])]))
    parts.append("<h3>Children per parent (cardinality)</h3>")
    parts.append(_table(["child", "KS similarity", "TV similarity", "mean real", "mean synthetic"],
                        [[_e(e.get("child")), _num(e.get("ks_similarity")), _num(e.get("tv_similarity")),
                          _num((e.get("real") or {}).get("mean")), _num((e.get("synthetic") or {}).get("mean"))]
                         for e in rel.get("cardinality", [])]))
    if rel.get("sequences"):
        parts.append("<h3>Sequences (1 − KS; transitions 1 − TV)</h3>")
        parts.append(_table(["table", "length", "gap", "first", "last", "transitions"],
                            [[_e(t), *(_num((f.get(n) or {}).get("ks_similarity")) for n in
                                       ("length", "gap", "first", "last")), _num(f.get("transitions_mean"))]
                             for t, f in rel["sequences"].items()]))
    per_table = evaluation.get("tables") or {}
    if per_table:
        parts.append("<h3>Each table on its own (SDMetrics single-table fidelity, 1 = same)</h3>")
        parts.append(_table(["table", "quality", "column shapes", "column pair trends", "note"],
                            [[_e(t), _num(f.get("quality_score")), _num(f.get("column_shapes")),
                              _num(f.get("column_pair_trends")), _e(f.get("not_applicable") or "")]
                             for t, f in per_table.items()]))
    if rel.get("privacy"):
        parts.append(_subject_privacy(rel["privacy"]))
    parts.append("<h3>Headline figures</h3>")
    parts.append(_table(["figure", "value"], [[f"<code>{_e(k)}</code>", _num(v)]
                                              for k, v in rel.get("headline", {}).items()]))
    if rel.get("not_applicable"):
        parts.append("<h3>Not measured</h3>")
        parts.append(_table(["figure", "why"], [[_e(k), _e(v)] for k, v in rel["not_applicable"].items()]))
    meaning = rel.get("meaning") or {}
    if meaning:
        parts.append("<h3>What the figures mean</h3><dl>" + "".join(
            f"<dt><code>{_e(k)}</code></dt><dd class=\"note\">{_e(v)}</dd>" for k, v in meaning.items()) + "</dl>")
    orphans = manifest.get("orphans") or {}
    if orphans:
        parts.append("<h2>Orphans in the source</h2>")
        parts.append(_table(["link", "orphan rows", "dropped rows", "blanked keys"],
                            [[_e(link), _num(c.get("orphan_rows")), _num(c.get("dropped_rows")),
                              _num(c.get("blanked_keys"))] for link, c in orphans.items()]))
    files = manifest.get("files") or {}
    if files:
        parts.append("<h2>Files</h2>")
        parts.append(_table(["file", "bytes", "sha256"], [[f"<code>{_e(n)}</code>", _num(f.get("bytes")),
                                                           f"<code>{_e(f.get('sha256'))}</code>"]
                                                          for n, f in files.items()]))
    parts.append("</body></html>\n")
    return "\n".join(parts)


_SUBJECT_FIGURES = (("dcr_share", "closer to a training subject than to a holdout subject (0.5 ideal)"),
                    ("close_records_share", "nearer a training subject than 99% of holdout subjects (0.01 ideal)"),
                    ("mia_auc", "membership guessed from distances (0.5 is a coin)"),
                    ("singling_out_risk", "singling out one subject, beyond holdout subjects (0 ideal)"),
                    ("linkability_risk", "linking two halves of a subject's row, beyond holdout subjects"),
                    ("inference_risk", "inferring a hidden value of a subject, beyond holdout subjects"))


def _subject_privacy(privacy: Mapping) -> str:
    """Per root table: the distance figures and the three attacks on subjects (a row and its children's aggregates)."""
    parts = ["<h3>Privacy per subject</h3>", "<p class=\"note\">Each subject is a root row joined with aggregates "
             "of its linked rows; training and holdout are split by subject. Attacks: success on training subjects "
             "and on holdout subjects (the control), and the subjects attacked.</p>"]
    for root, figures in privacy.items():
        attacks = figures.get("attacks") or {}
        samples = figures.get("attack_samples") or {}
        rows = []
        for name, meaning in _SUBJECT_FIGURES:
            if name not in figures:
                continue
            attack = attacks.get(name.removesuffix("_risk")) or {}
            sample = samples.get(name.removesuffix("_risk")) or {}
            low, high = figures.get(f"{name}_low"), figures.get(f"{name}_high")
            column = figures.get("inference_risk_column") if name == "inference_risk" else None
            interval = "—" if low is None or high is None else f"{_num(low)} – {_num(high)}"
            rows.append([f"<code>{_e(name)}</code>" + (f" on <code>{_e(column)}</code>" if column else ""),
                         _num(figures.get(name)), interval,
                         f"{_num(attack.get('attack_rate'))} / {_num(attack.get('control_rate'))}" if attack else "—",
                         f"{_num(sample.get('training'))} / {_num(sample.get('holdout'))}" if sample else "—",
                         _e(meaning)])
        parts.append(f"<p><strong>{_e(root)}</strong></p>")
        parts.append(_table(["figure", "value", "95% interval", "success training / holdout",
                             "attacks training / holdout", "what it says"], rows))
        missing = figures.get("attack_not_applicable") or {}
        if missing:
            parts.append("<p class=\"note\">" + "; ".join(f"{_e(k)}: {_e(v)}" for k, v in missing.items()) + "</p>")
    return "\n".join(parts)


def write_tables_report(out_dir: Path, *, manifest: Mapping, evaluation: Mapping, validation: Mapping,
                        data_docs_href: str | None) -> Path:
    """Write ``out_dir/report.html`` (atomically) and return its path.

    Raises:
        ReportInputError: An input is not a multi-table release's file.
        ReportError: The file could not be written.
    """
    text = render_tables_report(manifest=manifest, evaluation=evaluation, validation=validation,
                                data_docs_href=data_docs_href)
    out_dir = Path(out_dir)
    target = out_dir / REPORT
    try:
        handle, temporary = tempfile.mkstemp(prefix=".report.", suffix=".tmp", dir=out_dir)
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
        os.chmod(temporary, 0o644)  # mkstemp makes 0600; a published page is as readable as its neighbours
        os.replace(temporary, target)
    except OSError as exc:
        raise ReportError(f"report.html could not be written into {out_dir} ({exc.strerror or type(exc).__name__})") \
            from None
    return target

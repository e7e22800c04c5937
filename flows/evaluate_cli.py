"""`synthgate evaluate` and `synthgate report`: the evaluation on any three tables, and a release's report rebuilt."""
from __future__ import annotations

import json
import os
import sys
from dataclasses import dataclass
from pathlib import Path

import yaml
from pydantic import ValidationError
from rich.console import Console
from rich.table import Table

from synthgate import evaluation
from synthgate.flows.errors import InputError, ReportFailed
from synthgate.flows.publish import write_report
from synthgate.flows.sources import file_sha256, read_source
from synthgate.flows.workspace import ReleaseLayout, read_json


def run_evaluation(real: Path, synthetic: Path, holdout: Path, *, target: str | None, task: str,
                   thresholds: Path | None, seed: int, encoding: str, delimiter: str,
                   quasi_identifiers: tuple[str, ...] = (), value_protection: int = 5,
                   accept_inconclusive: tuple[str, ...] = ()) -> evaluation.Evaluation:
    """Read the three tables and evaluate; every problem with the input is one InputError line.

    Raises:
        InputError: a table cannot be read, the tables cannot be compared, or the thresholds file is invalid.
    """
    if len(delimiter) != 1:
        raise InputError(f"--delimiter must be one character, not {len(delimiter)}")
    bounds = _thresholds(thresholds)
    frames = {}
    for role, path in (("real", real), ("synthetic", synthetic), ("holdout", holdout)):
        frames[role], _ = read_source(str(path.resolve()), delimiter=delimiter, encoding=encoding)
    unknown = [name for name in quasi_identifiers if name not in frames["real"].columns]
    if unknown:
        raise InputError(f"--quasi-identifiers: {', '.join(map(repr, unknown))} is not a column of the real table; "
                         f"allowed: {', '.join(map(str, frames['real'].columns))}")
    try:
        config = evaluation.EvaluationConfig(target=target, task=task, thresholds=bounds, seed=seed,
                                             quasi_identifiers=quasi_identifiers, value_protection=value_protection,
                                             accept_inconclusive=accept_inconclusive)
    except ValidationError as exc:
        first = exc.errors(include_url=False, include_input=False)[0]
        raise InputError(f"--accept-inconclusive: {first['msg'].removeprefix('Value error, ')}") from None
    try:
        return evaluation.evaluate(frames["real"], frames["synthetic"], frames["holdout"], config)
    except evaluation.EvaluationError as exc:
        raise InputError(str(exc)) from None


def _thresholds(path: Path | None) -> evaluation.Thresholds:
    if path is None:
        return evaluation.Thresholds()
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise InputError(f"--thresholds {path}: cannot be read as YAML ({type(exc).__name__})") from None
    try:
        return evaluation.Thresholds.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors(include_url=False, include_input=False)[0]
        where = ".".join(map(str, first["loc"])) or "(top level)"
        allowed = ", ".join(evaluation.Thresholds.model_fields)
        raise InputError(f"--thresholds {path}: {where}: {first['msg']}; allowed keys: {allowed}") from None


def print_evaluation(console: Console, result: evaluation.Evaluation, *, as_json: bool) -> None:
    """One JSON object (--json), or a table of every figure beside its bound."""
    if as_json:
        sys.stdout.write(json.dumps(result.to_dict(), indent=2, sort_keys=True, allow_nan=False, default=str) + "\n")
        return
    table = Table(title="synthgate evaluation", show_lines=False)
    for name in ("gate", "estimate", "95% interval", "bound", "verdict"):
        table.add_column(name)
    styles = {"pass": "ok", "fail": "[bold red]FAILED[/]", "unmeasured": "[bold red]NOT MEASURED[/]",
              "inconclusive": "[bold yellow]INCONCLUSIVE[/]"}
    for gate in result.gates:
        where = f" ({gate.column})" if gate.column else (f" ({', '.join(gate.columns)})" if gate.columns else "")
        interval = "" if gate.low is None or gate.high is None else f"[{_fmt(gate.low)}, {_fmt(gate.high)}]"
        verdict = styles[gate.verdict] + (" (accepted)" if gate.verdict == "inconclusive" and gate.accepted else "")
        table.add_row(gate.metric + where, _fmt(gate.value), interval, f"{gate.operator} {_fmt(gate.bound)}", verdict)
    for name, reason in result.not_applicable.items():
        if any(rule.metric == name for rule in evaluation.GATES):
            table.add_row(name, "n/a: " + reason, "", "", "")
    console.print(table)
    if result.utility is not None:
        u = result.utility
        console.print(f"utility ({u['task']}, target {u['target']}): synthetic-trained {u['synthetic']}, "
                      f"real-trained {u['real']}", markup=False, highlight=False, soft_wrap=True)
    c2st = (result.fidelity or {}).get("c2st")
    if isinstance(c2st, dict) and not any(gate.metric == "c2st" for gate in result.gates):
        console.print(f"c2st {c2st['score']:.3f} (AUC {c2st['auc']:.3f} over {c2st['folds']} folds; 1 = a classifier "
                      "cannot tell synthetic rows from real ones)", markup=False, highlight=False, soft_wrap=True)
    for column, reason in result.columns["skipped"].items():
        console.print(f"skipped column {column!r}: {reason}", markup=False, highlight=False, soft_wrap=True)
    for gate in result.gates:
        if gate.verdict == "inconclusive" and gate.holdout_rows_needed and not gate.accepted:
            console.print(f"{gate.metric}: about {gate.holdout_rows_needed} holdout rows would make it conclusive",
                          markup=False, highlight=False, soft_wrap=True)
    counts = {v: sum(g.verdict == v for g in result.gates) for v in ("fail", "unmeasured", "inconclusive")}
    verdict = {"pass": "every bound holds",
               "fail": f"{counts['fail'] + counts['unmeasured']} gate(s) failed",
               "inconclusive": f"{counts['inconclusive']} gate(s) inconclusive"}[result.verdict]
    console.print(f"{verdict} ({result.timings.get('total', 0):.1f} s)", highlight=False)


def _fmt(value) -> str:
    if value is None:
        return "n/a"
    if isinstance(value, int):
        return str(value)
    return f"{value:.3f}"


@dataclass(frozen=True)
class RebuiltReport:
    out_dir: Path
    matches: bool
    lines: list[str]


_INPUTS = (ReleaseLayout.EVALUATION, ReleaseLayout.VALIDATION)


def rebuild_report(release_dir: Path, out_dir: Path | None, *, pdf: bool) -> RebuiltReport:
    """Render report.html (and the PDF) again from a release's manifest, evaluation and validation files.

    The published folder is never written to. The rebuilt page is compared byte for byte (sha256)
    with the published one, and the files it is built from with the manifest's hashes.

    Raises:
        InputError: the folder is not a release, or the output folder is inside it.
        ReportFailed: the PDF could not be printed.
    """
    release_dir = release_dir.resolve()
    manifest_path = release_dir / ReleaseLayout.MANIFEST
    if not manifest_path.is_file():
        raise InputError(f"{release_dir} is not a synthgate release: it has no {ReleaseLayout.MANIFEST}")
    try:
        manifest = read_json(manifest_path)
        inputs = {name: read_json(release_dir / name) for name in _INPUTS}
    except FileNotFoundError as exc:
        raise InputError(f"{release_dir}: {Path(exc.filename).name} is missing; the report is built from it") from None
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise InputError(f"{release_dir}: a JSON file of the release cannot be parsed") from None
    dataset = manifest.get("dataset", {})
    out_dir = (out_dir or Path.cwd() / f"{dataset.get('name', 'release')}-{dataset.get('version', '')}-report").resolve()
    if out_dir == release_dir or release_dir in out_dir.parents:
        raise InputError(f"--out {out_dir} is inside the release; a published release is never changed")
    out_dir.mkdir(parents=True, exist_ok=True)
    published = manifest.get("files", {})
    # The report lists every file but itself, exactly as at publication.
    draft = {**manifest, "files": {k: v for k, v in published.items()
                                   if k not in (ReleaseLayout.REPORT, ReleaseLayout.REPORT_PDF)}}
    written = write_report(out_dir, draft, evaluation=inputs[ReleaseLayout.EVALUATION],
                           validation=inputs[ReleaseLayout.VALIDATION], pdf=pdf,
                           data_docs_href=os.path.relpath(release_dir / ReleaseLayout.DATA_DOCS / "index.html", out_dir))
    lines, matches = [f"report rebuilt in {out_dir}: {', '.join(written)}"], True
    for name in _INPUTS:
        same = published.get(name, {}).get("sha256") == file_sha256(release_dir / name)[0]
        matches &= same
        lines.append(f"{name}: {'matches' if same else 'DIFFERS from'} the manifest's sha256")
    # Byte for byte as published (relative Data Docs link); the copy written above links to the release's.
    import hashlib

    from synthgate import report

    as_published = report.render_report(evaluation=inputs[ReleaseLayout.EVALUATION], manifest=draft,
                                        validation=inputs[ReleaseLayout.VALIDATION],
                                        data_docs_href=f"{ReleaseLayout.DATA_DOCS}/index.html")
    rebuilt = hashlib.sha256(as_published.encode("utf-8")).hexdigest()
    same = rebuilt == published.get(ReleaseLayout.REPORT, {}).get("sha256")
    matches &= same
    lines.append(f"report.html: {'identical to' if same else 'DIFFERS from'} the published report "
                 f"(sha256 {rebuilt[:16]}…)")
    return RebuiltReport(out_dir, matches, lines)


__all__ = ["RebuiltReport", "ReportFailed", "print_evaluation", "rebuild_report", "run_evaluation"]

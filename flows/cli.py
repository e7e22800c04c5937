"""The `synthgate` command line: scan, init, check, run, evaluate, report and demo."""
from __future__ import annotations

import contextlib
import os
import sys
import time
from enum import Enum
from pathlib import Path
from typing import List, Optional

import typer
from rich.console import Console

from synthgate.flows import settings
from synthgate.flows.errors import InputError, SynthgateError, ValidationFailed

app = typer.Typer(
    name="synthgate",
    help="Release privacy-preserving synthetic datasets: pseudonymise, synthesise, validate, publish.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
out = Console()
err = Console(stderr=True)

PrefectHome = typer.Option(
    None, "--prefect-home", envvar="SYNTHGATE_PREFECT_HOME",
    help="Prefect's home (database, logs) for ephemeral runs. Default: $PREFECT_HOME or ~/.local/state/synthgate/prefect.",
)


def fail(exc: SynthgateError) -> None:
    """One clear line on stderr (plus the failed expectations), then the error's exit code."""
    if isinstance(exc, ValidationFailed):
        for line in exc.failures:
            err.print(f"  failed: {line}", markup=False, highlight=False, soft_wrap=True)
        if exc.docs_path:
            err.print(f"  Data Docs (workspace): {exc.docs_path}", markup=False, highlight=False, soft_wrap=True)
    err.print(f"error: {exc}", markup=False, highlight=False, soft_wrap=True)
    raise typer.Exit(exc.exit_code)


def _load(spec: Path):
    from synthgate.flows.spec import load_spec

    try:
        return load_spec(spec)
    except SynthgateError as exc:
        fail(exc)


def _resolved(loaded):
    """The spec with its version template ({date:...}, {run_date:...}, auto) resolved now; the run keeps it."""
    from synthgate.flows.versions import resolve_version

    try:
        return resolve_version(loaded)[0]
    except SynthgateError as exc:
        fail(exc)


SampleSize = typer.Option(200, min=10, max=100_000, help="Values sampled per column for detection.")
Seed = typer.Option(0, help="Sampling seed: the same seed gives the same proposals.")
Encoding = typer.Option("utf-8", help="Text encoding of a CSV file, e.g. utf-8, cp949, euc-kr.")
Delimiter = typer.Option(",", help="CSV delimiter (one character; 'tab' for a tab).")
SourceFormat = typer.Option(
    "auto", "--format", help="The file's format: auto (by its name), csv, csv.gz or parquet.",
)
MrnPattern = typer.Option(
    None, "--mrn-pattern",
    help="A regular expression of your hospital's chart numbers (KR_MEDICAL_RECORD_NUMBER); repeatable.",
)
DedupeHeaders = typer.Option(
    False, "--dedupe-headers",
    help="Read later duplicate headers as name__2, name__3 and blank ones as column_<position> (the file is not edited).",
)


def _delimiter(text: str) -> str:
    """The delimiter a user typed: 'tab' or a backslash-t (a shell passes it as two characters) is a tab."""
    return "\t" if text in ("tab", "\\t", "TAB") else text


def _detect(data: Path, *, sample_size: int, seed: int, encoding: str, delimiter: str, mrn_patterns: list[str] | None,
            dedupe_headers: bool = False, fmt: str = "auto"):
    """Reads DATA and runs detection; bad input ends the command with one line and exit code 2.

    Returns the detections, the source's facts and the table (which never leaves the process).
    """
    import re

    from synthgate import privacy
    from synthgate.flows.sources import FORMATS, empty_columns, hidden_matches, read_source

    delimiter = _delimiter(delimiter)
    if fmt not in FORMATS:
        fail(InputError(f"--format {fmt!r} is not a format; allowed: {', '.join(FORMATS)}"))
    if len(delimiter) != 1:
        fail(InputError(f"--delimiter must be one character, not {len(delimiter)}"))
    for number, pattern in enumerate(mrn_patterns or [], start=1):
        try:
            re.compile(pattern)
        except re.error as exc:
            fail(InputError(f"--mrn-pattern #{number} is not a regular expression ({exc.msg} at position {exc.pos})"))
    try:
        frame, facts = read_source(str(data.resolve()), fmt=fmt, delimiter=delimiter, encoding=encoding,
                                   dedupe_headers=dedupe_headers)
    except SynthgateError as exc:
        fail(exc)
    hidden = hidden_matches(str(data))
    if hidden:
        err.print(f"warning: {len(hidden)} file(s) matching {data} start with '.' and were skipped (hidden files); "
                  "name one itself to read it", markup=False, highlight=False, soft_wrap=True)
    for column in empty_columns(frame):
        err.print(f"warning: column {column!r} is empty in every row; the draft drops it",
                  markup=False, highlight=False, soft_wrap=True)
    detections = privacy.detect_columns(
        frame, sample_size=sample_size, seed=seed, medical_record_patterns=tuple(mrn_patterns or ())
    )
    return detections, facts, frame


@app.command()
def scan(
    data: Path = typer.Argument(..., help="A CSV or Parquet file to scan."),
    sample_size: int = SampleSize,
    seed: int = Seed,
    encoding: str = Encoding,
    delimiter: str = Delimiter,
    mrn_pattern: Optional[List[str]] = MrnPattern,
    as_json: bool = typer.Option(False, "--json", help="Print only a JSON list, one object per column."),
    dedupe_headers: bool = DedupeHeaders,
    fmt: str = SourceFormat,
) -> None:
    """Detect personal data per column (Korean and English) and propose an action; prints no value."""
    settings.configure()
    from synthgate.flows.draft import detection_record, detection_table

    detections, _, _ = _detect(
        data, sample_size=sample_size, seed=seed, encoding=encoding, delimiter=delimiter, mrn_patterns=mrn_pattern,
        dedupe_headers=dedupe_headers, fmt=fmt,
    )
    if as_json:
        import json

        sys.stdout.write(json.dumps([detection_record(d) for d in detections], ensure_ascii=False, indent=2) + "\n")
        return
    table = detection_table(detections, title=f"{data.name}: {len(detections)} columns")
    # Piped output has no terminal to fit: print the whole table rather than rich's default 80 columns.
    (out if out.is_terminal else Console(width=max(out.width, 120))).print(table)


@app.command()
def init(
    data: List[Path] = typer.Argument(..., help="A CSV or Parquet file to draft a spec for; several files, or a "
                                      "folder of them, draft a spec with tables: (keys and references proposed)."),
    output: Path = typer.Option(..., "-o", "--output", help="Where to write the draft spec (YAML)."),
    sample_size: int = SampleSize,
    seed: int = Seed,
    encoding: str = Encoding,
    delimiter: str = Delimiter,
    mrn_pattern: Optional[List[str]] = MrnPattern,
    force: bool = typer.Option(False, help="Overwrite an existing file."),
    dedupe_headers: bool = DedupeHeaders,
    fmt: str = SourceFormat,
) -> None:
    """Draft a release spec: kinds inferred and privacy actions proposed by the same detection as `scan`."""
    settings.configure()
    from synthgate.flows.draft import relative_source, render_draft

    if output.exists() and not force:
        fail(InputError(f"{output} already exists; pass --force to overwrite it"))
    delimiter = _delimiter(delimiter)
    if len(data) > 1 or data[0].is_dir():  # several tables: flows/draft_tables.py
        return _init_tables(data, output, sample_size=sample_size, seed=seed, encoding=encoding, delimiter=delimiter,
                            mrn_pattern=mrn_pattern, dedupe_headers=dedupe_headers, fmt=fmt)
    data = data[0]
    detections, facts, frame = _detect(
        data, sample_size=sample_size, seed=seed, encoding=encoding, delimiter=delimiter, mrn_patterns=mrn_pattern,
        dedupe_headers=dedupe_headers, fmt=fmt,
    )
    text = render_draft(
        detections, source_path=relative_source(data, output), facts=facts, name=data.stem, frame=frame,
        encoding=encoding, delimiter=delimiter, dedupe_headers=dedupe_headers, fmt=fmt,
        medical_record_patterns=tuple(mrn_pattern or ()),
    )
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(text, encoding="utf-8")
    flagged = sum(1 for d in detections if d.entity)
    marked = sum(1 for d in detections if d.needs_review)
    out.print(f"Draft written to {output}: {len(detections)} columns, {flagged} with personal entities detected, "
              f"{marked} marked REVIEW.", markup=False, highlight=False, soft_wrap=True)
    out.print("Review every column's kind and action, set reviewed: true on each REVIEW column, fill in "
              "dataset.licence, then: synthgate check " + str(output), markup=False, highlight=False, soft_wrap=True)


def _init_tables(data: list[Path], output: Path, *, sample_size: int, seed: int, encoding: str, delimiter: str,
                 mrn_pattern, dedupe_headers: bool, fmt: str) -> None:
    """`init` on several files or a folder: each table drafted as `init` drafts one, plus proposed keys."""
    from synthgate.flows.draft_tables import render_tables_draft, table_files

    try:
        files = table_files(data)
    except SynthgateError as exc:
        fail(exc)
    parts = {}
    for table, path in files.items():
        detections, _, frame = _detect(path, sample_size=sample_size, seed=seed, encoding=encoding,
                                       delimiter=delimiter, mrn_patterns=mrn_pattern, dedupe_headers=dedupe_headers,
                                       fmt=fmt)
        parts[table] = (path, detections, frame)
    name = data[0].name if data[0].is_dir() else output.stem
    text, proposals = render_tables_draft(parts, output=output, name=name, encoding=encoding, delimiter=delimiter,
                                          fmt=fmt, dedupe_headers=dedupe_headers, seed=seed,
                                          medical_record_patterns=tuple(mrn_pattern or ()))
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(text, encoding="utf-8")
    keys = sum(1 for p in proposals if p.kind == "primary_key")
    marked = sum(1 for _, detections, _ in parts.values() for d in detections if d.needs_review)
    out.print(f"Draft written to {output}: {len(parts)} tables, {keys} primary key(s) and {len(proposals) - keys} "
              f"reference(s) proposed, {marked} column(s) marked REVIEW.", markup=False, highlight=False,
              soft_wrap=True)
    out.print("Review every table's columns, primary_key and references, set reviewed: true on each REVIEW column, "
              "fill in dataset.licence, then: synthgate check " + str(output), markup=False, highlight=False,
              soft_wrap=True)


@app.command()
def check(spec: Path = typer.Argument(..., help="The release spec (YAML).")) -> None:
    """Check a spec, its source, its key and its output version, without running anything.

    Also: the catalog and workspace folders take a file, the table fits the generator's memory,
    time zones, and enough rows for the holdout and value protection. Exit codes: 0 ok; 2 one line
    naming the problem (the same preflight stops `run` before any work).
    """
    settings.configure()
    from synthgate.flows.preflight import preflight

    loaded = _resolved(_load(spec))
    if loaded.spec.tables is not None:  # several tables: checked here, not released yet (flows/relations.py)
        from synthgate.flows.relations import check_table_data, ok_line

        try:
            tables = check_table_data(loaded)
        except SynthgateError as exc:
            fail(exc)
        for warning in tables.warnings:
            err.print(f"warning: {warning}", markup=False, highlight=False, soft_wrap=True)
        out.print(ok_line(loaded, tables), markup=False, highlight=False, soft_wrap=True)
        return
    from synthgate.flows import engine

    chosen = engine.resolve(loaded.spec)
    try:
        report = preflight(loaded)
        engine.check_reachable(chosen)  # a scheduler that does not answer now would stop the run
    except SynthgateError as exc:
        fail(exc)
    for warning in report.warnings:
        err.print(f"warning: {warning}", markup=False, highlight=False, soft_wrap=True)
    out.print(f"ok: {report.source.rows} rows x {report.source.columns} columns, all planned; "
              f"key {report.key_id or 'not needed'}" + (f" from {report.key_origin}" if report.key_origin else "")
              + f"; will publish to {report.release_dir}"
              + (f"; engine {chosen.describe()}" if chosen.is_dask else ""), soft_wrap=True)


def run_release(spec: Path, prefect_home: Optional[str], *, title: str = "run", site: bool = True) -> dict:
    """Preflight, then the Prefect flow; prints the summary. Exits with the error's code on failure.

    ``site``: the flow rebuilds the catalog's site after publishing (flows/catalog_site.py).
    """
    home = settings.configure(prefect_home)
    from synthgate.flows.preflight import preflight

    loaded = _resolved(_load(spec))
    if loaded.spec.tables is not None:  # several tables: their own flow (flows/release_tables.py)
        with _claimed(loaded):
            return _run_tables(spec, loaded, home, title=title, site=site)
    with _claimed(loaded):
        return _run_one(spec, loaded, home, title=title, site=site)


@contextlib.contextmanager
def _claimed(loaded):
    """Hold the dataset for this process (runlock.claim): a run holding it stops this one, exit 2,
    before its preflight and before Prefect starts."""
    from synthgate.flows import runlock

    stack = contextlib.ExitStack()
    try:
        stack.enter_context(runlock.claim(loaded.catalog_dir, loaded.spec.dataset.name))
    except SynthgateError as exc:
        fail(exc)
    with stack:
        yield


def _run_one(spec: Path, loaded, home: str, *, title: str, site: bool) -> dict:
    from synthgate.flows.preflight import preflight

    if loaded.spec.review.required:
        fail(_review_needs_deployment(spec, "synthgate-release"))
    try:
        report = preflight(loaded)
    except SynthgateError as exc:
        fail(exc)
    for warning in report.warnings:
        err.print(f"warning: {warning}", markup=False, highlight=False, soft_wrap=True)
    mode = f"server {os.environ['PREFECT_API_URL']}" if os.environ.get("PREFECT_API_URL") else f"ephemeral, home {home}"
    out.print(f"[bold]synthgate {title}[/]: {loaded.spec.dataset.name} {loaded.spec.dataset.version} "
              f"({report.source.rows} rows); Prefect {mode}", highlight=False, soft_wrap=True)
    from synthgate.flows.release import release
    from synthgate.flows.summary import print_summary

    settings.one_line_console()

    from synthgate.flows import engine

    chosen = engine.resolve(loaded.spec)
    try:
        runner = engine.task_runner(chosen)
        engine.check_reachable(chosen)
    except SynthgateError as exc:
        fail(exc)
    if chosen.is_dask:
        out.print(f"engine: {chosen.describe()}", markup=False, highlight=False, soft_wrap=True)
        engine.quiet_cluster_logs()
    flow = release.with_options(task_runner=runner) if runner is not None else release
    started = time.monotonic()
    try:
        with engine.prefect_api_for_workers(chosen):
            result = flow(spec_path=str(loaded.path), dataset=loaded.spec.dataset.name,
                          version=loaded.spec.dataset.version, site=site,
                          source_sha256=report.source.sha256)  # ingest refuses a source changed since
    except SynthgateError as exc:
        fail(exc)
    except Exception as exc:  # outside a stage (the workspace, the run lock): errno and path, else its type
        from synthgate.flows.failures import describe

        fail(describe("release", exc, loaded))
    print_summary(out, loaded, result, time.monotonic() - started)
    if result.get("site"):
        out.print(f"catalog site: {result['site']}", markup=False, highlight=False, soft_wrap=True)
    return result



def _review_needs_deployment(spec: Path, flow: str) -> InputError:
    # Prefect suspends only a deployment's run; waiting here in-process for days is no service.
    return InputError(f"{spec}: review.required is true: a reviewed release runs as a deployment, where it can "
                      "wait suspended for the committee; deploy it (synthgate deploy SPEC) and start it there "
                      f"(its schedule, or prefect deployment run {flow}/NAME)")


def _run_tables(spec: Path, loaded, home: str, *, title: str, site: bool) -> dict:
    """`run` of a tables: spec: the same checks as `check`, then the multi-table flow; one line per table."""
    from synthgate.flows.relations import check_table_data

    try:
        if loaded.spec.review.required:
            raise _review_needs_deployment(spec, "synthgate-release-tables")
        report = check_table_data(loaded)
    except SynthgateError as exc:
        fail(exc)
    for warning in report.warnings:
        err.print(f"warning: {warning}", markup=False, highlight=False, soft_wrap=True)
    mode = f"server {os.environ['PREFECT_API_URL']}" if os.environ.get("PREFECT_API_URL") else f"ephemeral, home {home}"
    rows = ", ".join(f"{name} {report.rows[name]:,}" for name in report.order)
    out.print(f"[bold]synthgate {title}[/]: {loaded.spec.dataset.name} {loaded.spec.dataset.version} "
              f"({len(report.order)} tables: {rows} rows); Prefect {mode}", highlight=False, soft_wrap=True)
    from synthgate.flows.release_tables import release_tables

    settings.one_line_console()
    started = time.monotonic()
    try:
        result = release_tables(spec_path=str(loaded.path), dataset=loaded.spec.dataset.name,
                                version=loaded.spec.dataset.version, site=site, source_sha256=report.sha256)
    except SynthgateError as exc:
        fail(exc)
    except Exception as exc:
        from synthgate.flows.failures import describe

        fail(describe("release", exc, loaded))
    from synthgate.flows.summary import print_tables_summary

    print_tables_summary(out, result, time.monotonic() - started)
    return result

@app.command()
def run(
    spec: Path = typer.Argument(..., help="The release spec (YAML)."),
    prefect_home: Optional[str] = PrefectHome,
    site: bool = typer.Option(True, "--site/--no-site", help="Rebuild the catalog's site (index.html, "
                              "catalog.json, croissant.json) after publishing."),
) -> None:
    """Run a release: ingest, pseudonymise, train, sample, validate, publish (a Prefect flow).

    Exit codes: 0 published (a failed site rebuild is one warning line: the release stands);
    1 a quality or privacy gate failed (nothing published); 2 bad input, or a folder that takes no
    file, a full or read-only disk (nothing published; errno and path); 3 a failure in a stage
    (synthgate's own errors with their message, any other by its type; SYNTHGATE_DEBUG=1 for the traceback).
    """
    run_release(spec, prefect_home, site=site)


class TaskChoice(str, Enum):
    AUTO = "auto"
    CLASSIFICATION = "classification"
    REGRESSION = "regression"


@app.command()
def evaluate(
    real: Path = typer.Argument(..., help="The real rows the generator learned from (CSV or Parquet)."),
    synthetic: Path = typer.Argument(..., help="The synthetic rows (CSV or Parquet)."),
    holdout: Path = typer.Option(..., "--holdout", help="Real rows the generator never saw (CSV or Parquet)."),
    target: Optional[str] = typer.Option(None, help="Column a model predicts for the utility figure."),
    task: TaskChoice = typer.Option(TaskChoice.AUTO, help="Utility task; auto: categories classify, numbers regress."),
    thresholds: Optional[Path] = typer.Option(None, help="YAML file of bounds (the keys of a spec's "
                                              "evaluation.thresholds); default: synthgate's defaults."),
    quasi_identifiers: Optional[str] = typer.Option(
        None, "--quasi-identifiers", help="Comma-separated columns that identify people together (a spec's "
        "risk.quasi_identifiers): with the high-cardinality text columns they make the reproduced-record sets."),
    value_protection: int = typer.Option(5, "--value-protection", min=1, max=1000, help="k: a real value fewer "
                                         "training rows hold must not appear in the synthetic table."),
    accept_inconclusive: Optional[str] = typer.Option(
        None, "--accept-inconclusive", help="Comma-separated gates whose inconclusive figures may pass."),
    seed: int = Seed,
    encoding: str = Encoding,
    delimiter: str = Delimiter,
    as_json: bool = typer.Option(False, "--json", help="Print only one JSON object with every figure."),
) -> None:
    """Measure fidelity, utility and privacy risk of any synthetic table against its real and holdout rows.

    Exit codes: 0 every gate passes; 1 a gate failed or is inconclusive (not accepted); 2 bad input.
    """
    settings.configure()
    from synthgate.flows.evaluate_cli import print_evaluation, run_evaluation

    try:
        result = run_evaluation(real, synthetic, holdout, target=target, task=task.value, thresholds=thresholds,
                                seed=seed, encoding=encoding, delimiter=delimiter,
                                quasi_identifiers=_names(quasi_identifiers), value_protection=value_protection,
                                accept_inconclusive=_names(accept_inconclusive))
    except SynthgateError as exc:
        fail(exc)
    print_evaluation(out, result, as_json=as_json)
    raise typer.Exit(0 if result.passed else 1)


def _names(option: str | None) -> tuple[str, ...]:
    return tuple(name.strip() for name in (option or "").split(",") if name.strip())


@app.command()
def report(
    release_dir: Path = typer.Argument(..., help="A published release folder (holding manifest.json)."),
    output: Optional[Path] = typer.Option(None, "-o", "--out", help="Where to write the rebuilt report. "
                                          "Default: ./<dataset>-<version>-report"),
    pdf: bool = typer.Option(True, "--pdf/--no-pdf", help="Also print report.pdf with headless Chromium."),
    verify: bool = typer.Option(False, help="Exit 1 unless the rebuilt report.html and the files it is built "
                                "from match the manifest's sha256."),
) -> None:
    """Rebuild a release's report from its own files, and compare it with the published one."""
    settings.configure()
    from synthgate.flows.evaluate_cli import rebuild_report

    try:
        outcome = rebuild_report(release_dir, output, pdf=pdf)
    except SynthgateError as exc:
        fail(exc)
    for line in outcome.lines:
        out.print(line, markup=False, highlight=False, soft_wrap=True)
    raise typer.Exit(1 if verify and not outcome.matches else 0)


class DemoDataset(str, Enum):
    COVID_TESTING = "covid-testing"
    KOREAN_CLINIC = "korean-clinic"
    MILITARY = "military"
    PBC = "pbc"
    NAFLD = "nafld"
    DEFENSE = "defense"


@app.command()
def demo(
    dataset: DemoDataset = typer.Option(DemoDataset.COVID_TESTING, help="Which built-in demo to release."),
    spec: Path = typer.Option(None, help="Another spec for the same demo table. Default: the dataset's spec in examples/."),
    members: Optional[int] = typer.Option(None, min=1, max=1_000_000, help="defense only: how many fake service "
                                          "members to write (default 1,000; the spec's sample.rows sets how many "
                                          "synthetic members are drawn)."),
    prefect_home: Optional[str] = PrefectHome,
) -> None:
    """Release a built-in demo with throwaway keys.

    covid-testing: medicaldata's covid_testing table (15,524 real rows, fake names).
    korean-clinic: 3,000 fake Korean admissions in CP949 (RRNs, phones, addresses, notes), released with every PIPC step: surrogates, date shifting, k-anonymity, an encrypted re-identification table.
    military: openintro's military table (1,414,593 real US service members, 6 quasi-identifiers): a release at scale; the summary gives its time and peak memory.
    pbc: survival's pbc and pbcseq (418 trial subjects, 1,945 laboratory visits): a release of two linked tables.
    nafld: survival's nafld1, nafld2 and nafld3 (17,549 subjects, 400,123 labs, 34,340 events): three linked tables at cohort scale (minutes).
    defense: fake Korean service members, postings and clinic visits (군번, names, RRNs, phones, notes): three linked tables.
    """
    from synthgate.flows import demo as demo_module
    from synthgate.flows import demo_tables

    settings.configure(prefect_home)
    if members is not None and dataset is not DemoDataset.DEFENSE:
        fail(InputError(f"--members is an option of the defense demo, not of {dataset.value}"))
    several = dataset.value in demo_tables.DATASETS  # a demo of several tables (flows/demo_tables.py)
    spec_path = spec or (demo_tables if several else demo_module).default_spec(dataset.value)
    try:
        if several:
            demo_tables.prepare(spec_path, dataset.value, out, members=members or 1_000)
        else:
            demo_module.prepare(spec_path, out)
    except SynthgateError as exc:
        fail(exc)
    run_release(spec_path, prefect_home, title="demo")


from synthgate.flows import deploy as _deploy  # noqa: E402  (its module imports no Prefect; fail() is defined above)

_deploy.add_commands(app)  # deploy, deployments, undeploy

from synthgate.flows.review_cli import review_app  # noqa: E402  (Prefect is imported inside its commands)

app.add_typer(review_app)  # review list, show, approve, reject

from synthgate.flows import catalog_cli as _catalog_cli  # noqa: E402  (the catalog is imported inside its commands)

_catalog_cli.add_commands(app)  # catalog build, serve, token, expire; withdraw

from synthgate.flows import gc as _gc  # noqa: E402  (Prefect is imported inside its command, if at all)

_gc.add_commands(app)  # gc


audit_app = typer.Typer(name="audit", help="The catalog's append-only, hash-chained audit trail (audit.jsonl).",
                        no_args_is_help=True)
app.add_typer(audit_app)


@audit_app.command("verify")
def audit_verify(catalog: Path = typer.Argument(..., help="The catalog folder (holding audit.jsonl).")) -> None:
    """Check that every line of CATALOG/audit.jsonl chains to the one before; name the first that does not.

    Exit codes: 0 the chain holds; 1 a line is broken (named); 2 no catalog or no audit trail there.
    """
    from synthgate import catalog as catalog_pkg

    if not catalog.is_dir():
        fail(InputError(f"{catalog} is not a folder; give the catalog folder (output.catalog in the spec)"))
    try:
        check = catalog_pkg.verify_chain(catalog)
    except catalog_pkg.AuditError as exc:
        fail(InputError(str(exc)))
    if not check.ok:
        err.print(f"error: {check.path} line {check.broken_line}: {check.problem}; the {check.lines} line(s) "
                  "before it hold", markup=False, highlight=False, soft_wrap=True)
        raise typer.Exit(1)
    out.print(f"ok: {check.path}: {check.lines} event(s) chained; head sha256 {check.head} (keep it elsewhere: "
              "only a copy shows a rewritten tail)", markup=False, highlight=False, soft_wrap=True)


def _print_version(value: bool) -> None:
    if value:
        from importlib.metadata import version

        out.print(f"synthgate {version('synthgate')}")
        raise typer.Exit(0)


@app.callback()
def main(
    version: bool = typer.Option(False, "--version", callback=_print_version, is_eager=True,
                                 help="Print the version and exit."),
) -> None:
    """synthgate: privacy-preserving synthetic data releases."""


if __name__ == "__main__":  # pragma: no cover
    sys.exit(app())

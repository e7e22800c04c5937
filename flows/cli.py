"""The `synthgate` command line: init, check, run and demo."""
from __future__ import annotations

import os
import sys
import time
from pathlib import Path
from typing import Optional

import typer
from rich.console import Console

from flows import settings
from flows.errors import InputError, SynthgateError, ValidationFailed

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
    from flows.spec import load_spec

    try:
        return load_spec(spec)
    except SynthgateError as exc:
        fail(exc)


@app.command()
def init(
    data: Path = typer.Argument(..., help="A CSV or Parquet file to draft a spec for."),
    output: Path = typer.Option(..., "-o", "--output", help="Where to write the draft spec (YAML)."),
    sample_size: int = typer.Option(200, min=10, max=100_000, help="Values sampled per column for detection."),
    force: bool = typer.Option(False, help="Overwrite an existing file."),
) -> None:
    """Draft a release spec: kinds inferred and privacy actions proposed from Presidio detection."""
    settings.configure()
    import privacy
    from flows.draft import relative_source, render_draft
    from flows.sources import read_source

    if output.exists() and not force:
        fail(InputError(f"{output} already exists; pass --force to overwrite it"))
    try:
        frame, facts = read_source(str(data.resolve()))
    except SynthgateError as exc:
        fail(exc)
    detections = privacy.detect_columns(frame, sample_size=sample_size)
    text = render_draft(detections, source_path=relative_source(data, output), facts=facts, name=data.stem)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(text, encoding="utf-8")
    flagged = sum(1 for d in detections if d.entity)
    out.print(f"Draft written to {output}: {len(detections)} columns, {flagged} with personal entities detected.")
    out.print("Review every column's kind and action, fill in dataset.licence, then: synthgate check " + str(output))


@app.command()
def check(spec: Path = typer.Argument(..., help="The release spec (YAML).")) -> None:
    """Check a spec, its source, its key and its output version, without running anything."""
    settings.configure()
    from flows.preflight import preflight

    loaded = _load(spec)
    try:
        report = preflight(loaded)
    except SynthgateError as exc:
        fail(exc)
    out.print(f"ok: {report.source.rows} rows x {report.source.columns} columns, all planned; "
              f"key {report.key_id or 'not needed'}" + (f" from {report.key_origin}" if report.key_origin else "")
              + f"; will publish to {report.release_dir}", soft_wrap=True)


def run_release(spec: Path, prefect_home: Optional[str], *, title: str = "run") -> dict:
    """Preflight, then the Prefect flow; prints the summary. Exits with the error's code on failure."""
    home = settings.configure(prefect_home)
    from flows.preflight import preflight

    loaded = _load(spec)
    try:
        report = preflight(loaded)
    except SynthgateError as exc:
        fail(exc)
    mode = f"server {os.environ['PREFECT_API_URL']}" if os.environ.get("PREFECT_API_URL") else f"ephemeral, home {home}"
    out.print(f"[bold]synthgate {title}[/]: {loaded.spec.dataset.name} {loaded.spec.dataset.version} "
              f"({report.source.rows} rows); Prefect {mode}", highlight=False, soft_wrap=True)
    from flows.release import release
    from flows.summary import print_summary

    started = time.monotonic()
    try:
        result = release(spec_path=str(loaded.path), dataset=loaded.spec.dataset.name,
                         version=loaded.spec.dataset.version)
    except SynthgateError as exc:
        fail(exc)
    print_summary(out, loaded, result, time.monotonic() - started)
    return result


@app.command()
def run(
    spec: Path = typer.Argument(..., help="The release spec (YAML)."),
    prefect_home: Optional[str] = PrefectHome,
) -> None:
    """Run a release: ingest, pseudonymise, train, sample, validate, publish (a Prefect flow).

    Exit codes: 0 published; 1 a quality or privacy gate failed (nothing published);
    2 bad input (nothing started); 3 an unexpected failure in a stage.
    """
    run_release(spec, prefect_home)


@app.command()
def demo(
    spec: Path = typer.Option(None, help="The demo spec. Default: examples/covid_testing.yaml of this checkout."),
    prefect_home: Optional[str] = PrefectHome,
) -> None:
    """Release the built-in demo: medicaldata's covid_testing table (15,524 real rows, fake names)."""
    from flows import demo as demo_module

    settings.configure(prefect_home)
    spec_path = spec or demo_module.default_spec()
    try:
        demo_module.prepare(spec_path, out)
    except SynthgateError as exc:
        fail(exc)
    run_release(spec_path, prefect_home, title="demo")


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

"""The end-of-run summary: what was done to each column, the model, the gates, the paths."""
from __future__ import annotations

import resource
import sys

from rich.console import Console
from rich.table import Table

from synthgate.flows.spec import LoadedSpec


def print_summary(console: Console, loaded: LoadedSpec, result: dict, elapsed: float) -> None:
    facts, published = result["facts"], result["published"]
    by_action: dict[str, list[str]] = {}
    for outcome in facts["privacy"]["columns"]:
        by_action.setdefault(outcome["action"], []).append(outcome["column"])
    table = Table(title=f"{loaded.spec.dataset.name} {loaded.spec.dataset.version} published",
                  show_header=False, title_justify="left")
    table.add_column(style="bold", no_wrap=True)
    table.add_column(overflow="fold")  # paths are shown whole, folded rather than cut
    for action in ("keep", "generalise", "pseudonymise", "surrogate", "date_shift", "redact_text", "drop"):
        cols = by_action.get(action, [])
        if cols or action in ("keep", "pseudonymise", "drop"):
            table.add_row(action, f"{len(cols)}: {', '.join(cols)}" if cols else "0")
    risk = facts["privacy"].get("risk")
    if risk:
        final = risk["steps"][-1]["risk"] if risk["steps"] else risk["initial"]
        l_part = f", l {risk['initial']['l']} -> {final['l']}" if risk["threshold"].get("l") else ""
        table.add_row("risk", f"k {risk['initial']['k']} -> {final['k']} (required {risk['threshold']['k']}){l_part} "
                      f"over {', '.join(risk['quasi_identifiers'])}; {risk['steps_applied']} step(s) applied")
    excluded = facts["sample"]["excluded_text_columns"]
    if excluded:
        table.add_row("left out", f"{', '.join(excluded)} (free text is not synthesised yet)")
    model = facts["model"]
    train = facts.get("train") or {}
    learned = (f"{model.get('rows')} of {train['available_rows']} training rows (a uniform sample, "
               "generator.train_rows)" if train.get("sampled") else f"{model.get('rows')} rows")
    table.add_row("generator", f"{model.get('kind')} on {model.get('device')}, trained in "
                  f"{model.get('train_seconds', 0):.1f} s on {learned}")
    sample = facts["sample"]
    table.add_row("rows", f"{facts['ingest']['rows']} source -> {sample['rows']} synthetic "
                  f"({sample['discarded_copies']} of {sample.get('drawn_rows', '?')} drawn rows were copies of "
                  "training rows, discarded)")
    figures = facts.get("evaluation") or {}
    if figures:
        def interval(name: str) -> str:
            low, high = figures.get(name + "_low"), figures.get(name + "_high")
            return f" [{low:.2g}, {high:.2g}]" if isinstance(low, (int, float)) and isinstance(high, (int, float)) else ""

        shown = [f"{name} {figures[name]:.3g}{interval(name)}"
                 for name in ("quality_score", "c2st", "raw_copy_share", "rare_value_share", "reproduced_record_excess",
                              "close_records_share", "dcr_share", "mia_auc", "singling_out_risk",
                              "linkability_risk", "inference_risk")
                 if isinstance(figures.get(name), (int, float))]
        table.add_row("evaluation", f"{figures.get('verdict')}: {'; '.join(shown)}; published copies "
                      f"{figures.get('exact_matches')}")
    validation = facts["validation"]
    table.add_row("gates", f"{validation['evaluated'] - validation['failed']}/{validation['evaluated']} "
                  "expectations passed")
    table.add_row("key id", str(facts["privacy"].get("key_id")))
    kept = facts["privacy"].get("additional_information")
    if kept:
        table.add_row("re-identification", f"encrypted (key {kept['encryption_key_id']}) as {kept['file']} in "
                      f"{loaded.additional_information_dir} (keep it apart, separate access)")
    table.add_row("parquet", published["data_file"])
    table.add_row("manifest", published["manifest"])
    table.add_row("data docs", published["data_docs"])
    table.add_row("report", published["report"] + (" (and report.pdf)" if loaded.spec.evaluation.pdf else ""))
    table.add_row("workspace", result["workspace"] + " (private: raw and pseudonymised data)")
    table.add_row("elapsed", f"{elapsed:.1f} s; peak memory (RSS) {peak_rss_mb():,.0f} MB")
    console.print(table)


def print_tables_summary(console: Console, result: dict, elapsed: float) -> None:
    """What a published release of several tables holds: rows per table, the subjects learned, the gates."""

    def say(text: str) -> None:
        console.print(text, markup=False, highlight=False, soft_wrap=True)

    published = result["published"]
    say(f"published {published['release_dir']} in {elapsed:.0f} s: " + ", ".join(
        f"{name} {rows:,} rows" for name, rows in published["table_rows"].items()))
    learned = result.get("training_sample") or {}
    if learned.get("sampled"):  # generator.train_rows: whole subjects drawn uniformly
        say(f"  trained on {learned['learned_subjects']:,} of {learned['available_subjects']:,} subjects "
            f"({learned['learned_rows']:,} of {learned['available_rows']:,} rows of all tables, a uniform sample: "
            "generator.train_rows)")
    for gate in result["evaluation"]["gates"]:
        say(f"  {gate['metric']} {gate['value']:.3g} ({gate['operator']} {gate['bound']:g}): {gate['verdict']}"
            if gate["value"] is not None else f"  {gate['metric']}: {gate['verdict']}")
    say(f"report: {published['report']}")
    if result.get("site"):
        say(f"catalog site: {result['site']}")


def peak_rss_mb() -> float:
    """This process's peak resident memory so far, in MB (Prefect's server and Chromium run apart and are not counted)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 2**20 if sys.platform == "darwin" else peak / 2**10  # bytes on macOS, KiB on Linux

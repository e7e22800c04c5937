"""Print the generator benchmark's JSON (benchmarks/generators_vs_peers.py) as markdown tables for docs/benchmarks.md.

Run: .venv/bin/python benchmarks/render_generators_table.py benchmarks/results/generators-<label>.json
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

HEADER = ("| generator | train s | sample s | peak RSS MB | quality | shapes | pair trends | {ml} | DCR share "
          "| ε spent |\n| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")


def _num(value: object, digits: int) -> str:
    return "–" if not isinstance(value, (int, float)) else f"{value:,.{digits}f}"


def _ml(scores: dict | None, task: str) -> str:
    if not scores or "error" in scores:
        return "–"
    if task == "regression":
        return _num(scores.get("r2"), 3)
    return f"{_num(scores.get('auc'), 3)} / {_num(scores.get('f1'), 3)}"


def machine_line(report: dict) -> str:
    """One sentence: the machine, the libraries and the run's settings."""
    machine, settings = report["machine"], report["settings"]
    libs = machine.get("libraries", {})
    versions = ", ".join(f"{name} {v}" for name, v in libs.items() if v and name in
                         ("torch", "sdv", "mostlyai-engine", "opacus", "scikit-learn"))
    gpu = machine.get("gpu") or "no GPU"
    quick = f"quick (at most {settings['max_rows']:,} rows per table, tiny epoch caps)"
    mode = quick if settings.get("quick") else "full"
    return (f"Measured {report.get('date', '?')} on {machine['cpu']}, {machine['cores']} cores, "
            f"{machine['ram_gb']} GB, {gpu}, Python {machine['python']}; {versions}. Run: {mode}, "
            f"CTGAN {settings['ctgan_epochs']} epochs, TVAE {settings.get('tvae_epochs', 300)}, "
            f"{settings.get('torch_threads', machine['cores'])} torch threads.")


def generator_row(name: str, result: dict, task: str) -> str:
    """One markdown row; skipped or failed runs say so in the first metric column."""
    if "skipped" in result or "error" in result:
        reason = f"skipped: {result['skipped']}" if "skipped" in result else f"failed: {result['error']}"
        return f"| {name} | {reason} |" + " |" * 9
    dp = result.get("dp") or {}
    cells = [name, _num(result.get("train_s"), 1), _num(result.get("sample_s"), 1),
             _num(result.get("peak_rss_mb"), 0), _num(result.get("quality_score"), 3),
             _num(result.get("column_shapes"), 3), _num(result.get("column_pair_trends"), 3),
             _ml(result.get("ml_efficacy"), task), _num(result.get("dcr_share"), 3),
             _num(dp.get("epsilon_spent"), 2)]
    return "| " + " | ".join(cells) + " |"


def render(report: dict) -> str:
    """The whole markdown: a machine line, then per table a heading, a note and the table."""
    parts = [machine_line(report), ""]
    for table, entry in report["tables"].items():
        task = entry["task"]
        ml = "R² (holdout)" if task == "regression" else "AUC / F1 (holdout)"
        parts += [f"### {table} ({entry['train_rows']:,} train / {entry['holdout_rows']:,} holdout rows, "
                  f"target `{entry['target']}`)", "", HEADER.format(ml=ml),
                  generator_row("real training data", {"ml_efficacy": entry["real_ml_efficacy"]}, task)]
        parts += [generator_row(name, result, task) for name, result in entry["generators"].items()]
        for name, label in (("ctgan", "CTGAN"), ("tvae", "TVAE")):
            run = entry["generators"].get(name, {})
            if "seconds_per_epoch" in run and run.get("params", {}).get("epochs") != 300:
                parts += ["", f"{label}: {run['seconds_per_epoch']} s per epoch; SDV's default 300 epochs would "
                              f"take about {run['projected_default_epochs_s'] / 60:.0f} min to train."]
        parts.append("")
    parts.append("quality, shapes, pair trends: SDMetrics against the training rows (1 = identical "
                 "distributions). ML: HistGradientBoosting trained on the rows of each line, scored on the "
                 "real holdout. DCR share: synthetic rows nearer a training row than a holdout row, with "
                 "equal reference sizes; 0.5 is ideal, copies of the training rows score about 0.62.")
    return "\n".join(parts)


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("report", type=Path, help="the JSON written by generators_vs_peers.py")
    args = parser.parse_args(argv)
    print(render(json.loads(args.report.read_text(encoding="utf-8"))))


if __name__ == "__main__":
    main(sys.argv[1:])

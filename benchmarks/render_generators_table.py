"""Print the generator benchmark's JSON (benchmarks/generators_vs_peers.py) as markdown tables for docs/benchmarks.md.

One table per figure (generators down, benchmark tables across), then the ratio tables against
TabularARGN: training-time ratio, pair-trend and C2ST differences.
Run: .venv/bin/python benchmarks/render_generators_table.py benchmarks/results/generators-<label>.json
"""
from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path

REFERENCE = "tabular_argn"
REAL = "real training data"


def _num(value: object, digits: int) -> str:
    return "–" if not isinstance(value, (int, float)) or isinstance(value, bool) else f"{value:,.{digits}f}"


def _ml(scores: dict | None, task: str) -> float | None:
    """The headline ML figure: R² for regression, AUC for classification."""
    if not scores or "error" in scores:
        return None
    return scores.get("r2") if task == "regression" else scores.get("auc")


def machine_line(report: dict) -> str:
    """One sentence: the machine, the libraries and the run's settings."""
    machine, settings = report["machine"], report["settings"]
    libs = machine.get("libraries", {})
    versions = ", ".join(f"{name} {v}" for name, v in libs.items() if v and name in
                         ("torch", "sdv", "mostlyai-engine", "smartnoise-synth", "opacus", "scikit-learn"))
    gpu = machine.get("gpu") or "no GPU"
    quick = f"quick (at most {settings['max_rows']:,} rows per table, tiny epoch caps)"
    mode = quick if settings.get("quick") else "full"
    return (f"Measured {report.get('date', '?')} on {machine['cpu']}, {machine['cores']} cores, "
            f"{machine['ram_gb']} GB, {gpu}, Python {machine['python']}; {versions}. Run: {mode}, "
            f"CTGAN {settings['ctgan_epochs']} epochs, TVAE {settings.get('tvae_epochs', 300)}, "
            f"{settings.get('torch_threads', machine['cores'])} torch threads"
            + (f", training time the median of {settings['repeats']} fits in interleaved rounds."
               if settings.get("repeats", 1) > 1 else "."))


def _generators(report: dict) -> list[str]:
    """Every generator that ran on any table, in the order they first appear."""
    names: list[str] = []
    for entry in report["tables"].values():
        names += [name for name in entry["generators"] if name not in names]
    return names


def _cell(result: dict | None, value: Callable[[dict], str]) -> str:
    if result is None:
        return ""
    if "skipped" in result:
        return "skipped"
    if "error" in result:
        return "failed"
    return value(result)


def figure_table(report: dict, title: str, value: Callable[[dict, dict], str], *, real_row: bool = False) -> str:
    """One markdown table of one figure: a row per generator, a column per benchmark table.

    ``value(result, entry)`` formats one cell; ``entry`` is the benchmark table's record.
    """
    tables = list(report["tables"])
    lines = [f"**{title}**", "", "| generator | " + " | ".join(tables) + " |",
             "| --- |" + " ---: |" * len(tables)]
    if real_row:
        cells = [_num(_ml(entry.get("real_ml_efficacy"), entry["task"]), 3) for entry in report["tables"].values()]
        lines.append(f"| {REAL} | " + " | ".join(cells) + " |")
    for name in _generators(report):
        cells = [_cell(entry["generators"].get(name), lambda r, e=entry: value(r, e))
                 for entry in report["tables"].values()]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def _difference(mine: float, theirs: float) -> str:
    """A signed difference to three places; a difference that rounds to zero reads +0.000, never -0.000."""
    text = f"{mine - theirs:+.3f}"
    return "+0.000" if text == "-0.000" else text


def _against_reference(figure: str, combine: Callable[[float, float], str]) -> Callable[[dict, dict], str]:
    """A cell comparing a generator's ``figure`` with TabularARGN's on the same table."""
    def cell(result: dict, entry: dict) -> str:
        reference = entry["generators"].get(REFERENCE) or {}
        mine, theirs = result.get(figure), reference.get(figure)
        if not isinstance(mine, (int, float)) or not isinstance(theirs, (int, float)):
            return "–"
        return combine(mine, theirs)
    return cell


def _rules(result: dict, entry: dict) -> str:
    kept = result.get("rules_kept_share")
    if result.get("rules_checked") == 0:
        return "no rule"  # the real rows hold none at 99.9%: nothing to keep
    if not isinstance(kept, (int, float)):
        return "–"
    refused = " †" if result.get("rules_refused") else ""
    return f"{kept:.0%} ({_num(result.get('rule_min_share'), 3)}){refused}"


def tables_overview(report: dict) -> str:
    """The benchmark tables: rows, columns, ML target and rules detected."""
    lines = ["| table | train / holdout rows | columns | target | rules held by ≥ 99.9% of real rows |",
             "| --- | ---: | ---: | --- | ---: |"]
    for name, entry in report["tables"].items():
        rules = entry.get("rules")
        held = "–" if rules is None else str(sum((r.get("real_share") or 0) >= 0.999 for r in rules))
        lines.append(f"| {name} | {entry['train_rows']:,} / {entry['holdout_rows']:,} | {len(entry['kinds'])} "
                     f"| `{entry['target']}` ({entry['task']}) | {held} |")
    return "\n".join(lines)


FIGURES: list[tuple[str, Callable[[dict, dict], str], bool]] = [
    ("Training time (s)", lambda r, e: _num(r.get("train_s"), 1), False),
    ("Column pair trends (SDMetrics, 1 = same)", lambda r, e: _num(r.get("column_pair_trends"), 3), False),
    ("C2ST (1 = indistinguishable from real rows)", lambda r, e: _num(r.get("c2st"), 3), False),
    ("ML efficacy on the real holdout (AUC; R² for regression targets)",
     lambda r, e: _num(_ml(r.get("ml_efficacy"), e["task"]), 3), True),
    ("Rule keeping: rules kept by ≥ 99% of synthetic rows (lowest share)", _rules, False),
    ("SDMetrics quality", lambda r, e: _num(r.get("quality_score"), 3), False),
    ("DCR share (0.5 ideal)", lambda r, e: _num(r.get("dcr_share"), 3), False),
    ("Peak RSS (MB)", lambda r, e: _num(r.get("peak_rss_mb"), 0), False),
    ("ε spent", lambda r, e: _num((r.get("dp") or {}).get("epsilon_spent"), 2), False),
]
RATIOS: list[tuple[str, Callable[[dict, dict], str]]] = [
    ("Training time ÷ TabularARGN's (target ≤ 0.1)",
     _against_reference("train_s", lambda a, b: f"{a / b:.2f}×" if b else "–")),
    ("Pair trends − TabularARGN's (target ≥ 0)", _against_reference("column_pair_trends", _difference)),
    ("C2ST − TabularARGN's (target ≥ 0)", _against_reference("c2st", _difference)),
]


def render(report: dict) -> str:
    """The whole markdown: the machine line, the tables' overview, a table per figure, the ratios."""
    parts = [machine_line(report), "", tables_overview(report), ""]
    for title, value, real_row in FIGURES:
        parts += [figure_table(report, title, value, real_row=real_row), ""]
    if any(REFERENCE in entry["generators"] for entry in report["tables"].values()):
        for title, value in RATIOS:
            parts += [figure_table(report, title, value), ""]
    for table, entry in report["tables"].items():
        for name, label in (("ctgan", "CTGAN"), ("tvae", "TVAE")):
            run = entry["generators"].get(name, {})
            if "seconds_per_epoch" in run and run.get("params", {}).get("epochs") != 300:
                parts.append(f"{table}: {label} {run['seconds_per_epoch']} s per epoch; SDV's default 300 epochs "
                             f"would take about {run['projected_default_epochs_s'] / 60:.0f} min to train.")
    parts += ["", "Pair trends and quality: SDMetrics against the training rows. C2ST: "
              "1 − (2·max(AUC, 0.5) − 1) of a cross-validated classifier telling real training rows from "
              "synthetic ones. ML: HistGradientBoosting trained on each line's rows, scored on the real holdout. "
              "Rule keeping: over the rules detected on the training rows that ≥ 99.9% of them keep (†: the "
              "generator refused the detected rules together and was fitted without them). DCR share: "
              "synthetic rows nearer a training row than a holdout row, with equal reference sizes; copies of the "
              "training rows score about 0.62. aim/mst: SmartNoise with a declared domain (training bounds and "
              "categories taken as public), equal-width bins."]
    return "\n".join(parts)


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("report", type=Path, help="the JSON written by generators_vs_peers.py")
    args = parser.parse_args(argv)
    print(render(json.loads(args.report.read_text(encoding="utf-8"))))


if __name__ == "__main__":
    main(sys.argv[1:])

"""The evaluation's side of the report: fidelity, utility, privacy risk and validation."""
from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from typing import Any

from synthgate.report import _svg
from synthgate.report._format import dig, is_number, mapping, number, percent, plural, score, sequence
from synthgate.report._gates import gate, gates_by_metric
from synthgate.report._words import FIDELITY, PRIVACY, UTILITY

MAX_PAIRS = 10  # the least similar column pairs listed; the rest are in evaluation.json
MAX_CHARTS = 4  # distribution charts in the main part (two rows of two); the rest in the appendix
MAX_FAILURES = 5  # failed validation checks listed in the main part; all in the appendix
MAX_COLUMNS = 5  # the least similar columns in the main part; every column is in the appendix
MAX_DIFFERENCES = 5
CHART_WIDTH = 520  # two bar charts to a row
SIDE_BY_SIDE = 10  # columns up to which the two heatmaps fit beside each other
NOT_PRIVACY = ("quality_score", "c2st", "utility_ratio")  # gates shown with fidelity and utility


def _score_rows(items: list, kinds: Mapping) -> list[dict]:
    rows = []
    for item in map(mapping, items):
        columns = item.get("columns")
        name = " × ".join(map(str, columns)) if isinstance(columns, list) else str(item.get("column", "—"))
        value = item.get("score")
        rows.append({"name": name, "kind": kinds.get(item.get("column"), ""), "metric": item.get("metric") or "—",
                     "score": score(value), "width": f"{max(0.0, min(1.0, value)) * 100:.0f}" if is_number(value) else None})
    return rows


def _distribution_chart(dist: Mapping) -> dict:
    column = str(dist.get("column", "—"))
    labels = sequence(dist.get("bins"))
    if dist.get("skipped") or not labels:
        # No chart is safe to draw (too few real rows per bin): say so rather than draw a thinner one.
        reason = str(dist.get("skipped") or "no bins were recorded").rstrip(". ")
        return {"column": column, "kind": dist.get("kind") or "", "chart": None, "notes": [reason]}
    notes = []
    if is_number(dist.get("min_count")):
        notes.append(f"every bar holds at least {number(dist['min_count'])} real rows")
    if is_number(dist.get("merged_bins")) and dist["merged_bins"]:
        notes.append(plural(dist["merged_bins"], "sparse bin", "sparse bins") + " merged into neighbours")
    if is_number(dist.get("other_categories")) and dist["other_categories"]:
        notes.append(plural(dist["other_categories"], "rare category", "rare categories") + " grouped together")
    notes += [str(note).rstrip(". ") for note in sequence(dist.get("notes"))]
    chart = _svg.paired_bars(
        title=f"Distribution of {column}: real against synthetic",
        desc=f"Share of rows in each of {plural(len(labels), 'group', 'groups')} of {column}, "
             "real data beside synthetic data.",
        labels=labels, real=sequence(dist.get("real")), synthetic=sequence(dist.get("synthetic")), width=CHART_WIDTH)
    return {"column": column, "kind": dist.get("kind") or "", "chart": chart, "notes": notes}


def _associations(assoc: Mapping) -> dict | None:
    labels = [str(c) for c in sequence(assoc.get("columns"))]
    real, synthetic = sequence(assoc.get("real")), sequence(assoc.get("synthetic"))
    if not labels or not real or not synthetic:
        return None
    charts = [_svg.heatmap(title=f"Associations between columns, {name} data",
                           desc=f"Strength of association between each pair of {len(labels)} columns in the {name} data; "
                                "−1 and 1 are the strongest, 0 is none.", labels=labels, matrix=matrix,
                           grid=240.0 if len(labels) <= SIDE_BY_SIDE else 600.0)
              for name, matrix in (("real", real), ("synthetic", synthetic))]
    differences = []
    for i in range(len(labels)):
        for j in range(i + 1, len(labels)):
            a, b = dig_cell(real, i, j), dig_cell(synthetic, i, j)
            if is_number(a) and is_number(b) and abs(a - b) >= 0.0005:
                differences.append((abs(a - b), labels[i], labels[j], a, b))
    differences.sort(key=lambda d: (-d[0], d[1], d[2]))
    method = mapping(assoc.get("method"))
    words = ", ".join(f"{kind}: {name.replace('_', ' ')}" for kind, name in method.items() if isinstance(name, str))
    return {"charts": charts, "method": words, "stacked": len(labels) > SIDE_BY_SIDE, "count": len(labels),
            "largest": [(f"{x} × {y}", score(a), score(b), score(d)) for d, x, y, a, b in differences[:MAX_DIFFERENCES]]}


def dig_cell(matrix: list, i: int, j: int) -> Any:
    """matrix[i][j], or None where the matrix is ragged."""
    row = matrix[i] if i < len(matrix) else None
    return row[j] if isinstance(row, list) and j < len(row) else None


def _reason(value: Any, reason: Any) -> str | None:
    """Why a figure is missing (None when it is there); a missing figure always gets a reason."""
    if value is not None:
        return None
    return str(reason).rstrip(". ") if reason else "not recorded in evaluation.json"


def _lowest(items: list) -> tuple[list[Mapping], int]:
    """Scored items, lowest score first (ties by name); and how many had no score."""
    items = list(map(mapping, items))
    scored = [item for item in items if is_number(item.get("score"))]
    scored.sort(key=lambda item: (item["score"], str(item.get("columns") or item.get("column"))))
    return scored, len(items) - len(scored)


def _c2st_details(fid: Mapping) -> str:
    """The classifier's AUC and sample in one sentence, or nothing when they were not recorded."""
    block = mapping(fid.get("c2st"))
    auc, rows = block.get("auc"), block.get("rows")
    if not is_number(auc) or not is_number(rows):
        return ""
    spread = f" ± {score(block['auc_std'])}" if is_number(block.get("auc_std")) else ""
    folds = f" over {plural(block['folds'], 'fold', 'folds')}" if is_number(block.get("folds")) else ""
    return (f"The classifier's AUC was {score(auc)}{spread}{folds}, on {number(rows)} real and "
            f"{number(rows)} synthetic rows (0.5 is guessing).")


def fidelity(evaluation: Mapping) -> dict:
    """Overall scores, the least similar columns and pairs, distribution charts and association heatmaps."""
    fid = mapping(evaluation.get("fidelity"))
    gates = gates_by_metric(evaluation)
    na = mapping(evaluation.get("not_applicable"))
    columns = mapping(evaluation.get("columns"))
    kinds = mapping(columns.get("evaluated"))
    pairs, unscored_pairs = _lowest(sequence(fid.get("pairs")))
    worst_columns, _ = _lowest(sequence(fid.get("columns")))
    diagnostic = mapping(fid.get("diagnostic"))
    charts = [_distribution_chart(d) for d in map(mapping, sequence(fid.get("distributions")))]
    scores = []
    for key, m in FIDELITY.items():
        g = gates.get(key)
        if key not in evaluation and g is None:
            continue
        value = evaluation.get(key) if evaluation.get(key) is not None else None
        shown = g["value"] if g else number(value)
        missing = None if (g and g["verdict"] != "unmeasured") else _reason(value, na.get(key))
        scores.append({"label": g["title"] if g else m.label, "meaning": m.meaning, "value": shown,
                       "gate": g, "na": missing, "details": _c2st_details(fid) if key == "c2st" else ""})
    return {
        "scores": scores,
        "diagnostic": [(name.replace("_", " "), number(value)) for name, value in diagnostic.items()],
        "columns": _score_rows(sequence(fid.get("columns")), kinds),
        "worst_columns": _score_rows(worst_columns[:MAX_COLUMNS], kinds),
        "pairs": _score_rows(pairs[:MAX_PAIRS], kinds), "pairs_total": len(pairs), "pairs_unscored": unscored_pairs,
        "skipped": [(str(name), str(reason)) for name, reason in mapping(columns.get("skipped")).items()],
        "distributions": charts[:MAX_CHARTS], "more_distributions": charts[MAX_CHARTS:],
        "associations": _associations(mapping(fid.get("associations"))),
    }


def utility(evaluation: Mapping) -> dict:
    """Synthetic-trained against real-trained model figures, or why there are none."""
    util = mapping(evaluation.get("utility"))
    synthetic, real = mapping(util.get("synthetic")), mapping(util.get("real"))
    if not util or not (synthetic or real):
        reason = mapping(evaluation.get("not_applicable")).get("utility") or "no utility figures were recorded"
        return {"applicable": False, "reason": str(reason).rstrip(". ")}
    rows = []
    for key in [*synthetic, *(k for k in real if k not in synthetic)]:
        label, direction = UTILITY.get(str(key), (str(key), ""))
        s, r = synthetic.get(key), real.get(key)
        rows.append({"label": label, "direction": direction, "synthetic": score(s), "real": score(r),
                     "difference": f"{s - r:+.3f}".replace("-", "−") if is_number(s) and is_number(r) else "—"})
    counts = mapping(util.get("rows"))
    return {"applicable": True, "gate": gates_by_metric(evaluation).get("utility_ratio"),
            "target": util.get("target") or "—", "task": util.get("task") or "—",
            "model": util.get("model") or "—", "rows": rows,
            "counts": [("trained on synthetic", number(counts.get("fit_synthetic"))),
                       ("trained on real", number(counts.get("fit_real"))),
                       ("tested on holdout", number(counts.get("test")))],
            "notes": [str(n) for n in sequence(util.get("notes"))]}


def _attack_details(block: Mapping) -> str:
    # The interval is the gate's (same figure, same column); the block's own interval is not
    # repeated here, since for the inference attack it may belong to another column.
    parts = []
    if is_number(block.get("attack_rate")) and is_number(block.get("control_rate")):
        parts.append(f"attack succeeded {percent(block['attack_rate'])} vs "
                     f"{percent(block['control_rate'])} on the control group")
    if is_number(block.get("n_attacks")):
        parts.append(f"{number(block['n_attacks'])} attacks")
    return "; ".join(parts)


def _privacy_details(key: str, privacy: Mapping) -> str:
    block = mapping(privacy.get(PRIVACY[key].block)) if key in PRIVACY and PRIVACY[key].block else {}
    if key == "dcr_share" and block:
        return f"{number(block.get('rows_compared'))} rows compared; ties {percent(block.get('ties'))}"
    if key == "mia_auc" and block:
        return f"{number(block.get('members'))} training rows against {number(block.get('non_members'))} holdout rows"
    if key in ("singling_out_risk", "linkability_risk"):
        return _attack_details(block)
    if key == "inference_risk":
        # Only the counts of the whole attack: its rates may be of another column than the gate's.
        return f"{number(block['n_attacks'])} attacks per column" if is_number(block.get("n_attacks")) else ""
    return ""


def privacy(evaluation: Mapping) -> dict:
    """Each privacy gate with what it means, its interval and its verdict; figures measured but not gated."""
    gates = [gate(raw) for raw in map(mapping, sequence(evaluation.get("gates")))]
    details = mapping(evaluation.get("privacy"))
    rows = [{**g, "details": _privacy_details(g["metric"], details)}
            for g in gates if g["metric"] not in NOT_PRIVACY]
    gated = {g["metric"] for g in gates}
    na = mapping(evaluation.get("not_applicable"))
    others = [(PRIVACY[key].label, PRIVACY[key].meaning, score(evaluation.get(key)))
              for key in PRIVACY if key not in gated and is_number(evaluation.get(key))]
    why = {key: na.get(key) or (na.get(m.block) if m.block else None) for key, m in PRIVACY.items()}
    missing = [(PRIVACY[key].label, str(why[key]).rstrip(". ")) for key in PRIVACY if key not in gated and why[key]]
    inference = next((g for g in gates if g["metric"] == "inference_risk"), None)
    worst = next((str(raw.get("column")) for raw in map(mapping, sequence(evaluation.get("gates")))
                  if raw.get("metric") == "inference_risk" and raw.get("column")), None)
    per_column = mapping(dig(details, "inference", "details", "per_column"))
    return {"rows": rows, "others": others, "missing": missing, "inference": inference,
            "inference_columns": [
                (str(name), number(mapping(v).get("risk")),
                 " – ".join(number(c) for c in sequence(mapping(v).get("ci"))), str(name) == worst)
                for name, v in per_column.items()]}


#: evaluation.json's sample blocks, in report order, with the words a reviewer reads.
SAMPLE_STEPS = (
    ("fidelity", "statistical similarity (SDMetrics)"), ("c2st", "classifier two-sample test"),
    ("charts", "distribution charts and associations"), ("utility", "utility models"),
    ("distance", "distance figures (DCR, close records, NNDR, membership)"), ("exact_matches", "published copies"),
    ("copies", "copy rate against chance"), ("rare_values", "rare values"),
    ("reproduced_records", "reproduced records"), ("singling_out", "singling-out attack"),
    ("linkability", "linkability attack"), ("inference", "inference attack"),
)


def samples(evaluation: Mapping) -> dict:
    """Rows each figure was measured on, beside the rows each table holds (evaluation.json 'samples')."""
    blocks = mapping(evaluation.get("samples"))
    tables = mapping(blocks.get("tables"))

    def cell(block: Mapping, role: str) -> str:
        value = block.get(role)
        if not is_number(value):
            return "—"
        whole = tables.get(role)
        return f"{int(value):,}" + (" (all)" if is_number(whole) and int(value) >= int(whole) else "")

    rows = [(label, cell(mapping(blocks[key]), "training"), cell(mapping(blocks[key]), "synthetic"),
             cell(mapping(blocks[key]), "holdout")) for key, label in SAMPLE_STEPS if key in blocks]
    return {"rows": rows, "tables": [(role, f"{int(tables[role]):,}") for role in ("training", "synthetic", "holdout")
                                     if is_number(tables.get(role))]}


def validation(summary: Mapping, data_docs_href: str | None) -> dict:
    """Counts per suite, the failed checks, and the link to the Data Docs."""
    outcomes = [mapping(o) for o in sequence(summary.get("outcomes"))]
    total, failed = Counter(str(o.get("suite", "—")) for o in outcomes), Counter(
        str(o.get("suite", "—")) for o in outcomes if o.get("success") is not True)
    failures = [{"suite": str(o.get("suite", "—")).replace("_", " "), "expectation": o.get("expectation") or "—",
                 "column": o.get("column") or "whole table", "description": o.get("description") or "",
                 "observed": o.get("observed") or ""} for o in outcomes if o.get("success") is not True]
    return {
        "success": summary.get("success") is True, "evaluated": number(summary.get("evaluated")),
        "failed_count": number(summary.get("failed")),
        "suites": [(suite.replace("_", " "), number(n), number(failed[suite])) for suite, n in total.items()],
        "failures": failures[:MAX_FAILURES], "more_failures": failures[MAX_FAILURES:],
        "href": data_docs_href,
        "rules": [(rule_words(mapping(r.get("rule"))), _share(r.get("real_share")), _share(r.get("synthetic_share")),
                   r.get("passed") is True) for r in map(mapping, sequence(summary.get("rules")))],
    }


def _share(value: Any) -> str:
    if not is_number(value):
        return "not measured"
    # 99.95% must not read as 100%: only every row keeping a rule prints as 100%.
    return f"{100 * value:.2f}%" if 0.999 <= value < 1 else f"{100 * value:.1f}%"


def rule_words(rule: Mapping) -> str:
    """A data rule in words, naming columns only (a rule's listed values are counted, not shown)."""
    kind = rule.get("type")
    if kind == "equal":
        return " = ".join(str(c) for c in sequence(rule.get("columns")))
    if kind == "determines":
        return f"{rule.get('column')} is determined by {', '.join(str(c) for c in sequence(rule.get('by')))}"
    if kind == "inequality":
        return f"{rule.get('low')} {'<' if rule.get('strict') else '≤'} {rule.get('high')}"
    if kind == "present_when":
        values = sequence(rule.get("values"))
        when = (f"{rule.get('other')} takes one of {len(values)} listed value{'s' if len(values) != 1 else ''}"
                if values else f"{rule.get('other')} is present")
        return f"{rule.get('column')} is present exactly when {when}"
    if kind == "sum":
        terms = [str(t) for t in sequence(rule.get("terms"))]
        signs = list(sequence(rule.get("signs"))) or [1] * len(terms)
        words = " ".join(f"{'−' if s == -1 else '+'} {t}" for t, s in zip(terms, signs))
        words = words[2:] if words.startswith("+ ") else words.replace("− ", "−", 1)
        return f"{rule.get('column')} = {words}"
    return str(kind or "rule")

"""The evaluation's side of the report: verdict, fidelity, utility, privacy risk and validation."""
from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from typing import Any

from synthgate.report import _svg
from synthgate.report._format import dig, is_number, mapping, number, operator, percent, plural, score, sequence
from synthgate.report._words import FIDELITY, PRIVACY, UTILITY

MAX_PAIRS = 10  # the least similar column pairs listed; the rest are in evaluation.json
MAX_DIFFERENCES = 5
SIDE_BY_SIDE = 10  # columns up to which the two heatmaps fit beside each other
_LOW = "_low"  # suffix of the attack risks' gated figure: the lower end of the 95% interval


def gate(raw: Mapping) -> dict:
    """One publish gate in words: the figure, the bound it must meet, and whether it did."""
    metric = str(raw.get("metric", "—"))
    known = PRIVACY.get(metric) or FIDELITY.get(metric)
    label = known.label if known else metric.replace("_", " ")
    base = PRIVACY.get(metric.removesuffix(_LOW)) if metric.endswith(_LOW) else None
    if base is not None:  # the attack risks are gated on the lower end of their interval
        known, label = base, f"{base.label} (lower end of its 95% interval)"
    return {
        "metric": metric, "label": label,
        "value": number(raw.get("value")), "bound": f"{operator(raw.get('operator'))} {number(raw.get('bound'))}",
        "passed": raw.get("passed") is True, "description": raw.get("description") or (known.meaning if known else ""),
    }


def gates_by_metric(evaluation: Mapping) -> dict[str, dict]:
    """The first gate of each metric (a metric gated twice shows its first bound beside the figure)."""
    found: dict[str, dict] = {}
    for raw in map(mapping, sequence(evaluation.get("gates"))):
        found.setdefault(str(raw.get("metric")), gate(raw))
    return found


def verdict(evaluation: Mapping, validation: Mapping, manifest: Mapping) -> dict:
    """Released or blocked, and why, in plain words."""
    gates = [gate(raw) for raw in map(mapping, sequence(evaluation.get("gates")))]
    failed = [g for g in gates if not g["passed"]]
    checks_failed = validation.get("failed") if is_number(validation.get("failed")) else 0
    released = evaluation.get("passed") is True and validation.get("success") is True and not failed
    rows = mapping(evaluation.get("rows"))
    dp = mapping(dig(manifest, "generator", "differential_privacy"))
    if released:
        met = f"met all {len(gates)} publish gates" if gates else "passed its evaluation (no publish gates were recorded)"
        checks = (f"passed all {number(validation.get('evaluated'))} validation checks" if validation.get("evaluated")
                  else "no validation checks were recorded")
        headline = f"The synthetic data {met} and {checks}."
    else:
        reasons = []
        if failed:
            reasons.append(f"{len(failed)} of {len(gates)} publish gates failed")
        if checks_failed:
            reasons.append(f"{number(checks_failed)} of {number(validation.get('evaluated'))} validation checks failed")
        if not reasons:
            reasons.append("the evaluation did not pass")
        reason = " and ".join(reasons)
        headline = f"{reason[0].upper()}{reason[1:]}; this data must not be published."
    return {
        "released": released, "headline": headline, "gates": gates, "failed": failed,
        "figures": [
            ("synthetic rows", number(rows.get("synthetic", dig(manifest, "rows", "synthetic")))),
            ("real training rows", number(rows.get("training", dig(manifest, "rows", "training")))),
            ("real holdout rows", number(rows.get("holdout", dig(manifest, "holdout", "rows")))),
            ("generator", str(dig(manifest, "generator", "kind") or "—")),
            ("differential privacy", f"ε = {number(dp.get('epsilon_spent', dp.get('epsilon')))}" if dp else "not used"),
            ("fidelity score (1 is a perfect match)", number(evaluation.get("quality_score"))),
        ],
    }


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
        labels=labels, real=sequence(dist.get("real")), synthetic=sequence(dist.get("synthetic")))
    return {"column": column, "kind": dist.get("kind") or "", "chart": chart, "notes": notes}


def _associations(assoc: Mapping) -> dict | None:
    labels = [str(c) for c in sequence(assoc.get("columns"))]
    real, synthetic = sequence(assoc.get("real")), sequence(assoc.get("synthetic"))
    if not labels or not real or not synthetic:
        return None
    charts = [_svg.heatmap(title=f"Associations between columns, {name} data",
                           desc=f"Strength of association between each pair of {len(labels)} columns in the {name} data; "
                                "−1 and 1 are the strongest, 0 is none.", labels=labels, matrix=matrix,
                           grid=300.0 if len(labels) <= SIDE_BY_SIDE else 600.0)
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
    return {"charts": charts, "method": words, "stacked": len(labels) > SIDE_BY_SIDE,
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


def fidelity(evaluation: Mapping) -> dict:
    """Overall scores, per-column scores, distribution charts and association heatmaps."""
    fid = mapping(evaluation.get("fidelity"))
    gates = gates_by_metric(evaluation)
    na = mapping(evaluation.get("not_applicable"))
    columns = mapping(evaluation.get("columns"))
    kinds = mapping(columns.get("evaluated"))
    pairs = sorted(map(mapping, sequence(fid.get("pairs"))),
                   key=lambda pair: pair["score"] if is_number(pair.get("score")) else -1)
    diagnostic = mapping(fid.get("diagnostic"))
    return {
        "scores": [{"label": m.label, "meaning": m.meaning, "value": number(evaluation.get(key)),
                    "gate": gates.get(key), "na": _reason(evaluation.get(key), na.get(key))} for key, m in FIDELITY.items()
                   if key in evaluation or key in gates],
        "diagnostic": [(name.replace("_", " "), number(value)) for name, value in diagnostic.items()],
        "columns": _score_rows(sequence(fid.get("columns")), kinds),
        "pairs": _score_rows(pairs[:MAX_PAIRS], kinds), "pairs_total": len(pairs),
        "skipped": [(str(name), str(reason)) for name, reason in mapping(columns.get("skipped")).items()],
        "distributions": [_distribution_chart(d) for d in map(mapping, sequence(fid.get("distributions")))],
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
    return {"applicable": True, "target": util.get("target") or "—", "task": util.get("task") or "—",
            "model": util.get("model") or "—", "rows": rows,
            "counts": [("trained on synthetic", number(counts.get("fit_synthetic"))),
                       ("trained on real", number(counts.get("fit_real"))),
                       ("tested on holdout", number(counts.get("test")))],
            "notes": [str(n) for n in sequence(util.get("notes"))]}


def _attack_details(block: Mapping) -> str:
    parts = []
    ci = sequence(block.get("ci"))
    if len(ci) == 2:
        parts.append(f"95% interval {number(ci[0])} – {number(ci[1])}")
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
    if key in ("singling_out_risk", "linkability_risk", "inference_risk"):
        return _attack_details(block)
    return ""


def privacy(evaluation: Mapping) -> dict:
    """Each privacy-risk figure beside its bound, with what it means and a pass or fail mark."""
    gates = gates_by_metric(evaluation)
    na = mapping(evaluation.get("not_applicable"))
    details = mapping(evaluation.get("privacy"))
    keys = [k for k in PRIVACY if k in evaluation or k in gates]
    keys += [k for k in gates if k not in PRIVACY and k not in FIDELITY and k not in keys
             and not (k.endswith(_LOW) and k.removesuffix(_LOW) in keys)]
    rows = []
    for key in keys:
        known = PRIVACY.get(key)
        value, g = evaluation.get(key), gates.get(key) or _interval_gate(gates.get(key + _LOW))
        rows.append({"label": known.label if known else key.replace("_", " "),
                     "meaning": known.meaning if known else (g or {}).get("description", ""),
                     "value": score(value), "gate": g, "details": _privacy_details(key, details),
                     "na": _reason(value, na.get(key) or (na.get(known.block) if known and known.block else None))})
    per_column = mapping(dig(details, "inference", "details", "per_column"))
    return {"rows": rows, "inference_columns": [
        (str(name), number(mapping(v).get("risk")), " – ".join(number(c) for c in sequence(mapping(v).get("ci"))))
        for name, v in per_column.items()]}


def _interval_gate(low: dict | None) -> dict | None:
    """An attack risk's gate, which bounds the lower end of its interval: say so beside the bound."""
    if low is None:
        return None
    return {**low, "bound": f"{low['bound']} (lower end of its 95% interval: {low['value']})"}


def validation(summary: Mapping, data_docs_href: str | None) -> dict:
    """Counts per suite, the failed checks, and the link to the Data Docs."""
    outcomes = [mapping(o) for o in sequence(summary.get("outcomes"))]
    total, failed = Counter(str(o.get("suite", "—")) for o in outcomes), Counter(
        str(o.get("suite", "—")) for o in outcomes if o.get("success") is not True)
    return {
        "success": summary.get("success") is True, "evaluated": number(summary.get("evaluated")),
        "failed_count": number(summary.get("failed")),
        "suites": [(suite.replace("_", " "), number(n), number(failed[suite])) for suite, n in total.items()],
        "failures": [{"suite": str(o.get("suite", "—")).replace("_", " "), "expectation": o.get("expectation") or "—",
                      "column": o.get("column") or "whole table", "description": o.get("description") or "",
                      "observed": o.get("observed") or ""} for o in outcomes if o.get("success") is not True],
        "href": data_docs_href,
    }

"""The publish gates in words: each gate's estimate, interval, bound and verdict, and the release's verdict."""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from synthgate.report._format import dig, is_number, mapping, number, operator, plural, sequence, signed
from synthgate.report._words import FIDELITY, PRIVACY, SHORT, VERDICTS

_INCONCLUSIVE = ("inconclusive", "accepted")
MAX_NAMED = 3  # gates named in the verdict line per verdict; the table below lists every one


def _verdict_of(raw: Mapping) -> str:
    """The gate's verdict key; a gate that did not pass is never shown as a pass."""
    given = raw.get("verdict")
    if given not in ("pass", "fail", "inconclusive", "unmeasured"):
        given = "pass" if raw.get("passed") is True else "unmeasured" if raw.get("value") is None else "fail"
    if given == "pass" and raw.get("passed") is not True:
        given = "fail"
    return "accepted" if given == "inconclusive" and raw.get("accepted") is True else given


def _subject(raw: Mapping) -> str:
    """The column (or column set) a per-column figure comes from, in words."""
    column, columns = raw.get("column"), sequence(raw.get("columns"))
    if isinstance(column, str) and column:
        return f"column {column}"
    return f"columns {', '.join(map(str, columns))}" if columns else ""


def gate(raw: Mapping) -> dict:
    """One publish gate in words: estimate, 95% interval, bound, verdict, and the column it comes from.

    The estimate, the interval and the column are read from the same gate dict, so they always
    describe one figure (evaluation.json format 2).
    """
    metric = str(raw.get("metric") or "—")
    known = PRIVACY.get(metric) or FIDELITY.get(metric)
    title = str(raw.get("title") or (known.label if known else metric.replace("_", " ")))
    key = _verdict_of(raw)
    low, high, needed = raw.get("low"), raw.get("high"), raw.get("holdout_rows_needed")
    shown = VERDICTS[key]
    return {
        "metric": metric, "title": title, "label": title, "short": SHORT.get(metric, title),
        "description": str(raw.get("description") or (known.meaning if known else "")),
        "subject": _subject(raw),
        "value": signed(raw.get("value")) if raw.get("value") is not None else "not measured",
        "interval": f"{signed(low)} – {signed(high)}" if is_number(low) and is_number(high) else "",
        "bound": f"{operator(raw.get('operator'))} {signed(raw.get('bound'))}",
        "verdict": key, "mark": shown.mark, "word": shown.word,
        "passed": raw.get("passed") is True and key in ("pass", "accepted"),
        "needed": (f"about {number(needed)} real holdout rows would settle it"
                   if is_number(needed) and key in _INCONCLUSIVE else ""),
        "remedy": str(raw.get("remedy") or "") if key == "fail" else "",
    }


def gates_by_metric(evaluation: Mapping) -> dict[str, dict]:
    """The first gate of each metric (a metric gated twice shows its first bound beside the figure)."""
    found: dict[str, dict] = {}
    for raw in map(mapping, sequence(evaluation.get("gates"))):
        found.setdefault(str(raw.get("metric")), gate(raw))
    return found


def _names(gates: list[dict]) -> str:
    """The gates' short names, at most MAX_NAMED of them, so the verdict stays one or two lines."""
    named = [g["short"] for g in gates[:MAX_NAMED]]
    more = f" and {len(gates) - MAX_NAMED} more" if len(gates) > MAX_NAMED else ""
    return f"({'; '.join(named)}{more})"


def _count(gates: list[dict], what: str) -> str:
    return f"{plural(len(gates), 'gate', 'gates')} {what} {_names(gates)}"


def _not_applicable(evaluation: Mapping) -> list[tuple[str, str]]:
    return [(SHORT.get(str(key), str(key).replace("_", " ")), str(reason).rstrip(". "))
            for key, reason in mapping(evaluation.get("not_applicable")).items() if reason]


def _reasons(by: Mapping[str, list], checks_failed: Any, evaluated: str) -> list[str]:
    """Why a release is blocked, worst first: failed, unmeasured and inconclusive gates, failed checks."""
    reasons = []
    if by["fail"]:
        reasons.append(_count(by["fail"], "failed"))
    if by["unmeasured"]:
        reasons.append(_count(by["unmeasured"], "not measured"))
    if by["inconclusive"]:
        # "1 gate inconclusive" alone, "…, 1 inconclusive" after a count of gates that failed
        reasons.append(_count(by["inconclusive"], "inconclusive") if not reasons else
                       f"{len(by['inconclusive'])} inconclusive {_names(by['inconclusive'])}")
    if checks_failed:
        reasons.append(f"{number(checks_failed)} of {evaluated} validation checks failed")
    return reasons


def _released_words(by: Mapping[str, list], gates: list, validation: Mapping, evaluated: str) -> str:
    met = (f"{len(by['pass'])} of {len(gates)} publish gates met" if by["accepted"] else
           f"all {len(gates)} publish gates met" if gates else "no publish gates were recorded")
    accepted = (f", {len(by['accepted'])} inconclusive and accepted by the release spec "
                f"{_names(by['accepted'])}" if by["accepted"] else "")
    checks = f"all {evaluated} validation checks passed" if validation.get("evaluated") else "no validation checks were recorded"
    return f"{met}{accepted}; {checks}"


def verdict(evaluation: Mapping, validation: Mapping, manifest: Mapping) -> dict:
    """May this be released, and why: one word, one line of reasons, and every gate for the first screen."""
    gates = [gate(raw) for raw in map(mapping, sequence(evaluation.get("gates")))]
    by = {key: [g for g in gates if g["verdict"] == key] for key in VERDICTS}
    checks_failed = validation.get("failed") if is_number(validation.get("failed")) else 0
    evaluated = number(validation.get("evaluated"))
    released = (evaluation.get("passed") is True and validation.get("success") is True
                and all(g["passed"] for g in gates))
    only_inconclusive = bool(by["inconclusive"]) and not (by["fail"] or by["unmeasured"] or checks_failed)
    if released:
        word, reason, advice = "Released", _released_words(by, gates, validation, evaluated), "This data may be published."
    else:
        word = "Blocked"
        reason = ", ".join(_reasons(by, checks_failed, evaluated) or ["the evaluation did not pass"])
        advice = "This data must not be published."
        if only_inconclusive:
            needed = [raw.get("holdout_rows_needed") for raw in map(mapping, sequence(evaluation.get("gates")))
                      if is_number(raw.get("holdout_rows_needed"))]
            advice = ("Nothing failed, but the inconclusive figures cannot vouch for the data: evaluate it again "
                      "with more real holdout rows" + (f" (about {number(max(needed))})" if needed else "") + ".")
    rows = mapping(evaluation.get("rows"))
    dp = mapping(dig(manifest, "generator", "differential_privacy"))
    quality = dig(gates_by_metric(evaluation), "quality_score", "value") or number(evaluation.get("quality_score"))
    epsilon = number(dp.get("epsilon_spent", dp.get("epsilon")))
    return {
        "released": released, "kind": "released" if released else "inconclusive" if only_inconclusive else "blocked",
        "word": word, "reason": f"{reason[0].upper()}{reason[1:]}.", "headline": f"{word}: {reason}.",
        "advice": advice, "gates": gates, "failed": [g for g in gates if not g["passed"]],
        "not_applicable": _not_applicable(evaluation),
        "legend": [(v.mark, v.word, v.meaning) for key, v in VERDICTS.items() if by[key]],
        "figures": [
            ("synthetic rows", number(rows.get("synthetic", dig(manifest, "rows", "synthetic")))),
            ("real training rows", number(rows.get("training", dig(manifest, "rows", "training")))),
            ("real holdout rows", number(rows.get("holdout", dig(manifest, "holdout", "rows")))),
            ("generator", str(dig(manifest, "generator", "kind") or "—")),
            ("differential privacy", f"ε = {epsilon}" if dp else "not used"),
            ("fidelity score (1 is a perfect match)", quality),
        ],
    }

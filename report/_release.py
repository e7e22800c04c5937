"""The manifest's side of the report: pseudonymisation, k-anonymity, generator and reproducibility."""
from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Mapping
from typing import Any

from synthgate.report import _svg
from synthgate.report._format import compact, dig, is_number, mapping, number, percent, scientific, seconds, sequence
from synthgate.report._words import ACTIONS, ACTIONS_DONE, SAFE_RULE_PARAMS, STOPPED

# The report cannot list its own hash: it is written after the manifest.
SELF_FILES = ("report.html", "report.pdf")
DATA_DOCS = "data_docs/"  # summarised as one line: a count and one hash over the folder
# Plan rows in the main part; a longer plan lists its changed columns there, and all in the appendix.
MAX_PLAN_ROWS = 12


_TARGETS = {"k": "every group holds at least {} rows (k)", "l": "at least {} sensitive values per group (l)",
            "max_unique_share": "at most {} of rows unique"}


def _rule_text(rule: Any) -> str:
    """The rule's name and its spec-only parameters; bounds that may be data values stay out."""
    if isinstance(rule, str):
        return rule
    rule = mapping(rule)
    if not rule:
        return ""
    params = [f"{key.replace('_', ' ')} {compact(rule[key])}" for key in SAFE_RULE_PARAMS if rule.get(key) is not None]
    return str(rule.get("rule", "rule")) + (f" ({', '.join(params)})" if params else "")


def _outcome_notes(outcome: Mapping) -> list[str]:
    notes = []
    if is_number(outcome.get("distinct_pseudonyms")):
        notes.append(f"{number(outcome['distinct_pseudonyms'])} distinct pseudonyms")
    redacted = mapping(outcome.get("entities_redacted"))
    if redacted:
        notes.append("redacted: " + ", ".join(f"{name} {number(count)}" for name, count in sorted(redacted.items())))
    if is_number(outcome.get("subjects_shifted")):
        notes.append(f"{number(outcome['subjects_shifted'])} people's dates shifted")
    for key, words in (("nulled_cells", "cells emptied"), ("malformed_cells", "malformed cells")):
        if is_number(outcome.get(key)) and outcome[key]:
            notes.append(f"{number(outcome[key])} {words}")
    return notes


def _released_as(name: str, action: str, outcome: Mapping, released: Mapping | None, excluded: set[str]) -> str:
    """What the published table holds for a column; "not released" when it is not in it.

    The manifest's ``columns`` lists the published table's columns; a dropped column and a
    free-text column (redacted, but neither learned nor sampled) are not among them.
    """
    if action == "drop" or name in excluded or (released is not None and name not in released):
        return "not released"
    return str(outcome.get("output_kind") or (released or {}).get(name) or "—")


def pseudonymisation(manifest: Mapping) -> dict:
    """Column → kind → action (→ rule) with counts of changed cells; never a value."""
    privacy = mapping(manifest.get("privacy"))
    plan = mapping(privacy.get("plan"))
    outcomes = {str(o.get("column")): o for o in sequence(privacy.get("columns")) if isinstance(o, Mapping)}
    excluded = {str(name) for name in sequence(privacy.get("excluded_text_columns"))}
    released = manifest.get("columns") if isinstance(manifest.get("columns"), Mapping) and manifest["columns"] else None
    rows = []
    for name in [*outcomes, *(str(n) for n in plan if str(n) not in outcomes)]:
        step, outcome = mapping(plan.get(name)), mapping(outcomes.get(name))
        action = str(step.get("action") or outcome.get("action") or "—")
        notes = _outcome_notes(outcome)
        if name in excluded:
            notes.append("free text: redacted, not learned by the generator, not released")
        rows.append({
            "column": name, "kind": step.get("entity") or step.get("kind") or "—", "action": action,
            "action_words": ACTIONS.get(action, action), "rule": _rule_text(step.get("rule") or outcome.get("rule")),
            "changed": number(outcome.get("changed_cells")) if outcome else "—",
            "of": number(outcome.get("non_null_cells")) if outcome else "—",
            "released_as": _released_as(name, action, outcome, released, excluded),
            "notes": notes,
        })
    counts = Counter(row["action"] for row in rows)
    date_shift = mapping(privacy.get("date_shift"))
    extra = mapping(privacy.get("additional_information"))
    changed = [row for row in rows if row["action"] != "keep"]
    shown = rows if len(rows) <= MAX_PLAN_ROWS else changed[:MAX_PLAN_ROWS]
    more = "" if shown is rows else (
        f"{'The first' if len(shown) < len(changed) else 'The'} {len(shown)} of the {len(changed)} columns the plan "
        f"changed; the whole plan of {len(rows)} columns is in the appendix.")
    return {
        "rows": rows, "shown": shown, "more": more,
        "counts": [(ACTIONS_DONE.get(a, a), n) for a, n in sorted(counts.items(), key=lambda c: (-c[1], c[0]))],
        "key_id": privacy.get("key_id"),
        "date_shift": {"subject": date_shift.get("subject"),
                       "max_days": number(date_shift.get("max_days"))} if date_shift else None,
        "reidentification": {"columns": sorted(str(c) for c in mapping(extra.get("columns"))),
                             "key_id": extra.get("encryption_key_id")} if extra else None,
    }


def k_anonymity(manifest: Mapping) -> dict | None:
    """Before and after figures of the k-anonymity step, or None when none was configured."""
    risk = mapping(dig(manifest, "privacy", "risk"))
    if not risk:
        return None
    threshold = mapping(risk.get("threshold"))
    measures = (("k", "smallest group (k)"), ("classes", "groups of identical quasi-identifiers"),
                ("unique_records", "rows unique on the quasi-identifiers"), ("unique_share", "share of unique rows"),
                ("l", "distinct sensitive values per group (l)"), ("rows", "rows"))
    before, after = mapping(risk.get("before")), mapping(risk.get("after"))
    return {
        "quasi_identifiers": [str(q) for q in sequence(risk.get("quasi_identifiers"))],
        "target": ", ".join(_TARGETS.get(name, name.replace("_", " ") + " {}").format(number(value))
                            for name, value in threshold.items() if value is not None and name in _TARGETS),
        "met": risk.get("met") is True,
        "figures": [(label, percent(before.get(key), 2) if key == "unique_share" else number(before.get(key)),
                     percent(after.get(key), 2) if key == "unique_share" else number(after.get(key)))
                    for key, label in measures if before.get(key) is not None or after.get(key) is not None],
        "steps": [{"step": str(s.get("step", "")).replace("_", " "), "column": s.get("column") or "all quasi-identifiers",
                   "cells_changed": number(s.get("cells_changed")), "cells_suppressed": number(s.get("cells_suppressed")),
                   "rows_suppressed": number(s.get("rows_suppressed")), "met": s.get("met") is True}
                  for s in map(mapping, sequence(risk.get("steps")))],
    }


def _curve(training: Mapping) -> tuple[Any, str | None]:
    """The loss chart, or None with the reason it is not shown."""
    curve = [mapping(point) for point in sequence(training.get("curve"))]
    epochs = [point.get("epoch") for point in curve]
    losses = [point.get("loss", point.get("train_loss")) for point in curve]
    val = [point.get("val_loss") for point in curve]
    if not curve or not all(is_number(e) for e in epochs):
        return None, "No training curve was recorded for this generator."
    if not any(is_number(v) for v in (*losses, *val)):
        return None, "The per-epoch losses were not recorded."
    chart = _svg.line_chart(
        title="Training curve: loss per epoch",
        desc=f"Training and validation loss over {len(curve)} epochs; lower is a closer fit.",
        x=epochs, series=[("training loss", losses), ("validation loss", val)], x_label="epoch", y_label="loss")
    return chart, None


def _learned(gen: Mapping, rows: Mapping) -> str:
    """Rows the generator learned, and of how many when it learned a sample (generator.train_rows)."""
    sample = mapping(gen.get("training_sample"))
    if sample.get("sampled"):
        return (f"{number(sample.get('learned_rows'))} of {number(sample.get('available_rows'))} training rows "
                f"(a seeded uniform sample: generator.train_rows {number(sample.get('limit'))})")
    learned = rows.get("learned", rows.get("training"))
    return f"{number(learned)} (every training row)" if is_number(learned) else "—"


def generator(manifest: Mapping) -> dict:
    """The generator, its parameters, its training and its differential-privacy guarantee."""
    gen = mapping(manifest.get("generator"))
    training = mapping(gen.get("training"))
    dp = mapping(gen.get("differential_privacy"))
    if dp:
        chart, withheld = None, ("The training curve is withheld: under differential privacy the per-epoch losses "
                                 "are statistics of the real rows that the privacy guarantee does not cover.")
    else:
        chart, withheld = _curve(training)
    sgd = mapping(dp.get("sgd"))
    return {
        "kind": gen.get("kind") or "—", "seed": str(gen.get("seed", "—")), "device": gen.get("device") or "—",
        "train_time": seconds(gen.get("train_seconds")), "model_sha256": gen.get("model_sha256"),
        "learned": _learned(gen, mapping(manifest.get("rows"))),
        "params": [(str(key), compact(value)) for key, value in mapping(gen.get("params")).items()],
        "epochs": number(training.get("epochs")), "steps": number(training.get("steps")),
        "stopped": STOPPED.get(str(training.get("stopped")), training.get("stopped") or "—"),
        "curve": chart, "curve_missing": withheld,
        "dp": {
            "epsilon": number(dp.get("epsilon")), "delta": scientific(dp.get("delta")),
            "epsilon_spent": number(dp.get("epsilon_spent")), "accountant": dp.get("accountant") or "—",
            "library": dp.get("library") or "—",
            "releases": [(str(release.get("name")), number(release.get("noise_multiplier")))
                         for release in map(mapping, sequence(dp.get("releases")))],
            "sgd": [("noise multiplier", number(sgd.get("noise_multiplier"))),
                    ("sampling rate", number(sgd.get("sample_rate"))), ("steps", number(sgd.get("steps"))),
                    ("clipping norm", number(sgd.get("max_grad_norm")))] if sgd else [],
        } if dp else None,
    }


def data_docs(manifest: Mapping) -> dict | None:
    """The Data Docs folder as one line: its file count, bytes and one SHA-256 over the folder.

    The folder hash is the SHA-256 of the lines ``"<sha256>  <path>\n"``, one per file, sorted by
    the path relative to ``data_docs/`` — what ``sha256sum`` prints for the sorted file list, so
    an auditor can recompute it with standard tools. None when the manifest lists no Data Docs.
    """
    files = {name[len(DATA_DOCS):]: mapping(info) for name, info in mapping(manifest.get("files")).items()
             if str(name).startswith(DATA_DOCS)}
    if not files:
        return None
    listing = "".join(f"{files[name].get('sha256')}  {name}\n" for name in sorted(files))
    sizes = [info.get("bytes") for info in files.values()]
    return {"files": len(files), "bytes": number(sum(sizes)) if all(is_number(b) for b in sizes) else "—",
            "sha256": hashlib.sha256(listing.encode("utf-8")).hexdigest()}


def reproducibility(manifest: Mapping, evaluation: Mapping) -> dict:
    """Hashes, sizes and versions an auditor needs to rebuild and compare the release."""
    source, holdout = mapping(manifest.get("source")), mapping(manifest.get("holdout"))
    config = mapping(evaluation.get("config"))
    files = mapping(manifest.get("files"))
    return {
        "created_at": manifest.get("created_at") or "—",
        "workspace_run": dig(manifest, "run", "workspace_run_id") or "—",
        "flow_run": dig(manifest, "run", "prefect_flow_run_id") or "—",
        "spec_sha256": manifest.get("spec_sha256"),
        "source": [("rows", number(source.get("rows"))), ("columns", number(source.get("columns"))),
                   ("files", number(source.get("files"))), ("SHA-256", source.get("sha256") or "—")] if source else [],
        "holdout": [("share of rows", percent(holdout.get("fraction"), 0)), ("rows", number(holdout.get("rows"))),
                    ("split seed", str(holdout.get("seed", "—"))),
                    ("SHA-256", holdout.get("sha256") or "—")] if holdout else [],
        "model_sha256": dig(manifest, "generator", "model_sha256"),
        "files": [(name, number(dig(info, "bytes")), dig(info, "sha256") or "—")
                  for name, info in files.items() if name not in SELF_FILES and not str(name).startswith(DATA_DOCS)],
        "data_docs": data_docs(manifest),
        "libraries": [(str(name), str(version)) for name, version in mapping(manifest.get("libraries")).items()],
        "evaluation_seed": str(config.get("seed", "—")),
        "thresholds": [(str(name), number(value)) for name, value in mapping(config.get("thresholds")).items()],
        "timings": [(str(name), seconds(value)) for name, value in mapping(evaluation.get("timings")).items()],
    }


def review(manifest: Mapping) -> dict | None:
    """The committee's review as the manifest records it: awaiting a decision, approved or rejected.

    None for a release that needed no review. Names, times, a comment and a hash: no data value.
    """
    block = mapping(manifest.get("review"))
    if not block:
        return None
    status = str(block.get("status") or "pending")
    reviewers = ", ".join(str(name) for name in sequence(block.get("reviewers")))
    if status == "pending":
        headline = (f"Awaiting the review committee's decision ({reviewers or 'no reviewer named'}): "
                    "not published until a reviewer approves this report.")
    else:
        verb = "Approved" if status == "approved" else "Rejected"
        headline = f"{verb} by {block.get('reviewer') or '—'} on {block.get('decided_at') or '—'}."
    return {
        "status": status, "headline": headline,
        "rows": [(label, str(value)) for label, value in (
            ("reviewers", reviewers or "—"), ("suspended at", block.get("suspended_at")),
            ("decide by", block.get("expires_at")), ("comment", block.get("comment")),
            ("SHA-256 of the report reviewed", block.get("report_sha256")),
        ) if value],
    }

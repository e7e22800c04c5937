"""The three anonymeter-style attacks per subject: a root row joined with its children's aggregates.

The subject is the unit: each root table with children becomes one row per subject
(``augment``), training subjects are the attacks' targets and holdout subjects (split by subject,
never by row) their control, exactly as ``evaluate`` runs the attacks on one table.
"""
from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from typing import Any

from synthgate.evaluation._relational_tree import Link, Tables, augment, generating_links, key_text
from synthgate.evaluation.config import EvaluationConfig, Thresholds
from synthgate.evaluation.errors import NotApplicable, TableMismatchError
# evaluate's own helpers, so one table and one subject table are attacked and read alike
from synthgate.evaluation.evaluate import _capped as capped, _risk_figures as risk_figures
from synthgate.evaluation.tables import AlignedTables, align_tables

ATTACKS = ("singling_out", "linkability", "inference")
#: The single-table defaults (``EvaluationConfig``): attacks wanted per attack, synthetic rows searched.
N_ATTACKS = EvaluationConfig.model_fields["n_attacks"].default
ATTACK_ROWS = EvaluationConfig.model_fields["attack_rows"].default


def subject_rows(train: Tables, synthetic: Tables, holdout: Tables, keys: Mapping[str, str | None],
                 links: list[Link], kinds: Mapping[str, Mapping[str, str]] | None = None) -> dict[str, AlignedTables]:
    """Root table with children -> its three sides as one row per subject (``align_tables`` of the augmented rows).

    A root without children is left out: its rows are the single-table evaluation's business.

    Raises:
        TableMismatchError: The synthetic or holdout set lacks one of the training set's tables, or a subject
            has rows on both sides (the holdout was not split by subject).
    """
    for name, tables in (("synthetic", synthetic), ("holdout", holdout)):
        if set(train) - set(tables):
            raise TableMismatchError(name, "set lacks tables of the real set", sorted(set(train) - set(tables)))
    generating = generating_links(links)
    _check_split(train, holdout, generating)
    roots = [t for t in train if t not in generating or generating[t]["parent"] not in train]
    parents = {link["parent"] for link in generating.values()}
    augmented = [augment(tables, keys, links, kinds) for tables in (train, synthetic, holdout)]
    out = {}
    for root in roots:
        if root not in parents:
            continue
        (t, root_kinds), (s, _), (h, _) = (side[root] for side in augmented)
        out[root] = align_tables(t, s, h, kinds=root_kinds)
    return out


def attack_subjects(aligned: AlignedTables, *, n_attacks: int = N_ATTACKS, attack_rows: int = ATTACK_ROWS,
                    secrets: Sequence[str] | None = None,
                    aux_columns: tuple[Sequence[str], Sequence[str]] | None = None,
                    thresholds: Thresholds | None = None, seed: int = 0) -> dict[str, Any]:
    """Singling out, linkability and inference on one root's subject rows, holdout subjects as the control.

    The same calls and options as ``evaluate``'s attacks: singling out with ``control_scaling="matched"``
    (as many training as holdout subjects), the default linkability halves unless ``aux_columns``, every
    column a secret unless ``secrets`` (names that are not subject columns are dropped), and a synthetic
    table past ``attack_rows`` searched as a seeded sample. ``thresholds`` (default: the single-table
    bounds) only choose which inference column is the headline: the one whose verdict is worst.

    Returns:
        ``{name}_risk``, ``_low`` and ``_high`` per attack (inference: the deciding column's, named in
        ``inference_risk_column``); ``attacks`` (name -> ``AttackResult.to_dict()`` or None),
        ``attack_samples`` (name -> attacks on training and holdout subjects, synthetic subjects searched, the
        caps, and the subjects each side holds; as ``evaluate``'s ``samples``),
        ``attack_not_applicable`` (name -> why not) and ``attack_timings`` (name -> seconds).
    """
    from synthgate.evaluation import attacks

    common = {"n_attacks": n_attacks, "seed": seed}
    syn = capped(aligned.synthetic, attack_rows, seed)
    frames = (aligned.train, syn, aligned.holdout, aligned.kinds)
    named = [c for c in secrets if c in aligned.kinds] if secrets else None
    runs = {
        "singling_out": lambda: attacks.singling_out(*frames, control_scaling="matched", **common),
        "linkability": lambda: attacks.linkability(*frames, aux_columns=aux_columns, **common),
        "inference": lambda: attacks.inference(*frames, secrets=named, **common),
    }
    out: dict[str, Any] = {"attacks": {}, "attack_samples": {}, "attack_not_applicable": {}, "attack_timings": {}}
    for name, run in runs.items():
        started = time.perf_counter()
        try:
            result = run().to_dict()
        except NotApplicable as exc:
            result = None
            out["attack_not_applicable"][name] = exc.reason
        out["attack_timings"][name] = time.perf_counter() - started
        out["attacks"][name] = result
        out.update(_risk_figures(name, result, thresholds or Thresholds()))
        if result is not None:
            control = (result.get("details") or {}).get("n_control_attacks", result["n_attacks"])
            out["attack_samples"][name] = {"training": int(result["n_attacks"]), "holdout": int(control),
                                           "synthetic": len(syn), "cap": "n_attacks, attack_rows", "subjects": {
                                               "training": len(aligned.train), "holdout": len(aligned.holdout),
                                               "synthetic": len(aligned.synthetic)}}
    return out


def _risk_figures(name: str, result: Mapping[str, Any] | None, thresholds: Thresholds) -> dict[str, Any]:
    """The flat figures ``evaluate`` writes, from its own helper (inference: the column that decides the gate)."""
    if result is not None:
        return risk_figures(name, result, thresholds)
    return {f"{name}_risk": None, f"{name}_risk_low": None, f"{name}_risk_high": None,
            **({"inference_risk_column": None} if name == "inference" else {})}


def _check_split(train: Tables, holdout: Tables, generating: Mapping[str, Link]) -> None:
    """Refuse a holdout that shares a subject with training: a parent key on both sides, or a holdout row whose
    parent is a training row (a split by row). The control must be people the generator never saw."""
    for child, link in generating.items():
        parent = link["parent"]
        if parent not in train or child not in train:
            continue
        trained = set(key_text(train[parent][link["parent_column"]]).dropna())
        held_parents = key_text(holdout[parent][link["parent_column"]]).dropna()
        held_children = key_text(holdout[child][link["column"]]).dropna()
        both = int(held_parents.isin(trained).sum()) + int(held_children.isin(trained).sum())
        if both:
            raise TableMismatchError(f"{parent} and {child} holdout", f"share {both} row(s) with subjects of the "
                                     "training tables; the holdout must be split by subject (split_by_subject)")

"""Several linked tables: keys, children per parent, sequences, quality, C2ST-Agg, per-subject distances and attacks.

The description of the tables crosses leaves as plain values (see docs/evaluation.md "Several tables"):
``tables`` (name -> frame), ``keys`` (table -> primary key column), ``links`` (``{"child", "column",
"parent", "parent_column"}`` dicts; a child's first link to another table is its generating
link), ``sequences`` (table -> ``{"order_by": column}``) and ``kinds`` (table -> column -> kind).
"""
from __future__ import annotations

import time
import warnings
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from synthgate.evaluation._relational_attacks import ATTACK_ROWS, ATTACKS, N_ATTACKS, attack_subjects, subject_rows
from synthgate.evaluation._relational_shape import (
    cardinality_shape,
    referential_integrity,
    sequence_statistics,
)
from synthgate.evaluation._relational_tree import (
    Link,
    Tables,
    augment,
    feature_kinds,
    generating_links,
    category_text,
    key_text,
    subject_split,
)
from synthgate.evaluation.c2st import c2st
from synthgate.evaluation.distance import measure_distances
from synthgate.evaluation.errors import EmptyTableError, NotApplicable, TableMismatchError
from synthgate.evaluation.tables import AlignedTables

__all__ = ["MEANING", "RelationalEvaluation", "augment_with_children", "c2st_agg", "evaluate_relational",
           "multi_table_quality", "split_by_subject", "subject_attacks", "subject_distances"]

#: What each figure says (also written into every result, so a reader of the JSON has it).
MEANING = {
    "integrity": "per link: share of non-null synthetic child keys found among the synthetic parent's keys "
                 "(must be 1.0); 'real' is the same share in the real tables (orphans in the source)",
    "cardinality": "per generating link: children per parent row, zeros included, real vs synthetic; "
                   "ks_similarity = 1 - KS statistic (1 = same distribution) with a 95% bootstrap interval "
                   "over parents, ks_chance = about what two samples of these sizes from one distribution "
                   "read; tv_similarity = 1 - total variation over the count values; mean, zero share, max, "
                   "quantiles of the counts",
    "sequences": "per sequence table, per subject sorted by order_by: rows per subject (length), gaps between "
                 "consecutive events, first and last event value (in order_by's unit; dates in days since "
                 "1970), each as 1 - KS with sample sizes and ks_chance; transitions: per categorical "
                 "column, 1 - total variation between the distributions of (previous, next) category pairs "
                 "of consecutive events",
    "quality": "SDMetrics' multi-table QualityReport (metadata from keys, links and kinds): column shapes, "
               "column pair trends, cardinality (children-per-parent shape) and intertable trends "
               "(parent column vs child column associations), each in [0, 1], 1 = same",
    "c2st_agg": "per parent table: the C2ST score (1 = indistinguishable, 0 = separable) on parent rows "
                "augmented with aggregates of their children (count; mean and std of numbers, dates and "
                "booleans; distinct count and top-category share of categories; grandchildren aggregated "
                "up first): the SyntheRela C2ST-Agg idea",
    "privacy": "per root table (one row per subject): the single-table distance figures (DCR share, close "
               "records, NNDR, MIA AUC, copies) and the three anonymeter-style attacks (singling out, linkability, "
               "inference: residual risk over the same attack on holdout subjects, with its 95% interval and the "
               "subjects attacked) on each subject's row joined with its children's aggregates, training and "
               "holdout split by subject",
}


@dataclass(frozen=True)
class RelationalEvaluation:
    """Every multi-table figure, aggregates only (no value of any table).

    Attributes:
        headline: Flat figure -> value, one line of each section (see ``MEANING``).
        integrity, cardinality, sequences, quality, c2st_agg, privacy: The sections in full.
        not_applicable: Section -> why it was not measured.
        rows: Table -> {"real", "synthetic", "holdout"} row counts.
        timings: Section -> seconds.
    """

    headline: dict[str, float | None]
    integrity: list[dict]
    cardinality: list[dict]
    sequences: dict[str, dict]
    quality: dict | None
    c2st_agg: dict[str, dict]
    privacy: dict[str, dict]
    not_applicable: dict[str, str] = field(default_factory=dict)
    rows: dict[str, dict] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "meaning": dict(MEANING)}


def split_by_subject(tables: Tables, keys: Mapping[str, str | None], links: list[Link], share: float,
                     seed: int = 0) -> tuple[dict[str, pd.DataFrame], dict[str, pd.DataFrame]]:
    """Split every table by subject: a root row and all its descendants land on one side.

    A root table (no generating parent) has ``round(share * rows)`` of its rows drawn (seeded) to
    the holdout; every child row follows its parent row along its generating link, grandchildren
    likewise. A child row whose key matches no parent row (an orphan) stays in training.

    Args:
        tables: Table -> frame.
        keys: Table -> primary key column (unused for the draw; kept for the contract's shape).
        links: The links; each child's first link to another table decides its side.
        share: The holdout's share of each root table's rows, strictly between 0 and 1.
        seed: Seeds the draw.

    Returns:
        (training, holdout): table -> frame, rows in their original order, index reset.

    Raises:
        ValueError: ``share`` outside (0, 1).
        EmptyTableError: A root table would have no row on one side.
    """
    if not 0.0 < share < 1.0:
        raise ValueError("the holdout share must lie strictly between 0 and 1")
    sides = subject_split(tables, keys, links, share, seed)
    generating = generating_links(links)
    roots = [t for t in tables if t not in generating or generating[t]["parent"] not in tables]
    for root in roots:
        held = int(sides[root].sum())
        if held == 0 or held == len(sides[root]):
            raise EmptyTableError(f"{root} {'holdout' if held == 0 else 'training'}",
                                  f"would have no rows: {len(sides[root])} subject(s) with a holdout share "
                                  f"of {share:g}")
    training = {t: f[~sides[t]].reset_index(drop=True) for t, f in tables.items()}
    holdout = {t: f[sides[t]].reset_index(drop=True) for t, f in tables.items()}
    return training, holdout


def augment_with_children(tables: Tables, keys: Mapping[str, str | None], links: list[Link],
                          kinds: Mapping[str, Mapping[str, str]] | None = None) -> dict[str, tuple[pd.DataFrame, dict]]:
    """Every table's comparable columns plus aggregates of its children: table -> (frame, kinds).

    Keys, link columns, identifiers and free text are left out. Per child table ``c``: ``c.count``;
    ``c.X.mean`` and ``c.X.std`` (population) of numbers, dates (days) and booleans (0/1);
    ``c.X.distinct`` and ``c.X.top_share`` of categories; a child's own aggregates of its children
    are aggregated up the same way.
    """
    return augment(tables, keys, links, kinds)


def c2st_agg(real: Tables, synthetic: Tables, keys: Mapping[str, str | None], links: list[Link],
             kinds: Mapping[str, Mapping[str, str]] | None = None, *, seed: int = 0, max_rows: int = 20_000) -> dict:
    """C2ST on each parent table augmented with its children's aggregates (``evaluation.c2st`` on them).

    Returns:
        Parent table -> c2st's result (``score`` 1 = indistinguishable) plus ``aggregate_columns``.
    """
    real_aug, synthetic_aug = augment(real, keys, links, kinds), augment(synthetic, keys, links, kinds)
    parents = {link["parent"] for child, link in generating_links(links).items() if child in real}
    out = {}
    for table in sorted(parents & set(real_aug)):
        (r, table_kinds), (s, _) = real_aug[table], synthetic_aug[table]
        result = c2st(r, s, kinds=table_kinds, seed=seed, max_rows=max_rows)
        out[table] = {**result, "aggregate_columns": sum(c not in real[table].columns for c in r.columns)}
    return out


def subject_distances(train: Tables, synthetic: Tables, holdout: Tables, keys: Mapping[str, str | None],
                      links: list[Link], kinds: Mapping[str, Mapping[str, str]] | None = None, *,
                      seed: int = 0, max_rows: int = 10_000) -> dict:
    """The single-table distance figures per subject: root rows joined with their children's aggregates.

    Returns:
        Root table -> ``DistanceResult.to_dict()`` plus ``columns`` (compared) and ``skipped``.
    """
    return _distances(subject_rows(train, synthetic, holdout, keys, links, kinds), seed=seed, max_rows=max_rows)


def subject_attacks(train: Tables, synthetic: Tables, holdout: Tables, keys: Mapping[str, str | None],
                    links: list[Link], kinds: Mapping[str, Mapping[str, str]] | None = None, *,
                    n_attacks: int = N_ATTACKS, attack_rows: int = ATTACK_ROWS, seed: int = 0) -> dict:
    """Singling out, linkability and inference per subject: root rows joined with their children's aggregates.

    Training subjects are the targets, holdout subjects (``split_by_subject``) the control, with the
    single-table evaluation's options (``_relational_attacks.attack_subjects``).

    Returns:
        Root table -> ``{name}_risk`` / ``_low`` / ``_high`` per attack (and ``inference_risk_column``),
        ``attacks`` (each ``AttackResult.to_dict()``), ``attack_samples``, ``attack_not_applicable``,
        ``attack_timings``.
    """
    return _attacks(subject_rows(train, synthetic, holdout, keys, links, kinds), n_attacks=n_attacks,
                    attack_rows=attack_rows, seed=seed)


def _distances(rows: Mapping[str, AlignedTables], *, seed: int, max_rows: int = 10_000) -> dict:
    out = {}
    for root, aligned in rows.items():
        result = measure_distances(aligned.train, aligned.synthetic, aligned.holdout, aligned.kinds,
                                   max_rows=max_rows, seed=seed).to_dict()
        split = _split_spread(aligned, result["dcr_share_raw"], seed=seed, max_rows=max_rows)
        p0 = result["dcr_expected_raw"]
        # The interval is the wider of the bootstrap's and the split's on each side (docs/evaluation.md
        # "Several tables"): synthetic subjects far from every real one reach few real subjects.
        result["dcr_share_low"] = float(min(result["dcr_share_low"], _even_odds(split["low"], p0)))
        result["dcr_share_high"] = float(max(result["dcr_share_high"], _even_odds(split["high"], p0)))
        out[root] = {**result, "dcr_split": split, "columns": len(aligned.kinds), "skipped": dict(aligned.skipped)}
    return out


SPLIT_REPLICATES = 400


def _split_spread(aligned: AlignedTables, raw: float, *, seed: int, max_rows: int = 10_000) -> dict:
    """The raw DCR share's 95% spread over the split: which real subjects happened to be training ones.

    The DCR share's bootstrap redraws real subjects within their side, so a real subject that is the
    nearest of many synthetic subjects stays a training (or holdout) one in every replicate. When the
    synthetic subjects lie far from all real ones (dp per subject on a few hundred subjects), a handful
    of such hubs decide every synthetic subject's credit, and whether they are training subjects is
    the split's chance: the share then moves by about sqrt(p0 (1 - p0) / hubs), not by the bootstrap's
    sqrt(p0 (1 - p0) / synthetic rows). Each replicate gives the real subjects fresh sides (as many
    training subjects as the split had) and redraws the synthetic subjects; a tie's credit is the
    training share of the tied nearest subjects. Its spread around the median is placed around ``raw``.
    A copied subject is its own hub, one per synthetic subject: the spread stays the bootstrap's.

    Returns:
        ``low`` and ``high`` (raw scale), ``hubs`` (1 / sum of squared shares of synthetic subjects per
        nearest real subject: how many real subjects the figure rests on) and ``replicates``.
    """
    from synthgate.evaluation._neighbours import MixedSpace, search_local

    n_train = len(aligned.train)
    pool_frame = pd.concat([aligned.train, aligned.holdout], ignore_index=True)
    rng = np.random.default_rng([seed, 0x5B1])
    synthetic = aligned.synthetic
    if len(synthetic) > max_rows:
        synthetic = synthetic.iloc[np.sort(rng.choice(len(synthetic), max_rows, replace=False))]
    space = MixedSpace.fit([aligned.train, aligned.holdout, synthetic], aligned.kinds)
    pool, sy = space.transform(pool_frame), space.transform(synthetic)
    distances, index = search_local(sy, pool, min(10, len(pool_frame)), False)
    tied = np.abs(distances - distances[:, :1]) <= 1e-6  # the nearest real subjects, ties together
    weights = np.bincount(index[:, 0], minlength=len(pool_frame)) / len(index)
    n = len(index)
    shares = np.empty(SPLIT_REPLICATES)
    labels = np.zeros(len(pool_frame), dtype=bool)
    labels[:n_train] = True
    for b in range(SPLIT_REPLICATES):
        side = rng.permutation(labels)[index]
        credit = (side & tied).sum(axis=1) / tied.sum(axis=1)
        shares[b] = credit[rng.integers(0, n, n)].mean()
    q_low, median, q_high = np.quantile(shares, [0.025, 0.5, 0.975])
    return {"low": float(max(0.0, raw - (median - q_low))), "high": float(min(1.0, raw + (q_high - median))),
            "hubs": float(1.0 / np.square(weights).sum()), "replicates": SPLIT_REPLICATES}


def _even_odds(share: float, p0: float) -> float:
    """A raw share on the scale where 0.5 is expected (``evaluation.distance``'s mapping)."""
    from synthgate.evaluation.distance import _to_even_odds

    return _to_even_odds(share, p0)


def _attacks(rows: Mapping[str, AlignedTables], *, n_attacks: int, attack_rows: int, seed: int) -> dict:
    return {root: attack_subjects(aligned, n_attacks=n_attacks, attack_rows=attack_rows, seed=seed)
            for root, aligned in rows.items()}


_SDTYPES = {"numerical": "numerical", "categorical": "categorical", "datetime": "datetime", "boolean": "boolean"}


def multi_table_quality(real: Tables, synthetic: Tables, keys: Mapping[str, str | None], links: list[Link],
                        kinds: Mapping[str, Mapping[str, str]] | None = None) -> dict:
    """SDMetrics' multi-table QualityReport with SDV metadata built from keys, links and kinds.

    Links to the parent's primary key become relationships; a self-reference or a link to a
    non-key column cannot (SDV refuses them) and is listed under ``links_left_out``. Key and
    link columns are ids; columns of another kind than the four the evaluation knows are left out.
    """
    from sdmetrics.reports import QualityReport  # one report for one or several tables (0.32)

    relationships, left_out = [], []
    for link in links:
        if link["child"] == link["parent"] or link["parent_column"] != keys.get(link["parent"]) \
                or link["child"] not in real or link["parent"] not in real:
            left_out.append(f"{link['child']}.{link['column']} -> {link['parent']}.{link['parent_column']}")
            continue
        relationships.append({"parent_table_name": link["parent"], "parent_primary_key": link["parent_column"],
                              "child_table_name": link["child"], "child_foreign_key": link["column"]})
    metadata: dict = {"tables": {}, "relationships": relationships, "METADATA_SPEC_VERSION": "V1"}
    frames: list[dict[str, pd.DataFrame]] = [{}, {}]
    for table, frame in real.items():
        comparable = feature_kinds(frame, table, keys, links, kinds)
        ids = [c for c in frame.columns if c == keys.get(table) or any(
            (l["child"] == table and l["column"] == c) or (l["parent"] == table and l["parent_column"] == c)
            for l in links)]
        columns = {c: {"sdtype": "id"} for c in ids} | {c: {"sdtype": _SDTYPES[k]} for c, k in comparable.items()}
        entry: dict = {"columns": columns}
        if keys.get(table) in ids and frame[keys[table]].is_unique:
            entry["primary_key"] = keys[table]
        metadata["tables"][table] = entry
        for i, tables in enumerate((real, synthetic)):
            part = tables[table][list(columns)].reset_index(drop=True).copy()
            for c in ids:
                part[c] = key_text(part[c])
            for c, k in comparable.items():
                if k == "categorical":
                    part[c] = category_text(part[c])
            frames[i][table] = part
    report = QualityReport()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        report.generate(frames[0], frames[1], metadata, verbose=False)
    properties = report.get_properties().set_index("Property")["Score"]
    figure = {name.lower().replace(" ", "_"): _number(properties.get(name))
              for name in ("Column Shapes", "Column Pair Trends", "Cardinality", "Intertable Trends")}
    return {"score": _number(report.get_score()), **figure, "relationships": len(relationships),
            "links_left_out": left_out}


def evaluate_relational(real: Tables, synthetic: Tables, *, keys: Mapping[str, str | None], links: list[Link],
                        sequences: Mapping[str, Mapping] | None = None,
                        kinds: Mapping[str, Mapping[str, str]] | None = None, holdout: Tables | None = None,
                        seed: int = 0, quality: bool = True, attacks: bool = True, n_attacks: int = N_ATTACKS,
                        attack_rows: int = ATTACK_ROWS,
                        progress: Callable[[str, float], None] | None = None) -> RelationalEvaluation:
    """Measure a multi-table synthetic release against its real (training) tables.

    Args:
        real: The real training tables (table -> frame), keys as strings.
        synthetic: The synthetic tables, same names and columns.
        keys, links, sequences, kinds: The description of the tables (see the module docstring).
        holdout: Real tables kept out of training, split by subject (``split_by_subject``);
            without it there are no privacy figures.
        seed: Seeds every sample.
        quality: Run SDMetrics' multi-table report (seconds to minutes on wide tables).
        attacks: Run the three attacks per subject (``subject_attacks``; needs ``holdout``).
        n_attacks, attack_rows: The attacks' sizes, as ``EvaluationConfig``'s (capped at the subjects).
        progress: Called with (section, seconds) after each section.

    Returns:
        The figures (aggregates only).

    Raises:
        TableMismatchError: A synthetic table is missing, or a link names a missing table or column.
        EmptyTableError: A real or synthetic table has no rows.
    """
    _check(real, synthetic, holdout, links, sequences or {})
    sequences = dict(sequences or {})
    categorical = {t: [c for c, k in feature_kinds(real[t], t, keys, links, kinds).items()
                       if k in ("categorical", "boolean") and c != sequences[t]["order_by"]] for t in sequences}
    not_applicable: dict[str, str] = {}
    timings: dict[str, float] = {}

    def step(name: str, fn: Callable[[], Any], empty: Any) -> Any:
        started = time.perf_counter()
        try:
            return fn()
        except NotApplicable as exc:
            not_applicable[name] = exc.reason
            return empty
        finally:
            timings[name] = time.perf_counter() - started
            if progress is not None:
                progress(name, timings[name])

    integrity = step("integrity", lambda: referential_integrity(real, synthetic, links), [])
    cardinality = step("cardinality", lambda: cardinality_shape(real, synthetic, links, seed=seed), [])
    sequence = step("sequences", lambda: sequence_statistics(real, synthetic, links, sequences, kinds, categorical), {})
    report = None
    if quality:
        report = step("quality", lambda: multi_table_quality(real, synthetic, keys, links, kinds), None)
    else:
        not_applicable["quality"] = "not asked for (quality=False)"
    agg = step("c2st_agg", lambda: c2st_agg(real, synthetic, keys, links, kinds, seed=seed), {})
    if holdout is None:
        privacy, not_applicable["privacy"] = {}, "no holdout tables were given"
    else:
        subjects = subject_rows(real, synthetic, holdout, keys, links, kinds)
        privacy = step("privacy", lambda: _distances(subjects, seed=seed), {})
        if attacks:
            found = step("attacks", lambda: _attacks(subjects, n_attacks=n_attacks, attack_rows=attack_rows,
                                                     seed=seed), {})
            for root, figures in found.items():
                privacy[root] = {**privacy.get(root, {}), **figures}
        else:
            not_applicable["attacks"] = "not asked for (attacks=False)"
    rows = {t: {"real": len(real[t]), "synthetic": len(synthetic[t]),
                **({"holdout": len(holdout[t])} if holdout is not None else {})} for t in real}
    return RelationalEvaluation(
        headline=_headline(integrity, cardinality, sequence, report, agg, privacy),
        integrity=integrity, cardinality=cardinality, sequences=sequence, quality=report, c2st_agg=agg,
        privacy=privacy, not_applicable=not_applicable, rows=rows, timings=timings)


def _check(real: Tables, synthetic: Tables, holdout: Tables | None, links: list[Link],
           sequences: Mapping[str, Mapping]) -> None:
    for name, tables in (("synthetic", synthetic), ("holdout", holdout)):
        if tables is not None and set(real) - set(tables):
            raise TableMismatchError(name, "set lacks tables of the real set", sorted(set(real) - set(tables)))
    for table, frame in real.items():
        for name, tables in (("real", real), ("synthetic", synthetic)):
            if len(tables[table]) == 0:
                raise EmptyTableError(f"{name} {table}")
    for link in links:
        for side, column in (("child", "column"), ("parent", "parent_column")):
            table = link[side]
            if table not in real:
                raise TableMismatchError(table, f"is named by a link ({side}) but is not among the tables")
            for name, tables in (("real", real), ("synthetic", synthetic)):
                if link[column] not in tables[table].columns:
                    raise TableMismatchError(f"{name} {table}", "lacks a link column", [link[column]])
    generating = generating_links(links)
    for table, spec in sequences.items():
        if table not in generating:
            raise TableMismatchError(table, "is a sequence table without a link to a parent table")
        if spec.get("order_by") not in real[table].columns:
            raise TableMismatchError(table, "lacks its sequence's order_by column", [str(spec.get("order_by"))])


def _headline(integrity: list, cardinality: list, sequences: dict, quality: dict | None, agg: dict,
              privacy: dict) -> dict[str, float | None]:
    shares = [e["synthetic"]["share"] for e in integrity if e["synthetic"] and e["synthetic"]["share"] is not None]
    line: dict[str, float | None] = {"integrity_min": min(shares) if shares else None}
    for entry in cardinality:
        line[f"cardinality_ks.{entry['child']}"] = entry["ks_similarity"]
    for table, figures in sequences.items():
        for name in ("length", "gap", "first", "last"):
            line[f"sequence_{name}_ks.{table}"] = figures[name]["ks_similarity"]
        line[f"sequence_transitions_tv.{table}"] = figures["transitions_mean"]
    if quality is not None:
        for name in ("score", "cardinality", "intertable_trends"):
            line[f"sdmetrics_{name}"] = quality[name]
    for table, result in agg.items():
        line[f"c2st_agg.{table}"] = result["score"]
    for table, result in privacy.items():
        for name in ("dcr_share", "close_records_share", "mia_auc", "copy_share",
                     *(f"{attack}_risk" for attack in ATTACKS)):
            if name in result:
                line[f"subject_{name}.{table}"] = result[name]
    return line


def _number(value: Any) -> float | None:
    if value is None or pd.isna(value):
        return None
    number = float(value)
    return None if np.isnan(number) or np.isinf(number) else number

"""Shape figures of a multi-table release: referential integrity, children per parent, sequence statistics."""
from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from synthgate.evaluation._relational_tree import (
    Link,
    Tables,
    as_number,
    category_text,
    generating_links,
    key_text,
)

QUANTILES = (0.1, 0.25, 0.5, 0.75, 0.9)
REPLICATES = 200
#: Fewer values than this and no median or quantile is shown: it would be a few records' own values.
MIN_FOR_QUANTILES = 20
#: Mean of the Kolmogorov distribution: two same-distribution samples differ by about this times
#: sqrt(1/n + 1/m) in KS statistic (continuous values; ties on counts make it smaller).
_KOLMOGOROV_MEAN = 0.8687
_NULL = "\x00null"


def ks_similarity(real: np.ndarray, synthetic: np.ndarray) -> float | None:
    """1 - the two-sample KS statistic (SDMetrics' KSComplement); None when a side is empty."""
    real, synthetic = _finite(real), _finite(synthetic)
    if len(real) == 0 or len(synthetic) == 0:
        return None
    grid = np.union1d(real, synthetic)
    cdf_r = np.searchsorted(np.sort(real), grid, side="right") / len(real)
    cdf_s = np.searchsorted(np.sort(synthetic), grid, side="right") / len(synthetic)
    return float(1.0 - np.max(np.abs(cdf_r - cdf_s)))


def ks_chance(n: int, m: int) -> float | None:
    """About what ks_similarity reads for two samples of sizes n and m from one distribution."""
    return None if min(n, m) == 0 else float(1.0 - _KOLMOGOROV_MEAN * np.sqrt(1.0 / n + 1.0 / m))


def tv_similarity(real: pd.Series, synthetic: pd.Series) -> float | None:
    """1 - total variation distance between the two value distributions (SDMetrics' TVComplement)."""
    if len(real) == 0 or len(synthetic) == 0:
        return None
    p, q = real.value_counts(normalize=True), synthetic.value_counts(normalize=True)
    p, q = p.align(q, fill_value=0.0)
    return float(1.0 - 0.5 * np.abs(p - q).sum())


def referential_integrity(real: Tables, synthetic: Tables, links: list[Link]) -> list[dict]:
    """Per link, the share of non-null synthetic child keys found among the synthetic parent's keys."""
    generating = generating_links(links)
    out = []
    for link in links:
        entry = {**{k: link[k] for k in ("child", "column", "parent", "parent_column")},
                 "generating": generating.get(link["child"]) == dict(link)}
        for side, tables in (("synthetic", synthetic), ("real", real)):
            if link["child"] not in tables or link["parent"] not in tables:
                entry[side] = None
                continue
            child = key_text(tables[link["child"]][link["column"]])
            known = child.dropna()
            present = int(known.isin(set(key_text(tables[link["parent"]][link["parent_column"]]).dropna())).sum())
            entry[side] = {"share": present / len(known) if len(known) else None, "keys": len(known),
                           "missing": len(known) - present, "null_keys": int(child.isna().sum())}
        out.append(entry)
    return out


def children_per_parent(tables: Tables, link: Link) -> np.ndarray:
    """How many child rows point at each parent row (0 for a parent without children)."""
    counts = key_text(tables[link["child"]][link["column"]]).dropna().value_counts()
    return key_text(tables[link["parent"]][link["parent_column"]]).map(counts).fillna(0).to_numpy(dtype=float)


def cardinality_shape(real: Tables, synthetic: Tables, links: list[Link], *, seed: int = 0) -> list[dict]:
    """Per generating link, children per parent (zeros included), real against synthetic."""
    out = []
    for child, link in generating_links(links).items():
        if any(t not in side for side in (real, synthetic) for t in (child, link["parent"])):
            continue
        r, s = children_per_parent(real, link), children_per_parent(synthetic, link)
        low, high = _ks_interval(r, s, np.random.default_rng([seed, len(out)]))
        out.append({
            "child": child, "parent": link["parent"], "column": link["column"],
            "ks_similarity": ks_similarity(r, s), "ks_similarity_low": low, "ks_similarity_high": high,
            "ks_chance": ks_chance(len(r), len(s)),
            "tv_similarity": tv_similarity(pd.Series(r), pd.Series(s)),
            "real": _count_summary(r), "synthetic": _count_summary(s),
        })
    return out


def _count_summary(counts: np.ndarray) -> dict:
    if len(counts) == 0:
        return {"parents": 0}
    summary = {"parents": len(counts), "mean": float(counts.mean()), "zero_share": float((counts == 0).mean()),
               "max": int(counts.max())}
    if len(counts) >= MIN_FOR_QUANTILES:
        summary["quantiles"] = {str(q): float(v) for q, v in zip(QUANTILES, np.quantile(counts, QUANTILES))}
    return summary


def _ks_interval(real: np.ndarray, synthetic: np.ndarray,
                 rng: np.random.Generator) -> tuple[float | None, float | None]:
    """95% bootstrap interval of ks_similarity, parents of both sides drawn with replacement."""
    if len(real) == 0 or len(synthetic) == 0:
        return None, None
    values = [ks_similarity(rng.choice(real, len(real)), rng.choice(synthetic, len(synthetic)))
              for _ in range(REPLICATES)]
    low, high = np.quantile(values, [0.025, 0.975])
    return float(low), float(high)


def sequence_statistics(real: Tables, synthetic: Tables, links: list[Link], sequences: Mapping[str, Mapping],
                        kinds: Mapping[str, Mapping[str, str]] | None, categorical: Mapping[str, list[str]]) -> dict:
    """Per sequence table: rows per subject, gaps, first and last event, transitions between categories."""
    generating = generating_links(links)
    out = {}
    for table, spec in sequences.items():
        if table not in generating or table not in real or table not in synthetic:
            continue
        link, order_by = generating[table], spec["order_by"]
        kind = (kinds or {}).get(table, {}).get(order_by) or (
            "datetime" if pd.api.types.is_datetime64_any_dtype(real[table][order_by].dtype) else "numerical")
        sides = [_sequences(tables[table], link["column"], order_by, kind) for tables in (real, synthetic)]
        figures: dict = {"order_by": order_by, "unit": "days" if kind == "datetime" else order_by}
        for name in ("length", "gap", "first", "last"):
            r, s = sides[0][name], sides[1][name]
            figures[name] = {"ks_similarity": ks_similarity(r, s), "ks_chance": ks_chance(len(r), len(s)),
                             "real_n": len(r), "synthetic_n": len(s),
                             "real_median": _median(r), "synthetic_median": _median(s)}
        figures["ties_on_order_by"] = {"real": sides[0]["ties"], "synthetic": sides[1]["ties"]}
        transitions = {}
        for column in categorical.get(table, []):
            pairs = [_transitions(side["frame"], column) for side in sides]
            transitions[column] = {"tv_similarity": tv_similarity(*pairs), "real_n": len(pairs[0]),
                                   "synthetic_n": len(pairs[1])}
        figures["transitions"] = transitions
        scored = [t["tv_similarity"] for t in transitions.values() if t["tv_similarity"] is not None]
        figures["transitions_mean"] = float(np.mean(scored)) if scored else None
        out[table] = figures
    return out


def _sequences(frame: pd.DataFrame, key: str, order_by: str, kind: str) -> dict:
    data = frame.reset_index(drop=True).copy()
    data["\x00key"] = key_text(frame[key]).to_numpy()
    data["\x00t"] = as_number(frame[order_by], kind).to_numpy()
    data = data[data["\x00key"].notna()].sort_values(["\x00key", "\x00t"], kind="mergesort").reset_index(drop=True)
    by = data.groupby("\x00key", sort=False)["\x00t"]
    gaps = by.diff().dropna().to_numpy()
    return {"frame": data, "length": by.size().to_numpy(dtype=float), "gap": gaps,
            "first": by.first().dropna().to_numpy(), "last": by.last().dropna().to_numpy(),
            "ties": float((gaps == 0).mean()) if len(gaps) else 0.0}


def _transitions(data: pd.DataFrame, column: str) -> pd.Series:
    """(previous, next) category pairs of consecutive events of one subject; null is a category too."""
    text = category_text(data[column]).fillna(_NULL)
    previous = text.groupby(data["\x00key"], sort=False).shift()
    has_previous = previous.notna()
    return previous[has_previous] + "\x1f" + text[has_previous]


def _finite(values: np.ndarray) -> np.ndarray:
    values = np.asarray(values, dtype=float)
    return values[np.isfinite(values)]


def _median(values: np.ndarray) -> float | None:
    values = _finite(values)  # at least MIN_FOR_QUANTILES values, so a median is never one record's
    return float(np.median(values)) if len(values) >= MIN_FOR_QUANTILES else None

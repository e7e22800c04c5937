"""Tables the generator cannot learn as they are, refused before training with one sentence each.

- too wide: the autoregressive generator's masked layer has (sub-columns x hidden units per head)
  x (sum of embedding widths) weights, both factors linear in the width, so its memory grows with
  the square of the width (5,000 numerical columns: about 270 GB). The estimate below is that
  layer's worst case; a table past ``MEMORY_LIMIT_BYTES`` is refused with the column count that fits.
- nothing learned, too few rows for the holdout or for value protection, every value rare, every
  possible row already real (each synthetic row would be a copy, which is never published).
"""
from __future__ import annotations

import math

import pandas as pd

from synthgate import generators, privacy
from synthgate.flows import convert
from synthgate.flows.errors import TableShapeError
from synthgate.flows.spec import LoadedSpec

# Float32 copies of the masked layer's weight while training: the weight, its mask, the masked
# product of the forward pass, its gradient, the weight's gradient and AdamW's two moments.
FLOAT_COPIES = 7
MEMORY_LIMIT_BYTES = 8 * 2**30
# The evaluation compares the synthetic rows with at least this many real rows the generator never saw.
MIN_HOLDOUT_ROWS = 5
DROP_HINT = ("set action: drop on the columns the release does not need (columns.<name>.action; dropped columns are "
             "neither learned nor published)")


def check_width(loaded: LoadedSpec) -> None:
    """Refuse a spec whose learned columns would not fit the generator's memory (the spec alone decides).

    Raises:
        TableShapeError: the learned width, the memory it needs, the limit and how to get under it.
    """
    spec = loaded.spec
    if spec.generator.kind != "autoregressive":
        return  # the SDV generators' memory is linear in the width
    kinds = list(convert.learned_kinds(spec).values())
    kinds += ["boolean"] * len(convert.identifier_columns(spec))  # presence flags of identifiers with gaps
    params = generators.parse_params(spec.generator.kind, convert.generator_params(spec))
    needed = autoregressive_bytes(kinds, params)
    if needed <= MEMORY_LIMIT_BYTES:
        return
    fits = _columns_that_fit(kinds, params)
    raise TableShapeError(
        f"{len(kinds)} learned columns are too wide for generator.kind autoregressive: its masked layer grows with "
        f"the square of the width and would need about {_gb(needed)} to train (limit {_gb(MEMORY_LIMIT_BYTES)}, "
        f"about {fits} columns of these kinds); {DROP_HINT}, or set generator.kind: gaussian_copula (memory linear "
        "in the width)")


def autoregressive_bytes(kinds: list[str], params) -> int:
    """Worst-case bytes of the masked layer while training, for learned columns of ``kinds``."""
    from synthgate.generators.autoregressive import hidden_per_head

    sizes = params.dp or params  # DP trains its own, smaller network
    cap = sizes.embedding_cap
    subs = dims = 0
    for kind in kinds:
        if kind in ("numerical", "datetime"):  # a bin token and a fine token
            subs, dims = subs + 2, dims + _embedding_dim(params.bins + 2, cap) + _embedding_dim(params.fine, cap)
        elif kind == "boolean":
            subs, dims = subs + 1, dims + _embedding_dim(3, cap)
        else:
            subs, dims = subs + 1, dims + cap
    if not subs:
        return 0
    hidden = hidden_per_head(sizes.hidden, params.hidden_units, subs)
    return FLOAT_COPIES * 4 * subs * hidden * dims


def _embedding_dim(cardinality: int, cap: int) -> int:
    # generators/_ar_network.embedding_dim, without importing torch in the preflight.
    return int(max(2, min(cap, round(1.6 * cardinality ** 0.56))))


def _columns_that_fit(kinds: list[str], params) -> int:
    """The largest n for which n columns in the same mix of kinds fit the limit."""
    low, high = 0, len(kinds)
    while low < high:
        middle = (low + high + 1) // 2
        mix = [kinds[math.floor(i * len(kinds) / middle)] for i in range(middle)]
        if autoregressive_bytes(mix, params) <= MEMORY_LIMIT_BYTES:
            low = middle
        else:
            high = middle - 1
    return low


def _gb(size: int) -> str:
    if size >= 100e9:
        return f"{size / 1e9:,.0f} GB"
    return f"{size / 1e9:.1f} GB" if size >= 1e9 else f"{size / 1e6:,.0f} MB"


def check_learnable(loaded: LoadedSpec, frame: pd.DataFrame) -> None:
    """Refuse a table the generator cannot learn from: no learned column, too few rows, only rare or seen rows.

    ``frame``: the source with its kinds applied (the preflight's). Names columns and counts, never values.

    Raises:
        TableShapeError: the first problem, with what to do.
    """
    spec = loaded.spec
    learned = convert.learned_kinds(spec)
    if not learned:
        raise TableShapeError("no column is learned: every column is dropped, an identifier or text, so there is "
                              "no table to synthesise; keep at least one column (action keep or generalise)")
    rows, fraction = len(frame), spec.evaluation.holdout
    held_out = round(rows * fraction)
    training, k = rows - held_out, convert.value_protection(spec)
    if 1 <= held_out < MIN_HOLDOUT_ROWS:
        raise TableShapeError(
            f"{rows} source row(s) with evaluation.holdout {fraction:g} hold out {held_out} row(s); the evaluation "
            f"compares the synthetic rows with at least {MIN_HOLDOUT_ROWS} real rows the generator never saw: "
            f"add rows (at least {math.ceil((MIN_HOLDOUT_ROWS - 0.5) / fraction)}) or raise evaluation.holdout")
    if training < k:
        raise TableShapeError(
            f"{training} training row(s) are fewer than value protection k={k}: no value can be held by {k} training "
            "rows, so the generator would withhold every one; add rows or lower generator.params.value_protection")
    kept = [name for name in learned if spec.columns[name].action.value == "keep"]
    steps = spec.risk.steps if spec.risk is not None else []
    if len(kept) < len(learned) or any(isinstance(step, privacy.GeneraliseStep) for step in steps):
        return  # a generalised column's values are not known before its rule runs
    categorical = [name for name in kept if learned[name] == "categorical"]
    if categorical and len(categorical) == len(kept) and all(_largest_count(frame[name]) < k for name in categorical):
        raise TableShapeError(
            f"every value of {_names(categorical)} is held by fewer than {k} rows (value protection, "
            f"generator.params.value_protection: {k}), so the generator would replace every one and learn nothing; "
            "generalise these columns (action: generalise), keep columns with repeated values, or add rows")
    if spec.sample.keep_common_rows:
        return  # copies of combinations k rows share are published: a fully covered table can still be released
    _refuse_all_copies(frame, learned, kept, params=generators.parse_params(spec.generator.kind,
                                                                             convert.generator_params(spec)))


def _refuse_all_copies(frame: pd.DataFrame, learned: dict[str, str], kept: list[str], *, params) -> None:
    """Every combination of the learned columns' values is a real row: each synthetic row would be a copy."""
    discrete_limit = getattr(params, "max_discrete", 128)
    sizes = []
    for name in kept:
        distinct = int(frame[name].nunique(dropna=False))
        if learned[name] in ("numerical", "datetime") and distinct > discrete_limit:
            return  # continuous values: new ones are drawn between the real ones
        sizes.append(distinct)
    possible = math.prod(sizes)
    if possible > 10 * len(frame):
        return
    seen = len(frame[kept].drop_duplicates())
    if seen >= possible:
        raise TableShapeError(
            f"the learned columns ({_names(kept)}) allow {possible} different row(s) and the source holds every one, "
            "so each synthetic row would copy a real one and none may be published; add columns to the release "
            "(action keep or generalise), set sample.keep_common_rows: true to publish rows that k or more real rows "
            "share, or publish counts instead of a synthetic table")


def _largest_count(values: pd.Series) -> int:
    counts = values.value_counts()
    return int(counts.max()) if len(counts) else 0


def _names(columns: list[str]) -> str:
    shown = ", ".join(columns[:5])
    return shown + (f" and {len(columns) - 5} more" if len(columns) > 5 else "")

"""Differential privacy per subject for the relational generator: the unit is a root row and all its descendants.

A subject with 60 visits must weigh no more than one with a single visit, so every mechanism here
takes the subject, not the row, as the unit a neighbouring dataset adds or removes:

- DP-SGD (``_rel_train.train_private_grouped``): per-row gradients (Opacus) are summed per subject,
  each subject's sum is clipped to ``max_grad_norm`` (:func:`subject_clipped_sum`), Gaussian noise
  of that norm is added, subjects are Poisson-sampled;
- category lists, numeric bounds, bin edges and head biases of a child table's model are learned
  from one row per subject drawn at random with a secret generator (:func:`one_row_per_subject`):
  with the other subjects' draws fixed, two neighbouring datasets give samples that differ in one
  row, so the single-table releases (``_dp_domains``) keep their guarantee with subjects as the unit;
- one (epsilon, delta) for the whole release is split evenly between the models that learn from
  the data (:func:`split_budget`); every model touches every subject, so the guarantees add up
  (basic composition) and the spent epsilons' sum is the release's.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

REFUSE_CHANGES = ("differential privacy per subject does not draw a sequence's numbers as changes (changes=True "
                  "decides a factor or a difference from the data); fit with changes=False under dp")
REFUSE_SECONDARY = ("differential privacy per subject does not cover a secondary link or a self-reference "
                    "(its in-degree quantiles are learned from the rows, not privately): link {link!r}; "
                    "release without that link under dp")
REFUSE_ROOTS = ("differential privacy per subject needs one root table, whose rows are the subjects; "
                "this model has {n} ({names})")
REFUSE_MIXED = ("differential privacy is one budget for the whole release: give dp to every table with the same "
                "epsilon and delta (through params), not to some tables or with different budgets ({table!r} differs)")
REFUSE_DOMAIN = ("dp.domains names {column!r}, which is no learned column of any table; learned: {allowed}")


def split_budget(epsilon: float, delta: float, models: int) -> tuple[float, float]:
    """Each model's (epsilon, delta) when ``models`` models share one budget evenly (basic composition).

    Args:
        epsilon: The release's epsilon (> 0).
        delta: The release's delta, in (0, 1).
        models: Models that learn from the data (>= 1).

    Returns:
        (epsilon / models, delta / models): their sums are the release's budget.
    """
    if models < 1:
        raise ValueError("models must be >= 1")
    return epsilon / models, delta / models


def one_row_per_subject(subjects: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Positions of one row per subject, each drawn uniformly among that subject's rows.

    Args:
        subjects: Each row's subject (any integers).
        rng: A secret generator (OS entropy): a known seed would tell which row was drawn.

    Returns:
        Sorted row positions, one per distinct subject.
    """
    subjects = np.asarray(subjects)
    if len(subjects) == 0:
        return np.zeros(0, dtype=np.int64)
    keys = rng.random(len(subjects))
    order = np.lexsort((keys, subjects))  # by subject, then by a random key: the first of each run is uniform
    first = np.r_[True, subjects[order][1:] != subjects[order][:-1]]
    return np.sort(order[first])


def subject_clipped_sum(grad_samples: Sequence[Any], groups: Any, n_groups: int,
                        max_norm: float) -> tuple[list[Any], Any]:
    """The sum over subjects of each subject's gradient, clipped to ``max_norm`` (L2 over all parameters).

    Args:
        grad_samples: Per-row gradients, one tensor (rows, *parameter shape) per parameter.
        groups: (rows,) long tensor: each row's subject as 0 .. n_groups - 1.
        n_groups: Subjects in the batch.
        max_norm: The clipping norm C (> 0).

    Returns:
        (one summed tensor per parameter, the subjects' norms before clipping). Each subject adds at
        most C to the sum's norm however many rows it holds; per-row clipping would let a subject of
        k rows add up to k * C.
    """
    import torch

    if max_norm <= 0:
        raise ValueError("max_norm must be > 0")
    sums = [torch.zeros((n_groups, *g.shape[1:]), dtype=g.dtype, device=g.device).index_add_(0, groups, g)
            for g in grad_samples]
    norms = torch.sqrt(sum(s.flatten(1).pow(2).sum(1) for s in sums))
    factor = (max_norm / (norms + 1e-6)).clamp(max=1.0)
    return [torch.einsum("g,g...->...", factor.to(s.dtype), s) for s in sums], norms


def table_domains(name: str, plan: Mapping[str, Any], declared: Mapping[str, Mapping[str, Mapping[str, Any]]],
                  model_columns: Sequence[str]) -> dict[str, dict[str, Any]]:
    """The declared domains a table's model uses: its own columns', and for its context the parent's
    (``__p_*``), the grandparent's (``__g_*``) and its own previous event's (``__prev_*``).

    Args:
        name: The table.
        plan: The relational plan (tables with their parents).
        declared: Per table, its params' ``dp.domains`` (column -> domain as a plain dict).
        model_columns: The columns of the table's training frame.

    Returns:
        Column of the training frame -> domain (as declared: a ``Domain`` or a plain dict).
    """
    tp = plan["tables"][name]
    parent = tp["parent"]
    grand = plan["tables"][parent]["parent"] if parent is not None else None
    sources = {"": name, "__prev_": name, "__p_": parent, "__g_": grand}
    out: dict[str, dict[str, Any]] = {}
    for column in model_columns:
        for prefix, table in sorted(sources.items(), key=lambda item: -len(item[0])):
            if table is None or not column.startswith(prefix):
                continue
            base = column[len(prefix):]
            if (prefix or not column.startswith("__")) and base in declared.get(table, {}):
                out[column] = declared[table][base]
            break
    return out


def check_dp(plan: Mapping[str, Any], params: Mapping[str, Any], changes: bool,
             tables: Mapping[str, Any]) -> Any:
    """The release's dp block (``DPParams``), or None without dp; refuses in one line what dp cannot cover.

    Raises:
        GeneratorError: dp on some tables only or with different budgets, ``changes``, a secondary
            link, several root tables, a delta not below 1/subjects, a domain naming no learned column.
    """
    from synthgate.generators.dp_accounting import DPBudgetError
    from synthgate.generators.errors import GeneratorError

    blocks = {name: p.dp for name, p in params.items()}
    if all(block is None for block in blocks.values()):
        return None
    first = next(block for block in blocks.values() if block is not None)
    for name, block in blocks.items():
        if block is None or (block.epsilon, block.delta) != (first.epsilon, first.delta):
            raise GeneratorError(REFUSE_MIXED.format(table=name))
    if changes:
        raise GeneratorError(REFUSE_CHANGES)
    if plan["secondary"]:
        link = plan["secondary"][0]
        raise GeneratorError(REFUSE_SECONDARY.format(link=f"{link['child']}.{link['column']}"))
    roots = [name for name in plan["order"] if plan["tables"][name]["parent"] is None]
    if len(roots) != 1:
        raise GeneratorError(REFUSE_ROOTS.format(n=len(roots), names=", ".join(roots)))
    subjects = len(tables[roots[0]])
    if not first.delta < 1 / subjects:
        raise DPBudgetError(first.epsilon, first.delta, f"delta must be < 1/subjects (subjects = rows of "
                            f"{roots[0]!r} = {subjects}, 1/subjects = {1 / subjects:g})")
    learned = sorted({c for tp in plan["tables"].values() for c, _ in tp["columns"]})
    for block in blocks.values():
        for column in block.domains:
            if column not in learned:
                raise GeneratorError(REFUSE_DOMAIN.format(column=column, allowed=", ".join(learned)))
    return first


def cap_children(plan: Mapping[str, Any], parents: Mapping[str, np.ndarray], cap: int) -> dict[str, np.ndarray]:
    """``parents`` with the rows past the ``cap``-th child of a parent (table order) marked unlinked (-1).

    Under dp a parent above the cap is not refused (the refusal would itself tell that one exists);
    its extra rows are left out of training, which only lowers that subject's weight.
    """
    import pandas as pd

    out = dict(parents)
    for name, pos in parents.items():
        linked = pos >= 0
        rank = np.full(len(pos), -1)
        rank[linked] = pd.Series(pos[linked]).groupby(pos[linked]).cumcount().to_numpy()
        out[name] = np.where(rank >= cap, -1, pos)
    return out


def learning_models(plan: Mapping[str, Any]) -> int:
    """Models that learn from the data, known from the plan alone (so the split reads no row): a table
    with a column of its own, a sequence (start and gaps) or children (their counts)."""
    return sum(1 for tp in plan["tables"].values()
               if any(c != tp["order_by"] for c, _ in tp["columns"]) or tp["order_by"] or tp["children"]) or 1


def model_params(name: str, plan: Mapping[str, Any], params: Any, shares: tuple[float, float],
                 declared: Mapping[str, Mapping[str, Any]], columns: Sequence[str]) -> Any:
    """A table's params with its share of the budget and the domains of its model's columns: declared
    ones (:func:`table_domains`) and public ones of the generator's own columns (:func:`derived_domains`)."""
    epsilon, delta = shares
    from synthgate.generators.autoregressive import Domain

    domains = {**derived_domains(name, plan, declared, columns, params.max_discrete),
               **table_domains(name, plan, declared, columns)}
    domains = {c: d if isinstance(d, Domain) else Domain(**d) for c, d in domains.items()}
    return params.model_copy(update={"dp": params.dp.model_copy(update={"epsilon": epsilon, "delta": delta,
                                                                       "domains": domains})})


def release_record(dp: Any, subjects: int, records: Mapping[str, Any]) -> dict[str, Any]:
    """What the release spent, per subject: the budget, the sum of the models' epsilons and each model's run.

    Every model's epsilon is at its own accounting delta (its share of delta minus thresholding's
    part), so the release is (epsilon_spent, delta)-DP per subject by basic composition.
    """
    models = {}
    for name, record in records.items():
        if not record:
            continue
        sgd = record.get("sgd") or {}
        models[name] = {"epsilon": record["epsilon"], "delta": record["delta"],
                        "epsilon_spent": record["epsilon_spent"], "noise_multiplier": sgd.get("noise_multiplier"),
                        "sample_rate": sgd.get("sample_rate"), "steps": sgd.get("steps"),
                        "max_grad_norm": sgd.get("max_grad_norm"),
                        "releases": [r["name"] for r in record.get("releases", [])]}
    return {"unit": "subject", "subjects": int(subjects), "epsilon": float(dp.epsilon), "delta": float(dp.delta),
            "epsilon_spent": float(sum(m["epsilon_spent"] for m in models.values())),
            "composition": "basic: the budget split evenly between the models, their epsilons and deltas add up",
            "accountant": "rdp (opacus)", "models": models}


def derived_domains(name: str, plan: Mapping[str, Any], declared: Mapping[str, Mapping[str, Any]],
                    columns: Sequence[str], max_discrete: int) -> dict[str, dict[str, Any]]:
    """Public domains of the generator's own columns, from the spec alone (no row read).

    Child counts, sibling counts and positions lie in [0, max_children], one token per value; when
    that is more values than ``max_discrete``, in [0, max_discrete - 1] (a larger count is learned as
    that one, and no synthetic parent gets more children).
    Gaps lie in [0, max - min] of a declared ``order_by``; a first event's start in the declared
    range of ``order_by`` (or, measured from the parent's date, in the differences of the two
    declared ranges).
    """
    tp = plan["tables"][name]
    cap = int(plan["max_children"])
    out: dict[str, dict[str, Any]] = {}
    for column in columns:
        if column.startswith("__n_") or column in ("__nsib", "__pos"):
            out[column] = {"min": 0, "max": min(cap, max_discrete - 1)}
    order_by = tp["order_by"]
    own = declared.get(name, {})
    if order_by is None or order_by not in own:
        return out
    low, high, kind = _bounds(own[order_by], dict((c, k) for c, k in tp["columns"])[order_by])
    if low is None:
        return out
    for column in ("__gap", "__prev_gap"):
        if column in columns:
            out[column] = {"min": 0.0, "max": float(high - low)}
    if "__start" in columns:
        anchor = next((c for c, k in plan["tables"][tp["parent"]]["columns"] if k == "datetime"), None) \
            if kind == "datetime" else None
        if anchor is None:
            out["__start"] = _plain(own[order_by])
        elif anchor in declared.get(tp["parent"], {}):
            alow, ahigh, _ = _bounds(declared[tp["parent"]][anchor], "datetime")
            if alow is not None:
                out["__start"] = {"min": float(low - ahigh), "max": float(high - alow)}
    return out


def _plain(domain: Any) -> dict[str, Any]:
    return domain.model_dump(exclude_none=True) if hasattr(domain, "model_dump") else dict(domain)


def _bounds(domain: Any, kind: str) -> tuple[float | None, float | None, str]:
    """A declared domain's (min, max) as numbers (datetimes in days since 1970), or (None, None, kind)."""
    import pandas as pd

    plain = _plain(domain)
    if "min" not in plain or "max" not in plain:
        return None, None, kind
    if kind == "datetime":
        days = [(pd.Timestamp(plain[b]) - pd.Timestamp(0)) / pd.Timedelta(days=1) for b in ("min", "max")]
        return float(days[0]), float(days[1]), kind
    return float(plain["min"]), float(plain["max"]), kind


def explain_column(column: str, reason: str) -> str:
    """A one-line hint for a generator's own column whose range dp could not learn (names, never values)."""
    reason = reason.split(";")[0]  # the encoder's own advice names the generator's column, which no spec can
    sources = (("__prev_", "the previous event's"), ("__p_", "the parent's"), ("__g_", "the grandparent's"))
    for prefix, source in sources:
        if column.startswith(prefix) and column != "__prev_gap":
            return (f"{source} column {column[len(prefix):]!r} (context {column!r}): {reason}; declare "
                    f"dp.domains.{column[len(prefix):]}")
    if column in ("__start", "__gap", "__prev_gap"):
        return (f"the sequence's {column.strip('_')} ({column!r}): {reason}; declare dp.domains for the sequence's "
                "order_by (and the parent's first date when order_by is a date)")
    return f"the generator's column {column!r}: {reason}"

"""Several linked tables: parents first, then every parent's children conditioned on the parent row.

``RelationalGenerator`` takes the relational contract's plain values (tables, keys, links,
sequences, kinds; docs/generators.md, "Several tables") and fits one autoregressive model per
table (the single-table generator, value protection included):

- a root table's model learns its columns plus one child count per child table (``__n_<child>``),
  so how many children a parent has depends on the parent row (zero included);
- a child table's model learns its columns after a context fixed when sampling: the parent row
  (at most ``context_cap`` columns, the ones that tell most about the child count), the number of
  siblings and, for a grandchild, the grandparent row; a sequence table adds the position in the
  sequence, the previous event (lag 1) and models ``order_by`` as a start plus gaps, so order is
  kept by construction and absolute values are rebuilt by cumulative sums; every step sees the time
  left in the table's observation window and is drawn inside it (``_rel_window``);
- sampling draws all parents' t-th children together in one batch per step (CPU or CUDA, the same
  code), gives every table fresh keys ``"{table}-{n:06d}"`` and points each child at a synthetic
  parent by construction; a secondary link (a second foreign key, a self-reference) draws its
  targets in proportion to the real in-degree distribution.

With ``dp`` every model trains with differential privacy per subject (a root row and all its
descendants as one unit; ``_rel_dp``, docs/generators.md). Not yet: more than three levels (refused).
"""
from __future__ import annotations

import json
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from synthgate.generators import _frames, _rel_dp, _rel_frames as rf
from synthgate.generators._rel_plan import build_plan
from synthgate.generators._rel_rows import training_subjects  # noqa: F401  (the flow's bound on training)
from synthgate.generators._seeding import check_seed, derive_seed
from synthgate.generators.autoregressive import AutoregressiveParams
from synthgate.generators.base import TableSchema
from synthgate.generators.device import resolve_device
from synthgate.generators.errors import GeneratorError, ModelDirectoryError, SchemaError
from synthgate.generators.model_dir import sha256_of, staged_directory

FORMAT = 1
PLAN_FILE, STATS_FILE, MANIFEST_FILE, MODELS_DIR = "relational.json", "links.json", "manifest.json", "models"
HISTORY_FILE = "history.json"  # each sequence's flagged categories and landmarks: values, as sensitive as a model file
DEFAULT_CONTEXT_CAP = 16  # parent (and grandparent) columns a child's model sees
DEFAULT_LAG_CAP = 8  # previous-event columns a sequence's model sees
DEFAULT_MAX_CHILDREN = 10_000  # a parent with more children than this is refused at fit
QUANTILES = 101


class RelationalGenerator:
    """A model of linked tables: ``fit`` → ``sample`` / ``save``; ``load`` restores a saved one."""

    kind = "relational"

    def __init__(self) -> None:
        self.plan: dict[str, Any] = {}
        self.models: dict[str, Any] = {}
        self.links_stats: list[dict[str, Any]] = []
        # "seen": table -> column -> categories flagged once seen; "landmarks": table -> exact order_by values
        self.history: dict[str, dict[str, Any]] = {"seen": {}, "landmarks": {}}
        self.seed = 0
        self.device = "cpu"
        self.report: dict[str, Any] = {}
        self.last_sample: dict[str, Any] = {}  # the last sample's counts: events redrawn or moved into the window

    # --- fit -------------------------------------------------------------------------------------

    def fit(self, tables: Mapping[str, pd.DataFrame], keys: Mapping[str, str], links: Sequence[Mapping[str, str]],
            sequences: Mapping[str, Mapping[str, str]] | None, kinds: Mapping[str, Mapping[str, str]], *,
            seed: int = 0, device: str = "cpu", params: AutoregressiveParams | Mapping[str, Any] | None = None,
            table_params: Mapping[str, AutoregressiveParams | Mapping[str, Any]] | None = None,
            context_cap: int = DEFAULT_CONTEXT_CAP, lag_cap: int = DEFAULT_LAG_CAP,
            max_children: int = DEFAULT_MAX_CHILDREN, changes: bool = False, history: bool = True) -> dict[str, Any]:
        """Learn the tables; returns the fit report (seconds, rows and orphans per table).

        Args:
            tables, keys, links, sequences, kinds: The relational contract's plain values.
            seed: Seed of the fit in [0, 2**32).
            device: "cpu", "cuda" or "auto", as the single-table generator.
            params: Autoregressive params for every table; a ``dp`` block is one budget for the whole
                release, per subject (the root row and its descendants), split evenly between the models.
            table_params: Params of single tables, replacing ``params`` there.
            context_cap: Most parent (plus grandparent) columns a child's model conditions on.
            lag_cap: Most previous-event columns a sequence's model conditions on.
            max_children: A parent with more children than this in one table is refused.
            changes: Draw a sequence's lagged numbers as changes from the previous event (a factor
                for positive columns): lag-1 correlations close to the real ones, marginals drift
                (docs/generators.md has the measurement).
            history: Tell a sequence's model which categories of each categorical column (up to
                ``_rel_frames.HISTORY_CATEGORIES``, each held by ``value_protection`` subjects) came
                earlier in the parent's sequence, not only the previous event's: events that happen
                once per subject (a diagnosis) are then not drawn twice; and learn up to three
                landmarks of a sequence's order_by (an exact value, from the parent's date where there
                is one, that many subjects' events share: a cohort's day 0), drawn as such rather than
                as a sum of gaps (with an observation window only). Off under ``dp``.

        Raises:
            GeneratorError: One line naming the table and column (bad links, depth > 3, a table
                without rows, missing or duplicate primary keys, a parent above ``max_children``
                (under ``dp`` its extra rows are left out instead), what ``dp`` cannot cover), never a
                cell value.
        """
        started = time.perf_counter()
        self.seed, self.device = check_seed(seed), resolve_device(device)
        sequences = dict(sequences or {})
        self.plan = build_plan(tables, keys, links, sequences, kinds)
        self.plan["context_cap"], self.plan["lag_cap"] = int(context_cap), int(lag_cap)
        self.plan["max_children"], self.plan["changes"] = int(max_children), bool(changes)
        all_params = {name: _params((table_params or {}).get(name, params)) for name in self.plan["order"]}
        for name, p in all_params.items():
            self.plan["tables"][name]["protection"] = int(p.value_protection)
        dp = _rel_dp.check_dp(self.plan, all_params, changes, tables)
        self.plan["dp"] = dp is not None
        self.plan["history"], self.history = bool(history) and dp is None, {"seen": {}, "landmarks": {}}
        for name, tp in self.plan["tables"].items():
            clash = [c for c in tables[name].columns if str(c).startswith(rf.PREFIX)]
            if clash:
                raise GeneratorError(f"table {name!r}: column {clash[0]!r} starts with {rf.PREFIX!r}, "
                                     "which the relational generator keeps for its own columns")
        parents = rf.parent_positions(self.plan, tables)
        orphans_of = {name: int((pos < 0).sum()) for name, pos in parents.items()}
        if dp is not None:  # a refusal would tell that some subject is large: its extra rows go unlearned
            parents = _rel_dp.cap_children(self.plan, parents, max_children)
        subjects = rf.subjects_of(self.plan, tables, parents)
        if dp is not None:  # rows whose chain to a subject was cut by the cap follow it
            parents = {name: np.where(subjects[name] < 0, -1, pos) for name, pos in parents.items()}
        canon = {name: rf.canonical(tables[name].reset_index(drop=True), tp["columns"])
                 for name, tp in self.plan["tables"].items()}
        counts = {}
        for name, tp in self.plan["tables"].items():
            if tp["parent"] is not None:
                valid = parents[name][parents[name] >= 0]
                counts[name] = np.bincount(valid, minlength=len(tables[tp["parent"]]))
                if counts[name].max(initial=0) > max_children:
                    raise GeneratorError(f"table {name!r}: a row of {tp['parent']!r} has more than {max_children} "
                                         "children (max_children); raise max_children or split the table")
        attributes = {}
        for name in self.plan["order"]:
            if self.plan["tables"][name]["parent"] is not None:
                if dp is None:
                    attributes.update(self._shared_columns(name, canon, parents))
                else:  # which columns are constant per parent is read off the rows: every column is drawn
                    self.plan["tables"][name]["copied"], self.plan["tables"][name]["attributes"] = {}, []
        self._attribute_values = attributes
        self.report = {"tables": {}, "device": self.device}
        self.models = {}
        population = len(tables[self.plan["order"][0]])
        if dp is not None:
            shares = _rel_dp.split_budget(dp.epsilon, dp.delta, _rel_dp.learning_models(self.plan))
            declared = {name: dict(p.dp.domains) for name, p in all_params.items()}
            context_domains = dict(declared)  # + each fitted model's private ranges, for its children
            for tp in self.plan["tables"].values():  # whether a column held nulls is not learned under dp
                tp["dtypes"] = {c: {"int64": "Int64", "bool": "boolean"}.get(d, d) for c, d in tp["dtypes"].items()}
        for i, name in enumerate(self.plan["order"]):
            tp = self.plan["tables"][name]
            tick = time.perf_counter()
            frame, frame_kinds, context, subject = self._training_frame(name, canon, parents, subjects, counts)
            model = None
            if len(frame.columns) > len(context) and len(frame):
                from synthgate.generators._rel_context import ContextGenerator

                p = all_params[name]
                if dp is not None:  # this model's share of the budget, its columns' declared domains
                    p = _rel_dp.model_params(name, self.plan, p, shares, context_domains, list(frame.columns))
                if context and "random_order_share" not in p.model_fields_set:
                    p = p.model_copy(update={"random_order_share": 0.0})  # context always first: no other order
                model = ContextGenerator(p, device=self.device, seed=derive_seed(self.seed, 0x5E, i), context=context,
                                         subjects=subject if context else None, population=population)
                try:
                    model.fit(frame, TableSchema(tuple((c, frame_kinds[c]) for c in frame.columns)))
                except SchemaError as exc:
                    if dp is None or not str(exc.column or "").startswith(rf.PREFIX):
                        raise
                    raise GeneratorError(f"table {name!r}: {_rel_dp.explain_column(exc.column, exc.reason)}") from None
            self.models[name] = model
            if dp is not None and model is not None:  # children condition on copies of these columns: the
                # ranges this model released privately are theirs too (post-processing, no new release)
                context_domains[name] = {**model.private_ranges, **declared[name]}
            orphans = orphans_of.get(name, 0)
            self.report["tables"][name] = {"rows": len(tables[name]), "orphans_ignored": orphans,
                                           "context": list(context), "copied": dict(tp.get("copied", {})),
                                           "attributes": list(tp.get("attributes", [])),
                                           "seconds": round(time.perf_counter() - tick, 3)}
        self.links_stats = [_link_stats(link, tables, int(all_params[link["child"]].value_protection))
                            for link in self.plan["secondary"]]
        if dp is not None:
            self.report["dp"] = _rel_dp.release_record(dp, population, {n: m and m.privacy_record
                                                                        for n, m in self.models.items()})
        self.report["train_seconds"] = round(time.perf_counter() - started, 3)
        return self.report

    def _training_frame(self, name: str, canon: Mapping[str, pd.DataFrame], parents: Mapping[str, np.ndarray],
                        subjects: Mapping[str, np.ndarray], counts: Mapping[str, np.ndarray]
                        ) -> tuple[pd.DataFrame, dict[str, str], list[str], np.ndarray]:
        tp = self.plan["tables"][name]
        kinds = {c: k for c, k in tp["columns"]}
        shared = set(tp.get("copied", {})) | set(tp.get("attributes", []))
        own = [c for c, _ in tp["columns"] if c != tp["order_by"] and c not in shared]
        base = canon[name]
        rows = np.arange(len(base))
        if tp["parent"] is not None:
            rows = rows[parents[name] >= 0]
        ppos = parents[name][rows] if tp["parent"] is not None else None
        order_by = tp["order_by"]
        if order_by is not None:  # sequence: rows of a parent together, in order (ties keep the table's order)
            ob = base[order_by].to_numpy()
            ob = ob.astype("datetime64[ns]").astype(np.int64) if kinds[order_by] == "datetime" else ob.astype(float)
            rows = rows[np.lexsort((rows, ob[rows], ppos))]
            ppos = parents[name][rows]
        frame = base.iloc[rows][own].reset_index(drop=True)
        context: dict[str, pd.Series] = {}
        if tp["parent"] is not None:
            context.update(self._parent_context(name, canon, parents, counts, ppos, fit=True))
            kinds.update(self._context_kinds(name))
        if order_by is not None:
            group = pd.Series(ppos)
            position = group.groupby(group).cumcount()
            values = base[order_by].iloc[rows].reset_index(drop=True)
            days = rf.to_days(values) if kinds[order_by] == "datetime" else values.astype(float)
            gap = days.groupby(group).diff()
            anchor = self._anchor(name)
            anchor_days = rf.to_days(canon[tp["parent"]][anchor]).to_numpy()[ppos] if anchor is not None else None
            if anchor is not None:
                start_kind = "numerical"
                start = days - anchor_days
            else:
                start_kind = kinds[order_by]
                start = values.astype(float) if start_kind == "numerical" else values
            context["__pos"] = position.astype("int64")
            kinds["__pos"] = "numerical"
            if not self.plan.get("dp"):  # the observation window: what time is left to each step (_rel_window)
                from synthgate.generators import _rel_window

                tp["window"] = _rel_window.learn_window(days.to_numpy(), ppos, subjects[name][rows],
                                                        canon[tp["parent"]], tp, self.plan["tables"][tp["parent"]],
                                                        anchor)
                end = _rel_window.ends(tp["window"], canon[tp["parent"]], ppos)
                where = _rel_window.context(tp["window"], end, days.groupby(group).shift(1).to_numpy(),
                                            position.to_numpy(), context["__nsib"].to_numpy(), anchor_days)
                for column, series in where.items():
                    context[column], kinds[column] = pd.Series(series), "numerical"
                _rel_window.choose_scale(tp["window"], gap.to_numpy(), where["__pace"])
                share = pd.Series(_rel_window.fraction(
                    days.to_numpy(), _rel_window.reference(tp["window"], days.groupby(group).shift(1).to_numpy(),
                                                           position.to_numpy(), anchor_days), where["__left"]))
            for c in self._lag_columns(name):
                context[f"__prev_{c}"] = frame[c].groupby(group).shift(1)
                kinds[f"__prev_{c}"] = kinds[c]
                if kinds[c] == "numerical" and self.plan["changes"]:  # a change from the previous event
                    previous = context[f"__prev_{c}"]
                    ratio = bool((frame[c].dropna() > 0).all())  # positive numbers change by a factor
                    tp.setdefault("ratios", {})[c] = ratio
                    tp.setdefault("never_null", {})[c] = bool(frame[c].notna().all())
                    now, before = frame[c].astype(float), previous.astype(float)
                    frame[f"__d_{c}"] = np.log(now) - np.log(before) if ratio else now - before
                    kinds[f"__d_{c}"] = "numerical"
            context["__prev_gap"] = gap.groupby(group).shift(1)
            kinds["__prev_gap"] = "numerical"
            for c in self._lag_columns(name) if self.plan.get("history") else ():
                categories = rf.history_categories(frame[c], subjects[name][rows], tp["protection"]) \
                    if kinds[c] == "categorical" else None
                if categories is None:
                    continue
                self.history["seen"].setdefault(name, {})[c] = categories
                seen = rf.seen_before(rf.category_codes(frame[c], categories), ppos, len(categories))
                for j in range(len(categories)):
                    context[rf.seen_name(c, j)], kinds[rf.seen_name(c, j)] = pd.Series(seen[:, j]), "boolean"
            if tp.get("window") is not None:  # a step as the share of the time left it takes (_rel_window)
                if tp["window"]["scale"]["start"] == "fraction":
                    start, start_kind = share, "numerical"
                if tp["window"]["scale"]["gap"] == "fraction":
                    gap = share.where(position > 0)
            if self.plan.get("history") and tp.get("window") is not None:
                relative = (days - anchor_days if anchor is not None else days).to_numpy().astype(float)
                marks = rf.landmarks(relative, subjects[name][rows], tp["protection"])
                if marks:
                    self.history["landmarks"][name] = marks
                    frame["__at"], kinds["__at"] = rf.landmark_codes(relative, marks), "categorical"
            frame["__start"] = start.where(position == 0)
            frame["__gap"] = gap
            kinds["__start"], kinds["__gap"] = start_kind, "numerical"
        for child in tp["children"]:
            frame[rf.count_name(child)] = counts[child][rows]
            kinds[rf.count_name(child)] = "numerical"
            child_kinds = dict((c, k) for c, k in self.plan["tables"][child]["columns"])
            for c in self.plan["tables"][child].get("attributes", []):
                frame[attribute_name(child, c)] = self._attribute_values[attribute_name(child, c)].to_numpy()[rows]
                kinds[attribute_name(child, c)] = child_kinds[c]
        full = pd.concat([pd.DataFrame(context), frame], axis=1)
        if tp["parent"] is not None and not self.plan.get("dp"):  # under dp the domains are private instead
            full = rf.protect_by_subject(full, kinds, subjects[name][rows], tp["protection"])
        return full, {c: kinds[c] for c in full.columns}, list(context), subjects[name][rows]

    def _shared_columns(self, name: str, canon: Mapping[str, pd.DataFrame],
                        parents: Mapping[str, np.ndarray]) -> dict[str, pd.Series]:
        """Columns of ``name`` that hold one value per parent row (a subject's sex on every visit).

        Such a column is not drawn per child: a copy of an equal parent column (``copied``), or
        else a column of the parent's model (``__a_<child>__<col>``, an attribute) copied to every
        child, so it stays constant within each parent by construction. Returns the attributes'
        values per parent row.
        """
        tp = self.plan["tables"][name]
        tp["copied"], tp["attributes"] = {}, []
        rows = np.flatnonzero(parents[name] >= 0)
        if len(rows) == 0:
            return {}
        ppos = parents[name][rows]
        ptp = self.plan["tables"][tp["parent"]]
        values = {}
        for c, kind in tp["columns"]:
            if c == tp["order_by"]:
                continue
            column = canon[name][c].iloc[rows].reset_index(drop=True)
            marked = column.astype(object).where(column.notna(), "\0na")
            if marked.groupby(ppos).nunique().max() > 1:
                continue
            match = None
            for pc, pkind in ptp["columns"]:
                other = canon[tp["parent"]][pc].iloc[ppos].reset_index(drop=True)
                if pkind == kind and ((column == other) | (column.isna() & other.isna())).all():
                    match = pc
                    break
            if match is not None:
                tp["copied"][c] = match
            else:
                tp["attributes"].append(c)
                if column.notna().all():
                    tp.setdefault("attribute_never_null", []).append(c)
                per_parent = column.groupby(ppos).first()
                values[attribute_name(name, c)] = per_parent.reindex(range(len(canon[tp["parent"]])))
        return values

    def _fill_shared(self, name: str, frame: pd.DataFrame, ppos: np.ndarray, synth: Mapping[str, pd.DataFrame]) -> None:
        tp = self.plan["tables"][name]
        parent = synth[tp["parent"]]
        for c, pc in tp.get("copied", {}).items():
            frame[c] = parent[pc].to_numpy()[ppos] if len(ppos) else []
        for c in tp.get("attributes", []):
            frame[c] = parent[attribute_name(name, c)].to_numpy()[ppos] if len(ppos) else []

    def _complete_attributes(self, name: str, frame: pd.DataFrame, seed: int) -> None:
        """A parent with children gets a value for each attribute that no real child row left empty.

        In training an attribute is empty for every childless parent, so the parent's model
        sometimes draws it empty for a parent with children too; such a gap takes the value of
        another synthetic parent (a donor drawn at random), never a real value.
        """
        rng = np.random.default_rng(seed)
        for child in self.plan["tables"][name]["children"]:
            ctp = self.plan["tables"][child]
            if not len(frame) or rf.count_name(child) not in frame:
                continue
            having = _counts(frame, child, self.plan["max_children"]) > 0
            for c in ctp.get("attributes", []):
                column = attribute_name(child, c)
                if c not in ctp.get("attribute_never_null", []) or column not in frame:
                    continue
                gaps = having & frame[column].isna().to_numpy()
                donors = np.flatnonzero(having & frame[column].notna().to_numpy())
                if gaps.any() and len(donors):
                    values = frame[column].to_numpy(copy=True)
                    values[gaps] = values[rng.choice(donors, size=int(gaps.sum()))]
                    frame[column] = values

    def _parent_context(self, name: str, frames: Mapping[str, pd.DataFrame], parents: Mapping[str, np.ndarray],
                        counts: Mapping[str, np.ndarray], ppos: np.ndarray, *, fit: bool) -> dict[str, pd.Series]:
        """``__nsib``, ``__p_*`` and ``__g_*`` for child rows whose parent rows are ``ppos``."""
        tp = self.plan["tables"][name]
        parent = tp["parent"]
        ptp = self.plan["tables"][parent]
        if fit:
            cap = self.plan["context_cap"]
            pkinds = {c: k for c, k in ptp["columns"]}
            dp = self.plan.get("dp")  # the most telling columns are read off the rows: under dp the schema's first
            chosen = (list(pkinds)[:cap] if dp else
                      rf.informative(frames[parent][list(pkinds)], pkinds, counts[name], cap))
            grand: list[str] = []
            if ptp["parent"] is not None and cap - len(chosen) < cap // 2:
                chosen = chosen[: max(cap - cap // 2, 1)]
            if ptp["parent"] is not None:
                gtp = self.plan["tables"][ptp["parent"]]
                gkinds = {c: k for c, k in gtp["columns"]}
                gpos = parents[parent]
                gframe = frames[ptp["parent"]][list(gkinds)].iloc[np.maximum(gpos, 0)].reset_index(drop=True)
                grand = (list(gkinds)[:max(cap - len(chosen), 0)] if dp else
                         rf.informative(gframe, gkinds, counts[name], cap - len(chosen)))
            tp["parent_context"], tp["grand_context"] = chosen, grand
        out: dict[str, pd.Series] = {"__nsib": pd.Series(np.asarray(counts[name])[ppos], dtype="int64")}
        pframe = frames[parent]
        for c in tp["parent_context"]:
            out[f"__p_{c}"] = pframe[c].iloc[ppos].reset_index(drop=True)
        if tp["grand_context"]:
            gpos = np.asarray(parents[parent])[ppos]
            gframe = frames[ptp["parent"]]
            for c in tp["grand_context"]:
                column = gframe[c].iloc[np.maximum(gpos, 0)].reset_index(drop=True)
                out[f"__g_{c}"] = column.where(pd.Series(gpos >= 0))
        return out

    def _context_kinds(self, name: str) -> dict[str, str]:
        tp = self.plan["tables"][name]
        kinds: dict[str, str] = {"__nsib": "numerical"}
        ptp = self.plan["tables"][tp["parent"]]
        kinds.update({f"__p_{c}": dict((a, b) for a, b in ptp["columns"])[c] for c in tp["parent_context"]})
        if tp["grand_context"]:
            gtp = self.plan["tables"][ptp["parent"]]
            kinds.update({f"__g_{c}": dict((a, b) for a, b in gtp["columns"])[c] for c in tp["grand_context"]})
        return kinds

    def _anchor(self, name: str) -> str | None:
        """The parent's first date column, where the first event's order_by is measured from (datetime order_by)."""
        tp = self.plan["tables"][name]
        if dict((c, k) for c, k in tp["columns"]).get(tp["order_by"]) != "datetime":
            return None
        ptp = self.plan["tables"][tp["parent"]]
        return next((c for c, k in ptp["columns"] if k == "datetime"), None)

    def _lag_columns(self, name: str) -> list[str]:
        tp = self.plan["tables"][name]
        shared = set(tp.get("copied", {})) | set(tp.get("attributes", []))
        own = [(c, k) for c, k in tp["columns"] if c != tp["order_by"] and k != "datetime" and c not in shared]
        ranked = [c for c, k in own if k in ("categorical", "boolean")] + [c for c, k in own if k == "numerical"]
        return ranked[: self.plan["lag_cap"]]

    # --- sample ----------------------------------------------------------------------------------

    def sample(self, scale: float = 1.0, *, n_parents: int | Mapping[str, int] | None = None,
               seed: int = 0) -> dict[str, pd.DataFrame]:
        """Synthetic tables: ``scale`` × the real root rows (or ``n_parents`` per root), children as drawn.

        Returns:
            ``{table: frame}`` with the table's keys, foreign keys and learnable columns (other id
            and text columns are left to the caller, as for a single table).
        """
        if not self.plan:
            raise GeneratorError("the relational generator is not fitted; call fit() or load() first")
        seed = check_seed(seed)
        if isinstance(scale, bool) or not isinstance(scale, (int, float)) or not 0 < scale <= 1000:
            raise GeneratorError("scale must be a number > 0 and ≤ 1000")
        from synthgate.generators import _threads

        # Small batches per step: on a busy CPU one thread is many times faster than two fighting.
        roots = sum(tp["rows"] for tp in self.plan["tables"].values() if tp["parent"] is None)
        threads = _threads.training_threads(None, work=int(roots * scale) * 64) if self.device == "cpu" else 1
        with _threads.torch_threads(threads):
            return self._sample(scale, n_parents, seed)

    def _sample(self, scale: float, n_parents: int | Mapping[str, int] | None, seed: int) -> dict[str, pd.DataFrame]:
        synth: dict[str, pd.DataFrame] = {}
        parent_of: dict[str, np.ndarray] = {}
        self.last_sample: dict[str, Any] = {}
        for i, name in enumerate(self.plan["order"]):
            tp = self.plan["tables"][name]
            step_seed = derive_seed(seed, 0x5A, i)
            if tp["parent"] is None:
                n = _root_rows(name, tp["rows"], scale, n_parents)
                model = self.models.get(name)
                frame = model.sample(n, seed=step_seed) if model is not None else pd.DataFrame(index=range(n))
            else:
                counts = _counts(synth[tp["parent"]], name, self.plan["max_children"])
                if tp["order_by"] is None:
                    ppos = np.repeat(np.arange(len(counts)), counts)
                    frame = self._draw_children(name, synth, parent_of, counts, ppos, step_seed)
                else:
                    frame, ppos = self._draw_sequences(name, synth, parent_of, counts, step_seed)
                parent_of[name] = ppos
            self._complete_attributes(name, frame, derive_seed(seed, 0xA7, i))
            synth[name] = frame
        return self._finish(synth, parent_of, seed)

    def _draw_children(self, name: str, synth: Mapping[str, pd.DataFrame], parent_of: Mapping[str, np.ndarray],
                       counts: np.ndarray, ppos: np.ndarray, seed: int) -> pd.DataFrame:
        model = self.models.get(name)
        if model is None or len(ppos) == 0:
            frame = pd.DataFrame(index=range(len(ppos)))
            self._fill_shared(name, frame, ppos, synth)
            return frame
        fixed = pd.DataFrame(self._parent_context(name, synth, parent_of, {name: counts}, ppos, fit=False))
        frame = model.sample(len(ppos), seed=seed, fixed=fixed)
        self._fill_shared(name, frame, ppos, synth)
        return frame

    def _draw_sequences(self, name: str, synth: Mapping[str, pd.DataFrame], parent_of: Mapping[str, np.ndarray],
                        counts: np.ndarray, seed: int) -> tuple[pd.DataFrame, np.ndarray]:
        """Step t draws the t-th event of every parent with more than t events, in one batch."""
        model = self.models[name]
        lags = self._lag_columns(name)
        empty = {c: float if k == "numerical" else object for c, k in self.plan["tables"][name]["columns"]}
        empty["gap"] = float
        previous: dict[str, pd.Series] = {}
        history = self.history["seen"].get(name, {})  # categories already drawn for each parent, per flagged column
        seen = {c: np.zeros((len(counts), len(categories)), dtype=bool) for c, categories in history.items()}
        pieces, owners = [], []
        window = self.plan["tables"][name].get("window")
        if window is not None:  # where each parent's window ends, and its previous event (_rel_window)
            from synthgate.generators import _rel_window

            parent = synth[self.plan["tables"][name]["parent"]]
            anchor = self._anchor(name)
            stand = {"end": _rel_window.ends(window, parent, np.arange(len(counts))),
                     "anchor": rf.to_days(parent[anchor]).to_numpy().astype(float) if anchor is not None else None,
                     "current": np.full(len(counts), np.nan), "counts": counts,
                     "landmarks": self.history["landmarks"].get(name, [])}
            tally = self.last_sample.setdefault("window", {})[name] = {"events": int(counts.sum()), "redrawn": 0,
                                                                        "moved": 0}
        for t in range(int(counts.max(initial=0))):
            active = np.flatnonzero(counts > t)
            fixed = pd.DataFrame(self._parent_context(name, synth, parent_of, {name: counts}, active, fit=False))
            fixed["__pos"] = t
            if window is not None:
                where = _rel_window.context(window, stand["end"][active], stand["current"][active],
                                            np.full(len(active), t), counts[active],
                                            stand["anchor"][active] if stand["anchor"] is not None else None)
                for column, values in where.items():
                    fixed[column] = values
            for c in [*lags, "gap"]:
                key = f"__prev_{c}"
                fixed[key] = (previous[c].loc[active].reset_index(drop=True) if t else
                              pd.Series([None] * len(active), dtype=empty[c]))
            for c, flags in seen.items():
                for j in range(flags.shape[1]):
                    fixed[rf.seen_name(c, j)] = flags[active, j]
            drawn = model.sample(len(active), seed=derive_seed(seed, t), fixed=fixed)
            if window is not None:
                drawn = self._within_window(window, model, drawn, fixed, active, t, stand, tally,
                                            derive_seed(seed, t, 0x77))
            for c in lags:
                if f"__d_{c}" in drawn:  # numbers after the first: the previous value plus the drawn change
                    before = pd.to_numeric(fixed[f"__prev_{c}"], errors="coerce").astype(float).to_numpy()
                    change = drawn[f"__d_{c}"].astype(float).to_numpy()
                    low, high = _learned_range(model, c)
                    if self.plan["tables"][name]["never_null"][c]:
                        change = np.nan_to_num(change)  # a column without nulls: a missing change is none
                    after = before * np.exp(change) if self.plan["tables"][name]["ratios"][c] else before + change
                    drawn[c] = np.where(np.isnan(before), drawn[c].astype(float).to_numpy(), np.clip(after, low, high))
            for c, flags in seen.items():
                codes = rf.category_codes(drawn[c], history[c])
                flags[active[codes >= 0], codes[codes >= 0]] = True
            drawn.index = active
            for c in lags:
                previous[c] = drawn[c]
            previous["gap"] = drawn["__gap"] if t else pd.Series(np.nan, index=active)
            drawn["__pos"] = t
            pieces.append(drawn.reset_index(drop=True))
            owners.append(active)
        if not pieces:
            return pd.DataFrame(), np.zeros(0, dtype=np.int64)
        frame = pd.concat(pieces, ignore_index=True)
        ppos = np.concatenate(owners)
        order = np.lexsort((frame["__pos"].to_numpy(), ppos))
        frame, ppos = frame.iloc[order].reset_index(drop=True), ppos[order]
        self._fill_shared(name, frame, ppos, synth)
        frame[self.plan["tables"][name]["order_by"]] = self._rebuild_order(name, frame, ppos, synth,
                                                                           derive_seed(seed, 0x0B))
        return frame, ppos

    @staticmethod
    def _within_window(window: Mapping[str, Any], model: Any, drawn: pd.DataFrame, fixed: pd.DataFrame,
                       active: np.ndarray, t: int, stand: dict[str, Any], tally: dict[str, int],
                       seed: int) -> pd.DataFrame:
        """Step ``t``'s events from the drawn shares of the time left, kept inside their parents' windows.

        An event outside (a share above 1 or below 0, a first event before the window) is drawn again with
        the same context (the model truncated to the window), up to ``_rel_window.RETRIES`` times, then
        moved to a uniform point of the time left per event to come; ``__start`` / ``__gap`` are rewritten
        as days or numbers (the start from the parent's date where there is one), as ``_rebuild_order`` reads.
        """
        from synthgate.generators import _rel_window

        end, left = stand["end"][active], fixed["__left"].to_numpy().astype(float)
        anchor = stand["anchor"][active] if stand["anchor"] is not None else None
        ref = _rel_window.reference(window, stand["current"][active], np.full(len(active), t), anchor)
        known = ~np.isnan(ref) & ~np.isnan(left)  # a parent without a date: no window to keep

        def value(frame: pd.DataFrame) -> np.ndarray:
            where = frame.index.to_numpy()
            step = frame["__start" if t == 0 else "__gap"]
            if pd.api.types.is_datetime64_any_dtype(step):  # an absolute first date (no parent date)
                return rf.to_days(step).to_numpy().astype(float)
            step = pd.to_numeric(step, errors="coerce").astype(float).to_numpy()
            if window["scale"]["start" if t == 0 else "gap"] != "fraction":  # the step: from the parent's date
                origin = (anchor[where] if anchor is not None else 0.0) if t == 0 else ref[where]
                return on_landmark(frame, origin + (step if t == 0 else np.clip(step, 0, None)))
            return on_landmark(frame, ref[where] + (step if t == 0 else np.clip(step, 0, None)) * left[where])

        def on_landmark(frame: pd.DataFrame, position: np.ndarray) -> np.ndarray:
            """An event drawn on a landmark sits exactly there, if that keeps the order and the window."""
            if not stand["landmarks"] or "__at" not in frame:
                return position
            where, code = frame.index.to_numpy(), frame["__at"].astype(object).to_numpy()
            previous = stand["current"][active][where]
            for j, mark in enumerate(stand["landmarks"]):
                target = mark + (anchor[where] if anchor is not None else 0.0)
                fits = (code == str(j)) & (target <= end[where]) & ((t == 0) | (target >= previous))
                position = np.where(fits, target, position)
            return position

        drawn = drawn.reset_index(drop=True)
        position = value(drawn)
        bad = _rel_window.outside(window, position, end, t == 0) & known
        tally["redrawn"] += int(bad.sum())
        for attempt in range(_rel_window.RETRIES):
            rows = np.flatnonzero(bad)
            if not len(rows):
                break
            again = model.sample(len(rows), seed=derive_seed(seed, attempt),
                                 fixed=fixed.iloc[rows].reset_index(drop=True))
            again.index = rows
            for c in drawn.columns:
                if c in again:
                    column = drawn[c].astype(object) if drawn[c].dtype != again[c].dtype else drawn[c].copy()
                    column.iloc[rows] = again[c].to_numpy()
                    drawn[c] = column
            position[rows] = value(again)
            bad[rows] = _rel_window.outside(window, position[rows], end[rows], t == 0)
        if bad.any():  # still outside after the redraws: a uniform point of the time left per event to come
            tally["moved"] += int(bad.sum())
            pace = np.maximum(end - ref, 0) / np.maximum(stand["counts"][active] - t, 1)
            u = np.random.default_rng(derive_seed(seed, 0x6D)).random(len(active))
            position = np.where(bad, np.minimum(ref + u * pace, end), position)
        position = np.where(known, position, np.nan)  # no window: the rebuild's donor fills it, as before
        if t == 0:
            drawn["__start"] = position - anchor if anchor is not None else position
        else:  # a later event's start means nothing: as days, so that every step's pieces concatenate as numbers
            drawn["__gap"], drawn["__start"] = position - ref, np.nan
        stand["current"][active] = position
        return drawn

    def _rebuild_order(self, name: str, frame: pd.DataFrame, ppos: np.ndarray,
                       synth: Mapping[str, pd.DataFrame], seed: int) -> pd.Series:
        """order_by from the first event's start and the gaps; a start or gap the model left empty
        (order_by never is) takes another synthetic event's (a random donor)."""
        tp = self.plan["tables"][name]
        kind = dict((c, k) for c, k in tp["columns"])[tp["order_by"]]
        first = frame["__pos"].to_numpy() == 0
        start = frame["__start"]
        if pd.api.types.is_datetime64_any_dtype(start):
            start = rf.to_days(start)
        start = start.astype(float).to_numpy()
        gap = np.clip(frame["__gap"].astype(float).to_numpy(), 0, None)
        rng = np.random.default_rng(seed)
        for values, rows in ((start, first), (gap, ~first)):
            empty, donors = rows & np.isnan(values), np.flatnonzero(rows & ~np.isnan(values))
            if empty.any():
                values[empty] = values[rng.choice(donors, size=int(empty.sum()))] if len(donors) else 0.0
        anchor = self._anchor(name)
        if anchor is not None:  # a parent whose date is empty gets a sequence without dates
            start = start + rf.to_days(synth[tp["parent"]][anchor]).to_numpy()[ppos]
        step = np.where(first, start, gap)
        values = pd.Series(step).groupby(ppos).cumsum()
        return rf.from_days(values.to_numpy()) if kind == "datetime" else values

    def _finish(self, synth: dict[str, pd.DataFrame], parent_of: Mapping[str, np.ndarray],
                seed: int) -> dict[str, pd.DataFrame]:
        keys: dict[tuple[str, str], pd.Series] = {}
        for name in self.plan["order"]:
            tp = self.plan["tables"][name]
            n = len(synth[name])
            if tp["key"] is not None:
                keys[(name, tp["key"])] = pd.Series([f"{name}-{j:06d}" for j in range(n)], dtype=object)
        for link in self.plan["secondary"]:
            target = (link["parent"], link["parent_column"])
            if target not in keys:
                n = len(synth[link["parent"]])
                keys[target] = pd.Series([f"{link['parent']}.{link['parent_column']}-{j:06d}" for j in range(n)],
                                         dtype=object)
        out = {}
        for name in self.plan["order"]:
            tp = self.plan["tables"][name]
            frame = synth[name]
            columns: dict[str, pd.Series] = {}
            for column, values in ((c, v) for (t, c), v in keys.items() if t == name):
                columns[column] = values
            if tp["parent"] is not None:
                parent_keys = keys[(tp["parent"], tp["parent_key"])].to_numpy()
                columns[tp["fk"]] = pd.Series(parent_keys[parent_of[name]], dtype=object)
            for j, link in enumerate(self.plan["secondary"]):
                if link["child"] == name:
                    rng = np.random.default_rng(derive_seed(seed, 0x11, j))
                    columns[link["column"]] = _draw_links(self.links_stats[j], keys[(link["parent"],
                                                          link["parent_column"])], len(frame), rng)
            schema_cols = [c for c in tp["columns"]]
            if schema_cols:
                learned = _frames.conform_output(frame, TableSchema(tuple(map(tuple, schema_cols))), tp["dtypes"]) \
                    if len(frame) else pd.DataFrame({c: pd.Series(dtype=tp["dtypes"][c]) for c, _ in schema_cols})
                for c, _ in schema_cols:
                    columns[c] = learned[c]
            table = pd.DataFrame({c: columns[c].reset_index(drop=True) for c in tp["output"] if c in columns})
            out[name] = table.reset_index(drop=True)
        return out

    # --- save / load -----------------------------------------------------------------------------

    def save(self, directory: Path) -> None:
        """Write relational.json (names, kinds, dtypes: no value), links.json (in-degree quantiles:
        as sensitive as a model file) and one autoregressive model directory per table, atomically."""
        if not self.plan:
            raise GeneratorError("the relational generator is not fitted; call fit() or load() first")
        with staged_directory(directory) as staging:
            models = {}
            for i, name in enumerate(self.plan["order"]):
                if self.models.get(name) is not None:
                    models[name] = f"{i:02d}"
                    self.models[name].save(staging / MODELS_DIR / models[name])
            plan = {"format": FORMAT, "kind": self.kind, "plan": self.plan, "models": models, "seed": self.seed,
                    "report": self.report}
            (staging / PLAN_FILE).write_text(json.dumps(plan, indent=2, sort_keys=True) + "\n", encoding="utf-8")
            (staging / STATS_FILE).write_text(json.dumps(self.links_stats) + "\n", encoding="utf-8")
            (staging / HISTORY_FILE).write_text(json.dumps(self.history) + "\n", encoding="utf-8")
            manifest = {"format": FORMAT, "kind": self.kind,
                        "sha256": {f: sha256_of(staging / f) for f in (PLAN_FILE, STATS_FILE, HISTORY_FILE)}}
            (staging / MANIFEST_FILE).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")

    @classmethod
    def load(cls, directory: Path, *, device: str = "cpu") -> RelationalGenerator:
        """Read a directory written by :meth:`save`, verifying every checksum."""
        from synthgate.generators._rel_context import ContextGenerator

        directory = Path(directory)
        try:
            manifest = json.loads((directory / MANIFEST_FILE).read_text(encoding="utf-8"))
            for name, digest in manifest["sha256"].items():
                if sha256_of(directory / name) != digest:
                    raise ModelDirectoryError(directory, f"{name} does not match the sha256 in {MANIFEST_FILE}")
            stored = json.loads((directory / PLAN_FILE).read_text(encoding="utf-8"))
            stats = json.loads((directory / STATS_FILE).read_text(encoding="utf-8"))
            if stored["plan"].get("history") and HISTORY_FILE not in manifest["sha256"]:
                raise KeyError(HISTORY_FILE)
            history = (json.loads((directory / HISTORY_FILE).read_text(encoding="utf-8"))
                       if HISTORY_FILE in manifest["sha256"] else {"seen": {}, "landmarks": {}})  # none saved
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise ModelDirectoryError(directory, f"is not a relational model directory ({type(exc).__name__})") \
                from None
        if stored.get("format") != FORMAT or stored.get("kind") != cls.kind:
            raise ModelDirectoryError(directory, f"unsupported relational format; this code reads {FORMAT}")
        generator = cls()
        generator.plan, generator.links_stats, generator.history = stored["plan"], stats, history
        generator.seed, generator.report = stored["seed"], stored["report"]
        generator.device = resolve_device(device)
        generator.models = {name: None for name in generator.plan["order"]}
        for name, sub in stored["models"].items():
            generator.models[name] = ContextGenerator.load(directory / MODELS_DIR / sub, device=generator.device)
        return generator


def dp_spec_refusal(links: Sequence[Mapping[str, str]], generating: Mapping[str, Mapping[str, str]],
                    tables: Sequence[str]) -> str | None:
    """What differential privacy per subject cannot cover in a spec's links, as one line (None: it can).

    Args:
        links: Every link of the spec (``child``, ``column``, ``parent``, ``parent_column``).
        generating: Each child table's generating link.
        tables: The spec's tables.
    """
    for link in links:
        if generating.get(link["child"]) != link:
            return _rel_dp.REFUSE_SECONDARY.format(link=f"{link['child']}.{link['column']}")
    roots = [name for name in tables if name not in generating]
    if len(roots) != 1:
        return _rel_dp.REFUSE_ROOTS.format(n=len(roots), names=", ".join(roots))
    return None


def _learned_range(model: Any, column: str) -> tuple[float, float]:
    """The range the model's codec of ``column`` learned (protected ends), where sums of changes stay."""
    codec = model._encoder.codecs[model.schema.names.index(column)]
    known = [*getattr(codec, "values", []), *getattr(codec, "points", []), *getattr(codec, "edges", [])]
    return (min(known), max(known)) if known else (-np.inf, np.inf)


def attribute_name(child: str, column: str) -> str:
    return f"{rf.PREFIX}a_{child}__{column}"


def _params(raw: AutoregressiveParams | Mapping[str, Any] | None) -> AutoregressiveParams:
    if raw is None:
        return AutoregressiveParams()
    if isinstance(raw, AutoregressiveParams):
        return raw
    from synthgate.generators.registry import parse_params

    return parse_params("autoregressive", raw)  # type: ignore[return-value]


def _root_rows(name: str, real: int, scale: float, n_parents: int | Mapping[str, int] | None) -> int:
    if n_parents is None:
        return max(1, int(round(real * scale)))
    wanted = n_parents.get(name, max(1, int(round(real * scale)))) if isinstance(n_parents, Mapping) else n_parents
    if isinstance(wanted, bool) or not isinstance(wanted, (int, np.integer)) or wanted < 1:
        raise GeneratorError("n_parents must be an integer ≥ 1 (or a mapping of root tables to one)")
    return int(wanted)


def _counts(parent: pd.DataFrame, child: str, max_children: int) -> np.ndarray:
    column = parent[rf.count_name(child)] if rf.count_name(child) in parent else pd.Series(0, index=parent.index)
    values = pd.to_numeric(column).astype(float).fillna(0).round().clip(0, max_children)
    return values.to_numpy().astype(np.int64)


def _link_stats(link: Mapping[str, str], tables: Mapping[str, pd.DataFrame], protection: int) -> dict[str, Any]:
    """Null share of a secondary foreign key and quantiles of the in-degree of the rows it points at.

    The largest in-degrees are clipped to the one ``protection`` rows reach, as the single-table
    model protects extremes; quantiles hold no key.
    """
    child = tables[link["child"]][link["column"]]
    target = tables[link["parent"]][link["parent_column"]].astype(str)
    present = child.notna() & child.astype(str).isin(set(target))
    indegree = child[present].astype(str).value_counts().reindex(target, fill_value=0).to_numpy()
    if len(indegree) >= protection > 1:
        indegree = np.minimum(indegree, np.sort(indegree)[-protection])
    quantiles = np.quantile(indegree, np.linspace(0, 1, QUANTILES)) if len(indegree) else np.zeros(QUANTILES)
    return {"link": dict(link), "null_share": float(1 - present.mean()),
            "unmatched": int((child.notna() & ~present).sum()),
            "indegree_quantiles": [float(q) for q in quantiles]}


def _draw_links(stats: Mapping[str, Any], targets: pd.Series, n: int, rng: np.random.Generator) -> pd.Series:
    out = pd.Series([None] * n, dtype=object)
    present = int(round(n * (1 - stats["null_share"])))
    if n == 0 or present == 0 or len(targets) == 0:
        return out
    weights = np.asarray(stats["indegree_quantiles"])[rng.integers(0, QUANTILES, len(targets))]
    p = weights / weights.sum() if weights.sum() > 0 else None
    chosen = rng.choice(len(targets), size=present, p=p)
    where = rng.choice(n, size=present, replace=False)
    out.iloc[where] = targets.to_numpy()[chosen]
    return out


"""sdv_par: SDV's PARSynthesizer as a peer of RelationalGenerator for one parent and one sequence child.

PAR (probabilistic autoregressive, a recurrent network) models one sequence table; the parent's
learned columns ride along as context columns, constant per sequence (as benchmarks/_rel_runner.py
runs it), and its GaussianCopula context model draws one parent row per sequence. Limits, refused
before any data is read: exactly two tables, a root and one sequence child linked to it by one
foreign key (no other link, table or sequence), no differential privacy. A parent without
children is neither learned nor generated (every synthetic parent has a sequence of at least one
event), and no value protection (rare categories are learned as they are; the release's gates
still apply). Training runs on CUDA when the device resolves to it.
"""
from __future__ import annotations

import warnings
from collections.abc import Mapping
from typing import Any, ClassVar

import pandas as pd
from pydantic import Field

from synthgate.generators._params import GeneratorParams
from synthgate.generators._rel_peer import RelationalPeer, seed_synthesizer
from synthgate.generators._seeding import derive_seed, seeded
from synthgate.generators.errors import GeneratorError

CONTEXT = "__parent_"  # prefix of the parent's columns in PAR's one table


class PARParams(GeneratorParams):
    """Options of SDV's PARSynthesizer (defaults equal SDV's)."""

    epochs: int = Field(128, ge=1, le=10_000, description="Training epochs of the recurrent network.")
    sample_size: int = Field(1, ge=1, le=100, description="Draws per step when sampling; the most likely is kept.")
    segment_size: int | None = Field(None, ge=1, le=100_000, description="Cut long sequences into segments of "
                                     "this many events for training; null: whole sequences.")
    enforce_min_max_values: bool = Field(True, description="Clip numerical output to the training range.")


class PARGenerator(RelationalPeer):
    """SDV's PARSynthesizer on one sequence table, its parent's columns as context."""

    kind: ClassVar[str] = "sdv_par"
    Params: ClassVar[type[PARParams]] = PARParams
    table_model: ClassVar[str] = "par"

    @classmethod
    def _check_shape(cls, keys: dict[str, str | None], links: list[Mapping[str, str]],
                     sequences: dict[str, Any]) -> None:
        if len(sequences) != 1:
            raise GeneratorError(f"generator 'sdv_par' models exactly one sequence table; this release has "
                                 f"{len(sequences)} (tables with sequence:); use generator.kind relational")
        child = next(iter(sequences))
        if len(keys) != 2 or len(links) != 1 or links[0]["child"] != child or links[0]["parent"] == child:
            raise GeneratorError(f"generator 'sdv_par' models a parent and its one sequence table {child!r}, linked "
                                 f"by one reference; this release has {len(keys)} tables and {len(links)} "
                                 "reference(s); use generator.kind relational")

    def _device(self, requested: str) -> str:
        from synthgate.generators.device import resolve_device

        return resolve_device(requested)

    def _names(self) -> tuple[str, str, dict[str, Any], dict[str, Any]]:
        link = self.plan["links"][0]
        return link["parent"], link["child"], self.plan["tables"][link["parent"]], self.plan["tables"][link["child"]]

    def _fit(self, tables: Mapping[str, pd.DataFrame]) -> dict[str, dict[str, Any]]:
        from sdv.metadata import Metadata
        from sdv.sequential import PARSynthesizer

        parent, child, ptp, ctp = self._names()
        clash = [c for c, _ in ctp["columns"] if c.startswith(CONTEXT)]
        if clash:
            raise GeneratorError(f"table {child!r}: column {clash[0]!r} starts with {CONTEXT!r}, which sdv_par "
                                 "keeps for the parent's columns")
        fk, order_by = ctp["fk"], ctp["order_by"]
        context = self.sdv_frame(parent, tables[parent])
        context = context[[ptp["key"], *[c for c, _ in ptp["columns"]]]].rename(
            columns={c: CONTEXT + c for c, _ in ptp["columns"]})
        events = self.sdv_frame(child, tables[child])[[fk, *[c for c, _ in ctp["columns"]]]]
        joined = events.merge(context, left_on=fk, right_on=ptp["key"], how="inner")
        joined = joined[[fk, *[c for c, _ in ctp["columns"]], *[CONTEXT + c for c, _ in ptp["columns"]]]]
        if joined.empty:
            raise GeneratorError(f"table {child!r}: no row references a row of {parent!r}; sdv_par learns nothing")
        columns = {fk: {"sdtype": "id"}}
        for c, k in ctp["columns"]:
            columns[c] = self.metadata_columns(child)[c]
        for c, k in ptp["columns"]:
            columns[CONTEXT + c] = self.metadata_columns(parent)[c]
        metadata = Metadata.load_from_dict({"tables": {child: {"columns": columns, "sequence_key": fk,
                                                               "sequence_index": order_by}},
                                            "METADATA_SPEC_VERSION": "V1"})
        p = self.params
        synthesizer = PARSynthesizer(metadata, context_columns=[CONTEXT + c for c, _ in ptp["columns"]],
                                     epochs=p.epochs, sample_size=p.sample_size, segment_size=p.segment_size,
                                     enforce_min_max_values=p.enforce_min_max_values,
                                     cuda=self.device == "cuda", verbose=False)
        with seeded(derive_seed(self.seed, 0x9A)), warnings.catch_warnings():
            # PAR moves the sequence key and index in its own copy; the output order is ours (finish)
            warnings.filterwarnings("ignore", message="The metadata lists columns in a different order")
            synthesizer.fit({child: joined})  # SDV 2.0: a dict of exactly one table
        self._synthesizer = synthesizer
        sequences = int(joined[fk].nunique())
        return {parent: {"learned": sequences, "childless_ignored": len(tables[parent]) - sequences},
                child: {"learned": len(joined), "orphans_ignored": len(tables[child]) - len(joined)}}

    def _move(self, device: str) -> None:
        model = getattr(self._synthesizer, "_model", None)
        net = getattr(model, "_model", None)
        if model is not None and net is not None:
            import torch

            model.device = torch.device(device)
            net.to(model.device)

    def _sample(self, scale: float, n_parents: int | None, seed: int) -> dict[str, pd.DataFrame]:
        parent, child, ptp, ctp = self._names()
        learned = self.report["tables"][parent]["learned"]
        n = n_parents if n_parents is not None else max(1, int(round(learned * scale)))
        synthesizer = self._synthesizer
        seed_synthesizer(synthesizer._context_synthesizer, derive_seed(seed, 0xC0))
        with seeded(derive_seed(seed, 0x5E)):
            drawn = synthesizer.sample_sequences(num_sequences=n)
        events = drawn[child] if isinstance(drawn, dict) else drawn
        fk = ctp["fk"]
        first = events.drop_duplicates(fk)
        parents = pd.DataFrame({ptp["key"]: first[fk].to_numpy()})
        for c, _ in ptp["columns"]:
            parents[c] = first[CONTEXT + c].to_numpy()
        children = events[[fk, *[c for c, _ in ctp["columns"]]]].copy()
        # PAR rebuilds order_by from drawn differences, which may go backwards: rows in order within a sequence
        children["__sequence"] = pd.factorize(children[fk])[0]
        children = children.sort_values(["__sequence", ctp["order_by"]], kind="stable").drop(columns="__sequence")
        if ctp["key"] is not None:
            children[ctp["key"]] = [f"event-{j}" for j in range(len(children))]  # replaced by fresh keys
        return {parent: parents, child: children}

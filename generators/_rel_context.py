"""The autoregressive generator with a block of context columns drawn first (fixed when sampling).

A child table's model learns its own columns after the context (the parent row, the position in
the sequence, the previous event): the context columns lead the column order, so sampling with
them fixed follows exactly the order the network was trained in. Everything else (encoding,
value protection, training, calibration, save and load) is the single-table generator's.
"""
from __future__ import annotations

from typing import Any, ClassVar

import numpy as np
import pandas as pd

from synthgate.generators import _threads
from synthgate.generators._ar_encoder import EncodingOptions, TableEncoder
from synthgate.generators._seeding import derive_seed
from synthgate.generators.autoregressive import AutoregressiveGenerator
from synthgate.generators.base import TableSchema
from synthgate.generators.constraints import check_constraints
from synthgate.generators.errors import GeneratorError


class ContextGenerator(AutoregressiveGenerator):
    """An :class:`AutoregressiveGenerator` whose ``context`` columns come first in the learned order.

    Saved and loaded as an ordinary autoregressive model (the column order is part of model.pt).
    """

    # The relational figures (issue 16) were measured with the earlier single-table defaults; they
    # stay until the relational benchmark is run with the new ones (3e-3, 16 steps per epoch, any gain,
    # input dropout 0.2 at any size).
    default_learning_rate = 3e-3
    steps_per_epoch = 16
    default_min_gain = 0.0
    parallel_work = _threads.SMALL_WORK
    default_dropout = 0.2

    kind: ClassVar[str] = "autoregressive"

    def __init__(self, *args: Any, context: tuple[str, ...] = (), subjects: Any = None, population: int | None = None,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.context = tuple(context)
        self.subjects = subjects  # each training row's subject: validation holds out whole subjects
        self.population = population  # subjects of the release (root rows): the DP unit's count, public

    def _fit(self, frame: pd.DataFrame, schema: TableSchema) -> None:
        if not self.context:
            super()._fit(frame, schema)
            return
        if self.params.dp is not None and (self.subjects is None or self.population is None):
            raise GeneratorError("differential privacy for a model with context columns needs each row's subject "
                                 "and the number of subjects (the relational generator gives both)")
        from synthgate.generators import _ar_calibrate, _ar_order, _ar_train

        params = self.params
        check_constraints(params.constraints, schema)
        options = EncodingOptions(params.bins, params.fine, params.max_discrete, params.value_protection)
        config, mark = self._training_setup(frame, schema), _threads.load_mark()
        self._input_dropout = self._input_dropout_for(len(frame))
        if params.dp is not None:
            threads = self._training_threads(frame, schema, mark)
            with _threads.torch_threads(threads):
                outcome = self._fit_private_grouped(frame, schema, options, config)
            self._training = self._training_record(outcome, schema, threads, None)
            return
        self._encoder = TableEncoder.fit(frame, schema, options)
        self._network = self._new_network()
        learned = _ar_order.learn_order(frame[list(schema.names)], [kind for _, kind in schema.columns],
                                        seed=derive_seed(self.seed, 0x0D))
        first = [schema.names.index(name) for name in self.context]
        self._network.set_column_order(first + [c for c in learned if c not in first])
        tokens = self._encoder.encode(frame)
        threads = self._training_threads(frame, schema, mark)  # the load measured while the rows were encoded
        with _threads.torch_threads(threads):
            if self.subjects is None:
                outcome = _ar_train.train(self._network, tokens, config, self._progress)
            else:
                from synthgate.generators import _rel_train

                val = _rel_train.held_out(np.asarray(self.subjects), params.val_share, derive_seed(self.seed, 0x7A))
                subs = np.isin(np.asarray(self._encoder.groups), first)
                outcome = _rel_train.train_grouped(self._network, tokens, val, subs, config, self._progress)
            calibration_gap = _ar_calibrate.calibrate_marginals(self._network, tokens, device=self.device,
                                                                seed=derive_seed(self.seed, 0xCA))
        self._training = self._training_record(outcome, schema, threads, calibration_gap)

    def _fit_private_grouped(self, frame: pd.DataFrame, schema: TableSchema, options: EncodingOptions,
                             config: Any) -> Any:
        """DP with the subject as the unit: domains and head biases from one row per subject, DP-SGD per subject.

        The column order is the context, then the schema's (a learned order reads the rows). The
        noise, the row drawn per subject and the Poisson batches come from OS entropy, never from
        the public seed.
        """
        import math
        import os

        from synthgate.generators import _ar_train, _dp_domains, _rel_dp, _rel_train, dp_accounting
        from synthgate.generators._ar_encoder import PrivateDomains, needed_releases
        from synthgate.generators.autoregressive import _auto_batch, _check_domains, declared_domains

        dp, population = self.params.dp, int(self.population)
        subjects = np.asarray(self.subjects)
        declared = declared_domains(dp)
        _check_domains(declared, schema)
        names = [*needed_releases(schema, declared), "token_marginals"]
        plan = dp_accounting.plan_budget(epsilon=dp.epsilon, delta=dp.delta, n_rows=population, releases=len(names))
        rng = np.random.default_rng()  # OS entropy
        one = _rel_dp.one_row_per_subject(subjects, rng)
        private = PrivateDomains(declared, plan.release_noise, plan.threshold_delta, rng)
        self._encoder = TableEncoder.fit(frame.iloc[one].reset_index(drop=True), schema, options, private)
        releases = [dp_accounting.GaussianRelease(name, plan.release_noise) for name in names]
        tokens = self._encoder.encode(frame)
        rate = min(1.0, (dp.batch_size or _auto_batch(population, "cpu", dp=True)) / population)
        steps = max(1, math.ceil(dp.epochs / rate))
        noise = dp_accounting.calibrate_sgd_noise(epsilon=dp.epsilon, delta=plan.accounting_delta,
                                                  sample_rate=rate, steps=steps, releases=releases)
        self._network = self._new_network()
        first = [schema.names.index(name) for name in self.context]
        self._network.set_column_order(first + [c for c in range(len(schema.names)) if c not in first])
        sigma = _dp_domains.per_count_sigma(plan.release_noise, len(self._encoder.cardinalities))
        self._network.start_from_counts([np.bincount(tokens[one, s], minlength=c) + rng.normal(0.0, sigma, c)
                                         for s, c in enumerate(self._encoder.cardinalities)])
        subs = np.isin(np.asarray(self._encoder.groups), first)
        train_plan = _ar_train.DPTrainPlan(noise, dp.max_grad_norm, rate, steps, dp.physical_batch,
                                           secret_seed=int.from_bytes(os.urandom(8), "little"))
        outcome = _rel_train.train_private_grouped(self._network, tokens, subjects, population, subs, config,
                                                   train_plan, self._progress)
        sgd = dp_accounting.SgdRun(noise, rate, outcome.steps)
        self._privacy = dp_accounting.accountant_record(plan=plan, releases=releases, sgd=sgd,
                                                        max_grad_norm=dp.max_grad_norm)
        self._privacy.update({"unit": "subject", "subjects": population})
        return outcome

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

from synthgate.generators._ar_encoder import EncodingOptions, TableEncoder
from synthgate.generators._seeding import derive_seed
from synthgate.generators.autoregressive import AutoregressiveGenerator, train_config
from synthgate.generators.base import TableSchema
from synthgate.generators.constraints import check_constraints
from synthgate.generators.errors import GeneratorError


class ContextGenerator(AutoregressiveGenerator):
    """An :class:`AutoregressiveGenerator` whose ``context`` columns come first in the learned order.

    Saved and loaded as an ordinary autoregressive model (the column order is part of model.pt).
    """

    kind: ClassVar[str] = "autoregressive"

    def __init__(self, *args: Any, context: tuple[str, ...] = (), subjects: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.context = tuple(context)
        self.subjects = subjects  # each training row's subject: validation holds out whole subjects

    def _fit(self, frame: pd.DataFrame, schema: TableSchema) -> None:
        if not self.context:
            super()._fit(frame, schema)
            return
        if self.params.dp is not None:
            raise GeneratorError("differential privacy is not available for a model with context columns")
        from synthgate.generators import _ar_calibrate, _ar_order, _ar_train, _threads

        params = self.params
        check_constraints(params.constraints, schema)
        options = EncodingOptions(params.bins, params.fine, params.max_discrete, params.value_protection)
        config = train_config(params, len(frame), self.device, self.seed)
        work = len(frame) * len(schema.columns) * 2
        threads = _threads.training_threads(params.threads, work=work)
        with _threads.torch_threads(threads):
            self._encoder = TableEncoder.fit(frame, schema, options)
            self._network = self._new_network()
            learned = _ar_order.learn_order(frame[list(schema.names)], [kind for _, kind in schema.columns],
                                            seed=derive_seed(self.seed, 0x0D))
            first = [schema.names.index(name) for name in self.context]
            self._network.set_column_order(first + [c for c in learned if c not in first])
            tokens = self._encoder.encode(frame)
            if self.subjects is None:
                outcome = _ar_train.train(self._network, tokens, config, self._progress)
            else:
                from synthgate.generators import _rel_train

                val = _rel_train.held_out(np.asarray(self.subjects), params.val_share, derive_seed(self.seed, 0x7A))
                subs = np.isin(np.asarray(self._encoder.groups), first)
                outcome = _rel_train.train_grouped(self._network, tokens, val, subs, config, self._progress)
            calibration_gap = _ar_calibrate.calibrate_marginals(self._network, tokens, device=self.device,
                                                                seed=derive_seed(self.seed, 0xCA))
        self._training = {"epochs": outcome.epochs, "steps": outcome.steps, "stopped": outcome.stopped,
                          "max_minutes": params.max_minutes, "threads": threads, "calibration_gap": calibration_gap,
                          "best_val_loss": outcome.best_val_loss, "curve": outcome.curve,
                          "column_order": [schema.names[c] for c in self._network.column_order]}

"""Training defaults of the autoregressive generator: batch size, learning rate, and the gain an epoch must make."""
from __future__ import annotations

import numpy as np
import pytest
import torch

from synthgate import generators
from synthgate.generators import _ar_train
from synthgate.generators._ar_network import ARNetwork
from synthgate.generators._rel_context import ContextGenerator
from synthgate.generators.autoregressive import (
    DEFAULT_LEARNING_RATE,
    DEFAULT_MIN_GAIN,
    DP_LEARNING_RATE,
    _auto_batch,
    train_config,
)


@pytest.mark.parametrize(("rows", "batch"), [
    (500, 32),        # small tables: rows/16 steps, at least 32 rows
    (3_000, 187),     # under 4,096 rows: rows/16
    (8_000, 256),     # the 256-row floor (rows/32 would be 250)
    (12_419, 388),    # rows/32
    (60_000, 1024),   # the CPU cap
])
def test_the_automatic_batch_gives_about_32_steps_per_epoch_within_its_bounds(rows, batch):
    # Run / Assert
    assert _auto_batch(rows, "cpu") == batch


def test_cuda_batches_may_grow_past_the_cpu_cap_and_dp_keeps_its_own_rule():
    # Run / Assert
    assert _auto_batch(100_000, "cuda") == 3125
    assert _auto_batch(100_000, "cpu", dp=True) == 4096
    assert _auto_batch(8_000, "cpu", dp=True) == 800


def test_the_learning_rate_defaults_to_the_faster_rate_and_to_the_measured_one_under_dp():
    # Setup
    plain = generators.parse_params("autoregressive", {})
    private = generators.parse_params("autoregressive", {"dp": {"epsilon": 1.0, "delta": 1e-5}})
    chosen = generators.parse_params("autoregressive", {"learning_rate": 0.001, "min_gain": 0.01})

    # Run
    configs = [train_config(params, 8_000, "cpu", 0) for params in (plain, private, chosen)]

    # Assert
    assert [config.learning_rate for config in configs] == [DEFAULT_LEARNING_RATE, DP_LEARNING_RATE, 0.001]
    assert DEFAULT_LEARNING_RATE > DP_LEARNING_RATE
    assert configs[0].min_gain == 0.0 and configs[2].min_gain == 0.01  # train_config's own default, or the param's
    assert configs[0].batch_size == 256


def test_relational_context_models_keep_the_defaults_their_figures_were_measured_with():
    # Run / Assert
    assert generators.AutoregressiveGenerator.default_min_gain == DEFAULT_MIN_GAIN > 0
    assert (ContextGenerator.default_learning_rate, ContextGenerator.steps_per_epoch,
            ContextGenerator.default_min_gain, ContextGenerator.default_dropout) == (3e-3, 16, 0.0, 0.2)
    assert generators.AutoregressiveGenerator.default_dropout is None  # by training rows


def _run(losses: list[float], *, min_gain: float, patience: int = 3) -> _ar_train.TrainOutcome:
    """Train a tiny network while ``validate`` reports ``losses`` one per epoch (then the last one again)."""
    network = ARNetwork([3, 4], [0, 1], hidden=4, embedding_cap=2)
    tokens = torch.as_tensor(np.random.default_rng(0).integers(0, 3, size=(64, 2)), dtype=torch.long)
    config = _ar_train.TrainConfig(max_epochs=len(losses), batch_size=32, learning_rate=1e-3, patience=patience,
                                   val_share=0.1, max_seconds=None, random_order_share=0.0, device="cpu", seed=0,
                                   min_gain=min_gain)
    reported = iter(losses)
    return _ar_train.fit_epochs(network, tokens, 32, config, torch.Generator().manual_seed(0), None,
                                loss=network.loss, validate=lambda: next(reported))


def test_epochs_that_gain_less_than_min_gain_of_the_loss_stop_training_but_the_best_weights_are_kept():
    # Setup: a first drop, then gains of 0.01% of the loss per epoch
    losses = [100.0, 50.0] + [50.0 * (1 - 1e-4) ** k for k in range(1, 19)]

    # Run
    strict, lax = _run(losses, min_gain=1e-3), _run(losses, min_gain=0.0)

    # Assert: 2 epochs that count, then 3 (the patience) that do not
    assert strict.stopped == "converged" and strict.epochs == 5
    assert strict.best_val_loss == pytest.approx(losses[4])  # the lowest loss seen, though its gain did not count
    assert lax.stopped == "max_epochs" and lax.epochs == len(losses)  # any gain above 1e-4 counts


def test_a_gain_of_min_gain_or_more_counts():
    # Setup: each epoch gains 1% of the loss, above a 0.5% min_gain
    losses = [100.0 * 0.99 ** k for k in range(8)]

    # Run
    outcome = _run(losses, min_gain=5e-3)

    # Assert
    assert outcome.stopped == "max_epochs" and outcome.epochs == 8

"""The training ETA: epoch-time trend × epochs early stopping still expects, capped by the time budget."""
from __future__ import annotations

import math

import pytest

from synthgate.generators.progress import (
    PRIOR_EPOCHS, RELATIVE_GAIN, TrainingProgress, eta_seconds, remaining_epochs,
)


def test_the_first_line_of_a_slow_epoch_does_not_assume_every_epoch():
    # Setup: the case, a first epoch of 68.65 s with max_epochs 100 and a 10-minute budget
    left = remaining_epochs([120.0], epoch=1, max_epochs=100, patience=4, waited=0)

    # Run
    unbounded = eta_seconds([68.65], left, None)
    budgeted = eta_seconds([68.65], left, 600 - 68.65)

    # Assert: the prior of PRIOR_EPOCHS in all, not 99 more epochs (6,796 s); the budget caps it
    assert left == PRIOR_EPOCHS - 1
    assert unbounded == pytest.approx(68.65 * (PRIOR_EPOCHS - 1))
    assert budgeted == pytest.approx(600 - 68.65) and budgeted < 68.65 * 99


def test_shrinking_gains_predict_the_epochs_until_they_fade_plus_patience():
    # Setup: best-loss gains 8, 4, 2 (ratio 1/2) on a loss near 100: gains fade below 0.1 after
    # ceil(log(0.1 / 2) / log(0.5)) = 5 more epochs
    losses = [114.0, 106.0, 102.0, 100.0]

    # Run
    left = remaining_epochs(losses, epoch=4, max_epochs=100, patience=4, waited=0)

    # Assert
    floor = RELATIVE_GAIN * 100.0
    assert left == math.ceil(math.log(floor / 2.0) / math.log(0.5)) + 4 == 9


def test_epochs_left_never_exceed_max_epochs_and_waiting_counts_down_the_patience():
    # Setup
    losses = [114.0, 106.0, 102.0, 100.0]

    # Run
    capped = remaining_epochs(losses, epoch=4, max_epochs=6, patience=4, waited=0)
    waiting = remaining_epochs([*losses, 100.5, 101.0], epoch=6, max_epochs=100, patience=4, waited=2)
    faded = remaining_epochs([100.0, 99.0, 98.99999], epoch=3, max_epochs=100, patience=4, waited=0)

    # Assert
    assert capped == 2
    assert waiting == 2
    assert faded == 4  # the last gain is below the noise floor: only the patience is left


def test_without_validation_every_planned_epoch_runs():
    # Setup / Run
    left = remaining_epochs([], epoch=3, max_epochs=20, patience=4, waited=0)

    # Assert: DP training and tiny tables have no validation split to stop early on
    assert left == 17


def test_the_epoch_time_is_the_mean_of_the_recent_trend_not_the_first_epoch():
    # Setup: a slow first epoch (warm-up), then steady 2 s epochs
    times = [9.0, 2.0, 2.0, 2.0]

    # Run
    eta = eta_seconds(times, 5, None)

    # Assert
    assert eta == pytest.approx(10.0)
    assert eta_seconds(times, 5, -3.0) == 0.0  # past the budget: nothing left


def test_the_line_says_how_many_epochs_are_expected():
    # Setup
    facts = TrainingProgress(2, 100, 1.5, 1.6, 4.0, 16.0, expected_epochs=10)

    # Run
    line = facts.line()

    # Assert
    assert line.startswith("epoch 2/100 (about 10 expected)") and "about 16.0 s left" in line
    assert "expected" not in TrainingProgress(2, 10, None, None, 4.0, 16.0, expected_epochs=10).line()

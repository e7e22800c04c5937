"""The autoregressive generator end to end: values as recorded, and null shares after marginal calibration."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import torch

from synthgate.generators import AutoregressiveGenerator, AutoregressiveParams, TableSchema
from synthgate.generators._ar_calibrate import GAP_DONE, _head_bias, calibrate_marginals
from synthgate.generators._ar_network import ARNetwork
from synthgate.generators._frames import prepare_training

ROWS = 2000
SCHEMA = TableSchema((("ward", "categorical"), ("lab", "numerical"), ("rate", "numerical"), ("score", "numerical")))


@pytest.fixture(scope="module")
def recorded() -> pd.DataFrame:
    """A ward, a float32 one-decimal lab value, heart rates mostly ×10, integer scores stored as float with nulls."""
    rng = np.random.default_rng(0)
    ward = rng.choice(["a", "b", "c"], ROWS, p=[0.5, 0.3, 0.2])
    lab = np.float32(np.round(rng.lognormal(1.5, 0.5, ROWS) + (ward == "b"), 1)).astype(np.float64)
    rates = rng.normal(100, 30, ROWS)
    rate = np.where(rng.random(ROWS) < 0.9, np.round(rates / 10) * 10, np.round(rates))
    score = np.round(rng.gamma(3, 40, ROWS))
    score[(ward == "a") | (rng.random(ROWS) < 0.1)] = np.nan  # null for ward a, and a tenth of the rest
    return pd.DataFrame({"ward": ward, "lab": lab, "rate": rate, "score": score})


@pytest.fixture(scope="module")
def drawn(recorded: pd.DataFrame) -> tuple[AutoregressiveGenerator, pd.DataFrame]:
    params = AutoregressiveParams(max_epochs=3, max_discrete=32)  # binned, as columns of a wide table are
    generator = AutoregressiveGenerator(params, seed=0)
    generator.fit(recorded, SCHEMA)
    return generator, generator.sample(ROWS, seed=1)


def test_sampled_values_lie_on_the_recorded_lattices(recorded, drawn):
    # Setup
    _, synthetic = drawn
    lab, rate, score = synthetic["lab"], synthetic["rate"], synthetic["score"].dropna()

    # Assert
    assert (np.float32(lab.round(1)).astype(np.float64) == lab).all()  # float32 one-decimal readings
    assert (rate == rate.round()).all() and abs((rate % 10 == 0).mean() - 0.9) < 0.05
    assert (score == score.round()).all()
    for name in ("lab", "rate", "score"):
        assert 0.5 <= synthetic[name].nunique() / recorded[name].nunique() <= 2.0, name


def test_null_shares_and_their_link_to_another_column_are_kept_after_calibration(recorded, drawn):
    # Setup
    generator, _ = drawn
    tokens = generator._encoder.encode(prepare_training(recorded, SCHEMA))

    def null_in_a(frame: pd.DataFrame) -> float:  # present_when: ward a never has a score
        return frame.loc[frame["ward"] == "a", "score"].isna().mean()

    # Run
    before = generator.sample(ROWS, seed=2)
    calibrate_marginals(generator._network, tokens, device="cpu")
    after = generator.sample(ROWS, seed=2)

    # Assert
    assert abs(after["score"].isna().mean() - recorded["score"].isna().mean()) < 0.03
    assert null_in_a(after) >= null_in_a(before) - 0.02  # the shift moves no weight that links columns


def _network_with_skewed_biases() -> tuple[ARNetwork, np.ndarray]:
    """Two sub-columns: b copies a; heads whose biases were pushed far from the real shares."""
    torch.manual_seed(0)
    rng = np.random.default_rng(3)
    a = rng.choice(3, 5000, p=[0.6, 0.3, 0.1])
    tokens = np.stack([a, a], axis=1)
    network = ARNetwork([3, 3], [0, 1], hidden=8, embedding_cap=4)
    network.start_from_marginals(torch.as_tensor(tokens))
    for s in range(2):
        _head_bias(network, s).add_(torch.tensor([2.0, 0.0, -1.0]))
    return network.eval(), tokens


def test_calibration_moves_mean_predictions_onto_the_real_shares():
    # Setup
    network, tokens = _network_with_skewed_biases()
    shares = np.bincount(tokens[:, 0], minlength=3) / len(tokens)

    # Run
    first_gap = calibrate_marginals(network, tokens, device="cpu")
    with torch.no_grad():
        embedded = network.embed(torch.as_tensor(tokens))
        predicted = torch.softmax(network.head_logits(1, embedded), dim=1).mean(dim=0).numpy()

    # Assert
    assert first_gap > 0.1  # the skew was visible before
    assert np.abs(predicted - shares).max() < 0.005


def test_a_token_absent_from_the_data_keeps_a_finite_bias():
    # Setup: token 2 never occurs
    network, tokens = _network_with_skewed_biases()
    tokens = np.where(tokens == 2, 1, tokens)

    # Run
    calibrate_marginals(network, tokens, device="cpu")

    # Assert
    assert all(torch.isfinite(_head_bias(network, s)).all() for s in range(2))


def test_calibration_of_no_rows_does_nothing():
    # Setup
    network, _ = _network_with_skewed_biases()
    before = [_head_bias(network, s).clone() for s in range(2)]

    # Run
    gap = calibrate_marginals(network, np.zeros((0, 2), dtype=np.int64), device="cpu")

    # Assert
    assert gap == 0.0 and all(torch.equal(b, _head_bias(network, s)) for s, b in enumerate(before))


def test_a_head_already_calibrated_keeps_its_bias_while_the_others_are_moved():
    # Setup: head 0 skewed, head 1 put back on its real shares first
    network, tokens = _network_with_skewed_biases()
    with torch.no_grad():
        embedded = network.embed(torch.as_tensor(tokens))
        for _ in range(20):  # iterative scaling of head 1 alone, to well within GAP_DONE
            predicted = torch.softmax(network.head_logits(1, embedded), dim=1).mean(dim=0)
            shares = torch.bincount(torch.as_tensor(tokens[:, 1]), minlength=3) / len(tokens)
            _head_bias(network, 1).add_(torch.log(shares) - torch.log(predicted))
    calibrated, skewed = _head_bias(network, 1).clone(), _head_bias(network, 0).clone()

    # Run
    calibrate_marginals(network, tokens, device="cpu")

    # Assert: head 1 untouched, head 0 moved onto its shares
    assert torch.equal(_head_bias(network, 1), calibrated)
    assert not torch.equal(_head_bias(network, 0), skewed)
    with torch.no_grad():
        predicted = torch.softmax(network.head_logits(0, embedded), dim=1).mean(dim=0).numpy()
    assert np.abs(predicted - np.bincount(tokens[:, 0], minlength=3) / len(tokens)).max() < GAP_DONE

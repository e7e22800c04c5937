"""The validation loss: every row in every order on small splits, each row in one order on large ones."""
from __future__ import annotations

import pytest
import torch

from synthgate.generators import _ar_train
from synthgate.generators._ar_network import ARNetwork
from synthgate.generators._ar_train import STRATIFIED_MIN_ROWS, TrainConfig, _evaluate, validation_parts

CARDS, GROUPS = [5, 3, 7, 4], [0, 1, 2, 3]


def _config(share: float = 0.25) -> TrainConfig:
    return TrainConfig(max_epochs=1, batch_size=64, learning_rate=1e-2, patience=1, val_share=0.1, max_seconds=None,
                       random_order_share=share, device="cpu", seed=0)


def _rows(count: int, seed: int = 0) -> torch.Tensor:
    """Token rows in which column 1 follows column 0 and column 3 follows column 2 (orders matter)."""
    generator = torch.Generator().manual_seed(seed)
    first = torch.randint(0, 5, (count,), generator=generator)
    third = torch.randint(0, 7, (count,), generator=generator)
    return torch.stack([first, first % 3, third, third % 4], dim=1)


def _network() -> ARNetwork:
    torch.manual_seed(0)
    return ARNetwork(CARDS, GROUPS, hidden=8, embedding_cap=4).eval()


def _orders(network: ARNetwork) -> list[torch.Tensor]:
    return [network.rank_for([3, 2, 1, 0]), network.rank_for([1, 3, 0, 2])]


def _scored_rows(network: ARNetwork, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Records the rows each call of ``network.loss`` scores."""
    seen: list[int] = []
    loss = network.loss
    monkeypatch.setattr(network, "loss", lambda tokens: (seen.append(len(tokens)), loss(tokens))[1])
    return seen


@pytest.mark.parametrize("rows", [10, 999])
def test_below_the_threshold_every_row_scores_every_order(rows):
    # Run
    parts = validation_parts(rows, 0.25, 2)

    # Assert
    assert rows < STRATIFIED_MIN_ROWS
    assert parts == [slice(0, rows)] * 3


@pytest.mark.parametrize(("rows", "share"), [(1_000, 0.25), (4_800, 0.25), (12_345, 0.5), (2_001, 0.1)])
def test_from_the_threshold_on_the_rows_split_in_proportion_to_the_orders_weights(rows, share):
    # Run
    parts = validation_parts(rows, share, 2)

    # Assert: disjoint, every row once, each part as large as its weight says (to a row)
    covered = [r for part in parts for r in range(rows)[part]]
    assert covered == list(range(rows))
    sizes = [part.stop - part.start for part in parts]
    for size, weight in zip(sizes, [1 - share, share / 2, share / 2]):
        assert abs(size - weight * rows) <= 1


def test_a_share_too_small_to_give_every_order_a_row_scores_every_row_in_every_order():
    # Run: 5,000 x 0.0002 / 2 rounds to no row for each random order
    parts = validation_parts(5_000, 0.0002, 2)

    # Assert
    assert parts == [slice(0, 5_000)] * 3


def test_without_random_orders_the_schema_order_takes_every_row():
    # Run / Assert
    assert validation_parts(5_000, 0.0, 0) == [slice(0, 5_000)]
    assert validation_parts(50, 0.25, 0) == [slice(0, 50)]


def test_a_small_split_keeps_the_loss_of_every_row_in_every_order(monkeypatch):
    # Setup
    network, data = _network(), _rows(300)
    orders = _orders(network)
    seen = _scored_rows(network, monkeypatch)

    # Run
    loss = _evaluate(network, data, 64, _config(), orders)

    # Assert: three passes over all 300 rows, and the mixture of the three full losses
    assert seen == [300, 300, 300]
    full = []
    for rank in [network.default_rank(), *orders]:
        network.set_rank(rank)
        with torch.no_grad():
            full.append(float(network.nll(network(data), data)))
    assert loss == pytest.approx(0.75 * full[0] + 0.25 * (full[1] + full[2]) / 2, rel=1e-6)


def test_a_large_split_is_scored_in_one_pass_and_estimates_the_same_mixture(monkeypatch):
    # Setup: a network trained a little in the schema order, so the random orders score worse
    network, data = _network(), _rows(6_000, seed=1)
    network.train()
    optimizer = torch.optim.Adam(network.parameters(), lr=1e-2)
    for batch in _rows(8_000, seed=2).split(256):
        optimizer.zero_grad()
        network.loss(batch).backward()
        optimizer.step()
    orders = _orders(network)
    seen = _scored_rows(network, monkeypatch)

    # Run
    stratified = _evaluate(network, data, 64, _config(), orders)
    scored = list(seen)
    monkeypatch.setattr(_ar_train, "STRATIFIED_MIN_ROWS", 10**9)
    every = _evaluate(network, data, 64, _config(), orders)
    schema_only = _evaluate(network, data, 64, _config(), [])

    # Assert: each row once, and the estimate within 2% of every row in every order; the random
    # orders weigh in (the schema order alone reads lower), so they were not dropped
    assert sum(scored) == 6_000
    assert stratified == pytest.approx(every, rel=0.02)
    assert schema_only < every - 0.05 and schema_only < stratified - 0.05

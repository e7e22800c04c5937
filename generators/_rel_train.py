"""Training of a child table's model with its validation rows held out by subject, not by row.

A subject's events share the parent context, so with a row split the validation rows' subjects are
in the training rows too: the loss keeps falling while the network learns subjects by heart (on
pbcseq, synthetic parents then got children unrelated to them). Holding out whole subjects stops
training when it stops generalising to new parents, which is what sampling asks of it. The loop is
the single-table one (``_ar_train.train``) with that split.
"""
from __future__ import annotations

import copy
import time

import numpy as np
import torch

from synthgate.generators._ar_network import ARNetwork
from synthgate.generators._ar_train import TrainConfig, TrainOutcome, _autocast, _orders, _report
from synthgate.generators.progress import ProgressCallback


def held_out(subjects: np.ndarray, share: float, seed: int) -> np.ndarray:
    """A mask of the rows of about ``share`` of the subjects (none with fewer than 10 rows or 2 subjects)."""
    unique = np.unique(subjects)
    if len(subjects) < 10 or len(unique) < 2 or share <= 0:
        return np.zeros(len(subjects), dtype=bool)
    rng = np.random.default_rng(seed)
    chosen = rng.choice(unique, size=max(1, int(round(len(unique) * share))), replace=False)
    return np.isin(subjects, chosen)


def _loss(network: ARNetwork, tokens: torch.Tensor, context: torch.Tensor) -> torch.Tensor:
    """The model's loss on the drawn columns only: context columns are inputs, never predicted."""
    targets = tokens.masked_fill(context[None, :], -100)  # cross_entropy's ignore_index
    return network.nll(network(tokens), targets)


@torch.no_grad()
def _evaluate(network: ARNetwork, data: torch.Tensor, batch: int, config: TrainConfig, context: torch.Tensor) -> float:
    network.eval()
    total = 0.0
    for chunk in data.split(max(batch, 4096)):
        with _autocast(config.device):
            total += _loss(network, chunk, context).item() * len(chunk)
    return total / len(data)


def train_grouped(network: ARNetwork, tokens: np.ndarray, val_rows: np.ndarray, context_subs: np.ndarray,
                  config: TrainConfig, progress: ProgressCallback | None = None) -> TrainOutcome:
    """``_ar_train.train`` with the validation rows given (``val_rows``, a mask) instead of drawn and
    the loss on the sub-columns outside ``context_subs`` (a mask over sub-columns); schema order only."""
    context = torch.as_tensor(context_subs, dtype=torch.bool, device=config.device)
    generator = torch.Generator().manual_seed(config.seed)
    data = torch.as_tensor(tokens, dtype=torch.long)
    mask = torch.as_tensor(val_rows, dtype=torch.bool)
    val, fit = data[mask].to(config.device), data[~mask].to(config.device)
    n_val = len(val)
    batch = min(config.batch_size, len(fit))
    network.start_from_marginals(fit)
    optimizer = torch.optim.AdamW(network.parameters(), lr=config.learning_rate, weight_decay=1e-5)
    orders, outcome, start = _orders(network, config, generator), TrainOutcome(), time.perf_counter()
    best_state, waited = None, 0
    for _ in range(config.max_epochs):
        network.train()
        total, seen = 0.0, 0
        for index in torch.randperm(len(fit), generator=generator).to(config.device).split(batch):
            network.set_rank(next(orders))
            with _autocast(config.device):
                loss = _loss(network, fit[index], context)
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(network.parameters(), 5.0)
            optimizer.step()
            total, seen, outcome.steps = total + loss.item() * len(index), seen + len(index), outcome.steps + 1
        outcome.epochs += 1
        val_loss = _evaluate(network, val, batch, config, context) if n_val else None
        if val_loss is not None:
            if outcome.best_val_loss is None or val_loss < outcome.best_val_loss - 1e-4:
                outcome.best_val_loss, best_state, waited = val_loss, copy.deepcopy(network.state_dict()), 0
            else:
                waited += 1
                for group in optimizer.param_groups:
                    group["lr"] *= config.plateau_decay
        _report(progress, outcome, config, config.max_epochs, start, total / seen, val_loss, waited=waited)
        if val_loss is not None and waited >= config.patience:
            outcome.stopped = "converged"
            break
        if config.max_seconds is not None and time.perf_counter() - start >= config.max_seconds:
            outcome.stopped = "time_budget"
            break
    if best_state is not None:
        network.load_state_dict(best_state)
    network.set_rank(network.default_rank())
    network.eval()
    return outcome

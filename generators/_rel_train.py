"""Training of a child table's model with its validation rows held out by subject, not by row.

A subject's events share the parent context, so with a row split the validation rows' subjects are
in the training rows too: the loss keeps falling while the network learns subjects by heart (on
pbcseq, synthetic parents then got children unrelated to them). Holding out whole subjects stops
training when it stops generalising to new parents, which is what sampling asks of it. The loop is
the single-table one (``_ar_train.fit_epochs``) with that split.
"""
from __future__ import annotations

import numpy as np
import torch

from synthgate.generators._ar_network import ARNetwork
from synthgate.generators._ar_train import TrainConfig, TrainOutcome, _autocast, fit_epochs
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
    return fit_epochs(network, fit, batch, config, generator, progress,
                      loss=lambda rows: _loss(network, rows, context),
                      validate=(lambda: _evaluate(network, val, batch, config, context)) if n_val else None)

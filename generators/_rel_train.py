"""Training of a child table's model by subject: validation rows held out by subject, and DP-SGD per subject.

A subject's events share the parent context, so with a row split the validation rows' subjects are
in the training rows too: the loss keeps falling while the network learns subjects by heart (on
pbcseq, synthetic parents then got children unrelated to them). Holding out whole subjects stops
training when it stops generalising to new parents, which is what sampling asks of it. The loop is
the single-table one (``_ar_train.fit_epochs``) with that split. Under differential privacy the
unit is the subject too (``train_private_grouped``; docs/generators.md, "Differential privacy per
subject").
"""
from __future__ import annotations

import numpy as np
import torch

from synthgate.generators._ar_network import ARNetwork
from synthgate.generators._ar_train import DPTrainPlan, TrainConfig, TrainOutcome, _autocast, fit_epochs
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


def train_private_grouped(network: ARNetwork, tokens: np.ndarray, subjects: np.ndarray, population: int,
                          context_subs: np.ndarray, config: TrainConfig, plan: DPTrainPlan,
                          progress: ProgressCallback | None = None) -> TrainOutcome:
    """DP-SGD with the subject as the unit: Poisson-sampled subjects, per-row gradients (Opacus) summed
    per subject, each subject's sum clipped to ``plan.max_grad_norm``, Gaussian noise of that norm.

    Args:
        network: The child table's network (context columns first in its order).
        tokens: (rows, sub-columns) token ids.
        subjects: Each row's subject (root row); subjects without rows here simply add nothing.
        population: Subjects of the release (public, as a single table's row count): the sample
            rate is expected subjects per batch / population, and the noisy sum is divided by
            ``plan.sample_rate * population``.
        context_subs: Mask over sub-columns that are context (inputs, never predicted).
        config: The loop settings (device, learning rate, time budget).
        plan: Noise multiplier, clipping norm, sample rate, steps, rows per forward pass, secret seed.

    Returns:
        The outcome: steps actually run (the accountant charges those), no losses (they read rows).
    """
    import math
    import time
    import warnings

    from opacus import GradSampleModule

    from synthgate.generators._ar_network import _register_grad_sampler
    from synthgate.generators._ar_train import _orders, _report
    from synthgate.generators._rel_dp import subject_clipped_sum

    _register_grad_sampler()
    device = config.device
    context = torch.as_tensor(context_subs, dtype=torch.bool, device=device)
    data = torch.as_tensor(tokens, dtype=torch.long, device=device)
    unique, inverse = np.unique(np.asarray(subjects), return_inverse=True)
    order = np.argsort(inverse, kind="stable")
    bounds = np.searchsorted(inverse[order], np.arange(len(unique) + 1))  # rows of subject j: order[b[j]:b[j+1]]
    sampler = torch.Generator().manual_seed(plan.secret_seed)
    noise_source = torch.Generator(device=device).manual_seed(plan.secret_seed + 1)
    module = GradSampleModule(network, loss_reduction="sum")
    weights = [p for p in network.parameters() if p.requires_grad]
    optimizer = torch.optim.Adam(weights, lr=config.learning_rate)
    expected = plan.sample_rate * population
    sigma = plan.noise_multiplier * plan.max_grad_norm
    orders, outcome, start = _orders(network, config, sampler), TrainOutcome(), time.perf_counter()
    steps_per_epoch = max(1, round(1 / plan.sample_rate))
    epochs = max(1, math.ceil(plan.steps * plan.sample_rate))
    network.train()
    while outcome.steps < plan.steps:
        network.set_rank(next(orders))
        chosen = np.flatnonzero((torch.rand(len(unique), generator=sampler) < plan.sample_rate).numpy())
        total = [torch.zeros_like(p) for p in weights]
        for group in _chunks(chosen, bounds, plan.physical_batch):
            rows = np.concatenate([order[bounds[j]:bounds[j + 1]] for j in group])
            local = np.repeat(np.arange(len(group)), [bounds[j + 1] - bounds[j] for j in group])
            batch = data[torch.as_tensor(rows, device=device)]
            with warnings.catch_warnings():  # token ids need no gradient: opacus' hooks fire on outputs, as meant
                warnings.filterwarnings("ignore", message="Full backward hook is firing", category=UserWarning)
                loss = network.nll(module(batch), batch.masked_fill(context[None, :], -100)) * len(batch)
                loss.backward()
            samples = [p.grad_sample if p.grad_sample is not None else  # a weight this batch did not reach
                       torch.zeros((len(batch), *p.shape), dtype=p.dtype, device=device) for p in weights]
            clipped, _ = subject_clipped_sum(samples,
                                             torch.as_tensor(local, device=device), len(group), plan.max_grad_norm)
            for acc, part in zip(total, clipped):
                acc.add_(part)
            for p in weights:
                p.grad_sample, p.grad = None, None
        for p, acc in zip(weights, total):
            noise = torch.normal(0.0, sigma, size=acc.shape, device=device, generator=noise_source)
            p.grad = (acc + noise) / expected
        optimizer.step()
        optimizer.zero_grad(set_to_none=True)
        outcome.steps += 1
        if outcome.steps % steps_per_epoch == 0 or outcome.steps == plan.steps:
            outcome.epochs = min(epochs, math.ceil(outcome.steps * plan.sample_rate))
            _report(progress, outcome, config, epochs, start, None, None)
            if config.max_seconds is not None and time.perf_counter() - start >= config.max_seconds:
                outcome.stopped = "time_budget"
                break
    module.to_standard_module()
    network.set_rank(network.default_rank())
    network.eval()
    return outcome


def _chunks(chosen: np.ndarray, bounds: np.ndarray, rows: int):
    """Whole subjects in groups of about ``rows`` rows (a larger subject alone): a subject's rows are
    never split, so its gradient is summed in one pass."""
    group, size = [], 0
    for j in chosen:
        n = int(bounds[j + 1] - bounds[j])
        if group and size + n > rows:
            yield group
            group, size = [], 0
        group.append(int(j))
        size += n
    if group:
        yield group

"""Training loops of the autoregressive network: plain (early stopping, AMP on CUDA) and DP-SGD (Opacus)."""
from __future__ import annotations

import copy
import math
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import torch

from synthgate.generators._ar_network import ARNetwork
from synthgate.generators._ar_optim import FusedAdamW
from synthgate.generators.progress import ProgressCallback, TrainingProgress, eta_seconds, remaining_epochs

MAX_GRAD_NORM = 5.0  # the total gradient norm of a non-private step is clipped to this
VAL_ORDERS = 2  # random column orders the validation loss also scores (fixed: the loss stays comparable across epochs)


@dataclass(frozen=True)
class TrainConfig:
    """Loop settings, converted from the generator's params."""

    max_epochs: int
    batch_size: int
    learning_rate: float
    patience: int
    val_share: float
    max_seconds: float | None
    random_order_share: float
    device: str
    seed: int
    plateau_decay: float = 1.0  # learning rate × this after an epoch without validation gain
    min_gain: float = 0.0  # a validation gain below this share of the best loss is no gain


@dataclass
class TrainOutcome:
    """What happened: epochs run, why it stopped, and the curve (losses withheld under DP)."""

    epochs: int = 0
    stopped: str = "max_epochs"
    best_val_loss: float | None = None
    curve: list[dict[str, Any]] = field(default_factory=list)
    steps: int = 0


def _orders(network: ARNetwork, config: TrainConfig, generator: torch.Generator):
    """The column order of the next batch: mostly the schema order, sometimes a random one."""
    columns = max(network.groups) + 1
    default = network.default_rank()
    while True:
        if torch.rand(1, generator=generator).item() < config.random_order_share:
            yield network.rank_for(torch.randperm(columns, generator=generator).tolist())
        else:
            yield default


def _report(progress: ProgressCallback | None, outcome: TrainOutcome, config: TrainConfig, epochs: int,
            start: float, train_loss: float | None, val_loss: float | None, *, waited: int = 0) -> None:
    """Record this epoch's facts with an ETA from the epoch-time trend, early stopping's view and the budget."""
    elapsed = time.perf_counter() - start
    ends = [point["elapsed_s"] for point in outcome.curve] + [elapsed]
    epoch_seconds = [after - before for before, after in zip([0.0, *ends], ends)]
    val_losses = [p["val_loss"] for p in outcome.curve if p["val_loss"] is not None]
    val_losses += [val_loss] if val_loss is not None else []
    left = remaining_epochs(val_losses, epoch=outcome.epochs, max_epochs=epochs, patience=config.patience,
                            waited=waited)
    budget_left = None if config.max_seconds is None else config.max_seconds - elapsed
    eta = eta_seconds(epoch_seconds, left, budget_left)
    if budget_left is not None and epoch_seconds[-1] > 0:  # the budget also bounds the epochs expected
        left = min(left, max(0, math.ceil(budget_left / epoch_seconds[-1])))
    facts = TrainingProgress(outcome.epochs, epochs, train_loss, val_loss, round(elapsed, 3), round(eta, 3),
                             outcome.epochs + left)
    outcome.curve.append(facts.to_dict())
    if progress is not None:
        progress(facts)


def _autocast(device: str):
    if device == "cuda" and torch.cuda.is_bf16_supported():
        return torch.autocast("cuda", dtype=torch.bfloat16)  # bf16 keeps fp32's range: no loss scaling needed
    return torch.autocast("cpu", enabled=False)


def train(network: ARNetwork, tokens: np.ndarray, config: TrainConfig,
          progress: ProgressCallback | None = None) -> TrainOutcome:
    """Adam on shuffled batches held on the device; keep the weights with the best validation loss.

    A validation split (``val_share`` of rows, at least one row when there are 10 or more) drives
    early stopping; with fewer rows training runs ``max_epochs`` or until the time budget.
    """
    generator = torch.Generator().manual_seed(config.seed)
    data = torch.as_tensor(tokens, dtype=torch.long)
    perm = torch.randperm(len(data), generator=generator)
    n_val = int(round(len(data) * config.val_share)) if len(data) >= 10 else 0
    val, fit = data[perm[:n_val]].to(config.device), data[perm[n_val:]].to(config.device)
    batch = min(config.batch_size, len(fit))
    # Validation scores the objective trained: the schema order and, by their share, a few fixed
    # random orders; on the schema order alone the kept weights ignored conditional sampling.
    columns, val_generator = max(network.groups) + 1, torch.Generator().manual_seed(config.seed + 1)
    val_orders = [network.rank_for(torch.randperm(columns, generator=val_generator).tolist())
                  for _ in range(VAL_ORDERS if config.random_order_share > 0 else 0)]
    return fit_epochs(network, fit, batch, config, generator, progress, loss=network.loss,
                      validate=(lambda: _evaluate(network, val, batch, config, val_orders)) if n_val else None)


def fit_epochs(network: ARNetwork, fit: torch.Tensor, batch: int, config: TrainConfig, generator: torch.Generator,
               progress: ProgressCallback | None, *, loss: Callable[[torch.Tensor], torch.Tensor],
               validate: Callable[[], float] | None) -> TrainOutcome:
    """The epochs of non-private training: AdamW on shuffled batches of ``fit`` in drawn column orders,
    the learning rate decayed on a validation plateau, early stopping, the best weights kept.

    ``loss`` scores a batch of token rows; ``validate`` (None without validation rows) gives the
    validation loss after each epoch. Shared by ``train`` and the relational child models.
    """
    network.start_from_marginals(fit)
    # One fused kernel over all tensors (the per-tensor loop cost a quarter of a CPU step on 50 columns),
    # called without torch.optim, whose first call imports torch's compiler stack (1.4-1.8 s a fit).
    optimizer = FusedAdamW(network.parameters(), lr=config.learning_rate, weight_decay=1e-5)
    orders, outcome, start = _orders(network, config, generator), TrainOutcome(), time.perf_counter()
    best_state, waited = None, 0
    for _ in range(config.max_epochs):
        network.train()
        total, seen = 0.0, 0
        for index in torch.randperm(len(fit), generator=generator).to(config.device).split(batch):
            network.set_rank(next(orders))
            with _autocast(config.device):
                batch_loss = loss(fit[index])
            optimizer.zero_grad()
            batch_loss.backward()
            optimizer.step(max_grad_norm=MAX_GRAD_NORM)  # clipped in the fused kernel: one norm, not one a tensor
            total, seen, outcome.steps = total + batch_loss.item() * len(index), seen + len(index), outcome.steps + 1
        outcome.epochs += 1
        val_loss = validate() if validate is not None else None
        if val_loss is not None:
            best = outcome.best_val_loss
            if best is None or val_loss < best - max(1e-4, config.min_gain * abs(best)):
                waited = 0
            else:  # no gain worth an epoch: the best weights are still kept below
                waited += 1
                optimizer.lr *= config.plateau_decay  # a plateau: smaller steps often find the next gain
            if best is None or val_loss < best:
                outcome.best_val_loss, best_state = val_loss, copy.deepcopy(network.state_dict())
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


#: From this many validation rows on, each row is scored in one order only (``validation_parts``).
STRATIFIED_MIN_ROWS = 1_000


def validation_parts(rows: int, share: float, orders: int) -> list[slice]:
    """Which validation rows score the default column order (first) and each of ``orders`` random ones.

    The validation loss is (1 - share) × the default order's mean (the order learned at fit) + share
    × the mean over the random orders: the objective trained. Scoring every row in every order costs
    1 + ``orders`` forward passes, a tenth of a fit on gss_wages. From ``STRATIFIED_MIN_ROWS`` rows
    on, the rows (already in a random order) are split in proportion to those weights and each part
    scored in its own order: one pass, an estimate of the same mixture on the same rows every epoch.
    Below it, or where a tiny ``share`` would leave a part empty, a random order's part would hold too
    few rows to tell one epoch from the next, so every row scores every order.
    """
    if orders and rows >= STRATIFIED_MIN_ROWS:
        ends = [round(rows * (1 - share + share * k / orders)) for k in range(orders + 1)]
        parts = [slice(start, end) for start, end in zip([0, *ends], ends)]
        if all(part.stop > part.start for part in parts):
            return parts
    return [slice(0, rows)] * (1 + orders)


@torch.no_grad()
def _evaluate(network: ARNetwork, data: torch.Tensor, batch: int, config: TrainConfig,
              orders: list[torch.Tensor]) -> float:
    """Validation loss: (1 - share) × the default order's mean + share × the mean over ``orders``,
    each on the rows ``validation_parts`` gives it."""
    network.eval()

    def loss_in(rank: torch.Tensor, rows: torch.Tensor) -> float:
        network.set_rank(rank)
        total = 0.0
        for chunk in rows.split(max(batch, 4096)):
            with _autocast(config.device):
                total += network.loss(chunk).item() * len(chunk)
        return total / len(rows)

    share = config.random_order_share
    parts = validation_parts(len(data), share, len(orders))
    loss = loss_in(network.default_rank(), data[parts[0]])
    if orders:
        loss = (1 - share) * loss + share * sum(loss_in(rank, data[rows])
                                                for rank, rows in zip(orders, parts[1:])) / len(orders)
    network.set_rank(network.default_rank())
    return loss


@dataclass(frozen=True)
class DPTrainPlan:
    """DP-SGD settings: every row is sampled with ``sample_rate`` at each of ``steps`` steps."""

    noise_multiplier: float
    max_grad_norm: float
    sample_rate: float
    steps: int
    physical_batch: int
    secret_seed: int  # from OS entropy: seeds the noise and the Poisson batches, never logged or stored


def train_private(network: ARNetwork, tokens: np.ndarray, config: TrainConfig, plan: DPTrainPlan,
                  progress: ProgressCallback | None = None) -> TrainOutcome:
    """DP-SGD with Opacus: Poisson batches, per-sample clipping, Gaussian noise; no validation split.

    Early stopping would choose the epoch by looking at rows, so DP training runs the planned
    steps (or fewer, when the time budget ends it; the accountant then charges only those).
    """
    from opacus import GradSampleModule
    from opacus.data_loader import DPDataLoader
    from opacus.optimizers import DPOptimizer
    from opacus.utils.batch_memory_manager import BatchMemoryManager

    from synthgate.generators._ar_network import _register_grad_sampler

    _register_grad_sampler()
    generator = torch.Generator().manual_seed(plan.secret_seed)
    dataset = torch.utils.data.TensorDataset(torch.as_tensor(tokens, dtype=torch.long))
    loader = DPDataLoader(dataset, sample_rate=plan.sample_rate, generator=generator)
    module = GradSampleModule(network, loss_reduction="mean")
    expected = max(1, round(plan.sample_rate * len(dataset)))
    optimizer = DPOptimizer(torch.optim.Adam(module.parameters(), lr=config.learning_rate),
                            noise_multiplier=plan.noise_multiplier, max_grad_norm=plan.max_grad_norm,
                            expected_batch_size=expected,
                            generator=torch.Generator(device=config.device).manual_seed(plan.secret_seed + 1))
    orders, outcome, start = _orders(network, config, generator), TrainOutcome(), time.perf_counter()
    epochs = max(1, math.ceil(plan.steps * plan.sample_rate))
    while outcome.steps < plan.steps:
        with BatchMemoryManager(data_loader=loader, max_physical_batch_size=plan.physical_batch,
                                optimizer=optimizer) as batches:
            for (rows,) in batches:
                network.set_rank(next(orders))
                optimizer.zero_grad(set_to_none=True)
                rows = rows.to(config.device)
                with warnings.catch_warnings():  # token ids need no gradient: opacus' hooks fire on outputs, as meant
                    warnings.filterwarnings("ignore", message="Full backward hook is firing", category=UserWarning)
                    network.nll(module(rows), rows).backward()
                optimizer.step()
                if not optimizer._is_last_step_skipped:  # BatchMemoryManager splits one step into several
                    outcome.steps += 1
                if outcome.steps >= plan.steps:
                    break
        outcome.epochs = min(epochs, math.ceil(outcome.steps * plan.sample_rate))  # passes, in expectation
        _report(progress, outcome, config, epochs, start, None, None)
        if config.max_seconds is not None and time.perf_counter() - start >= config.max_seconds:
            outcome.stopped = "time_budget"
            break
    module.to_standard_module()  # removes the hooks and grad samples; `network` holds the weights
    network.set_rank(network.default_rank())
    network.eval()
    return outcome

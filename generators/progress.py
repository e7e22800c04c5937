"""Training progress: the facts reported after each epoch, and a terminal progress bar that shows them."""
from __future__ import annotations

import math
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass

TREND_EPOCHS = 3  # epoch times averaged for the ETA: the first epoch pays warm-up, later ones drift with load
# Epochs assumed in all before the loss shows a trend: early stopping ended runs at 12-21 epochs
# on a 54-column table and at 25 on a 14-column one.
PRIOR_EPOCHS = 15
RELATIVE_GAIN = 1e-3  # a validation gain below this share of the loss is lost in noise: the run is ending


@dataclass(frozen=True)
class TrainingProgress:
    """One epoch's facts. Losses are None under differential privacy: they are statistics of the
    training rows that the accountant does not cover, so they are neither logged nor stored."""

    epoch: int
    max_epochs: int
    train_loss: float | None
    val_loss: float | None
    elapsed_s: float
    eta_s: float
    expected_epochs: int | None = None  # epochs the ETA expects in all (early stopping, time budget)

    def line(self) -> str:
        """One log line, e.g. ``epoch 3/100 · loss 12.41 · val 12.60 · 4.1 s · about 20.5 s left``."""
        parts = [f"epoch {self.epoch}/{self.max_epochs}"]
        if self.expected_epochs is not None and self.expected_epochs < self.max_epochs:
            parts[0] += f" (about {self.expected_epochs} expected)"
        if self.train_loss is not None:
            parts.append(f"loss {self.train_loss:.3f}")
        if self.val_loss is not None:
            parts.append(f"val {self.val_loss:.3f}")
        parts += [f"{self.elapsed_s:.1f} s", f"about {self.eta_s:.1f} s left"]
        return " · ".join(parts)

    def to_dict(self) -> dict[str, float | int | None]:
        return asdict(self)


ProgressCallback = Callable[[TrainingProgress], None]


def remaining_epochs(val_losses: Sequence[float], *, epoch: int, max_epochs: int, patience: int,
                     waited: int) -> int:
    """Epochs still to run, judged from the validation losses so far (early stopping's view).

    The best loss's gains are taken to shrink geometrically, by the ratio of the last two gains;
    the run goes on while a gain stays above ``RELATIVE_GAIN`` of the loss, then waits ``patience``
    epochs. Before two gains exist, ``PRIOR_EPOCHS`` in all are assumed. Without validation
    (DP, tiny tables) every epoch up to ``max_epochs`` runs.

    Args:
        val_losses: Validation loss of each epoch so far (empty without validation).
        epoch: Epochs done.
        max_epochs: The upper bound.
        patience: Epochs without gain that stop training.
        waited: Epochs without gain since the best one.

    Returns:
        Epochs left, between 0 and ``max_epochs - epoch``.
    """
    left = max(0, max_epochs - epoch)
    if not val_losses:
        return left
    best = [min(val_losses[: i + 1]) for i in range(len(val_losses))]
    gains = [before - after for before, after in zip(best, best[1:]) if before - after > 0]
    if waited > 0:  # already past the best: at most the rest of the patience, unless it improves again
        return min(left, patience - waited)
    if len(gains) < 2:
        return min(left, max(patience, PRIOR_EPOCHS - epoch))
    ratio = min(0.9, max(0.1, gains[-1] / gains[-2]))
    floor = RELATIVE_GAIN * abs(best[-1]) or RELATIVE_GAIN
    improving = 0 if gains[-1] <= floor else math.ceil(math.log(floor / gains[-1]) / math.log(ratio))
    return min(left, improving + patience)


def eta_seconds(epoch_seconds: Sequence[float], epochs_left: int, budget_left_s: float | None) -> float:
    """Seconds left: the mean of the last ``TREND_EPOCHS`` epoch times × epochs left, capped by the budget.

    Args:
        epoch_seconds: Wall time of each epoch so far.
        epochs_left: From ``remaining_epochs``.
        budget_left_s: Seconds left of the time budget, or None without one.

    Returns:
        Seconds, ≥ 0.
    """
    recent = list(epoch_seconds)[-TREND_EPOCHS:]
    eta = (sum(recent) / len(recent) if recent else 0.0) * epochs_left
    if budget_left_s is not None:
        eta = min(eta, max(0.0, budget_left_s))
    return max(0.0, eta)


@contextmanager
def console_progress(description: str = "training", *, enabled: bool | None = None) -> Iterator[ProgressCallback]:
    """A rich progress bar on stderr, updated by the callback this yields; silent when not a terminal.

    Args:
        description: Text in front of the bar.
        enabled: Force the bar on or off; by default only when stderr is a terminal.
    """
    if enabled is None:
        enabled = sys.stderr.isatty()
    if not enabled:
        yield lambda progress: None
        return
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    columns = (TextColumn("{task.description}"), BarColumn(), TextColumn("{task.fields[facts]}"), TimeElapsedColumn())
    with Progress(*columns, console=Console(stderr=True), transient=False) as bar:
        task = bar.add_task(description, total=None, facts="")

        def update(progress: TrainingProgress) -> None:
            facts = progress.line().split(" · ", 1)[-1]
            bar.update(task, completed=progress.epoch, total=progress.expected_epochs or progress.max_epochs,
                       facts=facts)

        yield update

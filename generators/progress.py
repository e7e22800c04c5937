"""Training progress: the facts reported after each epoch, and a terminal progress bar that shows them."""
from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass


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

    def line(self) -> str:
        """One log line, e.g. ``epoch 3/100 · loss 12.41 · val 12.60 · 4.1 s · about 20.5 s left``."""
        parts = [f"epoch {self.epoch}/{self.max_epochs}"]
        if self.train_loss is not None:
            parts.append(f"loss {self.train_loss:.3f}")
        if self.val_loss is not None:
            parts.append(f"val {self.val_loss:.3f}")
        parts += [f"{self.elapsed_s:.1f} s", f"about {self.eta_s:.1f} s left"]
        return " · ".join(parts)

    def to_dict(self) -> dict[str, float | int | None]:
        return asdict(self)


ProgressCallback = Callable[[TrainingProgress], None]


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
            bar.update(task, completed=progress.epoch, total=progress.max_epochs, facts=facts)

        yield update

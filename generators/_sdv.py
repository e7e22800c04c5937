"""Shared base of the SDV-backed generators: explicit metadata, seeded sampling, device moves.

The pickled SDV synthesizer (model.pkl) holds category lists, ranges and fitted parameters
derived from the training table: it is as sensitive as the table and stays in the workspace.
"""
from __future__ import annotations

import abc
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from synthgate.generators._seeding import derive_seed
from synthgate.generators.base import Generator, TableSchema
from synthgate.generators.errors import GeneratorError

TABLE = "table"
# SDV 2.0 ignores `computer_representation` (FutureWarning); integer-ness is kept by our own cast.
_SDTYPES = {"numerical": "numerical", "categorical": "categorical", "datetime": "datetime", "boolean": "boolean"}


def build_metadata(schema: TableSchema) -> Any:
    """SDV Metadata for one table, built from the schema alone: no detection, no keys, no ranges."""
    from sdv.metadata import Metadata

    columns = {name: {"sdtype": _SDTYPES[kind]} for name, kind in schema.columns}
    return Metadata.load_from_dict(
        {"tables": {TABLE: {"columns": columns}}, "relationships": [], "METADATA_SPEC_VERSION": "V2"}
    )


@contextmanager
def library_call(kind: str, step: str) -> Iterator[None]:
    """Silence library noise and turn library failures into GeneratorError without their message.

    SDV/RDT messages can quote offending cell values, so only the exception type is kept; the
    original stays reachable as ``__context__`` for a debugger, but tracebacks do not print it.
    Future/Deprecation warnings are the libraries' own maintenance noise; UserWarnings stay visible.
    """
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", category=FutureWarning)
        warnings.filterwarnings("ignore", category=DeprecationWarning)
        try:
            yield
        except GeneratorError:
            raise
        except Exception as exc:
            raise GeneratorError(
                f"generator {kind!r}: {step} failed in the library ({type(exc).__name__}); "
                "message withheld because it may quote training values"
            ) from None


class SDVGenerator(Generator, abc.ABC):
    """A Generator backed by one SDV single-table synthesizer."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._synthesizer: Any = None

    @abc.abstractmethod
    def _make_synthesizer(self, metadata: Any) -> Any:
        """Build the SDV synthesizer for ``metadata`` from ``self.params`` and ``self.device``."""

    def _fit(self, frame: pd.DataFrame, schema: TableSchema) -> None:
        with library_call(self.kind, "fit"):
            synthesizer = self._make_synthesizer(build_metadata(schema))
            synthesizer.fit({TABLE: frame})
        self._synthesizer = synthesizer

    def _sample(self, n: int, seed: int) -> pd.DataFrame:
        synthesizer = self._synthesizer
        with library_call(self.kind, "sample"):
            synthesizer.reset_sampling()
            self._seed_transformers(seed)
            # Private, but the only hook that seeds the model's own RNG (numpy and torch) and stops
            # SDV from re-seeding it with its fixed default on the first draw after reset.
            synthesizer._set_random_state(seed)
            return synthesizer.sample(num_rows=n)[TABLE]

    def _seed_transformers(self, seed: int) -> None:
        """Give each RDT transformer its own stream for ``seed``.

        ``reset_sampling`` restarts them from seeds fixed at fit time, so without this every
        seed would draw the same missing-value pattern.
        """
        try:
            transformers = self._synthesizer.get_transformers()
        except ValueError:  # SDV raises this when no column has a transformer
            return
        for index, transformer in enumerate(transformers.values()):
            if transformer is not None:
                state = np.random.RandomState(derive_seed(seed, index))
                transformer.set_random_state(state, "reverse_transform")

    def _move_model(self, device: str) -> None:
        """Move the torch modules of a ctgan model (SDV keeps it in ``_model``); no-op otherwise."""
        model = getattr(self._synthesizer, "_model", None)
        if hasattr(model, "set_device"):
            import torch

            model.set_device(torch.device(device))

    def _save_model(self, path: Path) -> None:
        # Saved from CPU so that a model trained on CUDA unpickles on a machine without one.
        self._move_model("cpu")
        try:
            with library_call(self.kind, "save"):
                self._synthesizer.save(str(path))
        finally:
            self._move_model(self.device)

    def _load_model(self, path: Path) -> None:
        from sdv.utils import load_synthesizer

        with library_call(self.kind, "load"):
            self._synthesizer = load_synthesizer(str(path))
        self._move_model(self.device)  # ctgan unpickles onto CUDA when present; put it where asked

"""Seeding of python ``random``, numpy's global RNG and torch around a block, restored afterwards."""
from __future__ import annotations

import random
from collections.abc import Iterator
from contextlib import contextmanager

import numpy as np

from synthgate.generators.errors import GeneratorError

# np.random.seed and torch.Generator both accept seeds below 2**32; one bound keeps all three agreeing.
SEED_LIMIT = 2**32


def check_seed(seed: object, *, name: str = "seed") -> int:
    """Return ``seed`` if it is an int in [0, 2**32), else raise GeneratorError naming the rule."""
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
        raise GeneratorError(f"{name} must be an integer, got {type(seed).__name__}")
    if not 0 <= int(seed) < SEED_LIMIT:
        raise GeneratorError(f"{name} must be ≥ 0 and < 2**32")
    return int(seed)


def derive_seed(seed: int, *path: int) -> int:
    """A seed for a sub-stream of ``seed``, deterministic and well mixed (not ``seed + k``).

    ``seed + k`` would make stream k of seed s the same as stream 0 of seed s + k.
    """
    return int(np.random.SeedSequence([seed, *path]).generate_state(1)[0])


@contextmanager
def seeded(seed: int) -> Iterator[None]:
    """Seed ``random``, ``numpy.random`` and torch (CPU and every CUDA device) for the block.

    The previous states are restored on exit so that a caller's own random streams are not
    disturbed by fitting or sampling. Torch is imported here on purpose: SDV imports it anyway,
    and a torch imported only inside the block would miss the seed on the first call.
    """
    import torch

    py_state, np_state, torch_state = random.getstate(), np.random.get_state(), torch.get_rng_state()
    cuda_states = torch.cuda.get_rng_state_all() if torch.cuda.is_initialized() else None
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)  # seeds CUDA too: ctgan draws its Gumbel noise on the model's device
    try:
        yield
    finally:
        random.setstate(py_state)
        np.random.set_state(np_state)
        torch.set_rng_state(torch_state)
        if cuda_states is not None:
            torch.cuda.set_rng_state_all(cuda_states)

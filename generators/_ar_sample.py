"""Ancestral sampling from the autoregressive network, optionally with some columns' tokens fixed."""
from __future__ import annotations

import numpy as np
import torch

from synthgate.generators._ar_columns import NULL
from synthgate.generators._ar_network import ARNetwork

CHUNK = 65_536  # rows drawn at once: bounds memory whatever n is


@torch.no_grad()
def sample_tokens(network: ARNetwork, n: int, *, seed: int, device: str,
                  fixed: np.ndarray | None = None, fixed_columns: tuple[int, ...] = (),
                  never_null: tuple[int, ...] = ()) -> np.ndarray:
    """Draw ``n`` token rows; the same seed, device and model give the same rows.

    Args:
        network: A trained network (evaluation mode).
        n: Rows to draw.
        seed: Seed of the draw.
        device: Where to run ("cpu" or "cuda").
        fixed: (n, sub-columns) tokens; only the sub-columns of ``fixed_columns`` are read.
        fixed_columns: Columns whose tokens are given; they come first in the order, so every other
            column is drawn conditionally on them (the others in the network's learned order).
        never_null: Sub-columns whose token 0 (missing) is never drawn: columns trained without
            nulls, whose output dtype (int64, bool) cannot hold one.

    Returns:
        An (n, sub-columns) int64 array.
    """
    learned = network.column_order
    order = [c for c in learned if c in fixed_columns] + [c for c in learned if c not in fixed_columns]
    rank = network.rank_for(order)
    network.set_rank(rank)
    sequence = torch.argsort(rank).tolist()  # sub-columns in the order they are drawn
    dims = [emb.embedding_dim for emb in network.embeddings]
    offsets = np.concatenate([[0], np.cumsum(dims)]).tolist()
    generator = torch.Generator(device=device).manual_seed(seed)
    out = np.empty((n, len(network.cardinalities)), dtype=np.int64)
    for start in range(0, n, CHUNK):
        rows = min(CHUNK, n - start)
        tokens = torch.zeros(rows, len(network.cardinalities), dtype=torch.long, device=device)
        embedded = torch.zeros(rows, offsets[-1], device=device)
        for s in sequence:
            if network.groups[s] in fixed_columns:
                drawn = torch.as_tensor(fixed[start:start + rows, s], dtype=torch.long, device=device)
            else:
                logits = network.head_logits(s, embedded).float()
                if s in never_null:
                    logits[:, NULL] = -torch.inf
                probs = torch.softmax(logits, dim=1)
                drawn = torch.multinomial(probs, 1, generator=generator).squeeze(1)
            tokens[:, s] = drawn
            embedded[:, offsets[s]:offsets[s + 1]] = network.embeddings[s](drawn)
        out[start:start + rows] = tokens.cpu().numpy()
    network.set_rank(network.default_rank())
    return out

"""The autoregressive network: token embeddings, one masked (MADE) layer, one output head per sub-column.

Sub-column s is predicted from the embeddings of the sub-columns placed before it in an order.
The order is an input: training mostly uses the schema order and sometimes a random column
order, so the same weights also sample with any set of columns fixed first (conditional
sampling). The mask of the hidden layer is rebuilt from the order, so one dense matrix product
serves every head at once; sampling computes only the head being drawn.
"""
from __future__ import annotations

import math

import torch
from torch import nn
from torch.nn import functional as F


class MaskedLinear(nn.Module):
    """``y = x (W ∘ M)ᵀ + b`` with a mask M set per batch.

    M is a plain attribute, not a buffer: Opacus refuses trainable layers that hold buffers, and
    the mask is rebuilt from the order on the weights' device anyway.
    """

    def __init__(self, in_features: int, out_features: int) -> None:
        super().__init__()
        self.weight = nn.Parameter(torch.empty(out_features, in_features))
        self.bias = nn.Parameter(torch.zeros(out_features))
        nn.init.kaiming_uniform_(self.weight, a=math.sqrt(5))
        self.mask = torch.ones(out_features, in_features)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return F.linear(x, self.weight * self.mask, self.bias)


def _register_grad_sampler() -> None:
    """Teach Opacus the per-sample gradient of MaskedLinear (the masked entries get none)."""
    from opacus.grad_sample import register_grad_sampler

    @register_grad_sampler(MaskedLinear)
    def _masked_linear_grad_sample(layer, activations, backprops):  # noqa: ANN001, ANN202 (opacus' hook)
        x = activations[0].to(backprops.dtype)
        return {layer.weight: torch.einsum("n...i,n...j->nij", backprops, x) * layer.mask,
                layer.bias: torch.einsum("n...k->nk", backprops)}


def nll(logits: list[torch.Tensor], tokens: torch.Tensor) -> torch.Tensor:
    """Cross-entropy summed over sub-columns, averaged over rows (0 for an empty batch, not NaN)."""
    if len(tokens) == 0:
        return sum(out.sum() for out in logits) * 0.0
    return sum(F.cross_entropy(out.float(), tokens[:, s]) for s, out in enumerate(logits))


def embedding_dim(cardinality: int, cap: int) -> int:
    """fast.ai's rule of thumb, bounded to [2, cap]: memory stays linear in the cardinality."""
    return int(max(2, min(cap, round(1.6 * cardinality ** 0.56))))


class ARNetwork(nn.Module):
    """Predicts every sub-column's token distribution from the tokens before it in ``rank`` order."""

    def __init__(self, cardinalities: list[int], groups: list[int], *, hidden: int, embedding_cap: int) -> None:
        super().__init__()
        self.cardinalities, self.groups, self.hidden = list(cardinalities), list(groups), hidden
        dims = [embedding_dim(c, embedding_cap) for c in cardinalities]
        self.embeddings = nn.ModuleList(nn.Embedding(c, d) for c, d in zip(cardinalities, dims))
        subs = len(cardinalities)
        self.masked = MaskedLinear(sum(dims), subs * hidden)
        self.heads = nn.ModuleList(nn.Linear(hidden, c) for c in cardinalities)
        self.register_buffer("in_owner", torch.repeat_interleave(torch.arange(subs), torch.tensor(dims)),
                             persistent=False)
        self.register_buffer("hidden_owner", torch.arange(subs).repeat_interleave(hidden), persistent=False)
        self.set_rank(self.default_rank())

    @torch.no_grad()
    def start_from_marginals(self, tokens: torch.Tensor) -> None:
        """Set each head's bias to the log frequencies of its tokens, so training starts with the
        right marginals and spends its steps on dependencies."""
        self.start_from_counts([torch.bincount(tokens[:, s].cpu(), minlength=c).float().numpy()
                                for s, c in enumerate(self.cardinalities)])

    @torch.no_grad()
    def start_from_counts(self, counts: list) -> None:
        """Head biases from token counts per sub-column (exact, or noisy ones under DP)."""
        for head, count in zip(self.heads, counts):
            count = torch.as_tensor(count, dtype=torch.float32).clamp(min=0)
            head.bias.copy_(torch.log((count + 0.01) / (count.sum() + 0.01 * len(count))).to(head.bias.device))
            head.weight.mul_(0.1)

    def default_rank(self) -> torch.Tensor:
        """Sub-column s at position s: the schema order."""
        return torch.arange(len(self.cardinalities))

    def rank_for(self, column_order: list[int]) -> torch.Tensor:
        """Positions of the sub-columns when columns come in ``column_order`` (a column's sub-columns stay together)."""
        position, rank = 0, torch.empty(len(self.groups), dtype=torch.long)
        for column in column_order:
            for s, owner in enumerate(self.groups):
                if owner == column:
                    rank[s] = position
                    position += 1
        return rank

    def set_rank(self, rank: torch.Tensor) -> None:
        """Rebuild the mask: hidden units of head s see inputs of sub-columns ranked before s."""
        rank = rank.to(self.in_owner.device)
        self.masked.mask = (rank[self.hidden_owner][:, None] > rank[self.in_owner][None, :]).to(
            self.masked.weight.dtype)

    def embed(self, tokens: torch.Tensor) -> torch.Tensor:
        return torch.cat([emb(tokens[:, s]) for s, emb in enumerate(self.embeddings)], dim=1)

    def forward(self, tokens: torch.Tensor) -> list[torch.Tensor]:
        """Logits of every head for a batch of token rows (B, sub-columns), under the current mask."""
        hidden = F.gelu(self.masked(self.embed(tokens))).view(len(tokens), -1, self.hidden)
        return [head(hidden[:, s]) for s, head in enumerate(self.heads)]

    def loss(self, tokens: torch.Tensor) -> torch.Tensor:
        """Negative log-likelihood per row, summed over sub-columns and averaged over the batch."""
        return nll(self(tokens), tokens)

    @torch.no_grad()
    def head_logits(self, s: int, embedded: torch.Tensor) -> torch.Tensor:
        """Logits of head ``s`` alone, from embeddings whose unsampled blocks are zero (sampling)."""
        rows = slice(s * self.hidden, (s + 1) * self.hidden)
        weight = self.masked.weight[rows] * self.masked.mask[rows]
        return self.heads[s](F.gelu(F.linear(embedded, weight, self.masked.bias[rows])))

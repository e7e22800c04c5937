"""The autoregressive network: token embeddings, a masked (MADE) layer, optional per-head depth, grouped output heads.

Sub-column s is predicted from the embeddings of the sub-columns placed before it in an order.
The order is an input: training mostly uses the schema order and sometimes a random column
order, so the same weights also sample with any set of columns fixed first (conditional
sampling). The mask of the hidden layer is rebuilt from the order, so one dense matrix product
serves every head at once; sampling computes only the head being drawn.

Heads of similar size (the same power of two) share one tensor (a bucket, as wide as its widest
head), so a batch costs a few batched products instead of one small kernel per sub-column: on a
69-sub-column table the per-head kernels, their cross-entropies and their optimizer tensors cost
more than the masked layer itself. Neighbouring buckets are merged further while the padding a
merge adds costs less than a bucket's own kernels (``MERGE_BUDGET``): on cps1988 six buckets
became two and a step took 12% less. ``depth`` 2 adds a residual per-head layer (each head's own hidden units only),
which keeps the autoregressive property and the sampling cost per head.
"""
from __future__ import annotations

import math
import re

import torch
from torch import nn
from torch.nn import functional as F


class MaskedLinear(nn.Module):
    """``y = x (W[r] ∘ M)ᵀ + b[r]`` with a mask M set per batch and an optional order ``r`` of the outputs.

    M and r are plain attributes, not buffers: Opacus refuses trainable layers that hold buffers, and
    the mask is rebuilt from the order on the weights' device anyway. M is in the outputs' order.
    """

    def __init__(self, in_features: int, out_features: int) -> None:
        super().__init__()
        self.weight = nn.Parameter(torch.empty(out_features, in_features))
        self.bias = nn.Parameter(torch.zeros(out_features))
        nn.init.kaiming_uniform_(self.weight, a=math.sqrt(5))
        self.mask = torch.ones(out_features, in_features)
        self.rows: torch.Tensor | None = None  # output j is unit rows[j]; None: the units' own order

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        weight, bias = self.weight, self.bias
        if self.rows is not None:  # gathering the weights is cheap; gathering the outputs' gradient is not
            weight, bias = weight.index_select(0, self.rows), bias.index_select(0, self.rows)
        return F.linear(x, weight * self.mask, bias)


class HeadBucket(nn.Module):
    """Output heads of ``n`` sub-columns at once: ``(B, n, hidden) -> (B, n, width)`` logits.

    Heads narrower than ``width`` are padded: a padded logit is -inf (``pad_bias``, added with the
    bias in the same step), so the loss never counts it and the padded weights get no gradient
    (Opacus adds noise to them, which nothing reads). Sampling reads only a head's own width.
    """

    def __init__(self, n: int, hidden: int, width: int, cardinalities: list[int] | None = None) -> None:
        super().__init__()
        bound = 1 / math.sqrt(hidden)  # nn.Linear's default initialisation, per head
        self.weight = nn.Parameter(torch.empty(n, hidden, width).uniform_(-bound, bound))
        self.bias = nn.Parameter(torch.empty(n, width).uniform_(-bound, bound))
        widths = torch.tensor(cardinalities if cardinalities is not None else [width] * n)
        # A plain attribute, not a buffer (Opacus refuses trainable layers with buffers); ARNetwork moves it.
        self.pad_bias = torch.zeros(n, width).masked_fill(torch.arange(width)[None, :] >= widths[:, None], -torch.inf)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """(B, n, hidden) -> (B, n, width), a transposed view of head-major (n, B, width) logits.

        One ``baddbmm`` (one ``addmm`` for a lone head) adds the bias inside the product, and the
        head-major layout lets ``nll`` flatten each head's rows for the cross-entropy without a copy.
        On gss_wages this took 5% off a CPU step against an einsum plus a separate bias addition.
        """
        bias = self.bias + self.pad_bias
        if x.shape[1] == 1:
            return torch.addmm(bias[0], x[:, 0], self.weight[0]).unsqueeze(1)
        return torch.baddbmm(bias[:, None, :], x.transpose(0, 1), self.weight).transpose(0, 1)


class HeadResidual(nn.Module):
    """One more layer per head, on that head's hidden units only: ``h + gelu(h U_s + c_s)``.

    The heads of ``x`` come in the order ``order`` (a plain attribute like MaskedLinear's ``rows``).
    """

    def __init__(self, n: int, hidden: int) -> None:
        super().__init__()
        self.weight = nn.Parameter(torch.zeros(n, hidden, hidden))  # starts as the identity map
        self.bias = nn.Parameter(torch.zeros(n, hidden))
        self.order: torch.Tensor | None = None

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        weight, bias = self.weight, self.bias
        if self.order is not None:
            weight, bias = weight.index_select(0, self.order), bias.index_select(0, self.order)
        return x + F.gelu(torch.einsum("bnh,nhg->bng", x, weight) + bias)


def _register_grad_sampler() -> None:
    """Teach Opacus the per-sample gradients of our layers (masked entries of MaskedLinear get none)."""
    from opacus.grad_sample import register_grad_sampler

    @register_grad_sampler(MaskedLinear)
    def _masked_linear_grad_sample(layer, activations, backprops):  # noqa: ANN001, ANN202 (opacus' hook)
        x = activations[0].to(backprops.dtype)
        weight = torch.einsum("n...i,n...j->nij", backprops, x) * layer.mask
        bias = torch.einsum("n...k->nk", backprops)
        if layer.rows is not None:  # outputs back to the units' order
            inverse = torch.argsort(layer.rows)
            weight, bias = weight.index_select(1, inverse), bias.index_select(1, inverse)
        return {layer.weight: weight, layer.bias: bias}

    @register_grad_sampler(HeadBucket)
    def _head_bucket_grad_sample(layer, activations, backprops):  # noqa: ANN001, ANN202 (opacus' hook)
        x = activations[0].to(backprops.dtype)
        return {layer.weight: torch.einsum("bnh,bnc->bnhc", x, backprops), layer.bias: backprops}

    @register_grad_sampler(HeadResidual)
    def _head_residual_grad_sample(layer, activations, backprops):  # noqa: ANN001, ANN202 (opacus' hook)
        x = activations[0].to(backprops.dtype)
        weight, bias = layer.weight, layer.bias
        if layer.order is not None:
            weight, bias = weight.index_select(0, layer.order), bias.index_select(0, layer.order)
        pre = torch.einsum("bnh,nhg->bng", x, weight.to(x.dtype)) + bias.to(x.dtype)
        inner = backprops * _gelu_grad(pre)  # through the gelu; the skip path holds no parameter
        grad_weight, grad_bias = torch.einsum("bnh,bng->bnhg", x, inner), inner
        if layer.order is not None:  # heads back to the parameters' order
            inverse = torch.argsort(layer.order)
            grad_weight, grad_bias = grad_weight.index_select(1, inverse), grad_bias.index_select(1, inverse)
        return {layer.weight: grad_weight, layer.bias: grad_bias}


def _gelu_grad(x: torch.Tensor) -> torch.Tensor:
    """d gelu(x) / dx for the exact (erf) gelu that F.gelu computes by default."""
    return 0.5 * (1 + torch.erf(x / math.sqrt(2))) + x * torch.exp(-0.5 * x * x) / math.sqrt(2 * math.pi)


def nll(logits: list[torch.Tensor], tokens: torch.Tensor, buckets: list[torch.Tensor]) -> torch.Tensor:
    """Cross-entropy summed over sub-columns, averaged over rows (0 for an empty batch, not NaN).

    Args:
        logits: One (B, n, width) tensor per bucket of heads, padding already -inf (``HeadBucket``).
        tokens: (B, sub-columns) token ids.
        buckets: Sub-column indices of each bucket.
    """
    if len(tokens) == 0:
        return sum(out.nan_to_num(0.0, 0.0, 0.0).sum() for out in logits) * 0.0
    total = 0.0
    for out, members in zip(logits, buckets):
        target = tokens.t()[members]  # (n, B), contiguous: flattened without a copy
        if out.stride(0) == 0 and len(out) > 1:  # one row of logits stands for every row (``ARNetwork.forward``)
            log_shares = F.log_softmax(out[0].float(), dim=-1)  # (n, width)
            picked = log_shares.gather(1, target.clamp(min=0))  # a target < 0 (ignore_index) is dropped below
            total = total - torch.where(target >= 0, picked, 0.0).sum() / len(tokens)
            continue
        out = out.transpose(0, 1).float()  # head-major (n, B, width): contiguous as ``HeadBucket`` leaves it
        total = total + F.cross_entropy(out.flatten(0, 1), target.flatten(), reduction="sum") / len(tokens)
    return total


def embedding_dim(cardinality: int, cap: int) -> int:
    """fast.ai's rule of thumb, bounded to [2, cap]: memory stays linear in the cardinality."""
    return int(max(2, min(cap, round(1.6 * cardinality ** 0.56))))


#: Padded logits × hidden units a merge of two neighbouring buckets may add per row: a bucket's own
#: kernels (its product, bias, cross-entropy and their gradients, its optimizer tensors) cost about
#: as much as 64 padded logits at 64 hidden units. Measured on 2 cores (one fixed batch, steps timed
#: with old and new alternating, medians of 5 rounds): cps1988 (8 sub-columns, 64 units) 5.45 ms a
#: step with its six buckets, 4.82 ms with the two this budget gives, 1.07x with all in one bucket;
#: doctor_contacts 6.17 -> 5.99 ms (six -> two); gss_wages 14.53 -> 14.43 ms (seven -> three).
MERGE_BUDGET = 4096


def head_buckets(cardinalities: list[int], hidden: int | None = None) -> list[list[int]]:
    """Sub-columns grouped by their head's width rounded up to a power of two (at least 4), narrowest first.

    With ``hidden`` (the hidden units per head), neighbouring groups are then merged, narrowest
    first, while the padded logits a merge adds (the group's heads times the gap to the next
    group's widest head) times ``hidden`` stay within ``MERGE_BUDGET``. A merged bucket lists its
    groups' members in order, so a saved state's buckets can be told apart by their sizes
    (``stored_buckets``).
    """
    widths: dict[int, list[int]] = {}
    for s, c in enumerate(cardinalities):
        widths.setdefault(max(4, 1 << (c - 1).bit_length()), []).append(s)
    groups = [widths[width] for width in sorted(widths)]
    if hidden is None or not groups:
        return groups
    merged = [groups[0]]
    for group in groups[1:]:
        current = merged[-1]
        padding = len(current) * (max(cardinalities[s] for s in group) - max(cardinalities[s] for s in current))
        if padding * hidden <= MERGE_BUDGET:
            merged[-1] = current + group
        else:
            merged.append(group)
    return merged


def stored_buckets(state: dict[str, torch.Tensor], cardinalities: list[int]) -> list[list[int]]:
    """The buckets of heads of a saved state, from their sizes (``heads.<bucket>.weight``: n × hidden × width).

    Every bucket ever saved is a run of neighbouring power-of-two groups (``head_buckets`` without
    ``hidden``; one group each before buckets were merged), so walking the groups in order and
    closing a bucket at each stored size recovers them.

    Raises:
        ValueError: The sizes are not such a run (a state of other columns).
    """
    groups = head_buckets(cardinalities)
    buckets, at = [], 0
    for size in (len(weight) for weight in _head_weights(state)):
        members: list[int] = []
        while len(members) < size and at < len(groups):
            members, at = members + groups[at], at + 1
        if len(members) != size:
            raise ValueError("the saved heads do not group these columns' sub-columns")
        buckets.append(members)
    if at != len(groups):
        raise ValueError("the saved heads do not group these columns' sub-columns")
    return buckets


def _head_weights(state: dict[str, torch.Tensor]) -> list[torch.Tensor]:
    """Each bucket's head weight of a saved state, in bucket order."""
    buckets = sorted(int(key.split(".")[1]) for key in state if re.fullmatch(r"heads\.\d+\.weight", key))
    return [state[f"heads.{bucket}.weight"] for bucket in buckets]


def stored_head_widths(state: dict[str, torch.Tensor]) -> list[int]:
    """The width of each bucket of heads in a saved state (``heads.<bucket>.weight``: n × hidden × width).

    Models saved before heads took their widest member's width padded them to a power of two; built
    with these widths (``ARNetwork(head_widths=...)``) they load and sample unchanged.
    """
    return [int(weight.shape[2]) for weight in _head_weights(state)]


class ARNetwork(nn.Module):
    """Predicts every sub-column's token distribution from the tokens before it in ``rank`` order."""

    def __init__(self, cardinalities: list[int], groups: list[int], *, hidden: int, embedding_cap: int,
                 depth: int = 1, input_dropout: float = 0.0, head_widths: list[int] | None = None,
                 buckets: list[list[int]] | None = None) -> None:
        super().__init__()
        self.cardinalities, self.groups, self.hidden = list(cardinalities), list(groups), hidden
        dims = [embedding_dim(c, embedding_cap) for c in cardinalities]
        self.embeddings = nn.ModuleList(nn.Embedding(c, d) for c, d in zip(cardinalities, dims))
        subs = len(cardinalities)
        self.masked = MaskedLinear(sum(dims), subs * hidden)
        self.residual = HeadResidual(subs, hidden) if depth >= 2 else None
        # A saved state brings its own buckets and widths (``stored_buckets``, ``stored_head_widths``).
        self.buckets = buckets or head_buckets(self.cardinalities, hidden)
        widths = head_widths or [max(self.cardinalities[s] for s in m) for m in self.buckets]
        self.heads = nn.ModuleList(HeadBucket(len(m), hidden, w, [self.cardinalities[s] for s in m])
                                   for m, w in zip(self.buckets, widths))
        # Plain attributes, not buffers (Opacus refuses trainable layers with buffers); moved in ``_apply``.
        self.bucket_index = [torch.tensor(m) for m in self.buckets]
        self.place = {s: (b, i) for b, m in enumerate(self.buckets) for i, s in enumerate(m)}
        # The hidden layer's outputs come bucket by bucket, so each bucket's hidden units are a view
        # (a split, whose gradient is one concatenation) instead of a gather, whose gradient zero-fills
        # and scatters the whole hidden layer once per bucket (a tenth of a step on gss_wages).
        order = [s for members in self.buckets for s in members]
        self.bucket_sizes = [len(members) for members in self.buckets]
        self.position = {s: p for p, s in enumerate(order)}
        if order != list(range(subs)):
            self.masked.rows = (torch.tensor(order)[:, None] * hidden + torch.arange(hidden)[None, :]).flatten()
            if self.residual is not None:
                self.residual.order = torch.tensor(order)
        self.register_buffer("in_owner", torch.repeat_interleave(torch.arange(subs), torch.tensor(dims)),
                             persistent=False)
        self.register_buffer("hidden_owner", torch.tensor(order).repeat_interleave(hidden), persistent=False)
        self.input_dropout = float(input_dropout)
        self._rank_set: tuple[torch.Tensor, torch.Tensor] | None = None  # last order and its mask (``set_rank``)
        self.set_rank(self.default_rank())

    def _apply(self, fn, *args, **kwargs):  # noqa: ANN001, ANN202 (nn.Module's hook for .to())
        super()._apply(fn, *args, **kwargs)
        device = self.in_owner.device
        self.bucket_index = [index.to(device) for index in self.bucket_index]
        if self.masked.rows is not None:
            self.masked.rows = self.masked.rows.to(device)
        if self.residual is not None and self.residual.order is not None:
            self.residual.order = self.residual.order.to(device)
        for head in self.heads:
            head.pad_bias = head.pad_bias.to(device)
        self._rank_set = None  # the mask follows the weights' new device or dtype at the next ``set_rank``
        return self

    @torch.no_grad()
    def start_from_marginals(self, tokens: torch.Tensor) -> None:
        """Set each head's bias to the log frequencies of its tokens, so training starts with the
        right marginals and spends its steps on dependencies."""
        self.start_from_counts([torch.bincount(tokens[:, s].cpu(), minlength=c).float().numpy()
                                for s, c in enumerate(self.cardinalities)])

    @torch.no_grad()
    def start_from_counts(self, counts: list) -> None:
        """Head biases from token counts per sub-column (exact, or noisy ones under DP)."""
        for s, count in enumerate(counts):
            bucket, i = self.place[s]
            head = self.heads[bucket]
            count = torch.as_tensor(count, dtype=torch.float32).clamp(min=0)
            log_share = torch.log((count + 0.01) / (count.sum() + 0.01 * len(count)))
            head.bias[i, :len(count)] = log_share.to(head.bias.device)
            head.weight[i].mul_(0.1)

    def default_rank(self) -> torch.Tensor:
        """The positions of the sub-columns in the learned column order (``column_order``)."""
        return self.rank_for(self.column_order)

    @property
    def column_order(self) -> list[int]:
        """The columns in the order the network draws them: learned at fit (``_ar_order``), else the schema's."""
        return list(getattr(self, "_column_order", None) or range(max(self.groups) + 1))

    def set_column_order(self, order: list[int] | None) -> None:
        """Draw (and train) in ``order``, a permutation of the columns; None: the schema order."""
        columns = max(self.groups) + 1
        if order is not None and sorted(order) != list(range(columns)):
            raise ValueError(f"a column order must be a permutation of {columns} columns")
        self._column_order = None if order is None else [int(c) for c in order]
        self.set_rank(self.default_rank())

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
        """Rebuild the mask: hidden units of head s see inputs of sub-columns ranked before s.

        Also notes the bucket that holds only the sub-column ranked first, if one does (``forward``).
        The mask is kept when the order equals the last one's (three batches in four train in the
        learned order) and nothing has replaced it or moved the weights (``_apply`` forgets it): a
        rebuild took 0.13 ms, a fortieth of a doctor_contacts step.
        """
        rank = rank.cpu()
        if self._rank_set is not None and self.masked.mask is self._rank_set[1] and torch.equal(rank, self._rank_set[0]):
            return
        first = self.place[int(torch.argmin(rank))]
        self._blind_bucket = first[0] if self.bucket_sizes[first[0]] == 1 else None
        on_device = rank.to(self.in_owner.device)
        self.masked.mask = (on_device[self.hidden_owner][:, None] > on_device[self.in_owner][None, :]).to(
            self.masked.weight.dtype)
        self._rank_set = (rank.clone(), self.masked.mask)

    def embed(self, tokens: torch.Tensor) -> torch.Tensor:
        """The sub-columns' token embeddings side by side, (B, sum of embedding widths).

        Each block is gathered from its table's weight (``index_select``, whose gradient is one
        ``index_add``): ``nn.Embedding``'s CPU backward took twice as long for the same rows (a
        twentieth of a gss_wages step). A table with hooks, as Opacus adds for per-sample
        gradients, is called as a module so that its hooks see the lookup.
        """
        columns = tokens.t().contiguous()  # one copy; a strided column costs index_select a copy each way
        return torch.cat([emb(columns[s]) if emb._forward_hooks else emb.weight.index_select(0, columns[s])
                          for s, emb in enumerate(self.embeddings)], dim=1)

    def forward(self, tokens: torch.Tensor) -> list[torch.Tensor]:
        """Logits of every bucket of heads, (B, n, width) each, for token rows (B, sub-columns)."""
        embedded = self.embed(tokens)
        if self.input_dropout and self.training:  # regularises: no head leans on one earlier column's code
            # F.dropout's bernoulli_ costs twice a uniform draw and a compare on CPU; same distribution.
            keep = torch.rand(embedded.shape, device=embedded.device) >= self.input_dropout
            embedded = embedded * keep / (1 - self.input_dropout)
        hidden = F.gelu(self.masked(embedded)).view(len(tokens), -1, self.hidden)  # heads bucket by bucket
        if self.residual is not None:
            hidden = self.residual(hidden)
        logits = []
        for bucket, (head, part) in enumerate(zip(self.heads, hidden.split(self.bucket_sizes, dim=1))):
            if bucket == self._blind_bucket and len(part) > 1 and not head._forward_hooks:
                # The head drawn first sees no input: its hidden units are gelu(bias) in every row, so one
                # row's logits are every row's, and ``nll`` scores them by gathering log-shares. On
                # gss_wages this is the 481-token occupation head in the learned order: 14% of a
                # step. Per-row gradients (Opacus' hooks) need every row, so a hooked head gets them.
                logits.append(head(part[:1]).expand(len(part), -1, -1))
            else:
                logits.append(head(part))
        return logits

    def loss(self, tokens: torch.Tensor) -> torch.Tensor:
        """Negative log-likelihood per row, summed over sub-columns and averaged over the batch."""
        return self.nll(self(tokens), tokens)

    def nll(self, logits: list[torch.Tensor], tokens: torch.Tensor) -> torch.Tensor:
        """``nll`` of this network's bucket logits (also for the output of an Opacus wrapper)."""
        return nll(logits, tokens, self.bucket_index)

    @torch.no_grad()
    def head_logits(self, s: int, embedded: torch.Tensor) -> torch.Tensor:
        """Logits of head ``s`` alone, from embeddings whose unsampled blocks are zero (sampling)."""
        rows, at = slice(s * self.hidden, (s + 1) * self.hidden), self.position[s] * self.hidden
        weight = self.masked.weight[rows] * self.masked.mask[at:at + self.hidden]  # the mask is in bucket order
        hidden = F.gelu(F.linear(embedded, weight, self.masked.bias[rows]))
        if self.residual is not None:
            hidden = hidden + F.gelu(hidden @ self.residual.weight[s] + self.residual.bias[s])
        bucket, i = self.place[s]
        head, width = self.heads[bucket], self.cardinalities[s]
        return hidden @ head.weight[i, :, :width] + head.bias[i, :width]

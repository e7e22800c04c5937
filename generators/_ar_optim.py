"""AdamW as one fused kernel call, without the compiler stack that ``torch.optim`` imports.

Every method of ``torch.optim.Optimizer`` is wrapped in ``torch._disable_dynamo``, whose first call
imports ``torch._dynamo`` (and sympy under it): 1.4–1.8 s of every fit on two cores, as long as a
whole fit of a narrow table. ``FusedAdamW`` keeps the same state (first and second moments, a
float32 step count per weight) and calls the same kernel, ``aten::_fused_adamw_``, that
``torch.optim.AdamW(fused=True)`` calls, so the weights it produces are bit-identical to torch's
(tests/generators/test_ar_optim.py). Non-private training only: Opacus wraps a ``torch.optim`` optimizer.
"""
from __future__ import annotations

from collections.abc import Iterable

import torch


class FusedAdamW:
    """AdamW (decoupled weight decay) over ``params``; ``lr`` may be changed between steps.

    A weight whose gradient is None at a step is left alone and its moments are not advanced, as in
    torch's AdamW.
    """

    def __init__(self, params: Iterable[torch.nn.Parameter], *, lr: float, weight_decay: float = 1e-2,
                 betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8):
        self.params = [p for p in params if p.requires_grad]
        self.lr, self.weight_decay, self.betas, self.eps = float(lr), float(weight_decay), betas, float(eps)
        self._state: dict[int, tuple[torch.Tensor, torch.Tensor, torch.Tensor]] = {}

    def zero_grad(self) -> None:
        for p in self.params:
            p.grad = None

    def _moments(self, index: int, p: torch.nn.Parameter) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        if index not in self._state:
            self._state[index] = (torch.zeros_like(p, memory_format=torch.preserve_format),
                                  torch.zeros_like(p, memory_format=torch.preserve_format),
                                  torch.zeros((), dtype=torch.float32, device=p.device))
        return self._state[index]

    @torch.no_grad()
    def step(self, max_grad_norm: float | None = None) -> None:
        """One AdamW step; with ``max_grad_norm`` the gradients are first clipped to that total norm.

        The clipping is ``torch.nn.utils.clip_grad_norm_``'s (the L2 norm over all gradients, scaled
        down by ``(norm + 1e-6) / max_grad_norm`` when above it) but costs one norm kernel instead of
        one per tensor: the fused kernel divides by the factor as it reads the gradients.
        """
        groups: dict[tuple[torch.device, torch.dtype], list[list[torch.Tensor]]] = {}
        for index, p in enumerate(self.params):
            if p.grad is None:
                continue
            if p.grad.is_sparse:
                raise RuntimeError("FusedAdamW takes dense gradients only")
            exp_avg, exp_avg_sq, step = self._moments(index, p)
            lists = groups.setdefault((p.device, p.dtype), [[], [], [], [], []])
            for into, tensor in zip(lists, (p, p.grad, exp_avg, exp_avg_sq, step)):
                into.append(tensor)
        scale = None if max_grad_norm is None else self._clip_scale(groups, max_grad_norm)
        for params, grads, exp_avgs, exp_avg_sqs, steps in groups.values():
            torch._foreach_add_(steps, 1)
            torch._fused_adamw_(params, grads, exp_avgs, exp_avg_sqs, [], steps, amsgrad=False, lr=self.lr,
                                beta1=self.betas[0], beta2=self.betas[1], weight_decay=self.weight_decay,
                                eps=self.eps, maximize=False, found_inf=None,
                                grad_scale=None if scale is None else scale.to(params[0].device))

    @staticmethod
    def _clip_scale(groups: dict, max_grad_norm: float) -> torch.Tensor | None:
        """The divisor that brings the total gradient norm down to ``max_grad_norm`` (at least 1), or None
        without gradients."""
        norms = [torch.linalg.vector_norm(torch.stack(torch._foreach_norm(lists[1])))
                 for lists in groups.values()]
        if not norms:
            return None
        device = norms[0].device
        total = torch.linalg.vector_norm(torch.stack([norm.to(device) for norm in norms]))
        return torch.clamp((total + 1e-6) / max_grad_norm, min=1.0)

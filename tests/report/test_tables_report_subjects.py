"""The multi-table report's 'Privacy per subject' section: distances and attacks per root, escaped, value-free."""
from __future__ import annotations

import copy

from synthgate.report import render_tables_report

MANIFEST = {
    "dataset": {"name": "clinic", "version": "1.0.0", "title": "Clinic", "licence": "CC-BY-4.0"},
    "tables": {"patients": {"file": "patients.parquet", "primary_key": "pid", "parent": None},
               "visits": {"file": "visits.parquet", "primary_key": "vid", "parent": "patients"}},
    "links": [{"child": "visits", "column": "pid", "parent": "patients", "parent_column": "pid"}],
    "rows": {"patients": {"source": 400, "training": 320, "synthetic": 400}},
}
PRIVACY = {"patients": {
    "dcr_share": 0.512, "dcr_share_low": 0.47, "dcr_share_high": 0.55, "close_records_share": 0.0125,
    "mia_auc": 0.503, "mia_auc_low": 0.45, "mia_auc_high": 0.56,
    "singling_out_risk": 0.0, "singling_out_risk_low": 0.0, "singling_out_risk_high": 0.041,
    "linkability_risk": 0.913, "linkability_risk_low": 0.88, "linkability_risk_high": 0.946,
    "inference_risk": 0.034, "inference_risk_low": 0.0, "inference_risk_high": 0.187,
    "inference_risk_column": "visits.<edema>.distinct",
    "attacks": {"singling_out": {"attack_rate": 0.24, "control_rate": 0.25},
                "linkability": {"attack_rate": 0.93, "control_rate": 0.0123},
                "inference": {"attack_rate": 0.85, "control_rate": 0.84}},
    "attack_samples": {"singling_out": {"training": 1000, "holdout": 1000},
                       "linkability": {"training": 80, "holdout": 80},
                       "inference": {"training": 320, "holdout": 80}},
    "attack_not_applicable": {}}}
EVALUATION = {"passed": False, "gates": [], "relational": {"privacy": PRIVACY, "headline": {}}}
VALIDATION = {"success": True, "evaluated": 10, "failed": 0}


def test_the_report_lists_each_subject_figure_with_its_interval_rates_and_attacks():
    # Setup / Run
    text = render_tables_report(manifest=MANIFEST, evaluation=EVALUATION, validation=VALIDATION, data_docs_href=None)

    # Assert
    section = text[text.index("Privacy per subject"):text.index("Headline figures")]
    for words in ("<strong>patients</strong>", "dcr_share", "0.512", "0.47 – 0.55", "close_records_share",
                  "linkability_risk", "0.913", "0.88 – 0.946", "0.93 / 0.0123", "80 / 80", "1,000 / 1,000",
                  "inference_risk</code> on <code>visits.&lt;edema&gt;.distinct</code>", "320 / 80"):
        assert words in section, words
    assert "<edema>" not in text and "<script" not in text


def test_an_attack_that_could_not_run_says_why_and_older_files_show_no_section():
    # Setup: inference not applicable; an evaluation from before the attacks (distances only); none at all
    missing = copy.deepcopy(EVALUATION)
    figures = missing["relational"]["privacy"]["patients"]
    figures.update(inference_risk=None, inference_risk_low=None, inference_risk_high=None, inference_risk_column=None)
    figures["attacks"]["inference"] = None
    del figures["attack_samples"]["inference"]
    figures["attack_not_applicable"] = {"inference": "inference needs at least two columns"}
    older = {**EVALUATION, "relational": {"privacy": {"patients": {"dcr_share": 0.5}}}}
    none = {**EVALUATION, "relational": {"privacy": {}}}

    # Run
    texts = [render_tables_report(manifest=MANIFEST, evaluation=e, validation=VALIDATION, data_docs_href=None)
             for e in (missing, older, none)]

    # Assert
    assert "inference: inference needs at least two columns" in texts[0]
    row = texts[0][texts[0].index("<code>inference_risk</code>"):]
    assert row.split("</tr>")[0].count("—") >= 3  # value, interval, rates and attacks shown as missing
    assert "Privacy per subject" in texts[1] and "singling_out_risk" not in texts[1]
    assert "Privacy per subject" not in texts[2]


def test_the_report_says_how_many_subjects_the_generator_learned():
    # Setup: a release that learned a uniform sample of subjects (generator.train_rows), one that learned all,
    # and one from before the sample was recorded
    sampled = {**MANIFEST, "generator": {"training_sample": {
        "sampled": True, "learned_subjects": 120, "available_subjects": 320, "learned_rows": 1500,
        "available_rows": 4012, "limit": 1500, "unit": "subject"}}}
    whole = {**MANIFEST, "generator": {"training_sample": {"sampled": False, "learned_subjects": 320}}}

    # Run
    texts = [render_tables_report(manifest=m, evaluation=EVALUATION, validation=VALIDATION, data_docs_href=None)
             for m in (sampled, whole, MANIFEST)]

    # Assert
    assert ("a seeded uniform sample of 120 of 320 training subjects (1,500 of 4,012 rows of all tables; "
            "<code>generator.train_rows</code> 1,500)") in texts[0]
    assert "learned every training subject (320)" in texts[1]
    assert "learned a seeded" not in texts[2] and "learned every" not in texts[2]

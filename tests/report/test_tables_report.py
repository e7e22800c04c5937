"""The report of a multi-table release (report/tables.py): figures per table and link, escaped, self-contained."""

import pytest

from synthgate.report import ReportInputError, render_tables_report, write_tables_report

MANIFEST = {
    "dataset": {"name": "pbc-tables", "version": "1.0.0", "title": "PBC <visits>", "licence": "CC-BY-4.0"},
    "tables": {"pbc": {"file": "pbc.parquet", "primary_key": "id", "parent": None},
               "pbcseq": {"file": "pbcseq.parquet", "primary_key": "visit_id", "parent": "pbc"}},
    "links": [{"child": "pbcseq", "column": "id", "parent": "pbc", "parent_column": "id"}],
    "rows": {"pbc": {"source": 150, "training": 120, "synthetic": 150},
             "pbcseq": {"source": 1146, "training": 895, "synthetic": 1162}},
    "orphans": {"pbcseq.id": {"orphan_rows": 3, "dropped_rows": 3, "blanked_keys": 0}},
    "files": {"pbc.parquet": {"sha256": "ab" * 32, "bytes": 7063}},
}
EVALUATION = {
    "passed": True,
    "gates": [{"metric": "referential_integrity_pbcseq_id", "value": 1.0, "operator": ">=", "bound": 1.0,
               "verdict": "pass", "passed": True}],
    "relational": {"integrity": [{"child": "pbcseq", "column": "id", "parent": "pbc", "parent_column": "id",
                                  "synthetic": {"share": 1.0}, "real": {"share": 1.0}}],
                   "cardinality": [{"child": "pbcseq", "ks_similarity": 0.81, "tv_similarity": 0.7,
                                    "real": {"mean": 7.6}, "synthetic": {"mean": 7.7}}],
                   "sequences": {"pbcseq": {"length": {"ks_similarity": 0.8}, "gap": {"ks_similarity": 0.9},
                                            "first": {"ks_similarity": 0.95}, "last": {"ks_similarity": 0.7},
                                            "transitions_mean": 0.88}},
                   "headline": {"c2st_agg.pbc": 0.31}, "not_applicable": {"quality": "not asked for"},
                   "meaning": {"integrity": "share of keys found"}},
}
EVALUATION["tables"] = {"pbc": {"quality_score": 0.842, "column_shapes": 0.9, "column_pair_trends": 0.78},
                        "links": {"not_applicable": "no learned column (keys only)"}}
VALIDATION = {"success": True, "evaluated": 76, "failed": 0}


def test_the_report_shows_tables_links_and_multi_table_figures(tmp_path):
    # Setup / Run
    path = write_tables_report(tmp_path, manifest=MANIFEST, evaluation=EVALUATION, validation=VALIDATION,
                               data_docs_href="data_docs/index.html")
    text = path.read_text()

    # Assert: every section, the title escaped, no script and no other host
    assert path.name == "report.html" and (path.stat().st_mode & 0o777) == 0o644
    for words in ("Multi-table figures", "Referential integrity", "Children per parent", "Sequences",
                  "referential_integrity_pbcseq_id", "pbcseq.id", "1,162", "Orphans in the source", "0.31",
                  'href="data_docs/index.html"', "76 of 76 expectations", "Each table on its own", "0.842",
                  "no learned column (keys only)"):
        assert words in text, words
    assert "PBC &lt;visits&gt;" in text and "<visits>" not in text
    assert "<script" not in text and "http" not in text


def test_a_single_table_manifest_is_refused_in_one_line():
    # Setup / Run / Assert
    with pytest.raises(ReportInputError, match="manifest.json: 'tables' is missing"):
        render_tables_report(manifest={"dataset": {}, "rows": {}}, evaluation=EVALUATION, validation=VALIDATION,
                             data_docs_href=None)


def test_a_dp_release_says_dp_per_subject_and_its_epsilon():
    # Setup: the manifest of a release trained with dp per subject, and one without
    dp = {"unit": "subject", "subjects": 150, "epsilon": 4.0, "delta": 1e-6, "epsilon_spent": 3.9996}
    with_dp = {**MANIFEST, "generator": {"kind": "relational", "differential_privacy": dp}}

    # Run
    text = render_tables_report(manifest=with_dp, evaluation=EVALUATION, validation=VALIDATION, data_docs_href=None)
    plain = render_tables_report(manifest=MANIFEST, evaluation=EVALUATION, validation=VALIDATION, data_docs_href=None)

    # Assert
    assert "Differential privacy per subject: epsilon 4 (delta 1e-06)" in text and "150 subjects" in text
    assert "Differential privacy" not in plain

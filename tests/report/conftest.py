"""Realistic release files for the report tests (evaluation.json format 2): a plain release, a DP release,
one without a utility target, a blocked one (a gate failed, one inconclusive), an inconclusive one and one
whose inconclusive figure the spec accepted (shaped like demo-output/catalog/covid-testing/1.0.0)."""
from __future__ import annotations

import copy
from dataclasses import dataclass

import pytest

SHA = "9f8d982fbdf4bb2cb21d6e05b5c70e00906d60db47833e1db295bd4090a96d19"
XSS = "<script>alert(1)</script>"
# Great Expectations writes ~25 hashed asset files; the report sums them up in one line.
DATA_DOCS = {"data_docs/index.html": 17114, **{
    f"data_docs/static/{kind}/{i:02d}{'abcdef0123'[i % 10] * 6}.{ext}": 1000 + 37 * i
    for i, (kind, ext) in enumerate([("fonts", "woff2")] * 8 + [("images", "png")] * 6 + [("styles", "css")] * 6
                                    + [("validations", "html")] * 4)}}
UNSCORED = {(0, 1), (2, 6), (5, 7)}  # pairs SDMetrics gave no score (None)
MAIN_COLUMNS = ("gender", "age", "clinic_name", "patient_class", "result", "ct_result", "pan_day", "drive_thru_ind")
KINDS = {"gender": "categorical", "age": "categorical", "clinic_name": "categorical", "patient_class": "categorical",
         "result": "categorical", "ct_result": "numerical", "pan_day": "numerical", "drive_thru_ind": "boolean"}


@dataclass
class Release:
    evaluation: dict
    manifest: dict
    validation: dict

    def kwargs(self) -> dict:
        return {"evaluation": self.evaluation, "manifest": self.manifest, "validation": self.validation}


def _attack(risk: float, rate: float) -> dict:
    return {"risk": risk, "ci": [0.0, round(risk + 0.012, 3)], "attack_rate": rate, "control_rate": round(rate - risk, 3),
            "baseline_rate": None, "n_attacks": 500, "details": {"mode": "multivariate"}}


# Titles and descriptions as evaluation/config.py words them (the report reads them from each gate).
WORDS = {
    "raw_copy_share": ("Training rows the generator reproduced exactly (before they were discarded)",
                       "Share of drawn rows that copied a training row, against the share of unseen real rows that "
                       "coincide with a training row by chance."),
    "exact_matches": ("Published rows that copy a real training row", "Synthetic rows that copy a training row."),
    "rare_value_share": ("Rare real values carried into the synthetic table",
                         "Share of synthetic cells holding a real value fewer than k training rows hold."),
    "reproduced_record_excess": ("Synthetic rows that repeat one real person's combination of values",
                                 "Share of synthetic rows repeating a combination held by one real person, minus "
                                 "the same share for unseen real people."),
    "close_records_share": ("Synthetic rows suspiciously close to a real training row",
                            "Share of synthetic rows nearer to a training row than 95% of unseen real rows are."),
    "dcr_share": ("Synthetic rows closer to the training rows than to unseen rows",
                  "Share of synthetic rows closer to a training row than to a holdout row (0.5 is ideal)."),
    "nndr_ratio": ("Isolation of synthetic rows from single real records", "Synthetic NNDR over holdout NNDR."),
    "mia_auc": ("Membership guessing from distances", "AUC of a distance-based membership-inference attack."),
    "singling_out_risk": ("Singling out one real person", "Anonymeter singling-out risk."),
    "linkability_risk": ("Linking two halves of a real person's record", "Anonymeter linkability risk."),
    "inference_risk": ("Inferring a hidden attribute of a real person", "Anonymeter inference risk (worst column)."),
    "quality_score": ("Statistical similarity to the real data", "SDMetrics quality score."),
    "utility_ratio": ("Usefulness for training models", "Synthetic-trained model against the real-trained one."),
}


def gate(metric: str, value, low, high, operator: str, bound: float, verdict: str = "pass", *,
         accepted: bool = False, column: str | None = None, columns: list | None = None,
         needed: int | None = None, title: str | None = None, description: str | None = None) -> dict:
    """One gate of evaluation.json format 2."""
    words = WORDS.get(metric, (title, description))
    return {"metric": metric, "title": title or words[0], "description": description or words[1],
            "value": value, "low": low, "high": high, "operator": operator, "bound": bound, "verdict": verdict,
            "accepted": accepted, "passed": verdict == "pass" or (verdict == "inconclusive" and accepted),
            "column": column, "columns": columns, "holdout_rows_needed": needed}


def _gates() -> list[dict]:
    return [
        gate("raw_copy_share", 0.004, 0.002, 0.007, "<=", 0.006),
        gate("exact_matches", 0, None, None, "<=", 0),
        gate("rare_value_share", 0.0, None, None, "<=", 0.0, column="clinic_name"),
        gate("reproduced_record_excess", 0.001, -0.002, 0.004, "<=", 0.01, columns=["gender", "age", "clinic_name"]),
        gate("close_records_share", 0.052, 0.045, 0.06, "<=", 0.08),
        gate("dcr_share", 0.512, 0.494, 0.53, "<=", 0.55),
        gate("nndr_ratio", 1.01, None, None, ">=", 0.8),
        gate("mia_auc", 0.503, 0.489, 0.517, "<=", 0.6),
        gate("singling_out_risk", 0.0, 0.0, 0.012, "<=", 0.05),
        gate("linkability_risk", 0.004, 0.0, 0.016, "<=", 0.05),
        gate("inference_risk", 0.03, 0.01, 0.05, "<=", 0.1, column="ct_result"),
        gate("quality_score", 0.93, None, None, ">=", 0.8),
        gate("utility_ratio", 0.96, 0.9, 1.02, ">=", 0.8),
    ]


def _replace(gates: list[dict], new: dict) -> list[dict]:
    return [new if g["metric"] == new["metric"] else g for g in gates]


def _distributions() -> list[dict]:
    return [
        {"column": "pan_day", "kind": "numerical", "bins": ["< 20", "20 – 40", "40 – 60", "60 – 80", ">= 80"],
         "real": [0.05, 0.18, 0.27, 0.28, 0.22], "synthetic": [0.06, 0.17, 0.26, 0.29, 0.22],
         "min_count": 10, "merged_bins": 1, "other_categories": 0},
        {"column": "ct_result", "kind": "numerical", "bins": ["< 20", "20 – 30", "30 – 40", ">= 40"],
         "real": [0.02, 0.03, 0.05, 0.9], "synthetic": [0.025, 0.035, 0.04, 0.9],
         "min_count": 10, "merged_bins": 0, "other_categories": 0,
         "notes": ["missing values are left out (fewer than 10 real rows are missing): shares are of the known "
                   "values; 1.2% of the synthetic rows are missing"], "skipped": None},
        {"column": "result", "kind": "categorical", "bins": ["negative", "positive", "invalid"],
         "real": [0.93, 0.06, 0.01], "synthetic": [0.925, 0.065, 0.01], "min_count": 10, "merged_bins": 0,
         "other_categories": 0},
        {"column": "clinic_name", "kind": "categorical",
         "bins": ["clinical lab", "emergency dept", "inpatient ward a", "outpatient clinic", "other (4 categories)"],
         "real": [0.31, 0.24, 0.16, 0.2, 0.09], "synthetic": [0.3, 0.25, 0.15, 0.21, 0.09], "min_count": 10,
         "merged_bins": 0, "other_categories": 4},
        {"column": "drive_thru_ind", "kind": "boolean", "bins": [], "real": [], "synthetic": [], "min_count": 10,
         "merged_bins": 0, "other_categories": 0, "notes": [],
         "skipped": "no category holds 10 real rows (min_count): no chart"},
    ]


def _associations() -> dict:
    n = len(MAIN_COLUMNS)
    real = [[1.0 if i == j else round(0.6 / (1 + abs(i - j)) - 0.1 * ((i + j) % 3 == 0), 3) for j in range(n)] for i in range(n)]
    synthetic = [[1.0 if i == j else round(v * 0.92, 3) for j, v in enumerate(row)] for i, row in enumerate(real)]
    real[2][6] = real[6][2] = synthetic[2][6] = synthetic[6][2] = None  # undefined association
    return {"columns": list(MAIN_COLUMNS), "real": real, "synthetic": synthetic,
            "method": {"numerical": "spearman", "mixed": "cramers_v"}}


def evaluation_plain() -> dict:
    return {
        "format_version": 2,
        "rows": {"training": 12419, "synthetic": 15524, "holdout": 3105},
        "columns": {"evaluated": dict(KINDS), "skipped": {"subject_id": "identifier-like: every value distinct"}},
        "quality_score": 0.93, "column_shapes": 0.95, "column_pair_trends": 0.91,
        "dcr_share": 0.512, "nndr": 0.71, "nndr_holdout": 0.70, "nndr_ratio": 1.01, "exact_matches": 0, "mia_auc": 0.503,
        "singling_out_risk": 0.0, "linkability_risk": 0.004, "inference_risk": 0.03, "utility_ratio": 0.96,
        "utility": {"target": "result", "task": "classification", "model": "HistGradientBoostingClassifier",
                    "synthetic": {"auc": 0.95, "f1": 0.71}, "real": {"auc": 0.96, "f1": 0.74},
                    "rows": {"fit_synthetic": 15524, "fit_real": 12419, "test": 3105}, "notes": []},
        "fidelity": {
            "diagnostic": {"score": 1.0, "data_validity": 1.0, "data_structure": 1.0},
            "columns": [{"column": c, "metric": "KSComplement" if k == "numerical" else "TVComplement",
                         "score": round(0.99 - 0.01 * i, 2)} for i, (c, k) in enumerate(KINDS.items())],
            "pairs": [{"columns": [a, b], "metric": "ContingencySimilarity",
                       "score": None if (i, j) in UNSCORED else round(0.97 - 0.004 * (i + j), 3),
                       "real": None, "synthetic": None}
                      for i, a in enumerate(MAIN_COLUMNS) for j, b in enumerate(MAIN_COLUMNS) if i < j],
            "distributions": _distributions(),
            "associations": _associations(),
        },
        "privacy": {
            "dcr": {"share": 0.512, "ties": 0.01, "rows_compared": 3105},
            "nndr": {"synthetic_p10": 0.71, "holdout_p10": 0.70},
            "mia": {"auc": 0.503, "members": 3105, "non_members": 3105},
            "singling_out": _attack(0.0, 0.01), "linkability": _attack(0.004, 0.02),
            "inference": {**_attack(0.03, 0.41), "details": {"per_column": {
                "result": {"risk": 0.01, "ci": [0.0, 0.03]}, "ct_result": {"risk": 0.03, "ci": [0.01, 0.05]}}}},
        },
        "gates": _gates(),
        "passed": True, "verdict": "pass",
        "not_applicable": {},
        "k_anonymity": None,
        "timings": {"fidelity": 6.1, "utility": 2.0, "distance": 3.2, "singling_out": 2.1, "linkability": 1.2,
                    "inference": 4.4, "total": 19.0},
        "config": {"thresholds": {"dcr_share_max": 0.55, "mia_auc_max": 0.6, "exact_matches_max": 0}, "seed": 0,
                   "holdout_fraction": 0.2},
    }


def _plan() -> dict:
    return {
        "subject_id": {"action": "pseudonymise", "kind": "id", "rule": None},
        "fake_first_name": {"action": "drop", "kind": "categorical", "rule": None},
        "age": {"action": "generalise", "kind": "numerical",
                "rule": {"rule": "age_band", "width": 5, "top": 25, "bottom": None}},
        "clinic_name": {"action": "generalise", "kind": "categorical",
                        "rule": {"rule": "merge_rare", "min_count": 20, "other_label": "other clinic"}},
        "ct_result": {"action": "generalise", "kind": "numerical",
                      "rule": {"rule": "top_bottom_code", "upper": 45.27, "upper_quantile": None, "lower": None,
                               "lower_quantile": None}},
        "gender": {"action": "keep", "kind": "categorical", "rule": None},
        "note": {"action": "redact_text", "kind": "text", "rule": None},
    }


def _outcome(column: str, action: str, changed: int, output_kind: str | None, **extra) -> dict:
    return {"column": column, "action": action, "changed_cells": changed, "non_null_cells": 15524,
            "distinct_pseudonyms": None, "entities_redacted": {}, "malformed_cells": None, "nulled_cells": None,
            "output_kind": output_kind, "rule": None, "subjects_shifted": None, **extra}


def manifest_plain() -> dict:
    curve = [{"epoch": e, "max_epochs": 100, "train_loss": round(30.3 - 6 * (1 - 0.8 ** e), 3),
              "val_loss": round(30.4 - 5.6 * (1 - 0.8 ** e) + 0.02 * max(0, e - 14), 3), "elapsed_s": 0.5 * e,
              "eta_s": 1.0} for e in range(1, 20)]
    return {
        "format_version": 1,
        "dataset": {"name": "covid-testing", "version": "1.0.0", "title": "COVID-19 testing at a children's hospital (synthetic)",
                    "description": "Synthetic version of 15,524 SARS-CoV-2 PCR tests.", "licence": "CC-BY-4.0",
                    "domain": "healthcare"},
        "created_at": "2026-11-22T14:27:24+00:00",
        "run": {"workspace_run_id": "20261122T142644Z-12eeb307", "prefect_flow_run_id": "6b0565c5-c2b1-46e0-a3d2-ba29e406c745"},
        "spec_sha256": "306d1c542ffca73beaabacb6a350be479cf666648e92ecef6c59edc9fc5e04a4",
        "source": {"sha256": "459c85b22f6537349f3201d9878c00c10ee5ff7c7ac5cea3c1a2e63d7092482e", "rows": 15524,
                   "columns": 18, "files": 1},
        "holdout": {"fraction": 0.2, "rows": 3105, "sha256": "1" * 64, "seed": 0},
        "privacy": {
            "key_id": "k_ad7b3a22de703854", "plan": _plan(),
            "columns": [
                _outcome("subject_id", "pseudonymise", 15524, "id", distinct_pseudonyms=12344),
                _outcome("fake_first_name", "drop", 15461, None),
                _outcome("age", "generalise", 15524, "categorical", rule="age_band"),
                _outcome("clinic_name", "generalise", 170, "categorical", rule="merge_rare"),
                _outcome("ct_result", "generalise", 152, "numerical", rule="top_bottom_code"),
                _outcome("gender", "keep", 0, "categorical"),
                _outcome("note", "redact_text", 10161, "text", entities_redacted={"PERSON": 8708, "LOCATION": 1480}),
            ],
            "excluded_text_columns": ["note"], "date_shift": None, "additional_information": None,
            "risk": {"quasi_identifiers": ["gender", "age", "clinic_name", "patient_class"],
                     "threshold": {"k": 5, "l": None, "max_unique_share": None, "sensitive": None}, "met": True,
                     "before": {"k": 1, "classes": 576, "unique_records": 148, "unique_share": 0.00953, "rows": 15524, "l": None},
                     "after": {"k": 5, "classes": 256, "unique_records": 0, "unique_share": 0.0, "rows": 15524, "l": None},
                     "steps_applied": 2,
                     "steps": [{"step": "generalise", "column": "clinic_name", "cells_changed": 1281, "cells_suppressed": 0,
                                "rows_suppressed": 0, "met": False},
                               {"step": "suppress_cells", "column": None, "cells_changed": 0, "cells_suppressed": 383,
                                "rows_suppressed": 0, "met": True}]},
        },
        "generator": {
            "kind": "autoregressive", "device": "cpu", "seed": 2026, "train_seconds": 10.246, "model_sha256": SHA,
            "params": {"batch_size": None, "bins": 64, "constraints": [], "dp": None, "hidden": 64, "learning_rate": 0.003,
                       "max_epochs": 100, "patience": 4, "random_order_share": 0.25, "val_share": 0.1},
            "training": {"epochs": 19, "steps": 285, "stopped": "converged", "curve": curve},
            "differential_privacy": None,
        },
        "rows": {"source": 15524, "training": 12419, "synthetic": 15524, "discarded_copies": 56},
        "columns": {"subject_id": "id", **KINDS},  # the published table's columns
        "validation": {"success": True, "evaluated": 12, "failed": 0},
        "evaluation": {"passed": True, "gates": 8, "failed": 0},
        "libraries": {"python": "3.11.7", "synthgate": "0.1.0", "sdv": "2.0.0", "torch": "2.13.0+cpu", "pandas": "2.3.3"},
        "files": {name: {"sha256": SHA, "bytes": size} for name, size in (
            ("README.md", 1322), ("covid-testing.parquet", 422034), ("evaluation.json", 20480),
            ("validation.json", 23026), ("report.html", 1), ("report.pdf", 1), *DATA_DOCS.items())},
    }


def validation_plain() -> dict:
    outcomes = [{"suite": "synthetic_table", "expectation": "expect_column_to_exist", "column": c, "success": True,
                 "description": f"Column {c} exists.", "observed": None} for c in MAIN_COLUMNS]
    outcomes += [{"suite": "privacy_gates", "expectation": "expect_column_values_to_be_in_set", "column": g,
                  "success": True, "description": f"Privacy gate {g}.", "observed": "unexpected_percent=0%"}
                 for g in ("copies_training_row", "dcr_share", "mia_auc", "singling_out_risk")]
    return {"success": True, "evaluated": len(outcomes), "failed": 0, "docs_index": "index.html", "outcomes": outcomes}


def dp_release() -> Release:
    release = Release(evaluation_plain(), manifest_plain(), validation_plain())
    gen = release.manifest["generator"]
    gen["params"]["dp"] = {"epsilon": 5.0, "delta": 1e-5, "max_grad_norm": 1.0}
    gen["training"] = {"epochs": 10, "steps": 120, "stopped": "max_epochs",
                       "curve": [{"epoch": e, "train_loss": None, "val_loss": None} for e in range(1, 11)]}
    gen["differential_privacy"] = {
        "epsilon": 5.0, "delta": 1e-5, "epsilon_spent": 4.98, "accountant": "rdp", "library": "opacus 1.6.0",
        "threshold_delta": 1e-6, "accounting_delta": 9e-6,
        "releases": [{"name": "numeric_quantiles", "noise_multiplier": 12.5}, {"name": "token_marginals", "noise_multiplier": 9.1}],
        "sgd": {"noise_multiplier": 0.82, "sample_rate": 0.02, "steps": 120, "max_grad_norm": 1.0}}
    return release


def no_utility_release() -> Release:
    release = Release(evaluation_plain(), manifest_plain(), validation_plain())
    release.evaluation["utility"] = None
    release.evaluation["not_applicable"] = {"utility": "no target column was named in the spec"}
    return release


def blocked_release() -> Release:
    """One gate failed (the generator copied training rows), one inconclusive, one not applicable."""
    release = Release(evaluation_plain(), manifest_plain(), validation_plain())
    ev = release.evaluation
    gates = _replace(_gates(), gate("raw_copy_share", 0.021, 0.017, 0.026, "<=", 0.006, "fail"))
    # The case that once read "0 ✓": an estimate of 0.379 whose interval spans 0 to 1.
    gates = _replace(gates, gate("inference_risk", 0.379, 0.0, 1.0, "<=", 0.1, "inconclusive", column="result",
                                 needed=12000))
    ev["gates"] = [g for g in gates if g["metric"] != "linkability_risk"]
    ev.update(passed=False, verdict="fail", linkability_risk=None, inference_risk=0.379)
    ev["not_applicable"] = {"linkability_risk": "fewer than 2 columns left to link"}
    ev["privacy"]["inference"]["details"]["per_column"]["result"] = {"risk": 0.379, "ci": [0.0, 1.0]}
    failed = {"suite": "privacy_gates", "expectation": "expect_evaluation_metric_to_be_between",
              "column": "raw_copy_share", "success": False,
              "description": "Training rows the generator reproduced exactly.", "observed": "0.021"}
    release.validation["outcomes"].append(failed)
    release.validation.update(success=False, evaluated=len(release.validation["outcomes"]), failed=1)
    release.manifest["validation"] = {"success": False, "evaluated": release.validation["evaluated"], "failed": 1}
    release.manifest["evaluation"] = {"passed": False, "gates": 12, "failed": 2}
    return release


def inconclusive_release() -> Release:
    """Nothing failed, but the inference risk's interval is too wide to tell: blocked until more rows are held out."""
    release = Release(evaluation_plain(), manifest_plain(), validation_plain())
    ev = release.evaluation
    ev["gates"] = _replace(_gates(), gate("inference_risk", 0.06, 0.0, 0.31, "<=", 0.1, "inconclusive",
                                          column="ct_result", needed=9400))
    ev.update(passed=False, verdict="inconclusive", inference_risk=0.06)
    ev["privacy"]["inference"]["details"]["per_column"]["ct_result"] = {"risk": 0.06, "ci": [0.0, 0.31]}
    release.manifest["evaluation"] = {"passed": False, "gates": 13, "failed": 1}
    return release


def accepted_release() -> Release:
    """The DCR share is inconclusive and the spec accepted it: released, and the report says so."""
    release = Release(evaluation_plain(), manifest_plain(), validation_plain())
    release.evaluation["gates"] = _replace(_gates(), gate("dcr_share", 0.52, 0.43, 0.61, "<=", 0.55, "inconclusive",
                                                          accepted=True, needed=8000))
    return release


def wide_release() -> Release:
    """A 40-column table: 12 charts, a 20-column association matrix, 190 pairs and 14 failed checks."""
    release = Release(evaluation_plain(), manifest_plain(), validation_plain())
    ev, man = release.evaluation, release.manifest
    names = [f"measure_{i:02d}" for i in range(40)]
    kinds = {name: "numerical" if i % 3 else "categorical" for i, name in enumerate(names)}
    ev["columns"]["evaluated"] = kinds
    ev["fidelity"]["columns"] = [{"column": name, "metric": "KSComplement", "score": round(0.8 + 0.004 * i, 3)}
                                 for i, name in enumerate(names)]
    ev["fidelity"]["pairs"] = [{"columns": [a, b], "metric": "CorrelationSimilarity",
                                "score": None if (i + j) % 17 == 0 else round(0.99 - 0.001 * (i + j), 3)}
                               for i, a in enumerate(names[:20]) for j, b in enumerate(names[:20]) if i < j]
    ev["fidelity"]["distributions"] = [
        {"column": name, "kind": kinds[name], "bins": ["< 10", "10 to < 20", "20 to < 30", "30 to < 40", ">= 40"],
         "real": [0.2] * 5, "synthetic": [0.18, 0.22, 0.2, 0.19, 0.21], "min_count": 10, "merged_bins": 0,
         "other_categories": 0, "notes": [], "skipped": None} for name in names[:12]]
    n = 20
    matrix = [[1.0 if i == j else round(0.5 / (1 + abs(i - j)), 3) for j in range(n)] for i in range(n)]
    ev["fidelity"]["associations"] = {"columns": names[:n], "real": matrix,
                                      "synthetic": [[v * 0.9 if v != 1.0 else v for v in row] for row in matrix],
                                      "method": {"numerical": "spearman"}}
    actions = ["pseudonymise", "generalise", "drop", "generalise", "date_shift", "generalise", "suppress", "drop",
               "generalise", "generalise", "generalise", "generalise", "generalise", "generalise"]
    man["privacy"]["plan"] = {name: {"action": actions[i] if i < len(actions) else "keep", "kind": kinds[name],
                                     "rule": None} for i, name in enumerate(names)}
    man["privacy"]["columns"] = [_outcome(name, step["action"], 100, kinds[name]) for name, step in
                                 man["privacy"]["plan"].items()]
    man["columns"] = {name: kinds[name] for name, step in man["privacy"]["plan"].items() if step["action"] != "drop"}
    failed = [{"suite": "synthetic_table", "expectation": "expect_column_values_to_be_between", "column": name,
               "success": False, "description": f"Values of {name} lie in the training range.",
               "observed": "unexpected_percent=2%"} for name in names[:14]]
    release.validation["outcomes"] += failed
    release.validation.update(success=False, evaluated=len(release.validation["outcomes"]), failed=len(failed))
    return release


def xss_release() -> Release:
    """Every place a user-chosen name reaches the page holds a script tag."""
    release = Release(evaluation_plain(), manifest_plain(), validation_plain())
    ev, man = release.evaluation, release.manifest
    ev["columns"]["evaluated"][XSS] = "categorical"
    ev["fidelity"]["columns"].append({"column": XSS, "metric": "TVComplement", "score": 0.9})
    ev["fidelity"]["distributions"].append({"column": XSS, "kind": "categorical", "bins": [XSS, "b"],
                                            "real": [0.5, 0.5], "synthetic": [0.4, 0.6], "min_count": 10})
    ev["fidelity"]["associations"]["columns"][0] = XSS
    ev["utility"]["target"] = XSS
    man["dataset"]["title"] = XSS
    man["privacy"]["plan"][XSS] = {"action": "keep", "kind": "categorical", "rule": None}
    man["generator"]["params"][XSS] = XSS
    release.validation["outcomes"][0]["column"] = XSS
    return release


RELEASES = {
    "plain": lambda: Release(evaluation_plain(), manifest_plain(), validation_plain()),
    "dp": dp_release, "no_utility": no_utility_release, "blocked": blocked_release,
    "inconclusive": inconclusive_release, "accepted": accepted_release, "wide": wide_release,
}


@pytest.fixture
def plain() -> Release:
    return RELEASES["plain"]()


@pytest.fixture
def dp() -> Release:
    return dp_release()


@pytest.fixture
def no_utility() -> Release:
    return no_utility_release()


@pytest.fixture
def blocked() -> Release:
    return blocked_release()


@pytest.fixture
def inconclusive() -> Release:
    return inconclusive_release()


@pytest.fixture
def accepted() -> Release:
    return accepted_release()


@pytest.fixture
def release_named():
    """A fresh release by its name in RELEASES."""
    return lambda name: copy.deepcopy(RELEASES[name]())


@pytest.fixture
def make_gate():
    """The gate builder, for tests that add a gate of their own."""
    return gate


@pytest.fixture
def xss() -> Release:
    return xss_release()


@pytest.fixture(params=sorted(RELEASES))
def any_release(request) -> Release:
    return copy.deepcopy(RELEASES[request.param]())

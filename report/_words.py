"""The report's plain words: what each figure means, what each action did, and the glossary."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Metric:
    """How the report names and explains one figure."""

    label: str
    meaning: str
    block: str = ""  # the key of its details in evaluation["privacy"], when it has one


PRIVACY = {
    "exact_matches": Metric(
        "Exact copies of real rows",
        "Synthetic rows identical to a row of the real training data. Any copy could reveal a real record."),
    "dcr_share": Metric(
        "Closer to training than to holdout (DCR share)",
        "Share of synthetic rows nearer to a training row than to an unseen real row. About 0.5 means no "
        "memorisation; well above 0.5 means the generator copied its training rows.", "dcr"),
    "nndr": Metric(
        "Nearest-neighbour distance ratio (NNDR)",
        "How clearly each synthetic row sits near one single real row (10th percentile). Near 0: some rows "
        "shadow one person; near 1: no row is tied to anyone in particular.", "nndr"),
    "nndr_holdout": Metric(
        "NNDR of unseen real rows",
        "The same ratio for the holdout: what new, real people look like. The synthetic figure should be similar.",
        "nndr"),
    "nndr_ratio": Metric(
        "NNDR, synthetic against holdout",
        "Synthetic NNDR divided by the holdout's. About 1 or more: synthetic rows are no closer to real people "
        "than new real people are."),
    "mia_auc": Metric(
        "Membership-inference attack (AUC)",
        "How well an attacker holding the synthetic data can tell whether a given person was in the training "
        "data. 0.5 is pure guessing; 1.0 is certainty.", "mia"),
    "singling_out_risk": Metric(
        "Singling-out risk",
        "How often the synthetic data lets an attacker describe exactly one real person, beyond what chance "
        "gives. 0 is no risk, 1 is every time.", "singling_out"),
    "linkability_risk": Metric(
        "Linkability risk",
        "How often the synthetic data lets an attacker join two halves of a real person's record, beyond "
        "chance.", "linkability"),
    "inference_risk": Metric(
        "Attribute-inference risk",
        "How often an attacker who knows some of a person's attributes can guess a hidden one from the "
        "synthetic data, beyond chance (the worst column).", "inference"),
}

FIDELITY = {
    "quality_score": Metric(
        "Overall fidelity (quality score)",
        "How closely the synthetic data reproduces the real data, column by column and pair by pair. 1 is a "
        "perfect match."),
    "column_shapes": Metric(
        "Column shapes", "How similar each column's distribution is between real and synthetic data (average)."),
    "column_pair_trends": Metric(
        "Column pair trends", "How well relationships between pairs of columns are kept (average)."),
    "c2st": Metric(
        "Told apart from real rows (C2ST)",
        "Whether a classifier trained to tell real rows from synthetic ones manages it, looking at whole rows "
        "and at how values were recorded: 1 means it does no better than guessing, 0 that it always succeeds. "
        "A copy of the real rows would also score 1: copies are caught by the privacy gates."),
}

# Short names of the known gates, for the one-line verdict ("1 gate failed (copies of real rows)").
# A gate the report does not know is named by the title its dict carries.
SHORT = {
    "raw_copy_share": "real rows copied by the generator",
    "exact_matches": "copies of real rows in the published table",
    "rare_value_share": "rare real values carried over",
    "reproduced_record_excess": "one person's combination of values repeated",
    "close_records_share": "rows suspiciously close to real rows",
    "dcr_share": "rows closer to training than to unseen rows",
    "nndr_ratio": "rows shadowing single real records",
    "mia_auc": "guessing who was in the training data",
    "singling_out_risk": "singling out a real person",
    "linkability_risk": "linking a real person's records",
    "inference_risk": "inferring a hidden attribute",
    "quality_score": "similarity to the real data",
    "c2st": "synthetic rows told apart from real ones",
    "utility_ratio": "usefulness for training models",
}


@dataclass(frozen=True)
class Verdict:
    """How the report shows one gate's verdict: a mark, a word, and what the word means."""

    mark: str
    word: str
    meaning: str


VERDICTS = {
    "pass": Verdict("✓", "pass", "the figure meets its limit"),
    "fail": Verdict("✗", "fail", "the figure breaks its limit: the data must not be released"),
    "inconclusive": Verdict("?", "inconclusive", "the 95% interval is too wide to tell whether the limit is met; "
                            "more real holdout rows would settle it"),
    "accepted": Verdict("?", "inconclusive, accepted", "inconclusive, and the release spec accepted this figure "
                        "being inconclusive"),
    "unmeasured": Verdict("✗", "not measured", "the figure could not be measured, so it cannot vouch for the data"),
}

UTILITY = {
    "auc": ("AUC", "higher is better; 0.5 is guessing, 1 is perfect"),
    "f1": ("F1 score", "higher is better; 1 is perfect"),
    "r2": ("R²", "higher is better; 1 is perfect, 0 is no better than the average"),
    "mae": ("Mean absolute error", "lower is better"),
    "accuracy": ("Accuracy", "higher is better"),
}

ACTIONS = {
    "keep": "kept as it was",
    "drop": "removed",
    "pseudonymise": "replaced by keyed pseudonyms",
    "surrogate": "replaced by format-preserving surrogates",
    "generalise": "generalised (made coarser)",
    "date_shift": "dates shifted by a per-person offset",
    "redact_text": "names, places and numbers redacted from the text",
    "suppress": "suppressed",
}

# Past participles for the one-line count above the plan ("3 columns generalised").
ACTIONS_DONE = {
    "keep": "kept", "drop": "removed", "pseudonymise": "pseudonymised", "surrogate": "replaced by surrogates",
    "generalise": "generalised", "date_shift": "date-shifted", "redact_text": "text-redacted", "suppress": "suppressed",
}

STOPPED = {
    "converged": "validation loss stopped improving (early stopping)",
    "max_epochs": "reached the maximum number of epochs",
    "time_budget": "reached its time budget",
    "planned_steps": "ran the planned number of private training steps",
}

# Rule parameters that come from the spec and never from data (a top-coding bound may be a real value).
SAFE_RULE_PARAMS = ("width", "min_count", "level", "upper_quantile", "lower_quantile", "digits", "keep_gu_in_si")

GLOSSARY = (
    ("Synthetic data", "Rows produced by a statistical model trained on real data. No synthetic row is a real "
     "person's record; the model reproduces patterns, not people."),
    ("Pseudonymisation", "Replacing direct identifiers (names, ID numbers) before training, so the generator "
     "never sees them."),
    ("Quasi-identifier", "A column that is harmless alone but can identify someone in combination with others "
     "(age band, sex, postcode)."),
    ("k-anonymity", "Every combination of quasi-identifier values is shared by at least k rows, so no row stands "
     "out on those columns."),
    ("Holdout", "Real rows set aside before training. The generator never sees them; they show what ‘a new real "
     "person’ looks like when measuring risk."),
    ("Fidelity", "How closely the synthetic data reproduces the distributions and relationships of the real data."),
    ("Utility", "Whether a model trained on synthetic data predicts as well on real data as one trained on real "
     "data."),
    ("DCR", "Distance to the closest record: how far a synthetic row is from its nearest real row."),
    ("Membership inference", "An attack that tries to tell whether a person's record was used for training."),
    ("Singling out, linkability, inference", "The three re-identification attacks of the EU Article 29 Working "
     "Party (measured with anonymeter's method); each risk is the attack's success beyond a control group."),
    ("Differential privacy (ε, δ)", "A mathematical limit on how much any single person's record can change the "
     "trained model. Smaller ε means stronger protection; δ is the small chance the limit does not hold."),
    ("AUC", "Area under the ROC curve: 0.5 means guessing, 1.0 means always right."),
    ("SHA-256 hash", "A fingerprint of a file. Recomputing it on a copy proves the copy is unchanged."),
    ("Data Docs", "Great Expectations' web pages listing every validation check and its result."),
)

"""What the evaluation measures and the bounds each figure must keep: typed, bounded, documented."""
from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from pydantic import BaseModel, ConfigDict, Field, model_validator

__all__ = ["GATES", "INTERVAL_GATES", "EvaluationConfig", "GateRule", "Task", "Thresholds"]


class Task(str, Enum):
    AUTO = "auto"
    CLASSIFICATION = "classification"
    REGRESSION = "regression"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Thresholds(_Strict):
    """The bound on every figure; a figure outside its bound blocks publishing.

    Defaults follow practice: the generator may copy training rows no more often than unseen
    real rows coincide with them by chance, and the published table holds no copy at all; no
    synthetic cell may carry a real value that fewer than k training rows hold, and no more
    synthetic rows than unseen real rows may repeat a combination held by one real person; no
    more synthetic rows than expected may lie closer to a training row than unseen real rows do
    (1% by construction); a nearest-neighbour membership attack may do at most a little better
    than a coin; no anonymeter-style attack may gain more than 10% over the same attack on the
    holdout.

    Figures measured on samples carry a 95% interval and get one of three verdicts: **fail**
    when the whole interval lies beyond the bound, or when the interval is narrow enough to
    decide and the estimate lies beyond it; **pass** when the estimate lies within the bound and
    the interval is narrow enough to decide; **inconclusive** when the interval is wider than the
    distance between the figure's ideal value and its bound, so the measurement cannot tell a
    pass from a fail (more holdout rows narrow it). An inconclusive figure blocks publishing
    unless the spec accepts it by name (``accept_inconclusive``). A bound set to null turns its
    gate off (the figure is still measured and reported).
    """

    raw_copy_margin: float | None = Field(default=0.0, ge=0.0, le=1.0, description="How much more often than "
                                          "chance the generator may draw exact copies of training rows, before "
                                          "they are discarded (the bound is the chance rate plus this margin).")
    exact_matches_max: int | None = Field(default=0, ge=0, description="Published synthetic rows that equal a "
                                          "training row.")
    rare_value_share_max: float | None = Field(default=0.0, ge=0.0, le=1.0, description="Share of synthetic "
                                               "cells of a category or text column holding a real value that "
                                               "fewer than k training rows hold (k: value_protection).")
    reproduced_record_excess_max: float | None = Field(default=0.01, ge=0.0, le=1.0, description="Share of "
                                                       "synthetic rows repeating a combination held by one real "
                                                       "person, beyond the same share for unseen real people.")
    close_records_share_max: float | None = Field(default=0.03, ge=0.01, le=1.0, description="Share of synthetic "
                                                  "rows nearer their nearest training row than 99% of unseen real "
                                                  "rows are (0.01 is ideal).")
    dcr_share_max: float | None = Field(default=0.55, ge=0.5, le=1.0, description="Share of synthetic rows closer "
                                        "to a training row than to a holdout row, balanced for the tables' sizes "
                                        "(0.5 is ideal).")
    nndr_ratio_min: float | None = Field(default=0.8, ge=0.0, le=2.0, description="Synthetic rows' 10th-percentile "
                                         "nearest-neighbour distance ratio over the holdout rows' (1 is ideal).")
    mia_auc_max: float | None = Field(default=0.6, ge=0.5, le=1.0, description="AUC of a distance-based "
                                      "membership-inference attack (0.5 is a coin toss).")
    singling_out_risk_max: float | None = Field(default=0.1, ge=0.0, le=1.0)
    linkability_risk_max: float | None = Field(default=0.1, ge=0.0, le=1.0)
    inference_risk_max: float | None = Field(default=0.1, ge=0.0, le=1.0)
    quality_score_min: float | None = Field(default=0.6, ge=0.0, le=1.0, description="SDMetrics overall quality.")
    c2st_min: float | None = Field(default=None, ge=0.0, le=1.0, description="Classifier two-sample test score: "
                                   "1 - (2 * max(AUC, 0.5) - 1) of a classifier telling real training rows from "
                                   "synthetic ones (1: indistinguishable); reported, and off unless set.")
    utility_ratio_min: float | None = Field(default=None, ge=0.0, le=2.0, description="Synthetic-trained model's "
                                            "skill above chance (AUC - 0.5, or R²) over the real-trained "
                                            "model's; off unless set.")


@dataclass(frozen=True)
class GateRule:
    """How one threshold reads: the figure it bounds, the direction, and words for reviewers.

    ``ideal`` is the figure's value when nothing is wrong (None: no fixed ideal); a figure with
    an interval whose width exceeds ``|bound - ideal|`` is inconclusive. ``shown_beyond``: the
    gate fails only when the whole interval lies beyond the bound (for a figure whose interval
    stays wider than its bound at any realistic holdout size, where the estimate alone would
    block honest releases at random and "inconclusive" would block them always).
    """

    metric: str
    threshold: str
    operator: str  # "<=" or ">="
    title: str
    description: str
    ideal: float | None = None
    shown_beyond: bool = False
    remedy: str = ""  # what a failure asks the release's owner to do, in a few words


#: Every gate, in report order. Titles and descriptions are plain words for a review committee.
GATES: tuple[GateRule, ...] = (
    GateRule("raw_copy_share", "raw_copy_margin", "<=",
             "Training rows the generator reproduced exactly (before they were discarded)",
             "Share of the rows the generator drew that were exact copies of a real training row, "
             "before copies were thrown away; the bound is the share of unseen real rows that coincide "
             "with a training row by chance. More than chance means the generator memorised rows."),
    GateRule("exact_matches", "exact_matches_max", "<=",
             "Published rows that copy a real training row",
             "Synthetic rows in the published table that are an exact copy of a real training row."),
    GateRule("rare_value_share", "rare_value_share_max", "<=",
             "Rare real values carried into the synthetic table",
             "Share of synthetic cells, in the worst category or text column, holding a real value that "
             "fewer than k training rows hold: such a value points at a few real people.",
             remedy="protect this column (pseudonymise, drop, or generalise with merge_rare)"),
    GateRule("reproduced_record_excess", "reproduced_record_excess_max", "<=",
             "Synthetic rows that repeat one real person's combination of values",
             "Share of synthetic rows repeating a combination of identifying values held by exactly one "
             "real training row, minus the same share for unseen real people (what chance gives). It "
             "fails when the whole 95% interval of that excess lies above the bound.",
             shown_beyond=True, remedy="protect these columns (pseudonymise, drop or generalise them)"),
    GateRule("close_records_share", "close_records_share_max", "<=",
             "Synthetic rows suspiciously close to a real training row",
             "Share of synthetic rows lying nearer to their nearest training row than 99% of unseen real "
             "rows do. About 1% when nothing was memorised; more means near-copies of real records.",
             ideal=0.01),
    GateRule("dcr_share", "dcr_share_max", "<=",
             "Synthetic rows closer to the training rows than to unseen rows",
             "Share of synthetic rows nearer to a training row than to a held-out real row, balanced for "
             "the two tables' sizes (0.5 means the generator did not memorise its training rows).",
             ideal=0.5),
    GateRule("nndr_ratio", "nndr_ratio_min", ">=",
             "Isolation of synthetic rows from single real records",
             "How isolated synthetic rows are from their nearest training row, relative to real held-out "
             "rows (1 is ideal; small values mean near-copies of individual records). It fails when the "
             "whole 95% interval lies below the bound: the 10th percentile of a few hundred ratios "
             "moves by a tenth from sample to sample.",
             shown_beyond=True),
    GateRule("mia_auc", "mia_auc_max", "<=",
             "Membership guessing from distances",
             "Success (AUC) of an attacker guessing who was in the training data from distances to "
             "synthetic rows (0.5 is a coin toss).",
             ideal=0.5),
    GateRule("singling_out_risk", "singling_out_risk_max", "<=",
             "Singling out one real person",
             "Risk that the synthetic data lets an attacker single out one real person, beyond what "
             "held-out data allows.",
             ideal=0.0),
    GateRule("linkability_risk", "linkability_risk_max", "<=",
             "Linking two halves of a real person's record",
             "Risk that the synthetic data lets an attacker link two halves of a real person's record, "
             "beyond what held-out data allows.",
             ideal=0.0),
    GateRule("inference_risk", "inference_risk_max", "<=",
             "Inferring a hidden attribute of a real person",
             "Risk that the synthetic data lets an attacker infer a hidden attribute of a real person, "
             "beyond what held-out data allows, for the column where it is highest.",
             ideal=0.0),
    GateRule("quality_score", "quality_score_min", ">=",
             "Statistical similarity to the real data",
             "Overall statistical similarity of synthetic to real data (SDMetrics quality score, 0 to 1)."),
    GateRule("c2st", "c2st_min", ">=",
             "Synthetic rows a classifier cannot tell from real ones",
             "A gradient-boosted classifier, cross-validated, tries to tell real training rows from synthetic "
             "rows; the score is 1 when it does no better than a coin and 0 when it always succeeds. An exact "
             "copy also scores 1: copies are the copy and distance gates' job.",
             remedy="train longer or a stronger model; the per-column scores show which columns give it away"),
    GateRule("utility_ratio", "utility_ratio_min", ">=",
             "Usefulness for training models",
             "Model trained on synthetic data, scored on held-out real rows, relative to the same model "
             "trained on real data (1 means equally useful)."),
)

#: The gates whose inconclusive figures a spec may accept by name.
INTERVAL_GATES = tuple(rule.metric for rule in GATES if rule.ideal is not None)


class EvaluationConfig(_Strict):
    """What to measure and how hard: the knobs of one evaluation."""

    target: str | None = Field(default=None, description="Column the utility model predicts; none: no utility figure.")
    task: Task = Task.AUTO
    thresholds: Thresholds = Thresholds()
    seed: int = Field(default=0, ge=0, lt=2**32)
    ignore: tuple[str, ...] = Field(default=(), description="Columns left out of every figure (e.g. fresh ids).")
    max_rows: int = Field(default=10_000, ge=100, le=1_000_000,
                          description="Rows sampled from each table for the distance figures.")
    c2st_rows: int = Field(default=20_000, ge=100, le=1_000_000, description="Rows the C2ST classifier sees, "
                           "half real training rows and half synthetic rows (a seeded sample).")
    fidelity_rows: int = Field(default=50_000, ge=100, le=1_000_000, description="Rows sampled from each table for SDMetrics.")
    distance_reference_rows: int = Field(default=200_000, ge=1_000, le=10_000_000, description="Most real rows "
                                         "the distance figures search (training and holdout together, each sampled "
                                         "by the same fraction) and most synthetic rows the membership attack "
                                         "searches: each search costs queries x rows searched.")
    attack_rows: int = Field(default=50_000, ge=100, le=10_000_000, description="Most synthetic rows the "
                             "anonymeter-style attacks search for each attacked row's nearest neighbours "
                             "(attacks x synthetic rows); a larger synthetic table is a seeded sample.")
    n_attacks: int = Field(default=5_000, ge=10, le=100_000, description="Most attacks per anonymeter-style "
                           "evaluation, each capped by the rows available: by default every holdout row of a "
                           "table of up to 25,000 rows is attacked, so a risk's interval is as narrow as the "
                           "holdout allows (with 1,000 attacks the demo's singling-out risk was inconclusive "
                           "on a 3,105-row holdout).")
    secrets: tuple[str, ...] | None = Field(default=None, description="Columns the inference attack targets "
                                            "(default: every column).")
    linkability: tuple[tuple[str, ...], tuple[str, ...]] | None = Field(
        default=None, description="The two column sets an attacker links (default: the columns split in two)."
    )
    chart_min_count: int = Field(default=10, ge=1, le=10_000, description="Fewest real rows a chart bin may show.")
    value_protection: int = Field(default=5, ge=1, le=1_000, description="k: a real value held by fewer training "
                                  "rows must not appear in the synthetic table (the generator's own value "
                                  "protection).")
    quasi_identifiers: tuple[str, ...] = Field(default=(), description="Columns that identify people together "
                                               "(the spec's risk block); with the high-cardinality text columns "
                                               "they are the column sets of the reproduced-record figure.")
    accept_inconclusive: tuple[str, ...] = Field(default=(), description="Gates whose inconclusive figures "
                                                 "may pass (recorded in the manifest and the report).")
    chart_columns: int = Field(default=12, ge=1, le=100)

    @model_validator(mode="after")
    def _accepted_gates_exist(self) -> "EvaluationConfig":
        unknown = sorted(set(self.accept_inconclusive) - set(INTERVAL_GATES))
        if unknown:
            raise ValueError(f"accept_inconclusive names {', '.join(unknown)}; allowed: {', '.join(INTERVAL_GATES)}")
        return self

    @model_validator(mode="after")
    def _linkability_disjoint(self) -> "EvaluationConfig":
        if self.linkability is not None:
            left, right = map(set, self.linkability)
            if not left or not right or left & right:
                raise ValueError("linkability needs two non-empty column sets with no column in both")
        return self

"""What the evaluation measures and the bounds each figure must keep: typed, bounded, documented."""
from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from pydantic import BaseModel, ConfigDict, Field, model_validator

__all__ = ["GATES", "EvaluationConfig", "GateRule", "Task", "Thresholds"]


class Task(str, Enum):
    AUTO = "auto"
    CLASSIFICATION = "classification"
    REGRESSION = "regression"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Thresholds(_Strict):
    """The bound on every figure; a figure outside its bound blocks publishing.

    Defaults follow practice: no synthetic row may copy a training row; synthetic rows may lie
    closer to training than to holdout rows at most a little more often than chance (0.5); a
    nearest-neighbour membership attack may do at most a little better than a coin; no
    anonymeter-style attack may be shown to gain more than 10% over the same attack on the
    holdout. Figures measured on samples (DCR share, membership-inference AUC, the attack
    risks) are gated on the lower end of their 95% interval, so a gate fails when the figure is
    shown to be beyond its bound: on a 100-row release the DCR share of a generator that
    memorised nothing read 0.59. For the attack risks it matters most: anonymeter's
    risk divides by (1 - control rate), so for a well-predicted column a few points of sampling
    noise read as a large risk (on the demo, 0.26 with an interval of 0.01-0.51 for a generator
    that memorised nothing), and the worst of many columns is the worst of many noisy draws.
    A bound set to null turns its gate off (the figure is still measured and reported).
    """

    exact_matches_max: int | None = Field(default=0, ge=0, description="Synthetic rows that equal a training row.")
    dcr_share_max: float | None = Field(default=0.55, ge=0.5, le=1.0, description="Share of synthetic rows closer "
                                        "to a training row than to a holdout row (0.5 is ideal).")
    nndr_ratio_min: float | None = Field(default=0.8, ge=0.0, le=2.0, description="Synthetic rows' 10th-percentile "
                                         "nearest-neighbour distance ratio over the holdout rows' (1 is ideal).")
    mia_auc_max: float | None = Field(default=0.6, ge=0.5, le=1.0, description="AUC of a distance-based "
                                      "membership-inference attack (0.5 is a coin toss).")
    singling_out_risk_max: float | None = Field(default=0.1, ge=0.0, le=1.0)
    linkability_risk_max: float | None = Field(default=0.1, ge=0.0, le=1.0)
    inference_risk_max: float | None = Field(default=0.1, ge=0.0, le=1.0)
    quality_score_min: float | None = Field(default=0.6, ge=0.0, le=1.0, description="SDMetrics overall quality.")
    utility_ratio_min: float | None = Field(default=None, ge=0.0, le=2.0, description="Synthetic-trained model's "
                                            "skill above chance (AUC - 0.5, or R²) over the real-trained "
                                            "model's; off unless set.")


@dataclass(frozen=True)
class GateRule:
    """How one threshold reads: the figure it bounds, the direction, and a sentence for reviewers."""

    metric: str
    threshold: str
    operator: str  # "<=" or ">="
    description: str


#: Every gate, in report order. Descriptions are plain words for a review committee.
GATES: tuple[GateRule, ...] = (
    GateRule("exact_matches", "exact_matches_max", "<=",
             "Synthetic rows that are an exact copy of a real training row."),
    GateRule("dcr_share_low", "dcr_share_max", "<=",
             "Share of synthetic rows lying closer to a training row than to a held-out real row "
             "(0.5 means the generator did not memorise its training rows): the lower end of its "
             "95% interval, so the gate fails when the share is shown to exceed the bound."),
    GateRule("nndr_ratio", "nndr_ratio_min", ">=",
             "How isolated synthetic rows are from their nearest training row, relative to real "
             "held-out rows (1 is ideal; small values mean near-copies of individual records)."),
    GateRule("mia_auc_low", "mia_auc_max", "<=",
             "Success (AUC) of an attacker guessing who was in the training data from distances to "
             "synthetic rows (0.5 is a coin toss): the lower end of its 95% interval."),
    GateRule("singling_out_risk_low", "singling_out_risk_max", "<=",
             "Risk that the synthetic data lets an attacker single out one real person, beyond what "
             "held-out data allows: the lower end of its 95% interval, so the gate fails when the "
             "attack is shown to beat the bound."),
    GateRule("linkability_risk_low", "linkability_risk_max", "<=",
             "Risk that the synthetic data lets an attacker link two halves of a real person's record: "
             "the lower end of its 95% interval."),
    GateRule("inference_risk_low", "inference_risk_max", "<=",
             "Risk that the synthetic data lets an attacker infer a hidden attribute of a real person, "
             "for the worst column: the lower end of its 95% interval."),
    GateRule("quality_score", "quality_score_min", ">=",
             "Overall statistical similarity of synthetic to real data (SDMetrics quality score, 0 to 1)."),
    GateRule("utility_ratio", "utility_ratio_min", ">=",
             "Model trained on synthetic data, scored on held-out real rows, relative to the same model "
             "trained on real data (1 means equally useful)."),
)


class EvaluationConfig(_Strict):
    """What to measure and how hard: the knobs of one evaluation."""

    target: str | None = Field(default=None, description="Column the utility model predicts; none: no utility figure.")
    task: Task = Task.AUTO
    thresholds: Thresholds = Thresholds()
    seed: int = Field(default=0, ge=0, lt=2**32)
    ignore: tuple[str, ...] = Field(default=(), description="Columns left out of every figure (e.g. fresh ids).")
    max_rows: int = Field(default=10_000, ge=100, le=1_000_000,
                          description="Rows sampled from each table for the distance figures.")
    fidelity_rows: int = Field(default=50_000, ge=100, le=1_000_000, description="Rows sampled from each table for SDMetrics.")
    n_attacks: int = Field(default=1_000, ge=10, le=100_000, description="Attacks per anonymeter-style evaluation.")
    secrets: tuple[str, ...] | None = Field(default=None, description="Columns the inference attack targets "
                                            "(default: every column).")
    linkability: tuple[tuple[str, ...], tuple[str, ...]] | None = Field(
        default=None, description="The two column sets an attacker links (default: the columns split in two)."
    )
    chart_min_count: int = Field(default=10, ge=1, le=10_000, description="Fewest real rows a chart bin may show.")
    chart_columns: int = Field(default=12, ge=1, le=100)

    @model_validator(mode="after")
    def _linkability_disjoint(self) -> "EvaluationConfig":
        if self.linkability is not None:
            left, right = map(set, self.linkability)
            if not left or not right or left & right:
                raise ValueError("linkability needs two non-empty column sets with no column in both")
        return self

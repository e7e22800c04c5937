"""anonymeter's three privacy attacks (singling out, linkability, inference), vectorised and seeded.

Each attack takes the training rows, the synthetic rows, the holdout rows and the column kinds (the
input contract of ``evaluation``) and returns an :class:`AttackResult`: the residual risk
``(attack - control) / (1 - control)`` with anonymeter's 95% interval, where the control is the same
attack against the holdout rows the generator never saw. Results hold aggregates only.
"""
from evaluation.attacks._rates import AttackResult
from evaluation.attacks.inference import inference
from evaluation.attacks.linkability import default_split, linkability
from evaluation.attacks.singling_out import singling_out

__all__ = ["AttackResult", "default_split", "inference", "linkability", "singling_out"]

"""anonymeter's three privacy attacks (singling out, linkability, inference), vectorised and seeded."""
from synthgate.evaluation.attacks._rates import AttackResult
from synthgate.evaluation.attacks.inference import inference
from synthgate.evaluation.attacks.linkability import default_split, linkability
from synthgate.evaluation.attacks.singling_out import singling_out

__all__ = ["AttackResult", "default_split", "inference", "linkability", "singling_out"]

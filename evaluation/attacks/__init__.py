"""anonymeter's three privacy attacks (singling out, linkability, inference), vectorised and seeded."""
from evaluation.attacks._rates import AttackResult
from evaluation.attacks.inference import inference
from evaluation.attacks.linkability import default_split, linkability
from evaluation.attacks.singling_out import singling_out

__all__ = ["AttackResult", "default_split", "inference", "linkability", "singling_out"]

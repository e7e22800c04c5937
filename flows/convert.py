"""Explicit conversion of the release spec into each leaf package's own config."""
from __future__ import annotations

import inspect
from typing import Any

from synthgate import evaluation
from synthgate import generators
from synthgate import privacy
from synthgate.flows.spec import ColumnKind, ReleaseSpec

A = privacy.Action


def privacy_plan(spec: ReleaseSpec) -> privacy.PseudonymisationPlan:
    """Column → kind → action (→ rule), in spec order."""
    columns = tuple(
        privacy.ColumnPlan(name=name, kind=col.kind.value, action=col.action, rule=col.rule, surrogate=col.surrogate)
        for name, col in spec.columns.items()
    )
    return privacy.PseudonymisationPlan(
        columns=columns, text_language=spec.privacy.text_language, date_shift=spec.privacy.date_shift,
        reversible=spec.privacy.additional_information is not None,
        medical_record_patterns=tuple(spec.privacy.medical_record_patterns),
    )


KEYED_ACTIONS = (A.PSEUDONYMISE, A.SURROGATE, A.DATE_SHIFT)


def keyed_columns(spec: ReleaseSpec) -> list[str]:
    """Columns whose action needs the pseudonymisation key."""
    return [name for name, col in spec.columns.items() if col.action in KEYED_ACTIONS]


def identifier_columns(spec: ReleaseSpec) -> list[str]:
    """Columns never learned that get fresh identifiers: kind id, or any pseudonymised or surrogate column."""
    return [
        name for name, col in spec.columns.items()
        if col.action is not A.DROP and (col.kind is ColumnKind.ID or col.action in (A.PSEUDONYMISE, A.SURROGATE))
    ]


def text_columns(spec: ReleaseSpec) -> list[str]:
    """Free-text columns: kept (redacted) in the workspace, left out of the synthetic table for now."""
    identifiers = set(identifier_columns(spec))
    return [
        name for name, col in spec.columns.items()
        if col.kind is ColumnKind.TEXT and col.action is not A.DROP and name not in identifiers
    ]


def applied_steps(spec: ReleaseSpec, steps_applied: int) -> list:
    """The risk steps that ran: they run in order and stop once the threshold holds, so a prefix."""
    return list(spec.risk.steps[:steps_applied]) if spec.risk is not None else []


def risk_threshold(spec: ReleaseSpec) -> privacy.RiskThreshold:
    risk = spec.risk
    assert risk is not None
    return privacy.RiskThreshold(k=risk.k, l=risk.l, sensitive=risk.sensitive)


def synthetic_coarsening(spec: ReleaseSpec, steps_applied: int = 0) -> list[dict]:
    """Rule sets to re-apply to synthetic rows, in order: the plan's rules, then each applied risk step's."""
    rounds = [privacy_plan(spec).rules()]
    rounds += [{step.column: step.rule} for step in applied_steps(spec, steps_applied)
               if isinstance(step, privacy.GeneraliseStep)]
    return rounds


def learned_kinds(spec: ReleaseSpec, steps_applied: int = 0) -> dict[str, str]:
    """The columns the generator learns, with their kind after generalisation.

    ``steps_applied`` counts the risk steps that ran (the pseudonymise stage records it): a
    generalisation step can change a column's kind (an age band makes a number a category).
    """
    skip = set(identifier_columns(spec)) | set(text_columns(spec))
    kinds = {}
    for name, col in spec.columns.items():
        if col.action is A.DROP or name in skip:
            continue
        kind = col.kind.value
        kinds[name] = col.rule.output_kind(kind) if col.action is A.GENERALISE and col.rule else kind
    for step in applied_steps(spec, steps_applied):
        if isinstance(step, privacy.GeneraliseStep):
            kinds[step.column] = step.rule.output_kind(kinds[step.column])
    return kinds


def released_columns(spec: ReleaseSpec) -> list[str]:
    """Columns of the published table, in spec order."""
    keep = set(learned_kinds(spec)) | set(identifier_columns(spec))
    return [name for name in spec.columns if name in keep]


def released_kinds(spec: ReleaseSpec, steps_applied: int = 0) -> dict[str, str]:
    learned = learned_kinds(spec, steps_applied)
    return {name: learned.get(name, "id") for name in released_columns(spec)}


def sensitive_columns(spec: ReleaseSpec) -> list[str]:
    """Columns whose raw values must never appear in the output."""
    return [
        name for name, col in spec.columns.items()
        if col.action in (A.DROP, A.PSEUDONYMISE, A.SURROGATE, A.REDACT_TEXT)
        or col.kind in (ColumnKind.ID, ColumnKind.TEXT)
    ]


def generator_schema(spec: ReleaseSpec, steps_applied: int = 0) -> generators.TableSchema:
    return generators.TableSchema.from_mapping(learned_kinds(spec, steps_applied))


def generator_params(spec: ReleaseSpec) -> dict[str, Any]:
    """The generator's raw params: ``generator.params``, ``generator.dp`` when it is set, and the spec's rules.

    The rules go in as ``rules`` (plain dicts of the shared format) when the spec has some and
    the generator's params model takes them; one that does not is validated all the same.
    """
    gen = spec.generator
    params = {**gen.params, **({"dp": gen.dp} if gen.dp is not None else {})}
    if spec.rules and "rules" in generators.get_generator(gen.kind).Params.model_fields:
        params["rules"] = rule_dicts(spec)
    return params


def generator_rules(spec: ReleaseSpec) -> dict[str, Any]:
    """The keyword that hands the spec's rules to the generator's constructor: ``{"rules": [...]}``, or {}.

    Generators take the data's rules as a constructor argument (``generators.Generator``); a
    generator whose params model has a ``rules`` field gets them there instead
    (``generator_params``), never twice.
    """
    cls = generators.get_generator(spec.generator.kind)
    if not spec.rules or "rules" in cls.Params.model_fields:
        return {}
    # Subclasses pass *args/**kwargs through to the base constructor, which names what it takes.
    if "rules" not in inspect.signature(generators.Generator.__init__).parameters:
        return {}
    return {"rules": rule_dicts(spec)}


def rule_dicts(spec: ReleaseSpec) -> list[dict[str, Any]]:
    """The spec's rules as plain dicts of the shared format (unset keys left out)."""
    return [rule.model_dump(mode="json", exclude_none=True) for rule in spec.rules]


def evaluation_config(spec: ReleaseSpec) -> evaluation.EvaluationConfig:
    """The spec's evaluation block as the evaluation package's config; seeded by the generator's seed."""
    block = spec.evaluation
    thresholds = block.thresholds
    if spec.generator.dp is not None:
        # Under differential privacy the categories a generator may emit come from the declared
        # domains or from a DP release charged to the budget (docs/dp.md): a category fewer than k
        # training rows hold can appear by design, and ε, not k, bounds what it reveals. The share
        # is still measured and reported.
        thresholds = thresholds.model_copy(update={"rare_value_share_max": None})
    return evaluation.EvaluationConfig(
        target=block.target, task=block.task, thresholds=thresholds, seed=spec.generator.seed,
        secrets=tuple(block.secrets) if block.secrets is not None else None,
        linkability=tuple(tuple(side) for side in block.linkability) if block.linkability is not None else None,
        chart_min_count=block.chart_min_count,
        value_protection=value_protection(spec),
        quasi_identifiers=tuple(spec.risk.quasi_identifiers) if spec.risk is not None else (),
        accept_inconclusive=tuple(block.accept_inconclusive),
    )


def holdout_subject(spec: ReleaseSpec) -> str | None:
    """The column whose values keep one person's rows on one side of the holdout, or None (rows one by one)."""
    if spec.evaluation.holdout_by is not None:
        return spec.evaluation.holdout_by
    shift = spec.privacy.date_shift
    return shift.subject if shift is not None else None


def value_protection(spec: ReleaseSpec) -> int:
    """k: the fewest training rows a value needs before it may appear anywhere derived from the data.

    The generator's own ``value_protection`` where it has one (ours); otherwise the default 5, so
    generators that do not protect values themselves (SDV's) are held to the same rule.
    """
    return int(spec.generator.params.get("value_protection", 5))


def common_rows_k(spec: ReleaseSpec) -> int | None:
    """sample.keep_common_rows: the k a synthetic row's combination needs among training rows to be published.

    The larger of risk.k and value protection, so a kept copy is as common as k-anonymity and the
    generator's value protection each demand; None (the default) discards every copy.
    """
    if not spec.sample.keep_common_rows:
        return None
    return max(spec.risk.k if spec.risk is not None else 2, value_protection(spec), 2)

"""Shared pieces of generator params: the strict base model, layer tuples and readable errors."""
from __future__ import annotations

from typing import Annotated, Any, Literal, get_args, get_origin

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from pydantic.fields import FieldInfo


class GeneratorParams(BaseModel):
    """Base of every ``Generator.Params``: unknown keys are errors, values are strict and frozen."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


# Hidden layer sizes; lax so that YAML/JSON lists become tuples.
Layers = Annotated[tuple[Annotated[int, Field(ge=1, le=4096)], ...], Field(min_length=1, max_length=8, strict=False)]
# Lax floats accept "2e-4": PyYAML reads exponents without a dot as strings.
LaxFloat = Annotated[float, Field(strict=False)]

# annotated_types constraint objects carry their bound in an attribute of this name.
_BOUNDS = (("ge", "≥"), ("gt", ">"), ("le", "≤"), ("lt", "<"))


def _bounds(metadata: list[Any]) -> str:
    words = [f"{sign} {getattr(item, attr)}" for item in metadata
             for attr, sign in _BOUNDS if getattr(item, attr, None) is not None]
    return " and ".join(words)


def _type_word(annotation: Any) -> str:
    if get_origin(annotation) is Annotated:
        inner, *extra = get_args(annotation)
        metadata = [m for info in extra for m in (info.metadata if isinstance(info, FieldInfo) else [info])]
        return " ".join(filter(None, [_type_word(inner), _bounds(metadata)]))
    if get_origin(annotation) is Literal:
        return "one of: " + ", ".join(str(choice) for choice in get_args(annotation))
    if get_origin(annotation) is tuple:
        return "a list of " + _type_word(get_args(annotation)[0]).replace("an integer", "integers")
    return {bool: "true or false", int: "an integer", float: "a number", str: "a string"}.get(annotation, "valid")


def describe_field(field: FieldInfo) -> str:
    """The rule a field's value must follow, e.g. ``an integer ≥ 1 and ≤ 10000``."""
    rule = " ".join(filter(None, [_type_word(field.annotation), _bounds(field.metadata)]))
    low = next((m.min_length for m in field.metadata if getattr(m, "min_length", None) is not None), None)
    high = next((m.max_length for m in field.metadata if getattr(m, "max_length", None) is not None), None)
    if low is not None or high is not None:
        rule += f" ({low or 0} to {high or 'any'} items)"
    return rule


def describe_errors(model: type[BaseModel], error: ValidationError) -> str:
    """One message for all problems: unknown keys with the allowed keys, then each broken rule.

    Messages use pydantic's ``loc`` and our field rules only, never ``input``, so a value that
    someone pasted by mistake does not travel into logs.
    """
    allowed = ", ".join(model.model_fields)
    problems: list[str] = []
    for item in error.errors():
        key = str(item["loc"][0]) if item["loc"] else None
        if any(isinstance(part, str) for part in item["loc"][1:]):  # inside a block (dp, constraints): full path
            path = ".".join(str(part) for part in item["loc"] if not str(part).startswith(("function-", "tagged-")))
            detail = "unknown key" if item["type"] == "extra_forbidden" else str(item["msg"]).removeprefix("Value error, ")
            problem = f"parameter {path!r}: {detail}"
        elif item["type"] == "extra_forbidden":
            problem = f"unknown parameter {key!r}; allowed: {allowed}"
        elif key in model.model_fields:
            problem = f"parameter {key!r} must be {describe_field(model.model_fields[key])}"
        else:  # a model-level rule; its message is ours and names params only
            problem = str(item["msg"]).removeprefix("Value error, ")
        if problem not in problems:
            problems.append(problem)
    return "; ".join(problems)

"""synthgate: privacy-preserving synthetic-data releases (pseudonymise, synthesise, evaluate, validate, publish).

One import namespace for the whole distribution. The stages live in subpackages, each a folder
at the top of the source tree mapped under this name by ``pyproject.toml``:

- ``synthgate.flows``: the release spec, workspace, Prefect tasks and flow, publishing, the CLI;
- ``synthgate.privacy``: detection, pseudonymisation, redaction, k-anonymity;
- ``synthgate.generators``: our autoregressive generator and SDV's, behind one interface;
- ``synthgate.expectations``: Great Expectations suites and gates;
- ``synthgate.evaluation``: fidelity, utility and privacy risk against a holdout;
- ``synthgate.report``: the offline release report.

The public API a library user needs is re-exported here and imported lazily, so that
``import synthgate`` stays cheap (no Prefect, torch or Presidio until a function is called):

>>> import synthgate
>>> loaded = synthgate.load_spec("release.yaml")          # doctest: +SKIP
>>> result = synthgate.run_release("release.yaml")        # doctest: +SKIP
>>> figures = synthgate.evaluate(real, synthetic, holdout)  # doctest: +SKIP
"""
from __future__ import annotations

from importlib import import_module
from importlib.metadata import PackageNotFoundError, version as _version
from typing import TYPE_CHECKING, Any

try:
    __version__ = _version("synthgate")
except PackageNotFoundError:  # a source tree that was never installed
    __version__ = "0+unknown"

# name -> (module, attribute): the public API, resolved on first use.
_API = {
    "load_spec": ("synthgate.flows.spec", "load_spec"),
    "LoadedSpec": ("synthgate.flows.spec", "LoadedSpec"),
    "ReleaseSpec": ("synthgate.flows.spec", "ReleaseSpec"),
    "run_release": ("synthgate.flows.api", "run_release"),
    "evaluate": ("synthgate.evaluation", "evaluate"),
    "EvaluationConfig": ("synthgate.evaluation", "EvaluationConfig"),
    "Evaluation": ("synthgate.evaluation", "Evaluation"),
    "SynthgateError": ("synthgate.flows.errors", "SynthgateError"),
    "InputError": ("synthgate.flows.errors", "InputError"),
    "ValidationFailed": ("synthgate.flows.errors", "ValidationFailed"),
}

__all__ = ["__version__", *sorted(_API)]

if TYPE_CHECKING:  # pragma: no cover - for type checkers and IDEs only
    from synthgate.evaluation import Evaluation, EvaluationConfig, evaluate
    from synthgate.flows.api import run_release
    from synthgate.flows.errors import InputError, SynthgateError, ValidationFailed
    from synthgate.flows.spec import LoadedSpec, ReleaseSpec, load_spec


def __getattr__(name: str) -> Any:
    try:
        module, attribute = _API[name]
    except KeyError:
        raise AttributeError(f"module 'synthgate' has no attribute {name!r}") from None
    value = getattr(import_module(module), attribute)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_API))

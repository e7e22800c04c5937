"""A private, offline GX 1.24 context whose only Data Docs site is the caller's directory."""

from __future__ import annotations

import copy
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from synthgate.expectations.errors import ValidationRunError

if TYPE_CHECKING:
    import great_expectations as gx
    import pandas as pd

SITE_NAME = "synthgate_release"

# GX keeps "the current context" in a process-wide singleton (get_context sets it). Two
# validations in threads of one process (Prefect's default task runner) would race on it.
_GX_LOCK = threading.Lock()


@dataclass(frozen=True)
class SuiteRun:
    """One suite to run over one frame, with the GX result format to use."""

    suite: gx.ExpectationSuite
    frame: pd.DataFrame
    result_format: dict[str, Any]


def run_suites(runs: Sequence[SuiteRun], docs_dir: Path) -> list[list[Any]]:
    """Validate each frame against its suite and build Data Docs into ``docs_dir``.

    Returns:
        Per run, the ``ExpectationValidationResult`` objects in the suite's order.

    Raises:
        ValidationRunError: GX itself failed (not: an expectation failed).
    """
    import great_expectations as gx

    with _GX_LOCK:
        context = _ephemeral_context(docs_dir)
        source = context.data_sources.add_pandas(name="release")
        results = []
        for run in runs:
            name = run.suite.name
            try:
                batch = source.add_dataframe_asset(name=name).add_batch_definition_whole_dataframe(
                    "whole"
                )
                suite = context.suites.add(_unbound_copy(run.suite))
                definition = context.validation_definitions.add(
                    gx.ValidationDefinition(name=name, data=batch, suite=suite)
                )
                result = definition.run(
                    batch_parameters={"dataframe": run.frame}, result_format=run.result_format
                )
            except Exception as exc:  # GX raises many unrelated types; all mean "could not run"
                raise ValidationRunError(
                    f"Great Expectations could not run suite {name!r} ({type(exc).__name__})"
                ) from exc
            order = {e.id: i for i, e in enumerate(suite.expectations)}
            results.append(
                sorted(result.results, key=lambda r: order.get(r.expectation_config.id, len(order)))
            )
        try:
            context.build_data_docs(site_names=[SITE_NAME])
        except Exception as exc:
            raise ValidationRunError(f"building Data Docs failed ({type(exc).__name__})") from exc
    return results


def _ephemeral_context(docs_dir: Path) -> Any:
    """An in-memory context with one docs site (``docs_dir``), no temp site, no analytics."""
    import great_expectations as gx
    from great_expectations.data_context.types.base import (
        DataContextConfig,
        InMemoryStoreBackendDefaults,
        ProgressBarsConfig,
    )

    site = {
        "class_name": "SiteBuilder",
        "show_how_to_buttons": False,
        "store_backend": {
            "class_name": "TupleFilesystemStoreBackend",
            "base_directory": str(docs_dir.resolve()),
        },
        "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
    }
    config = DataContextConfig(
        # init_temp_docs_sites=False: no default "local_site" in a random temp directory.
        store_backend_defaults=InMemoryStoreBackendDefaults(init_temp_docs_sites=False),
        data_docs_sites={SITE_NAME: site},
        analytics_enabled=False,
        progress_bars=ProgressBarsConfig(globally=False),
    )
    return gx.get_context(mode="ephemeral", project_config=config)


def _unbound_copy(suite: gx.ExpectationSuite) -> gx.ExpectationSuite:
    """A fresh copy, so one built suite can be validated in several (fresh) contexts."""
    import great_expectations as gx

    configurations = []
    for expectation in suite.expectations:
        # deepcopy, not to_json_dict(): JSON turns datetime bounds into strings.
        configuration = copy.deepcopy(expectation.configuration)
        configuration.id = None
        configurations.append(configuration)
    return gx.ExpectationSuite(
        name=suite.name,
        expectations=configurations,
        meta=copy.deepcopy(suite.meta),
        notes=suite.notes,
    )

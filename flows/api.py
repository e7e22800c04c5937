"""The library entry points behind ``synthgate.run_release``: the CLI's run, without printing or exiting."""
from __future__ import annotations

from pathlib import Path

from synthgate.flows import settings
from synthgate.flows.spec import load_spec


def run_release(spec_path: str | Path, *, prefect_home: str | None = None) -> dict:
    """Check the spec and its source, then run the release flow (a real Prefect flow run).

    Args:
        spec_path: the release spec (YAML).
        prefect_home: Prefect's home for an ephemeral run; default $PREFECT_HOME or synthgate's
            state folder. A set PREFECT_API_URL sends the run to that server instead.

    Returns:
        The flow's result: the workspace, the published paths and each stage's facts (counts,
        never values).

    Raises:
        synthgate.InputError: bad spec, source or key (nothing started).
        synthgate.ValidationFailed: a quality or privacy gate failed (nothing published).
        synthgate.SynthgateError: any other failure of a stage.
    """
    settings.configure(prefect_home)
    from synthgate.flows.preflight import preflight
    from synthgate.flows.release import release

    from synthgate.flows.versions import resolve_version

    loaded, _ = resolve_version(load_spec(spec_path))  # a version template resolves now; the run keeps it
    if loaded.spec.tables is not None:  # several tables: check's reading and checks, then their own flow
        from synthgate.flows.relations import check_table_data
        from synthgate.flows.release_tables import release_tables

        checked = check_table_data(loaded)
        return release_tables(spec_path=str(loaded.path), dataset=loaded.spec.dataset.name,
                              version=loaded.spec.dataset.version, source_sha256=checked.sha256)
    preflight(loaded)
    return release(spec_path=str(loaded.path), dataset=loaded.spec.dataset.name,
                   version=loaded.spec.dataset.version)

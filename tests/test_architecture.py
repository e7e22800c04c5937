"""The arrows stay honest: leaf packages never import flows, prefect, or each other."""
from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LEAVES = ("privacy", "generators", "expectations", "evaluation", "report")
FORBIDDEN = {"flows", "prefect", *LEAVES}


def _imported_roots(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    roots = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            roots.add(node.module.split(".")[0])
    return roots


@pytest.mark.parametrize("leaf", LEAVES)
def test_leaf_imports_neither_flows_nor_prefect_nor_other_leaves(leaf):
    # Setup
    files = sorted((ROOT / leaf).rglob("*.py"))
    assert files, f"{leaf}/ has no modules"

    # Run
    offending = {
        str(path.relative_to(ROOT)): sorted(_imported_roots(path) & (FORBIDDEN - {leaf}))
        for path in files
    }

    # Assert
    assert {k: v for k, v in offending.items() if v} == {}


@pytest.mark.parametrize("leaf", LEAVES)
def test_importing_a_leaf_loads_no_orchestrator_and_no_heavy_library(leaf):
    # Run: a fresh interpreter, so nothing else has imported them already
    code = (
        f"import sys, {leaf}; "
        "heavy = [m for m in ('prefect', 'flows', 'torch', 'sdv', 'sdmetrics', 'sklearn', 'presidio_analyzer', 'great_expectations', 'spacy') "
        "if m in sys.modules]; print(','.join(heavy))"
    )
    loaded = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)

    # Assert
    assert loaded.stdout.strip() == ""


def test_the_arrow_checker_would_catch_a_forbidden_import(tmp_path):
    # Setup: the checker is only useful if it can fail
    bad = tmp_path / "bad.py"
    bad.write_text("import prefect\nfrom flows.spec import load_spec\nfrom .x import y\n", encoding="utf-8")

    # Run / Assert
    assert _imported_roots(bad) & FORBIDDEN == {"prefect", "flows"}

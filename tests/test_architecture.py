"""The arrows stay honest: leaf packages never import flows, prefect, or each other."""
from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LEAVES = ("privacy", "generators", "expectations", "evaluation", "report", "catalog", "relational")
STAGES = ("flows", *LEAVES)
FORBIDDEN = {"flows", "prefect", *LEAVES}


def _imported_roots(path: Path) -> set[str]:
    """The packages a module imports, with synthgate's subpackages named by their stage.

    ``import synthgate.privacy.detect`` and ``from synthgate import privacy`` both count as
    ``privacy``; ``import prefect.flows`` counts as ``prefect``; a bare ``import privacy`` (the
    old global name) counts as ``privacy`` too, so the checker sees it either way.
    """
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            if node.module == "synthgate":
                names.extend(f"synthgate.{alias.name}" for alias in node.names)
            else:
                names.append(node.module)
    roots = set()
    for name in names:
        parts = name.split(".")
        roots.add(parts[1] if parts[0] == "synthgate" and len(parts) > 1 else parts[0])
    return roots


def _old_global_imports(path: Path) -> list[str]:
    """Imports of a stage by its old top-level name (``import privacy``, ``from flows.x import``)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [a.name for a in node.names if a.name.split(".")[0] in STAGES]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            if node.module.split(".")[0] in STAGES:
                found.append(node.module)
    return found


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


def test_nothing_imports_a_stage_by_its_old_global_name():
    # Setup: the code, the tests and the benchmarks
    files = [p for folder in (*STAGES, "synthgate", "tests", "benchmarks") for p in sorted((ROOT / folder).rglob("*.py"))]
    assert len(files) > 100

    # Run
    offending = {str(p.relative_to(ROOT)): found for p in files if (found := _old_global_imports(p))}

    # Assert
    assert offending == {}


@pytest.mark.parametrize("leaf", LEAVES)
def test_importing_a_leaf_loads_no_orchestrator_and_no_heavy_library(leaf, tmp_path):
    # Run: a fresh interpreter outside the source tree, so nothing else has imported them already
    code = (
        f"import sys, synthgate.{leaf}; "
        "heavy = [m for m in ('prefect', 'synthgate.flows', 'torch', 'sdv', 'sdmetrics', 'sklearn', "
        "'presidio_analyzer', 'great_expectations', 'spacy') if m in sys.modules]; print(','.join(heavy))"
    )
    loaded = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, check=True)

    # Assert
    assert loaded.stdout.strip() == ""


def test_importing_synthgate_alone_loads_no_stage(tmp_path):
    # Run: the public API is resolved lazily, so `import synthgate` stays cheap
    code = ("import sys, synthgate; print(synthgate.__version__); "
            "print(','.join(m for m in sys.modules if m.startswith('synthgate.') or m in ('prefect', 'torch')))")
    loaded = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, check=True)

    # Assert
    version, modules = loaded.stdout.splitlines()
    assert version[0].isdigit() and modules == ""


def test_the_arrow_checker_would_catch_a_forbidden_import(tmp_path):
    # Setup: the checker is only useful if it can fail
    bad = tmp_path / "bad.py"
    bad.write_text("import prefect\nfrom synthgate.flows.spec import load_spec\nfrom synthgate import report\n"
                   "import synthgate.privacy.detect\nfrom .x import y\nimport privacy\n", encoding="utf-8")

    # Run / Assert
    assert _imported_roots(bad) & FORBIDDEN == {"prefect", "flows", "report", "privacy"}
    assert _old_global_imports(bad) == ["privacy"]

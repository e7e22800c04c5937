"""Importing the package stays cheap and the package stays a leaf."""
from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import synthgate.generators

PACKAGE = Path(synthgate.generators.__file__).parent
HEAVY = ("torch", "sdv", "ctgan", "rdt", "copulas")
# Top-level libraries, and our own packages under the synthgate namespace.
FORBIDDEN = ("prefect", "synthgate.flows", "synthgate.privacy", "synthgate.expectations", "synthgate.evaluation",
             "synthgate.report", "synthgate.catalog")


def _forbidden(module: str) -> bool:
    return any(module == name or module.startswith(name + ".") for name in FORBIDDEN)


def test_import_loads_neither_torch_nor_sdv_nor_other_packages():
    # Run
    code = "import sys, synthgate.generators; print(' '.join(sorted(sys.modules)))"
    result = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    loaded = set(result.stdout.split())

    # Assert
    assert "synthgate.generators" in loaded
    assert not loaded & set(HEAVY) and not [m for m in loaded if _forbidden(m)]


def _imports(path: Path) -> list[tuple[list[str], bool]]:
    """Each import of a module: the imported module paths and whether it sits at module level."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    top_level = {id(node) for node in tree.body}
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.append(([alias.name for alias in node.names], id(node) in top_level))
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
            found.append((names, id(node) in top_level))
    return found


def test_heavy_imports_are_inside_functions_and_forbidden_ones_nowhere():
    # Modules built on torch classes (nn.Module subclasses) may import torch at module level, but
    # only if they are private and every other module imports them inside a function.
    torch_modules = set()
    for path in sorted(PACKAGE.glob("*.py")):
        for names, top in _imports(path):
            roots = {name.split(".")[0] for name in names}
            assert not [n for n in names if _forbidden(n)], f"{path.name} imports {sorted(names)}"
            if top and roots & set(HEAVY):
                assert path.stem.startswith("_") and roots <= {"torch"}, f"{path.name} imports {roots} at module level"
                torch_modules.add(f"synthgate.generators.{path.stem}")
    assert torch_modules, "no private torch module found: the scan reads the wrong folder"
    for path in sorted(PACKAGE.glob("*.py")):
        if f"synthgate.generators.{path.stem}" in torch_modules:
            continue
        for names, top in _imports(path):
            assert not (top and set(names) & torch_modules), f"{path.name} imports a torch module at module level"

"""Importing the package stays cheap and the package stays a leaf."""
from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__import__("generators").__file__).parent
HEAVY = ("torch", "sdv", "ctgan", "rdt", "copulas")
FORBIDDEN = ("flows", "prefect", "privacy", "expectations")


def test_import_loads_neither_torch_nor_sdv_nor_other_packages():
    # Run
    code = "import sys, generators; print(' '.join(sorted(sys.modules)))"
    result = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    loaded = set(result.stdout.split())

    # Assert
    assert not loaded & {*HEAVY, *FORBIDDEN}


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
            assert not roots & set(FORBIDDEN), f"{path.name} imports {sorted(roots)}"
            if top and roots & set(HEAVY):
                assert path.stem.startswith("_") and roots <= {"torch"}, f"{path.name} imports {roots} at module level"
                torch_modules.add(f"generators.{path.stem}")
    for path in sorted(PACKAGE.glob("*.py")):
        if f"generators.{path.stem}" in torch_modules:
            continue
        for names, top in _imports(path):
            assert not (top and set(names) & torch_modules), f"{path.name} imports a torch module at module level"

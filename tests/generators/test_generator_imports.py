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


def test_heavy_imports_are_inside_functions_and_forbidden_ones_nowhere():
    for path in sorted(PACKAGE.glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        top_level = {id(node) for node in tree.body}
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                roots = [alias.name.split(".")[0] for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                roots = [node.module.split(".")[0]]
            else:
                continue
            assert not set(roots) & set(FORBIDDEN), f"{path.name} imports {roots}"
            if id(node) in top_level:
                assert not set(roots) & set(HEAVY), f"{path.name} imports {roots} at module level"

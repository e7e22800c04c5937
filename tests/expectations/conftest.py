"""Fixtures of the expectations tests, and a guard that `expectations` is the real package.

This folder is itself named ``expectations`` and has no ``__init__.py``. Once pytest puts
``tests/`` on ``sys.path`` (it does for ``tests/conftest.py``), ``import expectations`` finds
this folder as a namespace package before the editable install's finder is asked. Putting the
repository root on ``sys.path`` makes the regular package win (a regular package anywhere on
the path beats a namespace portion); a stale namespace module is dropped from the cache.
"""
from __future__ import annotations

import sys
from pathlib import Path

_ROOT = str(Path(__file__).resolve().parents[2])
if _ROOT not in sys.path:
    sys.path.append(_ROOT)
if getattr(sys.modules.get("expectations"), "__file__", "") is None:
    del sys.modules["expectations"]

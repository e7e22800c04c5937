"""The model directory: model file + config.json + manifest.json, written atomically, verified on read.

config.json and manifest.json hold only kinds, params, column names and kinds, dtypes, seeds,
counts, timings and library versions, never a cell value. model.pkl is SDV's pickled synthesizer
(model.pt, our own generator's torch state, is just as sensitive):
it holds category lists, ranges and fitted parameters derived from the training table, so it is
as sensitive as that table and stays in the workspace; it is never published. Unpickling runs
code, so the sha256 in the manifest is checked before model.pkl is opened (integrity against
accidents and tampering inside the workspace, not authenticity against whoever wrote it).
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import platform
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

from synthgate.generators.errors import ModelDirectoryError

FORMAT_VERSION = 2  # 2: grouped output heads and lattices (models of format 1 are refused with this line)
MODEL_FILE, CONFIG_FILE, MANIFEST_FILE = "model.pkl", "config.json", "manifest.json"
TORCH_FILE = "model.pt"  # a torch state read with weights_only=True: loading it runs no code
# Libraries whose versions decide whether a pickled model loads and samples the same way.
TRACKED_LIBRARIES = ("sdv", "rdt", "ctgan", "copulas", "torch", "opacus", "pandas", "numpy")


@dataclass(frozen=True)
class StoredModel:
    """What :func:`read_model_dir` found: parsed JSON files and the verified model file."""

    config: dict[str, Any]
    manifest: dict[str, Any]
    model_path: Path


def library_versions() -> dict[str, str | None]:
    """Versions of python and the tracked libraries (None for one that is not installed)."""
    versions: dict[str, str | None] = {"python": platform.python_version()}
    for name in TRACKED_LIBRARIES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    return versions


def sha256_of(path: Path) -> str:
    """Hex sha256 of a file, read in chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _write_json(path: Path, data: dict[str, Any]) -> None:
    path.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n", encoding="utf-8")


def write_model_dir(
    directory: Path, write_model: Callable[[Path], None], *, config: dict[str, Any], facts: dict[str, Any],
    model_file: str = MODEL_FILE,
) -> None:
    """Write a model directory: model file, config.json, then manifest.json with the checksum.

    Everything is written into a temporary sibling first and renamed into place, so a crash
    never leaves a half-written model that looks complete.

    Args:
        directory: Target; created if missing, refused if it exists and is not empty.
        write_model: Writes the model file to the path it is given.
        config: What ``load`` needs to rebuild the generator (kind, params, schema, dtypes, seed).
        facts: Training facts for the manifest (kind, params, device, seed, timings, shape).
        model_file: Name of the model file (``model.pkl`` for pickles, ``model.pt`` for torch state).

    Raises:
        ModelDirectoryError: The target is a non-empty directory or a file, or writing failed.
    """
    with staged_directory(directory) as staging:
        write_model(staging / model_file)
        _write_json(staging / CONFIG_FILE, config)
        manifest = {**facts, "format_version": FORMAT_VERSION, "model_file": model_file,
                    "model_sha256": sha256_of(staging / model_file),
                    "created_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
                    "libraries": library_versions()}
        _write_json(staging / MANIFEST_FILE, manifest)


@contextmanager
def staged_directory(directory: Path) -> Iterator[Path]:
    """Yield a temporary sibling of ``directory`` to write into; rename it into place when the block ends.

    A crash or an error inside the block leaves nothing at ``directory`` that looks complete (the
    staging folder is removed). Every model directory (this module's, the relational generator's and
    the relational peers') is written this way.

    Raises:
        ModelDirectoryError: ``directory`` is a file or a non-empty directory, or writing failed (OSError).
    """
    directory = Path(directory)
    if directory.exists() and (not directory.is_dir() or any(directory.iterdir())):
        raise ModelDirectoryError(directory, "exists and is not an empty directory; refusing to overwrite")
    try:
        directory.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{directory.name}.", suffix=".tmp", dir=directory.parent))
    except OSError as exc:
        raise ModelDirectoryError(directory, f"could not be written ({type(exc).__name__})") from exc
    try:
        yield staging
        if directory.exists():
            directory.rmdir()  # empty, checked above; os.replace cannot replace a directory
        os.replace(staging, directory)
    except OSError as exc:
        raise ModelDirectoryError(directory, f"could not be written ({type(exc).__name__})") from exc
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _read_json(directory: Path, name: str) -> dict[str, Any]:
    path = directory / name
    if not path.is_file():
        raise ModelDirectoryError(directory, f"{name} is missing")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ModelDirectoryError(directory, f"{name} is unreadable ({type(exc).__name__})") from None
    if not isinstance(data, dict):
        raise ModelDirectoryError(directory, f"{name} is not a JSON object")
    return data


def read_model_dir(directory: Path) -> StoredModel:
    """Read and verify a model directory before anything is unpickled.

    Raises:
        ModelDirectoryError: A file is missing or unreadable, the format version is not
            supported, or model.pkl does not match the sha256 recorded in the manifest.
    """
    if not directory.is_dir():
        raise ModelDirectoryError(directory, "does not exist or is not a directory")
    manifest = _read_json(directory, MANIFEST_FILE)
    config = _read_json(directory, CONFIG_FILE)
    if manifest.get("format_version") != FORMAT_VERSION:
        raise ModelDirectoryError(directory, f"unsupported format_version; this code reads {FORMAT_VERSION}")
    model_file = manifest.get("model_file", MODEL_FILE)
    if model_file not in (MODEL_FILE, TORCH_FILE):
        raise ModelDirectoryError(directory, f"model_file must be {MODEL_FILE} or {TORCH_FILE}")
    model_path = directory / model_file
    if not model_path.is_file():
        raise ModelDirectoryError(directory, f"{model_file} is missing")
    if sha256_of(model_path) != manifest.get("model_sha256"):
        raise ModelDirectoryError(directory, f"{model_file} does not match the sha256 in {MANIFEST_FILE}")
    return StoredModel(config, manifest, model_path)

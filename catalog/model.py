"""What a catalog folder holds, read once into small immutable objects: datasets, their versions, tombstones.

``scan(root)`` reads ``CATALOG/<dataset>/<version>/manifest.json`` (and ``WITHDRAWN.json`` where a
version was withdrawn); it never writes. Hidden entries (``.locks``, ``.access``, ``.staging-*``) and
anything that is not a release folder are skipped, so the site, the index and the server all see
the same releases. Manifests hold aggregates only (counts, hashes, gate figures); nothing here reads
a data row.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cached_property
from datetime import date
from pathlib import Path
from typing import Any

from synthgate.catalog.errors import CatalogError

MANIFEST = "manifest.json"
TOMBSTONE = "WITHDRAWN.json"
EVALUATION = "evaluation.json"
VALIDATION = "validation.json"
TOMBSTONE_KINDS = ("withdrawn", "expired")

# Headline figures: the evaluation.json keys the catalog shows beside the gates.
HEADLINE_FIGURES = ("quality_score", "c2st", "column_pair_trends", "utility_ratio", "dcr_share", "exact_matches")


@dataclass(frozen=True)
class Tombstone:
    """Why, when and by whom a version was taken out of download (``WITHDRAWN.json``)."""

    reason: str
    at: str
    by: str
    kind: str = "withdrawn"
    removed: tuple[str, ...] = ()

    def to_json(self) -> dict:
        return {"kind": self.kind, "reason": self.reason, "at": self.at, "by": self.by, "removed": list(self.removed)}

    @classmethod
    def from_json(cls, data: Any, where: Path) -> "Tombstone":
        if not isinstance(data, dict) or not all(isinstance(data.get(k), str) for k in ("reason", "at", "by")):
            raise CatalogError(f"{where}: not a tombstone (needs reason, at and by as text)")
        kind = data.get("kind", "withdrawn")
        if kind not in TOMBSTONE_KINDS:
            raise CatalogError(f"{where}: tombstone kind {kind!r} is not one of {', '.join(TOMBSTONE_KINDS)}")
        removed = data.get("removed") or []
        return cls(data["reason"], data["at"], data["by"], kind, tuple(str(r) for r in removed))


@dataclass(frozen=True)
class Column:
    """One column of a published table as the catalog shows it (no value from the data)."""

    name: str
    kind: str | None
    description: str
    type: str | None
    null_share: float | None


@dataclass(frozen=True)
class Version:
    """One published release: ``CATALOG/<dataset>/<version>/``."""

    dataset: str
    version: str
    folder: Path
    manifest: dict
    tombstone: Tombstone | None = None

    @property
    def withdrawn(self) -> bool:
        return self.tombstone is not None

    @property
    def _dataset_block(self) -> dict:
        block = self.manifest.get("dataset")
        return block if isinstance(block, dict) else {}

    @property
    def created_at(self) -> str:
        return str(self.manifest.get("created_at") or "")

    @property
    def title(self) -> str:
        return str(self._dataset_block.get("title") or self.dataset)

    @property
    def description(self) -> str:
        return str(self._dataset_block.get("description") or "")

    @property
    def domain(self) -> str:
        return str(self._dataset_block.get("domain") or "")

    @property
    def licence(self) -> str:
        return str(self._dataset_block.get("licence") or "")

    @property
    def access(self) -> str:
        return "restricted" if self._dataset_block.get("access") == "restricted" else "public"

    @property
    def retention_until(self) -> date | None:
        retention = self._dataset_block.get("retention")
        if not isinstance(retention, dict) or not retention.get("until"):
            return None
        try:
            return date.fromisoformat(str(retention["until"]))
        except ValueError as exc:
            raise CatalogError(f"{self.folder / MANIFEST}: retention.until {retention['until']!r} is not a "
                               "YYYY-MM-DD date") from exc

    @property
    def card(self) -> dict:
        card = self._dataset_block.get("card")
        card = dict(card) if isinstance(card, dict) else {}
        for key in ("intended_uses", "prohibited_uses", "keywords"):
            card[key] = list(card.get(key) or [])
        for key in ("audience", "publisher", "contact", "citation"):
            card.setdefault(key, None)
        return card

    @cached_property
    def files(self) -> dict[str, dict]:
        """The manifest's files that are on disk ({} once withdrawn): relative path -> {bytes, sha256}.

        Read once per scan, like the evaluation and validation: a scan is a snapshot.
        """
        if self.withdrawn:
            return {}
        listed = self.manifest.get("files")
        if not isinstance(listed, dict):
            return {}
        return {name: dict(facts) for name, facts in sorted(listed.items())
                if isinstance(facts, dict) and _inside(self.folder, name) and (self.folder / name).is_file()}

    @property
    def data_file(self) -> str | None:
        """The Parquet table's relative path, or None (withdrawn, or none listed)."""
        return next((name for name in self.files if name.endswith(".parquet")), None)

    @property
    def rows(self) -> int | None:
        rows = self.manifest.get("rows")
        value = rows.get("synthetic") if isinstance(rows, dict) else None
        return int(value) if isinstance(value, (int, float)) else None

    @property
    def dp(self) -> dict | None:
        generator = self.manifest.get("generator")
        dp = generator.get("differential_privacy") if isinstance(generator, dict) else None
        return dict(dp) if isinstance(dp, dict) and dp else None

    @property
    def generator_kind(self) -> str | None:
        generator = self.manifest.get("generator")
        return str(generator.get("kind")) if isinstance(generator, dict) and generator.get("kind") else None

    def evaluation(self) -> dict | None:
        return self._evaluation

    def validation(self) -> dict | None:
        return self._validation

    @cached_property
    def _evaluation(self) -> dict | None:
        return self._read(EVALUATION)

    @cached_property
    def _validation(self) -> dict | None:
        return self._read(VALIDATION)

    def _read(self, name: str) -> dict | None:
        if self.withdrawn or not (self.folder / name).is_file():
            return None
        return _read_json(self.folder / name)

    def headline(self) -> dict:
        """Verdict, gate counts and the headline figures (None where the evaluation does not have them)."""
        facts = self.manifest.get("evaluation") if isinstance(self.manifest.get("evaluation"), dict) else {}
        figures = self.evaluation() or {}
        gates = figures.get("gates") or []
        headline: dict[str, Any] = {
            "verdict": facts.get("verdict") or figures.get("verdict"),
            "gates": len(gates) if gates else facts.get("gates"),
            "gates_failed": sum(1 for g in gates if not g.get("passed")) if gates else facts.get("failed"),
            "gates_inconclusive": (sum(1 for g in gates if g.get("verdict") == "inconclusive") if gates
                                   else len(facts.get("inconclusive") or [])),
        }
        headline["gates_passed"] = (headline["gates"] - headline["gates_failed"]
                                    if isinstance(headline["gates"], int) and isinstance(headline["gates_failed"], int)
                                    else None)
        for key in HEADLINE_FIGURES:
            value = figures.get(key)
            headline[key] = float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None
        return headline

    def gates(self) -> list[dict]:
        """Each gate as evaluation.json states it: metric, title, value, bound, operator, verdict (figures only)."""
        keys = ("metric", "title", "value", "bound", "operator", "verdict", "passed", "accepted", "low", "high")
        return [{key: gate.get(key) for key in keys} for gate in (self.evaluation() or {}).get("gates") or []]

    def schema(self) -> list[Column]:
        """The published columns: from the manifest's ``schema``, else its ``columns`` kinds and the Parquet footer."""
        listed = self.manifest.get("schema")
        if isinstance(listed, list) and listed:
            return [Column(str(c.get("name")), c.get("kind"), str(c.get("description") or ""), c.get("type"),
                           c.get("null_share")) for c in listed if isinstance(c, dict)]
        kinds = self.manifest.get("columns") if isinstance(self.manifest.get("columns"), dict) else {}
        types, nulls = _parquet_facts(self.folder / self.data_file) if self.data_file else ({}, {})
        names = list(types) or list(kinds)
        return [Column(name, kinds.get(name), "", types.get(name), nulls.get(name)) for name in names]


@dataclass(frozen=True)
class Dataset:
    """Every version of one dataset, oldest first."""

    name: str
    versions: tuple[Version, ...]

    @property
    def latest(self) -> Version:
        """The newest version still downloadable; the newest of all when every one is withdrawn."""
        live = [v for v in self.versions if not v.withdrawn]
        return (live or list(self.versions))[-1]

    @property
    def title(self) -> str:
        return self.latest.title

    @property
    def description(self) -> str:
        return self.latest.description

    @property
    def domain(self) -> str:
        return self.latest.domain

    @property
    def licence(self) -> str:
        return self.latest.licence

    @property
    def access(self) -> str:
        return self.latest.access

    @property
    def card(self) -> dict:
        return self.latest.card

    @property
    def withdrawn(self) -> bool:
        """Every version is withdrawn."""
        return all(v.withdrawn for v in self.versions)

    @property
    def modified(self) -> str:
        """The newest publication or withdrawal time (ISO 8601)."""
        times = [v.created_at for v in self.versions] + [v.tombstone.at for v in self.versions if v.tombstone]
        return max((t for t in times if t), default="")


@dataclass(frozen=True)
class Catalog:
    root: Path
    datasets: tuple[Dataset, ...] = field(default_factory=tuple)

    def dataset(self, name: str) -> Dataset:
        for dataset in self.datasets:
            if dataset.name == name:
                return dataset
        known = ", ".join(d.name for d in self.datasets) or "none"
        raise CatalogError(f"no dataset {name!r} in the catalog {self.root}; it holds: {known}")

    def version(self, name: str, version: str) -> Version:
        dataset = self.dataset(name)
        for candidate in dataset.versions:
            if candidate.version == version:
                return candidate
        known = ", ".join(v.version for v in dataset.versions)
        raise CatalogError(f"dataset {name!r} has no version {version!r}; it has: {known}")

    def versions(self) -> list[Version]:
        return [v for d in self.datasets for v in d.versions]


def scan(root: str | Path) -> Catalog:
    """Read every release under ``root``.

    Raises:
        CatalogError: ``root`` is not a folder, or a manifest or tombstone cannot be read (named).
    """
    root = Path(root)
    if not root.is_dir():
        raise CatalogError(f"{root} is not a folder; give the catalog folder (output.catalog in the spec)")
    datasets = []
    for dataset_dir in sorted(_visible_dirs(root)):
        versions = []
        for folder in _visible_dirs(dataset_dir):
            manifest_path = folder / MANIFEST
            if not manifest_path.is_file():
                continue
            manifest = _read_json(manifest_path)
            tomb_path = folder / TOMBSTONE
            tombstone = Tombstone.from_json(_read_json(tomb_path), tomb_path) if tomb_path.is_file() else None
            versions.append(Version(dataset_dir.name, folder.name, folder, manifest, tombstone))
        if versions:
            versions.sort(key=lambda v: (v.created_at, _version_key(v.version)))
            datasets.append(Dataset(dataset_dir.name, tuple(versions)))
    return Catalog(root, tuple(datasets))


def _visible_dirs(folder: Path) -> list[Path]:
    return [p for p in folder.iterdir() if p.is_dir() and not p.is_symlink() and not p.name.startswith((".", "_"))]


def _inside(folder: Path, name: str) -> bool:
    """A manifest path that stays inside its release folder (no absolute path, no '..')."""
    path = Path(name)
    return not path.is_absolute() and ".." not in path.parts and "\\" not in name


def _version_key(version: str) -> tuple:
    return tuple((0, int(p)) if p.isdigit() else (1, p) for p in version.replace("-", ".").split("."))


def _read_json(path: Path) -> dict:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise CatalogError(f"{path}: cannot be read as JSON ({type(exc).__name__})") from exc
    if not isinstance(data, dict):
        raise CatalogError(f"{path}: is not a JSON object")
    return data


def _parquet_facts(path: Path) -> tuple[dict[str, str], dict[str, float]]:
    """Arrow types and null shares from a Parquet footer (statistics only; no row is read)."""
    import pyarrow.parquet as pq

    meta = pq.ParquetFile(path).metadata
    arrow = meta.schema.to_arrow_schema()
    types = {f.name: str(f.type) for f in arrow}
    nulls: dict[str, float] = {}
    if meta.num_rows:
        counts = dict.fromkeys(types, 0)
        known = set(types)
        for group in range(meta.num_row_groups):
            row_group = meta.row_group(group)
            for index in range(row_group.num_columns):
                chunk = row_group.column(index)
                stats = chunk.statistics
                name = chunk.path_in_schema
                if stats is None or not stats.has_null_count:
                    known.discard(name)
                elif name in counts:
                    counts[name] += stats.null_count
        nulls = {name: counts[name] / meta.num_rows for name in known}
    return types, nulls

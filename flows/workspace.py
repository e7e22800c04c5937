"""The one owner of artefact paths: a run's workspace and a release's place in the catalog."""
from __future__ import annotations

import json
import os
import secrets
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any


def new_run_id() -> str:
    """A sortable, unique run id such as 20261122T103400Z-3f9a1c2b."""
    return time.strftime("%Y%m%dT%H%M%SZ", time.gmtime()) + "-" + secrets.token_hex(4)


@dataclass(frozen=True)
class Workspace:
    """Intermediates of one run: raw and pseudonymised data live here and nowhere else."""

    root: Path

    @classmethod
    def for_run(cls, base: Path, dataset: str, version: str, run_id: str) -> "Workspace":
        return cls(base / dataset / version / run_id)

    def create(self) -> "Workspace":
        # 0o700: the workspace holds raw records; only the owner may read it.
        self.root.mkdir(parents=True, exist_ok=True, mode=0o700)
        (self.root / "validation").mkdir(exist_ok=True, mode=0o700)
        return self

    @property
    def run_record(self) -> Path:
        return self.root / "run.json"

    @property
    def ingest_facts(self) -> Path:
        return self.root / "ingest.json"

    @property
    def raw_table(self) -> Path:
        return self.root / "raw.parquet"

    @property
    def pseudonymised_table(self) -> Path:
        return self.root / "pseudonymised.parquet"

    @property
    def privacy_report(self) -> Path:
        return self.root / "privacy_report.json"

    @property
    def training_table(self) -> Path:
        return self.root / "training.parquet"

    @property
    def holdout_table(self) -> Path:
        """Pseudonymised rows kept out of training: the control of every privacy figure."""
        return self.root / "holdout.parquet"

    @property
    def holdout_mask(self) -> Path:
        """One bool per pseudonymised row: True where the row went to the holdout."""
        return self.root / "holdout_mask.parquet"

    @property
    def holdout_facts(self) -> Path:
        return self.root / "holdout.json"

    @property
    def profile(self) -> Path:
        return self.root / "profile.json"

    @property
    def model_dir(self) -> Path:
        return self.root / "model"

    @property
    def train_facts(self) -> Path:
        """How many training rows the generator learned, out of how many (a uniform sample above generator.train_rows)."""
        return self.root / "train.json"

    @property
    def synthetic_table(self) -> Path:
        return self.root / "synthetic.parquet"

    @property
    def sample_report(self) -> Path:
        return self.root / "sample.json"

    @property
    def validation_summary(self) -> Path:
        return self.root / "validation" / "summary.json"

    @property
    def data_docs_dir(self) -> Path:
        return self.root / "validation" / "data_docs"

    @property
    def evaluation(self) -> Path:
        return self.root / "evaluation.json"

    @property
    def report_dir(self) -> Path:
        """Where a blocked run's report goes, for the reviewers (aggregates only, like a release's)."""
        return self.root / "report"


@dataclass(frozen=True)
class ReleaseLayout:
    """Where a release lives in the catalog: CATALOG/<dataset>/<version>/."""

    catalog: Path
    dataset: str
    version: str

    @property
    def dataset_dir(self) -> Path:
        return self.catalog / self.dataset

    @property
    def release_dir(self) -> Path:
        return self.dataset_dir / self.version

    def staging_dir(self, token: str) -> Path:
        # Hidden and beside the final folder, so the last step is one rename on one file system.
        return self.dataset_dir / f".staging-{self.version}-{token}"

    @property
    def data_file_name(self) -> str:
        return f"{self.dataset}.parquet"

    MANIFEST = "manifest.json"
    VALIDATION = "validation.json"
    EVALUATION = "evaluation.json"
    REPORT = "report.html"
    REPORT_PDF = "report.pdf"
    DATA_DOCS = "data_docs"
    CARD = "README.md"


def additional_information_file(folder: Path, dataset: str, version: str, run_id: str) -> Path:
    """The encrypted re-identification table of one run, in the agency's separate folder."""
    return folder / f"{dataset}-{version}-{run_id}.sgai"


def version_record(base: Path, dataset: str, flow_run_id: str) -> Path:
    """The version a templated run resolved, kept per Prefect flow run (a resumed run finds it again)."""
    return base / dataset / ".runs" / f"{flow_run_id}.json"


def write_json(path: Path, payload: Any) -> None:
    """Write JSON atomically (temporary file, then rename)."""
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    tmp.write_text(json.dumps(payload, indent=2, sort_keys=True, default=str) + "\n", encoding="utf-8")
    os.replace(tmp, path)


def read_json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def steps_applied(ws: Workspace) -> int:
    """How many risk steps the pseudonymise stage ran; they can change learned kinds and coarsening."""
    return int(read_json(ws.privacy_report).get("risk", {}).get("steps_applied", 0))

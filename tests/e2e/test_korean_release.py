"""A Korean release end to end through the CLI: CP949 source, PIPC operators, risk gate, no leak."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
import yaml

from synthgate import privacy
from synthgate.evaluation import INTERVAL_GATES
from synthgate.flows.demo_korean import korean_clinic_table
from _prefect_home import migrated_home

pytestmark = pytest.mark.slow

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "korean_clinic.yaml"
ENCRYPTION_KEY = "additional-information-key-" + "fedcba9876543210" * 3

# Canaries: one fake patient whose every identifier is planted in many rows and in the notes.
CANARY = {
    "환자번호": "H77777777",
    "성명": "남궁카나",
    "주민등록번호": "850101-1234566",  # a valid pre-2020 check digit
    "연락처": "010-9876-5432",
    "주소": "제주특별자치도 서귀포시 카나리로 77",
}
NOTE = "남궁카나님 보호자 연락처 010-9876-5432, 주민등록번호 850101-1234566, 차트 H77777777 확인."
NEEDLES = ["H77777777", "남궁카나", "850101-1234566", "8501011234566", "010-9876-5432", "카나리로"]


def _content(path: Path) -> bytes:
    data = path.read_bytes()
    if path.suffix == ".parquet":
        import pyarrow.parquet as pq

        data += pq.read_table(path).to_pandas().astype(str).to_csv(index=False).encode()
    return data


def _hits(root: Path, needles) -> list[str]:
    return [f"{path.relative_to(root)}: {n}" for path in root.rglob("*") if path.is_file()
            for n in needles if n.encode() in _content(path)]


def test_a_korean_release_applies_every_pipc_step_and_leaks_no_canary(tmp_path, key_env):
    # Setup: 600 fake admissions, a canary patient in every 10th row, written in CP949
    frame = korean_clinic_table(rows=600, seed=11)
    rows = frame.index[::10]
    for column, value in CANARY.items():
        frame.loc[rows, column] = value
    frame.loc[rows, "간호기록"] = NOTE
    source = tmp_path / "source" / "admissions.csv"
    source.parent.mkdir()
    frame.to_csv(source, index=False, encoding="cp949")
    spec = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    spec["source"]["path"] = "source/admissions.csv"
    spec["output"] = {"catalog": "catalog", "workspace": "workspace"}
    spec["privacy"]["additional_information"]["path"] = "vault"
    spec["sample"]["rows"] = 400
    spec["risk"]["k"] = 3  # 600 rows: k=3, l=2 within a 10% cell budget and no row suppression
    spec["risk"]["steps"] = [spec["risk"]["steps"][0], {"step": "suppress_cells", "max_share": 0.1}]
    # 600 rows leave 120 holdout rows: intervals wider than their bounds are accepted by name.
    spec["evaluation"] = {**spec.get("evaluation", {}), "accept_inconclusive": list(INTERVAL_GATES)}
    spec_path = tmp_path / "korean.yaml"
    spec_path.write_text(yaml.safe_dump(spec, allow_unicode=True, sort_keys=False), encoding="utf-8")
    prefect_home = migrated_home(tmp_path / "prefect-home")
    env = {**os.environ, "PREFECT_HOME": str(prefect_home), "SYNTHGATE_PSEUDONYM_KEY": key_env,
           "SYNTHGATE_ADDITIONAL_INFORMATION_KEY": ENCRYPTION_KEY, "PYTHONUNBUFFERED": "1"}
    env.pop("PREFECT_API_URL", None)

    # Run: the real CLI in its own process, Prefect in ephemeral mode
    done = subprocess.run([sys.executable, "-m", "synthgate", "run", str(spec_path)], env=env,
                          capture_output=True, text=True, timeout=900)

    # Assert: published, with the PIPC facts in the manifest (ids and counts only)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    release = tmp_path / "catalog" / "korean-clinic-admissions" / "1.0.0"
    manifest = json.loads((release / "manifest.json").read_text(encoding="utf-8"))
    facts = manifest["privacy"]
    assert facts["key_id"] == privacy.PseudonymKey.from_text(key_env).key_id
    assert facts["date_shift"] == {"subject": "환자번호", "max_days": 30}
    assert facts["additional_information"]["encryption_key_id"] == privacy.encryption_key_id(ENCRYPTION_KEY.encode())
    assert facts["risk"]["met"] is True and facts["risk"]["after"]["k"] >= 3 and facts["risk"]["after"]["l"] >= 2
    by_column = {c["column"]: c for c in facts["columns"]}
    assert by_column["주민등록번호"]["action"] == "surrogate" and by_column["주민등록번호"]["malformed_cells"] == 0
    assert by_column["간호기록"]["entities_redacted"]["PERSON"] >= len(rows)
    published = pd.read_parquet(release / "korean-clinic-admissions.parquet")
    assert set(published["주소"].dropna()) <= set(privacy.AddressLevel(level="sido").apply(frame["주소"])[0])
    assert "간호기록" not in published and "성명" not in published

    # Assert: the workspace holds the surrogates, shifted dates and redacted notes
    workspace = next((tmp_path / "workspace").rglob("pseudonymised.parquet")).parent
    pseudonymised = pd.read_parquet(workspace / "pseudonymised.parquet")
    report = json.loads((workspace / "privacy_report.json").read_text(encoding="utf-8"))
    assert report["encryption_key_id"] == facts["additional_information"]["encryption_key_id"]
    assert pseudonymised["주민등록번호"].map(lambda v: privacy.is_valid_rrn(v.replace("-", ""))).all()
    assert not pseudonymised["주민등록번호"].isin(frame["주민등록번호"]).any()
    notes = " ".join(pseudonymised["간호기록"].dropna())
    assert [n for n in NEEDLES if n in notes] == []  # names, phones, RRNs and chart numbers (spec pattern)
    assert "<KR_MEDICAL_RECORD_NUMBER>" in notes and "<PERSON>님" in notes
    stay_raw = pd.to_datetime(frame["퇴원일"]) - pd.to_datetime(frame["입원일"])
    stay = pseudonymised["퇴원일"] - pseudonymised["입원일"]
    assert sum(step["rows_suppressed"] for step in facts["risk"]["steps"]) == 0  # so rows still align
    assert (stay == stay_raw).all()  # one offset per patient keeps every length of stay
    assert (pseudonymised["입원일"] != pd.to_datetime(frame["입원일"])).all()  # and no offset is 0

    # Assert: no canary anywhere outside the private workspace: catalog, model, Prefect, logs, vault
    logs = done.stdout + done.stderr
    assert [n for n in NEEDLES if n in logs] == []
    assert _hits(release, NEEDLES) == []
    assert _hits(workspace / "model", NEEDLES) == []
    assert _hits(prefect_home, NEEDLES) == []
    vault_file = next((tmp_path / "vault").glob("*.sgai"))
    assert _hits(tmp_path / "vault", NEEDLES) == []  # encrypted: not even the bytes
    # ... while the re-identification table, opened with its key, maps the pseudonym back
    table = privacy.read_additional_information(vault_file, ENCRYPTION_KEY.encode())
    assert CANARY["환자번호"] in {original for _, original in table["환자번호"]}
    # The check itself can fail: the canaries are in the private raw table
    assert _hits(workspace, ["남궁카나"]) != []

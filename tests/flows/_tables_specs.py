"""The two-table clinic spec (patients -> visits) that the flows tests of a `tables:` spec start from."""
from __future__ import annotations

import copy

ID = {"kind": "id", "action": "pseudonymise"}
NUM = {"kind": "numerical", "action": "keep"}
_CLINIC = {
    "dataset": {"name": "clinic", "version": "1.0.0", "title": "Clinic", "licence": "CC-BY-4.0",
                "domain": "healthcare"},
    "tables": {
        "patients": {"source": {"path": "data/patients.csv"}, "primary_key": "id", "columns": {"id": ID, "age": NUM}},
        "visits": {"source": {"path": "data/visits.csv"}, "primary_key": "visit_id",
                   "columns": {"visit_id": ID, "patient_id": {**ID, "references": "patients.id"}, "day": NUM}},
    },
    "sample": {"rows": 10},
    "output": {"catalog": "catalog", "workspace": "workspace"},
}


def clinic_spec(*, sequence: bool = False) -> dict:
    """A fresh copy of the spec; ``sequence``: visits ordered by day."""
    spec = copy.deepcopy(_CLINIC)
    if sequence:
        spec["tables"]["visits"]["sequence"] = {"order_by": "day"}
    return spec

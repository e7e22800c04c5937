"""The catalog of published releases: for now its audit trail (``audit.jsonl``).

A leaf package: it reads and writes files in the catalog folder and imports neither flows,
prefect nor another leaf.
"""
from synthgate.catalog.audit import (
    AUDIT_FILE,
    GENESIS,
    AuditCheck,
    append_event,
    audit_path,
    read_events,
    verify_chain,
)
from synthgate.catalog.errors import AuditEntryError, AuditError, CatalogError

__all__ = [
    "AUDIT_FILE",
    "GENESIS",
    "AuditCheck",
    "AuditEntryError",
    "AuditError",
    "CatalogError",
    "append_event",
    "audit_path",
    "read_events",
    "verify_chain",
]

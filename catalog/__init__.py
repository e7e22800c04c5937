"""The catalog of published releases: what it holds (``scan``), and its audit trail (``audit.jsonl``).

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
from synthgate.catalog.croissant import croissant
from synthgate.catalog.dcat import catalog_index
from synthgate.catalog.errors import AuditEntryError, AuditError, CatalogError
from synthgate.catalog.model import Catalog, Column, Dataset, Tombstone, Version, scan
from synthgate.catalog.server import create_app, serve
from synthgate.catalog.site import SITE_FILES, SiteBuild, build_site
from synthgate.catalog.tokens import add_token, check_token, list_tokens, revoke_token
from synthgate.catalog.withdraw import WithdrawalIncomplete, expire, expired, withdraw

__all__ = [
    "AUDIT_FILE",
    "GENESIS",
    "SITE_FILES",
    "AuditCheck",
    "AuditEntryError",
    "AuditError",
    "Catalog",
    "CatalogError",
    "Column",
    "Dataset",
    "SiteBuild",
    "Tombstone",
    "Version",
    "WithdrawalIncomplete",
    "add_token",
    "append_event",
    "audit_path",
    "build_site",
    "catalog_index",
    "check_token",
    "create_app",
    "croissant",
    "expire",
    "expired",
    "list_tokens",
    "read_events",
    "revoke_token",
    "scan",
    "serve",
    "verify_chain",
    "withdraw",
]

"""The bearer-token store: hashes only, private modes, scopes, revocation, one-line errors."""
from __future__ import annotations

import hashlib
import json
import stat
from concurrent.futures import ThreadPoolExecutor

import pytest

from synthgate import catalog
from synthgate.catalog.tokens import tokens_path


def test_a_token_is_stored_as_its_hash_in_a_private_file(tmp_path):
    # Run
    token = catalog.add_token(tmp_path, "acme-lab")

    # Assert: only the sha256 is on disk; the folder is 0700 and the file 0600
    path = tokens_path(tmp_path)
    text = path.read_text(encoding="utf-8")
    assert len(token) >= 43 and token not in text
    assert hashlib.sha256(token.encode()).hexdigest() in text
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    record = json.loads(text)["tokens"][0]
    assert record["name"] == "acme-lab" and record["revoked_at"] is None and record["datasets"] is None
    assert not [p.name for p in path.parent.iterdir() if p.name.endswith(".tmp")]


def test_check_token_names_the_holder_within_its_scope(tmp_path):
    # Setup
    every = catalog.add_token(tmp_path, "acme-lab")
    scoped = catalog.add_token(tmp_path, "field-team", datasets=["field-logistics", "field-logistics"])

    # Run / Assert
    assert catalog.check_token(tmp_path, every, "field-logistics") == "acme-lab"
    assert catalog.check_token(tmp_path, every, "anything") == "acme-lab"
    assert catalog.check_token(tmp_path, scoped, "field-logistics") == "field-team"
    assert catalog.check_token(tmp_path, scoped, "covid-testing") is None
    assert catalog.check_token(tmp_path, every[:-1], "field-logistics") is None
    assert catalog.check_token(tmp_path, "", "field-logistics") is None
    assert catalog.check_token(tmp_path / "nowhere", every, "field-logistics") is None
    assert catalog.list_tokens(tmp_path)[1]["datasets"] == ["field-logistics"]


def test_revoked_tokens_stay_listed_and_stop_working(tmp_path):
    # Setup
    token = catalog.add_token(tmp_path, "former-partner")

    # Run
    revoked = catalog.revoke_token(tmp_path, "former-partner")
    again = catalog.add_token(tmp_path, "former-partner")

    # Assert: the old token fails, the name is free again, both records are listed without hashes
    assert catalog.check_token(tmp_path, token, "d") is None
    assert catalog.check_token(tmp_path, again, "d") == "former-partner"
    listed = catalog.list_tokens(tmp_path)
    assert [t["name"] for t in listed] == ["former-partner", "former-partner"]
    assert listed[0]["revoked_at"] == revoked["revoked_at"] is not None and listed[1]["revoked_at"] is None
    assert all(set(t) == {"name", "created_at", "revoked_at", "datasets"} for t in listed)


def test_concurrent_adds_keep_every_token(tmp_path):
    # Run
    with ThreadPoolExecutor(8) as pool:
        tokens = list(pool.map(lambda i: catalog.add_token(tmp_path, f"user{i}"), range(16)))

    # Assert
    assert len(catalog.list_tokens(tmp_path)) == 16
    assert all(catalog.check_token(tmp_path, t, "d") == f"user{i}" for i, t in enumerate(tokens))


@pytest.mark.parametrize("call, message", [
    (lambda root: catalog.add_token(root, "has space"), "token name 'has space' is not allowed"),
    (lambda root: catalog.add_token(root, ""), "token name '' is not allowed"),
    (lambda root: catalog.add_token(root, "x" * 65), "is not allowed: use 1-64 letters"),
    (lambda root: catalog.add_token(root, "ok", datasets=["Bad_Name"]), "dataset 'Bad_Name' is not a dataset"),
    (lambda root: catalog.add_token(root, "ok", datasets=[]), "give at least one dataset"),
    (lambda root: catalog.add_token(root / "missing", "ok"), "is not a folder"),
    (lambda root: catalog.revoke_token(root, "nobody"), "no active token 'nobody' to revoke; active tokens: taken"),
    (lambda root: catalog.add_token(root, "taken"), "token 'taken' exists and is active"),
])
def test_bad_input_is_one_line(tmp_path, call, message):
    # Setup
    catalog.add_token(tmp_path, "taken")

    # Run
    with pytest.raises(catalog.CatalogError) as error:
        call(tmp_path)

    # Assert
    assert message in str(error.value) and "\n" not in str(error.value)


def test_a_damaged_store_is_one_line_and_never_quoted(tmp_path):
    # Setup
    catalog.add_token(tmp_path, "acme-lab")
    path = tokens_path(tmp_path)
    path.write_text('{"tokens": [{"name": "acme-lab", "sha256": "not-a-hash"', encoding="utf-8")

    # Run
    with pytest.raises(catalog.CatalogError) as error:
        catalog.check_token(tmp_path, "whatever", "d")

    # Assert
    assert str(error.value) == f"{path}: is not JSON (line 1); restore it from a backup"

"""withdraw(): the tombstone first, then the files; final; an interrupted withdrawal finishes; retention expiry."""
from __future__ import annotations

import json
import shutil
from datetime import date, datetime, timezone

import pytest

import sys

from synthgate.catalog import CatalogError, Tombstone, expire, expired, scan, withdraw

withdraw_module = sys.modules["synthgate.catalog.withdraw"]  # the package's `withdraw` is the function

NOW = datetime(2031, 5, 6, 7, 8, 9, tzinfo=timezone.utc)


@pytest.fixture
def catalog(released_catalog, tmp_path):
    return shutil.copytree(released_catalog, tmp_path / "catalog")


def _files(folder):
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())


def _set_retention(catalog, dataset, version, until):
    path = catalog / dataset / version / "manifest.json"
    manifest = json.loads(path.read_text(encoding="utf-8"))
    manifest["dataset"]["retention"] = {"until": until}
    path.write_text(json.dumps(manifest), encoding="utf-8")


def test_withdraw_writes_the_tombstone_and_removes_every_file_but_the_manifest(catalog):
    # Setup
    folder = catalog / "covid-testing" / "1.0.0"
    before = [name for name in _files(folder) if name != "manifest.json"]
    manifest = (folder / "manifest.json").read_bytes()

    # Run
    tombstone = withdraw(catalog, "covid-testing", "1.0.0", reason="A column was mislabelled", by="kim.dpo",
                         now=NOW)

    # Assert: the tombstone names what went, the manifest is byte for byte what was published
    assert tombstone == Tombstone(reason="A column was mislabelled", at="2031-05-06T07:08:09+00:00", by="kim.dpo",
                                  kind="withdrawn", removed=tuple(before))
    assert {"covid-testing.parquet", "report.html", "README.md", "data_docs/index.html"} <= set(before)
    assert _files(folder) == ["WITHDRAWN.json", "manifest.json"]
    assert not (folder / "data_docs").exists()
    assert (folder / "manifest.json").read_bytes() == manifest
    written = json.loads((folder / "WITHDRAWN.json").read_text(encoding="utf-8"))
    assert written == {"kind": "withdrawn", "reason": "A column was mislabelled", "at": "2031-05-06T07:08:09+00:00",
                       "by": "kim.dpo", "removed": before}
    # Assert: the catalog reads it as withdrawn, and the other versions are untouched
    cat = scan(catalog)
    gone = cat.version("covid-testing", "1.0.0")
    assert gone.withdrawn and gone.tombstone == tombstone and gone.files == {} and gone.data_file is None
    assert cat.version("covid-testing", "1.1.0").data_file == "covid-testing.parquet"


def test_a_second_withdrawal_is_refused(catalog):
    # Setup
    withdraw(catalog, "covid-testing", "1.1.0", reason="superseded", by="kim", now=NOW)
    tombstone = (catalog / "covid-testing" / "1.1.0" / "WITHDRAWN.json").read_bytes()

    # Run
    with pytest.raises(CatalogError) as refused:
        withdraw(catalog, "covid-testing", "1.1.0", reason="again", by="lee")

    # Assert: one line naming when and by whom; the tombstone is unchanged
    assert str(refused.value) == ("covid-testing 1.1.0 was already withdrawn on 2031-05-06T07:08:09+00:00 by kim; "
                                  "a withdrawal is final")
    assert (catalog / "covid-testing" / "1.1.0" / "WITHDRAWN.json").read_bytes() == tombstone


def test_a_withdrawal_interrupted_after_the_tombstone_is_finished_by_the_next_call(catalog, monkeypatch):
    # Setup: the process dies between writing the tombstone and deleting the files
    folder = catalog / "covid-testing" / "1.0.0"
    files = _files(folder)

    def crash(_folder):
        raise KeyboardInterrupt("killed")

    monkeypatch.setattr(withdraw_module, "_delete", crash)
    with pytest.raises(KeyboardInterrupt):
        withdraw(catalog, "covid-testing", "1.0.0", reason="leak suspected", by="kim", now=NOW)
    monkeypatch.undo()
    assert _files(folder) == sorted([*files, "WITHDRAWN.json"])
    assert scan(catalog).version("covid-testing", "1.0.0").files == {}  # already out of download

    # Run: withdrawing again (any reason) finishes the deletion
    again = withdraw(catalog, "covid-testing", "1.0.0", reason="retry", by="lee")

    # Assert: the first tombstone stands, the files are gone, and a third call is refused
    assert (again.reason, again.by, again.at) == ("leak suspected", "kim", "2031-05-06T07:08:09+00:00")
    assert _files(folder) == ["WITHDRAWN.json", "manifest.json"]
    with pytest.raises(CatalogError, match="already withdrawn"):
        withdraw(catalog, "covid-testing", "1.0.0", reason="retry", by="lee")


@pytest.mark.parametrize(("args", "message"), [
    (("covid-testing", "1.0.0", ""), "the reason is empty"),
    (("covid-testing", "1.0.0", "   "), "the reason is empty"),
    (("covid-testing", "1.0.0", "x" * 501), "the reason holds 501 characters; at most 500"),
    (("covid-testing", "1.0.0", "two\nlines"), "one line of text"),
    (("covid-testing", "9.9.9", "why"), "dataset 'covid-testing' has no version '9.9.9'; it has: 1.0.0, 1.1.0"),
    (("nope", "1.0.0", "why"), "no dataset 'nope' in the catalog"),
])
def test_bad_requests_are_refused_in_one_line_and_change_nothing(catalog, args, message):
    # Setup
    dataset, version, reason = args
    hidden = (".locks/",)  # the withdrawal lock file may appear; nothing else may
    before = [f for f in _files(catalog) if not f.startswith(hidden)]

    # Run
    with pytest.raises(CatalogError) as refused:
        withdraw(catalog, dataset, version, reason=reason, by="kim")

    # Assert
    assert message in str(refused.value) and "\n" not in str(refused.value)
    assert [f for f in _files(catalog) if not f.startswith(hidden)] == before


def test_bad_name_kind_and_folder_are_refused(catalog, tmp_path):
    with pytest.raises(CatalogError, match="the name of who withdraws"):
        withdraw(catalog, "covid-testing", "1.0.0", reason="why", by="kim lee")
    with pytest.raises(CatalogError, match="kind 'deleted' is not one of withdrawn, expired"):
        withdraw(catalog, "covid-testing", "1.0.0", reason="why", by="kim", kind="deleted")
    with pytest.raises(CatalogError, match="is not a folder"):
        withdraw(tmp_path / "missing", "covid-testing", "1.0.0", reason="why", by="kim")


def test_expire_withdraws_exactly_the_versions_past_their_retention(catalog):
    # Setup: field-logistics 2.0.0 ends 2020-01-01 (fixture); covid 1.0.0 ends later; covid 1.1.0 ended but is
    # already withdrawn
    _set_retention(catalog, "covid-testing", "1.0.0", "2020-01-02")
    _set_retention(catalog, "covid-testing", "1.1.0", "2019-01-01")
    withdraw(catalog, "covid-testing", "1.1.0", reason="superseded", by="kim")

    # Assert: retention.until is the last day a version may be downloaded
    assert expired(scan(catalog), date(2020, 1, 1)) == []
    assert [(v.dataset, v.version) for v in expired(scan(catalog), date(2020, 1, 2))] == [("field-logistics", "2.0.0")]

    # Run
    tombstones = expire(catalog, today=date(2020, 1, 2), by="retention-job")

    # Assert: withdrawn as expired with the date in the reason; a second pass finds nothing
    assert [(t.kind, t.reason, t.by) for t in tombstones] == [
        ("expired", "retention period ended on 2020-01-01", "retention-job")]
    assert _files(catalog / "field-logistics" / "2.0.0") == ["WITHDRAWN.json", "manifest.json"]
    assert scan(catalog).version("covid-testing", "1.0.0").files != {}
    assert expire(catalog, today=date(2020, 1, 2), by="retention-job") == []
    assert [t.reason for t in expire(catalog, today=date(2020, 1, 3), by="retention-job")] == [
        "retention period ended on 2020-01-02"]

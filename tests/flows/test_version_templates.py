"""Version templates: {date:...}, {run_date:...} and auto, checked in the spec and resolved once per run."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from synthgate import catalog
from synthgate.flows.errors import SpecError
from synthgate.flows.spec import load_spec
from synthgate.flows.versions import known_versions, next_patch_version, resolve_for_run, resolve_version

NOW = datetime(2027, 3, 31, 23, 30, tzinfo=timezone.utc)


@pytest.mark.parametrize("version", ["1.0.0", "auto", "{date:%Y.%m}", "{run_date:%Y.%m.%d}", "v{date:%Y}-q1",
                                     "{date:%Y}.{run_date:%m}"])
def test_the_spec_accepts_plain_versions_templates_and_auto(small_release, version):
    # Run
    loaded = load_spec(small_release(**{"dataset.version": version}))

    # Assert: kept as written; the run resolves it
    assert loaded.spec.dataset.version == version


@pytest.mark.parametrize(("version", "fragment"), [
    ("{date}", "the field {date} is not allowed"),
    ("{today:%Y}", "the field {today:%Y} is not allowed"),
    ("{date!r:%Y}", "is not allowed"),
    ("{date:%Y %m}", "makes versions such as '2026 12'"),
    ("{date:%Y", "is not a version template"),
    ("1.0 beta", "is not a version; allowed:"),
])
def test_a_bad_template_is_one_line_naming_the_key(small_release, version, fragment):
    # Run
    with pytest.raises(SpecError) as caught:
        load_spec(small_release(**{"dataset.version": version}))

    # Assert
    assert caught.value.location == "dataset.version"
    assert fragment in str(caught.value) and "\n" not in str(caught.value)


def test_date_templates_resolve_in_the_schedule_timezone(small_release):
    # Setup: 23:30 UTC on 31 March is already 1 April in Seoul
    plain = load_spec(small_release(**{"dataset.version": "{date:%Y.%m.%d}"}))
    seoul = load_spec(small_release(**{"dataset.version": "{date:%Y.%m.%d}",
                                       "schedule": {"cron": "0 3 1 * *", "timezone": "Asia/Seoul"}}))
    scheduled = load_spec(small_release(**{"dataset.version": "{run_date:%Y.%m}-r{date:%d}",
                                           "schedule": {"cron": "0 3 1 * *", "timezone": "UTC"}}))

    # Run
    at_local, resolved = resolve_version(plain, now=NOW)
    at_seoul, _ = resolve_version(seoul, now=NOW)
    by_schedule, _ = resolve_version(scheduled, now=NOW, run_date=datetime(2027, 2, 28, 18, tzinfo=timezone.utc))

    # Assert
    assert at_local.spec.dataset.version == NOW.astimezone().strftime("%Y.%m.%d")  # the machine's local time
    assert at_seoul.spec.dataset.version == "2027.04.01"
    assert by_schedule.spec.dataset.version == "2027.02-r31"
    assert (resolved.template, resolved.by) == ("{date:%Y.%m.%d}", "flow")
    assert plain.spec.dataset.version == "{date:%Y.%m.%d}"  # the loaded spec itself is not changed


def test_auto_is_the_next_patch_after_the_catalogs_latest(small_release):
    # Setup: published folders (numeric order, not text order), other shapes, staging, another dataset
    loaded = load_spec(small_release(**{"dataset.version": "auto"}))
    first, _ = resolve_version(loaded)
    dataset_dir = loaded.catalog_dir / "patients"
    for name in ("1.0.0", "1.2.9", "1.10.0", "2026.05", ".staging-1.99.0-abc"):
        (dataset_dir / name).mkdir(parents=True)
    (loaded.catalog_dir / "other" / "7.0.0").mkdir(parents=True)

    # Run
    after_folders, resolved = resolve_version(loaded)
    catalog.append_event(loaded.catalog_dir, "withdrawn", {"dataset": "patients", "version": "1.10.4"})
    after_withdrawn, _ = resolve_version(loaded)

    # Assert
    assert first.spec.dataset.version == "1.0.0"  # nothing published yet
    assert after_folders.spec.dataset.version == "1.10.1" and resolved.template == "auto"
    assert after_withdrawn.spec.dataset.version == "1.10.5"  # a withdrawn version's number is never reused
    assert "1.10.4" in known_versions(loaded.catalog_dir, "patients")
    assert next_patch_version(["0.9", "2.0.0-rc1", "release"]) == "1.0.0"


def test_a_run_resolves_its_version_once_and_keeps_it_when_resumed(small_release):
    # Setup
    loaded = load_spec(small_release(**{"dataset.version": "auto"}))

    # Run: the first start resolves; a resume of the same flow run after a new release finds it again
    first, resolved = resolve_for_run(loaded, flow_run_id="run-1")
    (loaded.catalog_dir / "patients" / "1.0.0").mkdir(parents=True)
    resumed, kept = resolve_for_run(loaded, flow_run_id="run-1")
    another, _ = resolve_for_run(loaded, flow_run_id="run-2")

    # Assert
    assert first.spec.dataset.version == resumed.spec.dataset.version == "1.0.0"
    assert (kept.by, kept.resolved_at) == ("earlier", resolved.resolved_at)
    assert another.spec.dataset.version == "1.0.1"


def test_a_version_the_caller_resolved_is_kept_and_a_template_is_not_taken_for_one(small_release):
    # Setup
    loaded = load_spec(small_release(**{"dataset.version": "{date:%Y.%m}"}))

    # Run
    given, by_caller = resolve_for_run(loaded, requested="2027.03")
    named, by_flow = resolve_for_run(loaded, requested="{date:%Y.%m}")  # a deployment's label, not a version
    plain, _ = resolve_for_run(load_spec(small_release()), requested="9.9.9")

    # Assert
    assert given.spec.dataset.version == "2027.03" and by_caller.by == "caller"
    assert by_flow.by == "flow" and named.spec.dataset.version == datetime.now().strftime("%Y.%m")
    assert plain.spec.dataset.version == "1.0.0"  # a plain version in the spec always wins

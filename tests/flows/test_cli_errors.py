"""Bad input stops with one clear line, exit code 2, and nothing published (one test per case)."""
from __future__ import annotations

import os

import pytest
from typer.testing import CliRunner

from synthgate.flows.cli import app

runner = CliRunner()


def _run(*args):
    return runner.invoke(app, list(args), catch_exceptions=False)


def _assert_refused(result, spec_dir, *fragments):
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert result.exit_code == 2, result.output
    assert len(lines) == 1, lines
    assert lines[0].startswith("error: ")
    for fragment in fragments:
        assert fragment in lines[0]
    catalog = spec_dir / "catalog"
    assert not catalog.exists() or not any(catalog.rglob("*.parquet"))


@pytest.mark.parametrize("command", ["check", "run"])
def test_missing_source_file(small_release, key_env, command):
    spec = small_release(**{"source.path": "data/nope.csv"})
    _assert_refused(_run(command, str(spec)), small_release.tmp_path, "nope.csv", "file not found")


def test_glob_matching_nothing(small_release, key_env):
    spec = small_release(**{"source.path": "data/*.parquet"})
    _assert_refused(_run("run", str(spec)), small_release.tmp_path, "no file matches")


def test_unreadable_source_file_corrupt_parquet(small_release, key_env):
    (small_release.source.parent / "broken.parquet").write_bytes(b"PAR1 this is not parquet")
    spec = small_release(**{"source.path": "data/broken.parquet"})
    _assert_refused(_run("run", str(spec)), small_release.tmp_path, "not a readable Parquet file")


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0, reason="root reads any file")
def test_unreadable_source_file_permission(small_release, key_env):
    small_release.source.chmod(0)
    spec = small_release()
    _assert_refused(_run("run", str(spec)), small_release.tmp_path, "permission denied")


def test_empty_table(small_release, key_env):
    header = small_release.source.read_text().splitlines()[0]
    small_release.source.write_text(header + "\n")
    _assert_refused(_run("run", str(small_release())), small_release.tmp_path, "has no rows")


def test_csv_that_does_not_parse(small_release, key_env):
    with small_release.source.open("a") as handle:
        handle.write("P9999,CANARY_ROW,1,2,3,4,5,6,7,8\n")
    result = _run("run", str(small_release()))
    _assert_refused(result, small_release.tmp_path, "does not parse as CSV", "10 fields where the header has 8")
    assert "CANARY_ROW" not in result.output


def _recode_source(small_release, encoding):
    text = small_release.source.read_text(encoding="utf-8").replace("Example", "홍길동")
    small_release.source.write_bytes(text.encode(encoding))


def test_a_cp949_source_without_its_declared_encoding(small_release, key_env):
    _recode_source(small_release, "cp949")
    result = _run("run", str(small_release()))
    _assert_refused(result, small_release.tmp_path, "column 'name' is not valid utf-8 text", "cp949")
    assert "홍길동" not in result.output


def test_a_cp949_source_with_its_declared_encoding_passes_the_check(small_release, key_env):
    _recode_source(small_release, "cp949")
    result = _run("check", str(small_release(**{"source.encoding": "cp949"})))
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("ok: 40 rows x 8 columns")


def test_spec_with_a_typo(small_release, key_env):
    spec = small_release(**{"columns.sex": {"kind": "categorical", "actoin": "keep"}})
    _assert_refused(_run("run", str(spec)), small_release.tmp_path,
                    "columns.sex", "unknown key 'actoin'", "did you mean 'action'", "allowed: action, description, kind, reviewed, rule, surrogate")


def test_spec_with_a_wrong_type(small_release, key_env):
    spec = small_release(**{"sample.rows": "many"})
    _assert_refused(_run("run", str(spec)), small_release.tmp_path, "sample.rows", "valid integer")


def test_unplanned_column(small_release, key_env, DELETE):
    spec = small_release(**{"columns.smoker": DELETE})
    _assert_refused(_run("run", str(spec)), small_release.tmp_path,
                    "columns in the data but not in the spec: smoker")


def test_planned_column_missing_from_the_data(small_release, key_env):
    spec = small_release(**{"columns.weight": {"kind": "numerical", "action": "keep"}})
    _assert_refused(_run("run", str(spec)), small_release.tmp_path,
                    "columns in the spec but not in the data: weight")


def test_missing_key(small_release, monkeypatch):
    monkeypatch.delenv("SYNTHGATE_PSEUDONYM_KEY", raising=False)
    _assert_refused(_run("run", str(small_release())), small_release.tmp_path,
                    "no pseudonymisation key", "SYNTHGATE_PSEUDONYM_KEY")


def test_short_key(small_release, monkeypatch):
    monkeypatch.setenv("SYNTHGATE_PSEUDONYM_KEY", "too-short-secret")
    result = _run("run", str(small_release()))
    _assert_refused(result, small_release.tmp_path, "is 16 bytes; at least 32 are required")
    assert "too-short-secret" not in result.output


def test_unknown_generator(small_release, key_env):
    spec = small_release(**{"generator.kind": "magic_gan"})
    _assert_refused(_run("run", str(spec)), small_release.tmp_path, "generator.kind", "magic_gan", "gaussian_copula")


@pytest.mark.parametrize("rows", [0, -5])
def test_zero_or_negative_rows(small_release, key_env, rows):
    spec = small_release(**{"sample.rows": rows})
    _assert_refused(_run("run", str(spec)), small_release.tmp_path, "sample.rows", "greater than or equal to 1")


def test_output_version_that_already_exists(small_release, key_env):
    existing = small_release.tmp_path / "catalog" / "patients" / "1.0.0"
    existing.mkdir(parents=True)
    (existing / "manifest.json").write_text("{}")
    _run_result = _run("run", str(small_release()))
    _assert_refused(_run_result, small_release.tmp_path, "already exists", "never overwritten")
    assert (existing / "manifest.json").read_text() == "{}"


def test_column_values_that_do_not_fit_their_kind(small_release, key_env):
    spec = small_release(**{"columns.sex": {"kind": "numerical", "action": "keep"}})
    result = _run("run", str(spec))
    _assert_refused(result, small_release.tmp_path, "column 'sex' is declared numerical", "40 non-null value(s)")


def test_demo_with_a_spec_for_another_dataset(small_release):
    result = _run("demo", "--spec", str(small_release()))
    _assert_refused(result, small_release.tmp_path, "the demo writes source tables for the datasets covid-testing, "
                    "korean-clinic-admissions, military, not 'patients'")


def test_a_kept_reidentification_table_without_its_own_key(small_release, key_env, monkeypatch):
    monkeypatch.delenv("SYNTHGATE_ADDITIONAL_INFORMATION_KEY", raising=False)
    spec = small_release(**{"privacy.additional_information": {"path": "vault"}})
    _assert_refused(_run("run", str(spec)), small_release.tmp_path,
                    "no key for the re-identification table: set SYNTHGATE_ADDITIONAL_INFORMATION_KEY")
    assert not (small_release.tmp_path / "vault").exists()


def test_a_reidentification_table_key_equal_to_the_pseudonymisation_key(small_release, key_env, monkeypatch):
    monkeypatch.setenv("SYNTHGATE_ADDITIONAL_INFORMATION_KEY", key_env)
    spec = small_release(**{"privacy.additional_information": {"path": "vault"}})
    _assert_refused(_run("run", str(spec)), small_release.tmp_path, "needs a key of its own")


def _mark_for_review(spec, column, *, comment=True, flag=True):
    """Mark a column as `init` does: a '# REVIEW:' comment above its key and 'reviewed: false' in it."""
    text = spec.read_text(encoding="utf-8")
    key = f"  {column}:\n"
    assert text.count(key) == 1
    above = "  # REVIEW: PERSON in 41% of 200 sampled values\n" if comment else ""
    below = "    reviewed: false\n" if flag else ""
    spec.write_text(text.replace(key, above + key + below), encoding="utf-8")


@pytest.mark.parametrize("command", ["check", "run"])
def test_columns_still_marked_review(small_release, key_env, command):
    # Setup: 'name' marked both ways, 'sex' by the comment only
    spec = small_release()
    _mark_for_review(spec, "name")
    _mark_for_review(spec, "sex", flag=False)

    # Run / Assert: one line naming both columns and the way out
    _assert_refused(_run(command, str(spec)), small_release.tmp_path,
                    "2 column(s) still marked REVIEW: name, sex", "set 'reviewed: true'")


def test_deleting_the_review_comment_does_not_resolve_the_column(small_release, key_env):
    # Setup: the comment is gone; 'reviewed: false' still records that nobody decided
    spec = small_release()
    _mark_for_review(spec, "name", comment=False)

    # Run / Assert
    _assert_refused(_run("check", str(spec)), small_release.tmp_path, "still marked REVIEW: name")


def test_reviewed_true_resolves_the_mark_and_the_comment_may_stay(small_release, key_env):
    # Setup
    spec = small_release()
    _mark_for_review(spec, "name")
    spec.write_text(spec.read_text().replace("reviewed: false", "reviewed: true"))

    # Run
    result = _run("check", str(spec))

    # Assert
    assert result.exit_code == 0, result.output
    assert "# REVIEW:" in spec.read_text()


def _messy_headers(small_release):
    """The agency's export: 'score' twice (the second was 'note') and a blank header; never edited."""
    text = small_release.source.read_text().replace("score,note", "score,score", 1)
    small_release.source.write_text(text.replace("patient_id,", ",", 1))


def test_duplicate_and_blank_headers_are_named_with_positions(small_release, key_env):
    # Setup
    _messy_headers(small_release)

    # Run / Assert
    _assert_refused(_run("check", str(small_release())), small_release.tmp_path,
                    "'score' at positions 7 and 8", "blank header at position 1", "source.rename",
                    "source.dedupe_headers: true")


@pytest.mark.parametrize("how", ["rename", "dedupe"])
def test_rename_or_dedupe_lets_the_original_file_pass(small_release, key_env, how):
    # Setup
    from synthgate.flows.preflight import preflight
    from synthgate.flows.sources import file_sha256
    from synthgate.flows.spec import load_spec

    _messy_headers(small_release)
    original = file_sha256(small_release.source)[0]
    if how == "rename":
        spec = small_release(**{"source.rename": {1: "patient_id", 8: "note"}})
    else:
        spec = small_release(**{"source.dedupe_headers": True})
        text = spec.read_text().replace("  patient_id:", "  column_1:").replace("  note:", "  score__2:")
        spec.write_text(text.replace("kind: text\n    action: redact_text", "kind: text\n    action: drop"))

    # Run
    result = _run("check", str(spec))
    report = preflight(load_spec(spec))

    # Assert: the check passes on the unedited file, whose hash is the one the manifest keeps
    assert result.exit_code == 0, result.output
    assert report.source.sha256 == original == file_sha256(small_release.source)[0]
    renamed = {r["position"]: r["name"] for r in report.source.to_dict()["renamed_headers"]}
    assert renamed == ({1: "patient_id", 8: "note"} if how == "rename" else {1: "column_1", 8: "score__2"})


@pytest.mark.parametrize(
    "rename, fragments",
    [
        ({9: "extra"}, ("source.rename: position 9 is not a column", "from 1 to 8")),
        ({"notes": "remark"}, ("source.rename: 'notes' is not a header of the file",)),
        ({"score": "points"}, ("'score' is the header of columns 7 and 8", "rename them by position")),
        ({8: "note"}, ("blank header at position 1", "after source.rename")),
        ({1: " "}, ("source.rename", "the new name for 1 is blank")),
    ],
)
def test_renames_that_do_not_resolve_the_headers(small_release, key_env, rename, fragments):
    _messy_headers(small_release)
    spec = small_release(**{"source.rename": rename})
    _assert_refused(_run("check", str(spec)), small_release.tmp_path, *fragments)

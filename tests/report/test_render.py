"""report.render: one self-contained, deterministic, escaped page with every section the auditor needs."""
from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from synthgate.report import ReportError, ReportInputError, render_report, write_report
from synthgate.report.render import build_context

ROOT = Path(__file__).resolve().parents[2]
XSS = "<script>alert(1)</script>"


def _attributes(html: str, name: str) -> list[str]:
    return re.findall(rf'\s{name}="([^"]*)"', html)


def _row(html: str, label: str) -> str:
    """The table row that holds ``label`` (label is plain text in the page)."""
    match = re.search(rf"<tr[^>]*>(?:(?!</tr>).)*{re.escape(label)}(?:(?!</tr>).)*</tr>", html, re.S)
    assert match, f"no row holds {label!r}"
    return match.group(0)


# --- self-contained, offline -------------------------------------------------------------------

def test_every_release_renders_one_page_with_nothing_to_fetch(any_release):
    # Run
    html = render_report(**any_release.kwargs())

    # Assert: inline CSS and SVG only, no script, no external resource, only in-page links and Data Docs
    assert html.startswith("<!DOCTYPE html>")
    assert html.count("<style>") == 1 and "<script" not in html.lower()
    assert "<link" not in html and "<img" not in html and "<iframe" not in html
    assert "http://" not in html and "https://" not in html and "url(" not in html and "@import" not in html
    assert _attributes(html, "src") == []
    hrefs = _attributes(html, "href")
    assert hrefs and all(h.startswith("#") or h == "data_docs/index.html" for h in hrefs)
    assert not any("//" in value for value in _attributes(html, "href") + _attributes(html, "src"))


def test_in_page_links_all_point_at_a_section(plain):
    # Run
    html = render_report(**plain.kwargs())

    # Assert
    targets = {h[1:] for h in _attributes(html, "href") if h.startswith("#")}
    ids = set(_attributes(html, "id"))
    assert targets and targets <= ids


# --- deterministic -----------------------------------------------------------------------------

def test_same_inputs_give_the_same_bytes(plain):
    # Run
    first, second = render_report(**plain.kwargs()), render_report(**plain.kwargs())

    # Assert
    assert first == second


def test_a_fresh_interpreter_with_another_hash_seed_gives_the_same_sha256(tmp_path, dp):
    # Setup: the release's JSON files, as `synthgate report` will read them
    for name, data in dp.kwargs().items():
        (tmp_path / f"{name}.json").write_text(json.dumps(data), encoding="utf-8")
    loaded = {name: json.loads((tmp_path / f"{name}.json").read_text()) for name in dp.kwargs()}
    code = ("import json, hashlib, sys; from pathlib import Path; from synthgate.report import render_report; d = Path(sys.argv[1]); "
            "print(hashlib.sha256(render_report(**{n: json.loads((d / f'{n}.json').read_text()) "
            "for n in ('evaluation', 'manifest', 'validation')}).encode()).hexdigest())")

    # Run
    done = subprocess.run([sys.executable, "-c", code, str(tmp_path)], cwd=ROOT, capture_output=True, text=True,
                          env={**os.environ, "PYTHONHASHSEED": "12345"}, check=True)

    # Assert
    assert done.stdout.strip() == hashlib.sha256(render_report(**loaded).encode()).hexdigest()


def test_rebuilding_from_the_final_manifest_gives_the_published_bytes(plain):
    # Setup: the report is rendered before its own files are hashed into the manifest
    before = {name: info for name, info in plain.manifest["files"].items() if not name.startswith("report.")}
    published = render_report(**{**plain.kwargs(), "manifest": {**plain.manifest, "files": before}})

    # Run: `synthgate report` later reads the final manifest, which lists report.html and report.pdf
    rebuilt = render_report(**plain.kwargs())

    # Assert
    assert "report.pdf" in plain.manifest["files"] and rebuilt == published


# --- escaping ----------------------------------------------------------------------------------

def test_a_column_named_like_a_script_tag_is_shown_as_text(xss):
    # Run
    html = render_report(**xss.kwargs())

    # Assert: every place it reaches (title, plan, params, fidelity, charts, utility, validation)
    assert "<script" not in html.lower()
    assert html.count("&lt;script&gt;alert(1)&lt;/script&gt;") >= 8


# --- summary: the first screen -------------------------------------------------------------

def _summary(html: str) -> str:
    return html[html.index('id="summary"'):html.index('id="pseudonymisation"')]


def test_a_released_release_says_so_and_lists_every_gate_met(plain):
    # Run
    html = render_report(**plain.kwargs())

    # Assert
    summary = _summary(html)
    assert "✓ RELEASED" in summary and "BLOCKED" not in html
    assert "All 13 publish gates met; all 12 validation checks passed. This data may be published." in summary
    assert summary.count('<span class="mark pass">✓ pass</span>') == 13
    assert "✗ fail" not in html and "inconclusive" not in summary


def test_a_blocked_release_says_which_gate_failed_and_which_is_inconclusive(blocked):
    # Run
    html = render_report(**blocked.kwargs())

    # Assert: the verdict in one line, then the failed gate with estimate, interval, bound and verdict
    summary = _summary(html)
    assert "✗ BLOCKED" in summary and "RELEASED" not in html
    assert ("1 gate failed (real rows copied by the generator), 1 inconclusive (inferring a hidden attribute), "
            "1 of 13 validation checks failed. This data must not be published.") in summary
    row = _row(summary, "Training rows the generator reproduced exactly")
    assert ('<td class="num">0.021</td><td class="num">0.017 – 0.026</td><td class="num">≤ 0.006</td>' in row
            and "✗ fail" in row and 'class="fail"' in row)


def test_the_inference_risk_shows_estimate_interval_and_column_of_one_figure(blocked):
    # Run
    html = render_report(**blocked.kwargs())

    # Assert: not "0 ✓" (the lower end alone), and not another column's interval (0 – 0.042)
    for part in (_summary(html), html[html.index('id="privacy"'):html.index('id="validation"')]):
        row = _row(part, "Inferring a hidden attribute of a real person")
        assert "(column result)" in row
        assert '<td class="num">0.379</td><td class="num">0 – 1</td><td class="num">≤ 0.1</td>' in row
        assert "? inconclusive" in row and "about 12,000 real holdout rows would settle it" in row
        assert "0.042" not in row and "✓" not in row


def test_an_inconclusive_release_is_blocked_and_says_more_holdout_rows_would_settle_it(inconclusive):
    # Run
    html = render_report(**inconclusive.kwargs())

    # Assert
    summary = _summary(html)
    assert "✗ BLOCKED" in summary and 'class="verdict inconclusive"' in summary
    assert "1 gate inconclusive (inferring a hidden attribute)." in summary and "gate failed" not in summary
    assert "evaluate it again with more real holdout rows (about 9,400)" in summary
    assert "<strong>? inconclusive</strong>: the 95% interval is too wide to tell" in summary


def test_an_inconclusive_figure_the_spec_accepted_is_released_and_says_so(accepted):
    # Run
    html = render_report(**accepted.kwargs())

    # Assert
    summary = _summary(html)
    assert "✓ RELEASED" in summary
    assert ("12 of 13 publish gates met, 1 inconclusive and accepted by the release spec "
            "(rows closer to training than to unseen rows); all 12 validation checks passed.") in summary
    row = _row(summary, "Synthetic rows closer to the training rows than to unseen rows")
    assert "? inconclusive, accepted" in row and "0.43 – 0.61" in row


def test_a_gate_the_report_does_not_know_shows_the_title_and_description_it_carries(plain, make_gate):
    # Setup
    plain.evaluation["gates"].append(make_gate("k_map_risk", 0.2, 0.1, 0.3, "<=", 0.1, "fail", column="zip",
                                          title="People a k-map attack re-identifies",
                                          description="Share of people matched to one population record."))
    plain.evaluation.update(passed=False, verdict="fail")

    # Run
    html = render_report(**plain.kwargs())

    # Assert
    summary = _summary(html)
    assert "1 gate failed (People a k-map attack re-identifies)" in summary
    row = _row(summary, "People a k-map attack re-identifies")
    assert "(column zip)" in row and "0.1 – 0.3" in row and "✗ fail" in row
    privacy = html[html.index('id="privacy"'):html.index('id="validation"')]
    assert "Share of people matched to one population record." in _row(privacy, "People a k-map attack")


@pytest.mark.parametrize(("change", "shown"), [
    ({"verdict": "pass", "passed": False}, "✗ fail"),  # never a pass for a gate that did not pass
    ({"verdict": "unmeasured", "passed": False, "value": None, "low": None, "high": None}, "✗ not measured"),
    ({"verdict": None, "passed": False}, "✗ fail"),
    ({"verdict": "inconclusive", "passed": False}, "? inconclusive"),
])
def test_a_gate_that_did_not_pass_blocks_the_release(plain, change, shown):
    # Setup
    plain.evaluation["gates"][5].update(change)  # dcr_share

    # Run
    html = render_report(**plain.kwargs())

    # Assert
    summary = _summary(html)
    assert "BLOCKED" in summary and "RELEASED" not in summary
    assert shown in _row(summary, "Synthetic rows closer to the training rows than to unseen rows")


def test_a_figure_that_was_not_applicable_is_named_with_its_reason_on_the_first_screen(blocked):
    # Run
    html = render_report(**blocked.kwargs())

    # Assert
    assert "Not applicable: linking a real person&#39;s records (fewer than 2 columns left to link)." in _summary(html)


def test_evaluation_failed_alone_still_blocks(plain):
    # Setup: every gate passed, but the evaluation as a whole did not
    plain.evaluation["passed"] = False

    # Run
    html = render_report(**plain.kwargs())

    # Assert
    assert "✗ BLOCKED" in html and "the evaluation did not pass" in html.lower()


# --- pseudonymisation and k-anonymity ----------------------------------------------------------

def test_the_plan_shows_actions_rules_and_counts_but_no_bound_that_may_be_a_value(plain):
    # Run
    html = render_report(**plain.kwargs())

    # Assert
    age = _row(html, ">age<")
    assert "generalised" in age and "age_band (width 5)" in age and "15,524" in age
    assert "12,344 distinct pseudonyms" in _row(html, "subject_id")
    assert "LOCATION 1,480, PERSON 8,708" in _row(html, ">note")
    assert "15,524 of 15,524" in age
    assert "top_bottom_code" in _row(html, ">ct_result<")
    assert "45.27" not in html  # the top-coding bound is a data value
    assert "other clinic" not in html


def test_k_anonymity_shows_before_and_after(plain):
    # Run
    html = render_report(**plain.kwargs())

    # Assert
    assert "Quasi-identifiers: gender, age, clinic_name, patient_class." in html
    assert re.search(r"smallest group \(k\)</td><td class=\"num\">1</td><td class=\"num\">5</td>", html)
    assert re.search(r"rows unique on the quasi-identifiers</td><td class=\"num\">148</td><td class=\"num\">0</td>", html)


def test_no_k_anonymity_step_is_said_plainly(plain):
    # Setup
    plain.manifest["privacy"]["risk"] = None

    # Run
    html = render_report(**plain.kwargs())

    # Assert
    assert "No k-anonymity target was set for this release." in html


def _released_as(html: str, column: str) -> str:
    row = _row(html, f"<td>{column}")
    return re.findall(r"<td>([^<]*)</td></tr>$", row)[0]


def test_columns_left_out_of_the_published_table_say_not_released(plain):
    # Run
    html = render_report(**plain.kwargs())

    # Assert: the redacted free text is not in the Parquet, nor the dropped name; the others are
    assert _released_as(html, "note") == "not released" and "released as text" not in html
    assert "free text: redacted, not learned by the generator, not released" in _row(html, "<td>note")
    assert _released_as(html, "fake_first_name") == "not released"
    assert _released_as(html, "subject_id") == "id" and _released_as(html, "age") == "categorical"


def test_a_column_missing_from_the_manifests_published_columns_is_not_released(plain):
    # Setup: gender kept by the plan, yet not in the published table
    del plain.manifest["columns"]["gender"]

    # Run
    html = render_report(**plain.kwargs())

    # Assert
    assert _released_as(html, "gender") == "not released"


# --- generator and DP --------------------------------------------------------------------------

def test_a_plain_release_draws_its_training_curve(plain):
    # Run
    html = render_report(**plain.kwargs())

    # Assert
    assert html.count('class="chart chart-line"') == 1
    assert "Training and validation loss over 19 epochs" in html
    assert "validation loss stopped improving" in html


@pytest.mark.parametrize("loss_key", ["loss", "train_loss"])
def test_the_curve_reads_either_loss_key(plain, loss_key):
    # Setup: the brief's {"epoch", "loss", "val_loss"} and the generator's own TrainingProgress keys
    plain.manifest["generator"]["training"]["curve"] = [
        {"epoch": 1, loss_key: 30.3, "val_loss": 30.4}, {"epoch": 2, loss_key: 28.1, "val_loss": None}]

    # Run
    html = render_report(**plain.kwargs())

    # Assert: two training points and one validation point drawn
    chart = html[html.index('class="chart chart-line"'):]
    chart = chart[:chart.index("</svg>")]
    assert chart.count("<circle") == 2 and chart.count('width="6" height="6"') == 1


def test_a_curve_without_losses_is_not_drawn(plain):
    # Setup
    plain.manifest["generator"]["training"]["curve"] = [{"epoch": 1, "train_loss": None, "val_loss": None}]

    # Run
    html = render_report(**plain.kwargs())

    # Assert
    assert "chart-line" not in html and "The per-epoch losses were not recorded." in html


def test_a_dp_release_shows_epsilon_and_delta_and_withholds_the_curve(dp):
    # Run
    html = render_report(**dp.kwargs())

    # Assert
    assert "chart-line" not in html
    assert "The training curve is withheld" in html
    assert "(ε = 4.98, δ = 1.0 × 10⁻⁵)" in html
    assert "<dt>ε budget (target)</dt><dd>5</dd>" in html and "<dt>ε spent</dt><dd>4.98</dd>" in html
    assert "<dt>noise multiplier</dt><dd>0.82</dd>" in html
    assert '<span class="value">ε = 4.98</span><span class="name">differential privacy</span>' in html


def test_fidelity_has_one_bar_chart_per_distribution_and_two_heatmaps(plain):
    # Run
    html = render_report(**plain.kwargs())

    # Assert
    drawn = [d for d in plain.evaluation["fidelity"]["distributions"] if not d.get("skipped")]
    assert len(drawn) == 4 and html.count('class="chart chart-bars"') == len(drawn)
    assert html.count('class="chart chart-heatmap"') == 2
    assert "1 sparse bin merged into neighbours" in html and "4 rare categories grouped together" in html
    assert "1.2% of the synthetic rows are missing" in html


def test_the_lowest_scored_pairs_are_listed_lowest_first_and_unscored_pairs_only_counted(plain):
    # Run
    html = render_report(**plain.kwargs())

    # Assert: no "—" score first; the scored pairs ascending; the three unscored ones in one line
    fidelity = html[html.index('id="fidelity"'):html.index('id="utility"')]
    table = fidelity[fidelity.index("<th>pair</th>"):]
    table = table[:table.index("</table>")]
    scores = [float(x) for x in re.findall(r'<td class="num">([0-9.]+)</td></tr>', table)]
    assert len(scores) == 10 and scores == sorted(scores) and "—" not in table
    scored = [p["score"] for p in plain.evaluation["fidelity"]["pairs"] if p["score"] is not None]
    assert scores == sorted(scored)[:10]
    assert "The 10 lowest of 25 scored pairs" in fidelity and "3 pairs could not be scored" in fidelity


def test_only_the_lowest_columns_are_in_the_main_part_and_every_column_in_the_appendix(plain):
    # Run
    html = render_report(**plain.kwargs())

    # Assert
    main, appendix = html[:html.index('id="appendix"')], html[html.index('id="appendix"'):]
    assert "5 of 8 columns shown" in main and "<td>gender</td><td>categorical</td><td>TVComplement</td>" not in main
    assert "<td>gender</td><td>categorical</td><td>TVComplement</td><td class=\"num\">0.990</td>" in appendix


def test_a_fidelity_score_that_was_not_applicable_shows_the_reason(plain):
    # Setup
    plain.evaluation["column_pair_trends"] = None
    plain.evaluation["not_applicable"]["column_pair_trends"] = "only one column was evaluated."

    # Run
    html = render_report(**plain.kwargs())

    # Assert
    row = _row(html, "Column pair trends<span")
    assert "not applicable" in row and "only one column was evaluated</span>" in row and "pass" not in row


def test_a_distribution_without_a_safe_chart_says_why_instead_of_drawing(plain):
    # Run
    html = render_report(**plain.kwargs())

    # Assert
    figure = html[html.index("<strong>drive_thru_ind</strong>"):]
    figure = figure[:figure.index("</figure>")]
    assert "no category holds 10 real rows (min_count): no chart" in figure and "<svg" not in figure


def test_utility_compares_synthetic_and_real_models(plain):
    # Run
    html = render_report(**plain.kwargs())

    # Assert
    auc = _row(html, "AUC<span")
    assert "0.950" in auc and "0.960" in auc and "−0.010" in auc
    assert "HistGradientBoostingClassifier" in html


def test_utility_not_applicable_says_why(no_utility):
    # Run
    html = render_report(**no_utility.kwargs())

    # Assert
    assert "<strong>Not applicable:</strong> no target column was named in the spec." in html
    assert "trained on synthetic</th>" not in html


@pytest.mark.parametrize(("title", "value", "interval", "bound"), [
    ("Synthetic rows closer to the training rows than to unseen rows", "0.512", "0.494 – 0.53", "≤ 0.55"),
    ("Membership guessing from distances", "0.503", "0.489 – 0.517", "≤ 0.6"),
    ("Singling out one real person", "0", "0 – 0.012", "≤ 0.05"),
    ("Published rows that copy a real training row", "0", "—", "≤ 0"),
    ("Synthetic rows that repeat one real person&#39;s combination of values", "0.001", "−0.002 – 0.004", "≤ 0.01"),
])
def test_each_privacy_gate_sits_beside_its_interval_and_bound_with_a_mark_and_a_meaning(plain, title, value,
                                                                                       interval, bound):
    # Run
    html = render_report(**plain.kwargs())

    # Assert: the row of the privacy section (the first screen's rows hold no description)
    section = html[html.index('id="privacy"'):html.index('id="validation"')]
    row = _row(section, f"<strong>{title}</strong>")
    assert f'<td class="num">{value}</td><td class="num">{interval}</td><td class="num">{bound}</td>' in row
    assert "✓ pass" in row and 'class="meaning"' in row


def test_a_privacy_figure_that_was_not_applicable_shows_the_reason(blocked):
    # Run
    html = render_report(**blocked.kwargs())

    # Assert
    section = html[html.index('id="privacy"'):html.index('id="validation"')]
    assert "Not applicable: Linkability risk (fewer than 2 columns left to link)." in section
    assert "Linking two halves" not in section


def test_validation_links_the_data_docs_and_lists_failures(blocked):
    # Run
    html = render_report(**blocked.kwargs())

    # Assert
    assert '<a href="data_docs/index.html">Data Docs</a>' in html
    assert "13 checks evaluated, 1 failed." in html
    assert "0.021" in _row(html, "Training rows the generator reproduced exactly.")


def _folder_sha256(files: dict) -> str:
    """What `sha256sum` prints for the Data Docs files sorted by path, hashed once more."""
    lines = sorted((name.removeprefix("data_docs/"), info["sha256"]) for name, info in files.items()
                   if name.startswith("data_docs/"))
    return hashlib.sha256("".join(f"{digest}  {name}\n" for name, digest in lines).encode()).hexdigest()


def test_the_data_docs_assets_are_one_line_with_a_count_and_one_hash_over_the_folder(plain):
    # Setup
    files = plain.manifest["files"]
    expected = _folder_sha256(files)

    # Run
    html = render_report(**plain.kwargs())

    # Assert: 25 files in one line, in the validation section and the appendix; no asset file listed
    assert "data_docs/static" not in html and "data_docs/index.html</td>" not in html
    assert f"(25 files, {sum(i['bytes'] for n, i in files.items() if n.startswith('data_docs/')):,} bytes; " in html
    assert html.count(expected) == 2 and "<td>data_docs/ (25 files)</td>" in html


def test_the_data_docs_hash_changes_with_any_asset(plain):
    # Setup
    before = render_report(**plain.kwargs())
    name = next(n for n in plain.manifest["files"] if n.startswith("data_docs/static/"))
    plain.manifest["files"][name] = {**plain.manifest["files"][name], "sha256": "0" * 64}

    # Run
    after = render_report(**plain.kwargs())

    # Assert
    assert _folder_sha256(plain.manifest["files"]) in after and _folder_sha256(plain.manifest["files"]) not in before


def test_no_data_docs_link_when_none_is_given(plain):
    # Run
    html = render_report(**plain.kwargs(), data_docs_href=None)

    # Assert
    assert 'href="data_docs' not in html and "Data Docs are not linked" in html


@pytest.mark.parametrize("href", ["https://example.org/docs", "//example.org/x", "/work/ws/data_docs/index.html",
                                  "file:///tmp/index.html", "javascript:alert(1)", "data_docs//index.html",
                                  'a" onclick="x', "data docs/index.html"])
def test_a_data_docs_link_that_leaves_the_release_is_refused(plain, href):
    # Run / Assert
    with pytest.raises(ReportError, match="relative link"):
        render_report(**plain.kwargs(), data_docs_href=href)


def test_a_report_beside_the_data_docs_folder_links_up_to_it(plain):
    # Run: a blocked run's report lives in the workspace's report/ folder, next to data_docs/
    html = render_report(**plain.kwargs(), data_docs_href="../data_docs/index.html")

    # Assert
    assert '<a href="../data_docs/index.html">Data Docs</a>' in html


def test_reproducibility_lists_hashes_versions_and_holdout_but_not_the_report_itself(plain):
    # Run
    html = render_report(**plain.kwargs())

    # Assert: in the appendix, after the break
    main, section = html[:html.index('id="appendix"')], html[html.index('id="reproducibility"'):html.index('id="parameters"')]
    assert "<td>covid-testing.parquet</td><td class=\"num\">422,034</td>" in section
    assert "<td>report.html</td>" not in section and "<td>report.pdf</td>" not in section
    assert plain.manifest["spec_sha256"] in section and plain.manifest["source"]["sha256"] in section
    assert "<dt>rows</dt><dd>3,105</dd>" in section and "1" * 64 in section
    assert "torch 2.13.0+cpu" in section
    for late in (plain.manifest["spec_sha256"], "torch 2.13.0+cpu", "<code>hidden</code>", "id=\"glossary\""):
        assert late not in main


# --- bad input ---------------------------------------------------------------------------------

@pytest.mark.parametrize(("file", "mutate", "message"), [
    ("evaluation", lambda r: r.evaluation.pop("passed"), "evaluation.json: passed is missing"),
    ("evaluation", lambda r: r.evaluation.update(passed="yes"), "evaluation.json: passed must be true or false"),
    ("evaluation", lambda r: r.evaluation.update(format_version=1),
     "evaluation.json: format_version 1 is not one this report reads (2)"),
    ("evaluation", lambda r: r.evaluation.pop("format_version"), "evaluation.json: format_version is missing"),
    ("manifest", lambda r: r.manifest.pop("dataset"), "manifest.json: dataset is missing"),
    ("manifest", lambda r: r.manifest["dataset"].update(version=1), "manifest.json: version must be text"),
    ("validation", lambda r: r.validation.update(failed=True), "validation.json: failed must be a whole number"),
])
def test_a_file_without_what_the_report_needs_is_named(plain, file, mutate, message):
    # Setup
    mutate(plain)

    # Run / Assert
    with pytest.raises(ReportInputError, match=re.escape(message)) as caught:
        render_report(**plain.kwargs())
    assert caught.value.file == f"{file}.json"


def test_a_document_that_is_not_an_object_is_refused(plain):
    # Run / Assert
    with pytest.raises(ReportInputError, match="validation.json: the document is not a JSON object"):
        render_report(evaluation=plain.evaluation, manifest=plain.manifest, validation=[])


def test_the_barest_files_still_render_and_say_what_is_missing():
    # Setup: only the required keys
    evaluation = {"format_version": 2, "passed": True}
    manifest = {"dataset": {"name": "tiny", "version": "0.1.0"}}
    validation = {"success": True, "evaluated": 0, "failed": 0}

    # Run
    html = render_report(evaluation=evaluation, manifest=manifest, validation=validation)

    # Assert
    for sentence in ("No publish gates were recorded", "The manifest records no pseudonymisation plan",
                     "No training curve was recorded", "Not applicable:</strong> no utility figures were recorded",
                     "No privacy gates were recorded", "The manifest lists no files"):
        assert sentence in html
    assert "<svg" not in html


def test_malformed_optional_blocks_are_read_as_missing(plain):
    # Setup: wrong types where optional blocks belong
    plain.evaluation.update(fidelity=[], utility="n/a", privacy=3, gates={"a": 1}, timings=None)
    plain.manifest.update(privacy="x", generator=[1], files=[], libraries="none")

    # Run
    context = build_context(**plain.kwargs())

    # Assert
    assert context["fidelity"]["distributions"] == [] and context["utility"]["applicable"] is False
    assert context["pseudonymisation"]["rows"] == [] and context["reproducibility"]["files"] == []


# --- write_report ------------------------------------------------------------------------------

def test_write_report_writes_report_html_and_leaves_no_temporary_file(tmp_path, plain):
    # Run
    path = write_report(tmp_path, **plain.kwargs())

    # Assert
    assert path == tmp_path / "report.html"
    assert path.read_text(encoding="utf-8") == render_report(**plain.kwargs())
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.html"]


def test_write_report_keeps_the_old_report_when_rendering_fails(tmp_path, plain):
    # Setup
    (tmp_path / "report.html").write_text("old", encoding="utf-8")
    plain.validation.pop("success")

    # Run
    with pytest.raises(ReportInputError):
        write_report(tmp_path, **plain.kwargs())

    # Assert
    assert (tmp_path / "report.html").read_text(encoding="utf-8") == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.html"]


def test_write_report_needs_an_existing_folder(tmp_path, plain):
    # Run / Assert
    with pytest.raises(ReportError, match="is not a folder"):
        write_report(tmp_path / "missing", **plain.kwargs())


def test_a_failed_gate_says_what_to_do_when_its_dict_carries_a_remedy(plain, make_gate):
    # Setup
    plain.evaluation["gates"][2] = make_gate("rare_value_share", 0.004, None, None, "<=", 0.0, "fail",
                                             column="clinic_name")
    plain.evaluation["gates"][2]["remedy"] = "protect this column (pseudonymise, drop, or generalise with merge_rare)"
    plain.evaluation["passed"] = False

    # Run
    html = render_report(**plain.kwargs())

    # Assert: beside the failed gate, on the first screen and in the privacy section
    todo = "to do: protect this column (pseudonymise, drop, or generalise with merge_rare)"
    assert todo in _row(_summary(html), "Rare real values carried into the synthetic table")
    assert todo in _row(html[html.index('id="privacy"'):], "Rare real values carried into the synthetic table")

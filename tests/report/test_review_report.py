"""report: the committee's review, passed in as the manifest's review block, shows in the summary."""
from __future__ import annotations

from synthgate.report import render_report

SHA = "ab" * 32
XSS = "<script>alert(1)</script>"


def test_a_release_without_review_shows_no_review_block(plain):
    # Run
    html = render_report(**plain.kwargs())

    # Assert
    assert 'id="review"' not in html


def test_a_pending_review_names_the_reviewers_and_the_deadline(plain):
    # Setup
    plain.manifest["review"] = {"status": "pending", "reviewers": ["kim.minji", "lee.jun"],
                                "suspended_at": "2026-12-02T10:00:00+00:00", "expires_at": "2026-12-16T10:00:00+00:00"}

    # Run
    html = render_report(**plain.kwargs())

    # Assert
    assert 'class="review pending"' in html
    assert "Awaiting the review committee&#39;s decision (kim.minji, lee.jun)" in html
    assert "not published until a reviewer approves this report" in html
    assert "2026-12-16T10:00:00+00:00" in html
    # ... and the headline does not say released before the committee has decided
    assert "AWAITING THE COMMITTEE" in html and "RELEASED" not in html


def test_an_approval_shows_who_when_the_comment_and_the_reviewed_report_hash(plain):
    # Setup
    plain.manifest["review"] = {"status": "approved", "reviewer": "kim.minji", "reviewers": ["kim.minji"],
                                "decided_at": "2026-12-03T09:30:00+00:00", "comment": XSS, "report_sha256": SHA}

    # Run
    html = render_report(**plain.kwargs())

    # Assert: the comment is a person's text, so it is escaped like every other string
    assert 'class="review approved"' in html
    assert "✓ RELEASED" in html and "AWAITING" not in html
    assert "Approved by kim.minji on 2026-12-03T09:30:00+00:00." in html
    assert SHA in html
    assert XSS not in html and "&lt;script&gt;" in html


def test_the_same_review_gives_the_same_bytes(plain):
    # Setup
    plain.manifest["review"] = {"status": "rejected", "reviewer": "lee.jun", "decided_at": "2026-12-03T09:30:00+00:00"}

    # Run
    first, second = render_report(**plain.kwargs()), render_report(**plain.kwargs())

    # Assert
    assert first == second and "Rejected by lee.jun" in first

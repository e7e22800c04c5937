"""A note longer than spaCy's max_length is redacted in pieces, every entity found where it sits."""
from __future__ import annotations

import pandas as pd
import pytest

from synthgate.privacy import redact
from synthgate.privacy._engines import presidio_engines
from synthgate.privacy.redact import TextRedactor, text_pieces


def test_pieces_rebuild_the_text_and_cut_at_line_ends():
    # Setup: lines of 30 characters, then one long run without any break
    text = "".join(f"line {i:04d} of the ward note.\n" for i in range(200)) + "x" * 2_500

    # Run
    pieces = text_pieces(text, limit=1_000)

    # Assert: in order, nothing lost, none too long, each cut after a line end where the text has one
    assert "".join(piece for _, piece in pieces) == text
    assert [offset for offset, _ in pieces] == [sum(len(p) for _, p in pieces[:i]) for i in range(len(pieces))]
    assert all(len(piece) <= 1_000 for _, piece in pieces)
    assert all(piece.endswith("\n") for _, piece in pieces[:-4])
    assert text_pieces("short") == [(0, "short")]


def test_a_note_past_the_models_max_length_is_redacted_in_pieces(monkeypatch):
    # Setup: spaCy's limit lowered to 5,000 characters (it is 1,000,000: a 1 MB note hit it), pieces of
    # 2,000, and a 12,000-character note with an e-mail address and a phone number in several pieces
    engines = presidio_engines("en")
    nlp = engines.analyzer.nlp_engine.nlp["en"]
    monkeypatch.setattr(nlp, "max_length", 5_000)
    monkeypatch.setattr(redact, "PIECE_CHARS", 2_000)
    filler = "The patient rested and ate well overnight. " * 60  # 2,580 characters per block
    contacts = [f"canary.{i}@example.org" for i in range(4)]
    note = "".join(f"{filler}Call back at {c} today. " for c in contacts) + filler
    assert len(note) > 12_000

    # Run
    out, counts = TextRedactor(entities=["EMAIL_ADDRESS"]).redact_series(pd.Series([note], name="note"))

    # Assert: every address replaced at its place, the rest of the text unchanged
    redacted = out.iloc[0]
    assert not any(c in redacted for c in contacts)
    assert counts == {"EMAIL_ADDRESS": 4}
    assert redacted == note.replace(contacts[0], "<EMAIL_ADDRESS>").replace(contacts[1], "<EMAIL_ADDRESS>") \
        .replace(contacts[2], "<EMAIL_ADDRESS>").replace(contacts[3], "<EMAIL_ADDRESS>")


def test_without_pieces_the_lowered_limit_is_what_fails(monkeypatch):
    # Setup: the same lowered limit, pieces as long as the note (the old behaviour)
    engines = presidio_engines("en")
    monkeypatch.setattr(engines.analyzer.nlp_engine.nlp["en"], "max_length", 5_000)
    monkeypatch.setattr(redact, "PIECE_CHARS", 50_000)

    # Run / Assert: the redactor reports spaCy's refusal by type only, never the text
    with pytest.raises(redact.RedactionError) as caught:
        TextRedactor(entities=["EMAIL_ADDRESS"]).redact_series(pd.Series(["word " * 2_000], name="note"))
    assert "word" not in str(caught.value)

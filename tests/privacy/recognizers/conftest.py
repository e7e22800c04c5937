"""Helpers for the recognizer tests: run one recognizer on a text, return the spans it found."""

import pytest


@pytest.fixture(scope="session")
def found():
    """``found(recognizer, text, threshold)`` -> list of (matched text, score) at or above ``threshold``."""

    def run(recognizer, text, threshold=0.0):
        results = recognizer.analyze(text, recognizer.supported_entities)
        return [(text[r.start : r.end], round(r.score, 2)) for r in results if r.score >= threshold]

    return run

"""The shape tuning set is its script's output, with spans that point at their text and some decoys."""

import importlib.util
import json
from pathlib import Path

EVAL = Path(__file__).resolve().parents[2] / "data" / "pii_eval"


def test_the_file_is_the_scripts_output_with_valid_spans(tmp_path):
    # Setup
    spec = importlib.util.spec_from_file_location("make_shape_sentences", EVAL / "make_shape_sentences.py")
    maker = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(maker)

    # Run
    path = maker.write(tmp_path)
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]

    # Assert
    assert path.read_bytes() == (EVAL / "shape_sentences.jsonl").read_bytes()
    assert all("[[" not in r["text"] for r in rows)
    assert all(r["text"][s["start"] : s["end"]].strip() == r["text"][s["start"] : s["end"]] for r in rows for s in r["spans"])
    assert sum(not r["spans"] for r in rows) >= 6  # decoys

"""tests/data/pii_eval/name_sentences.jsonl: written by its script, spans on names, decoys without any."""

import importlib.util
import json
from pathlib import Path

EVAL = Path(__file__).resolve().parents[2] / "data" / "pii_eval"


def test_name_set_is_its_script_output_and_labels_names_only(tmp_path):
    # Setup
    spec = importlib.util.spec_from_file_location("make_name_sentences", EVAL / "make_name_sentences.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)

    # Run
    path = module.main(tmp_path)
    records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]

    # Assert
    assert path.read_bytes() == (EVAL / "name_sentences.jsonl").read_bytes()
    spans = [(r["text"], s) for r in records for s in r["spans"]]
    assert all(s["entity"] == "PERSON" and text[s["start"] : s["end"]].strip() == text[s["start"] : s["end"]]
               and "[" not in text for text, s in spans)
    assert sum(not r["spans"] for r in records) >= 10  # the decoy sentences

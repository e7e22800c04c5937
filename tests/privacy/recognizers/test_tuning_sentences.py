"""The hand-written tuning sets in tests/data/pii_eval/ are their scripts' output, with sound spans and decoys."""

import importlib.util
import json
from pathlib import Path

EVAL = Path(__file__).resolve().parents[2] / "data" / "pii_eval"


def _regenerate(script: str, entry: str, out: Path) -> tuple[Path, list[dict]]:
    """Run ``script``'s ``entry`` function into ``out``; the file it wrote and its records."""
    spec = importlib.util.spec_from_file_location(Path(script).stem, EVAL / script)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    path = getattr(module, entry)(out)
    return path, [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_name_set_is_its_script_output_and_labels_names_only(tmp_path):
    # Run
    path, records = _regenerate("make_name_sentences.py", "main", tmp_path)

    # Assert
    assert path.read_bytes() == (EVAL / "name_sentences.jsonl").read_bytes()
    spans = [(r["text"], s) for r in records for s in r["spans"]]
    assert all(s["entity"] == "PERSON" and text[s["start"] : s["end"]].strip() == text[s["start"] : s["end"]]
               and "[" not in text for text, s in spans)
    assert sum(not r["spans"] for r in records) >= 10  # the decoy sentences


def test_shape_set_is_its_script_output_with_valid_spans(tmp_path):
    # Run
    path, rows = _regenerate("make_shape_sentences.py", "write", tmp_path)

    # Assert
    assert path.read_bytes() == (EVAL / "shape_sentences.jsonl").read_bytes()
    assert all("[[" not in r["text"] for r in rows)
    assert all(r["text"][s["start"] : s["end"]].strip() == r["text"][s["start"] : s["end"]] for r in rows for s in r["spans"])
    assert sum(not r["spans"] for r in rows) >= 6  # decoys

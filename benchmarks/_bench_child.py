"""Child process of the generator benchmark: one of our generators (or SDV's) fitted and sampled on one table.

Run by benchmarks/generators_vs_peers.py as `python _bench_child.py JOB.json`, in a fresh
interpreter so that its peak RSS is its own. Writes synthetic.parquet and result.json (or
error.json, whose message names columns and rules only) beside the job file.
"""
from __future__ import annotations

import inspect
import json
import sys
import time
from pathlib import Path

from _peak import peak_rss_mb  # this folder's module: the benchmarks run as scripts from here

SDV_DEFAULT_EPOCHS = 300  # CTGAN's and TVAE's

def run_child(job_path: Path) -> None:
    """Fit and sample one of our generators; write synthetic.parquet and result.json beside the job.

    A GeneratorError's message names columns and rules, never values, so it goes to error.json.
    """
    from synthgate import generators

    try:
        fit_and_sample(job_path)
    except generators.GeneratorError as exc:
        (job_path.parent / "error.json").write_text(json.dumps({"error": f"{type(exc).__name__}: {exc}"}))
        raise


def fit_and_sample(job_path: Path) -> None:
    """The child's work: fit on train.parquet, sample as many rows, time both, note ε and epochs."""
    import pandas as pd
    import torch

    from synthgate import generators

    job = json.loads(job_path.read_text(encoding="utf-8"))
    torch.set_num_threads(job["threads"])
    out = job_path.parent
    schema = generators.TableSchema.from_mapping(job["kinds"])
    train = pd.read_parquet(job["train"])[list(schema.names)]
    params = generators.parse_params(job["kind"], job["params"])
    cls = generators.get_generator(job["kind"])
    rules = job.get("rules") or None
    options = {}
    if rules and "rules" in cls.Params.model_fields:  # as flows/convert.py hands a spec's rules over
        params = generators.parse_params(job["kind"], {**job["params"], "rules": rules})
    elif rules and any("rules" in inspect.signature(c.__init__).parameters for c in cls.__mro__ if "__init__" in vars(c)):
        options["rules"] = rules
    elif rules:
        print("this generator takes no rules: fitted without", file=sys.stderr)
        rules = None
    refused = None
    try:
        generator, marks, start, end = _fit(cls, params, options, job, train, schema)
    except generators.GeneratorError as exc:
        if not rules:
            raise
        # Detected rules this generator cannot take together: its message names columns and rules
        # only. The run goes on without rules and says so, rather than losing every other figure.
        refused = f"{type(exc).__name__}: {exc}"
        print(f"rules refused, fitted without them: {refused}", file=sys.stderr)
        params, options, rules = generators.parse_params(job["kind"], job["params"]), {}, None
        generator, marks, start, end = _fit(cls, params, options, job, train, schema)
    train_s = end - start
    start = time.perf_counter()
    synthetic = generator.sample(len(train), seed=1)
    sample_s = time.perf_counter() - start
    peak = peak_rss_mb()  # before save: the fit's own peak
    params_record = params.model_dump(mode="json")
    if params_record.get("rules"):
        params_record["rules"] = len(params_record["rules"])  # how many; the JSON keeps no category value
    result = {"train_s": round(train_s, 2), "sample_s": round(sample_s, 2), "peak_rss_mb": round(peak, 1),
              "params": params_record, "rules_given": len(rules) if rules else 0}
    if refused:
        result["rules_refused"] = refused
    if "epochs_start" in marks:
        epochs = params.epochs
        per_epoch = (end - marks["epochs_start"]) / epochs
        result["seconds_per_epoch"] = round(per_epoch, 3)
        result["projected_default_epochs_s"] = round(train_s + per_epoch * (SDV_DEFAULT_EPOCHS - epochs), 1)
    training = getattr(generator, "training", None)
    if isinstance(training, dict):
        result["training"] = {k: training[k] for k in ("epochs", "steps", "stopped", "threads", "input_dropout")
                              if k in training}
    if job["dp"]:
        result["dp"] = privacy_spent(generator, out / "model")
    synthetic.to_parquet(out / "synthetic.parquet", index=False)
    (out / "result.json").write_text(json.dumps(result, indent=2, default=str), encoding="utf-8")


def _fit(cls, params, options: dict, job: dict, train, schema):
    """A fresh generator fitted on ``train``; with the epoch-loop marks and the fit's start and end."""
    generator = cls(params, device=job["device"], seed=0, **options)
    marks = mark_epoch_loop(job["kind"])
    start = time.perf_counter()
    generator.fit(train, schema)
    return generator, marks, start, time.perf_counter()


# Where ctgan 0.12 builds the last object before a synthesizer's epoch loop: the hook's target.
EPOCH_LOOP_START = {"ctgan": ("ctgan.synthesizers.ctgan", "DataSampler"),
                    "tvae": ("ctgan.synthesizers.tvae", "TensorDataset")}


def mark_epoch_loop(kind: str) -> dict[str, float]:
    """Note when CTGAN's or TVAE's epoch loop starts, so seconds per epoch leave out data preparation.

    ctgan builds a DataSampler (CTGAN) or TensorDataset (TVAE) right before the loop; a subclass
    that stamps the time is the least intrusive hook there is. It patches only this child's ctgan.
    """
    import importlib

    marks: dict[str, float] = {}
    if kind not in EPOCH_LOOP_START:
        return marks
    module_name, attribute = EPOCH_LOOP_START[kind]
    module = importlib.import_module(module_name)
    base = getattr(module, attribute)

    class Marked(base):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            marks["epochs_start"] = time.perf_counter()

    setattr(module, attribute, Marked)
    return marks


def privacy_spent(generator, directory: Path) -> dict:
    """ε spent as the generator reports it: the manifest's "dp" record after save, else ``privacy_record``."""
    record = None
    try:
        generator.save(directory)
        record = json.loads((directory / "manifest.json").read_text(encoding="utf-8")).get("dp")
    except Exception as exc:  # a tolerant probe: the record is optional, the benchmark goes on
        print(f"manifest not readable ({type(exc).__name__})", file=sys.stderr)
    if record is None:
        record = getattr(generator, "privacy_record", None)
    if not isinstance(record, dict):
        return {"epsilon_spent": None, "record": None}
    spent = next((record[k] for k in ("epsilon_spent", "spent_epsilon", "epsilon") if isinstance(
        record.get(k), (int, float))), None)
    return {"epsilon_spent": spent, "record": record}



if __name__ == "__main__":
    run_child(Path(sys.argv[1]))

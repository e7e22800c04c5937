"""Child process of the generator benchmark: MOSTLY AI's TabularARGN at its defaults on one table.

Runs with .venv-peers/bin/python (see benchmarks/setup_peers.sh), never with the project's venv:
    _mostly_runner.py --train train.parquet --kinds kinds.json --rows N --out-dir DIR
                      [--seed 0] [--max-epochs E] [--device cpu] [--threads N]
Writes DIR/synthetic.parquet and DIR/result.json (train_s, sample_s, peak_rss_mb, versions).
Everything but ``max_epochs`` (capped only by ``--quick``) is the engine's default.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

from _peak import peak_rss_mb  # this folder's module: the benchmarks run as scripts from here

# Our kinds → the engine's encoding types; the same as the engine infers from these dtypes,
# spelled out so that a boolean is never read as a number.
ENCODING = {"numerical": "TABULAR_NUMERIC_AUTO", "categorical": "TABULAR_CATEGORICAL",
            "boolean": "TABULAR_CATEGORICAL", "datetime": "TABULAR_DATETIME"}


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--train", type=Path, required=True)
    parser.add_argument("--kinds", type=Path, required=True, help="JSON {column: kind}")
    parser.add_argument("--rows", type=int, required=True)
    parser.add_argument("--out-dir", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--max-epochs", type=float, default=None, help="default: the engine's (100)")
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--threads", type=int, default=os.cpu_count() or 1, help="torch threads (default: all cores)")
    return parser.parse_args(argv)


def main(argv: list[str]) -> None:
    args = parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="tabular-argn-") as workspace:
        # The engine reads its encoded parquet through Hugging Face `datasets`, which otherwise
        # tries the Hub (about 75 s of timeouts per run without a network) and caches under ~.
        os.environ.update({"HF_HUB_OFFLINE": "1", "HF_DATASETS_OFFLINE": "1", "HF_HUB_DISABLE_TELEMETRY": "1",
                           "HF_HOME": str(Path(workspace) / "hf")})
        run(args, Path(workspace) / "engine")


def run(args: argparse.Namespace, workspace: Path) -> None:
    """split → analyze → encode → train → generate in ``workspace``; results into ``args.out_dir``."""
    import pandas as pd
    import torch
    from mostlyai import engine

    torch.set_num_threads(args.threads)
    engine.init_logging()
    kinds = json.loads(args.kinds.read_text(encoding="utf-8"))
    train = pd.read_parquet(args.train)[list(kinds)]
    train_options = {} if args.max_epochs is None else {"max_epochs": args.max_epochs}
    engine.set_random_state(args.seed)
    start = time.perf_counter()
    engine.split(tgt_data=train, tgt_encoding_types={c: ENCODING[k] for c, k in kinds.items()},
                 workspace_dir=workspace)
    engine.analyze(workspace_dir=workspace)
    engine.encode(workspace_dir=workspace)
    engine.train(workspace_dir=workspace, device=args.device, **train_options)
    train_s = time.perf_counter() - start
    start = time.perf_counter()
    engine.generate(sample_size=args.rows, device=args.device, workspace_dir=workspace)
    synthetic = pd.read_parquet(Path(workspace) / "SyntheticData")
    sample_s = time.perf_counter() - start
    args.out_dir.mkdir(parents=True, exist_ok=True)
    synthetic[list(kinds)].to_parquet(args.out_dir / "synthetic.parquet", index=False)
    result = {
        "train_s": round(train_s, 2), "sample_s": round(sample_s, 2),
        "peak_rss_mb": round(peak_rss_mb(), 1),
        "rows": len(synthetic), "params": {"max_epochs": args.max_epochs} if args.max_epochs else "defaults",
        "versions": {"mostlyai-engine": engine.__version__, "torch": torch.__version__,
                     "python": sys.version.split()[0]},
    }
    (args.out_dir / "result.json").write_text(json.dumps(result, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main(sys.argv[1:])

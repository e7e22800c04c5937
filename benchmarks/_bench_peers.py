"""The generator benchmark's peers, each run in a venv of its own: TabularARGN and SmartNoise's AIM and MST."""
from __future__ import annotations

import argparse
import subprocess
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
PEERS_PYTHON = ROOT / ".venv-peers" / "bin" / "python"
SMARTNOISE_PYTHON = ROOT / ".venv-smartnoise" / "bin" / "python"
MOSTLY_RUNNER = HERE / "_mostly_runner.py"
SMARTNOISE_RUNNER = HERE / "_smartnoise_runner.py"
QUICK_ARGN_EPOCHS = 2
QUICK_AIM_ROUNDS_PER_COLUMN = 2  # AIM's default is 16 per column (880 rounds on a 55-column table)

# name -> (SmartNoise synthesizer, ε); δ is the benchmark's DP_DELTA, as for our DP-SGD.
SMARTNOISE = {"aim_dp1": ("aim", 1.0), "aim_dp5": ("aim", 5.0), "mst_dp1": ("mst", 1.0), "mst_dp5": ("mst", 5.0)}
PEERS = ["tabular_argn", *SMARTNOISE]


def peer_command(name: str, work: Path, out: Path, rows: int, args: argparse.Namespace,
                 delta: float) -> list[str] | str:
    """The child's command line for peer ``name``, or a reason to skip it (its venv is missing).

    Args:
        name: ``tabular_argn`` or a key of ``SMARTNOISE``.
        work: The folder with train.parquet and kinds.json.
        out: The run's own folder (synthetic.parquet and result.json go there).
        rows: Rows to sample (as many as the training rows).
        args: The benchmark's arguments (device, threads, quick, bins, aim_rounds_per_column).
        delta: δ of the DP peers.
    """
    common = ["--train", str(work / "train.parquet"), "--kinds", str(work / "kinds.json"), "--rows", str(rows),
              "--out-dir", str(out)]
    if name == "tabular_argn":
        if not PEERS_PYTHON.exists():
            return "no .venv-peers (run benchmarks/setup_peers.sh)"
        command = [str(PEERS_PYTHON), str(MOSTLY_RUNNER), *common, "--device", args.device,
                   "--threads", str(args.threads)]
        return command + (["--max-epochs", str(QUICK_ARGN_EPOCHS)] if args.quick else [])
    if not SMARTNOISE_PYTHON.exists():
        return "no .venv-smartnoise (run benchmarks/setup_smartnoise.sh)"
    synth, epsilon = SMARTNOISE[name]
    command = [str(SMARTNOISE_PYTHON), str(SMARTNOISE_RUNNER), *common, "--synth", synth,
               "--epsilon", str(epsilon), "--delta", str(delta), "--bins", str(args.bins)]
    rounds = getattr(args, "aim_rounds_per_column", None) or (QUICK_AIM_ROUNDS_PER_COLUMN if args.quick else None)
    return command + (["--aim-rounds-per-column", str(rounds)] if rounds and synth == "aim" else [])


def peer_versions() -> dict[str, str]:
    """mostlyai-engine, smartnoise-synth and their torch/mbi, from the peers' own venvs."""
    versions = {}
    probes = [(PEERS_PYTHON, ("mostlyai-engine", "torch"), " (.venv-peers)"),
              (SMARTNOISE_PYTHON, ("smartnoise-synth", "mbi"), " (.venv-smartnoise)")]
    for python, packages, where in probes:
        if not python.exists():
            continue
        probe = f"import importlib.metadata as m; print(*(m.version(p) for p in {packages!r}))"
        found = subprocess.run([str(python), "-c", probe], capture_output=True, text=True)
        if found.returncode == 0:
            first, second = found.stdout.split()
            versions[packages[0]] = first
            versions[packages[1] + (where if packages[1] == "torch" else "")] = second
    return versions

#!/usr/bin/env bash
# Set up .venv-smartnoise: SmartNoise's smartnoise-synth 1.0.8 (AIM, MST) for benchmarks/generators_vs_peers.py.
#
# Why a venv of its own: smartnoise-synth 1.0.8 (the newest, 2026-04) pins opacus>=0.14,<0.15 (we use
# opacus 1.6.0 for DP-SGD), mbi>=1.1,<2 (private-pgm; the newest mbi is 2.0.0), and through
# smartnoise-sql 1.0.10 opendp>=0.14.1,<0.15 (newest 0.16.0) and antlr4-python3-runtime==4.9.3;
# mbi 1.1.0 brings jax, jaxlib, chex and optax. pip resolves all of it cleanly on Python 3.11 once
# torch is pinned to the local CPU wheel (opacus 0.14 needs torch; unpinned, pip would fetch a
# CUDA build). AIM and MST never import opacus (only the DP-GAN synthesizers do), so the old
# opacus on a new torch is harmless here; snsynth still imports cleanly.
# The list below is `pip freeze` of `pip install smartnoise-synth==1.0.8 torch==2.13.0 pyarrow==26.0.1`
# in a fresh venv (pyarrow: the runner reads and writes Parquet; setuptools: torch 2.13 wants >= 77,
# the venv starts with 65), every version pinned and
# installed with --no-deps so that the result does not depend on the day's resolver.
#
# Idempotent: does nothing while .venv-smartnoise/.stamp-smartnoise is newer than this script.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON="${PYTHON:-$(command -v python3.11 || command -v python3)}"
VENV=.venv-smartnoise
STAMP="$VENV/.stamp-smartnoise"

if [[ -f "$STAMP" && "$STAMP" -nt benchmarks/setup_smartnoise.sh ]]; then
  echo "$VENV is up to date"
  exit 0
fi
[[ -x "$VENV/bin/python" ]] || "$PYTHON" -m venv "$VENV"
"$VENV/bin/python" -m pip install --quiet --upgrade pip
"$VENV/bin/python" -m pip install --quiet --no-deps -r /dev/stdin <<'REQUIREMENTS'
smartnoise-synth==1.0.8
smartnoise-sql==1.0.10
torch==2.13.0
absl-py==2.5.1
antlr4-python3-runtime==4.9.3
attrs==26.1.0
chex==0.1.92
Deprecated==1.3.1
disjoint-set==0.9.0
Faker==40.63.0
filelock==4.3.1
fsspec==2026.9.0
graphviz==0.21
jax==0.10.2
jaxlib==0.10.2
Jinja2==3.1.6
MarkupSafe==3.0.4
mbi==1.1.0
ml_dtypes==0.7.0
mpmath==1.3.0
networkx==3.6.1
numpy==2.4.6
opacus==0.14.0
opendp==0.14.2
opt_einsum==3.4.0
optax==0.2.8
pac-synth==0.0.8
pandas==2.3.3
pyarrow==26.0.1
python-dateutil==4.0.0
pytz==2026.6
PyYAML==6.0.4
scipy==1.17.1
setuptools==84.2.1
SQLAlchemy==2.1.9
sympy==1.14.0
toolz==1.2.0
typing_extensions==4.16.0
tzdata==2026.6
wrapt==2.5.2
REQUIREMENTS
"$VENV/bin/python" -c "import snsynth, importlib.metadata as m; print('smartnoise-synth', m.version('smartnoise-synth'), 'mbi', m.version('mbi'))"
touch "$STAMP"

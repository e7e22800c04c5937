#!/usr/bin/env bash
# Set up .venv-peers: MOSTLY AI's mostlyai-engine 2.7.3 (TabularARGN) for benchmarks/generators_vs_peers.py.
#
# Why a venv of its own, and why --no-deps: mostlyai-engine 2.7.3 declares torch>=2.13,<2.14 together
# with torchaudio<2.12 and torchvision<0.29 (no CPU build of those fits torch 2.13 here, and the
# engine's tabular path never imports them), plus accelerate, peft, xgrammar, json-repair and (extra
# "gpu") vllm, which only its LANGUAGE models import. What was done, found by trying:
#   1. python3.11 -m venv .venv-peers; pip install --no-deps mostlyai-engine==2.7.3
#   2. pip install torch==2.13.0 (the local CPU wheel wins when pinned) numpy pandas pyarrow
#      scikit-learn psutil<6 pydantic opacus==1.6.0 at the project's versions
#   3. `import mostlyai.engine` failed on transformers: mostlyai/engine/_language/__init__.py imports
#      transformers at module import (registering its LSTM as a HF model), so the tabular path needs
#      it too. transformers installs cleanly without torchvision/torchaudio: installed.
#   4. then it failed on datasets: _tabular/training.py reads the encoded parquet with Hugging Face
#      `datasets.load_dataset`: installed (cleanly, no torch extras).
#   5. split/analyze/encode/train/generate of a flat table then ran. Not installed, because the
#      tabular path never imports them: accelerate, peft, xgrammar, json-repair, torchaudio,
#      torchvision, vllm, bitsandbytes.
# The list below is `pip freeze` of the result; every version pinned, installed with --no-deps so
# that pip never resolves torchvision/torchaudio. The runner sets HF_HUB_OFFLINE=1: `datasets`
# otherwise tries the Hub for about a minute per training run on a machine without a network.
#
# Idempotent: does nothing while .venv-peers/.stamp-peers is newer than this script.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON="${PYTHON:-$(command -v python3.11 || command -v python3)}"
VENV=.venv-peers
STAMP="$VENV/.stamp-peers"

if [[ -f "$STAMP" && "$STAMP" -nt benchmarks/setup_peers.sh ]]; then
  echo "$VENV is up to date"
  exit 0
fi
[[ -x "$VENV/bin/python" ]] || "$PYTHON" -m venv "$VENV"
"$VENV/bin/python" -m pip install --quiet --upgrade pip
"$VENV/bin/python" -m pip install --quiet --no-deps -r /dev/stdin <<'REQUIREMENTS'
mostlyai-engine==2.7.3
torch==2.13.0
annotated-doc==0.0.7
annotated-types==0.8.0
anyio==4.16.0
click==8.5.1
cloudpickle==3.1.2
datasets==5.2.0
dill==0.4.1
filelock==4.2.11
fsspec==2026.9.0
h11==0.16.0
hf-xet==1.8.0
httpcore2==2.16.2
httpx2==2.16.2
huggingface_hub==2.4.0
idna==3.20
Jinja2==3.1.6
joblib==1.6.0
markdown-it-py==4.3.0
MarkupSafe==3.0.4
mdurl==0.1.2
mpmath==1.3.0
multiprocess==0.70.19
narwhals==2.29.0
networkx==3.6.1
numpy==2.4.6
opacus==1.6.0
opt_einsum==3.4.0
packaging==26.3
pandas==2.3.3
psutil==5.9.8
pyarrow==26.0.1
pydantic==2.14.3
pydantic_core==2.50.4
Pygments==2.21.0
python-dateutil==4.0.0
pytz==2026.6
PyYAML==6.0.3
regex==2026.11.15
rich==15.0.0
safetensors==0.8.0
scikit-learn==1.9.1
scipy==1.17.1
shellingham==1.5.4
sympy==1.14.0
threadpoolctl==3.8.0
tokenizers==0.23.3
tqdm==4.70.1
transformers==5.23.0
truststore==0.10.5
typer==0.29.2
typing-inspection==0.4.5
typing_extensions==4.16.0
tzdata==2026.6
xxhash==4.1.0
REQUIREMENTS
"$VENV/bin/python" -c "import mostlyai.engine, torch; print('mostlyai-engine', mostlyai.engine.__version__, 'torch', torch.__version__)"
touch "$STAMP"

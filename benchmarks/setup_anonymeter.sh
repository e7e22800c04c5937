#!/usr/bin/env bash
# Set up .venv-anonymeter: anonymeter 1.1.0, the reference our own attacks (evaluation/attacks) are
# checked against by tests/evaluation/test_anonymeter_agreement.py and benchmarks/anonymeter_vs_ours.py.
#
# Why a venv of its own: anonymeter 1.1.0 pins numpy<1.27 and pyarrow<22 (through numba and its
# own metadata), which the project's numpy 2 / pyarrow 26 stack cannot take. It is only ever run as
# a separate process (benchmarks/_anonymeter_runner.py) that reads and writes files.
# The list below is `pip freeze` of a clean install of anonymeter==1.1.0 under Python 3.11: every
# version pinned so that the reference does not drift.
#
# Idempotent: does nothing while .venv-anonymeter/.stamp-anonymeter is newer than this script.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON="${PYTHON:-$(command -v python3.11 || command -v python3)}"
VENV=.venv-anonymeter
STAMP="$VENV/.stamp-anonymeter"

if [[ -f "$STAMP" && "$STAMP" -nt benchmarks/setup_anonymeter.sh && -x "$VENV/bin/python" ]]; then
  echo "$VENV is up to date"
  exit 0
fi
[[ -x "$VENV/bin/python" ]] || "$PYTHON" -m venv "$VENV"
"$VENV/bin/python" -m pip install --quiet --upgrade pip
"$VENV/bin/python" -m pip install --quiet -r /dev/stdin <<'REQUIREMENTS'
anonymeter==1.1.0
cloudpickle==3.1.2
joblib==1.6.0
llvmlite==0.50.0
narwhals==2.29.0
numba==0.68.1
numpy==1.26.4
pandas==3.0.6
polars==2.1.0
polars-runtime-32==2.1.0
pyarrow==21.0.0
python-dateutil==4.0.0
scikit-learn==1.9.1
scipy==1.17.1
threadpoolctl==3.8.0
tzdata==2026.6
REQUIREMENTS
"$VENV/bin/python" -c "import importlib.metadata as m, anonymeter.evaluators; print('anonymeter', m.version('anonymeter'))"
touch "$STAMP"

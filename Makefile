# synthgate: `make demo` and `make test` do all the set-up on a fresh machine (Python 3.11).
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
PIP    := $(BIN)/python -m pip

.PHONY: demo test venv-demo venv-dev lint clean help bench-generators

help:
	@echo "make demo   set up .venv (demo extra) and release the built-in demo dataset"
	@echo "make test   set up .venv (dev extra) and run the whole test suite"
	@echo "make clean  remove .venv and demo-output/"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

# A stamp per extra, remade when pyproject.toml changes, so repeated runs skip pip.
$(VENV)/.stamp-%: pyproject.toml | $(BIN)/python
	$(PIP) install --quiet -e ".[$*]"
	@touch $@

venv-demo: $(VENV)/.stamp-demo
venv-dev: $(VENV)/.stamp-dev

demo: venv-demo
	$(BIN)/synthgate demo

test: venv-dev
	$(BIN)/python -m pytest $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) demo-output

# Our generators beside SDV's and MOSTLY AI's TabularARGN (its own .venv-peers, set up once);
# about 2 hours on 2 cores. BENCH_ARGS, e.g. --quick or --tables cps1988, go to the script.
bench-generators: venv-dev
	bash benchmarks/setup_peers.sh
	$(BIN)/python benchmarks/generators_vs_peers.py $(BENCH_ARGS)

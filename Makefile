# synthgate: `make demo` and `make test` do all the set-up on a fresh machine (Python 3.11).
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
PIP    := $(BIN)/python -m pip

.PHONY: demo test venv-demo venv-dev venv-anonymeter browser lint clean help bench-generators bench-dp-peers bench-evaluation bench-relational

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

# The release report is printed to PDF, and tested, in Debian's headless chromium (apt, as root);
# fonts-nanum draws Korean column names and categories (without it they print as empty boxes);
# poppler-utils (pdftotext) lets the leak test read the PDF's compressed text.
BROWSER_PACKAGES := chromium fonts-nanum poppler-utils
browser:
	@dpkg -s $(BROWSER_PACKAGES) >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
	    apt-get install -y -qq --no-install-recommends $(BROWSER_PACKAGES) >/dev/null; \
	  else echo "the release report needs Debian's $(BROWSER_PACKAGES): sudo apt-get install $(BROWSER_PACKAGES)" >&2; exit 2; fi; }

# anonymeter (the reference our own privacy attacks are checked against) pins numpy<1.27 and
# pyarrow<22, which our stack cannot take: it lives in its own venv, used by one test and a benchmark.
venv-anonymeter: .venv-anonymeter/.stamp
.venv-anonymeter/.stamp: benchmarks/setup_anonymeter.sh
	bash benchmarks/setup_anonymeter.sh
	@touch $@

demo: venv-demo browser
	$(BIN)/synthgate demo

# Two pytest-xdist workers, each test file on one of them (the catalog folder as one unit, files with
# slow tests first: tests/conftest.py): most tests use one core (small fits train single-threaded)
# or wait on a server, so two workers use both cores of a 2-core machine.
# `make test PYTEST_ARGS=` runs the suite in one process.
PYTEST_ARGS ?= -n 2 --dist loadfile
test: venv-dev browser venv-anonymeter
	$(BIN)/python -m pytest $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) .venv-anonymeter demo-output

# Our generators beside SDV's, MOSTLY AI's TabularARGN (its own .venv-peers) and SmartNoise's AIM
# and MST (its own .venv-smartnoise), set up once; the wide rhc table ships in the survset wheel
# (GPL-3, data only: installed here, not a dependency of the package). Several hours on 2 cores.
# BENCH_ARGS, e.g. --quick or --tables cps1988, go to the script.
SURVSET := survset==0.2.11
bench-generators: venv-dev
	bash benchmarks/setup_peers.sh
	bash benchmarks/setup_smartnoise.sh
	$(PIP) install --quiet --no-deps $(SURVSET)
	$(BIN)/python benchmarks/generators_vs_peers.py $(BENCH_ARGS)

# The DP generators on the two wide tables: our DP-SGD and SmartNoise's AIM and MST at ε 1 and 5,
# with our generator and TabularARGN for reference.
DP_PEERS := autoregressive autoregressive_dp1 autoregressive_dp5 tabular_argn aim_dp1 aim_dp5 mst_dp1 mst_dp5
bench-dp-peers: venv-dev
	bash benchmarks/setup_peers.sh
	bash benchmarks/setup_smartnoise.sh
	$(PIP) install --quiet --no-deps $(SURVSET)
	$(BIN)/python benchmarks/generators_vs_peers.py --tables loans rhc --generators $(DP_PEERS) $(BENCH_ARGS)

# The whole evaluation of a 50,000-row table (fidelity, utility, distances, attacks) on 2 cores,
# and our attacks beside anonymeter's on the same input.
bench-evaluation: venv-dev venv-anonymeter
	$(BIN)/python benchmarks/evaluation_speed.py $(BENCH_ARGS)

# Linked tables (issue 16): our RelationalGenerator beside SDV's HMA and PAR and TabularARGN with a
# context table, on pbc -> pbcseq and nafld1 -> nafld3 (BENCH_ARGS: --quick, --labs for nafld2, --sets pbc).
bench-relational: venv-dev
	bash benchmarks/setup_peers.sh
	$(BIN)/python benchmarks/relational_vs_peers.py $(BENCH_ARGS)

# Two commands on a fresh machine (README): `make run` and `make test`.
# Both create or reuse the local .venv; it is reinstalled only when
# pyproject.toml changes.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: fuzz run test bench sample clean-venv

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

# The check names the one apt-get line for missing X11 libraries instead of
# Qt's abort (skipped off Linux and when QT_QPA_PLATFORM is not xcb).
run: $(STAMP)
	@$(BIN)/python -m viewer.syscheck
	$(BIN)/archive-viewer

# Lint and types first (seconds), then the suite.
test: $(STAMP)
	$(BIN)/ruff check viewer tests bench archives/make_sample.py
	$(BIN)/mypy
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -n 2 -q

# The benchmarks of the issues; figures go to stdout and bench/out/*.json.
# The first run builds and caches collections of 100k and 1M posts (minutes).
bench: $(STAMP)
	$(BIN)/python bench/import_bench.py
	$(BIN)/python bench/search_bench.py
	QT_QPA_PLATFORM=offscreen $(BIN)/python bench/ui_bench.py
	$(BIN)/python bench/curation_bench.py

# The long run of the import fuzzer (issue 12): mutated real archives of every
# format; cases, failures by class and posts lost go to stdout and bench/out/fuzz.json.
fuzz: $(STAMP)
	$(BIN)/python bench/fuzz_import.py --cases $${FUZZ_CASES:-3000}

# Regenerates the bundled sample into viewer/resources/sample/mosul/ (package data).
sample:
	$(BIN)/python archives/make_sample.py

clean-venv:
	rm -rf $(VENV)

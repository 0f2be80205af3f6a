# tocsin — two commands from a fresh clone: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DB ?= tocsin.duckdb
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test
export COLUMNS ?= 200

.PHONY: run test lint format bench clean browser fuzz

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e .
	touch $@

$(TEST_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[test]'
	touch $@

## run: install, code the bundled examples into $(DB) and print the events with their sources
run: $(STAMP)
	$(BIN)/tocsin ingest examples --db $(DB)
	$(BIN)/tocsin events --db $(DB) --format table

## browser: make sure Debian's chromium is there for the dashboard's browser tests (skipped with a
## printed reason where it cannot be installed: no root, no apt)
browser:
	@if command -v chromium >/dev/null 2>&1; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
		echo "installing chromium for the browser tests"; \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
		|| echo "chromium could not be installed: the browser tests will be skipped"; \
	else echo "chromium is missing and cannot be installed here (needs root and apt-get): the browser tests will be skipped"; fi

## test: install with test dependencies, lint, type-check and run the whole test suite
test: $(TEST_STAMP) browser
	$(BIN)/ruff check src tests bench
	$(BIN)/mypy
	$(BIN)/python -m pytest -q

lint: $(TEST_STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy

format: $(TEST_STAMP)
	$(BIN)/ruff format src tests bench
	$(BIN)/ruff check --fix src tests bench

## fuzz: run the atheris fuzz target over the text readers for FUZZ_RUNS inputs
FUZZ_RUNS ?= 20000
fuzz: $(TEST_STAMP)
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[fuzz]'
	$(BIN)/python fuzz/fuzz_readers.py -atheris_runs=$(FUZZ_RUNS)

clean:
	rm -rf $(VENV) build *.egg-info src/*.egg-info .pytest_cache .mypy_cache .ruff_cache

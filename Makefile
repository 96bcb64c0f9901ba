# tribu — the two commands that matter: `make demo` and `make test`.
# Everything else sets itself up: the virtual environment is made and filled on first use.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEMO_DIR := build/demo
DEMO_DB := $(DEMO_DIR)/demo.duckdb

.PHONY: demo test lint fix bench docs browser clean train-sentiment train-embeddings

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c constraints.txt -e '.[dev]'
	touch $(STAMP)

# Debian's chromium for the browser tests (Playwright's own browser download does not work here).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "Installing Debian's chromium for the browser tests..."; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
	  || { echo "Could not install chromium (needs root and Debian's package registry)."; exit 1; }; }

demo: $(STAMP)
	$(BIN)/tribu demo --dir $(DEMO_DIR) --db $(DEMO_DB)

test: $(STAMP) browser
	$(BIN)/python -m pytest -q

lint: $(STAMP)
	$(BIN)/ruff check src tests bench training
	$(BIN)/ruff format --check src tests bench training
	$(BIN)/mypy

fix: $(STAMP)
	$(BIN)/ruff check --fix src tests bench training
	$(BIN)/ruff format src tests bench training

bench: $(STAMP)
	$(BIN)/python -m bench

train-sentiment: $(STAMP)
	$(BIN)/python -m training.train_sentiment

train-embeddings: $(STAMP)
	$(BIN)/python -m training.train_embeddings

clean:
	rm -rf build .pytest_cache

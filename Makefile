# govgraph: two commands do all set-up: `make run` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
HOST   ?= 127.0.0.1
PORT   ?= 8000

.PHONY: install run test lint typecheck pytest browser wrk bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

## make run: install, load the bundled dataset into the embedded store, serve API and views
run: $(STAMP)
	$(BIN)/govgraph load data/
	$(BIN)/govgraph serve --host $(HOST) --port $(PORT)

## make test: install, then ruff, mypy and the whole pytest suite (browser tests included)
test: lint typecheck browser pytest

lint: $(STAMP)
	$(BIN)/ruff check ontology graph loaders api viz tests
	$(BIN)/ruff format --check ontology graph loaders api viz tests

typecheck: $(STAMP)
	$(BIN)/mypy

# Debian's Chromium for the browser tests (Playwright drives it; no browser download).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "installing Debian chromium for the browser tests"; \
	  SUDO=$$(command -v sudo >/dev/null && [ "$$(id -u)" != 0 ] && echo sudo); \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq chromium chromium-driver >/dev/null; }

pytest: $(STAMP)
	$(BIN)/pytest ontology graph loaders api viz tests

# Debian's wrk drives the API benchmark (a Python client on the same cores measures itself).
wrk:
	@command -v wrk >/dev/null 2>&1 || { \
	  echo "installing Debian wrk for the API benchmark"; \
	  SUDO=$$(command -v sudo >/dev/null && [ "$$(id -u)" != 0 ] && echo sudo); \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq wrk >/dev/null \
	  || echo "wrk could not be installed: the API benchmark will say it was skipped"; }

## make bench: benchmarks; each writes a section under docs/bench/, joined into docs/benchmarks.md
bench: $(STAMP) wrk
	@mkdir -p docs/bench
	@for m in $$(ls tests/bench/bench_*.py 2>/dev/null | xargs -n1 basename | sed 's/\.py$$//'); do \
	  echo "== $$m"; $(BIN)/python -m tests.bench.$$m || exit 1; done
	@{ echo "# Benchmarks"; echo; echo "Written by \`make bench\`; each section by one benchmark module."; \
	   for f in docs/bench/*.md; do echo; cat $$f; done; } > docs/benchmarks.md
	@echo "wrote docs/benchmarks.md"

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .mypy_cache .ruff_cache

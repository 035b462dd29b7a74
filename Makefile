PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint chromium bench bench-extract bench-crawl bench-crawl-large bench-crawl-profile bench-blind bench-zyte bench-scale faults clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/dostcrawler demo

test: $(STAMP) lint chromium
	$(BIN)/python -m pytest -q -n 2 --dist loadgroup

lint: $(STAMP)
	$(BIN)/ruff check dostcrawler tests
	$(BIN)/ruff format --check dostcrawler tests
	$(BIN)/mypy

# A real headless browser for the tests of what people look at (Datasette pages, the
# coverage report): Debian's Chromium, installed once.
chromium:
	@command -v chromium >/dev/null || { \
	  SUDO=$$(test "$$(id -u)" = 0 || echo sudo); \
	  $$SUDO apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null; }

clean:
	rm -rf $(VENV) build *.egg-info

bench-extract: $(STAMP)
	$(BIN)/python -m tests.bench_extract

bench-crawl: $(STAMP)
	$(BIN)/python -m tests.bench_crawl

bench-crawl-large: $(STAMP)
	$(BIN)/python -m tests.bench_crawl --articles 10000

bench-crawl-profile: $(STAMP)
	$(BIN)/python -m tests.bench_crawl --profile

bench-blind: $(STAMP)
	$(BIN)/python -m tests.bench_blind

bench-zyte: $(STAMP)
	$(BIN)/python -m tests.bench_zyte

bench-scale: $(STAMP)
	$(BIN)/python -m tests.bench_scale

faults: $(STAMP)
	$(BIN)/python -m tests.faults

bench: bench-extract bench-crawl bench-blind bench-zyte bench-scale

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint bench bench-extract bench-crawl bench-blind bench-zyte faults clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/dostcrawler demo

test: $(STAMP) lint
	$(BIN)/python -m pytest -q -n 2 --dist loadgroup

lint: $(STAMP)
	$(BIN)/ruff check dostcrawler tests
	$(BIN)/ruff format --check dostcrawler tests
	$(BIN)/mypy

clean:
	rm -rf $(VENV) build *.egg-info

bench-extract: $(STAMP)
	$(BIN)/python -m tests.bench_extract

bench-crawl: $(STAMP)
	$(BIN)/python -m tests.bench_crawl

bench-blind: $(STAMP)
	$(BIN)/python -m tests.bench_blind

bench-zyte: $(STAMP)
	$(BIN)/python -m tests.bench_zyte

faults: $(STAMP)
	$(BIN)/python -m tests.faults

bench: bench-extract bench-crawl bench-blind bench-zyte

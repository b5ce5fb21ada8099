# satudata-hub — two commands: `make up` (local mode) and `make test` (checks + tests). `make help` lists all.
SHELL := /bin/bash
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.DEFAULT_GOAL := help

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  \033[1m%-10s\033[0m %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	@$(PY) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || { echo "Python 3.11+ dibutuhkan"; exit 1; }
	@test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e ".[dev]"
	@touch $(STAMP)

install: $(STAMP) ## Create/refresh the virtualenv and fetch the Kafka jars (cached)
	$(BIN)/satudata kafka fetch

up: install ## Run the hub in local mode: Kafka, API, Faust worker, simulator, live view
	$(BIN)/satudata up

lint: install ## ruff + mypy (strict)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

test: lint ## Lint, then the whole test suite on the real Kafka and chdb
	$(BIN)/pytest

bench: install ## Benchmarks; results go to docs/BENCHMARKS.md
	$(BIN)/satudata bench

clean: ## Remove local data (not the venv or the jar cache)
	rm -rf .data

.PHONY: help install up lint test bench clean

# itcost: `make help` lists the targets. Every target sets up .venv first when needed.
.DEFAULT_GOAL := help
SHELL := /bin/bash

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Reinstall only when the dependency list changes: `make setup` is quick once done.
STAMP := $(VENV)/.installed

.PHONY: help setup app test lint format bench clean

help: ## list the targets
	@echo "itcost: break-fix vs managed IT support, by Monte Carlo"
	@echo
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-8s %s\n", $$1, $$2}'

setup: $(STAMP) ## create .venv and install itcost with its dev tools (quick when done)

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $@

app: setup ## run the main job: simulate the small-office preset
	$(BIN)/itcost simulate small-office

test: setup ## run the whole test suite
	$(BIN)/python -m pytest

lint: setup ## check code style with ruff
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: setup ## reformat the code with ruff
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: setup ## benchmark the engine on 1,000,000 small-office trials
	$(BIN)/python benchmarks/bench_engine.py

clean: ## remove .venv, caches and build output
	rm -rf $(VENV) build dist *.egg-info .pytest_cache .ruff_cache
	find . -name __pycache__ -type d -prune -exec rm -rf {} +

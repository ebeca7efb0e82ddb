# itcost: `make help` lists the targets. Every target sets up .venv first when needed.
.DEFAULT_GOAL := help
SHELL := /bin/bash

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Reinstall only when the dependency list changes: `make setup` is quick once done.
STAMP := $(VENV)/.installed

.PHONY: help setup system-deps app test lint format bench report presets-table schema clean

help: ## list the targets
	@echo "itcost: how to buy IT support (pay per incident, managed, hybrid), by Monte Carlo"
	@echo
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-14s %s\n", $$1, $$2}'

setup: $(STAMP) ## create .venv and install itcost with its dev tools (quick when done)

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $@

# The calculator at http://localhost:$(PORT), for this computer only (open it in a browser;
# Ctrl-C stops it). Headless: no browser is opened from here, no usage statistics are sent.
PORT ?= 8501
app: setup ## run the calculator app (Streamlit) at http://localhost:8501
	$(BIN)/streamlit run dashboards/app.py --server.port $(PORT) --server.address localhost \
	  --server.headless true --server.maxUploadSize 1 --client.showErrorDetails none \
	  --browser.gatherUsageStats false --browser.serverAddress localhost

test: setup system-deps ## run the whole test suite
	$(BIN)/python -m pytest

# The browser tests (the app end to end, the report's HTML and PDF) drive Debian's Chromium through
# Playwright, read PDFs back with poppler and trace what Chromium sends with strace; never a
# browser download. Installed with apt-get when missing and this is root; otherwise those tests
# are skipped, unless REQUIRE_E2E=1 (CI), which makes a missing browser an error.
SYSTEM_DEPS := chromium:chromium pdftoppm:poppler-utils strace:strace
system-deps:
	@missing=""; for pair in $(SYSTEM_DEPS); do \
	  command -v $${pair%%:*} >/dev/null || missing="$$missing $${pair#*:}"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "installing with apt-get:$$missing"; \
	    DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
	      $$missing fonts-dejavu-core fonts-liberation >/dev/null; \
	  elif [ "$$REQUIRE_E2E" = 1 ]; then \
	    echo "REQUIRE_E2E=1, but missing:$$missing (Debian: sudo apt-get install$$missing)"; \
	    exit 1; \
	  else \
	    echo "missing:$$missing; the browser tests will be skipped."; \
	    echo "To run them: sudo apt-get install$$missing (Debian), then make test again."; \
	  fi; \
	fi

lint: setup ## check code style (ruff) and the layers of analysis/ (import-linter)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

format: setup ## reformat the code with ruff
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Every benchmark runs even when an earlier one misses its target; the target fails at the end.
bench: setup ## benchmark the engine, the app's recompute and repricing, and the report
	@status=0; \
	$(BIN)/python benchmarks/bench_engine.py || status=1; echo; \
	$(BIN)/python benchmarks/bench_app.py || status=1; echo; \
	$(BIN)/python benchmarks/bench_report.py || status=1; \
	exit $$status

report: setup system-deps ## write the server-office demo report (HTML and PDF) under reports/
	$(BIN)/itcost report server-office --client "Server office (demo)" --pdf

# The README's table of presets is this command's output (100,000 trials, seed 2026).
presets-table: setup ## print the README's table of every preset and option (Markdown)
	$(BIN)/itcost presets --table

schema: setup ## write data/scenario.schema.json from the scenario model (after changing it)
	$(BIN)/itcost schema > data/scenario.schema.json.tmp
	mv data/scenario.schema.json.tmp data/scenario.schema.json

clean: ## remove .venv, caches and build output
	rm -rf $(VENV) build dist *.egg-info .pytest_cache .ruff_cache .import_linter_cache
	find . -name __pycache__ -type d -prune -exec rm -rf {} +

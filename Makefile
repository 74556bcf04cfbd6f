# pmokit — `make help` lists the targets. Everything runs inside .venv (created on first use).
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.pmokit-installed
OUT ?= outputs
JOBS ?=
ARGS ?=

.DEFAULT_GOAL := help
.PHONY: help install reports pdf test test-fast lab bench check clean lint format

help: ## list the targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z_-]+:.*## / {printf "  \033[1m%-10s\033[0m %s\n", $$1, $$2}' $(MAKEFILE_LIST)

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 --display-name "Python 3 (pmokit)" > /dev/null
	@touch $(STAMP)

install: $(STAMP) ## create .venv and install pmokit with its dependencies (fast when up to date)

reports: $(STAMP) ## run every params file under params/ into outputs/ (ARGS="--pdf" for PDFs)
	$(BIN)/pmokit run --out $(OUT) $(if $(JOBS),--jobs $(JOBS)) $(ARGS)

pdf: $(STAMP) ## same as reports, with report.pdf beside each report.html (needs chromium)
	$(BIN)/pmokit run --out $(OUT) --pdf $(if $(JOBS),--jobs $(JOBS)) $(ARGS)

check: $(STAMP) ## validate every params file and its inputs without running
	$(BIN)/pmokit check

test: $(STAMP) ## run the whole test suite (unit, runner, notebooks, headless browser)
	$(BIN)/python -m pytest $(ARGS)

lint: $(STAMP) ## ruff: lint and format check of lib/, tests/, bench/ and the notebooks
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP) ## ruff: fix imports and format everything (notebooks included)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

lab: $(STAMP) ## open JupyterLab on notebooks/ with the project's python3 kernel
	$(BIN)/jupyter lab --notebook-dir=notebooks

bench: $(STAMP) ## batch benchmark: our runner vs papermill + nbconvert CLIs (figures in bench/results/)
	$(BIN)/python bench/bench_runner.py

clean: ## remove generated reports (outputs/) but keep .venv
	find $(OUT) -mindepth 1 -maxdepth 1 ! -name .gitkeep -exec rm -rf {} +

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
.PHONY: help install chromium cjk-font reports pdf test test-fast lab bench check clean distclean lint format

help: ## list the targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z_-]+:.*## / {printf "  \033[1m%-10s\033[0m %s\n", $$1, $$2}' $(MAKEFILE_LIST)

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 --display-name "Python 3 (pmokit)" > /dev/null
	@$(MAKE) --no-print-directory chromium cjk-font
	@touch $(STAMP)

install: $(STAMP) ## create .venv, install pmokit and its dependencies, Chromium and fonts where it can (fast when up to date)
	@$(MAKE) --no-print-directory chromium cjk-font

# PDFs and the browser tests drive the system's Chromium (playwright never downloads a browser). As
# root with apt-get (Debian/Ubuntu, CI) install it with the fonts reports use; otherwise say what to
# install: `make reports` works without it, `make pdf` cannot, and the browser/PDF tests skip, saying so.
HAS_CHROMIUM := $(BIN)/python -c "import pmokit.render as r, sys; sys.exit(0 if r.find_chromium() else 1)"
chromium:
	@if ! $(HAS_CHROMIUM) 2>/dev/null; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "installing chromium and fonts-dejavu-core (PDFs, browser tests)"; \
	    DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null && \
	    $(HAS_CHROMIUM) || { echo "chromium installed but not found on PATH"; exit 1; }; \
	  else \
	    echo "note: Chromium not found: make pdf cannot print PDFs and make test skips the browser/PDF tests."; \
	    echo "      Install it (Debian/Ubuntu: sudo apt-get install chromium fonts-dejavu-core; elsewhere Chrome"; \
	    echo "      or Chromium on PATH, or PMOKIT_CHROMIUM=/path/to/chrome), then run make again."; \
	  fi; \
	fi

# Charts draw Japanese, Chinese and Korean names with a CJK font (pmokit.charts.CJK_FONTS); without one
# they show as boxes. As root with apt-get (Debian/Ubuntu, CI) install fonts-noto-cjk, then drop
# matplotlib's font cache so it sees the new font; otherwise say how.
HAS_CJK_FONT := $(BIN)/python -c "import pmokit.charts as c, sys; sys.exit(0 if c.cjk_fonts() else 1)"
cjk-font:
	@if ! $(HAS_CJK_FONT) 2>/dev/null; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "installing fonts-noto-cjk (CJK names in charts)"; \
	    DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends fonts-noto-cjk >/dev/null && \
	    $(BIN)/python -c "import matplotlib, pathlib; [p.unlink() for p in pathlib.Path(matplotlib.get_cachedir()).glob('fontlist-*.json')]" && \
	    $(HAS_CJK_FONT) || { echo "fonts-noto-cjk installed but matplotlib does not see it"; exit 1; }; \
	  else \
	    echo "note: no CJK font found: Japanese, Chinese and Korean names in charts will show as boxes."; \
	    echo "      Install one (Debian/Ubuntu: sudo apt-get install fonts-noto-cjk; macOS and Windows ship one),"; \
	    echo "      then: rm -f \"$$($(BIN)/python -c 'import matplotlib; print(matplotlib.get_cachedir())')\"/fontlist-*.json"; \
	  fi; \
	fi

reports: $(STAMP) ## run every params file under params/ into outputs/ (ARGS="--pdf" for PDFs)
	$(BIN)/pmokit run --out $(OUT) $(if $(JOBS),--jobs $(JOBS)) $(ARGS)

pdf: $(STAMP) ## same as reports, with report.pdf beside each report.html (needs chromium)
	$(BIN)/pmokit run --out $(OUT) --pdf $(if $(JOBS),--jobs $(JOBS)) $(ARGS)

check: $(STAMP) ## validate every params file and its inputs without running
	$(BIN)/pmokit check

# One pytest worker per core (pytest-xdist), each test file (and notebook) whole on one worker so that a
# module fixture running a notebook runs once; the batches several files read run once per session, on
# the first worker that asks (tests/batch.py run_once). Files are handed out in the order tests/conftest.py
# sorts them (long ones first). TEST_WORKERS=0: one process, as plain `pytest`.
# (--dist loadfile, not loadgroup: pytest 9 ignores the node ids xdist 3.8 rewrites for its groups.)
TEST_WORKERS ?= auto
test: $(STAMP) ## run the whole test suite on every core (unit, runner, notebooks, headless browser)
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadfile --no-loadscope-reorder $(ARGS)

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

clean: ## remove generated reports under outputs/; keeps .venv and state kept between runs (history stores, last status run, metric trends)
	@# State is not output: the compliance history store, the last status_deck run (next week's baseline)
	@# and each run's metric history (<workbook>/<run>.history.jsonl, the index's trends) stay.
	find $(OUT) -mindepth 2 -maxdepth 2 ! -path '$(OUT)/status_deck/*' ! -name history_store ! -name '*.history.jsonl' -exec rm -rf {} +
	find $(OUT) -mindepth 1 -maxdepth 1 -type f ! -name .gitkeep -delete
	@echo "kept: $$(cd $(OUT) && ls -d */history_store status_deck */*.history.jsonl 2>/dev/null | tr '\n' ' ')(make distclean removes them too)"

distclean: ## remove everything under outputs/, state kept between runs included
	find $(OUT) -mindepth 1 -maxdepth 1 ! -name .gitkeep -exec rm -rf {} +

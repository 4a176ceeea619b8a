# Two commands do everything on a fresh machine with only Python 3.11:
#   make book   -> executes every notebook and builds the HTML book into _build/html
#   make test   -> lints, runs the unit tests and every notebook (nbval)
# Each creates the virtual environment .venv from the lock when it is missing.
#
# Dependencies: pyproject.toml declares them (the package's, and the groups book, test,
# browser, lab); requirements.txt is the lock, every version exact, resolved from it by
# `make lock`; environment.yml (conda) is written from the lock. Installs take a group
# of pyproject.toml with the lock as constraints, so every version comes from the lock.

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
LOCK   := requirements.txt
STAMP  := $(VENV)/.installed
BROWSER_STAMP := $(VENV)/.installed-browser
LAB_STAMP     := $(VENV)/.installed-lab
JB_FLAGS := -W -n --keep-going
PIP    := $(BIN)/python -m pip --disable-pip-version-check -q
# pip install, at the lock's versions, the package and the groups given after it: ".[test]"
INSTALL := $(PIP) install -c $(LOCK) -e
# what `make lint` and `make test` check with ruff (configured in pyproject.toml)
LINT_PATHS := src tests bench tools book/_ext conftest.py

# `make lock` resolves with uv, pinned here and installed into its own environment.
UV_VERSION  := 0.13.9
LOCK_VENV   := .lockenv
# the lock holds for CPython >= 3.11.5 on every platform (soupsieve 4.1.2 needs 3.11.5)
LOCK_PYTHON := 3.11.5
# e.g. make lock LOCK_FLAGS=--upgrade, or LOCK_FLAGS="--upgrade-package sympy"
LOCK_FLAGS  ?=

SITE_DIR ?= _build/html
PDF      := _build/latex/dropout-companion.pdf
# Debian packages for `make pdf` (pdflatex route, about 60 MB) and `make check-site`
TEX_DEBS := texlive-latex-recommended texlive-latex-extra texlive-fonts-recommended latexmk tex-gyre
BROWSER_DEBS := chromium

.PHONY: format help venv book test lint lab chapter citation lock clean check-site pdf bench tex-deps browser-deps

help:
	@echo "make book   build the book (executes every notebook) into _build/html"
	@echo "make test   lint, then the whole test suite (unit tests + every notebook via nbval)"
	@echo "make lint   ruff check of the Python code ($(LINT_PATHS))"
	@echo "make lab    open the notebooks in JupyterLab through Jupytext"
	@echo "make chapter NB=01_noising_regularizer  run one chapter into _build/chapters/ (outputs, figures)"
	@echo "make lock   re-resolve requirements.txt from pyproject.toml (uv) and rewrite environment.yml"
	@echo "make check-site  open every page of _build/html in headless Chromium (after make book)"
	@echo "make pdf    build the whole book as a PDF ($(PDF))"
	@echo "make bench  measure builds, notebooks, tests, speed-ups; write bench/results.{json,md}"
	@echo "make clean  remove _build (keeps .venv)"

# The book and the tests: the test group (it includes the book group), never Playwright.
$(STAMP): $(LOCK) pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(INSTALL) ".[test]"
	$(BIN)/python -c "import noising, jupyter_book, nbval, jupytext"
	touch $(STAMP)

venv: $(STAMP)

book: $(STAMP)
	$(BIN)/jupyter-book build . $(JB_FLAGS)

lint: $(STAMP)
	$(BIN)/ruff check $(LINT_PATHS)
	$(BIN)/ruff format --check $(LINT_PATHS)
	$(BIN)/python tools/ruff_chapters.py  # the chapters' code cells, through Jupytext

# Format the Python files and the chapters' code cells (ruff), and apply safe lint fixes.
format: $(STAMP)
	$(BIN)/ruff check --fix $(LINT_PATHS)
	$(BIN)/ruff format $(LINT_PATHS)
	$(BIN)/python tools/ruff_chapters.py --fix

test: lint
	$(BIN)/python -m pytest -n 2 --dist loadfile

$(LAB_STAMP): $(STAMP)
	$(INSTALL) ".[test,lab]"
	touch $(LAB_STAMP)

lab: $(LAB_STAMP)
	$(BIN)/jupyter lab notebooks/  # right-click a .md chapter: Open With > Jupytext Notebook

# One chapter, executed in a fresh kernel of .venv, written with its outputs and figures to
# _build/chapters/$(NB).ipynb (open it in any Jupyter) and its figures to _build/chapters/$(NB)_files/.
NB ?=
chapter: $(STAMP)
	@test -n "$(NB)" || { echo "usage: make chapter NB=<chapter>, one of:" $$(ls notebooks | sed -n 's/\.md$$//p'); exit 2; }
	$(BIN)/python tools/run_chapter.py $(NB)

# CITATION.cff's repository-code from the one setting, repository.url in _config.yml
citation: $(STAMP)
	$(BIN)/python tools/repository_url.py

# Re-resolve the lock from pyproject.toml. uv keeps the versions already in requirements.txt
# unless pyproject.toml rules them out or LOCK_FLAGS asks for upgrades; then environment.yml
# is rewritten from the new lock.
lock:
	test -x $(LOCK_VENV)/bin/python || $(PYTHON) -m venv $(LOCK_VENV)
	$(LOCK_VENV)/bin/python -m pip --disable-pip-version-check -q install uv==$(UV_VERSION)
	$(LOCK_VENV)/bin/uv pip compile --quiet pyproject.toml --all-extras --universal \
	  --python-version $(LOCK_PYTHON) --custom-compile-command "make lock" -o $(LOCK) $(LOCK_FLAGS)
	$(LOCK_VENV)/bin/python tools/environment_yml.py $(LOCK) > environment.yml.tmp
	mv environment.yml.tmp environment.yml

# The built site in a real browser: every page, maths typeset, images, links, no JS errors,
# screenshots in _build/screenshots. Skips with the reason when Chromium is missing
# (fails instead under CI=true); `make browser-deps` installs it on Debian/Ubuntu as root.
# Playwright (the browser group) is installed here, on demand, not by make venv.
$(BROWSER_STAMP): $(STAMP)
	$(INSTALL) ".[test,browser]"
	touch $(BROWSER_STAMP)

check-site: $(BROWSER_STAMP)
	SITE_DIR=$(SITE_DIR) $(BIN)/python -m pytest -n 0 -rs \
	  tests/browser/site_check_selftest.py tests/browser/site_check.py

browser-deps:
	@command -v chromium >/dev/null 2>&1 || test -x /usr/bin/chromium || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q $(BROWSER_DEBS); \
	  else echo "Chromium is missing: install the Debian/Ubuntu package 'chromium' (as root:" \
	    "apt-get install -y chromium), or set CHROMIUM=/path/to/chromium"; exit 1; fi; }

# The whole book as a PDF through pdflatex (Debian TeX Live; installed here when missing).
pdf: $(STAMP) tex-deps
	rm -rf _build/latex
	$(BIN)/jupyter-book build . --builder pdflatex $(JB_FLAGS)
	@test -s $(PDF) && echo "PDF: $(PDF)"

tex-deps:
	@{ command -v latexmk && command -v pdflatex && kpsewhich tgtermes.sty fncychap.sty; } >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q $(TEX_DEBS); \
	  else echo "TeX Live is missing: install (as root) apt-get install -y $(TEX_DEBS)"; exit 1; fi; }

# Clean build, cached rebuild, each notebook, the test suite, speed-ups and determinism,
# measured in one run; writes bench/results.json and bench/results.md (shown in the book).
bench: $(STAMP)
	$(BIN)/python bench/run.py

clean:
	rm -rf _build

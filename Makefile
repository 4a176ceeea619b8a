# Two commands do everything on a fresh machine with only Python 3.11:
#   make book   -> executes every notebook and builds the HTML book into _build/html
#   make test   -> runs the unit tests and every notebook (nbval)
# Each creates the virtual environment .venv with pinned versions when it is missing.

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
JB_FLAGS := -W -n --keep-going
# Quiet pip, and keep the machine's pip configuration from adding noise.
PIP    := $(BIN)/python -m pip --disable-pip-version-check -q

SITE_DIR ?= _build/html
PDF      := _build/latex/dropout-companion.pdf
# Debian packages for `make pdf` (pdflatex route, about 60 MB) and `make check-site`
TEX_DEBS := texlive-latex-recommended texlive-latex-extra texlive-fonts-recommended latexmk tex-gyre
BROWSER_DEBS := chromium

.PHONY: help venv book test lab lock clean check-site pdf bench tex-deps browser-deps

help:
	@echo "make book   build the book (executes every notebook) into _build/html"
	@echo "make test   run the whole test suite (unit tests + every notebook via nbval)"
	@echo "make lab    open the notebooks in JupyterLab through Jupytext"
	@echo "make check-site  open every page of _build/html in headless Chromium (after make book)"
	@echo "make pdf    build the whole book as a PDF ($(PDF))"
	@echo "make bench  measure builds, notebooks, tests, speed-ups; write bench/results.{json,md}"
	@echo "make clean  remove _build (keeps .venv)"

$(STAMP): requirements.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(PIP) install -r requirements.txt 2>&1 | grep -v "is ignored: it is neither" || true
	$(PIP) install --no-deps -e . 2>&1 | grep -v "is ignored: it is neither" || true
	$(BIN)/python -c "import noising, jupyter_book, nbval, jupytext"
	touch $(STAMP)

venv: $(STAMP)

book: $(STAMP)
	$(BIN)/jupyter-book build . $(JB_FLAGS)

test: $(STAMP)
	$(BIN)/python -m pytest -n 2 --dist loadfile

lab: $(STAMP)
	$(PIP) install jupyterlab==4.6.6
	$(BIN)/jupyter lab notebooks/  # right-click a .md chapter: Open With > Jupytext Notebook

# Re-resolve the direct pins and freeze the full set into requirements.txt.
lock:
	rm -rf .lockenv && $(PYTHON) -m venv .lockenv
	.lockenv/bin/pip install -q -r requirements-direct.txt
	{ sed -n '1,3p' requirements.txt; .lockenv/bin/pip freeze | grep -v '^-e'; } > requirements.lock.tmp
	mv requirements.lock.tmp requirements.txt && rm -rf .lockenv

# The built site in a real browser: every page, maths typeset, images, links, no JS errors,
# screenshots in _build/screenshots. Skips with the reason when Chromium is missing
# (fails instead under CI=true); `make browser-deps` installs it on Debian/Ubuntu as root.
check-site: $(STAMP)
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

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

.PHONY: help venv book test lab lock clean

help:
	@echo "make book   build the book (executes every notebook) into _build/html"
	@echo "make test   run the whole test suite (unit tests + every notebook via nbval)"
	@echo "make lab    open the notebooks in JupyterLab through Jupytext"
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

clean:
	rm -rf _build

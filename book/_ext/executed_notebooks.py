"""Offer each chapter's *executed* notebook for download.

Jupyter Book 1 builds the chapters from Jupytext (MyST Markdown) sources, and the
theme's download menu then offers only that ``.md`` source. myst-nb writes each
executed notebook, with its outputs, to ``<build>/jupyter_execute/<page>.ipynb``;
sphinx-book-theme copies it next to the sources and adds an ``.ipynb`` entry to
the download menu, but only when an online launch service (Binder, Colab, ...)
is configured, which this offline book does not have.

This extension does that copy for every page that is a notebook, whatever the
launch configuration, and sets ``ipynb_source`` in the page context before the
theme builds its header buttons, so the menu reads ``.ipynb`` / ``.md`` / ``.pdf``.
"""
from __future__ import annotations

import shutil
from pathlib import Path

from sphinx.util import logging

LOGGER = logging.getLogger(__name__)

#: where myst-nb writes executed notebooks (``myst_nb.sphinx_ext.OUTPUT_FOLDER``)
OUTPUT_FOLDER = "jupyter_execute"


def executed_notebook(app, pagename: str) -> Path | None:
    """Path of the executed notebook myst-nb wrote for ``pagename``, or None."""
    path = Path(app.outdir).parent / OUTPUT_FOLDER / f"{pagename}.ipynb"
    return path if path.is_file() else None


def add_executed_notebook(app, pagename, templatename, context, doctree):
    """Copy the executed notebook into ``_sources`` and point the download menu at it."""
    if doctree is None or app.builder.format != "html":
        return
    source = executed_notebook(app, pagename)
    if source is None:
        return
    target = Path(app.outdir) / "_sources" / f"{pagename}.ipynb"
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(source, target)
    context["ipynb_source"] = f"{pagename}.ipynb"


def setup(app):
    # sphinx-book-theme reads ``ipynb_source`` in its priority-501 handlers
    app.connect("html-page-context", add_executed_notebook, priority=450)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}

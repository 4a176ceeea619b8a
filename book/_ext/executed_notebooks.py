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

One more catch: when myst-nb takes a notebook's outputs from its execution cache
(``execute_notebooks: cache``, a rebuild that re-reads an unchanged chapter), it
writes the notebook to ``jupyter_execute`` *without* its outputs (myst-nb 1.4 merges
the cached outputs into a copy and writes the original). The outputs are then taken
from the same cache here, so the download is always the executed notebook.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
from sphinx.util import logging

LOGGER = logging.getLogger(__name__)

#: where myst-nb writes executed notebooks (``myst_nb.sphinx_ext.OUTPUT_FOLDER``)
OUTPUT_FOLDER = "jupyter_execute"


def executed_notebook(app, pagename: str) -> Path | None:
    """Path of the executed notebook myst-nb wrote for ``pagename``, or None."""
    path = Path(app.outdir).parent / OUTPUT_FOLDER / f"{pagename}.ipynb"
    return path if path.is_file() else None


def _has_outputs(nb) -> bool:
    return any(cell.get("outputs") for cell in nb.cells if cell.cell_type == "code")


def _outputs_from_cache(app, nb):
    """``nb`` with the outputs jupyter-cache holds for it, or None if it holds none."""
    cache_path = getattr(getattr(app.env, "mystnb_config", None), "execution_cache_path", "")
    if not cache_path or not Path(cache_path).is_dir():
        return None
    try:
        from jupyter_cache import get_cache

        _, merged = get_cache(cache_path).merge_match_into_notebook(nb)
    except Exception:  # no match (KeyError) or an unreadable cache: keep what we have
        return None
    return merged


def add_executed_notebook(app, pagename, templatename, context, doctree):
    """Write the executed notebook into ``_sources`` and point the download menu at it."""
    if doctree is None or app.builder.format != "html":
        return
    source = executed_notebook(app, pagename)
    if source is None:
        return
    nb = nbformat.read(source, as_version=4)
    if not _has_outputs(nb):
        merged = _outputs_from_cache(app, nb)
        if merged is not None and _has_outputs(merged):
            nb = merged
        else:
            LOGGER.info(f"[executed_notebooks] {pagename}: no outputs found for the download")
    target = Path(app.outdir) / "_sources" / f"{pagename}.ipynb"
    target.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, target)
    context["ipynb_source"] = f"{pagename}.ipynb"


def setup(app):
    # sphinx-book-theme reads ``ipynb_source`` in its priority-501 handlers
    app.connect("html-page-context", add_executed_notebook, priority=450)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}

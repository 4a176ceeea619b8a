"""The book's small Sphinx extensions (book/_ext) and what the PDF build needs of the sources."""

from __future__ import annotations

import inspect
import os
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "book" / "_ext"))

import pdf_support  # noqa: E402
import site_fixes  # noqa: E402

SOURCES = sorted([*ROOT.glob("book/*.md"), *ROOT.glob("notebooks/*.md"), ROOT / "bench" / "results.md"])


def test_macro_preamble_mirrors_mathjax_macros():
    text = pdf_support.macro_preamble({"EE": "\\mathbb{E}", "pair": ["\\langle #1, #2\\rangle", 2]})
    assert "\\providecommand{\\EE}{\\mathbb{E}}" in text
    assert "\\providecommand{\\pair}[2]{\\langle #1, #2\\rangle}" in text
    assert pdf_support.macro_preamble({}) == ""


def test_every_configured_macro_reaches_the_latex_preamble():
    import yaml

    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    macros = config["sphinx"]["config"]["mathjax3_config"]["tex"]["macros"]
    conf = SimpleNamespace(mathjax3_config={"tex": {"macros": macros}}, latex_elements={})
    pdf_support.add_preamble(None, conf)
    for name in macros:
        assert f"\\providecommand{{\\{name}}}" in conf.latex_elements["preamble"]
    # the contents page is not named after the first part
    assert "\\renewcommand{\\contentsname}{Contents}" in conf.latex_elements["preamble"]


def test_latex_escape_handles_every_special_character():
    assert pdf_support._latex_escape("Wager, Wang & Liang (2013)") == "Wager, Wang \\& Liang (2013)"
    assert pdf_support._latex_escape("{a}_b%$#~^\\") == (
        "\\{a\\}\\_b\\%\\$\\#\\textasciitilde{}\\^{}\\textbackslash{}"
    )


def test_pdf_numbers_chapters_only_in_the_parts_the_html_numbers():
    from docutils import nodes
    from sphinx import addnodes

    doc = nodes.document("", "")
    top = nodes.section()
    top += nodes.title("", "Intro")
    doc += top
    inner = nodes.section()
    top += inner
    for caption, numbered in (("Getting started", 0), ("Wager", 999), ("Reference", 0)):
        toc = addnodes.toctree(caption=caption, numbered=numbered)
        holder = nodes.compound()
        holder += toc
        inner += holder
    pdf_support._lift_toctrees(doc)
    latex = [n.astext() for n in top.children if isinstance(n, nodes.raw)]
    assert latex == [
        "\\part{Getting started}\n",
        "\\setcounter{secnumdepth}{-1}\n",
        "\\part{Wager}\n",
        "\\setcounter{secnumdepth}{2}\n",
        "\\part{Reference}\n",
        "\\setcounter{secnumdepth}{-1}\n",
    ]
    # the front matter before the first part is unnumbered too
    conf = SimpleNamespace(mathjax3_config={}, latex_elements={})
    pdf_support.add_preamble(None, conf)
    assert "\\AtBeginDocument{\\setcounter{secnumdepth}{-1}}" in conf.latex_elements["preamble"]


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_sources_use_only_characters_pdflatex_can_typeset(path):
    """Outside ASCII and Latin-1, a character needs a declaration in pdf_support.UNICODE.

    Otherwise ``make pdf`` stops with "Unicode character ... not set up for use with
    LaTeX": add the character to ``book/_ext/pdf_support.py`` rather than changing text.
    """
    declared = {int(code, 16) for code in pdf_support.UNICODE}
    bad = sorted(
        {
            f"U+{ord(c):04X} {c!r}"
            for c in path.read_text(encoding="utf-8")
            if ord(c) > 0xFF and ord(c) not in declared
        }
    )
    assert not bad, f"{path.name}: add to pdf_support.UNICODE: {bad}"


class _Script(str):
    def __new__(cls, filename, **attributes):
        obj = super().__new__(cls, filename or "")
        obj.filename, obj.attributes = filename, attributes
        return obj


def test_duplicate_scripts_are_dropped_keeping_order():
    a = _Script(None, body="const X = 1")
    b = _Script("_static/x.js")
    c = _Script("", body="const X = 1")  # the same inline script registered again
    context = {"script_files": [a, b, c, b]}
    site_fixes.drop_duplicate_scripts(None, "page", "page.html", context, None)
    assert context["script_files"] == [a, b]


def test_theme_mode_reaches_sphinx_as_auto():
    """_config.yml's html_context gets to Sphinx, where pydata-sphinx-theme reads default_mode.

    Without it the theme logs "Got invalid theme mode: ." in the browser (make check-site).
    """
    from jupyter_book.config import get_final_config

    config, _ = get_final_config(
        user_yaml=ROOT / "_config.yml", sourcedir=ROOT, cli_config={"latex_individualpages": False}
    )
    assert config["html_context"]["default_mode"] == "auto"


def test_executed_notebook_outputs_are_recovered_from_the_cache(tmp_path):
    """myst-nb may write a cached chapter without outputs; the download takes them from the cache."""
    import nbformat
    from jupyter_cache import get_cache

    import executed_notebooks

    executed = nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_code_cell(
                "print(1)", outputs=[nbformat.v4.new_output("stream", name="stdout", text="1\n")]
            )
        ]
    )
    executed.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    path = tmp_path / "nb.ipynb"
    nbformat.write(executed, path)
    cache_dir = tmp_path / "cache"
    get_cache(str(cache_dir)).cache_notebook_file(str(path), check_validity=False)

    stripped = nbformat.read(path, as_version=4)
    stripped.cells[0].outputs = []
    assert not executed_notebooks._has_outputs(stripped)
    config = SimpleNamespace(execution_cache_path=str(cache_dir))
    app = SimpleNamespace(env=SimpleNamespace(mystnb_config=config))
    merged = executed_notebooks._outputs_from_cache(app, stripped)
    assert merged is not None and executed_notebooks._has_outputs(merged)
    assert merged.cells[0].outputs[0]["text"] == "1\n"
    # no cache, or a notebook the cache does not know: nothing to merge
    app_none = SimpleNamespace(env=SimpleNamespace(mystnb_config=SimpleNamespace(execution_cache_path="")))
    assert executed_notebooks._outputs_from_cache(app_none, stripped) is None
    other = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("print(2)")])
    assert executed_notebooks._outputs_from_cache(app, other) is None


# --- ipc_kernels: notebook kernels on Unix sockets ------------------------------------

import ipc_kernels  # noqa: E402


def test_ipc_manager_gives_each_kernel_its_own_socket_prefix():
    from jupyter_client import AsyncKernelManager, KernelManager

    for base in (KernelManager, AsyncKernelManager):
        cls = ipc_kernels.ipc_manager(base)
        a, b = cls(), cls()
        assert issubclass(cls, base) and cls.__name__ == f"IPC{base.__name__}"
        assert a.transport == b.transport == "ipc"
        assert a.ip != b.ip and os.path.dirname(a.ip) == ipc_kernels._ipc_dir()
        # an explicit choice still wins
        assert cls(transport="tcp", ip="127.0.0.1").transport == "tcp"


def test_jupyter_cache_executes_with_ipc_kernels(monkeypatch):
    import jupyter_cache.executors.utils as utils

    seen = {}
    monkeypatch.setattr(utils, "executenb", lambda nb, **kw: seen.update(kw))
    ipc_kernels._patch_jupyter_cache()
    utils.executenb({}, cwd=".")
    assert seen["kernel_manager_class"].__name__ == "IPCAsyncKernelManager"
    assert seen["kernel_manager_class"]().transport == "ipc"
    # patching twice does not wrap twice
    patched = utils.executenb
    ipc_kernels._patch_jupyter_cache()
    assert utils.executenb is patched


# --- patches of other projects' internals: each fails loudly when an upgrade breaks it -----
# (no option of Sphinx, myst-nb or jupyter-cache does what they do; CONTRIBUTING.md says why)

_KERNEL_TRANSPORT = "from ipykernel.kernelapp import IPKernelApp\nprint(IPKernelApp.instance().transport)"


def test_myst_nb_executes_through_the_patched_jupyter_cache_function(tmp_path):
    """The book's notebooks really run in IPC kernels: myst-nb -> single_nb_execution -> executenb."""
    import jupyter_cache.executors.utils as utils
    import myst_nb.core.execute.cache as nb_cache
    import myst_nb.core.execute.direct as nb_direct
    import nbformat

    # myst-nb (both the cache and the direct mode) calls this very function...
    assert nb_cache.single_nb_execution is utils.single_nb_execution
    assert nb_direct.single_nb_execution is utils.single_nb_execution
    # ...which looks up the module-level executenb that ipc_kernels wraps
    assert "executenb(" in inspect.getsource(utils.single_nb_execution)
    ipc_kernels._patch_jupyter_cache()
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(_KERNEL_TRANSPORT)])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    result = utils.single_nb_execution(nb, cwd=str(tmp_path), timeout=120, allow_errors=False)
    assert result.err is None, result.exc_string
    assert nb.cells[0].outputs[0]["text"].strip() == "ipc"


def test_latex_builder_still_inlines_through_the_patched_function():
    """pdf_support wraps sphinx.builders.latex.inline_all_toctrees, which assemble_doctree calls."""
    import sphinx.builders.latex as latex

    assert "inline_all_toctrees(self" in inspect.getsource(latex.LaTeXBuilder.assemble_doctree)
    params = list(inspect.signature(latex.inline_all_toctrees).parameters)
    assert params[:4] == ["builder", "docnameset", "docname", "tree"], params


def test_pdf_gets_parts_from_the_root_toctrees(tmp_path):
    """A tiny Sphinx LaTeX build with pdf_support: the root page's captions become \\part."""
    from sphinx.application import Sphinx

    src = tmp_path / "src"
    src.mkdir()
    (src / "conf.py").write_text(
        "import sys\n"
        f"sys.path.insert(0, {str(ROOT / 'book' / '_ext')!r})\n"
        "extensions = ['pdf_support']\n"
        "latex_documents = [('index', 'tiny.tex', 'Tiny', 'A', 'manual')]\n",
        encoding="utf-8",
    )
    (src / "index.rst").write_text(
        "Tiny\n====\n\nIntro\n-----\n\n.. toctree::\n   :caption: First part\n   :numbered:\n\n   chapter\n",
        encoding="utf-8",
    )
    (src / "chapter.rst").write_text("Chapter\n=======\n\nText.\n", encoding="utf-8")
    app = Sphinx(
        str(src),
        str(src),
        str(tmp_path / "out"),
        str(tmp_path / "doctrees"),
        "latex",
        status=None,
        warning=None,
        freshenv=True,
    )
    app.build()
    tex = (tmp_path / "out" / "tiny.tex").read_text(encoding="utf-8")
    assert "\\part{First part}" in tex
    assert tex.index("\\part{First part}") < tex.index("\\chapter{Chapter}")


def test_folded_cells_print_as_the_site_shows_them_closed():
    from docutils import nodes
    from docutils.utils import new_document

    doc = new_document("test")

    def cell(mode):
        c = nodes.container(nb_element="cell_code", hide_mode=mode)
        c += nodes.container(nb_element="cell_code_source")
        c += nodes.container(nb_element="cell_code_output")
        doc.append(c)
        return c

    hide_input, hide_output, hide_cell, shown = cell("input"), cell("output"), cell("all"), cell(None)
    pdf_support.print_folded_cells(doc)
    assert [p["nb_element"] for p in hide_input.children] == ["cell_code_output"]
    assert [p["nb_element"] for p in hide_output.children] == ["cell_code_source"]
    assert hide_cell not in doc.children and len(doc.children) == 3  # nothing of a hide-cell cell is printed
    assert len(shown.children) == 2


def test_table_columns_fit_short_words_and_let_statements_wrap():
    from docutils import nodes

    table = nodes.table()
    tgroup = nodes.tgroup(cols=3)
    table += tgroup
    tgroup += [nodes.colspec(colwidth=1) for _ in range(3)]
    body = nodes.tbody()
    tgroup += body
    row = nodes.row()
    for text in ["W1", "a long statement " * 10, "holds with a correction"]:
        row += nodes.entry("", nodes.paragraph(text=text))
    body += row
    assert pdf_support.column_widths(table) == [10, 44, 27]

"""What the pdflatex build of the book needs beyond Jupyter Book's defaults.

* **The book's maths macros.** Chapters write ``\\EE``, ``\\Var``, ``\\R``, ... declared
  once for MathJax in ``_config.yml`` (``mathjax3_config.tex.macros``). The same
  declarations are turned into ``\\providecommand`` lines of the LaTeX preamble, so
  the PDF and the HTML share one source of truth and a new macro needs one edit.
* **Unicode in prose.** pdflatex reads UTF-8 but knows no glyph for characters such
  as ``·``, ``β`` or ``≤``; each is declared with ``\\DeclareUnicodeCharacter``
  (in maths where that is what the character means), so authors need not change text.
* **Book structure.** The root page (``book/intro``) holds the table of contents at
  its end, inside its last section, so Sphinx's LaTeX builder would nest every
  chapter as a *section* of that section. Before the LaTeX builder inlines the
  chapters, the table-of-contents nodes of the root page are moved to its top level
  and each part's caption becomes a ``\\part``: the PDF then has the HTML's parts and
  chapters, numbered only in the parts the HTML numbers, so that chapter, equation
  and theorem numbers agree between the PDF and the site.
* **Folded code.** A printed page cannot unfold: each code cell prints as the site
  shows it *closed*. ``hide-input`` prints the output only, ``hide-output`` the code
  only, ``hide-cell`` nothing (``remove-*`` cells are dropped by myst-nb for every
  builder). The full code is in each chapter's notebook (the site's ``.ipynb`` and
  ``.md`` downloads). See :class:`FoldedCellsOutOfPrint`.
* **Tables that break across pages.** A ``tabulary`` cannot break, so a table taller
  than what is left of a page moves to the next one and leaves the page blank (the
  ledger's "At a glance" page). Every table outside boxes is typeset as a
  ``longtable``, with column widths from its content (:class:`LongTables`).
* **Verdicts unbroken.** The words of the verdicts ("holds with a correction", ...) are
  never hyphenated (``\\hyphenation``, from :data:`noising.verdicts.VERDICTS`).
* **No blank pages.** The PDF is one-sided (``oneside,openany``): no empty page after
  the title, the contents or a part page.
"""

from __future__ import annotations

from docutils import nodes
from sphinx import addnodes
from sphinx.transforms.post_transforms import SphinxPostTransform

#: characters that appear (or may appear) in prose, headings and outputs
UNICODE = {
    "00B7": r"\ensuremath{\cdot}",
    "00D7": r"\ensuremath{\times}",
    "2212": r"\ensuremath{-}",
    "2013": r"--",
    "2014": r"---",
    "2026": r"\ldots{}",
    "2192": r"\ensuremath{\rightarrow}",
    "2190": r"\ensuremath{\leftarrow}",
    "21D2": r"\ensuremath{\Rightarrow}",
    "2194": r"\ensuremath{\leftrightarrow}",
    "2248": r"\ensuremath{\approx}",
    "2260": r"\ensuremath{\neq}",
    "2264": r"\ensuremath{\leq}",
    "2265": r"\ensuremath{\geq}",
    "226A": r"\ensuremath{\ll}",
    "226B": r"\ensuremath{\gg}",
    "00B1": r"\ensuremath{\pm}",
    "221E": r"\ensuremath{\infty}",
    "2211": r"\ensuremath{\sum}",
    "221A": r"\ensuremath{\surd}",
    "2208": r"\ensuremath{\in}",
    "2202": r"\ensuremath{\partial}",
    "2207": r"\ensuremath{\nabla}",
    "2016": r"\ensuremath{\Vert}",
    "2223": r"\ensuremath{\mid}",
    "2225": r"\ensuremath{\parallel}",
    "22C5": r"\ensuremath{\cdot}",
    "2218": r"\ensuremath{\circ}",
    "2299": r"\ensuremath{\odot}",
    "2713": r"\ensuremath{\checkmark}",
    "2717": r"\ensuremath{\times}",
    "2715": r"\ensuremath{\times}",
    "00B2": r"\textsuperscript{2}",
    "00B3": r"\textsuperscript{3}",
    "2070": r"\textsuperscript{0}",
    "00B9": r"\textsuperscript{1}",
    "2074": r"\textsuperscript{4}",
    "207B": r"\textsuperscript{\ensuremath{-}}",
    "2080": r"\textsubscript{0}",
    "2081": r"\textsubscript{1}",
    "2082": r"\textsubscript{2}",
    "2083": r"\textsubscript{3}",
    "2086": r"\textsubscript{6}",
    "2096": r"\textsubscript{k}",
    "2099": r"\textsubscript{n}",
    "1D62": r"\textsubscript{i}",
    "2C7C": r"\textsubscript{j}",
    "2009": r"\,",
    "202F": r"\,",
    "2011": r"-",
    "2019": r"'",
    "2018": r"`",
    "201C": r"``",
    "201D": r"''",
    "2022": r"\textbullet{}",
    "2605": r"\ensuremath{\star}",
    "2032": r"\ensuremath{'}",
    "2033": r"\ensuremath{''}",
}
_GREEK = {
    "03B1": "alpha",
    "03B2": "beta",
    "03B3": "gamma",
    "03B4": "delta",
    "03B5": "epsilon",
    "03B6": "zeta",
    "03B7": "eta",
    "03B8": "theta",
    "03B9": "iota",
    "03BA": "kappa",
    "03BB": "lambda",
    "03BC": "mu",
    "03BD": "nu",
    "03BE": "xi",
    "03C0": "pi",
    "03C1": "rho",
    "03C3": "sigma",
    "03C4": "tau",
    "03C5": "upsilon",
    "03C6": "phi",
    "03C7": "chi",
    "03C8": "psi",
    "03C9": "omega",
    "03D5": "phi",
    "0393": "Gamma",
    "0394": "Delta",
    "0398": "Theta",
    "039B": "Lambda",
    "039E": "Xi",
    "03A0": "Pi",
    "03A3": "Sigma",
    "03A6": "Phi",
    "03A8": "Psi",
    "03A9": "Omega",
}
UNICODE.update({code: rf"\ensuremath{{\{name}}}" for code, name in _GREEK.items()})
# every subscript and superscript digit (chapters write x₃, W₆, 10⁻⁴, ...)
UNICODE.update({f"{0x2080 + d:04X}": rf"\textsubscript{{{d}}}" for d in range(10)})
UNICODE.update({f"{0x2070 + d:04X}": rf"\textsuperscript{{{d}}}" for d in range(4, 10)})


def macro_preamble(macros: dict) -> str:
    r"""``\providecommand`` lines for MathJax 3 ``tex.macros`` (``name: body`` or ``name: [body, nargs]``)."""
    lines = []
    for name, body in (macros or {}).items():
        nargs = 0
        if isinstance(body, (list, tuple)):
            body, nargs = body[0], int(body[1]) if len(body) > 1 else 0
        args = f"[{nargs}]" if nargs else ""
        lines.append(rf"\providecommand{{\{name}}}{args}{{{body}}}")
    return "\n".join(lines)


def unicode_preamble() -> str:
    return "\n".join(rf"\DeclareUnicodeCharacter{{{code}}}{{{tex}}}" for code, tex in sorted(UNICODE.items()))


def hyphenation_preamble() -> str:
    r"""``\hyphenation`` of every word of every verdict: listed without hyphens, never broken."""
    from noising.verdicts import VERDICTS

    words = sorted({word for verdict in VERDICTS for word in verdict.split() if len(word) > 3})
    return r"\hyphenation{" + " ".join(words) + "}"


def add_preamble(app, config):
    macros = ((config.mathjax3_config or {}).get("tex") or {}).get("macros") or {}
    elements = dict(config.latex_elements or {})
    # one-sided: no blank page after the title, the contents, a part page or a chapter
    options = elements.get("extraclassoptions", "")
    elements["extraclassoptions"] = ",".join(filter(None, [options, "oneside,openany"]))
    extra = "\n".join(
        [
            "% --- book/_ext/pdf_support.py: the MathJax macros of _config.yml, for LaTeX",
            r"\usepackage{amssymb}",
            "% MathJax accepts \\LaTeX and \\TeX inside maths, LaTeX does not: make them work in both",
            r"\AtBeginDocument{\let\bookLaTeX\LaTeX\renewcommand{\LaTeX}{\ensuremath{\text{\bookLaTeX}}}"
            r"\let\bookTeX\TeX\renewcommand{\TeX}{\ensuremath{\text{\bookTeX}}}}",
            macro_preamble(macros),
            "% Sphinx names the table of contents after the first toctree's caption (the",
            "% part 'Getting started'); the PDF's contents page is called Contents",
            r"\addto\captionsenglish{\renewcommand{\contentsname}{Contents}}",
            "% the front matter is unnumbered, as in the HTML (see _numbering)",
            r"\AtBeginDocument{\setcounter{secnumdepth}{-1}}",
            "% the verdicts' words are never hyphenated ('holds with a cor-rection')",
            hyphenation_preamble(),
            "% --- Unicode characters of the prose that pdflatex has no glyph for",
            unicode_preamble(),
        ]
    )
    elements["preamble"] = elements.get("preamble", "") + "\n" + extra + "\n"
    config.latex_elements = elements


def _lift_toctrees(tree):
    """Move the root page's toctrees to its top section, each after a ``\\part``."""
    top = next(iter(tree.findall(nodes.section)), None)
    if top is None:
        return
    for toctree in list(tree.findall(addnodes.toctree)):
        holder = toctree.parent if isinstance(toctree.parent, nodes.compound) else toctree
        if holder.parent is top:
            continue
        holder.parent.remove(holder)
        caption = toctree.get("caption")
        if caption:
            top += nodes.raw("", f"\\part{{{_latex_escape(caption)}}}\n", format="latex")
        top += nodes.raw("", _numbering(toctree), format="latex")
        top += holder


def _numbering(toctree):
    """LaTeX that numbers a part's chapters only when the HTML does (``numbered: true``).

    Unnumbered chapters (secnumdepth -1) do not step the chapter counter, so the
    chapters, equations and theorems of the numbered parts carry the HTML's numbers
    (chapter 7 is chapter 7 in both) and a citation of "eq. (7.2)" fits both.
    """
    depth = 2 if toctree.get("numbered") else -1
    return f"\\setcounter{{secnumdepth}}{{{depth}}}\n"


_LATEX_SPECIAL = {
    "\\": r"\textbackslash{}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "{": r"\{",
    "}": r"\}",
    "~": r"\textasciitilde{}",
    "^": r"\^{}",
}


def _latex_escape(text: str) -> str:
    return "".join(_LATEX_SPECIAL.get(char, char) for char in text)


def _patch_latex_builder():
    import sphinx.builders.latex as latex

    original = latex.inline_all_toctrees
    if getattr(original, "_book_lifted", False):
        return

    def inline_all_toctrees(builder, docnameset, docname, tree, *args, **kwargs):
        if docname == builder.config.root_doc:
            _lift_toctrees(tree)
        return original(builder, docnameset, docname, tree, *args, **kwargs)

    inline_all_toctrees._book_lifted = True
    latex.inline_all_toctrees = inline_all_toctrees


#: myst-nb's ``hide_mode`` of a code cell -> the parts the closed cell shows on the site
SHOWN_WHEN_CLOSED = {
    "input": ("cell_code_output",),
    "output": ("cell_code_source",),
    "input+output": (),
    "all": (),
}


class FoldedCellsOutOfPrint(SphinxPostTransform):
    """Print each folded code cell as the site shows it closed (all builders but HTML).

    myst-nb marks a cell tagged ``hide-input``, ``hide-output`` or ``hide-cell`` with a
    ``hide_mode`` and folds it only in HTML; other builders would print it in full.
    """

    default_priority = 199  # where myst-nb folds them for HTML

    def run(self, **kwargs):
        if self.app.builder.format != "html":
            print_folded_cells(self.document)


def print_folded_cells(document):
    """Drop from ``document`` the parts of folded code cells that the closed cell does not show."""
    for cell in list(document.findall(nodes.container)):
        mode = cell.get("nb_element") == "cell_code" and cell.get("hide_mode")
        if not mode:
            continue
        shown = SHOWN_WHEN_CLOSED.get(mode, ())
        for part in list(cell.children):
            if part.get("nb_element") not in shown:
                cell.remove(part)
        if not cell.children:
            cell.parent.remove(cell)


#: where a ``longtable`` may sit: anywhere else (a box, a list, another table) it cannot break
_PAGE_LEVEL = (nodes.document, nodes.section, nodes.container)


def _in_box(node) -> bool:
    parent = node.parent
    while parent is not None:
        if not isinstance(parent, _PAGE_LEVEL):
            return True
        parent = parent.parent
    return False


def _text_length(entry) -> int:
    """Characters a table cell prints; a ``{numref}`` prints its number (``\\ref``) later."""
    return len(entry.astext().strip()) + 5 * len(list(entry.findall(addnodes.number_reference)))


def column_widths(table) -> list[int]:
    """Relative widths of a table's columns: the longest cell's length (6 to 40) plus padding.

    Short columns (identifiers, verdicts, section numbers) then keep their words whole
    and long ones (statements) wrap.
    """
    tgroup = next(iter(table.findall(nodes.tgroup)))
    lengths = [6] * int(tgroup["cols"])
    for row in tgroup.findall(nodes.row):
        for j, entry in enumerate(row.findall(nodes.entry)):
            if j < len(lengths):
                lengths[j] = max(lengths[j], min(40, _text_length(entry)))
    return [length + 4 for length in lengths]


class LongTables(SphinxPostTransform):
    """Typeset every table outside boxes as a ``longtable`` that breaks across pages (LaTeX)."""

    default_priority = 200
    formats = ("latex",)

    def run(self, **kwargs):
        for table in list(self.document.findall(nodes.table)):
            if _in_box(table) or "longtable" in table["classes"]:
                continue
            table["classes"].append("longtable")
            if "colwidths-given" not in table["classes"]:
                colspecs = list(table.findall(nodes.colspec))
                for colspec, width in zip(colspecs, column_widths(table)):
                    colspec["colwidth"] = width
                table["classes"] = [c for c in table["classes"] if c != "colwidths-auto"] + [
                    "colwidths-given"
                ]


def setup(app):
    _patch_latex_builder()
    app.add_post_transform(FoldedCellsOutOfPrint)
    app.add_post_transform(LongTables)
    app.connect("config-inited", add_preamble, priority=900)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}

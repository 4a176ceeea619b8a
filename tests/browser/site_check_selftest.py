"""The browser check catches what it claims to catch.

A tiny site with one clean page and pages with one defect each is served and
checked with the same code as the book (``site_check.check_page``): the clean page
must pass, and every defective page must be reported with the right reason. The
budgets of issue 12 §4 (``site_check.check_budgets``: visible code share, height, raw
reprs, overflow at 1280 and 412 px) are checked the same way: one page within every
budget passes, and each page breaking one budget is caught. Run
with the browser check (``make check-site``); it needs Chromium but no built book.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from site_check import check_budgets, check_page, serve_directory  # the `browser` fixture: conftest.py

#: MathJax 3 as shipped by sphinx-mathjax-offline (what the book uses)
_PKG = "sphinx-mathjax-offline"

PAGE = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>t</title>{head}</head>
<body><main><p id="top">Some prose.</p>{body}</main></body></html>"""


def _mathjax_dir() -> Path:
    import importlib.util

    spec = importlib.util.find_spec(_PKG)
    return Path(spec.origin).parent / "static" / "mathjax"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    from PIL import Image

    root = tmp_path_factory.mktemp("site")
    shutil.copytree(_mathjax_dir(), root / "mathjax")
    Image.new("RGB", (20, 10), "white").save(root / "ok.png")
    mathjax = '<script defer src="mathjax/tex-chtml.js"></script>'
    pages = {
        "good.html": PAGE.format(
            head=mathjax,
            body=(
                '<p>Inline <span class="math">\\(\\beta^2\\)</span> and code <code>$$ \\( r"$\\beta$"</code></p>'
                '<img src="ok.png" alt="a white box"><a href="other.html#anchor">ok</a><a href="#top">up</a>'
            ),
        ),
        "other.html": PAGE.format(head="", body='<h2 id="anchor">Anchor</h2>'),
        "no_mathjax.html": PAGE.format(head="", body='<div class="math">\\[x^2\\]</div>'),
        "raw_dollars.html": PAGE.format(head=mathjax, body="<p>the weights $\\beta_j$ stay raw</p>"),
        "broken_image.html": PAGE.format(head="", body='<img src="missing.png" alt="gone">'),
        "no_alt.html": PAGE.format(head="", body='<img src="ok.png">'),
        "broken_link.html": PAGE.format(head="", body='<a href="nowhere.html">x</a>'),
        "broken_anchor.html": PAGE.format(head="", body='<a href="other.html#nothing">x</a>'),
        "js_error.html": PAGE.format(head="<script>undefinedFunction()</script>", body=""),
        "network.html": PAGE.format(head='<script src="https://cdn.example.org/x.js"></script>', body=""),
    }
    for name, text in pages.items():
        (root / name).write_text(text, encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def base(site):
    with serve_directory(site) as url:
        yield url


def test_clean_page_passes(browser, base, site):
    assert check_page(browser, base, site, "good.html") == []


@pytest.mark.parametrize(
    "page, expected",
    [
        ("no_mathjax.html", "maths not typeset"),
        ("raw_dollars.html", "raw $\\cmd"),
        ("broken_image.html", "broken image"),
        ("no_alt.html", "image without alt text"),
        ("broken_link.html", "broken link"),
        ("broken_anchor.html", "broken anchor"),
        ("js_error.html", "JavaScript error"),
        ("network.html", "request to the network"),
    ],
)
def test_defect_is_reported(browser, base, site, page, expected):
    problems = check_page(browser, base, site, page)
    assert any(expected in p for p in problems), problems


# ---- the budgets of issue 12 §4 (site_check.check_budgets), on tiny synthetic pages ----

ARTICLE = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>t</title>{head}</head>
<body style="margin:8px"><main><article class="bd-article"><h1>A chapter</h1>{body}</article></main></body></html>"""
PROSE = "<p>" + "The reader reads this sentence about dropout. " * 25 + "</p>"  # ~1000 characters


def _cell(source, output="", folded=False):
    inp = f'<div class="cell_input"><div class="highlight"><pre>{source}</pre></div></div>'
    if folded:
        inp = f'<details class="hide above-input"><summary>Show code cell source</summary>{inp}</details>'
    out = f'<div class="cell_output">{output}</div>' if output else ""
    return f'<div class="cell">{inp}{out}</div>'


def _out(text, kind="text_plain"):
    return f'<div class="output {kind}"><pre>{text}</pre></div>'


_CODE = "x = compute(a, b)  # one line of code\n"
_WIDE_BOXED = (
    '<div class="pst-scrollable-table-container" style="overflow-x:auto">'
    '<table style="width:{w}px"><tr><td>wide</td></tr></table></div>'
)
_MATH_BOXED = (
    '<div class="math" style="display:flex;overflow:hidden"><mjx-container display="true" '
    'style="display:block;flex-grow:1;overflow:auto"><span style="display:inline-block;'
    'width:{w}px">x</span></mjx-container></div>'
)
_BUDGET_PAGES = {
    # passes: little visible code, a big folded cell, a labelled output, a long code line that
    # wraps (the book's stylesheet), a table and an equation that scroll in their own box at 412 px
    "budget_ok.html": (
        PROSE
        + _cell(_CODE * 3, _out("accuracy 93.1 % on 200 test examples", "stream"))
        + _cell(_CODE * 80, folded=True)
        + _cell("y = " + "f(x) + " * 60 + "1")
        + _WIDE_BOXED.format(w=700)
        + _MATH_BOXED.format(w=700)
        + '<img src="ok.png" alt="a box" style="width:300px">'
    ),
    "code_heavy.html": PROSE + _cell(_CODE * 40),
    "tall.html": PROSE + '<div style="height:16000px"></div>',
    "repr_scalar.html": PROSE + _cell(_CODE, _out("mean np.float64(0.25)", "stream")),
    "repr_array.html": PROSE + _cell(_CODE, _out("array([[1., 2.],\n       [3., 4.]])")),
    "repr_figure.html": PROSE + _cell(_CODE, _out("&lt;Figure size 640x480 with 1 Axes&gt;")),
    "repr_dict.html": PROSE + _cell(_CODE, _out("{'lr': 0.1, 'accuracy': 0.93}")),
    "repr_float.html": PROSE + _cell(_CODE, _out("0.30000000000000004")),
    "repr_glued.html": PROSE + '<p>The risk is <span class="pasted-text">np.float64(0.25)</span>.</p>',
    "table_scrolls_desktop.html": PROSE + _WIDE_BOXED.format(w=2000),
    "table_past_edge.html": PROSE + '<table style="width:2000px"><tr><td>wide</td></tr></table>',
    "maths_clipped.html": PROSE
    + (
        '<div class="math" style="overflow:hidden"><mjx-container display="true" '
        'style="display:block"><span style="display:inline-block;width:2000px">x'
        "</span></mjx-container></div>"
    ),
    "maths_scrolls_desktop.html": PROSE + _MATH_BOXED.format(w=2000),
    "code_scrolls_phone.html": PROSE
    + ('<div class="highlight"><pre style="overflow:auto;white-space:pre">' + "z" * 70 + "</pre></div>"),
    "figure_too_wide.html": PROSE + '<img src="ok.png" alt="a box" style="width:2000px">',
}


@pytest.fixture(scope="module")
def budget_base(tmp_path_factory):
    from PIL import Image

    root = tmp_path_factory.mktemp("budgets")
    Image.new("RGB", (20, 10), "white").save(root / "ok.png")
    shutil.copy(Path(__file__).resolve().parents[2] / "book" / "css" / "site.css", root / "site.css")
    for name, body in _BUDGET_PAGES.items():
        head = '<link rel="stylesheet" href="site.css">' if name == "budget_ok.html" else ""
        (root / name).write_text(ARTICLE.format(head=head, body=body), encoding="utf-8")
    with serve_directory(root) as url:
        yield url


def test_page_within_budgets_passes(browser, budget_base):
    assert check_budgets(browser, budget_base, "budget_ok.html") == []


@pytest.mark.parametrize(
    "page, expected",
    [
        ("code_heavy.html", "visible code is"),
        ("tall.html", "px tall at 1280 px"),
        ("repr_scalar.html", "numpy scalar repr in output"),
        ("repr_array.html", "numpy array repr in output"),
        ("repr_figure.html", "matplotlib Figure repr"),
        ("repr_dict.html", "raw repr (a bare Python value)"),
        ("repr_float.html", "raw repr (a bare Python value)"),
        ("repr_glued.html", "numpy scalar repr in the prose"),
        ("table_scrolls_desktop.html", "table scrolls at 1280 px"),
        ("table_past_edge.html", "table runs past the window at 1280 px"),
        ("table_past_edge.html", "the page is"),
        ("maths_clipped.html", "display maths spills out of its box at 1280 px"),
        ("maths_scrolls_desktop.html", "display maths scrolls at 1280 px"),
        ("code_scrolls_phone.html", "code scrolls at 412 px"),
        ("figure_too_wide.html", "figure runs past the window at 412 px"),
    ],
)
def test_budget_violation_is_reported(browser, budget_base, page, expected):
    problems = check_budgets(browser, budget_base, page)
    assert any(expected in p for p in problems), problems

"""The browser check catches what it claims to catch.

A tiny site with one clean page and pages with one defect each is served and
checked with the same code as the book (``site_check.check_page``): the clean page
must pass, and every defective page must be reported with the right reason. Run
with the browser check (``make check-site``); it needs Chromium but no built book.
"""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from site_check import check_page, serve_directory  # the `browser` fixture: conftest.py

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
        "good.html": PAGE.format(head=mathjax, body=(
            '<p>Inline <span class="math">\\(\\beta^2\\)</span> and code <code>$$ \\( r"$\\beta$"</code></p>'
            '<img src="ok.png" alt="a white box"><a href="other.html#anchor">ok</a><a href="#top">up</a>')),
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

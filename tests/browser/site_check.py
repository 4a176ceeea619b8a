"""The built site, checked in a real browser (headless Chromium), page by page.

Run after a strict build (``make book``)::

    make check-site                      # = pytest -rs tests/browser/site_check.py

It serves the HTML tree (``SITE_DIR``, default ``_build/html``) from a local HTTP
server on 127.0.0.1 and an ephemeral port, opens every page in headless Chromium
with every request to another host blocked (the book must work offline), and fails
if a page

* shows untypeset TeX: a ``math`` element that MathJax did not turn into an
  ``mjx-container``, or raw ``\\(``, ``\\[``, ``$$`` or ``$\\cmd ...$`` left in the text;
* has a broken image (``naturalWidth == 0``) or an image without alt text;
* links to a local page or file that does not exist, or to a ``#fragment`` that is
  not an ``id`` on the target page;
* raises a JavaScript error, logs a console error, or fails to load a local resource
  (a 404 for a script, a stylesheet, a font, ...) or tries to reach the network.

It saves a full-page screenshot of every page in ``SCREENSHOT_DIR`` (default
``_build/screenshots``), plus one of each chapter in the theme's dark mode, and checks
that every figure PNG in ``_images`` is opaque (readable on a dark background).

**Budgets** (issue 12 §4), measured on the laid-out page in the browser, in the page's
article (``article.bd-article``), after MathJax, images and fonts have loaded:

* *Visible code <= 30 % of the page's text* (every chapter, at 1280 px). Text is counted
  in characters other than whitespace, over the text nodes of the article that are
  *shown*: rendered (``checkVisibility``, so ``display: none`` and ``visibility: hidden``
  do not count) and not inside a closed ``<details>`` (its ``<summary>`` line is shown
  and counts). Scripts, styles, heading anchors ("#") and copy buttons are not text; maths counts by
  its symbols (MathJax's assistive MathML). *Visible code* is the part of that text
  inside code-cell sources (``.cell_input``): a cell folded with ``hide-input`` /
  ``hide-cell`` (closed ``<details>``) or removed (``remove-input``, not in the HTML)
  does not count; outputs, prose and literal code blocks in the prose are not "code".
  On failure the five biggest visible cells are named (cell number, section, first line).
* *Height <= 15,000 px* (every chapter): ``document.documentElement.scrollHeight`` at a
  1280 px wide window, folded cells closed.
* *No raw reprs* (every page): each text output of a cell (``.cell_output .output``, folded
  or not) and the prose (the article without code-cell sources, code literals, outputs and
  maths; glued values land here) must not contain a NumPy scalar or array repr
  (``np.float64(``, ``array([``), a Matplotlib repr (``<Figure size ...>``, ``<Axes ...>``,
  ``Text(0.5, 1.0, '...')``) or an ``<object at 0x...>`` repr; and a ``text/plain``
  output (the repr of a cell's last value) must not be a bare Python value: a dict,
  list, tuple or set literal, a quoted string, a number, ``True``/``False``/``None``.
  Print a table (DataFrame, Markdown) or a sentence instead. Streams (``print``) are
  only checked for the reprs above.
* *No horizontal overflow at 1280 px and at 412 px* (every page). Checked elements:
  display maths (``mjx-container[display]``, ``div.math``), tables, figures (``img``,
  ``figure``, ``svg``) and code blocks (``pre``, ``div.highlight``), when shown. One
  overflows when its content is wider than its box (``scrollWidth > clientWidth``), or
  it sticks out of an ancestor that clips or scrolls it (``overflow-x`` not
  ``visible``), or it (or that ancestor) runs past the window's edge, or the page
  itself is wider than the window. At 1280 px nothing may overflow, not even by
  scrolling inside its own box: the reader would not see the end of the line. At
  412 px (a phone) a table or a display equation *may* scroll sideways inside its own
  box (itself, the theme's ``.pst-scrollable-table-container`` or its ``div.math``),
  as long as that box fits the window; code must wrap instead (``book/css/site.css``
  sets ``white-space: pre-wrap``), figures must fit.

This file is deliberately not named ``test_*.py``: ``make test`` does not collect it,
since it needs a built book. Without Chromium, Playwright or a built site the tests
are skipped with the reason in the summary (``-rs``); with ``CI=true`` they fail.
"""

from __future__ import annotations

import functools
import html.parser
import http.server
import json
import os
import re
import shutil
import threading
from pathlib import Path
from urllib.parse import unquote, urldefrag, urlsplit

import pytest

ROOT = Path(__file__).resolve().parents[2]
SITE = Path(os.environ.get("SITE_DIR", ROOT / "_build" / "html")).resolve()
SHOTS = Path(os.environ.get("SCREENSHOT_DIR", SITE.parent / "screenshots")).resolve()
IN_CI = os.environ.get("CI", "").lower() == "true"
#: folders of the HTML tree that hold assets, not pages of the book
ASSET_DIRS = {"_static", "_sources", "_images", "_downloads"}
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--disable-extensions",
    # resolve no host name at all except the local server: nothing leaves the machine
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
]


def unavailable(reason: str):
    """Skip with ``reason`` (shown by ``pytest -rs``); fail instead under CI=true."""
    if IN_CI:
        pytest.fail(f"browser check could not run in CI: {reason}", pytrace=False)
    pytest.skip(reason)


def find_chromium() -> str | None:
    for candidate in (
        os.environ.get("CHROMIUM"),
        shutil.which("chromium"),
        "/usr/bin/chromium",
        shutil.which("chromium-browser"),
        shutil.which("google-chrome"),
    ):
        if candidate and Path(candidate).is_file():
            return candidate
    return None


def site_pages() -> list[str]:
    """Every HTML page of the book, as paths relative to SITE (POSIX)."""
    if not (SITE / "index.html").is_file():
        return []
    pages = []
    for path in sorted(SITE.rglob("*.html")):
        rel = path.relative_to(SITE)
        if rel.parts[0] not in ASSET_DIRS:
            pages.append(rel.as_posix())
    return pages


PAGES = site_pages()
CHAPTERS = [p for p in PAGES if p.startswith("notebooks/")]


class _Ids(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs):
        for key, value in attrs:
            if key in ("id", "name") and value:
                self.ids.add(value)


@functools.cache
def ids_of(path: Path) -> frozenset[str]:
    parser = _Ids()
    parser.feed(path.read_text(encoding="utf-8", errors="replace"))
    return frozenset(parser.ids)


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # keep pytest's output readable
        pass


class serve_directory:
    """Serve a directory over HTTP on 127.0.0.1 and an ephemeral port (context manager)."""

    def __init__(self, directory: Path):
        handler = functools.partial(_QuietHandler, directory=str(directory))
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def __enter__(self) -> str:
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        return self.url

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture(scope="module")
def server():
    if not PAGES:
        unavailable(f"no built site at {SITE} (run `make book` first, or set SITE_DIR)")
    with serve_directory(SITE) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    chromium = find_chromium()
    if chromium is None:
        unavailable(
            "Chromium not found (install it: `apt-get install -y chromium` on Debian/Ubuntu, "
            "or set CHROMIUM=/path/to/chromium); the site was NOT checked in a browser"
        )
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        unavailable("Python package playwright missing (run `make venv`); the site was NOT checked")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium, headless=True, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


# Run in the page after MathJax has finished: what the reader would see.
_INSPECT = r"""
async () => {
  if (window.MathJax && MathJax.startup && MathJax.startup.promise) {
    await MathJax.startup.promise;
  }
  await Promise.all(Array.from(document.images).map(img => img.complete ? null :
      new Promise(done => { img.addEventListener('load', done); img.addEventListener('error', done); })));
  const untypeset = Array.from(document.querySelectorAll('.math'))
      .filter(el => !el.querySelector('mjx-container'))
      .map(el => el.textContent.trim().slice(0, 80));
  const body = document.body.cloneNode(true);
  body.querySelectorAll('pre, code, script, style, textarea, mjx-container, .highlight')
      .forEach(el => el.remove());
  return {
    hasMath: document.querySelectorAll('.math, mjx-container').length > 0,
    mathjax: !!(window.MathJax && MathJax.version),
    untypeset: untypeset,
    text: body.textContent,
    images: Array.from(document.images).map(img => ({
        src: img.currentSrc || img.src, width: img.naturalWidth,
        alt: (img.getAttribute('alt') || '').trim()})),
    links: Array.from(document.querySelectorAll('a[href]')).map(a => a.href),
  };
}
"""
_RAW_TEX = [
    (re.compile(r"\\\(|\\\)"), r"raw \( ... \)"),
    (re.compile(r"\\\[|\\\]"), r"raw \[ ... \]"),
    (re.compile(r"\$\$"), "raw $$"),
    (re.compile(r"(?<![\w$])\$[^$\n]{0,200}?\\[A-Za-z]+[^$\n]{0,200}?\$"), r"raw $\cmd ...$"),
    (re.compile(r"\\begin\{"), r"raw \begin{...}"),
]


_REFRESH = re.compile(r"""<meta\s+http-equiv=["']refresh["']\s+content=["']\d+;\s*url=([^"']+)["']""", re.I)


def local_target(url: str, base: str, site: Path) -> tuple[Path, str] | None:
    """(file on disk, fragment) for a URL served by the local server, else None."""
    if not url.startswith(base + "/"):
        return None
    address, fragment = urldefrag(url)
    path = site / unquote(urlsplit(address).path).lstrip("/")
    if path.is_dir():
        path = path / "index.html"
    return path, fragment


def open_page(browser, base: str, page_rel: str, *, dark: bool = False):
    """Load one page in a fresh browser context.

    Returns (inspection dict, problems seen while loading, page, context); the
    caller closes the context.
    """
    context = browser.new_context(
        viewport={"width": 1280, "height": 900}, color_scheme="dark" if dark else "light"
    )
    problems: list[str] = []

    def route(r):
        if r.request.url.startswith(base + "/") or r.request.url.startswith("data:"):
            r.continue_()
        else:
            problems.append(f"request to the network (blocked): {r.request.url}")
            r.abort()

    context.route("**/*", route)
    page = context.new_page()
    page.on("pageerror", lambda exc: problems.append(f"JavaScript error: {exc}"))
    page.on(
        "console",
        lambda msg: problems.append(f"console {msg.type}: {msg.text}") if msg.type == "error" else None,
    )
    page.on(
        "response",
        lambda resp: problems.append(f"HTTP {resp.status} for {resp.url}") if resp.status >= 400 else None,
    )
    page.on(
        "requestfailed",
        lambda req: problems.append(f"request failed: {req.url}") if req.url.startswith(base) else None,
    )
    if dark:  # what the theme's light/dark switch stores
        page.add_init_script("localStorage.setItem('mode', 'dark'); localStorage.setItem('theme', 'dark');")
    page.goto(f"{base}/{page_rel}", wait_until="load")
    info = page.evaluate(_INSPECT)
    return info, problems, page, context


def check_page(browser, base: str, site: Path, page_rel: str, shot: Path | None = None) -> list[str]:
    """Everything wrong with one page of the site at ``site`` served at ``base``."""
    redirect = _REFRESH.search((site / page_rel).read_text(encoding="utf-8", errors="replace"))
    if redirect:  # e.g. index.html -> book/intro.html: the target must exist
        target = (site / page_rel).parent / unquote(urldefrag(redirect.group(1))[0])
        return [] if target.resolve().is_file() else [f"redirect to a missing page: {redirect.group(1)}"]
    info, problems, page, context = open_page(browser, base, page_rel)
    try:
        if shot is not None:
            page.screenshot(path=str(shot), full_page=True)
    finally:
        context.close()

    if info["hasMath"] and not info["mathjax"]:
        problems.append("the page has maths but MathJax did not load")
    for snippet in info["untypeset"]:
        problems.append(f"maths not typeset by MathJax: {snippet!r}")
    for pattern, what in _RAW_TEX:
        for match in pattern.finditer(info["text"]):
            start = max(0, match.start() - 40)
            problems.append(f"{what} in the rendered text: {info['text'][start : match.end() + 40]!r}")
            break
    for img in info["images"]:
        if img["width"] == 0:
            problems.append(f"broken image (naturalWidth 0): {img['src']}")
        if not img["alt"]:
            problems.append(f"image without alt text: {img['src']}")
    for url in sorted(set(info["links"])):
        target = local_target(url, base, site)
        if target is None:
            continue
        path, fragment = target
        if not path.is_file():
            problems.append(f"broken link: {url} (no file {path.relative_to(site)})")
        elif fragment and path.suffix == ".html" and unquote(fragment) not in ids_of(path):
            problems.append(f"broken anchor: {url} (no id {fragment!r} in {path.relative_to(site)})")
    return problems


def shot_name(page_rel: str, suffix: str = "") -> Path:
    SHOTS.mkdir(parents=True, exist_ok=True)
    return SHOTS / (page_rel.replace("/", "__").removesuffix(".html") + suffix + ".png")


@pytest.mark.parametrize("page_rel", PAGES or ["<no built site>"])
def test_page(browser, server, page_rel):
    problems = check_page(browser, server, SITE, page_rel, shot_name(page_rel))
    assert not problems, f"{page_rel}:\n  " + "\n  ".join(problems)


@pytest.mark.parametrize("page_rel", CHAPTERS or ["<no chapters>"])
def test_chapter_offers_executed_notebook(browser, server, page_rel):
    """Each chapter's download menu links to its executed .ipynb, with outputs."""
    info, problems, page, context = open_page(browser, server, page_rel)
    context.close()
    stem = Path(page_rel).with_suffix(".ipynb").as_posix()
    links = [u for u in info["links"] if u.endswith("/_sources/" + stem)]
    assert links, f"{page_rel}: no download link to _sources/{stem}"
    nb = json.loads((SITE / "_sources" / stem).read_text(encoding="utf-8"))
    outputs = [o for c in nb["cells"] if c["cell_type"] == "code" for o in c.get("outputs", [])]
    assert outputs, f"{stem}: the downloadable notebook has no outputs (not the executed one)"
    assert not [o for o in outputs if o.get("output_type") == "error"], f"{stem} holds an error output"


@pytest.mark.parametrize("page_rel", CHAPTERS or ["<no chapters>"])
def test_chapter_in_dark_mode(browser, server, page_rel):
    """The theme's dark mode: pages load cleanly and figures keep a white background."""
    info, problems, page, context = open_page(browser, server, page_rel, dark=True)
    try:
        mode = page.evaluate("document.documentElement.dataset.theme")
        page.screenshot(path=str(shot_name(page_rel, "-dark")), full_page=True)
    finally:
        context.close()
    assert mode == "dark", f"{page_rel}: the theme did not switch to dark mode ({mode!r})"
    assert not problems, f"{page_rel} (dark mode):\n  " + "\n  ".join(problems)


def test_figures_are_opaque():
    """Every figure PNG is opaque, so dark text never sits on the dark theme's background."""
    if not PAGES:
        unavailable(f"no built site at {SITE} (run `make book` first, or set SITE_DIR)")
    from PIL import Image

    pngs = sorted((SITE / "_images").glob("*.png"))
    transparent = []
    for png in pngs:
        with Image.open(png) as im:
            if im.mode in ("RGBA", "LA") or (im.mode == "P" and "transparency" in im.info):
                alpha = im.convert("RGBA").getchannel("A")
                if alpha.getextrema()[0] < 255:
                    transparent.append(png.name)
    assert not transparent, f"figures with transparent pixels: {transparent}"


# ---------------------------------------------------------------------------------------
# Budgets of issue 12 §4, measured in the browser on the laid-out page.
# ---------------------------------------------------------------------------------------

#: visible code-cell source, as a share of the visible text of the chapter
CODE_SHARE_MAX = 0.30
#: height of a chapter at 1280 px width, in CSS pixels
HEIGHT_MAX_PX = 15_000
#: the widths (CSS px) at which nothing may overflow: desktop and a phone (412 px)
WIDTHS = (1280, 412)
#: at or below this width a table or display equation may scroll inside its own box
NARROW_PX = 600

_MEASURE = r"""
async () => {
  if (window.MathJax && MathJax.startup && MathJax.startup.promise) {
    await MathJax.startup.promise;
  }
  await Promise.all(Array.from(document.images).map(img => img.complete ? null :
      new Promise(done => { img.addEventListener('load', done); img.addEventListener('error', done); })));
  if (document.fonts && document.fonts.ready) { await document.fonts.ready; }
  const article = document.querySelector('article.bd-article') || document.querySelector('main') || document.body;
  const squeeze = s => s.replace(/\s+/g, '');
  const line = s => (s.split('\n').map(t => t.trim()).find(t => t) || '').slice(0, 70);

  // --- shown: rendered, and not inside a closed <details> (its <summary> is shown) ---
  const memo = new Map();
  const shown = el => {
    if (memo.has(el)) return memo.get(el);
    let ok;
    const closed = el.closest('details:not([open])');
    if (closed && !el.closest('summary')) ok = false;
    else if (el.closest('script, style, noscript, template, .headerlink, .copybtn')) ok = false;
    else ok = el.checkVisibility ? el.checkVisibility({visibilityProperty: true})
                                 : el.getClientRects().length > 0;
    memo.set(el, ok);
    return ok;
  };
  let text = 0, code = 0;
  const walker = document.createTreeWalker(article, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const parent = node.parentElement;
    if (!parent || !shown(parent)) continue;
    const n = squeeze(node.data).length;
    if (!n) continue;
    text += n;
    if (parent.closest('.cell_input')) code += n;
  }
  const headings = Array.from(article.querySelectorAll('h1, h2, h3, h4'));
  const sectionOf = el => {
    let last = '';
    for (const h of headings) {
      if (h.compareDocumentPosition(el) & Node.DOCUMENT_POSITION_FOLLOWING) last = h.textContent.replace(/#$/, '').trim();
    }
    return last.slice(0, 60);
  };
  const cells = Array.from(article.querySelectorAll('.cell'));
  const codeCells = Array.from(article.querySelectorAll('.cell_input')).map(el => {
    const cell = el.closest('.cell');
    const source = (el.querySelector('pre') || el).textContent;
    return {cell: cell ? cells.indexOf(cell) + 1 : 0, chars: squeeze(source).length,
            lines: source.replace(/\n+$/, '').split('\n').length, visible: shown(el),
            first: line(source), section: sectionOf(el)};
  });

  // --- raw reprs: outputs and prose, without code sources, code literals and maths ---
  const outputs = Array.from(article.querySelectorAll('.cell_output .output')).map(el => ({
      kind: el.classList.contains('text_plain') ? 'text_plain' : el.classList.contains('stream') ? 'stream' : 'other',
      text: (el.querySelector('pre') || el).textContent.trim(), section: sectionOf(el)}));
  const clone = article.cloneNode(true);
  clone.querySelectorAll('.cell_input, script, style, mjx-container, .cell_output').forEach(el => el.remove());
  clone.querySelectorAll('pre, code, .highlight').forEach(el => el.remove());
  const prose = clone.textContent;

  // --- overflow: maths, tables, figures and code blocks ---
  const kinds = [
    ['display maths', 'mjx-container[display="true"], div.math'],
    ['table', 'table'],
    ['figure', 'img, figure, svg:not(mjx-container svg)'],
    ['code', 'pre, div.highlight'],
  ];
  const scrolls = el => ['auto', 'scroll'].includes(getComputedStyle(el).overflowX);
  const clips = el => getComputedStyle(el).overflowX !== 'visible';
  const vw = document.documentElement.clientWidth;
  const describe = el => {
    const tag = el.tagName.toLowerCase();
    const cls = (el.getAttribute('class') || '').split(/\s+/).filter(c => c).slice(0, 2).join('.');
    let what = (el.getAttribute('alt') || el.textContent || '').replace(/\s+/g, ' ').trim().slice(0, 60);
    if (tag === 'img') what = (el.getAttribute('alt') || el.getAttribute('src') || '').slice(0, 60);
    return `<${tag}${cls ? '.' + cls : ''}> in "${sectionOf(el)}": ${what}`;
  };
  const overflow = [];
  const seen = new Set();
  for (const [kind, selector] of kinds) {
    for (const el of article.querySelectorAll(selector)) {
      if (seen.has(el) || !shown(el)) continue;
      seen.add(el);
      const r = el.getBoundingClientRect();
      if (r.width === 0 && r.height === 0) continue;
      const wider = el.scrollWidth > el.clientWidth + 1 && el.clientWidth > 0;
      let where = null, own = false, by = null;
      if (wider) {  // its content is wider than its own box
        where = scrolls(el) ? 'scrolls' : clips(el) ? 'is clipped' : 'spills out of its box';
        own = true; by = el;
      } else {       // or the element sticks out of an ancestor that clips or scrolls it
        for (let a = el.parentElement; a && a !== document.documentElement; a = a.parentElement) {
          const ar = a.getBoundingClientRect();
          if ((r.right > ar.right + 1 || r.left < ar.left - 1) && clips(a)) {
            where = scrolls(a) ? 'scrolls' : 'is clipped';
            by = a;
            // the ancestor is the element's own box: a wrapper holding nothing else of this kind
            own = a.matches('.pst-scrollable-table-container, div.math, .table-wrapper')
                  && a.querySelectorAll(selector).length <= 2;
            break;
          }
        }
      }
      // out of the window: the element itself, or the ancestor box that scrolls or clips it
      const outer = by && by !== el ? by.getBoundingClientRect() : r;
      const past = outer.right > vw + 1 || outer.left < -1;
      if (!where && !past) continue;
      overflow.push({kind, where: where || 'past the window', own, past,
                     content: Math.round(Math.max(el.scrollWidth, r.width)),
                     box: Math.round(by ? by.clientWidth : vw), what: describe(el),
                     by: by ? describe(by).slice(0, 40) : null});
    }
  }
  return {
    width: vw, height: document.documentElement.scrollHeight,
    pageWidth: document.documentElement.scrollWidth,
    text, code, codeCells, outputs, prose, overflow,
  };
}
"""

#: numpy, matplotlib and other object reprs, anywhere in outputs or prose (glue)
_REPR_PATTERNS = [
    (re.compile(r"\bnp\.(?:float|int|uint|complex|bool|str)_?\d*\("), "numpy scalar repr"),
    (re.compile(r"(?<![\w.])(?:masked_)?array\(\s*\["), "numpy array repr"),
    (re.compile(r"<Figure size [^>]*>"), "matplotlib Figure repr"),
    (
        re.compile(r"<(?:Axes|AxesSubplot)[^>]*>|\[?<matplotlib\.[\w.]+ (?:at|object at) 0x[0-9a-f]+>"),
        "matplotlib object repr",
    ),
    (re.compile(r"<[\w.]+ object at 0x[0-9a-fA-F]+>"), "object repr with an address"),
    (re.compile(r"\b(?:Text|Line2D)\(\s*-?[\d.]+,\s*-?[\d.]+,\s*'"), "matplotlib artist repr"),
]
#: a whole text/plain output (the repr of a cell's last value) that is a bare Python value:
#: a dict, list, tuple or set literal, a quoted string, a number, True/False/None
_BARE_VALUE = re.compile(
    r"""^(?:[\[({].*[\])}]|'.*'|".*"|[-+]?(?:\d+\.?\d*|\.\d+)(?:e[-+]?\d+)?|True|False|None)$""", re.S | re.I
)


def measure(browser, base: str, page_rel: str, width: int) -> dict:
    """Lay a page out at ``width`` CSS px (a fresh context) and measure it (``_MEASURE``)."""
    context = browser.new_context(
        viewport={"width": width, "height": 900 if width > 600 else 915}, color_scheme="light"
    )
    try:
        page = context.new_page()
        page.goto(f"{base}/{page_rel}", wait_until="load")
        return page.evaluate(_MEASURE)
    finally:
        context.close()


def code_share_problems(m: dict) -> list[str]:
    """Visible code over visible text above ``CODE_SHARE_MAX``, with the biggest visible cells."""
    share = m["code"] / m["text"] if m["text"] else 0.0
    if share <= CODE_SHARE_MAX:
        return []
    big = sorted((c for c in m["codeCells"] if c["visible"]), key=lambda c: -c["chars"])[:5]
    cells = "; ".join(
        f'cell {c["cell"]} ({c["chars"]} chars, {c["lines"]} lines, in "{c["section"]}"): {c["first"]}'
        for c in big
    )
    return [
        f"visible code is {share:.0%} of the page's text (at most {CODE_SHARE_MAX:.0%}); "
        f"{m['code']} of {m['text']} characters; biggest visible cells: {cells}"
    ]


def height_problems(m: dict) -> list[str]:
    if m["height"] <= HEIGHT_MAX_PX:
        return []
    return [f"the page is {m['height']:,} px tall at {m['width']} px width (at most {HEIGHT_MAX_PX:,} px)"]


def repr_problems(m: dict) -> list[str]:
    """Raw Python/NumPy/Matplotlib reprs in outputs or in the prose (glued values)."""
    problems = []
    for out in m["outputs"]:
        where = f'output in "{out["section"]}"'
        if out["kind"] == "text_plain" and _BARE_VALUE.match(out["text"]):
            problems.append(f"raw repr (a bare Python value) in {where}: {out['text'][:100]!r}")
            continue
        for pattern, what in _REPR_PATTERNS:
            hit = pattern.search(out["text"])
            if hit:
                problems.append(
                    f"{what} in {where}: {out['text'][max(0, hit.start() - 20) : hit.end() + 40]!r}"
                )
                break
    for pattern, what in _REPR_PATTERNS:
        for hit in pattern.finditer(m["prose"]):
            problems.append(f"{what} in the prose: {m['prose'][max(0, hit.start() - 40) : hit.end() + 40]!r}")
    return problems


def overflow_problems(m: dict) -> list[str]:
    """Maths, tables, figures or code wider than their box (see the module docstring)."""
    narrow = m["width"] <= NARROW_PX
    problems = []
    for o in m["overflow"]:
        if (
            narrow
            and o["own"]
            and o["where"] == "scrolls"
            and not o["past"]
            and o["kind"] in ("table", "display maths")
        ):
            continue  # a wide table or equation scrolling inside its own box on a phone: accepted
        problems.append(
            f"{o['kind']} {o['where'] if not o['past'] else 'runs past the window'} "
            f"at {m['width']} px ({o['content']} px of content in a {o['box']} px box): {o['what']}"
        )
    if m["pageWidth"] > m["width"] + 1:
        problems.append(f"the page is {m['pageWidth']} px wide at {m['width']} px (horizontal scrolling)")
    return problems


def check_budgets(browser, base: str, page_rel: str, *, chapter: bool = True) -> list[str]:
    """Every budget of one page: code share and height (chapters), reprs, overflow at WIDTHS."""
    problems = []
    for width in WIDTHS:
        m = measure(browser, base, page_rel, width)
        if width == WIDTHS[0]:
            problems += repr_problems(m)
            if chapter:
                problems += code_share_problems(m) + height_problems(m)
        problems += overflow_problems(m)
    return problems


def is_redirect(page_rel: str) -> bool:
    """A page that only redirects (``index.html`` -> the landing page): nothing to measure."""
    return bool(_REFRESH.search((SITE / page_rel).read_text(encoding="utf-8", errors="replace")))


@pytest.fixture(scope="module")
def measured(browser, server):
    """``measured(page_rel, width)``: the page's measurements, each page laid out once per width."""
    return functools.cache(lambda page_rel, width: measure(browser, server, page_rel, width))


@pytest.mark.parametrize("page_rel", CHAPTERS or ["<no chapters>"])
def test_visible_code_share(measured, page_rel):
    problems = code_share_problems(measured(page_rel, 1280))
    assert not problems, f"{page_rel}: " + "\n  ".join(problems)


@pytest.mark.parametrize("page_rel", CHAPTERS or ["<no chapters>"])
def test_chapter_height(measured, page_rel):
    problems = height_problems(measured(page_rel, 1280))
    assert not problems, f"{page_rel}: " + "\n  ".join(problems)


@pytest.mark.parametrize("page_rel", PAGES or ["<no built site>"])
def test_no_raw_reprs(measured, page_rel):
    if is_redirect(page_rel):
        pytest.skip("a redirect page")
    problems = repr_problems(measured(page_rel, 1280))
    assert not problems, f"{page_rel}:\n  " + "\n  ".join(problems)


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("page_rel", PAGES or ["<no built site>"])
def test_no_horizontal_overflow(measured, page_rel, width):
    if is_redirect(page_rel):
        pytest.skip("a redirect page")
    problems = overflow_problems(measured(page_rel, width))
    assert not problems, f"{page_rel}:\n  " + "\n  ".join(problems)

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
    for candidate in (os.environ.get("CHROMIUM"), shutil.which("chromium"), "/usr/bin/chromium",
                      shutil.which("chromium-browser"), shutil.which("google-chrome")):
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
    context = browser.new_context(viewport={"width": 1280, "height": 900},
                                  color_scheme="dark" if dark else "light")
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
    page.on("console", lambda msg: problems.append(f"console {msg.type}: {msg.text}")
            if msg.type == "error" else None)
    page.on("response", lambda resp: problems.append(f"HTTP {resp.status} for {resp.url}")
            if resp.status >= 400 else None)
    page.on("requestfailed", lambda req: problems.append(f"request failed: {req.url}")
            if req.url.startswith(base) else None)
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
            problems.append(f"{what} in the rendered text: {info['text'][start:match.end() + 40]!r}")
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

"""The book's whole source and its package ``noising``, downloadable from the built site.

A reader of the site needs no repository to get the code behind it: every HTML build
(``make book``) writes into ``<html>/_downloads/``

``dropout-companion-source.tar.gz``
    the book's source, the files under version control (``git ls-files``) as they are
    in the work tree, below a folder ``dropout-companion/``, with ``SOURCE_COMMIT``
    naming the commit (``-dirty`` when tracked files had uncommitted changes).
    Unpacked, ``make book`` and ``make test`` work in it; built from such an unpacked
    tree (no ``.git``), the archive holds the tree minus build outputs and keeps its
    ``SOURCE_COMMIT``. Same files, same bytes: names sorted, owners and times fixed.
``noising-<version>-py3-none-any.whl``
    the helper package, built offline (``pip wheel --no-build-isolation --no-index``,
    with the setuptools of the lock) from the files of the archive.

The repository address, once there is one, is one setting: ``repository.url`` in
``_config.yml``. With an address the header also shows the repository button (the
extension turns it on); empty, nothing links to a repository and the build is
unaffected. ``make citation`` (``tools/repository_url.py``) copies it into
``CITATION.cff`` as ``repository-code``.

The download menu of every page (arrow icon) offers both, and the role
``{dist}`source``` / ``{dist}`wheel``` links to them from a page (in the PDF it names
the file). Run as a script (``python book/_ext/source_downloads.py DIR``) it writes both
into ``DIR``.
"""

from __future__ import annotations

import gzip
import io
import os
import posixpath
import shutil
import subprocess
import sys
import tarfile
import tempfile
import tomllib
from pathlib import Path

from docutils import nodes
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util import logging

LOGGER = logging.getLogger(__name__)

FOLDER = "_downloads"
TOP = "dropout-companion"
ARCHIVE = f"{TOP}-source.tar.gz"
COMMIT_FILE = "SOURCE_COMMIT"
#: never part of the source when there is no git to list it: environments, caches, builds
SKIP_DIRS = {
    ".git",
    ".venv",
    "venv",
    ".lockenv",
    "_build",
    ".pytest_cache",
    ".hypothesis",
    ".ruff_cache",
    "__pycache__",
    ".ipynb_checkpoints",
    "build",
    "dist",
}
SKIP_SUFFIXES = (".egg-info", ".pyc", ".ipynb")
#: what the wheel is built from
WHEEL_INPUTS = ("pyproject.toml", "README.md", "LICENSE", "src/")


def _git(root, *args) -> str | None:
    try:
        out = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, check=True)
    except (OSError, subprocess.CalledProcessError):
        return None
    return out.stdout


def _in_git(root) -> bool:
    # the root itself must be the top of a work tree (not a folder inside someone else's)
    top = _git(root, "rev-parse", "--show-toplevel")
    return top is not None and Path(top.strip()).resolve() == Path(root).resolve()


def source_files(root) -> list[str]:
    """Relative paths of the files of the source, sorted.

    In a git work tree: the tracked files that exist. Elsewhere (an unpacked archive):
    every file but environments, caches, build outputs and stray notebooks.
    """
    root = Path(root)
    if _in_git(root):
        listed = _git(root, "ls-files", "-z").split("\0")
        return sorted(p for p in listed if p and (root / p).is_file())
    files = []
    for folder, dirs, names in os.walk(root):
        dirs[:] = [d for d in dirs if d not in SKIP_DIRS and not d.endswith(SKIP_SUFFIXES)]
        for name in names:
            path = Path(folder, name)
            if not name.endswith(SKIP_SUFFIXES) and path.is_file() and not path.is_symlink():
                files.append(path.relative_to(root).as_posix())
    return sorted(files)


def source_commit(root) -> str:
    """The commit the source is at: git's HEAD (``-dirty`` if changed), else ``SOURCE_COMMIT``."""
    root = Path(root)
    if _in_git(root):
        commit = (_git(root, "rev-parse", "HEAD") or "").strip() or "unknown"
        changed = _git(root, "status", "--porcelain", "--untracked-files=no")
        return commit + ("-dirty" if changed else "")
    recorded = root / COMMIT_FILE
    return recorded.read_text(encoding="utf-8").strip() if recorded.is_file() else "unknown"


def _mtime(root) -> int:
    """A fixed time for every member: the commit's, or SOURCE_DATE_EPOCH, or 1980."""
    if "SOURCE_DATE_EPOCH" in os.environ:
        return int(os.environ["SOURCE_DATE_EPOCH"])
    stamp = _git(root, "log", "-1", "--format=%ct") if _in_git(root) else None
    return int(stamp) if stamp and stamp.strip() else 315532800


def write_archive(root, target, files=None, commit=None) -> Path:
    """Write the source archive ``target`` (a .tar.gz) of ``files`` of ``root``."""
    root, target = Path(root), Path(target)
    files = source_files(root) if files is None else files
    commit = source_commit(root) if commit is None else commit
    mtime = _mtime(root)

    def info(name, size, mode):
        member = tarfile.TarInfo(f"{TOP}/{name}")
        member.size, member.mode, member.mtime = size, mode, mtime
        member.uid = member.gid = 0
        member.uname = member.gname = ""
        return member

    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".part")
    with (
        open(partial, "wb") as raw,
        gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, filename="") as gz,
        tarfile.open(fileobj=gz, mode="w", format=tarfile.PAX_FORMAT) as tar,
    ):
        for name in files:
            if name == COMMIT_FILE:
                continue
            path = root / name
            data = path.read_bytes()
            mode = 0o755 if os.access(path, os.X_OK) else 0o644
            tar.addfile(info(name, len(data), mode), io.BytesIO(data))
        data = f"{commit}\n".encode()
        tar.addfile(info(COMMIT_FILE, len(data), 0o644), io.BytesIO(data))
    partial.replace(target)
    return target


def wheel_name(root) -> str:
    project = tomllib.loads((Path(root) / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return f"{project['name']}-{project['version']}-py3-none-any.whl"


def build_wheel(root, outdir, files=None) -> Path:
    """Build the package's wheel into ``outdir`` offline, from a copy of its files."""
    root, outdir = Path(root), Path(outdir)
    files = source_files(root) if files is None else files
    outdir.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "SOURCE_DATE_EPOCH": str(_mtime(root)), "PIP_NO_INPUT": "1"}
    with tempfile.TemporaryDirectory(prefix="noising-wheel-") as tmp:
        for name in files:
            if name.startswith(WHEEL_INPUTS) or name in WHEEL_INPUTS:
                (Path(tmp) / name).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(root / name, Path(tmp) / name)
        with tempfile.TemporaryDirectory(prefix="noising-wheel-out-") as out:
            subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "pip",
                    "--disable-pip-version-check",
                    "wheel",
                    "-q",
                    "--no-deps",
                    "--no-build-isolation",
                    "--no-index",
                    "-w",
                    out,
                    tmp,
                ],
                check=True,
                env=env,
                capture_output=True,
                text=True,
            )
            (wheel,) = Path(out).glob("*.whl")
            target = outdir / wheel_name(root)
            shutil.move(wheel, target)
    return target


def write_downloads(root, outdir) -> tuple[Path, Path]:
    """Write the source archive and the wheel into ``outdir``."""
    files = source_files(root)
    return write_archive(root, Path(outdir) / ARCHIVE, files), build_wheel(root, outdir, files)


# --- Sphinx ---------------------------------------------------------------------------


def _names(app):
    return {"source": ARCHIVE, "wheel": wheel_name(app.srcdir)}


def repository_button(app, config):
    """Show the header's repository button exactly when ``repository.url`` is set."""
    options = dict(config.html_theme_options or {})
    if (options.get("repository_url") or "").strip():
        options["use_repository_button"] = True
        config.html_theme_options = options


def make_downloads(app):
    if app.builder.format != "html":
        return
    try:
        archive, wheel = write_downloads(app.srcdir, Path(app.outdir) / FOLDER)
    except subprocess.CalledProcessError as error:
        LOGGER.warning(f"[source_downloads] the wheel was not built: {error.stderr or error}")
        return
    LOGGER.info(f"[source_downloads] {archive.name} ({source_commit(app.srcdir)}), {wheel.name}")


def dist_role(name, rawtext, text, lineno, inliner, options=None, content=None):
    """``{dist}`source``` or ``{dist}`wheel```: a link to the download, relative to the page."""
    env = inliner.document.settings.env
    names = _names(env.app)
    if text not in names:
        message = inliner.reporter.error(f"{{dist}} takes one of {sorted(names)}, not {text!r}", line=lineno)
        return [inliner.problematic(rawtext, rawtext, message)], [message]
    target = f"{FOLDER}/{names[text]}"
    uri = posixpath.relpath(target, posixpath.dirname(env.docname) or ".")
    node = nodes.reference(
        rawtext, "", nodes.literal(names[text], names[text]), refuri=uri, classes=["dist-download"]
    )
    return [node], []


class DownloadLinksAsNames(SphinxPostTransform):
    """Outside the HTML (the PDF) a download link is the file's name, not a dead link."""

    default_priority = 400

    def run(self, **kwargs):
        if self.app.builder.format == "html":
            return
        for ref in list(self.document.findall(nodes.reference)):
            if "dist-download" in ref["classes"]:
                ref.replace_self(ref.children)


def add_download_buttons(app, pagename, templatename, context, doctree):
    """Add the source archive and the wheel to the page's download menu (sphinx-book-theme)."""
    pathto = context.get("pathto")
    for group in context.get("header_buttons") or []:
        if group.get("label") != "download-buttons":
            continue
        names = _names(app)
        group["buttons"] += [
            {
                "type": "link",
                "url": pathto(f"{FOLDER}/{names['source']}", 1),
                "text": "book source (.tar.gz)",
                "tooltip": "The whole source of the book: unpack, then make book / make test",
                "icon": "fas fa-file-archive",
                "label": "download-book-source-button",
            },
            {
                "type": "link",
                "url": pathto(f"{FOLDER}/{names['wheel']}", 1),
                "text": "noising (.whl)",
                "tooltip": "The book's helper package: pip install it",
                "icon": "fas fa-box",
                "label": "download-wheel-button",
            },
        ]


def setup(app):
    app.add_role("dist", dist_role)
    app.add_post_transform(DownloadLinksAsNames)
    app.connect("config-inited", repository_button)
    app.connect("builder-inited", make_downloads)
    # after sphinx-book-theme builds the menu (priority 501)
    app.connect("html-page-context", add_download_buttons, priority=510)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}


if __name__ == "__main__":
    for path in write_downloads(
        Path(__file__).resolve().parents[2], Path(sys.argv[1] if len(sys.argv) > 1 else ".")
    ):
        print(path)

"""Lint and format the chapters' code cells with ruff, through Jupytext.

The chapters are MyST Markdown notebooks (``notebooks/*.md``). Ruff reads Jupyter
notebooks natively and treats each code cell on its own (no blank-line rules across
cells, magics understood), so each chapter is written as an ``.ipynb`` in a temporary
folder with Jupytext, ruff runs on those, and ``--fix`` writes the formatted cells back
into the ``.md`` files with Jupytext (the Markdown, cell metadata and tags are kept).

    python tools/ruff_chapters.py            # check: lint and formatting, exit 1 on findings
    python tools/ruff_chapters.py --fix      # format the code cells and apply safe lint fixes

Chapter code is kept within 74 columns (it must fit the page of the PDF); the rules are
the project's (pyproject.toml) plus the two a notebook needs relaxed: an expression as
the last line of a cell is its output (B018), imports may follow code (E402), and a
short lambda may be named (E731).
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import jupytext

ROOT = Path(__file__).resolve().parents[1]
LINE_LENGTH = "74"
IGNORE = "E402,B018,E731"


def ruff():
    """The ruff executable of this environment."""
    here = Path(sys.executable).parent / "ruff"
    return str(here) if here.exists() else shutil.which("ruff") or "ruff"


def run(chapters, fix):
    """Lint (and with ``fix`` format) ``chapters``; return the number of failing steps."""
    failures = 0
    with tempfile.TemporaryDirectory() as tmp:
        copies = {}
        for md in chapters:
            ipynb = Path(tmp) / (md.stem + ".ipynb")
            jupytext.write(jupytext.read(md), ipynb)
            copies[md] = ipynb
        files = [str(p) for p in copies.values()]
        common = ["--config", str(ROOT / "pyproject.toml"), "--line-length", LINE_LENGTH]
        lint = [ruff(), "check", *common, "--extend-ignore", IGNORE, *files]
        fmt = [ruff(), "format", *common, *files]
        if fix:
            subprocess.run([*lint, "--fix", "--exit-zero"], check=True)
            subprocess.run(fmt, check=True)
            for md, ipynb in copies.items():
                formatted = jupytext.read(ipynb)
                original = jupytext.read(md)
                for cell, new in zip(original.cells, formatted.cells, strict=True):
                    if cell.cell_type == "code":
                        cell.source = new.source
                jupytext.write(original, md, fmt="md:myst")
        failures += subprocess.run(lint).returncode != 0
        failures += subprocess.run([*fmt, "--check"]).returncode != 0
    return failures


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--fix", action="store_true", help="format the code cells and apply safe lint fixes")
    parser.add_argument("chapters", nargs="*", type=Path, help="default: notebooks/*.md")
    args = parser.parse_args(argv)
    chapters = args.chapters or sorted((ROOT / "notebooks").glob("*.md"))
    return 1 if run(chapters, args.fix) else 0


if __name__ == "__main__":
    sys.exit(main())

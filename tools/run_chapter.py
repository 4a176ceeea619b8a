"""Execute one chapter and keep what it shows: ``make chapter NB=01_noising_regularizer``.

The chapter (``notebooks/<NB>.md``, a Jupytext notebook) runs top to bottom in a fresh
kernel of this environment, in ``notebooks/`` as the book build runs it, and is written
with its outputs to ``_build/chapters/<NB>.ipynb``, which any Jupyter (JupyterLab,
Notebook, VS Code, ...) opens with its figures and tables. Each figure is also written
as a PNG file to ``_build/chapters/<NB>_files/``, to look at without Jupyter.

Nothing is written beside the source: an ``.ipynb`` in ``notebooks/`` would be a second
copy of the chapter that nobody edits. A failing cell stops the run with its traceback;
the notebook is still written, up to the failure.
"""

from __future__ import annotations

import argparse
import base64
import sys
from pathlib import Path

import jupytext
import nbformat
from jupyter_client.manager import KernelManager
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "book" / "_ext"))
from ipc_kernels import ipc_manager  # noqa: E402  (kernels on Unix sockets, as in the build)


def chapter_path(name: str) -> Path:
    """``notebooks/<name>.md`` for ``name`` given with or without folder and suffix (or a .md path)."""
    if name.endswith(".md") and Path(name).is_file():
        return Path(name).resolve()
    path = ROOT / "notebooks" / f"{Path(name).stem}.md"
    if not path.is_file():
        known = " ".join(p.stem for p in sorted((ROOT / "notebooks").glob("*.md")))
        raise SystemExit(f"no chapter {name!r}: one of {known}")
    return path


def write_figures(nb, folder: Path) -> list[Path]:
    """Write each PNG output of ``nb`` to ``folder`` (cell number and output number in the name)."""
    written = []
    for index, cell in enumerate(nb.cells):
        for n, output in enumerate(cell.get("outputs", [])):
            png = output.get("data", {}).get("image/png")
            if png:
                folder.mkdir(parents=True, exist_ok=True)
                path = folder / f"cell{index:03d}-{n}.png"
                path.write_bytes(base64.b64decode(png))
                written.append(path)
    return written


def run(name: str, outdir: Path, timeout: int = 600) -> Path:
    source = chapter_path(name)
    nb = jupytext.read(source)
    outdir.mkdir(parents=True, exist_ok=True)
    target = outdir / f"{source.stem}.ipynb"
    client = NotebookClient(
        nb,
        timeout=timeout,
        kernel_manager_class=ipc_manager(KernelManager),
        resources={"metadata": {"path": str(source.parent)}},
    )
    try:
        client.execute()
    finally:
        nbformat.write(nb, target)
        figures = write_figures(nb, outdir / f"{source.stem}_files")
        print(
            f"{target.relative_to(ROOT) if target.is_relative_to(ROOT) else target}"
            f" ({len(figures)} figures also as PNG in {target.stem}_files/)"
        )
    return target


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("chapter", help="e.g. 01_noising_regularizer")
    parser.add_argument("--outdir", type=Path, default=ROOT / "_build" / "chapters")
    args = parser.parse_args(argv)
    try:
        run(args.chapter, args.outdir)
    except CellExecutionError as error:
        print(error, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

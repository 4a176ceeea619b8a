"""What Sphinx takes as the book's sources: the .md chapters, whatever else lies beside them."""

from __future__ import annotations

import shutil
import sys
import tarfile
from pathlib import Path

import nbformat
from jupyter_book.config import get_final_config
from sphinx.project import Project

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "book" / "_ext"))


def _exclude_patterns(srcdir: Path) -> list[str]:
    config, _ = get_final_config(
        user_yaml=ROOT / "_config.yml", sourcedir=srcdir, cli_config={"latex_individualpages": False}
    )
    return config["exclude_patterns"]


def test_a_stray_ipynb_beside_a_chapter_is_not_a_second_source(tmp_path, caplog):
    # what `jupytext --to ipynb notebooks/01_noising_regularizer.md` leaves behind
    (tmp_path / "notebooks").mkdir()
    chapter = "notebooks/01_noising_regularizer"
    shutil.copy(ROOT / f"{chapter}.md", tmp_path / f"{chapter}.md")
    nbformat.write(nbformat.v4.new_notebook(), tmp_path / f"{chapter}.ipynb")
    project = Project(str(tmp_path), {".md": "myst-nb", ".ipynb": "myst-nb"})
    with caplog.at_level("WARNING"):
        docnames = project.discover(exclude_paths=_exclude_patterns(tmp_path))
    assert docnames == {chapter}
    assert project.doc2path(chapter, absolute=False).endswith(".md")
    assert "multiple files" not in caplog.text


# --- make chapter: one chapter executed into _build/chapters, figures included -------------

_PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
_TINY_CHAPTER = f"""---
jupytext:
  text_representation:
    extension: .md
    format_name: myst
kernelspec:
  display_name: Python 3
  language: python
  name: python3
---

# A tiny chapter

```{{code-cell}} ipython3
import base64
from IPython.display import Image, display
display(Image(data=base64.b64decode("{_PNG}")))
print(6 * 7)
```
"""


def test_make_chapter_writes_the_executed_notebook_and_its_figures(tmp_path):
    sys.path.insert(0, str(ROOT / "tools"))
    import run_chapter

    source = tmp_path / "tiny.md"
    source.write_text(_TINY_CHAPTER, encoding="utf-8")
    target = run_chapter.run(str(source), tmp_path / "out", timeout=120)
    nb = nbformat.read(target, as_version=4)
    outputs = nb.cells[-1].outputs
    assert any("image/png" in o.get("data", {}) for o in outputs)
    assert any(o.get("text", "").strip() == "42" for o in outputs)
    assert (tmp_path / "out" / "tiny_files" / f"cell{len(nb.cells) - 1:03d}-0.png").is_file()
    assert not (tmp_path / "tiny.ipynb").exists()  # nothing beside the source


# --- the source archive and the wheel the site offers --------------------------------------


def test_source_archive_holds_the_tracked_files_and_the_commit(tmp_path):
    import source_downloads as sd

    files = sd.source_files(ROOT)
    assert {"Makefile", "README.md", "pyproject.toml", "requirements.txt", "src/noising/__init__.py"} <= set(
        files
    )
    assert not any(f.startswith(("_build/", ".venv/")) or f.endswith(".pyc") for f in files)
    archive = sd.write_archive(ROOT, tmp_path / sd.ARCHIVE, files, commit="abc123")
    again = sd.write_archive(ROOT, tmp_path / "again.tar.gz", files, commit="abc123")
    assert archive.read_bytes() == again.read_bytes()  # same files, same bytes
    with tarfile.open(archive) as tar:
        names = tar.getnames()
        assert tar.extractfile(f"{sd.TOP}/{sd.COMMIT_FILE}").read() == b"abc123\n"
    assert f"{sd.TOP}/Makefile" in names and all(n.startswith(f"{sd.TOP}/") for n in names)


def test_without_git_the_archive_is_the_tree_minus_build_outputs(tmp_path):
    import source_downloads as sd

    tree = tmp_path / "unpacked"
    for name in [
        "Makefile",
        "src/noising/__init__.py",
        "SOURCE_COMMIT",
        ".ci/run",
        "_build/html/index.html",
        ".venv/bin/python",
        "src/noising/__pycache__/x.pyc",
        "src/noising.egg-info/PKG-INFO",
        "notebooks/01.md",
        "notebooks/01.ipynb",
    ]:
        (tree / name).parent.mkdir(parents=True, exist_ok=True)
        (tree / name).write_text("abc123\n" if name == "SOURCE_COMMIT" else "x\n")
    assert sd.source_files(tree) == [
        ".ci/run",
        "Makefile",
        "SOURCE_COMMIT",
        "notebooks/01.md",
        "src/noising/__init__.py",
    ]
    assert sd.source_commit(tree) == "abc123"

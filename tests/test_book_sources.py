"""What Sphinx takes as the book's sources: the .md chapters, whatever else lies beside them."""
from __future__ import annotations

import shutil
from pathlib import Path

import nbformat
from jupyter_book.config import get_final_config
from sphinx.project import Project

ROOT = Path(__file__).resolve().parents[1]


def _exclude_patterns(srcdir: Path) -> list[str]:
    config, _ = get_final_config(user_yaml=ROOT / "_config.yml", sourcedir=srcdir,
                                 cli_config={"latex_individualpages": False})
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

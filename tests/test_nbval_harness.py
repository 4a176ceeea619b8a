"""The nbval harness really executes the Jupytext notebooks.

nbval on its own collects nothing from ``.md`` notebooks; the root
``conftest.py`` fixes that by patching two names inside nbval (its ``nbformat``
and its ``KernelManager``). These tests run pytest on a throw-away notebook and
check that its cells are collected, that a failing ``assert`` fails the run, and
that its kernel talks over Unix sockets: if an nbval upgrade stops using either
patched name, one of them fails.
"""

from __future__ import annotations

import shutil
from pathlib import Path

pytest_plugins = ["pytester"]

ROOT = Path(__file__).resolve().parents[1]
HEADER = """---
jupytext:
  text_representation:
    extension: .md
    format_name: myst
kernelspec:
  display_name: Python 3
  language: python
  name: python3
---

# A throw-away chapter

```{code-cell} ipython3
x = 2 + 2
```

```{code-cell} ipython3
"""


def _run(pytester, last_cell):
    shutil.copy(ROOT / "conftest.py", pytester.path / "conftest.py")
    (pytester.path / "book" / "_ext").mkdir(parents=True)
    shutil.copy(ROOT / "book" / "_ext" / "ipc_kernels.py", pytester.path / "book" / "_ext")
    (pytester.path / "chapter.md").write_text(HEADER + last_cell + "\n```\n", encoding="utf-8")
    (pytester.path / "plain.md").write_text("# not a notebook\n", encoding="utf-8")
    return pytester.runpytest_subprocess("--nbval-lax", "--nbval-current-env", "-p", "no:cacheprovider")


def test_passing_notebook_cells_are_collected_and_pass(pytester):
    result = _run(pytester, "assert x == 4")
    result.assert_outcomes(passed=2)


def test_failing_assert_in_a_notebook_fails_the_suite(pytester):
    result = _run(pytester, "assert x == 5, 'arithmetic changed'")
    result.assert_outcomes(passed=1, failed=1)
    assert result.ret != 0


def test_notebook_kernels_run_over_unix_sockets(pytester):
    """nbval starts its kernels through the patched nbval.kernel.KernelManager (IPC, not TCP)."""
    result = _run(
        pytester,
        "from ipykernel.kernelapp import IPKernelApp\nassert IPKernelApp.instance().transport == 'ipc'",
    )
    result.assert_outcomes(passed=2)


def test_conftest_fails_loudly_when_nbval_moves_a_patched_name(pytester):
    shutil.copy(ROOT / "conftest.py", pytester.path / "conftest.py")
    (pytester.path / "book" / "_ext").mkdir(parents=True)
    shutil.copy(ROOT / "book" / "_ext" / "ipc_kernels.py", pytester.path / "book" / "_ext")
    # an nbval whose plugin module no longer reads notebooks through a module-level nbformat
    (pytester.path / "sitecustomize.py").write_text(
        "import nbval.plugin\ndel nbval.plugin.nbformat\n", encoding="utf-8"
    )
    pytester.syspathinsert()
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    assert result.ret != 0
    result.stderr.fnmatch_lines(["*conftest.py patches nbval.plugin.nbformat*"])

"""Collect the Jupytext (MyST Markdown) notebooks with nbval.

nbval 0.11 collects only ``*.ipynb`` files, and the book keeps its chapters as
``.md`` Jupytext notebooks only. This hook hands every ``.md`` file whose front
matter declares ``jupytext:`` to nbval's own collector, and teaches nbval to
read such a file with ``jupytext.read``. Every code cell then becomes a pytest
item: a failing ``assert`` in a chapter fails the test suite.

nbval's kernels talk to pytest over Unix sockets instead of localhost TCP
(``book/_ext/ipc_kernels.py`` says why): with TCP, two test workers starting
kernels at the same moment could kill one of them at random.
"""

from __future__ import annotations

import importlib.metadata
import sys
from pathlib import Path

import jupytext
import nbformat
import nbval.kernel
import nbval.plugin
from hypothesis import HealthCheck, settings
from jupyter_client.manager import KernelManager

sys.path.insert(0, str(Path(__file__).resolve().parent / "book" / "_ext"))
from ipc_kernels import ipc_manager  # noqa: E402

# The two names patched below are nbval internals (no nbval option reads Jupytext files or
# picks the kernel transport). Setting a name nbval no longer uses would silently do nothing.
for _module, _name in ((nbval.plugin, "nbformat"), (nbval.kernel, "KernelManager")):
    if not hasattr(_module, _name):
        raise ImportError(
            f"conftest.py patches {_module.__name__}.{_name}, which this nbval "
            f"({importlib.metadata.version('nbval')}) no longer has: update conftest.py"
        )

nbval.kernel.KernelManager = ipc_manager(KernelManager)

# No test asserts on wall-clock time (timings belong to `make bench`). Hypothesis does by
# default: an example slower than 200 ms fails (deadline), and so does slow data generation
# (HealthCheck.too_slow), which on a loaded machine fails at random.
settings.register_profile("no-clock", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("no-clock")


class _JupytextAwareNbformat:
    """Stand-in for the ``nbformat`` module inside nbval that also reads ``.md`` notebooks."""

    def __getattr__(self, name):
        return getattr(nbformat, name)

    @staticmethod
    def read(path, as_version=4, **kwargs):
        if str(path).endswith(".md"):
            return jupytext.read(path, as_version=as_version)
        return nbformat.read(path, as_version=as_version, **kwargs)


nbval.plugin.nbformat = _JupytextAwareNbformat()


def _is_jupytext_notebook(path) -> bool:
    with open(path, encoding="utf-8") as fh:
        head = fh.read(2000)
    return head.startswith("---") and "\njupytext:" in head


def pytest_collect_file(file_path, parent):
    opt = parent.config.option
    if (opt.nbval or opt.nbval_lax) and file_path.suffix == ".md" and _is_jupytext_notebook(file_path):
        return nbval.plugin.IPyNbFile.from_parent(parent, path=file_path)
    return None

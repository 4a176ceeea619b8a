"""Collect the Jupytext (MyST Markdown) notebooks with nbval.

nbval 0.11 collects only ``*.ipynb`` files, and the book keeps its chapters as
``.md`` Jupytext notebooks only. This hook hands every ``.md`` file whose front
matter declares ``jupytext:`` to nbval's own collector, and teaches nbval to
read such a file with ``jupytext.read``. Every code cell then becomes a pytest
item: a failing ``assert`` in a chapter fails the test suite.

nbval's kernels talk to pytest over Unix sockets (IPC) instead of localhost TCP.
With TCP, jupyter_client picks five free ports and closes them before the kernel
binds them; two test workers starting kernels at the same moment can pick the
same port, and the loser's kernel dies ("Kernel died before replying to
kernel_info"), failing a whole chapter at random. Socket files in a private
directory cannot collide.
"""
from __future__ import annotations

import atexit
import os
import shutil
import tempfile
import uuid

import jupytext
import nbformat
import nbval.kernel
import nbval.plugin
from jupyter_client.manager import KernelManager

_IPC_DIR = tempfile.mkdtemp(prefix="nbval-ipc-")
atexit.register(shutil.rmtree, _IPC_DIR, ignore_errors=True)


class _IPCKernelManager(KernelManager):
    """A KernelManager whose kernels listen on Unix sockets in a private directory."""

    def __init__(self, **kwargs):
        kwargs.setdefault("transport", "ipc")
        kwargs.setdefault("ip", os.path.join(_IPC_DIR, f"kernel-{uuid.uuid4().hex[:12]}"))
        super().__init__(**kwargs)


nbval.kernel.KernelManager = _IPCKernelManager


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

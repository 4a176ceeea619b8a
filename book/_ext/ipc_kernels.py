"""Notebook kernels over Unix sockets (IPC) instead of localhost TCP.

A Jupyter kernel started over TCP listens on five localhost ports that
jupyter_client picked as free and closed again just before the kernel binds
them. Two kernels started at the same moment (two test workers) can pick the
same port, and the loser dies ("Kernel died before replying to kernel_info").
ipykernel 7 also logs, for every TCP kernel, ``WARNING | Kernel is running over
TCP without encryption``. Kernels whose sockets are files in a private
directory avoid both.

Used twice: ``conftest.py`` gives nbval (the test suite) such kernels, and, as
a Sphinx extension, this module gives them to the notebooks myst-nb executes
through jupyter-cache while the book builds.
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
import uuid

_DIR = None


def _ipc_dir():
    """A private directory for the socket files, removed when the process exits."""
    global _DIR
    if _DIR is None:
        _DIR = tempfile.mkdtemp(prefix="kernels-ipc-")
        atexit.register(shutil.rmtree, _DIR, ignore_errors=True)
    return _DIR


def ipc_manager(base):
    """Return a subclass of the kernel-manager class ``base`` whose kernels use IPC.

    Each kernel gets its own socket prefix in :func:`_ipc_dir`; a ``transport`` or
    ``ip`` passed explicitly still wins.
    """

    class IPCKernelManager(base):
        def __init__(self, **kwargs):
            kwargs.setdefault("transport", "ipc")
            kwargs.setdefault("ip", os.path.join(_ipc_dir(), f"kernel-{uuid.uuid4().hex[:12]}"))
            super().__init__(**kwargs)

    IPCKernelManager.__name__ = IPCKernelManager.__qualname__ = f"IPC{base.__name__}"
    return IPCKernelManager


def _patch_jupyter_cache():
    """Make jupyter-cache (which myst-nb uses to execute notebooks) start IPC kernels."""
    import jupyter_cache.executors.utils as utils
    from jupyter_client import AsyncKernelManager

    original = utils.executenb
    if getattr(original, "_ipc_kernels", False):
        return
    manager = ipc_manager(AsyncKernelManager)

    def executenb(nb, *args, **kwargs):
        kwargs.setdefault("kernel_manager_class", manager)
        return original(nb, *args, **kwargs)

    executenb._ipc_kernels = True
    utils.executenb = executenb


def setup(app):
    _patch_jupyter_cache()
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}

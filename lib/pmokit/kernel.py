"""A kernel manager for parallel batch runs: IPC transport and a per-run deadline.

Parallel kernels on TCP race for free ports ("Address already in use"); Unix-socket IPC with a unique
connection file per kernel has nothing to race for. papermill passes ``kernel_manager_class`` through
to nbclient, which instantiates this class in the worker thread that runs the notebook.
"""

from __future__ import annotations

import os
import signal
import tempfile
import threading
import uuid

from jupyter_client import AsyncKernelManager

_RUNTIME_DIR = tempfile.mkdtemp(prefix="pmokit-kernels-")
_by_thread: dict[int, "IPCKernelManager"] = {}
_lock = threading.Lock()


class IPCKernelManager(AsyncKernelManager):
    """AsyncKernelManager on IPC sockets in a private temporary folder."""

    def __init__(self, **kwargs):
        kwargs.setdefault("transport", "ipc")
        super().__init__(**kwargs)
        stem = os.path.join(_RUNTIME_DIR, f"kernel-{uuid.uuid4().hex}")
        self.connection_file = stem + ".json"
        self.ip = stem + "-ipc"
        with _lock:
            _by_thread[threading.get_ident()] = self


def kill_kernel_of(thread_id: int) -> bool:
    """Kill the kernel process started by the given worker thread (the per-run deadline).

    Killing the process makes nbclient raise ``DeadKernelError`` in that thread, which the runner
    reports as a timeout. Returns whether a live kernel was found.
    """
    with _lock:
        manager = _by_thread.get(thread_id)
    provisioner = getattr(manager, "provisioner", None)
    pid = getattr(provisioner, "pid", None) or getattr(getattr(provisioner, "process", None), "pid", None)
    if not pid:
        return False
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        return False
    return True


def forget_thread(thread_id: int) -> None:
    """Drop the registry entry of a finished run."""
    with _lock:
        _by_thread.pop(thread_id, None)

"""A kernel manager for parallel batch runs: IPC transport, a per-run deadline, and kernels that die
with their runner.

Parallel kernels on TCP race for free ports ("Address already in use"); Unix-socket IPC with a unique
connection file per kernel has nothing to race for. papermill passes ``kernel_manager_class`` through
to nbclient, which instantiates this class in the worker thread that runs the notebook.

Each kernel is the leader of its own process group (jupyter_client starts it in a new session), so
killing the group also ends whatever the notebook started. The connection files live in one private
folder, made on the first kernel and removed when no kernel is left (and at exit).
"""

from __future__ import annotations

import atexit
import os
import shutil
import signal
import subprocess
import tempfile
import threading
import time
import uuid

from jupyter_client import AsyncKernelManager

_runtime_dir: str | None = None
_by_thread: dict[int, "IPCKernelManager"] = {}
_lock = threading.Lock()


def runtime_dir() -> str:
    """The private folder of connection files and sockets, made on first use."""
    with _lock:
        return _runtime_dir_locked()


def _runtime_dir_locked() -> str:
    global _runtime_dir
    if _runtime_dir is None or not os.path.isdir(_runtime_dir):
        _runtime_dir = tempfile.mkdtemp(prefix="pmokit-kernels-")
    return _runtime_dir


class IPCKernelManager(AsyncKernelManager):
    """AsyncKernelManager on IPC sockets in a private temporary folder."""

    def __init__(self, **kwargs):
        kwargs.setdefault("transport", "ipc")
        super().__init__(**kwargs)
        with _lock:  # registered in the same step: the folder is not removed while a kernel needs it
            stem = os.path.join(_runtime_dir_locked(), f"kernel-{uuid.uuid4().hex}")
            _by_thread[threading.get_ident()] = self
        self.connection_file = stem + ".json"
        self.ip = stem + "-ipc"


def _process(manager: IPCKernelManager | None) -> subprocess.Popen | None:
    return getattr(getattr(manager, "provisioner", None), "process", None)


def _kill_group(process: subprocess.Popen) -> bool:
    """SIGKILL the kernel's process group (the kernel leads it); False when it had already gone."""
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        return False
    except PermissionError:  # not a group leader after all: kill the kernel alone
        os.kill(process.pid, signal.SIGKILL)
    return True


def kill_kernel_of(thread_id: int) -> bool:
    """Kill the kernel process started by the given worker thread (the per-run deadline).

    Killing the process makes nbclient raise ``DeadKernelError`` in that thread, which the runner
    reports as a timeout. Returns whether a live kernel was found.
    """
    with _lock:
        manager = _by_thread.get(thread_id)
    process = _process(manager)
    return process is not None and process.poll() is None and _kill_group(process)


def kill_all(wait_s: float = 3.0) -> list[int]:
    """Kill every kernel this process started and wait (up to ``wait_s``) until each has exited.

    Returns the process ids killed. Used when the runner itself is stopped: a kernel busy in C code
    holds its GIL and never sees that its parent has gone.
    """
    with _lock:
        processes = [p for p in map(_process, _by_thread.values()) if p is not None and p.poll() is None]
    killed = [p for p in processes if _kill_group(p)]
    deadline = time.monotonic() + wait_s
    for process in killed:
        try:
            process.wait(timeout=max(0.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            pass
    return [p.pid for p in killed]


def forget_thread(thread_id: int) -> None:
    """Drop the registry entry of a finished run."""
    with _lock:
        _by_thread.pop(thread_id, None)


def remove_runtime_dir() -> None:
    """Remove the connection-file folder once no kernel of this process is left."""
    global _runtime_dir
    with _lock:
        if _by_thread or _runtime_dir is None:
            return
        shutil.rmtree(_runtime_dir, ignore_errors=True)
        _runtime_dir = None


atexit.register(remove_runtime_dir)

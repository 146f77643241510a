"""Per-key build locks (``flock``) that say who a waiting process waits for.

A lock dies with its process, so a crashed build never blocks anyone; but a *stopped* process
(Ctrl-Z, SIGSTOP, a debugger) or a hung compiler holds it for as long as it lives. A process
that waits therefore keeps waiting (a big build can legitimately take minutes), but after a
few seconds it logs a warning naming the lock file and the holder's pid (written into the lock
file by whoever holds it), and whether that process is stopped, so the user knows what to do.
Ctrl-C ends the wait.
"""
from __future__ import annotations

import logging
import os
import stat
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from . import cache_trust
from ..errors import MisplacedCacheItemError, UntrustedCacheError

try:
    import fcntl
except ImportError:  # Windows: no flock; builds may then race, which is still safe.
    fcntl = None  # type: ignore[assignment]

log = logging.getLogger("neurogen.compiled.cache")

NOTICE_AFTER_SECONDS = 5.0
"""First warning after this long a wait; then one every ``REPEAT_NOTICE_SECONDS``."""
REPEAT_NOTICE_SECONDS = 60.0
_POLL_SECONDS = (0.01, 0.25)  # first and longest pause between attempts


def open_lock(path: Path) -> int:
    """The lock file ``path`` opened (created if missing), or -1 where there is no ``flock``.

    Only a regular file is a lock file: a folder, FIFO or device there (``flock`` would fail
    or block on it, ``ftruncate`` too) is ``MisplacedCacheItemError``; a symbolic link there
    ``UntrustedCacheError``; ``PermissionError`` and other ``OSError``s pass to the caller.
    """
    if fcntl is None:
        return -1
    flags = (os.O_RDWR | os.O_CREAT | os.O_NONBLOCK | getattr(os, "O_NOFOLLOW", 0)
             | getattr(os, "O_CLOEXEC", 0))
    try:
        fd = os.open(path, flags, 0o600)
    except OSError as error:
        if isinstance(error, PermissionError) or not os.path.lexists(path):
            raise
        info = os.lstat(path)
        if stat.S_ISLNK(info.st_mode):
            raise UntrustedCacheError(f"the build lock {path} is a symbolic link (neurogen never makes one in "
                                      "its cache); remove it, or set NEUROGEN_CACHE_DIR to another folder") from None
        if stat.S_ISREG(info.st_mode):
            raise
        fd = -1
    info = os.fstat(fd) if fd >= 0 else os.lstat(path)
    if not stat.S_ISREG(info.st_mode):
        if fd >= 0:
            os.close(fd)
        raise MisplacedCacheItemError(
            f"the build lock {path} is {cache_trust.kind_of(info)}, not a file; neurogen keeps its build locks "
            "there as plain files and does not delete what it did not make: remove it (it holds nothing), or "
            "set NEUROGEN_CACHE_DIR to another folder")
    return fd


@contextmanager
def held(fd: int, path: Path) -> Iterator[None]:
    """Hold the exclusive lock on ``fd`` (from ``open_lock(path)``) for the block; closes it."""
    if fd < 0:
        yield
        return
    try:
        _acquire(fd, path)
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()} {_host()}\n".encode(), 0)
        yield
    finally:
        os.close(fd)  # closing releases the flock


def _acquire(fd: int, path: Path) -> None:
    if _try_lock(fd):
        return
    start = time.monotonic()
    notice = start + NOTICE_AFTER_SECONDS
    pause = _POLL_SECONDS[0]
    warned = False
    while not _try_lock(fd):
        time.sleep(pause)
        pause = min(2 * pause, _POLL_SECONDS[1])
        now = time.monotonic()
        if now >= notice:
            log.warning("%s", waiting_message(path, now - start))
            warned = True
            notice = now + REPEAT_NOTICE_SECONDS
    if warned:
        log.warning("got the build lock %s after %.0f s; continuing", path, time.monotonic() - start)


def _try_lock(fd: int) -> bool:
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def waiting_message(path: Path, seconds: float) -> str:
    return (f"waiting {seconds:.0f} s so far for another neurogen process building the same cache entry: "
            f"the lock {path} is held by {_holder(path)}. neurogen keeps waiting; press Ctrl-C to give up.")


def _holder(path: Path) -> str:
    """The holder as its lock file names it: pid, host, and whether it is stopped."""
    try:
        pid_text, host = path.read_text().split()
        pid = int(pid_text)
    except (OSError, ValueError):
        return "a process that has not written its pid yet"
    if host != _host():
        return f"pid {pid} on host {host}"
    state = _process_state(pid)
    if state in ("T", "t"):
        return (f"pid {pid}, which is stopped (Ctrl-Z or SIGSTOP): resume it (kill -CONT {pid}, or "
                f"'fg' in its shell) or end it (kill {pid})")
    if state is None:
        return f"pid {pid}"
    return f"pid {pid} (still running; if it hangs, end it with kill {pid})"


def _host() -> str:
    """This machine's name (a lock folder may be shared over the network)."""
    return os.uname().nodename if hasattr(os, "uname") else "-"


def _process_state(pid: int) -> str | None:
    """One-letter state from /proc (Linux), e.g. 'R', 'S', 'T' for stopped; None if unknown."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = text[text.rfind(")") + 2:].split()
    return fields[0] if fields else None

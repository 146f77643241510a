"""May neurogen load code from a cache folder? Ownership and mode bits, checked before each load.

A shared library runs code the moment it is loaded (its constructors), so no check of its
contents after loading can help, and a cache folder that someone else can write is code
execution. Before anything in the cache is loaded, every folder from the cache root down to
the file, and the file itself, must therefore

- belong to the current user (or root, who could change anything anyway),
- not be writable by its group or by others, and
- be a real folder or regular file (neurogen never makes symbolic links in its cache).

Root can read and write anything, so these checks look at owners and mode bits, never at
``os.access``. The content is then compared with the sha256 neurogen recorded when it installed
the entry (``cache.verified_file``), which also catches truncated or damaged files.
"""
from __future__ import annotations

import os
import stat
from pathlib import Path

from ..errors import MisplacedCacheItemError, UntrustedCacheError

_WRITERS = ((stat.S_IWGRP, "its group"), (stat.S_IWOTH, "every user"))


def current_uid() -> int | None:
    """The effective user id; None where the OS has none (Windows: no ownership check)."""
    geteuid = getattr(os, "geteuid", None)
    return geteuid() if geteuid is not None else None


def problem(info: os.stat_result, *, folder: bool, uid: int | None) -> str | None:
    """Why a path with this ``lstat`` must not be trusted by user ``uid``, or None if it may be."""
    if stat.S_ISLNK(info.st_mode):
        return trust_problem(info, uid)
    return kind_problem(info, folder=folder) or trust_problem(info, uid)


def trust_problem(info: os.stat_result, uid: int | None) -> str | None:
    """Why someone other than user ``uid`` (or root) could have written this path, or None."""
    mode = info.st_mode
    if stat.S_ISLNK(mode):
        return "is a symbolic link (neurogen never makes one in its cache)"
    if uid is None:
        return None
    if info.st_uid not in (uid, 0):
        return f"belongs to {_user(info.st_uid)}, not to you ({_user(uid)})" + ("" if uid == 0 else " or root")
    writers = [who for bit, who in _WRITERS if mode & bit]
    if writers:
        return f"can be written by {' and '.join(writers)} (mode {stat.filemode(mode)})"
    return None


def kind_problem(info: os.stat_result, *, folder: bool) -> str | None:
    """Why this is not what neurogen keeps there (a folder, or a regular file), or None."""
    if folder and not stat.S_ISDIR(info.st_mode):
        return f"is not a folder ({kind_of(info)})"
    if not folder and not stat.S_ISREG(info.st_mode):
        return f"is not a regular file ({kind_of(info)})"
    return None


def kind_of(info: os.stat_result) -> str:
    """'a file', 'a folder', 'a FIFO', ... for messages."""
    mode = info.st_mode
    for test, name in ((stat.S_ISREG, "a file"), (stat.S_ISDIR, "a folder"), (stat.S_ISLNK, "a symbolic link"),
                       (stat.S_ISFIFO, "a FIFO"), (stat.S_ISSOCK, "a socket"), (stat.S_ISCHR, "a device"),
                       (stat.S_ISBLK, "a device")):
        if test(mode):
            return name
    return "not a file"


def check(path: str | Path, root: Path, *, folder: bool, follow_link: bool = False) -> None:
    """Raise ``UntrustedCacheError`` unless ``path`` (inside the cache ``root``) is trusted,
    and ``MisplacedCacheItemError`` if it is trusted but not what neurogen keeps there (a file
    where a folder belongs): that is a broken cache, not a foreign one.

    ``follow_link``: only for the root itself, which a user may well make a symbolic link.
    """
    info = os.stat(path) if follow_link else os.lstat(path)
    reason = trust_problem(info, current_uid())
    if reason is not None:
        raise UntrustedCacheError(
            f"refusing to load compiled code from the neurogen cache at {root}: {path} {reason}. "
            "Whoever can write there could make this process run their code. Remove that cache "
            f"folder or set NEUROGEN_CACHE_DIR to another one (if you are sure nothing foreign is in "
            f"it, you may instead make it yours alone: chown -R {_login()} {root}; chmod -R go-w {root}).")
    reason = kind_problem(info, folder=folder)
    if reason is not None:
        raise MisplacedCacheItemError(
            f"the neurogen cache at {root} cannot be used: {path} {reason}, where neurogen keeps "
            f"{'a folder' if folder else 'a file'}. neurogen does not delete what it did not make: move or "
            "remove it, or set NEUROGEN_CACHE_DIR to another folder (it is created if missing).")


def _login() -> str:
    uid = current_uid()
    try:
        import pwd

        return pwd.getpwuid(uid).pw_name if uid is not None else "$USER"
    except (ImportError, KeyError):
        return str(uid)


def _user(uid: int) -> str:
    try:
        import pwd

        return f"user {pwd.getpwuid(uid).pw_name} (uid {uid})"
    except (ImportError, KeyError):
        return f"uid {uid}"

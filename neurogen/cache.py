"""On-disk cache of compiled builds, shared safely between processes.

Layout under ``cache_root()``::

    v<CACHE_FORMAT>/entries/<key>/   one finished build (appears atomically)
    v<CACHE_FORMAT>/locks/<key>.lock per-key build lock (flock, dies with its process)
    v<CACHE_FORMAT>/tmp/             builds in progress and entries being deleted

Entries only ever appear by ``os.replace`` of a finished temp dir and only ever
disappear by being renamed into ``tmp/`` first, so an entry that exists is complete.
"""
from __future__ import annotations

import hashlib
import logging
import os
import re
import shutil
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterable, Iterator, NamedTuple

try:
    import fcntl
except ImportError:  # Windows: no flock; builds may then race, which is still safe.
    fcntl = None  # type: ignore[assignment]

log = logging.getLogger(__name__)

CACHE_FORMAT = 1
"""Bump by hand whenever the layout or meaning of entries changes."""

DEFAULT_MAX_BYTES = 1 << 30
STALE_TMP_SECONDS = 24 * 3600

_KEY_RE = re.compile(r"[0-9A-Za-z_-][0-9A-Za-z_.-]*\Z")


class CacheEntry(NamedTuple):
    key: str
    path: Path
    size: int
    mtime: float


def compute_key(parts: Iterable[str | bytes]) -> str:
    """sha256 over length-prefixed parts, so part boundaries matter: ("ab","c") != ("a","bc")."""
    if isinstance(parts, (str, bytes)):
        raise TypeError("compute_key() takes an iterable of parts, not a single str/bytes")
    digest = hashlib.sha256()
    for part in parts:
        if isinstance(part, str):
            part = part.encode("utf-8")
        elif not isinstance(part, bytes):
            raise TypeError(f"key parts must be str or bytes, not {type(part).__name__}")
        digest.update(len(part).to_bytes(8, "little"))
        digest.update(part)
    return digest.hexdigest()


def cache_root() -> Path:
    """Where the cache lives; read from the environment on every call so tests can redirect it."""
    explicit = os.environ.get("NEUROGEN_CACHE_DIR")
    if explicit:
        return Path(explicit).expanduser()
    xdg = os.environ.get("XDG_CACHE_HOME")
    if xdg:
        return Path(xdg).expanduser() / "neurogen"
    return Path.home() / ".cache" / "neurogen"


def _format_dir() -> Path:
    return cache_root() / f"v{CACHE_FORMAT}"


def _entry_path(key: str) -> Path:
    """Path of the entry for ``key``; rejects keys that could escape the cache directory."""
    if not isinstance(key, str) or not _KEY_RE.match(key):
        raise ValueError(f"invalid cache key: {key!r}")
    return _format_dir() / "entries" / key


def _tmp_dir() -> Path:
    path = _format_dir() / "tmp"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _remove(path: Path) -> None:
    """Best-effort removal of a file or directory tree."""
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        try:
            path.unlink()
        except OSError:
            pass


def lookup(key: str) -> Path | None:
    """The complete entry for ``key`` or None; touches its mtime, which drives LRU eviction."""
    entry = _entry_path(key)
    if not entry.is_dir():
        return None
    try:
        os.utime(entry)
    except FileNotFoundError:  # evicted by another process just now
        return None
    except OSError:  # read-only cache: still usable, just no LRU bookkeeping
        pass
    return entry


@contextmanager
def _key_lock(key: str) -> Iterator[None]:
    """Exclusive per-key lock so concurrent processes build each entry only once."""
    if fcntl is None:
        yield
        return
    locks = _format_dir() / "locks"
    locks.mkdir(parents=True, exist_ok=True)
    fd = os.open(locks / f"{key}.lock", os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the flock


def install(key: str, build: Callable[[Path], None], *, max_bytes: int | None = None) -> Path:
    """Return the entry for ``key``, calling ``build(tmpdir)`` to create it if missing.

    Failed builds are never cached; the temp dir is removed unless the exception has
    ``keep_build_dir = True`` (so the caller can point the user at the build log).
    """
    found = lookup(key)
    if found is not None:
        return found
    with _key_lock(key):
        found = lookup(key)  # another process may have built it while we waited
        if found is not None:
            return found
        entry = _build(key, build)
    _evict(DEFAULT_MAX_BYTES if max_bytes is None else max_bytes, keep=key)
    _clean_stale_tmp()
    return entry


def _build(key: str, build: Callable[[Path], None]) -> Path:
    entry = _entry_path(key)
    tmpdir = _tmp_dir() / f"{key}.{os.getpid()}.{os.urandom(4).hex()}"
    tmpdir.mkdir()
    log.debug("building cache entry %s in %s", key[:12], tmpdir)
    try:
        build(tmpdir)
    except BaseException as exc:
        if getattr(exc, "keep_build_dir", False):
            log.debug("build of %s failed; keeping %s", key[:12], tmpdir)
        else:
            _remove(tmpdir)
        raise
    entry.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.replace(tmpdir, entry)
    except OSError:
        if not entry.is_dir():  # a real failure, not an unlocked race we lost
            _remove(tmpdir)
            raise
        _remove(tmpdir)
    os.utime(entry)
    return entry


def discard(key: str) -> bool:
    """Remove an entry (e.g. found corrupt); rename first so no reader sees it half-deleted."""
    entry = _entry_path(key)
    doomed = _tmp_dir() / f"{key}.discard.{os.getpid()}.{os.urandom(4).hex()}"
    try:
        os.replace(entry, doomed)
    except FileNotFoundError:
        return False
    _remove(doomed)
    return True


def entries() -> list[CacheEntry]:
    """All entries of the current format, in no particular order."""
    folder = _format_dir() / "entries"
    try:
        children = list(folder.iterdir())
    except FileNotFoundError:
        return []
    found = []
    for child in children:
        try:
            mtime = child.stat().st_mtime
            found.append(CacheEntry(child.name, child, _tree_size(child), mtime))
        except FileNotFoundError:  # removed while we were listing
            continue
    return found


def _tree_size(path: Path) -> int:
    total = 0
    for dirpath, _dirs, files in os.walk(path):
        for name in files:
            try:
                total += os.lstat(os.path.join(dirpath, name)).st_size
            except FileNotFoundError:
                pass
    return total


def _evict(max_bytes: int, keep: str) -> None:
    """Drop least-recently-used entries until the total fits in ``max_bytes``."""
    listing = sorted(entries(), key=lambda e: e.mtime)
    total = sum(e.size for e in listing)
    for entry in listing:
        if total <= max_bytes:
            break
        if entry.key == keep:
            continue
        log.debug("evicting cache entry %s (%d bytes)", entry.key[:12], entry.size)
        discard(entry.key)
        total -= entry.size


def _clean_stale_tmp() -> None:
    """Remove leftovers (crashed or kept builds) older than a day; cheap since tmp/ is small."""
    cutoff = time.time() - STALE_TMP_SECONDS
    for child in _tmp_dir().iterdir():
        try:
            if child.lstat().st_mtime < cutoff:
                _remove(child)
        except FileNotFoundError:
            continue


def info(max_bytes: int = DEFAULT_MAX_BYTES) -> dict[str, object]:
    """Summary for ``python -m neurogen cache info`` (``max_bytes``: the cap in force)."""
    listing = entries()
    return {
        "root": cache_root(),
        "format": CACHE_FORMAT,
        "entries": len(listing),
        "bytes": sum(e.size for e in listing),
        "max_bytes": max_bytes,
    }


def clear() -> int:
    """Remove every entry of the current format; returns how many were removed."""
    return sum(discard(e.key) for e in entries())

"""On-disk cache of compiled builds, shared safely between processes.

Layout under ``cache_root()``::

    v<CACHE_FORMAT>/entries/<key>/   one finished build (appears atomically)
        entry.json                   sha256 of every file of the entry, written at install
    v<CACHE_FORMAT>/locks/<key>.lock per-key build lock (flock, dies with its process)
    v<CACHE_FORMAT>/tmp/             builds in progress and entries being deleted
    v<CACHE_FORMAT>/<name>.json      small notes (e.g. the toolchain of the last build)

Entries only ever appear by ``os.replace`` of a finished temp dir and only ever
disappear by being renamed into ``tmp/`` first, so an entry that exists is complete.
Nothing is read from an entry before ``verified_file`` has checked that only the current
user could have written it (``cache_trust``) and that it still matches the recorded sha256;
folders neurogen creates are private (mode 0700) whatever the umask.
"""
from __future__ import annotations

import errno
import hashlib
import json
import logging
import os
import re
import shutil
import stat
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Collection, Iterable, Iterator, NamedTuple

from . import cache_lock, cache_trust
from ..errors import CacheError, DamagedCacheEntryError, MisplacedCacheItemError, UntrustedCacheError

log = logging.getLogger(__name__)

CACHE_FORMAT = 2
"""Bump by hand whenever the layout or meaning of entries changes (2: entry.json, trust checks)."""

DEFAULT_MAX_BYTES = 1 << 30
STALE_TMP_SECONDS = 24 * 3600
RECORD = "entry.json"
"""In every entry: ``{"sha256": {file name: hex digest}}`` of the files as installed."""

_KEY_RE = re.compile(r"[0-9A-Za-z_-][0-9A-Za-z_.-]*\Z")
_PRIVATE = 0o700


class CacheEntry(NamedTuple):
    key: str
    path: Path
    size: int
    mtime: float


class VerifiedFile(NamedTuple):
    """A file of an entry whose bytes match the sha256 recorded at install."""

    path: Path
    data: bytes


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


# -- location -----------------------------------------------------------------------------

def cache_root() -> Path:
    """Where the cache lives; read from the environment on every call so tests can redirect it."""
    explicit = os.environ.get("NEUROGEN_CACHE_DIR")
    if explicit:
        return Path(explicit).expanduser()
    xdg = os.environ.get("XDG_CACHE_HOME")
    if xdg:
        return Path(xdg).expanduser() / "neurogen"
    return Path.home() / ".cache" / "neurogen"


def _root_origin() -> str:
    if os.environ.get("NEUROGEN_CACHE_DIR"):
        return "set by NEUROGEN_CACHE_DIR"
    if os.environ.get("XDG_CACHE_HOME"):
        return "under XDG_CACHE_HOME"
    return "the default location, under $HOME"


def _root() -> Path:
    """The cache root; a clear error if that path, or a folder on the way to it, is a file."""
    root = cache_root()
    try:
        is_folder = stat.S_ISDIR(os.stat(root).st_mode)
    except FileNotFoundError:
        return root
    except NotADirectoryError:
        is_folder = False
    if not is_folder:
        raise CacheError(
            f"the neurogen cache folder {root} ({_root_origin()}) is a file, or lies inside one, "
            "not a folder: set NEUROGEN_CACHE_DIR to a folder (it is created if missing), or move the file away")
    return root


def _format_name() -> str:
    return f"v{CACHE_FORMAT}"


def _entry_path(key: str) -> Path:
    """Path of the entry for ``key``; rejects keys that could escape the cache directory."""
    if not isinstance(key, str) or not _KEY_RE.match(key):
        raise ValueError(f"invalid cache key: {key!r}")
    return _root() / _format_name() / "entries" / key


def _trusted(*inside: str, files: tuple[str, ...] = ()) -> Path:
    """The folder ``root/inside...``, after ``cache_trust`` checked it, every folder above it up
    to the root, and ``files`` in it (plain strings: this runs before every load)."""
    root = _root()
    cache_trust.check(root, root, folder=True, follow_link=True)
    path = str(root)
    for part in inside:
        path = os.path.join(path, part)
        cache_trust.check(path, root, folder=True)
    for name in files:
        try:
            cache_trust.check(os.path.join(path, name), root, folder=False)
        except MisplacedCacheItemError:  # a folder or FIFO where a file of ours belongs
            info = os.lstat(os.path.join(path, name))
            raise DamagedCacheEntryError(f"{os.path.join(path, name)} is {cache_trust.kind_of(info)}, not the "
                                         "file neurogen installed there") from None
    return Path(path)


def _private_dir(*inside: str) -> Path:
    """``root/inside...``, created private (0700) where missing, and checked as trusted."""
    root = _root()
    missing_above = []  # the root and the folders above it that do not exist yet, deepest first
    for folder in (root, *root.parents):
        if folder.exists():
            break
        missing_above.append(folder)
    chain = list(reversed(missing_above))
    path = root
    for part in inside:
        path = path / part
        chain.append(path)
    for folder in chain:
        try:
            with _writing("create the folder", folder):
                os.mkdir(folder, _PRIVATE)
        except FileExistsError:
            pass
        except NotADirectoryError:
            raise CacheError(f"cannot create the neurogen cache folder {folder}: a part of that path "
                             f"is a file ({root} is {_root_origin()})") from None
    return _trusted(*inside)


@contextmanager
def _writing(doing: str, path: Path) -> Iterator[None]:
    """Turn "permission denied" and "read-only file system" while the cache is written into a
    ``CacheError`` that says where the cache is and what to do about it."""
    try:
        yield
    except OSError as error:
        if error.errno not in (errno.EACCES, errno.EPERM, errno.EROFS):
            raise
        raise CacheError(
            f"cannot {doing} {error.filename or path} for the neurogen cache: {error.strerror}. neurogen keeps "
            f"compiled code in {cache_root()} ({_root_origin()}); make that folder writable for you, or set "
            "NEUROGEN_CACHE_DIR to a folder you can write (it is created if missing)") from None


def check_trusted() -> str | None:
    """Why the cache (its root and top folders) may not be used, or None (for ``cache info``)."""
    problem = _top_problem()
    return None if problem is None else str(problem)


def _top_problem() -> CacheError | None:
    try:
        root = _root()
        if not root.exists():
            return None
        top = [_format_name()] if (root / _format_name()).exists() else []
        _trusted(*top)
        for sub in ("entries", "tmp", "locks"):
            if os.path.lexists(root / _format_name() / sub):
                _trusted(*top, sub)
    except CacheError as error:
        return error
    return None


# -- lookup -------------------------------------------------------------------------------

def lookup(key: str) -> Path | None:
    """The complete entry for ``key`` or None; touches its mtime, which drives LRU eviction.

    Says only that the entry exists: read files through ``verified_file``.
    """
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


def verified_file(key: str, name: str) -> VerifiedFile | None:
    """File ``name`` of entry ``key``, if only the current user could have written it and its
    bytes match the sha256 recorded at install; None if there is no such entry.

    Raises ``UntrustedCacheError`` (nothing is read; the entry is left alone) or
    ``DamagedCacheEntryError`` (the caller discards the entry and builds it again).
    """
    entry = lookup(key)
    if entry is None:
        return None
    try:
        folder = _trusted(_format_name(), "entries", key, files=(RECORD, name))
        try:
            expected = json.loads((folder / RECORD).read_bytes())["sha256"][name]
        except (ValueError, KeyError, TypeError) as exc:
            raise DamagedCacheEntryError(f"cache entry {entry} has no valid record of its files "
                                         f"({type(exc).__name__}: {exc})") from None
        path = folder / name
        data = path.read_bytes()
    except FileNotFoundError as exc:
        if not entry.is_dir():  # removed by another process since the lookup
            return None
        raise DamagedCacheEntryError(f"cache entry {entry} lacks {Path(exc.filename or name).name}") from None
    if hashlib.sha256(data).hexdigest() != expected:
        raise DamagedCacheEntryError(
            f"{path} ({len(data)} bytes) does not match the sha256 recorded when neurogen installed it "
            "(truncated or changed since)")
    return VerifiedFile(path, data)


# -- install ------------------------------------------------------------------------------

def install(key: str, build: Callable[[Path], None], *, max_bytes: int | None = None,
            keep: Collection[str] = ()) -> Path:
    """Return the entry for ``key``, calling ``build(tmpdir)`` to create it if missing.

    Failed builds are never cached; the temp dir is removed unless the exception has
    ``keep_build_dir = True`` (so the caller can point the user at the build log). After a
    build, least recently used entries are evicted down to ``max_bytes``, never ``key`` itself
    nor the entries in ``keep`` (those the caller is about to load).
    """
    found = lookup(key)
    if found is not None:
        return found
    _private_dir(_format_name(), "entries")
    lock = _private_dir(_format_name(), "locks") / f"{key}.lock"
    with _writing("open the build lock", lock):
        fd = cache_lock.open_lock(lock)
    with cache_lock.held(fd, lock):
        found = lookup(key)  # another process may have built it while we waited
        if found is not None:
            return found
        _clear_blocked_entry(key)
        entry = _build(key, build)
    _evict(DEFAULT_MAX_BYTES if max_bytes is None else max_bytes, keep={key, *keep})
    _clean_stale_tmp()
    return entry


def _clear_blocked_entry(key: str) -> None:
    """Something that is not a folder where the entry ``key`` belongs (a file, a FIFO: the
    entry is damaged) is removed if it is trusted (only the user could have put it there), so
    the new build can be installed; else ``UntrustedCacheError``, and it is left alone."""
    entry = _entry_path(key)
    try:
        info = os.lstat(entry)
    except FileNotFoundError:
        return
    if stat.S_ISDIR(info.st_mode):
        return
    reason = cache_trust.trust_problem(info, cache_trust.current_uid())
    if reason is not None:
        raise UntrustedCacheError(f"the neurogen cache entry {entry} {reason}, and it is not a folder: neurogen "
                                  "will neither use nor remove it. Remove it yourself, or set NEUROGEN_CACHE_DIR "
                                  "to another folder")
    log.warning("removing %s, %s where a cache entry folder belongs (a damaged entry), and building it again",
                entry, cache_trust.kind_of(info))
    discard(key)


def _build(key: str, build: Callable[[Path], None]) -> Path:
    entry = _entry_path(key)
    tmpdir = _private_dir(_format_name(), "tmp") / f"{key}.{os.getpid()}.{os.urandom(4).hex()}"
    with _writing("create the build folder", tmpdir):
        tmpdir.mkdir(_PRIVATE)
    log.debug("building cache entry %s in %s", key[:12], tmpdir)
    try:
        build(tmpdir)
        _seal(tmpdir)
    except BaseException as exc:
        if getattr(exc, "keep_build_dir", False):
            log.debug("build of %s failed; keeping %s", key[:12], tmpdir)
        else:
            _remove(tmpdir)
        raise
    try:
        with _writing("install the entry", entry):
            os.replace(tmpdir, entry)
    except (OSError, CacheError):
        if not entry.is_dir():  # a real failure, not an unlocked race we lost
            _remove(tmpdir)
            raise
        _remove(tmpdir)
    os.utime(entry)
    return entry


def _seal(directory: Path) -> None:
    """Record the sha256 of every file, then drop group/other write bits (whatever the umask)."""
    digests = {}
    for path in sorted(directory.rglob("*")):
        if path.is_symlink():
            raise CacheError(f"a build made a symbolic link {path}; cache entries hold only files")
        if path.is_file():
            digests[path.relative_to(directory).as_posix()] = hashlib.sha256(path.read_bytes()).hexdigest()
    (directory / RECORD).write_text(json.dumps({"sha256": digests}, indent=1, sort_keys=True))
    for path in [directory, *directory.rglob("*")]:
        os.chmod(path, stat.S_IMODE(path.lstat().st_mode) & ~0o022)


def _remove(path: Path) -> None:
    """Best-effort removal of a file or directory tree."""
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        try:
            path.unlink()
        except OSError:
            pass


def discard(key: str) -> bool:
    """Remove an entry (e.g. found damaged); rename first so no reader sees it half-deleted."""
    entry = _entry_path(key)
    doomed = _private_dir(_format_name(), "tmp") / f"{key}.discard.{os.getpid()}.{os.urandom(4).hex()}"
    try:
        os.replace(entry, doomed)
    except FileNotFoundError:
        return False
    _remove(doomed)
    return True


# -- notes --------------------------------------------------------------------------------

def write_note(name: str, text: str) -> None:
    """Replace the small file ``v<format>/<name>.json`` atomically (e.g. the last toolchain)."""
    tmp = _private_dir(_format_name(), "tmp") / f"{_note_name(name)}.{os.getpid()}.{os.urandom(4).hex()}"
    tmp.write_text(text)
    os.chmod(tmp, 0o644)
    os.replace(tmp, _root() / _format_name() / _note_name(name))


def read_note(name: str) -> str | None:
    """The note ``name`` if present and trusted (an untrusted note raises, as any entry)."""
    try:
        return (_trusted(_format_name(), files=(_note_name(name),)) / _note_name(name)).read_text()
    except (FileNotFoundError, DamagedCacheEntryError):  # none, or a folder where the note belongs
        return None


def _note_name(name: str) -> str:
    if not _KEY_RE.match(name) or name in ("entries", "tmp", "locks"):
        raise ValueError(f"invalid cache note name: {name!r}")
    return f"{name}.json"


# -- listing and eviction -----------------------------------------------------------------

def entries() -> list[CacheEntry]:
    """All entries of the current format, in no particular order."""
    folder = _root() / _format_name() / "entries"
    try:
        children = list(folder.iterdir())
    except (FileNotFoundError, NotADirectoryError):  # none yet, or a file in the way (info says so)
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


def _evict(max_bytes: int, keep: Collection[str]) -> None:
    """Drop least-recently-used entries until the total fits in ``max_bytes`` (never ``keep``)."""
    listing = sorted(entries(), key=lambda e: e.mtime)
    total = sum(e.size for e in listing)
    for entry in listing:
        if total <= max_bytes:
            break
        if entry.key in keep:
            continue
        log.debug("evicting cache entry %s (%d bytes)", entry.key[:12], entry.size)
        discard(entry.key)
        total -= entry.size


def _clean_stale_tmp() -> None:
    """Remove leftovers (crashed or kept builds) older than a day; cheap since tmp/ is small."""
    cutoff = time.time() - STALE_TMP_SECONDS
    for child in _private_dir(_format_name(), "tmp").iterdir():
        try:
            if child.lstat().st_mtime < cutoff:
                _remove(child)
        except FileNotFoundError:
            continue


def info(max_bytes: int = DEFAULT_MAX_BYTES) -> dict[str, object]:
    """Summary for ``python -m neurogen cache info`` (``max_bytes``: the cap in force).

    ``untrusted``: why nothing in the cache would be loaded (someone else could have written
    it), or None; ``unusable``: what else is in the way (a file where a folder belongs), or None.
    """
    listing = entries()
    problem = _top_problem()
    return {
        "root": cache_root(),
        "format": CACHE_FORMAT,
        "entries": len(listing),
        "bytes": sum(e.size for e in listing),
        "max_bytes": max_bytes,
        "untrusted": str(problem) if isinstance(problem, UntrustedCacheError) else None,
        "unusable": str(problem) if problem is not None and not isinstance(problem, UntrustedCacheError) else None,
    }


def clear() -> int:
    """Remove every entry of the current format; returns how many were removed."""
    return sum(discard(e.key) for e in entries())


__all__ = ["CACHE_FORMAT", "CacheEntry", "CacheError", "DamagedCacheEntryError", "UntrustedCacheError",
           "VerifiedFile", "cache_root", "check_trusted", "clear", "compute_key", "discard", "entries",
           "info", "install", "lookup", "read_note", "verified_file", "write_note"]

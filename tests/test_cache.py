"""Tests for the on-disk build cache and its command line."""
from __future__ import annotations

import hashlib
import logging
import os
import re
import shutil
import signal
import stat
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest

from neurogen.compiled import cache
from neurogen.errors import CacheError, DamagedCacheEntryError

REPO_ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True)
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "cache"
    monkeypatch.setenv("NEUROGEN_CACHE_DIR", str(root))
    return root


def _env(**extra: str) -> dict[str, str]:
    """Environment for child processes: they must import this checkout of neurogen."""
    env = dict(os.environ, **extra)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO_ROOT), env.get("PYTHONPATH")) if p)
    return env


def _writer(name: str = "lib.so", data: bytes = b"x" * 100, calls: list[Path] | None = None):
    def build(tmpdir: Path) -> None:
        if calls is not None:
            calls.append(tmpdir)
        (tmpdir / name).write_bytes(data)

    return build


def _tmp_children(cache_dir: Path) -> list[Path]:
    tmp = cache_dir / f"v{cache.CACHE_FORMAT}" / "tmp"
    return sorted(tmp.iterdir()) if tmp.exists() else []


# --- keys -------------------------------------------------------------------

def test_key_format_is_length_prefixed_sha256() -> None:
    expected = hashlib.sha256(
        (2).to_bytes(8, "little") + b"ab" + (1).to_bytes(8, "little") + b"\x00"
    ).hexdigest()
    assert cache.compute_key(["ab", b"\x00"]) == expected


def test_key_stable_across_processes_with_different_hash_seeds() -> None:
    parts = ["1", "0.1.0", "int main() {}", "-O3", "g++ (GCC) 12"]
    code = f"from neurogen.compiled.cache import compute_key; print(compute_key({parts!r}))"
    keys = {
        subprocess.run(
            [sys.executable, "-c", code], env=_env(PYTHONHASHSEED=seed),
            capture_output=True, text=True, check=True,
        ).stdout.strip()
        for seed in ("1", "2")
    }
    assert keys == {cache.compute_key(parts)}


def test_key_part_boundaries_matter() -> None:
    assert cache.compute_key(["ab", "c"]) != cache.compute_key(["a", "bc"])
    assert cache.compute_key(["a", ""]) != cache.compute_key(["a"])


def test_any_changed_part_changes_key() -> None:
    parts = ["1", "0.1.0", "code", "-O3", "gcc 12"]
    base = cache.compute_key(parts)
    for i in range(len(parts)):
        changed = list(parts)
        changed[i] += " "
        assert cache.compute_key(changed) != base
    assert cache.compute_key([p.encode() for p in parts]) == base


def test_key_rejects_bad_parts() -> None:
    with pytest.raises(TypeError):
        cache.compute_key("abc")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        cache.compute_key(["a", 1])  # type: ignore[list-item]


def test_invalid_key_rejected() -> None:
    for key in ("../evil", "a/b", "", ".hidden"):
        with pytest.raises(ValueError):
            cache.lookup(key)


# --- location ---------------------------------------------------------------

def test_cache_root_from_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    assert cache.cache_root() == tmp_path / "cache"
    monkeypatch.delenv("NEUROGEN_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache.cache_root() == tmp_path / "xdg" / "neurogen"
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert cache.cache_root() == tmp_path / "home" / ".cache" / "neurogen"


# --- install / lookup -------------------------------------------------------

def test_install_then_lookup(cache_dir: Path) -> None:
    key = cache.compute_key(["roundtrip"])
    assert cache.lookup(key) is None
    entry = cache.install(key, _writer(data=b"payload"))
    assert entry == cache_dir / f"v{cache.CACHE_FORMAT}" / "entries" / key
    assert (entry / "lib.so").read_bytes() == b"payload"
    assert cache.lookup(key) == entry
    assert _tmp_children(cache_dir) == []


def test_second_install_does_not_rebuild() -> None:
    key = cache.compute_key(["once"])
    calls: list[Path] = []
    first = cache.install(key, _writer(calls=calls))
    second = cache.install(key, _writer(calls=calls))
    assert first == second and len(calls) == 1


def test_lookup_touches_mtime() -> None:
    key = cache.compute_key(["touch"])
    entry = cache.install(key, _writer())
    os.utime(entry, (1000, 1000))
    cache.lookup(key)
    assert entry.stat().st_mtime > 1000


def test_failed_build_is_not_cached(cache_dir: Path) -> None:
    key = cache.compute_key(["fails"])

    def bad_build(tmpdir: Path) -> None:
        (tmpdir / "half.o").write_bytes(b"junk")
        raise RuntimeError("compiler exploded")

    with pytest.raises(RuntimeError, match="exploded"):
        cache.install(key, bad_build)
    assert cache.lookup(key) is None
    assert _tmp_children(cache_dir) == []
    calls: list[Path] = []
    cache.install(key, _writer(calls=calls))
    assert len(calls) == 1


def test_failed_build_dir_kept_on_request(cache_dir: Path) -> None:
    key = cache.compute_key(["kept"])

    class KeptError(Exception):
        keep_build_dir = True

    def bad_build(tmpdir: Path) -> None:
        (tmpdir / "build.log").write_text("error: boom")
        raise KeptError

    with pytest.raises(KeptError):
        cache.install(key, bad_build)
    assert cache.lookup(key) is None
    [kept] = _tmp_children(cache_dir)
    assert kept.name.startswith(f"{key}.{os.getpid()}.")
    assert (kept / "build.log").read_text() == "error: boom"


def test_stale_tmp_dirs_are_cleaned(cache_dir: Path) -> None:
    tmp = cache_dir / f"v{cache.CACHE_FORMAT}" / "tmp"
    old, fresh = tmp / "old.1.abc", tmp / "fresh.1.abc"
    old.mkdir(parents=True)
    fresh.mkdir()
    two_days_ago = time.time() - 2 * 24 * 3600
    os.utime(old, (two_days_ago, two_days_ago))
    cache.install(cache.compute_key(["trigger"]), _writer())
    assert not old.exists() and fresh.exists()


CONCURRENT_SCRIPT = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from neurogen.compiled import cache

    counter = Path(sys.argv[1])

    def build(tmpdir):
        (tmpdir / "first").write_text("1")
        with counter.open("a") as f:
            f.write("built\\n")
        time.sleep(0.5)
        (tmpdir / "second").write_text("2")

    entry = cache.install(cache.compute_key(["concurrent"]), build)
    assert (entry / "first").read_text() == "1" and (entry / "second").read_text() == "2"
    print(entry)
    """
)


def test_concurrent_install_builds_once(tmp_path: Path, cache_dir: Path) -> None:
    counter = tmp_path / "counter.txt"
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", CONCURRENT_SCRIPT, str(counter)],
            env=_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        for _ in range(4)
    ]
    results = [p.communicate(timeout=60) + (p.returncode,) for p in procs]
    assert all(rc == 0 for _, _, rc in results), [err for _, err, _ in results]
    assert counter.read_text() == "built\n"
    assert len({out.strip() for out, _, _ in results}) == 1
    assert _tmp_children(cache_dir) == []


# --- eviction, discard, info, clear -------------------------------------------

def test_lru_eviction_keeps_recently_used() -> None:
    keys = {name: cache.compute_key([name]) for name in "abcd"}
    for name in "abc":
        cache.install(keys[name], _writer())  # 100 bytes each, plus the entry's record
    size = cache.entries()[0].size
    for name, mtime in (("a", 1000), ("b", 3000), ("c", 2000)):
        os.utime(cache.lookup(keys[name]), (mtime, mtime))
    cache.install(keys["d"], _writer(), max_bytes=2 * size + size // 2)
    kept = {e.key for e in cache.entries()}
    assert kept == {keys["b"], keys["d"]}


def test_eviction_never_removes_new_entry() -> None:
    old = cache.compute_key(["old"])
    new = cache.compute_key(["new"])
    cache.install(old, _writer())
    entry = cache.install(new, _writer(), max_bytes=0)
    assert entry.is_dir() and cache.lookup(old) is None


def test_discard(cache_dir: Path) -> None:
    key = cache.compute_key(["discard"])
    cache.install(key, _writer())
    assert cache.discard(key) is True
    assert cache.lookup(key) is None
    assert cache.discard(key) is False
    assert _tmp_children(cache_dir) == []
    calls: list[Path] = []
    cache.install(key, _writer(calls=calls))
    assert len(calls) == 1


def test_info_and_clear(cache_dir: Path) -> None:
    assert cache.info()["entries"] == 0
    cache.install(cache.compute_key(["one"]), _writer(data=b"1" * 10))
    cache.install(cache.compute_key(["two"]), _writer(data=b"2" * 30))
    summary = cache.info()
    assert summary["root"] == cache_dir
    records = sum((e.path / cache.RECORD).stat().st_size for e in cache.entries())
    assert summary["entries"] == 2 and summary["bytes"] == 40 + records
    assert summary["max_bytes"] == cache.DEFAULT_MAX_BYTES
    assert cache.clear() == 2
    assert cache.info()["entries"] == 0 and cache.clear() == 0


# --- command line -----------------------------------------------------------

def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "neurogen", *args], env=_env(), capture_output=True, text=True,
    )


def test_cli_info_and_clear(cache_dir: Path) -> None:
    cache.install(cache.compute_key(["cli1"]), _writer(data=b"x" * 2048))
    cache.install(cache.compute_key(["cli2"]), _writer())
    info = _cli("cache", "info")
    assert info.returncode == 0, info.stderr
    assert str(cache_dir) in info.stdout
    assert "entries:    2" in info.stdout and "KiB" in info.stdout
    cleared = _cli("cache", "clear")
    assert cleared.returncode == 0, cleared.stderr
    assert "removed 2" in cleared.stdout
    assert cache.entries() == []


@pytest.mark.parametrize("args", [(), ("cache",), ("cache", "bogus"), ("nope",)])
def test_cli_bad_input_exits_2(args: tuple[str, ...]) -> None:
    result = _cli(*args)
    assert result.returncode == 2
    assert "usage:" in result.stderr


# --- damaged entries: found before anything is loaded --------------------------------------

def test_verified_file_returns_the_recorded_bytes() -> None:
    key = cache.compute_key(["verified"])
    entry = cache.install(key, _writer(data=b"library bytes"))
    found = cache.verified_file(key, "lib.so")
    assert found == (entry / "lib.so", b"library bytes")
    assert cache.verified_file(cache.compute_key(["absent"]), "lib.so") is None


@pytest.mark.parametrize("damage", ["truncate", "append", "empty", "delete"])
def test_changed_file_is_a_damaged_entry(damage: str) -> None:
    key = cache.compute_key(["damaged", damage])
    library = cache.install(key, _writer(data=b"y" * 1000)) / "lib.so"
    if damage == "truncate":
        os.truncate(library, 500)
    elif damage == "append":
        with library.open("ab") as f:
            f.write(b"z")
    elif damage == "empty":
        library.write_bytes(b"")
    else:
        library.unlink()
    with pytest.raises(DamagedCacheEntryError, match="lib.so"):
        cache.verified_file(key, "lib.so")


@pytest.mark.parametrize("record", [None, b"", b"{", b"[]", b'{"sha256": {}}', b'{"sha256": {"lib.so": 7}}'])
def test_missing_or_invalid_record_is_a_damaged_entry(record: bytes | None) -> None:
    key = cache.compute_key(["record", repr(record)])
    path = cache.install(key, _writer()) / cache.RECORD
    if record is None:
        path.unlink()
    else:
        path.write_bytes(record)
    with pytest.raises(DamagedCacheEntryError):
        cache.verified_file(key, "lib.so")


def test_folders_and_files_are_private_whatever_the_umask(cache_dir: Path) -> None:
    """A umask of 002 (common) must not leave the cache group-writable, which would be refused."""
    old = os.umask(0o002)
    try:
        key = cache.compute_key(["umask"])
        entry = cache.install(key, _writer())
        (entry.parent.parent / "tmp" / "probe").write_text("")  # a file not made by neurogen
    finally:
        os.umask(old)
    v = cache_dir / f"v{cache.CACHE_FORMAT}"
    for folder in (cache_dir, v, v / "entries", v / "tmp", v / "locks", entry):
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700, folder
    for file in (entry / "lib.so", entry / cache.RECORD):
        assert file.stat().st_mode & 0o022 == 0, file
    assert cache.verified_file(key, "lib.so") is not None


# --- the cache path is a file ----------------------------------------------------------------

@pytest.mark.parametrize("below", ["", "sub"])
def test_cache_path_that_is_a_file_is_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                    below: str) -> None:
    (tmp_path / "afile").write_text("not a folder")
    target = tmp_path / "afile" / below if below else tmp_path / "afile"
    monkeypatch.setenv("NEUROGEN_CACHE_DIR", str(target))
    key = cache.compute_key(["file"])
    for action in (lambda: cache.install(key, _writer()), lambda: cache.lookup(key), cache.entries, cache.info,
                   cache.clear):
        with pytest.raises(CacheError, match=f"{re.escape(str(target))}.*NEUROGEN_CACHE_DIR.*not a folder"):
            action()
    assert (tmp_path / "afile").read_text() == "not a folder"


def test_cli_info_when_the_cache_path_is_a_file(tmp_path: Path) -> None:
    (tmp_path / "afile").write_text("")
    for action in ("info", "clear"):
        result = subprocess.run([sys.executable, "-m", "neurogen", "cache", action],
                                env=_env(NEUROGEN_CACHE_DIR=str(tmp_path / "afile")), capture_output=True, text=True)
        assert result.returncode == 1
        assert str(tmp_path / "afile") in result.stderr and "not a folder" in result.stderr
        assert "Traceback" not in result.stderr


def test_cli_info_reports_an_untrusted_cache(cache_dir: Path) -> None:
    cache.install(cache.compute_key(["cli-untrusted"]), _writer())
    os.chmod(cache_dir, 0o777)
    info = _cli("cache", "info")
    assert info.returncode == 1
    assert "UNTRUSTED" in info.stdout and f"{cache_dir} can be written by its group and every user" in info.stdout


# --- eviction never removes what the caller is about to load ---------------------------------

def test_eviction_keeps_the_entries_the_caller_names() -> None:
    library, other = cache.compute_key(["library"]), cache.compute_key(["other"])
    cache.install(library, _writer())
    cache.install(other, _writer())
    manifest = cache.install(cache.compute_key(["manifest"]), _writer(), max_bytes=0, keep=(library,))
    assert manifest.is_dir() and cache.lookup(library) is not None and cache.lookup(other) is None


# --- waiting for a build lock ------------------------------------------------------------------

HOLD_LOCK_SCRIPT = textwrap.dedent(
    """
    import sys, time
    from neurogen.compiled import cache

    def build(tmpdir):
        print("locked", flush=True)
        time.sleep(120)

    cache.install(sys.argv[1], build)
    """
)


def test_waiting_for_a_stopped_lock_holder_says_who_holds_the_lock(monkeypatch: pytest.MonkeyPatch,
                                                                   caplog: pytest.LogCaptureFixture) -> None:
    from neurogen.compiled import cache_lock

    monkeypatch.setattr(cache_lock, "NOTICE_AFTER_SECONDS", 0.2)
    key = cache.compute_key(["held"])
    holder = subprocess.Popen([sys.executable, "-c", HOLD_LOCK_SCRIPT, key], env=_env(),
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        os.kill(holder.pid, signal.SIGSTOP)
        done = threading.Event()
        waiter = threading.Thread(target=lambda: (cache.install(key, _writer()), done.set()))
        with caplog.at_level(logging.WARNING, logger="neurogen.compiled.cache"):
            waiter.start()
            deadline = time.monotonic() + 30
            while "is held by" not in caplog.text and time.monotonic() < deadline:
                time.sleep(0.05)
            assert not done.is_set()  # it keeps waiting: the holder may be resumed
            holder.kill()  # the lock dies with its process
            waiter.join(timeout=30)
        assert done.is_set()
    finally:
        holder.kill()
        holder.wait()
    lock = cache_dir_lock(key)
    assert f"the lock {lock} is held by pid {holder.pid}, which is stopped" in caplog.text
    assert f"kill -CONT {holder.pid}" in caplog.text
    assert (cache.lookup(key) / "lib.so").read_bytes() == b"x" * 100


def cache_dir_lock(key: str) -> Path:
    return cache.cache_root() / f"v{cache.CACHE_FORMAT}" / "locks" / f"{key}.lock"


# --- a cache that is in the way: what is wrong, and what to do --------------------------------

def _v(cache_dir: Path) -> Path:
    return cache_dir / f"v{cache.CACHE_FORMAT}"


@pytest.mark.parametrize("kind", ["folder", "fifo"])
def test_a_lock_that_is_not_a_file_is_a_clear_error(cache_dir: Path, kind: str) -> None:
    from neurogen.errors import MisplacedCacheItemError

    key = cache.compute_key(["lock", kind])
    lock = _v(cache_dir) / "locks" / f"{key}.lock"
    cache.install(cache.compute_key(["first"]), _writer())  # the cache's folders exist
    lock.mkdir() if kind == "folder" else os.mkfifo(lock)
    expected = "a folder, not a file" if kind == "folder" else "a FIFO, not a file"
    with pytest.raises(MisplacedCacheItemError, match=f"the build lock {re.escape(str(lock))} is {expected}.*"
                                                      "remove it.*NEUROGEN_CACHE_DIR"):
        cache.install(key, _writer())
    assert cache.lookup(key) is None and os.path.lexists(lock)  # nothing built, nothing deleted


def test_an_entry_that_is_a_file_is_replaced_by_a_new_build(cache_dir: Path,
                                                            caplog: pytest.LogCaptureFixture) -> None:
    key = cache.compute_key(["entry is a file"])
    cache.install(cache.compute_key(["first"]), _writer())
    blocked = _v(cache_dir) / "entries" / key
    blocked.write_text("x")
    os.chmod(blocked, 0o600)
    with caplog.at_level(logging.WARNING, logger="neurogen.compiled.cache"):
        entry = cache.install(key, _writer())
    assert entry.is_dir() and cache.verified_file(key, "lib.so").data == b"x" * 100
    assert "a file where a cache entry folder belongs" in caplog.text


def test_an_entry_that_is_someone_elses_file_is_left_alone(cache_dir: Path) -> None:
    from neurogen.errors import UntrustedCacheError

    key = cache.compute_key(["entry is a foreign file"])
    cache.install(cache.compute_key(["first"]), _writer())
    blocked = _v(cache_dir) / "entries" / key
    blocked.write_text("x")
    os.chmod(blocked, 0o666)  # anyone could have written it
    with pytest.raises(UntrustedCacheError, match=f"{re.escape(str(blocked))} can be written by.*not a folder"):
        cache.install(key, _writer())
    assert blocked.read_text() == "x"


def test_a_file_where_the_tmp_folder_belongs_is_named_as_such(cache_dir: Path) -> None:
    from neurogen.errors import MisplacedCacheItemError

    _v(cache_dir).mkdir(parents=True, mode=0o700)
    os.chmod(cache_dir, 0o700)
    (_v(cache_dir) / "tmp").write_text("x")
    with pytest.raises(MisplacedCacheItemError) as error:
        cache.install(cache.compute_key(["tmp is a file"]), _writer())
    message = str(error.value)
    assert f"{_v(cache_dir) / 'tmp'} is not a folder (a file), where neurogen keeps a folder" in message
    assert "NEUROGEN_CACHE_DIR" in message and "run their code" not in message


@pytest.mark.parametrize("folder", ["tmp", "entries"])
def test_cli_info_names_a_file_in_the_way_without_calling_it_untrusted(cache_dir: Path, folder: str) -> None:
    cache.install(cache.compute_key(["cli-unusable"]), _writer())
    path = _v(cache_dir) / folder
    shutil.rmtree(path)
    path.write_text("x")
    info = _cli("cache", "info")
    assert info.returncode == 1 and "Traceback" not in info.stderr
    assert f"UNUSABLE:   the neurogen cache at {cache_dir} cannot be used: {path} is not a folder (a file)" in info.stdout
    assert "UNTRUSTED" not in info.stdout


def test_a_file_of_an_entry_that_is_a_folder_is_a_damaged_entry(cache_dir: Path) -> None:
    key = cache.compute_key(["library is a folder"])
    entry = cache.install(key, _writer())
    (entry / "lib.so").unlink()
    (entry / "lib.so").mkdir()
    with pytest.raises(DamagedCacheEntryError, match="lib.so is a folder, not the file neurogen installed"):
        cache.verified_file(key, "lib.so")


def _deny_writes_below(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``folder`` read-only: really (mode 0555), and for root (who may write anyway) by
    making the cache's mkdir calls below it fail as they would for anyone else."""
    folder.mkdir(parents=True, exist_ok=True)
    os.chmod(folder, 0o555)
    if os.geteuid() == 0:
        real_mkdir = os.mkdir

        def mkdir(path, mode=0o777, *args, **kwargs):
            if str(path).startswith(str(folder) + os.sep):
                raise PermissionError(13, "Permission denied", str(path))
            return real_mkdir(path, mode, *args, **kwargs)

        monkeypatch.setattr(cache.os, "mkdir", mkdir)


@pytest.mark.parametrize("where", ["NEUROGEN_CACHE_DIR", "HOME"])
def test_a_cache_that_cannot_be_written_says_where_and_what_to_do(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                  where: str) -> None:
    readonly = tmp_path / "readonly"
    if where == "HOME":
        monkeypatch.delenv("NEUROGEN_CACHE_DIR")
        monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
        monkeypatch.setenv("HOME", str(readonly))
        expected = "the default location, under $HOME"
    else:
        monkeypatch.setenv("NEUROGEN_CACHE_DIR", str(readonly / "cache"))
        expected = "set by NEUROGEN_CACHE_DIR"
    _deny_writes_below(readonly, monkeypatch)
    try:
        with pytest.raises(CacheError) as error:
            cache.install(cache.compute_key(["unwritable"]), _writer())
    finally:
        os.chmod(readonly, 0o755)
    message = str(error.value)
    assert f"cannot create the folder {readonly}/" in message and "Permission denied" in message
    assert expected in message and "set NEUROGEN_CACHE_DIR to a folder you can write" in message

"""Nothing is loaded from a cache that someone else could have written (README: the trust model).

Tests run as root here, and root can read and write anything: so the checks (and these tests)
look at owners and mode bits, never at ``os.access``. Another owner is made with ``chown`` when
running as root, else simulated by pretending to be another user.
"""
from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from neurogen.compiled import cache, cache_trust
from neurogen.errors import UntrustedCacheError
from planted import NOBODY, plant_library


@pytest.fixture(autouse=True)
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "cache"
    monkeypatch.setenv("NEUROGEN_CACHE_DIR", str(root))
    return root


def _install(name: str = "lib.so", data: bytes = b"\x7fELF-ish") -> tuple[str, Path]:
    key = cache.compute_key(["trust", name])
    entry = cache.install(key, lambda d: (d / name).write_bytes(data))
    return key, entry


def _levels(cache_dir: Path, entry: Path) -> dict[str, Path]:
    v = cache_dir / f"v{cache.CACHE_FORMAT}"
    return {"root": cache_dir, "format": v, "entries": v / "entries", "entry": entry,
            "library": entry / "lib.so", "record": entry / cache.RECORD}


def _give_away(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Make ``path`` belong to someone else: really (as root), else by pretending to be another uid."""
    if os.geteuid() == 0:
        os.chown(path, NOBODY, -1, follow_symlinks=False)
    else:  # everything we own now looks foreign; root-owned folders above stay trusted
        monkeypatch.setattr(cache_trust, "current_uid", lambda: os.geteuid() + 1)


# --- the rule itself, on made-up stat results ------------------------------------------------

def _stat(mode: int, uid: int) -> os.stat_result:
    return os.stat_result((mode, 0, 0, 1, uid, 0, 0, 0, 0, 0))


@pytest.mark.parametrize("mode, uid, verdict", [
    (stat.S_IFDIR | 0o700, 1000, None),
    (stat.S_IFDIR | 0o755, 0, None),          # root's folders are trusted (root could change anything)
    (stat.S_IFDIR | 0o755, 1001, "belongs to"),
    (stat.S_IFDIR | 0o770, 1000, "can be written by its group"),
    (stat.S_IFDIR | 0o1777, 1000, "can be written by its group and every user"),
    (stat.S_IFDIR | 0o702, 1000, "can be written by every user"),
    (stat.S_IFREG | 0o644, 1000, "is not a folder"),
    (stat.S_IFLNK | 0o777, 1000, "symbolic link"),
])
def test_trust_rule_for_a_folder(mode: int, uid: int, verdict: str | None) -> None:
    reason = cache_trust.problem(_stat(mode, uid), folder=True, uid=1000)
    assert reason is None if verdict is None else verdict in reason


def test_trust_rule_for_a_file() -> None:
    assert cache_trust.problem(_stat(stat.S_IFREG | 0o755, 1000), folder=False, uid=1000) is None
    assert "not a regular file" in cache_trust.problem(_stat(stat.S_IFDIR | 0o700, 1000), folder=False, uid=1000)
    assert "every user" in cache_trust.problem(_stat(stat.S_IFREG | 0o646, 1000), folder=False, uid=1000)
    assert "belongs to" in cache_trust.problem(_stat(stat.S_IFREG | 0o644, 1001), folder=False, uid=1000)


# --- on disk: every folder from the root down, and the files ---------------------------------

@pytest.mark.parametrize("level", ["root", "format", "entries", "entry", "library", "record"])
@pytest.mark.parametrize("bits", [stat.S_IWGRP, stat.S_IWOTH])
def test_writable_by_others_is_refused_before_reading(cache_dir: Path, level: str, bits: int) -> None:
    key, entry = _install()
    path = _levels(cache_dir, entry)[level]
    os.chmod(path, stat.S_IMODE(path.stat().st_mode) | bits)
    with pytest.raises(UntrustedCacheError, match=f"{path} can be written by"):
        cache.verified_file(key, "lib.so")
    assert entry.is_dir()  # refused, not deleted: it may not be neurogen's to delete
    os.chmod(path, stat.S_IMODE(path.stat().st_mode) & ~bits)
    assert cache.verified_file(key, "lib.so") is not None


@pytest.mark.parametrize("level", ["root", "format", "entries", "entry", "library", "record"])
def test_another_owner_is_refused(cache_dir: Path, level: str, monkeypatch: pytest.MonkeyPatch) -> None:
    key, entry = _install()
    path = _levels(cache_dir, entry)[level]
    _give_away(path, monkeypatch)
    with pytest.raises(UntrustedCacheError, match="belongs to"):
        cache.verified_file(key, "lib.so")


def test_a_symbolic_link_in_the_cache_is_refused(cache_dir: Path, tmp_path: Path) -> None:
    key, entry = _install()
    elsewhere = tmp_path / "elsewhere.so"
    elsewhere.write_bytes(b"\x7fELF-ish")  # even with the recorded content
    (entry / "lib.so").unlink()
    (entry / "lib.so").symlink_to(elsewhere)
    with pytest.raises(UntrustedCacheError, match="symbolic link"):
        cache.verified_file(key, "lib.so")


def test_a_cache_root_that_is_a_symbolic_link_is_followed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Users may keep their cache elsewhere through a link; the folder it points to is checked."""
    (tmp_path / "real").mkdir(mode=0o700)
    (tmp_path / "link").symlink_to(tmp_path / "real")
    monkeypatch.setenv("NEUROGEN_CACHE_DIR", str(tmp_path / "link"))
    key, _ = _install()
    assert cache.verified_file(key, "lib.so") is not None
    os.chmod(tmp_path / "real", 0o777)
    with pytest.raises(UntrustedCacheError):
        cache.verified_file(key, "lib.so")


def test_nothing_is_built_into_an_untrusted_cache(cache_dir: Path) -> None:
    cache_dir.mkdir(mode=0o700)
    os.chmod(cache_dir, 0o770)
    calls = []
    with pytest.raises(UntrustedCacheError, match=str(cache_dir)):
        cache.install(cache.compute_key(["never"]), calls.append)
    assert calls == []


# --- planted libraries never run ---------------------------------------------------------------

def test_a_planted_library_is_detected_and_never_loaded(tmp_path: Path) -> None:
    """In-process: the runtime verifies a library before it loads it (subprocess tests of the
    whole path, shell included: test_compile_cache.test_planted_library_never_runs)."""
    import ctypes

    from neurogen.compiled.library import Manifest
    from neurogen.errors import DamagedCacheEntryError
    from neurogen.runtime.simulation import Simulation

    key, entry = _install("network.so", b"a library neurogen built")
    marker = tmp_path / "marker"
    plant_library(entry / "network.so", marker)
    with pytest.raises(DamagedCacheEntryError, match="does not match the sha256"):
        Simulation(ctypes.CDLL, Manifest(key, ()), "a front-end key")  # CDLL: a real dlopen
    assert not marker.exists()
    ctypes.CDLL(str(entry / "network.so"))  # the check itself: loading it does write the marker
    assert marker.exists()

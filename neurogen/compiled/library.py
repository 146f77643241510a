"""Build what a model needs: the compiled network (or find it in the cache) and the shell.

Warm path (no sympy): a front-end key over the model's text, structure and the units of its
external names finds a manifest, which names the compiled library and the order in which
it takes its arrays and values. Cold path: lower → passes → render → compile → cache.
"""
from __future__ import annotations

import importlib.util
import json
import logging
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any, Callable, Sequence

from . import cache
from ..binding import Binding
from ..errors import DamagedCacheEntryError
from ..resources import static_headers, templates_dir
from .toolchain import (BuildConfig, build_config, compile_shared_library, cythonize,
                        extension_suffix, python_include_dirs)
from ..preferences import prefs

log = logging.getLogger(__name__)

VERSION = "0.1.0"


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """neurogen's version plus a hash of its own sources and templates.

    Part of every key: a changed template or pass must never be served a stale build, even
    when the version number was not bumped (a development checkout, a patched install).
    """
    package = Path(__file__).resolve().parent.parent  # all of neurogen, not just this subpackage
    files = sorted(package.rglob("*.py")) + sorted(p for p in templates_dir().rglob("*") if p.is_file())
    parts = [VERSION] + [f"{p.name}:{p.read_bytes().hex()}" for p in files if "__pycache__" not in p.parts]
    return cache.compute_key(parts)


@dataclass(frozen=True)
class Manifest:
    """How to call one compiled network: its library and its binding contract (``binding``)."""

    module: str
    fields: tuple[tuple[str, str, str, str], ...]  # (member, name, ctype, kind), declaration order
    carried: tuple[tuple[str, str, str], ...] = ()  # (member, input, output): spikes in transit

    def to_json(self) -> str:
        return json.dumps({"module": self.module, "fields": self.fields, "carried": self.carried}, sort_keys=True)

    @classmethod
    def from_json(cls, text: str | bytes) -> "Manifest":
        """Parse, checking the shape; ``DamagedCacheEntryError`` for anything neurogen did not write."""
        try:
            data = json.loads(text)
            module, fields = data["module"], tuple(tuple(f) for f in data["fields"])
            carried = tuple(tuple(c) for c in data["carried"])
            well_formed = isinstance(module, str) and all(
                len(f) == 4 and all(isinstance(x, str) for x in f) for f in fields) and all(
                len(c) == 3 and all(isinstance(x, str) for x in c) for c in carried)
            manifest = cls(module, fields, carried)  # type: ignore[arg-type]
            if well_formed:
                manifest.binding  # noqa: B018 (a carry naming no such input is damage too)
        except (ValueError, KeyError, TypeError) as exc:
            raise DamagedCacheEntryError(f"invalid manifest ({type(exc).__name__}: {exc})") from None
        if not well_formed:
            raise DamagedCacheEntryError("invalid manifest (fields are not (member, name, ctype, kind) names)")
        return manifest

    @cached_property
    def binding(self) -> Binding:
        """Which slot of ``ng_run``'s arrays each input and output takes (``neurogen.binding``)."""
        return Binding.from_fields(self.fields, self.carried)

    @classmethod
    def of(cls, module: str, binding: Binding) -> "Manifest":
        return cls(module, binding.fields(), tuple((c.member, c.input, c.output) for c in binding.carried))


LIBRARY = "network.so"
"""The file name of every compiled network in its cache entry."""


# -- the toolchain ----------------------------------------------------------------------

_TOOLCHAIN_NOTE = "toolchain"


def current_toolchain() -> BuildConfig:
    """The build config; with no compiler on this machine, one that still finds cached builds."""
    return build_config(_last_build_toolchain)


def _last_build_toolchain() -> tuple[str, str] | None:
    """(compiler, version) of the last build in this cache, from its note; None if unknown."""
    text = cache.read_note(_TOOLCHAIN_NOTE)
    try:
        data = json.loads(text) if text is not None else None
        return (str(data["compiler"]), str(data["version"])) if data is not None else None
    except (ValueError, KeyError, TypeError):
        return None


def _remember_toolchain(config: BuildConfig) -> None:
    try:
        cache.write_note(_TOOLCHAIN_NOTE, json.dumps({"compiler": config.compiler,
                                                      "version": config.compiler_version}))
    except (OSError, cache.CacheError) as exc:  # only a convenience for machines without a compiler
        log.debug("could not record the toolchain: %s", exc)


# -- the shell --------------------------------------------------------------------------

@lru_cache(maxsize=1)
def shell() -> Any:
    """The Cython shell module, built once per neurogen version, Python and toolchain.

    A damaged cached shell (truncated, changed) is found before it is loaded, and rebuilt.
    """
    config = current_toolchain()
    pyx = templates_dir() / "shell" / "_neurogen_shell.pyx"
    import Cython

    key = cache.compute_key(["shell", str(cache.CACHE_FORMAT), VERSION, pyx.read_text(),
                             Cython.__version__, extension_suffix(), config.compiler,
                             config.compiler_version, config.machine])
    name = f"_neurogen_shell{extension_suffix()}"
    for attempt in range(2):
        cache.install(key, lambda d: _build_shell(d, pyx, config), max_bytes=max_bytes())
        try:
            found = cache.verified_file(key, name)
            if found is None:
                raise DamagedCacheEntryError(f"the runtime shell {key[:12]} was removed from the cache")
            return _import_extension("_neurogen_shell", found.path)
        except (DamagedCacheEntryError, ImportError) as exc:
            if attempt:
                raise
            log.warning("discarding neurogen's damaged runtime shell and building it again: %s", exc)
            cache.discard(key)
    raise AssertionError("unreachable")


def _import_extension(name: str, path: Path) -> Any:
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


def _build_shell(directory: Path, pyx: Path, config: BuildConfig) -> None:
    config.require_compiler()
    log.info("building neurogen's runtime shell (once per version and toolchain)")
    source = directory / "_neurogen_shell.cpp"
    cythonize(pyx, source)
    flags = ("-std=c++17", "-O1", "-fPIC", "-fvisibility=hidden")  # it only passes calls through
    shell_config = BuildConfig(config.compiler, config.compiler_version, flags, config.machine, "")
    compile_shared_library([source], directory / f"_neurogen_shell{extension_suffix()}", shell_config,
                           python_include_dirs(), extra=("-w",), export="PyInit__neurogen_shell")
    _remember_toolchain(config)


# -- compiled networks ------------------------------------------------------------------

def frontend_key(frontend_parts: Sequence[str], config: BuildConfig) -> str:
    """The key of a model's manifest: its text and structure, neurogen's code and the toolchain."""
    return cache.compute_key(["frontend", str(cache.CACHE_FORMAT), code_fingerprint(),
                              *config.key_parts(), *frontend_parts])


def compiled_network(frontend_key: str, config: BuildConfig, make_ir: Callable[[], Any]) -> Manifest:
    """The manifest for a model, compiling only when no cached build matches.

    The library it names (``LIBRARY`` in the entry ``manifest.module``) was in the cache a
    moment ago; the runtime verifies it when it loads it.
    """
    manifest = _cached_manifest(frontend_key)
    if manifest is not None:
        if cache.lookup(manifest.module) is not None:
            return manifest
        log.debug("manifest %s found but its library is gone; rebuilding", frontend_key[:12])
    manifest = _build_network(make_ir, config, frontend_key)
    cache.install(frontend_key, lambda d: (d / "manifest.json").write_text(manifest.to_json()),
                  max_bytes=max_bytes(), keep=(manifest.module,))
    return manifest


def _cached_manifest(frontend_key: str) -> Manifest | None:
    """The cached manifest, or None; a damaged one is discarded (and then built again)."""
    try:
        found = cache.verified_file(frontend_key, "manifest.json")
        return None if found is None else Manifest.from_json(found.data)
    except DamagedCacheEntryError as exc:
        log.warning("discarding a damaged neurogen cache entry and building it again: %s", exc)
        cache.discard(frontend_key)
        return None


def _build_network(make_ir: Callable[[], Any], config: BuildConfig, frontend_key: str) -> Manifest:
    from ..compiler.passes import run_passes
    from ..compiler.render import render_network

    network = run_passes(make_ir())
    files = render_network(network)
    headers = static_headers()
    parts = ["network", str(cache.CACHE_FORMAT), code_fingerprint(), *config.key_parts()]
    for name, text in sorted({**files, **headers}.items()):
        parts += [name, text]
    module_key = cache.compute_key(parts)
    binding = network.binding()

    def build(directory: Path) -> None:
        log.info("compiling network %s: no compiled code for this model structure yet "
                 "(front-end key %s; first use, or equations, flags or compiler changed)",
                 module_key[:12], frontend_key[:12])
        _compile_network(directory, files, headers, config)

    cache.install(module_key, build, max_bytes=max_bytes())
    return Manifest.of(module_key, binding)


def _compile_network(directory: Path, files: dict[str, str], headers: dict[str, str],
                     config: BuildConfig) -> None:
    config.require_compiler()
    for name, text in {**files, **headers}.items():
        (directory / name).write_text(text)
    messages = compile_shared_library([directory / "network.cpp"], directory / LIBRARY, config,
                                      [directory], export="ng_abi_version")
    if messages.strip():
        log.warning("compiler warnings in generated code (a neurogen bug):\n%s", messages)
    _remember_toolchain(config)


def max_bytes() -> int:
    """``prefs.cache.max_bytes``, checked: the cap on the cache's size after each build.

    Eviction never removes the entries a build is about to use, so even 0 works: it keeps only
    the latest build, and every new process compiles again (the cache is in effect off).
    """
    value = prefs.cache.max_bytes
    try:
        number = int(value)
        valid = not isinstance(value, (bool, str)) and number == value and number >= 0
    except (TypeError, ValueError, OverflowError):
        valid = False
    if not valid:
        raise ValueError(f"prefs.cache.max_bytes must be a whole number of bytes >= 0, not {value!r}")
    return number

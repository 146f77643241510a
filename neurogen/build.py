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
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, Sequence

from . import cache
from .resources import static_headers, templates_dir
from .toolchain import (BuildConfig, build_config, compile_shared_library, cythonize,
                        extension_suffix, python_include_dirs)

log = logging.getLogger(__name__)

VERSION = "0.1.0"


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """neurogen's version plus a hash of its own sources and templates.

    Part of every key: a changed template or pass must never be served a stale build, even
    when the version number was not bumped (a development checkout, a patched install).
    """
    package = Path(__file__).resolve().parent
    files = sorted(package.rglob("*.py")) + sorted(p for p in templates_dir().rglob("*") if p.is_file())
    parts = [VERSION] + [f"{p.name}:{p.read_bytes().hex()}" for p in files if "__pycache__" not in p.parts]
    return cache.compute_key(parts)
@dataclass(frozen=True)
class Manifest:
    """How to call one compiled network: its library and the order of its inputs."""

    module: str
    fields: tuple[tuple[str, str, str, str], ...]  # (member, name, ctype, kind), bind order

    def to_json(self) -> str:
        return json.dumps({"module": self.module, "fields": self.fields}, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> "Manifest":
        data = json.loads(text)
        return cls(data["module"], tuple(tuple(f) for f in data["fields"]))

    def dynamic(self) -> list[tuple[str, str, str]]:
        return [(m, n, c) for m, n, c, kind in self.fields if kind == "dynamic"]


# -- the shell --------------------------------------------------------------------------

@lru_cache(maxsize=1)
def shell() -> Any:
    """The Cython shell module, built once per neurogen version, Python and toolchain."""
    config = build_config()
    pyx = templates_dir() / "shell" / "_neurogen_shell.pyx"
    import Cython

    key = cache.compute_key(["shell", str(cache.CACHE_FORMAT), VERSION, pyx.read_text(),
                             Cython.__version__, extension_suffix(), config.compiler,
                             config.compiler_version, config.machine])
    entry = cache.install(key, lambda d: _build_shell(d, pyx, config))
    path = entry / f"_neurogen_shell{extension_suffix()}"
    spec = importlib.util.spec_from_file_location("_neurogen_shell", path)
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


def _build_shell(directory: Path, pyx: Path, config: BuildConfig) -> None:
    log.info("building neurogen's runtime shell (once per version and toolchain)")
    source = directory / "_neurogen_shell.cpp"
    cythonize(pyx, source)
    flags = ("-std=c++17", "-O1", "-fPIC", "-fvisibility=hidden")  # it only passes calls through
    shell_config = BuildConfig(config.compiler, config.compiler_version, flags, config.machine, "")
    compile_shared_library([source], directory / f"_neurogen_shell{extension_suffix()}", shell_config,
                           python_include_dirs(), extra=("-w",))


# -- compiled networks ------------------------------------------------------------------

def compiled_network(frontend_parts: Sequence[str], make_ir: Callable[[], Any]) -> tuple[Path, Manifest]:
    """The library and manifest for a model, compiling only when no cached build matches."""
    config = build_config()
    frontend_key = cache.compute_key(["frontend", str(cache.CACHE_FORMAT), code_fingerprint(),
                                      *config.key_parts(), *frontend_parts])
    entry = cache.lookup(frontend_key)
    if entry is not None:
        manifest = Manifest.from_json((entry / "manifest.json").read_text())
        library = cache.lookup(manifest.module)
        if library is not None:
            return library / "network.so", manifest
        log.debug("manifest %s found but its library is gone; rebuilding", frontend_key[:12])
    manifest, library = _build_network(make_ir, config, frontend_key)
    cache.install(frontend_key, lambda d: (d / "manifest.json").write_text(manifest.to_json()),
                  max_bytes=_max_bytes())
    return library, manifest


def _build_network(make_ir: Callable[[], Any], config: BuildConfig, frontend_key: str) -> tuple[Manifest, Path]:
    from .passes import run_passes
    from .render import render_network

    network = run_passes(make_ir())
    files = render_network(network)
    headers = static_headers()
    parts = ["network", str(cache.CACHE_FORMAT), code_fingerprint(), *config.key_parts()]
    for name, text in sorted({**files, **headers}.items()):
        parts += [name, text]
    module_key = cache.compute_key(parts)
    fields = tuple((o.member, f.name, f.ctype, f.kind.value) for o in network.objects for f in o.fields)
    manifest = Manifest(module_key, fields)

    def build(directory: Path) -> None:
        log.info("compiling network %s: no compiled code for this model structure yet "
                 "(front-end key %s; first use, or equations, flags or compiler changed)",
                 module_key[:12], frontend_key[:12])
        _compile_network(directory, files, headers, config)

    entry = cache.install(module_key, build, max_bytes=_max_bytes())
    return manifest, entry / "network.so"


def _compile_network(directory: Path, files: dict[str, str], headers: dict[str, str],
                     config: BuildConfig) -> None:
    for name, text in {**files, **headers}.items():
        (directory / name).write_text(text)
    messages = compile_shared_library([directory / "network.cpp"], directory / "network.so", config,
                                      [directory])
    if messages.strip():
        log.warning("compiler warnings in generated code (a neurogen bug):\n%s", messages)
    (directory / "build.log").write_text(messages)


def _max_bytes() -> int:
    from .preferences import prefs

    return int(prefs.cache.max_bytes)

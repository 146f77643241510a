"""Where the templates and static headers are: in the package, or in a source checkout."""
from __future__ import annotations

from importlib import resources
from pathlib import Path

STATIC_HEADERS = ("functions.hpp", "random.hpp", "ziggurat_tables.hpp", "distributions.hpp", "synapses.hpp")


def templates_dir() -> Path:
    """Templates ship inside the package; a source checkout keeps them at the top level."""
    packaged = resources.files("neurogen") / "templates"
    if packaged.is_dir():
        return Path(str(packaged))
    return Path(__file__).resolve().parent.parent / "templates"


def static_headers() -> dict[str, str]:
    base = templates_dir() / "static"
    return {name: (base / name).read_text() for name in STATIC_HEADERS}

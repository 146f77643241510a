"""pyplot's plotting names for ``from neurogen import *`` (Brian2's star import includes pylab's).

matplotlib is imported on the first call of one of them, not when neurogen is imported: a
script that does not plot starts fast and runs without matplotlib; one that plots without it
gets an error that says what to install.
"""
from __future__ import annotations

import builtins
import importlib
import types
from typing import Any, Iterable

import numpy

#: The plotting functions of ``matplotlib.pyplot`` that Brian2 scripts reach through pylab.
PLOT_FUNCTIONS = (
    "acorr", "annotate", "arrow", "autoscale", "axes", "axhline", "axhspan", "axis", "axline",
    "axvline", "axvspan", "bar", "bar_label", "barbs", "barh", "boxplot", "broken_barh", "cla",
    "clabel", "clf", "clim", "close", "colorbar", "contour", "contourf", "delaxes", "draw",
    "errorbar", "eventplot", "figimage", "figlegend", "figtext", "figure", "fill", "fill_between",
    "fill_betweenx", "gca", "gcf", "gci", "get_cmap", "grid", "hexbin", "hist", "hist2d", "hlines",
    "imread", "imsave", "imshow", "ioff", "ion", "legend", "locator_params", "loglog", "margins",
    "matshow", "minorticks_off", "minorticks_on", "pause", "pcolor", "pcolormesh", "pie", "plot",
    "polar", "psd", "quiver", "quiverkey", "rc", "rcdefaults", "savefig", "sca", "scatter",
    "semilogx", "semilogy", "set_cmap", "setp", "show", "specgram", "spy", "stackplot", "stairs",
    "stem", "step", "streamplot", "subplot", "subplot2grid", "subplot_mosaic", "subplots",
    "subplots_adjust", "suptitle", "text", "tick_params", "ticklabel_format", "tight_layout",
    "title", "tricontour", "tricontourf", "tripcolor", "triplot", "twinx", "twiny", "violinplot",
    "vlines", "xlabel", "xlim", "xscale", "xticks", "ylabel", "ylim", "yscale", "yticks",
    "figaspect", "autumn", "bone", "cool", "copper", "flag", "gray", "hot", "hsv", "inferno", "jet",
    "magma", "nipy_spectral", "pink", "plasma", "prism", "spring", "summer", "viridis", "winter",
    # the tick formatters and locators pyplot re-exports (Stimberg et al. 2018's ScalarFormatter())
    "ScalarFormatter", "FormatStrFormatter", "FuncFormatter", "FixedFormatter", "NullFormatter",
    "LogFormatter", "MaxNLocator", "MultipleLocator", "LogLocator", "AutoLocator", "NullLocator",
    "FixedLocator", "LinearLocator", "IndexLocator",
)


def matplotlib_module(name: str = "matplotlib.pyplot") -> types.ModuleType:
    """``matplotlib.pyplot`` (or another matplotlib module), with a clear error when it is missing."""
    try:
        return importlib.import_module(name)
    except ImportError as error:
        raise ImportError("plotting needs matplotlib, which is not installed: pip install matplotlib "
                          "(Brian2 scripts get pyplot's functions through 'from brian2 import *')") from error


def pyplot() -> types.ModuleType:
    return matplotlib_module("matplotlib.pyplot")


class PyplotFunction:
    """``plot`` and friends: ``matplotlib.pyplot``'s function of that name, imported on first call."""

    __slots__ = ("__name__",)

    def __init__(self, name: str) -> None:
        self.__name__ = name

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return getattr(pyplot(), self.__name__)(*args, **kwargs)

    def __repr__(self) -> str:
        return f"<matplotlib.pyplot.{self.__name__} (imported on first use)>"


class LazyMatplotlib(types.ModuleType):
    """``plt`` and ``mpl``: ``matplotlib.pyplot`` and ``matplotlib``, imported on first attribute access."""

    def __getattr__(self, name: str) -> Any:
        return getattr(matplotlib_module(self.__name__), name)


class LazyRcParams:
    """``rcParams``: matplotlib's settings, imported on first use (``rcParams['font.size'] = 8``)."""

    def __getattr__(self, name: str) -> Any:
        return getattr(matplotlib_module("matplotlib").rcParams, name)

    def __getitem__(self, key: str) -> Any:
        return matplotlib_module("matplotlib").rcParams[key]

    def __setitem__(self, key: str, value: Any) -> None:
        matplotlib_module("matplotlib").rcParams[key] = value

    def __repr__(self) -> str:
        return "<matplotlib.rcParams (imported on first use)>"


rcParams = LazyRcParams()
plt = LazyMatplotlib("matplotlib.pyplot")
mpl = LazyMatplotlib("matplotlib")
FUNCTIONS = {name: PyplotFunction(name) for name in PLOT_FUNCTIONS}


#: The builtins that pylab (and so Brian2's star import) replaces with numpy's functions.
NUMPY_OVER_BUILTINS = frozenset({"sum", "any", "all", "divmod"})


def numpy_names(taken: Iterable[str]) -> dict[str, Any]:
    """The rest of what ``from brian2 import *`` brings from numpy: ``from numpy import *``,
    then, as pylab does, ``from numpy.fft/random/linalg import *`` (a later module's name wins,
    so ``rand``, ``randn``, ``normal``, ``power`` are numpy.random's and ``fft`` is numpy.fft's,
    as in Brian2). A name neurogen defines itself (``seed``, the units) stays neurogen's.

    Of numpy's names that are also Python builtins, ``sum``, ``any``, ``all`` and ``divmod`` are
    numpy's, the others (``abs``, ``bool``, ``bytes``, ``max``, ``min``, ``pow``, ``round``) stay
    Python's: that is what ``from brian2 import *`` gives with matplotlib installed (pylab restores
    exactly those seven). So ``sum(M.count)`` is numpy's sum, and, as in Brian2, ``any`` and ``all``
    of a *generator* are always true: use a list.
    ``test`` (numpy's test runner) is left out: Brian2's ``test`` runs Brian2's tests.
    """
    names: dict[str, Any] = {}
    for module in (numpy, numpy.fft, numpy.random, numpy.linalg):
        names.update({name: getattr(module, name) for name in module.__all__ if not name.startswith("__")})
    taken = set(taken) | (set(dir(builtins)) - NUMPY_OVER_BUILTINS) | {"test"}
    return {name: value for name, value in names.items() if name not in taken}

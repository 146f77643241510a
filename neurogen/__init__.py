"""neurogen: Brian2-style spiking network models compiled to C++.

``from neurogen import *`` gives Brian2's names for the supported subset; importing does no
work (sympy, the compiler and the cache are touched only when a model first runs).
"""
from __future__ import annotations

from .errors import (BrianObjectException, CompilationError, DimensionMismatchError, EquationError, MagicError,
                     NeurogenError, PreferenceError)
from .frontend.equations import Equations
from .runtime.network import MagicNetwork, Network, current_magic_network, restore, run, store
from .runtime.network import collect, profiling_summary, scheduling_summary
from .objects.clock import Clock
from .objects.monitors import PopulationRateMonitor, SpikeMonitor, StateMonitor
from .objects.monitors import EventMonitor
from .objects.contributions import ContributionMonitor
from .objects.neurongroup import NeuronGroup
from .objects.poissongroup import PoissonGroup
from .objects.poissoninput import PoissonInput
from .objects.operation import NetworkOperation, network_operation, stop
from .objects.runner import CodeRunner
from .objects.eventclock import EventClock
from .objects.spikegenerator import SpikeGeneratorGroup
from .objects.synapses import Synapses
from .preferences import prefs
from .session import seed, session, start_scope
from .runtime.backend import CompiledBackend
from .units import *  # noqa: F401,F403  (Brian2's unit names are part of the API)
from .objects.timedarray import TimedArray
from .objects.linked import linked_var
from .frontend.functions import Function, declare_types, implementation
from .objects.unsupported import unsupported_names as _unsupported_names
from .objects.base import SimObject as BrianObject  # Brian2's base class, for isinstance checks
from .objects.group import Group
from .objects.subgroup import Subgroup
from .standalone.results import load_results
from .standalone.device import device, export_project, set_device
from .standalone.device import get_device, reset_device  # reset_device: as brian2.devices.device
from .logger import BrianLogger, configure_from_environment, get_logger
from . import kernels  # noqa: F401  (``from neurogen import kernels``; not in ``*``: a user's own name)
from .inspection import ModelWarning, check, explain  # model checks and explain (issue 14)
import types as _types

#: Brian2's star import gives its ``codegen`` package; scripts set attributes on it
#: (``codegen.target = 'numpy'``), which changes nothing here: neurogen always compiles C++.
codegen = _types.ModuleType("codegen", "Brian2's codegen package as a name; attributes may be set and change "
                            "nothing (neurogen always generates C++)")
from .units import __all__ as _unit_names

import numpy as np  # noqa: E402  (Brian2's star import provides np and numpy functions too)
from numpy import (array, asarray, ceil, clip, cos, cumsum, diff, exp, floor, linspace,  # noqa: E402
                   log, mean, ones, sin, sqrt, std, tanh, var, where, zeros)

from .units.functions import arange, exprel  # noqa: E402  (Brian2's unit-aware versions)
from .pylab import FUNCTIONS as _plot_functions, mpl, numpy_names as _numpy_names, plt, rcParams  # noqa: E402
import datetime  # noqa: E402,F401  (pylab gives the module, not numpy's datetime names)
import logging  # noqa: E402,F401  (Brian2's star import gives these modules too)
import time  # noqa: E402,F401
import numpy  # noqa: E402,F401
matplotlib = mpl  # imported on first use
import numpy.ma as ma  # noqa: E402,F401

#: Brian2's integration methods as names: ``method=euler`` works as ``method='euler'``.
_method_names = ("exact", "linear", "euler", "rk2", "rk4", "heun", "milstein", "exponential_euler",
                 "gsl_rk2", "gsl_rk4", "gsl_rkf45", "gsl_rkck", "gsl_rk8pd")  # GSL: refused, naming it

globals().update(_plot_functions)  # matplotlib is imported on first use
globals().update({name: name for name in _method_names})  # method=euler is method='euler'
globals().update(_unsupported_names())  # Brian2's names for what is missing: NotImplementedError naming it
_numpy_extras = _numpy_names(set(globals()) | {"defaultclock"})
globals().update(_numpy_extras)
session().backend = CompiledBackend()  # objects reach the compiler and runtime only through it

__version__ = "0.1.0"


configure_from_environment()  # the console for warnings and the compile notice; NEUROGEN_LOG


def __getattr__(name: str):  # defaultclock is per session, created on first use
    if name == "defaultclock":
        return session().defaultclock
    if name == "magic_network":
        return current_magic_network()
    raise AttributeError(f"module 'neurogen' has no attribute {name!r}")


__all__ = [
    "NeuronGroup", "SpikeMonitor", "StateMonitor", "PopulationRateMonitor", "Network",
    "EventMonitor", "ContributionMonitor",
    "MagicNetwork", "run", "store", "restore", "Clock", "defaultclock", "seed", "start_scope", "prefs", "Equations",
    "NeurogenError", "EquationError", "DimensionMismatchError", "CompilationError", "PreferenceError", "np",
    "Synapses", "PoissonInput", "PoissonGroup", "SpikeGeneratorGroup", "TimedArray", "set_device",
    "device", "export_project", "load_results",
    "arange", "array", "asarray", "ceil", "clip", "cos", "cumsum", "diff", "exp", "floor",
    "linspace", "log", "mean", "ones", "sin", "sqrt", "std", "tanh", "var", "where", "zeros",
    "plt", "mpl", "ma", "datetime", "rcParams", "matplotlib", "logging", "time", "numpy", "magic_network",
    "MagicError", "BrianObjectException", *_plot_functions, *_unit_names, *_unsupported_names(),
    "BrianObject", "Group", "Subgroup", "exprel", *_method_names,
]
__all__ += ["linked_var"]
__all__ += ["codegen"]
__all__ += ["Function", "implementation", "declare_types"]
__all__ += ["collect", "get_device", "BrianLogger", "get_logger", "profiling_summary", "scheduling_summary"]
__all__ += ["NetworkOperation", "network_operation", "stop", "CodeRunner", "EventClock"]
__all__ += ["ModelWarning", "check", "explain"]  # model checks and explain (issue 14)
__all__ += sorted(set(_numpy_extras) - set(__all__))

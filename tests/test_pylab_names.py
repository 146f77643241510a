"""pyplot's plotting names come with ``from neurogen import *`` (as with Brian2), imported lazily."""
from __future__ import annotations

import subprocess
import sys

import pytest


def test_plotting_names_exist_and_matplotlib_is_imported_on_first_use(tmp_path):
    code = ("import sys\nfrom neurogen import *\n"
            "assert 'matplotlib' not in sys.modules\n"
            "import matplotlib; matplotlib.use('Agg')\n"
            "plot([0, 1], [1, 2]); xlabel('t'); ylabel('v'); title('x'); legend(['a']); savefig(sys.argv[1])\n"
            "assert plt.gcf() is not None and callable(show)\n"
            "assert isinstance(mpl.__version__, str) and callable(mpl.rcParams.get)\n")
    result = subprocess.run([sys.executable, "-c", code, str(tmp_path / "figure.png")], capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "figure.png").stat().st_size > 0


def test_every_listed_name_is_a_pyplot_function():
    pyplot = pytest.importorskip("matplotlib.pyplot")
    from neurogen.pylab import PLOT_FUNCTIONS

    missing = [name for name in PLOT_FUNCTIONS if not callable(getattr(pyplot, name, None))]
    assert not missing


def test_without_matplotlib_plotting_says_what_to_install(monkeypatch):
    import neurogen

    monkeypatch.setitem(sys.modules, "matplotlib", None)
    monkeypatch.setitem(sys.modules, "matplotlib.pyplot", None)
    with pytest.raises(ImportError, match="pip install matplotlib"):
        neurogen.plot([1, 2])


def test_the_star_import_brings_numpys_names_as_brians_does():
    """``from brian2 import *`` gives numpy's names and pylab's numpy.random/fft/linalg ones (issue
    12, part 1: 35 of Brian2's 88 example scripts failed on such a name alone)."""
    import numpy

    namespace: dict = {}
    exec("from neurogen import *", namespace)
    for name in ("pi", "concatenate", "int_", "histogram", "bincount", "float64", "inf", "nansum"):
        assert namespace[name] is getattr(numpy, name), name
    # later modules win, as in pylab (and so in Brian2)
    assert namespace["rand"] is numpy.random.rand and namespace["randn"] is numpy.random.randn
    assert namespace["power"] is numpy.random.power and namespace["fft"] is numpy.fft.fft
    assert namespace["inv"] is numpy.linalg.inv
    # neurogen's own names stay neurogen's
    import neurogen

    assert namespace["seed"] is neurogen.seed and namespace["mV"] is neurogen.mV
    # numpy's sum/any/all/divmod replace Python's; pylab keeps Python's abs, bool, max, min, ...
    for name in ("sum", "any", "all", "divmod"):
        assert namespace[name] is getattr(numpy, name), name
    for name in ("abs", "bool", "bytes", "max", "min", "pow", "round", "int", "float"):
        assert name not in namespace, name
    exec("total = sum(array([[1, 2], [3, 4]]))", namespace)
    assert namespace["total"] == 10  # numpy's sum of everything, not Python's sum of rows
    import datetime

    assert namespace["ma"] is numpy.ma and namespace["datetime"] is datetime


def test_the_star_import_leaves_matplotlib_and_sympy_unimported():
    code = ("import sys\nfrom neurogen import *\n"
            "assert 'matplotlib' not in sys.modules and 'sympy' not in sys.modules\n"
            "assert rand(3).shape == (3,) and nansum([1, 2]) == 3\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr


def test_brian2s_other_star_names_exprel_methods_and_base_classes():
    import numpy

    namespace: dict = {}
    exec("from neurogen import *", namespace)
    exprel = namespace["exprel"]
    # Brian2 2.9: exprel(0) == 1.0, exprel(1e-10) == 1.00000000005, exprel(-800) == 1.25e-3
    assert exprel(0) == 1.0 and abs(exprel(1e-10) - 1.00000000005) < 1e-15
    assert numpy.allclose(exprel(numpy.array([1.0, -1.0, -800.0])), [numpy.e - 1, 1 - numpy.exp(-1), 1 / 800])
    with pytest.raises(namespace["DimensionMismatchError"]):
        exprel(3 * namespace["mV"])
    assert namespace["euler"] == "euler" and namespace["exponential_euler"] == "exponential_euler"
    G = namespace["NeuronGroup"](2, "v : 1")
    assert isinstance(G, namespace["BrianObject"]) and isinstance(G, namespace["Group"])
    assert isinstance(G[:1], namespace["Subgroup"])


def test_more_of_brian2s_star_names_rcparams_colormaps_modules_magic_network():
    """Names a Brian2 script may use without importing them (the reviewer's list)."""
    code = ("import sys\nfrom neurogen import *\n"
            "assert 'matplotlib' not in sys.modules\n"
            "assert time.time() > 0 and numpy.pi == pi and logging.getLogger('x') is not None\n"
            "assert magic_network is not None and issubclass(MagicError, Exception)\n"
            "import matplotlib as m; m.use('Agg')\n"
            "rcParams['font.size'] = 8\nassert rcParams['font.size'] == 8\n"
            "assert list(figaspect(0.5)) == [9.6, 4.8] and matplotlib.__version__\n"
            "jet(); viridis()\n"
            "try:\n    NeuronGroup(2, 'dv/dt = -v/ms : 1', method=gsl_rk2)\n"
            "except NotImplementedError as e:\n    assert 'GSL' in str(e)\n"
            "else:\n    raise AssertionError('gsl_rk2 accepted')\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr

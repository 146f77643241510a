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
            "assert plt.gcf() is not None and callable(show)\n")
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

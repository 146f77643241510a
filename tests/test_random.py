"""Tests of templates/static/random.hpp: Philox4x32-10 and the rand()/randn() streams.

A small driver (tests/cpp/random_driver.cpp) is compiled once per session; it answers
commands on stdin (see its header comment) and writes large samples as binary files.
"""
from __future__ import annotations

import itertools
import math
import os
import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
from scipy import stats

ROOT = Path(__file__).resolve().parent.parent
STATIC = ROOT / "templates" / "static"
DRIVER_SRC = Path(__file__).resolve().parent / "cpp" / "random_driver.cpp"
CXX = os.environ.get("CXX") or shutil.which("g++")
BASE_FLAGS = ["-std=c++17", "-Wall", "-Wextra", "-Wpedantic", "-Werror", "-ffp-contract=off"]

N_LARGE = 1_000_000
SEED = 0x5EED_1234_ABCD_0042  # fixed: the statistical tests are deterministic
STREAM = 0x2A91C3E7


def _compile(out: Path, opt: list[str]) -> Path:
    if CXX is None:
        pytest.skip("no C++ compiler")
    subprocess.run([CXX, *BASE_FLAGS, *opt, f"-I{STATIC}", str(DRIVER_SRC), "-o", str(out)],
                   check=True, capture_output=True, text=True)
    return out


@pytest.fixture(scope="session")
def driver(tmp_path_factory) -> Path:
    return _compile(tmp_path_factory.mktemp("random") / "random_driver", ["-O2"])


def run(exe: Path, lines: list[str]) -> list[str]:
    res = subprocess.run([str(exe)], input="\n".join(lines) + "\n", capture_output=True,
                         text=True, check=True, timeout=60)
    out = res.stdout.splitlines()
    assert len(out) == len(lines)
    return out


def sample(exe: Path, path: Path, kind: str, count: int, axis: str = "e", seed: int = SEED,
           stream: int = STREAM, step: int = 0, element: int = 0, draw: int = 0) -> np.ndarray:
    """`count` rand_uniform (kind "U") or rand_normal ("N") values, advancing along `axis`."""
    cmd = f"{kind} {seed} {stream} {step} {element} {draw} {count} {axis} {path}"
    assert run(exe, [cmd]) == ["ok"]
    x = np.fromfile(path, dtype=np.float64)
    assert x.shape == (count,)
    return x


@pytest.fixture(scope="session")
def uniforms(driver, tmp_path_factory) -> np.ndarray:
    return sample(driver, tmp_path_factory.mktemp("u") / "u.bin", "U", N_LARGE)


@pytest.fixture(scope="session")
def normals(driver, tmp_path_factory) -> np.ndarray:
    return sample(driver, tmp_path_factory.mktemp("n") / "n.bin", "N", N_LARGE)


# -- a pure-Python reference: the executable form of the rules documented in random.hpp ----

MASK32 = 0xFFFFFFFF
TWO_POW_MINUS_53 = 2.0 ** -53


def ref_philox4x32_10(ctr, key):
    x, k = list(ctr), list(key)
    for r in range(10):
        if r:
            k = [(k[0] + 0x9E3779B9) & MASK32, (k[1] + 0xBB67AE85) & MASK32]
        p0, p1 = 0xD2511F53 * x[0], 0xCD9E8D57 * x[2]
        x = [(p1 >> 32) ^ x[1] ^ k[0], p1 & MASK32, (p0 >> 32) ^ x[3] ^ k[1], p0 & MASK32]
    return x


def ref_block(seed, stream, step, element, draw, tag):
    key = [seed & MASK32, stream]
    ctr = [step & MASK32, ((step >> 32) ^ (seed >> 32) ^ tag) & MASK32, element, draw]
    return ref_philox4x32_10(ctr, key)


def ref_bits53(hi, lo):
    return (hi << 21) | (lo >> 11)


def ref_uniform(*args):
    w = ref_block(*args, tag=0)
    return ref_bits53(w[0], w[1]) * TWO_POW_MINUS_53


def ziggurat_tables() -> tuple[list[int], list[float], list[float], float]:
    """(K, W, F, R) read from the literals of ziggurat_tables.hpp."""
    text = (STATIC / "ziggurat_tables.hpp").read_text()

    def array(name: str) -> list[str]:
        body = re.search(rf"{name}\[256\] = \{{(.*?)\}};", text, re.S).group(1)
        return [v.strip() for v in body.split(",") if v.strip()]

    k = [int(v.rstrip("u"), 16) for v in array("K")]
    w = [float.fromhex(v) for v in array("W")]
    f = [float.fromhex(v) for v in array("F")]
    r = float.fromhex(re.search(r"constexpr double R = (\S+);", text).group(1))
    return k, w, f, r


ZIG_K, ZIG_W, ZIG_F, ZIG_R = ziggurat_tables()


def ref_normal(seed, stream, step, element, draw):
    """The ziggurat as documented in random.hpp (attempt j: tag 0x80000000 | j; tail
    iteration k: tag 0xC0000000 | k)."""
    for j in itertools.count():
        w = ref_block(seed, stream, step, element, draw, tag=0x80000000 | j)
        layer, sign = w[0] & 0xFF, -1.0 if w[0] & 0x100 else 1.0
        a = (w[1] << 20) | (w[2] >> 12)
        x = a * ZIG_W[layer]
        if a < ZIG_K[layer]:
            return sign * x
        if layer == 0:
            for k in itertools.count():
                t_ = ref_block(seed, stream, step, element, draw, tag=0xC0000000 | k)
                t = -math.log((ref_bits53(t_[0], t_[1]) + 1) * TWO_POW_MINUS_53) / ZIG_R
                y = -math.log((ref_bits53(t_[2], t_[3]) + 1) * TWO_POW_MINUS_53)
                if y + y > t * t:
                    return sign * (ZIG_R + t)
        u = ref_bits53(w[3], w[0]) * TWO_POW_MINUS_53
        if ZIG_F[layer] + (ZIG_F[layer - 1] - ZIG_F[layer]) * u < math.exp(-0.5 * x * x):
            return sign * x


# -- 1. known answers ----------------------------------------------------------------------

# Random123's known-answer file tests/kat_vectors (DEShawResearch/random123), its three
# "philox4x32 10" lines; columns: CTR (4 words), KEY (2 words), EXPECTED (4 words):
#   philox4x32 10 00000000 00000000 00000000 00000000 00000000 00000000   6627e8d5 e169c58d bc57ac4c 9b00dbd8
#   philox4x32 10 ffffffff ffffffff ffffffff ffffffff ffffffff ffffffff   408f276d 41c83b0e a20bc7c6 6d5451fd
#   philox4x32 10 243f6a88 85a308d3 13198a2e 03707344 a4093822 299f31d0   d16cfe09 94fdcceb 5001e420 24126ea1
KAT_RANDOM123 = [
    ("00000000 00000000 00000000 00000000 00000000 00000000",
     "6627e8d5 e169c58d bc57ac4c 9b00dbd8"),
    ("ffffffff ffffffff ffffffff ffffffff ffffffff ffffffff",
     "408f276d 41c83b0e a20bc7c6 6d5451fd"),
    ("243f6a88 85a308d3 13198a2e 03707344 a4093822 299f31d0",
     "d16cfe09 94fdcceb 5001e420 24126ea1"),
]
# Two more with a single set bit in the counter's first/last word and in either key word,
# from the longer list generated by Random123's gentests.py (girving/random123-manual,
# examples/kat_vectors): they pin down word order in the counter and the key.
KAT_GENERATED = [
    ("00000001 00000000 00000000 00000000 00000001 00000000",
     "ac08141b dfc5ccbe 79c07a47 a7f66093"),
    ("00000000 00000000 00000000 00000001 00000000 00000001",
     "96b27e8c 28826d0f 66d958ef 081509dc"),
]
KATS = KAT_RANDOM123 + KAT_GENERATED


@pytest.mark.parametrize("inputs, expected", KATS,
                         ids=["zeros", "ones", "pi", "ctr0-key0", "ctr3-key1"])
def test_philox_known_answers(driver, inputs, expected):
    assert run(driver, [f"P {inputs}"]) == [expected]


def test_python_reference_matches_known_answers():
    for inputs, expected in KATS:
        words = [int(w, 16) for w in inputs.split()]
        assert ref_philox4x32_10(words[:4], words[4:]) == [int(w, 16) for w in expected.split()]


def test_addressing_and_bit_construction_match_documented_rule(driver):
    args = [(0, 0, 0, 0, 0), (1, 2, 3, 4, 5), (SEED, STREAM, 123456, 789, 3),
            (2**64 - 1, 2**32 - 1, 2**64 - 1, 2**32 - 1, 2**32 - 1),
            (2**40 + 17, 99, 2**33 + 5, 7, 0), (42, 0x80000000, 2**31, 2**31, 1)]
    lines = [f"{kind} {' '.join(map(str, a))}" for a in args for kind in "un"]
    out = iter(run(driver, lines))
    for a in args:
        u, z = float(next(out)), float(next(out))
        assert u == ref_uniform(*a)  # exact: integer arithmetic and a power-of-two scale
        assert math.isclose(z, ref_normal(*a), rel_tol=1e-13, abs_tol=1e-15)


def test_word_to_double_conversions_are_exact_at_the_ends(driver):
    out = run(driver, ["W 00000000 00000000", "W ffffffff ffffffff", "W 80000000 00000000",
                       "W 00000000 000007ff", "W 00000000 00000800"])
    pairs = [tuple(float(v) for v in line.split()) for line in out]
    eps = 2.0 ** -53
    assert pairs[0] == (0.0, eps)
    assert pairs[1] == (1.0 - eps, 1.0)
    assert pairs[2] == (0.5, 0.5 + eps)
    assert pairs[3] == (0.0, eps)  # the low 11 bits of the second word are dropped
    assert pairs[4] == (eps, 2 * eps)


# -- 2. uniformity -----------------------------------------------------------------------

def test_uniform_range_and_resolution(uniforms):
    assert uniforms.min() >= 0.0
    assert uniforms.max() < 1.0
    scaled = uniforms * 2.0 ** 53  # exact
    assert np.array_equal(scaled, np.floor(scaled))  # multiples of 2^-53
    assert np.unique(uniforms).size == uniforms.size  # 53-bit values: no repeats expected


def test_uniform_mean(uniforms):
    sigma = math.sqrt(1.0 / 12.0 / uniforms.size)
    assert abs(uniforms.mean() - 0.5) < 4 * sigma
    assert abs(uniforms.var() - 1.0 / 12.0) < 4 * math.sqrt(1.0 / 180.0 / uniforms.size)


def test_uniform_chi_square_100_bins(uniforms):
    counts, _ = np.histogram(uniforms, bins=100, range=(0.0, 1.0))
    assert stats.chisquare(counts).pvalue > 1e-4


def test_uniform_kolmogorov_smirnov(uniforms):
    assert stats.kstest(uniforms, "uniform").pvalue > 1e-4


# -- 3. normality ------------------------------------------------------------------------

def test_normal_moments(normals):
    n = normals.size
    assert np.all(np.isfinite(normals))
    assert np.abs(normals).max() <= ZIG_R + 53 * math.log(2.0) / ZIG_R  # the ziggurat's bound
    assert abs(normals.mean()) < 4 / math.sqrt(n)
    assert abs(normals.var() - 1.0) < 4 * math.sqrt(2.0 / n)
    assert abs(stats.skew(normals)) < 4 * math.sqrt(6.0 / n)
    assert abs(stats.kurtosis(normals)) < 4 * math.sqrt(24.0 / n)  # excess kurtosis


def test_normal_tail_frequency(normals):
    # P(|x| > 4) = 6.33e-5: about 63 of 10^6; the limit is 5 standard deviations of the count
    # (Poisson), and beyond R = 3.65 (the ziggurat's own tail algorithm) likewise
    for bound in (4.0, ZIG_R):
        expected = normals.size * 2 * stats.norm.sf(bound)
        count = int(np.sum(np.abs(normals) > bound))
        assert abs(count - expected) < 5 * math.sqrt(expected), (bound, count, expected)


def test_ziggurat_tables_have_layers_of_equal_area():
    f = lambda x: math.exp(-0.5 * x * x)  # noqa: E731
    x = [w * 2.0 ** 52 for w in ZIG_W]
    area = ZIG_R * f(ZIG_R) + math.sqrt(math.pi / 2) * math.erfc(ZIG_R / math.sqrt(2))  # base + tail
    assert x[255] == ZIG_R and ZIG_F[0] == 1.0
    assert math.isclose(x[0] * f(ZIG_R), area, rel_tol=1e-15)  # the base's pseudo-width
    for i in range(1, 256):
        assert math.isclose(ZIG_F[i], f(x[i]), rel_tol=1e-15)
        assert math.isclose(x[i] * (ZIG_F[i - 1] - ZIG_F[i]), area, rel_tol=1e-11), i  # layer i
        inner = x[i - 1] if i > 1 else 0.0
        assert ZIG_K[i] == int(inner / x[i] * 2.0 ** 52)
    assert ZIG_K[0] == int(ZIG_R / x[0] * 2.0 ** 52)


def _addresses_taking(path: str, count: int) -> list[tuple[int, ...]]:
    """Addresses whose first normal block fails the fast test: in the wedge or the tail."""
    found = []
    for element in itertools.count():
        a = (SEED, STREAM, 7, element, 2)
        w = ref_block(*a, tag=0x80000000)
        layer, bits = w[0] & 0xFF, (w[1] << 20) | (w[2] >> 12)
        if bits >= ZIG_K[layer] and (layer == 0) == (path == "tail"):
            found.append(a)
            if len(found) == count:
                return found
    raise AssertionError


@pytest.mark.parametrize("path", ["wedge", "tail"])
def test_slow_paths_of_the_normal_match_the_documented_rule(driver, path):
    addresses = _addresses_taking(path, 40 if path == "wedge" else 4)
    out = run(driver, [f"n {' '.join(map(str, a))}" for a in addresses])
    values = [float(v) for v in out]
    for a, z in zip(addresses, values):
        assert math.isclose(z, ref_normal(*a), rel_tol=1e-13, abs_tol=1e-15), a
    if path == "tail":
        assert all(abs(z) >= ZIG_R for z in values)


def test_batches_of_normals_are_the_numbers_drawn_one_by_one(driver, tmp_path):
    # kernels draw normals per block of elements (vectorized Philox): the same bits, also on
    # the wedge and tail paths (100,000 normals: about 1,500 of them take a slow path)
    count = 100_000 + 17  # a last, partial block
    one_by_one = sample(driver, tmp_path / "n.bin", "N", count, axis="e", step=3, element=5, draw=9)
    assert run(driver, [f"B {SEED} {STREAM} 3 5 9 {count} {tmp_path / 'b.bin'}"]) == ["ok"]
    assert np.fromfile(tmp_path / "b.bin", dtype=np.float64).tobytes() == one_by_one.tobytes()


def test_normal_kolmogorov_smirnov(normals):
    assert stats.kstest(normals, "norm").pvalue > 1e-4


def test_normal_chi_square_on_cdf(normals):
    counts, _ = np.histogram(stats.norm.cdf(normals), bins=100, range=(0.0, 1.0))
    assert stats.chisquare(counts).pvalue > 1e-4


# -- 4. independence ---------------------------------------------------------------------

def test_every_coordinate_changes_the_numbers(driver):
    # (flipping the same bit of the seed's and of the step's high half would give the same
    # counter word, by design: see random.hpp)
    base = (SEED, STREAM, 1000, 10, 0)
    variants = [base]
    for i, deltas in enumerate([(1, 2**32, 2**63), (1, 2**31), (1, 2**31, 2**45), (1, 2**31),
                                (1, 2**31)]):
        for d in deltas:
            a = list(base)
            a[i] ^= d
            variants.append(tuple(a))
    for kind in "un":
        values = run(driver, [f"{kind} {' '.join(map(str, a))}" for a in variants])
        assert len(set(values)) == len(variants), kind


def test_grid_of_addresses_gives_distinct_numbers(driver):
    # (seed high half and step high half are deliberately not varied together: they are
    # XORed into the same counter word, see random.hpp)
    grid = list(itertools.product([0, 1, 2**32 + 3, 2**63 + 7], [0, 1, 0x80000000, STREAM],
                                  [0, 1, 77, 2**31], [0, 1, 2, 2**32 - 1], [0, 1, 2, 3]))
    for kind in "un":
        values = run(driver, [f"{kind} {' '.join(map(str, a))}" for a in grid])
        assert len(set(values)) == len(grid), kind


@pytest.mark.parametrize("kind", ["U", "N"])
@pytest.mark.parametrize("axis", ["k", "t", "s", "e", "d"])  # seed stream step element draw
def test_lag1_correlation(driver, tmp_path, kind, axis):
    n = 200_000
    x = sample(driver, tmp_path / "x.bin", kind, n, axis=axis, step=5, element=3, draw=1)
    r = np.corrcoef(x[:-1], x[1:])[0, 1]
    assert abs(r) < 4 / math.sqrt(n)


def test_uniform_and_normal_at_same_address_are_independent(driver, tmp_path):
    n = 200_000
    u = sample(driver, tmp_path / "u.bin", "U", n)
    z = sample(driver, tmp_path / "z.bin", "N", n)
    # (sharing a Philox block would tie u to the Box-Muller radius, i.e. to |z|)
    for f in (z, np.abs(z), z * z):
        assert abs(np.corrcoef(u, f)[0, 1]) < 4 / math.sqrt(n)


def test_neighbouring_streams_are_uncorrelated(driver, tmp_path):
    n = 200_000
    a = sample(driver, tmp_path / "a.bin", "U", n, stream=STREAM)
    b = sample(driver, tmp_path / "b.bin", "U", n, stream=STREAM + 1)
    assert abs(np.corrcoef(a, b)[0, 1]) < 4 / math.sqrt(n)


# -- 5. determinism ----------------------------------------------------------------------

DETERMINISM_LINES = [f"{kind} {SEED + i} {STREAM ^ i} {3 * i} {i * i} {i % 3}"
                     for i in range(50) for kind in "un"]


def test_same_arguments_same_bits_in_separate_processes(driver, tmp_path):
    assert run(driver, DETERMINISM_LINES) == run(driver, DETERMINISM_LINES)
    first = sample(driver, tmp_path / "1.bin", "N", 10_000)
    second = sample(driver, tmp_path / "2.bin", "N", 10_000)
    assert first.tobytes() == second.tobytes()


@pytest.mark.parametrize("opt", [["-O0"], ["-O3", "-march=native"]], ids=["O0", "O3-native"])
def test_same_bits_across_optimisation_levels(driver, tmp_path, opt):
    other = _compile(tmp_path / "driver", opt)
    assert run(other, DETERMINISM_LINES) == run(driver, DETERMINISM_LINES)
    for kind in "UN":
        a = sample(driver, tmp_path / "a.bin", kind, 20_000, axis="d")
        b = sample(other, tmp_path / "b.bin", kind, 20_000, axis="d")
        assert a.tobytes() == b.tobytes(), kind


def test_header_compiles_cleanly_with_strict_warnings(tmp_path):
    if CXX is None:
        pytest.skip("no C++ compiler")
    src = tmp_path / "use_random.cpp"
    src.write_text(
        '#include "random.hpp"\n'
        "double use(uint64_t seed, uint32_t stream, uint64_t step, uint32_t i, uint32_t d) {\n"
        "    const ng::RandomStream rs{seed, stream};\n"
        "    return ng::rand_uniform(seed, stream, step, i, d) + ng::rand_normal(seed, stream, step, i, d)\n"
        "           + rs.uniform(step, i, d) + rs.normal(step, i, d);\n"
        "}\n"
        "void batch(uint64_t seed, uint32_t stream, uint64_t step, uint32_t d, double* out) {\n"
        "    ng::rand_normal_batch(seed, stream, step, d, ng::NORMAL_BATCH,\n"
        "                          [](int j) { return static_cast<uint32_t>(j); }, out);\n"
        "}\n")
    extra = ["-Wconversion", "-Wsign-conversion", "-Wshadow", "-Wold-style-cast", "-Wcast-qual",
             "-Wdouble-promotion"]
    res = subprocess.run([CXX, *BASE_FLAGS, *extra, "-O3", f"-I{STATIC}", "-c", str(src), "-o",
                          str(tmp_path / "use_random.o")], capture_output=True, text=True)
    assert res.returncode == 0, res.stderr
    assert res.stderr == ""

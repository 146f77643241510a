// neurogen static header: the functions model code may call (Brian2's semantics).
#pragma once
#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

namespace ng {

// numpy's clip: minimum(maximum(x, low), high), NaN in any argument propagates (and low > high
// gives high, as numpy).
inline double clip(double x, double low, double high) {
    const double raised = (x != x || x >= low) ? x : low;   // maximum(x, low), NaN-propagating
    return (raised != raised || raised <= high) ? raised : high;  // minimum(raised, high)
}

// Python's int() of a number: truncation toward zero. Kept a double (exact: a double this
// large is a whole number), so it never overflows; storing it in an integer variable is checked.
inline double int_(double x) { return std::trunc(x); }

// Python's (and numpy's) % for floats: the result has the sign of the divisor (numpy's npy_divmod).
inline double mod(double a, double b) {
    double r = std::fmod(a, b);
    if (b == 0.0) return r;
    if (r != 0.0) {
        if ((b < 0.0) != (r < 0.0)) r += b;
    } else {
        r = std::copysign(0.0, b);
    }
    return r;
}

// Python's (and numpy's) // for floats: the floor of the exact quotient, computed as numpy's
// npy_divmod does, so 7 // 0.1 is 69 (floor(7/0.1) would round the quotient up to 70 first).
inline double floordiv(double a, double b) {
    if (b == 0.0) return a / b;
    const double m = std::fmod(a, b);
    double div = (a - m) / b;
    if (m != 0.0 && ((b < 0.0) != (m < 0.0))) div -= 1.0;
    if (div == 0.0) return std::copysign(0.0, a / b);
    double floordiv = std::floor(div);
    if (div - floordiv > 0.5) floordiv += 1.0;
    return floordiv;
}

// A value model code could not use, recorded for Python to report after the call or run:
// (how many, the first value, its step, its element). Rare, so threads may share one record.
inline void record_error(std::vector<double>& errors, double value, int64_t step, int64_t element) {
#ifdef _OPENMP
#pragma omp critical(ng_record_error)
#endif
    {
        if (errors.empty()) errors = {0.0, value, static_cast<double>(step), static_cast<double>(element)};
        errors[0] += 1.0;
    }
}

// A number stored in an integer variable: truncated toward zero, as Python's int() and Brian2.
// One the type cannot hold (or NaN) stores 0, never undefined behaviour, and is recorded.
template <typename T>
inline T to_integer(double x, std::vector<double>& errors, int64_t step, int64_t element) {
    const double limit = std::ldexp(1.0, std::numeric_limits<T>::digits);  // 2^31 for int32_t
    const double whole = std::trunc(x);
    if (whole >= -limit && whole < limit) return static_cast<T>(whole);
    record_error(errors, x, step, element);
    return T(0);
}

// A PoissonInput's rate*dt from an expression: a probability, or recorded and clipped to
// [0, 1] (NaN to 0): N sources cannot spike more than once each in a step.
inline double checked_probability(double p, std::vector<double>& errors, int64_t step, int64_t element) {
    if (p >= 0.0 && p <= 1.0) return p;
    record_error(errors, p, step, element);
    return p > 1.0 ? 1.0 : 0.0;
}

// numpy's sign: -1, 0 or 1, and NaN for NaN.
inline double sign(double x) { return x != x ? x : double((x > 0.0) - (x < 0.0)); }

// (exp(x) - 1)/x without cancellation near 0, as Brian2's exprel.
inline double exprel(double x) {
    if (std::fabs(x) < 1e-16) return 1.0;
    if (x > 717.0) return INFINITY;
    return std::expm1(x) / x;
}

// Brian2's timestep(): a duration in whole steps, truncated (with a tolerance of 1e-3 dt for
// values a rounding error below a whole step). Refractoriness counts in these steps.
inline int64_t timestep(double x, double dt) {
    // kept in int64's range, no UB; NaN gives the lowest (fmax drops the NaN), as Brian2's cast to
    // int64 does: a refractory period that is NaN leaves the neuron never refractory
    const double steps = (x + 1e-3 * dt) / dt;
    return static_cast<int64_t>(std::fmin(std::fmax(steps, -4e18), 4e18));
}

// In-place matrix exponential of a small dense N x N matrix (row-major).
// Exact integration of coupled linear ODEs computes its propagator from runtime values
// this way: scaling and squaring around a Taylor series of degree 20 on a matrix scaled
// to norm <= 1/2, which is accurate to rounding for the well-conditioned propagators of
// neuron models, whatever the eigenvalues (equal or complex) are.
template <int N>
void expm_inplace(double* a) {
    double norm = 0.0;
    for (int r = 0; r < N; ++r) {
        double row = 0.0;
        for (int c = 0; c < N; ++c) row += std::fabs(a[r * N + c]);
        norm = row > norm ? row : norm;
    }
    int squarings = 0;
    while (norm > 0.5 && squarings < 64) { norm *= 0.5; ++squarings; }
    const double scale = std::ldexp(1.0, -squarings);
    double x[N * N], term[N * N], next[N * N], sum[N * N];
    for (int k = 0; k < N * N; ++k) {
        x[k] = a[k] * scale;
        term[k] = (k % (N + 1) == 0) ? 1.0 : 0.0;
        sum[k] = term[k];
    }
    for (int order = 1; order <= 20; ++order) {
        for (int r = 0; r < N; ++r)
            for (int c = 0; c < N; ++c) {
                double acc = 0.0;
                for (int m = 0; m < N; ++m) acc += term[r * N + m] * x[m * N + c];
                next[r * N + c] = acc / order;
            }
        for (int k = 0; k < N * N; ++k) { term[k] = next[k]; sum[k] += term[k]; }
    }
    for (int s = 0; s < squarings; ++s) {
        for (int r = 0; r < N; ++r)
            for (int c = 0; c < N; ++c) {
                double acc = 0.0;
                for (int m = 0; m < N; ++m) acc += sum[r * N + m] * sum[m * N + c];
                next[r * N + c] = acc;
            }
        for (int k = 0; k < N * N; ++k) sum[k] = next[k];
    }
    for (int k = 0; k < N * N; ++k) a[k] = sum[k];
}

// TimedArray lookup, Brian2's rule (matched value for value on aligned and non-aligned grids):
// the sample k = int((t*K/dt_values + 0.5)/K), i.e. the interval [k, k+1)*dt_values holding t
// with a tolerance of dt_values/(2K), K the smallest power of two >= 8*dt_values/dt_caller
// (dt_caller: the time step of the calling code); clipped to the array (the first value
// before 0 or for a NaN time, the last after the end).
inline int64_t timed_index(double t, double dt_caller, double dt_values, int64_t rows) {
    const double K = std::fmax(std::exp2(std::ceil(std::log2(8.0 * dt_values / dt_caller))), 1.0);
    const double x = (t * K / dt_values + 0.5) / K;
    if (!(x >= 1.0)) return 0;
    if (x >= static_cast<double>(rows - 1)) return rows - 1;
    return static_cast<int64_t>(x);
}

// f(t) of a 1-D TimedArray.
inline double timed_array(const double* values, int64_t rows, double dt_values, double t, double dt_caller) {
    return values[timed_index(t, dt_caller, dt_values, rows)];
}

// f(t, i) of a 2-D TimedArray values[time][column]; a column outside the array gives NaN (as
// Brian2's compiled code), never a read out of bounds.
inline double timed_array(const double* values, int64_t rows, int64_t columns, double dt_values, double t,
                          double i, double dt_caller) {
    if (!(i >= 0.0 && i < static_cast<double>(columns))) return NAN;
    return values[timed_index(t, dt_caller, dt_values, rows) * columns + static_cast<int64_t>(i)];
}

}  // namespace ng

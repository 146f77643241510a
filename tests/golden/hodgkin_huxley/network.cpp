// neurogen generated network: kernels, the step loop and the C entry points. Do not edit.
#include "network.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>

#include "functions.hpp"
#include "random.hpp"
#include "distributions.hpp"

namespace ng {

// ---- group0: NeuronGroup ----

// state update (exponential_euler)
static void group0_stateupdate([[maybe_unused]] Network& _net, [[maybe_unused]] Group0& _grp, [[maybe_unused]] const int64_t _step, [[maybe_unused]] const double _t) {
    const double Cm_ = _grp.Cm_;
    const double ENa_ = _grp.ENa_;
    const double El_ = _grp.El_;
    const double VT_ = _grp.VT_;
    const double dt_ = _grp._dt;
    const double g_na_ = _grp.g_na_;
    const double gl_ = _grp.gl_;
    const double _invariant_0 = -gl_/Cm_;  // loop invariant
    const double _invariant_1 = 1.0/Cm_;  // loop invariant
    const double _invariant_2 = El_*gl_/Cm_;  // loop invariant
    double* __restrict const _ptr_m_ = _grp.m_;
    char* __restrict const _ptr_not_refractory_ = _grp.not_refractory_;
    double* __restrict const _ptr_v_ = _grp.v_;
    const int64_t _n = _grp.N_;
    // each element on its own: a standalone build with OpenMP splits the loop over threads
#ifdef _OPENMP
#pragma omp parallel for schedule(static) if (_n >= 4096)
#endif
    for (int64_t i_ = 0; i_ < _n; ++i_) {
        double m_ = _ptr_m_[i_];
        char not_refractory_ = _ptr_not_refractory_[i_];
        double v_ = _ptr_v_[i_];
        not_refractory_ = char(not_refractory_ || !(v_ > -0.02));  // refractory: v > -20*mV
        const double _A_v = _invariant_0 - _invariant_1*g_na_*(m_*m_*m_);  // coefficient of v in dv/dt
        const double _BA_v = (ENa_*_invariant_1*g_na_*(m_*m_*m_) + _invariant_2)/(_invariant_0
            - _invariant_1*g_na_*(m_*m_*m_));  // B/A, minus the fixed point of v
        const double _A_m = -1280.0/ng::exprel(250.0*VT_ - 250.0*v_ + 3.2500000000000004)
            - 1400.0000000000002/ng::exprel(-200.0*VT_ + 200.0*v_ - 8.0);  // coefficient of m in dm/dt
        const double _BA_m = 1280.0/((-1280.0/ng::exprel(250.0*VT_ - 250.0*v_ + 3.2500000000000004)
            - 1400.0000000000002/ng::exprel(-200.0*VT_ + 200.0*v_ - 8.0))*ng::exprel(250.0*VT_ - 250.0*v_
            + 3.2500000000000004));  // B/A, minus the fixed point of m
        const double _v_new = -_BA_v + (_BA_v + v_)*std::exp(_A_v*dt_);  // dv/dt = (gl*(El - v) - g_na*m**3*(v - ENa))/Cm : volt
        const double _m_new = -_BA_m + (_BA_m + m_)*std::exp(_A_m*dt_);  // dm/dt = alpha_m*(1 - m) - beta_m*m : 1
        v_ = _v_new;
        m_ = _m_new;
        _ptr_not_refractory_[i_] = not_refractory_;
        _ptr_v_[i_] = v_;
        _ptr_m_[i_] = m_;
    }
}

// threshold: v > -20*mV
static void group0_thresholder([[maybe_unused]] Network& _net, [[maybe_unused]] Group0& _grp, [[maybe_unused]] const int64_t _step, [[maybe_unused]] const double _t) {
    char* __restrict const _ptr_not_refractory_ = _grp.not_refractory_;
    double* __restrict const _ptr_v_ = _grp.v_;
    int32_t* const _spikes = _grp._spikespace;  // spiking indices, their count at [N]
    int32_t _n_spikes = 0;
    const int64_t _n = _grp.N_;
    auto _fires = [&]([[maybe_unused]] const int64_t i_) -> bool {
        const char not_refractory_ = _ptr_not_refractory_[i_];
        const double v_ = _ptr_v_[i_];
        return v_ > -0.02 && not_refractory_;
    };
    auto _spike = [&](const int64_t _i) {
        _spikes[_n_spikes++] = static_cast<int32_t>(_i);
        _grp.lastspike_[_i] = _t;
        _ptr_not_refractory_[_i] = 0;  // read above through this pointer: write through it too
    };
    // Spikes are rare: decide with one branch per 16 neurons whether a block has any, and
    // collect spikes only from those blocks (1.5x faster than one branch per neuron).
    // Testing a neuron twice is exact: a random draw depends only on (step, neuron, draw).
    int64_t _block = 0;
    for (; _block + 16 <= _n; _block += 16) {
        bool _any = false;
        for (int64_t _i = _block; _i < _block + 16; ++_i) _any |= _fires(_i);
        if (_any) {
            for (int64_t _i = _block; _i < _block + 16; ++_i) if (_fires(_i)) _spike(_i);
        }
    }
    for (int64_t _i = _block; _i < _n; ++_i) if (_fires(_i)) _spike(_i);
    _spikes[_n] = _n_spikes;
}

// ---- statemonitor1: StateMonitor ----

// record v, alpha_m
static void statemonitor1_record([[maybe_unused]] Network& _net, [[maybe_unused]] Statemonitor1& _grp, [[maybe_unused]] Group0& _src, [[maybe_unused]] const int64_t _step, [[maybe_unused]] const double _t) {
    const double VT_ = _grp.VT_;
    double* __restrict const _ptr_v_ = _src.v_;
    const int64_t _row = (_step - _grp._first_step) / _grp._every;
    _grp._t[_row] = _t;
    for (int64_t _k = 0; _k < _grp._n_indices; ++_k) {
        [[maybe_unused]] const int64_t i_ = _grp._indices[_k];
        const double v_ = _ptr_v_[i_];
        const double _value_v = v_;  // record v
        const double _value_alpha_m = 1280.0/ng::exprel(250.0*VT_ - 250.0*v_ + 3.2500000000000004);  // record alpha_m
        _grp._rec_v[_row * _grp._n_indices + _k] = _value_v;
        _grp._rec_alpha_m[_row * _grp._n_indices + _k] = _value_alpha_m;
    }
}

void bind(Network& net, void* const* arrays, const int64_t* sizes, const double* scalars,
          const int64_t* integers) {
    (void)sizes;
    net.dt = scalars[0];
    net.t_start = scalars[1];
    net.seed = static_cast<uint64_t>(integers[0]);
    net.group0._every = static_cast<int64_t>(integers[1]);
    net.group0._dt = scalars[2];
    net.group0.v_ = static_cast<double*>(arrays[0]);
    net.group0.m_ = static_cast<double*>(arrays[1]);
    net.group0.lastspike_ = static_cast<double*>(arrays[2]);
    net.group0.not_refractory_ = static_cast<char*>(arrays[3]);
    net.group0._spikespace = static_cast<int32_t*>(arrays[4]);
    net.group0.Cm_ = scalars[3];
    net.group0.ENa_ = scalars[4];
    net.group0.El_ = scalars[5];
    net.group0.VT_ = scalars[6];
    net.group0.g_na_ = scalars[7];
    net.group0.gl_ = scalars[8];
    net.group0.N_ = static_cast<int64_t>(integers[2]);
    net.statemonitor1._every = static_cast<int64_t>(integers[3]);
    net.statemonitor1._dt = scalars[9];
    net.statemonitor1.VT_ = scalars[10];
    net.statemonitor1._indices = static_cast<int32_t*>(arrays[5]);
    net.statemonitor1._n_indices = static_cast<int64_t>(integers[4]);
    net.statemonitor1._first_step = static_cast<int64_t>(integers[5]);
    net.statemonitor1._t = static_cast<double*>(arrays[6]);
    net.statemonitor1._rec_v = static_cast<double*>(arrays[7]);
    net.statemonitor1._rec_alpha_m = static_cast<double*>(arrays[8]);
}

static int64_t steps(Network& net, int64_t step0, int64_t n_steps, double callback_interval,
                     Callback callback, void* callback_data);

constexpr int64_t PROFILE_SLOTS = 0;  // built without profiling (run(profile=True) builds another)

int64_t run(Network& net, const int64_t step0, const int64_t n_steps, const double callback_interval,
            Callback callback, void* callback_data) {
    net.callback = callback;
    net.callback_data = callback_data;
    net.callback_interval = callback_interval;
    const int64_t done = steps(net, step0, n_steps, callback_interval, callback, callback_data);
    return done;
}

// The step loop: every kernel in Brian2's schedule order, each on its own clock.
static int64_t steps(Network& net, const int64_t step0, const int64_t n_steps, const double callback_interval,
                     Callback callback, void* callback_data) {
    using clock = std::chrono::steady_clock;
    auto last_callback = clock::now();
    int64_t stride = 1, since_check = 0;  // look at the clock less often when steps are fast
    for (int64_t step = step0; step < step0 + n_steps; ++step) {
        [[maybe_unused]] const double t = static_cast<double>(step) * net.dt;
        if (step % net.statemonitor1._every == 0) statemonitor1_record(net, net.statemonitor1, net.group0, step, t);
        if (step % net.group0._every == 0) group0_stateupdate(net, net.group0, step, t);
        if (step % net.group0._every == 0) group0_thresholder(net, net.group0, step, t);
        if (callback != nullptr && ++since_check >= stride) {
            since_check = 0;
            const double elapsed = std::chrono::duration<double>(clock::now() - last_callback).count();
            if (elapsed < 1e-3 * callback_interval && stride < (int64_t(1) << 20)) stride *= 2;
            if (elapsed >= callback_interval) {
                last_callback = clock::now();
                if (callback(callback_data, step - step0 + 1) != 0) return step - step0 + 1;
            }
        }
    }
    return n_steps;
}

int64_t dynamic_size(const Network& net, int id) {
    (void)net;
    (void)id;
    return -1;
}

const void* dynamic_data(const Network& net, int id) {
    (void)net;
    (void)id;
    return nullptr;
}

void dynamic_clear(Network& net, int id) {
    (void)net;
    (void)id;
}

}  // namespace ng

// ---- C entry points, used by the Python shell (and by nothing else) ----
#define NG_EXPORT extern "C" __attribute__((visibility("default")))

NG_EXPORT int ng_abi_version() { return 1; }
NG_EXPORT void* ng_create() { return new ng::Network(); }
NG_EXPORT void ng_destroy(void* net) { delete static_cast<ng::Network*>(net); }
NG_EXPORT int64_t ng_run(void* net, void* const* arrays, const int64_t* sizes, const double* scalars,
                         const int64_t* integers, int64_t step0, int64_t n_steps,
                         double callback_interval, ng::Callback callback, void* callback_data) {
    ng::Network& network = *static_cast<ng::Network*>(net);
    ng::bind(network, arrays, sizes, scalars, integers);
    return ng::run(network, step0, n_steps, callback_interval, callback, callback_data);
}
NG_EXPORT int64_t ng_profile_slots() { return ng::PROFILE_SLOTS; }
NG_EXPORT void ng_set_profile(void* net, double* seconds) { static_cast<ng::Network*>(net)->profile = seconds; }
NG_EXPORT int64_t ng_dynamic_size(void* net, int id) {
    return ng::dynamic_size(*static_cast<ng::Network*>(net), id);
}
NG_EXPORT const void* ng_dynamic_data(void* net, int id) {
    return ng::dynamic_data(*static_cast<ng::Network*>(net), id);
}
NG_EXPORT void ng_dynamic_clear(void* net, int id) {
    ng::dynamic_clear(*static_cast<ng::Network*>(net), id);
}

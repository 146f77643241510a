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

// state update (exact)
static void group0_stateupdate([[maybe_unused]] Network& _net, [[maybe_unused]] Group0& _grp, [[maybe_unused]] const int64_t _step, [[maybe_unused]] const double _t) {
    const double _refractory = _grp._refractory;
    const double dt_ = _grp._dt;
    const double t_ = _t;
    const double tau_ = _grp.tau_;
    const double v_rest_ = _grp.v_rest_;
    const double _refractory_until = dt_*(double(ng::timestep(_refractory, dt_)) - 0.5);  // refractory period, in whole steps
    const double _invariant_0 = std::exp(-dt_/tau_);  // loop invariant
    double* __restrict const _ptr_lastspike_ = _grp.lastspike_;
    char* __restrict const _ptr_not_refractory_ = _grp.not_refractory_;
    double* __restrict const _ptr_v_ = _grp.v_;
    const int64_t _n = _grp.N_;
    // each element on its own: a standalone build with OpenMP splits the loop over threads
#ifdef _OPENMP
#pragma omp parallel for schedule(static) if (_n >= 4096)
#endif
    for (int64_t i_ = 0; i_ < _n; ++i_) {
        const double lastspike_ = _ptr_lastspike_[i_];
        char not_refractory_ = _ptr_not_refractory_[i_];
        double v_ = _ptr_v_[i_];
        not_refractory_ = char(-lastspike_ + t_ >= _refractory_until);  // timestep(t - lastspike) >= timestep(refractory)
        const double _v_new = _invariant_0*(v_ - v_rest_) + v_rest_;  // dv/dt = -(v - v_rest)/tau : volt (unless refractory)
        v_ = not_refractory_ ? _v_new : v_;
        _ptr_not_refractory_[i_] = not_refractory_;
        _ptr_v_[i_] = v_;
    }
}

// threshold: v > -50*mV
static void group0_thresholder([[maybe_unused]] Network& _net, [[maybe_unused]] Group0& _grp, [[maybe_unused]] const int64_t _step, [[maybe_unused]] const double _t) {
    char* __restrict const _ptr_not_refractory_ = _grp.not_refractory_;
    double* __restrict const _ptr_v_ = _grp.v_;
    int32_t* const _spikes = _grp._spikespace;  // spiking indices, their count at [N]
    int32_t _n_spikes = 0;
    const int64_t _n = _grp.N_;
    auto _fires = [&]([[maybe_unused]] const int64_t i_) -> bool {
        const char not_refractory_ = _ptr_not_refractory_[i_];
        const double v_ = _ptr_v_[i_];
        return v_ > -0.05 && not_refractory_;
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

// reset: v = v_rest
static void group0_resetter([[maybe_unused]] Network& _net, [[maybe_unused]] Group0& _grp, [[maybe_unused]] const int64_t _step, [[maybe_unused]] const double _t) {
    const double v_rest_ = _grp.v_rest_;
    double* __restrict const _ptr_v_ = _grp.v_;
    const int32_t* const _spikes = _grp._spikespace;
    const int32_t _n_spikes = _spikes[_grp.N_];
    for (int32_t _k = 0; _k < _n_spikes; ++_k) {
        const int64_t i_ = _spikes[_k];
        double v_ = _ptr_v_[i_];
        v_ = v_rest_;  // v = v_rest
        _ptr_v_[i_] = v_;
    }
}

// ---- spikemonitor1: SpikeMonitor ----

// record the spikes of its source (a NeuronGroup)
static void spikemonitor1_record([[maybe_unused]] Network& _net, [[maybe_unused]] Spikemonitor1& _grp, [[maybe_unused]] Group0& _src, [[maybe_unused]] const int64_t _step, [[maybe_unused]] const double _t) {
    const int32_t* const _spikes = _src._spikespace;
    const int32_t _n_spikes = _spikes[_src.N_];
    for (int32_t _k = 0; _k < _n_spikes; ++_k) {
        const int32_t _i = _spikes[_k];
        _grp.count_[_i] += 1;
        _grp.i_.push_back(_i);
        _grp.t_.push_back(_t);
    }
}

// ---- statemonitor2: StateMonitor ----

// record v
static void statemonitor2_record([[maybe_unused]] Network& _net, [[maybe_unused]] Statemonitor2& _grp, [[maybe_unused]] Group0& _src, [[maybe_unused]] const int64_t _step, [[maybe_unused]] const double _t) {
    double* __restrict const _ptr_v_ = _src.v_;
    const int64_t _row = (_step - _grp._first_step) / _grp._every;
    _grp._t[_row] = _t;
    for (int64_t _k = 0; _k < _grp._n_indices; ++_k) {
        [[maybe_unused]] const int64_t i_ = _grp._indices[_k];
        const double v_ = _ptr_v_[i_];
        const double _value_v = v_;  // record v
        _grp._rec_v[_row * _grp._n_indices + _k] = _value_v;
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
    net.group0.lastspike_ = static_cast<double*>(arrays[1]);
    net.group0.not_refractory_ = static_cast<char*>(arrays[2]);
    net.group0._spikespace = static_cast<int32_t*>(arrays[3]);
    net.group0.tau_ = scalars[3];
    net.group0.v_rest_ = scalars[4];
    net.group0._refractory = scalars[5];
    net.group0.N_ = static_cast<int64_t>(integers[2]);
    net.spikemonitor1._every = static_cast<int64_t>(integers[3]);
    net.spikemonitor1._dt = scalars[6];
    net.spikemonitor1.count_ = static_cast<int32_t*>(arrays[4]);
    net.statemonitor2._every = static_cast<int64_t>(integers[4]);
    net.statemonitor2._dt = scalars[7];
    net.statemonitor2._indices = static_cast<int32_t*>(arrays[5]);
    net.statemonitor2._n_indices = static_cast<int64_t>(integers[5]);
    net.statemonitor2._first_step = static_cast<int64_t>(integers[6]);
    net.statemonitor2._t = static_cast<double*>(arrays[6]);
    net.statemonitor2._rec_v = static_cast<double*>(arrays[7]);
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
        if (step % net.statemonitor2._every == 0) statemonitor2_record(net, net.statemonitor2, net.group0, step, t);
        if (step % net.group0._every == 0) group0_stateupdate(net, net.group0, step, t);
        if (step % net.group0._every == 0) group0_thresholder(net, net.group0, step, t);
        if (step % net.spikemonitor1._every == 0) spikemonitor1_record(net, net.spikemonitor1, net.group0, step, t);
        if (step % net.group0._every == 0) group0_resetter(net, net.group0, step, t);
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
    if (id == 0) return static_cast<int64_t>(net.spikemonitor1.i_.size());
    if (id == 1) return static_cast<int64_t>(net.spikemonitor1.t_.size());
    return -1;
}

const void* dynamic_data(const Network& net, int id) {
    (void)net;
    (void)id;
    if (id == 0) return net.spikemonitor1.i_.data();
    if (id == 1) return net.spikemonitor1.t_.data();
    return nullptr;
}

void dynamic_clear(Network& net, int id) {
    (void)net;
    (void)id;
    if (id == 0) net.spikemonitor1.i_.clear();
    if (id == 1) net.spikemonitor1.t_.clear();
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

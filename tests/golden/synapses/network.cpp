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
    const double _refractory_until = dt_*(double(ng::timestep(_refractory, dt_)) - 0.5);  // refractory period, in whole steps
    double _P[9] = {-100.0*dt_, 100.0*dt_, 0.0, 0.0, -200.0*dt_, 0.0, 0.0, 0.0, 0.0};  // exact propagator of (v, ge, 1) over one step
    ng::expm_inplace<3>(_P);
    const double _P_0_0 = _P[0];
    const double _P_0_1 = _P[1];
    const double _P_1_1 = _P[4];
    double* __restrict const _ptr_ge_ = _grp.ge_;
    double* __restrict const _ptr_lastspike_ = _grp.lastspike_;
    char* __restrict const _ptr_not_refractory_ = _grp.not_refractory_;
    double* __restrict const _ptr_v_ = _grp.v_;
    const int64_t _n = _grp.N_;
    // each element on its own: a standalone build with OpenMP splits the loop over threads
#ifdef _OPENMP
#pragma omp parallel for schedule(static) if (_n >= 4096)
#endif
    for (int64_t i_ = 0; i_ < _n; ++i_) {
        double ge_ = _ptr_ge_[i_];
        const double lastspike_ = _ptr_lastspike_[i_];
        char not_refractory_ = _ptr_not_refractory_[i_];
        double v_ = _ptr_v_[i_];
        not_refractory_ = char(-lastspike_ + t_ >= _refractory_until);  // timestep(t - lastspike) >= timestep(refractory)
        const double _v_new = _P_0_0*v_ + _P_0_1*ge_;  // dv/dt = (ge - v)/(10*ms) : 1 (unless refractory)
        const double _ge_new = _P_1_1*ge_;  // dge/dt = -ge/(5*ms) : 1
        v_ = not_refractory_ ? _v_new : v_;
        ge_ = _ge_new;
        _ptr_not_refractory_[i_] = not_refractory_;
        _ptr_v_[i_] = v_;
        _ptr_ge_[i_] = ge_;
    }
}

// threshold: v > 1
static void group0_thresholder([[maybe_unused]] Network& _net, [[maybe_unused]] Group0& _grp, [[maybe_unused]] const int64_t _step, [[maybe_unused]] const double _t) {
    char* __restrict const _ptr_not_refractory_ = _grp.not_refractory_;
    double* __restrict const _ptr_v_ = _grp.v_;
    int32_t* const _spikes = _grp._spikespace;  // spiking indices, their count at [N]
    int32_t _n_spikes = 0;
    const int64_t _n = _grp.N_;
    auto _fires = [&]([[maybe_unused]] const int64_t i_) -> bool {
        const char not_refractory_ = _ptr_not_refractory_[i_];
        const double v_ = _ptr_v_[i_];
        return v_ > 1.0 && not_refractory_;
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

// reset: v = 0
static void group0_resetter([[maybe_unused]] Network& _net, [[maybe_unused]] Group0& _grp, [[maybe_unused]] const int64_t _step, [[maybe_unused]] const double _t) {
    double* __restrict const _ptr_v_ = _grp.v_;
    const int32_t* const _spikes = _grp._spikespace;
    const int32_t _n_spikes = _spikes[_grp.N_];
    for (int32_t _k = 0; _k < _n_spikes; ++_k) {
        const int64_t i_ = _spikes[_k];
        double v_ = _ptr_v_[i_];
        v_ = 0.0;  // v = 0
        _ptr_v_[i_] = v_;
    }
}

// ---- synapses1: Synapses ----

// on_pre: ge += w
static void synapses1_pre([[maybe_unused]] Network& _net, [[maybe_unused]] Synapses1& _grp, [[maybe_unused]] Group0& _pre, [[maybe_unused]] Group0& _post, [[maybe_unused]] const int64_t _step, [[maybe_unused]] const double _t) {
    int32_t* const _ptr__jpost = _grp._synaptic_post;
    double* const _ptr_w_ = _grp.w_;
    double* const _ptr_ge_post_ = _post.ge_;
    auto _on_synapse = [&](const int64_t _s) {
        const int32_t _jpost = _ptr__jpost[_s];
        const double w_ = _ptr_w_[_s];
        double ge_post_ = _ptr_ge_post_[_jpost];
        ge_post_ = ge_post_ + w_;  // ge += w
        _ptr_ge_post_[_jpost] = ge_post_;
    };
    // spikes of this step: indices in the parent group, their count at [N]
    const int32_t* const _spikes = _pre._spikespace;
    const int32_t _n_spikes = _spikes[_pre.N_];
    const int64_t* const _first = _grp._pre_offsets;
    // the q-th synapse in neuron order: q itself when the synapses are stored in neuron order
    // (connect() by conditions or probabilities makes them so), else from the CSR list
    const bool _in_order = _grp._pre_in_order != 0;
    const int32_t* const _synapses = _grp._pre_synapses;
    auto _synapse_at = [&](const int64_t _q) { return _in_order ? static_cast<int32_t>(_q) : _synapses[_q]; };
    // one delay for all synapses: queue the spiking neurons
    const int64_t _delay = ng::delay_steps(_grp.delay_[0], _grp._dt) * _grp._every;
    const int32_t* _neurons = _spikes;
    int64_t _n_neurons = _n_spikes;
    if (_delay > 0) {
        auto& _queue = _grp._pre_queue;
        for (int32_t _k = 0; _k < _n_spikes; ++_k) _queue.push(_step + _delay, _spikes[_k]);
        _neurons = _queue.slot(_step).data();
        _n_neurons = static_cast<int64_t>(_queue.slot(_step).size());
    }
    for (int64_t _k = 0; _k < _n_neurons; ++_k) {
        for (int64_t _q = _first[_neurons[_k]]; _q < _first[_neurons[_k] + 1]; ++_q) _on_synapse(_synapse_at(_q));
    }
    if (_delay > 0) _grp._pre_queue.slot(_step).clear();
}

// prepare the spikes in transit of on_pre
static void synapses1_pre_prepare([[maybe_unused]] Network& _net, [[maybe_unused]] Synapses1& _grp, [[maybe_unused]] const int64_t _step, [[maybe_unused]] const double _t) {
    int64_t _max_delay = 0;  // in steps of the network
    _max_delay = ng::delay_steps(_grp.delay_[0], _grp._dt) * _grp._every;
    _grp._pre_queue.prepare(_max_delay, _step, _grp._pre_queue_items, _grp._pre_queue_steps,
                                _grp._pre_queue_n, {_grp._pre_queue_dt, _grp._pre_queue_every},
                                {_grp._dt, _grp._every}, _t);
}

// finish the spikes in transit of on_pre
static void synapses1_pre_finish([[maybe_unused]] Network& _net, [[maybe_unused]] Synapses1& _grp, [[maybe_unused]] const int64_t _step, [[maybe_unused]] const double _t) {
    _grp._pre_queue.dump(_step, _grp._pre_pending_items, _grp._pre_pending_steps);
}

// ---- poissoninput2: PoissonInput ----

// PoissonInput onto v: N sources at rate _rate, weight _weight
static void poissoninput2_poissoninput([[maybe_unused]] Network& _net, [[maybe_unused]] Poissoninput2& _grp, [[maybe_unused]] Group0& _src, [[maybe_unused]] const int64_t _step, [[maybe_unused]] const double _t) {
    const int64_t _n_sources = _grp.N_;
    const double _rate = _grp._rate;
    const double _weight = _grp._weight;
    const double dt_ = _grp._dt;
    const double _p = _rate*dt_;  // probability that one source spikes in a step: (_rate)*dt
    const ng::RandomStream _rng{_net.seed, static_cast<uint32_t>(_grp._stream)};
    char* __restrict const _ptr_not_refractory_ = _src.not_refractory_;
    double* __restrict const _ptr_v_ = _src.v_;
    // every target neuron _i (an index into the whole group) in [_start, _start + _size)
    const int64_t _stop = _grp._start + _grp._size;
    // In blocks: the first random block of each neuron's count (draw 0) is drawn for a whole
    // block in one loop the compiler vectorizes; the count is then finished from it (the same
    // numbers as drawing it neuron by neuron).
    constexpr int64_t _block_size = 64;
    // a standalone build with OpenMP splits the blocks over threads, each with its own sampler
    // (it caches a set-up, which changes no sample); p is the same for all neurons: the
    // sampler may invert through a table of up to _size entries (which method is used depends
    // on N, p and _size only)
#ifdef _OPENMP
#pragma omp parallel if (_grp._size >= 4096)
#endif
    {
    ng::BinomialSampler _thread_sampler{_grp._size};
    ng::BinomialSampler::Uniforms _first[_block_size];
#ifdef _OPENMP
#pragma omp for schedule(static)
#endif
    for (int64_t _block = _grp._start; _block < _stop; _block += _block_size) {
        const int64_t _end = _block + _block_size < _stop ? _block + _block_size : _stop;
        for (int64_t _i = _block; _i < _end; ++_i) {
            _first[_i - _block] = ng::BinomialSampler::first_uniforms(_rng, static_cast<uint64_t>(_step), static_cast<uint32_t>(_i), 11534336u);
        }
        for (int64_t _i = _block; _i < _end; ++_i) {
            const char not_refractory_ = _ptr_not_refractory_[_i];
            double v_ = _ptr_v_[_i];
            // draws of this kernel start at 11534336, so two kernels of one object never share a number
            // draw 0's first random block was drawn beforehand, for the whole block of elements
            auto _binomial = [&](uint32_t draw, double n, double p) { return draw == 0 ? _thread_sampler.sample(_rng, static_cast<uint64_t>(_step), static_cast<uint32_t>(_i), 11534336u, n, p, _first[_i - _block]) : _thread_sampler.sample(_rng, static_cast<uint64_t>(_step), static_cast<uint32_t>(_i), 11534336u + draw, n, p); };
            const double _k = _binomial(0, double(_n_sources), _p);  // spikes of the N sources in this step ~ Binomial(N, p), exact
            v_ = not_refractory_ ? _k*_weight + v_ : v_;  // v += (_weight) * k
            _ptr_v_[_i] = v_;
        }
    }
    }
}

// ---- ratemonitor3: PopulationRateMonitor ----

// population rate: spikes / (N * dt)
static void ratemonitor3_record([[maybe_unused]] Network& _net, [[maybe_unused]] Ratemonitor3& _grp, [[maybe_unused]] Group0& _src, [[maybe_unused]] const int64_t _step, [[maybe_unused]] const double _t) {
    const int64_t _row = (_step - _grp._first_step) / _grp._every;
    _grp._t[_row] = _t;
    _grp._rate[_row] = _src._spikespace[_src.N_] / (static_cast<double>(_src.N_) * _grp._dt);
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
    net.group0.ge_ = static_cast<double*>(arrays[1]);
    net.group0.lastspike_ = static_cast<double*>(arrays[2]);
    net.group0.not_refractory_ = static_cast<char*>(arrays[3]);
    net.group0._spikespace = static_cast<int32_t*>(arrays[4]);
    net.group0._refractory = scalars[3];
    net.group0.N_ = static_cast<int64_t>(integers[2]);
    net.synapses1._every = static_cast<int64_t>(integers[3]);
    net.synapses1._dt = scalars[4];
    net.synapses1.N_ = static_cast<int64_t>(integers[4]);
    net.synapses1.N_pre_ = static_cast<int64_t>(integers[5]);
    net.synapses1.N_post_ = static_cast<int64_t>(integers[6]);
    net.synapses1._source_start = static_cast<int64_t>(integers[7]);
    net.synapses1._target_start = static_cast<int64_t>(integers[8]);
    net.synapses1.w_ = static_cast<double*>(arrays[5]);
    net.synapses1._synaptic_pre = static_cast<int32_t*>(arrays[6]);
    net.synapses1._synaptic_post = static_cast<int32_t*>(arrays[7]);
    net.synapses1.delay_ = static_cast<double*>(arrays[8]);
    net.synapses1._n_incoming = static_cast<int64_t*>(arrays[9]);
    net.synapses1._n_outgoing = static_cast<int64_t*>(arrays[10]);
    net.synapses1._pre_offsets = static_cast<int64_t*>(arrays[11]);
    net.synapses1._pre_synapses = static_cast<int32_t*>(arrays[12]);
    net.synapses1._pre_in_order = static_cast<int64_t>(integers[9]);
    net.synapses1._pre_queue_items = static_cast<int32_t*>(arrays[13]);
    net.synapses1._pre_queue_steps = static_cast<int64_t*>(arrays[14]);
    net.synapses1._pre_queue_n = static_cast<int64_t>(integers[10]);
    net.synapses1._pre_queue_dt = scalars[5];
    net.synapses1._pre_queue_every = static_cast<int64_t>(integers[11]);
    net.poissoninput2._every = static_cast<int64_t>(integers[12]);
    net.poissoninput2._dt = scalars[6];
    net.poissoninput2.N_ = static_cast<int64_t>(integers[13]);
    net.poissoninput2._start = static_cast<int64_t>(integers[14]);
    net.poissoninput2._size = static_cast<int64_t>(integers[15]);
    net.poissoninput2._rate = scalars[7];
    net.poissoninput2._weight = scalars[8];
    net.poissoninput2._stream = static_cast<uint32_t>(integers[16]);
    net.ratemonitor3._every = static_cast<int64_t>(integers[17]);
    net.ratemonitor3._dt = scalars[9];
    net.ratemonitor3._first_step = static_cast<int64_t>(integers[18]);
    net.ratemonitor3._t = static_cast<double*>(arrays[15]);
    net.ratemonitor3._rate = static_cast<double*>(arrays[16]);
}

static int64_t steps(Network& net, int64_t step0, int64_t n_steps, double callback_interval,
                     Callback callback, void* callback_data);

constexpr int64_t PROFILE_SLOTS = 0;  // built without profiling (run(profile=True) builds another)

int64_t run(Network& net, const int64_t step0, const int64_t n_steps, const double callback_interval,
            Callback callback, void* callback_data) {
    net.callback = callback;
    net.callback_data = callback_data;
    net.callback_interval = callback_interval;
    synapses1_pre_prepare(net, net.synapses1, step0, net.t_start);
    const int64_t done = steps(net, step0, n_steps, callback_interval, callback, callback_data);
    synapses1_pre_finish(net, net.synapses1, step0 + done, static_cast<double>(step0 + done) * net.dt);
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
        if (step % net.group0._every == 0) group0_stateupdate(net, net.group0, step, t);
        if (step % net.group0._every == 0) group0_thresholder(net, net.group0, step, t);
        if (step % net.synapses1._every == 0) synapses1_pre(net, net.synapses1, net.group0, net.group0, step, t);
        if (step % net.poissoninput2._every == 0) poissoninput2_poissoninput(net, net.poissoninput2, net.group0, step, t);
        if (step % net.group0._every == 0) group0_resetter(net, net.group0, step, t);
        if (step % net.ratemonitor3._every == 0) ratemonitor3_record(net, net.ratemonitor3, net.group0, step, t);
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
    if (id == 0) return static_cast<int64_t>(net.synapses1._pre_pending_items.size());
    if (id == 1) return static_cast<int64_t>(net.synapses1._pre_pending_steps.size());
    return -1;
}

const void* dynamic_data(const Network& net, int id) {
    (void)net;
    (void)id;
    if (id == 0) return net.synapses1._pre_pending_items.data();
    if (id == 1) return net.synapses1._pre_pending_steps.data();
    return nullptr;
}

void dynamic_clear(Network& net, int id) {
    (void)net;
    (void)id;
    if (id == 0) net.synapses1._pre_pending_items.clear();
    if (id == 1) net.synapses1._pre_pending_steps.clear();
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

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

// threshold: v > 1
static void group0_thresholder([[maybe_unused]] Network& _net, [[maybe_unused]] Group0& _grp, [[maybe_unused]] const int64_t _step, [[maybe_unused]] const double _t) {
    double* __restrict const _ptr_v_ = _grp.v_;
    int32_t* const _spikes = _grp._spikespace;  // spiking indices, their count at [N]
    int32_t _n_spikes = 0;
    const int64_t _n = _grp.N_;
    auto _fires = [&]([[maybe_unused]] const int64_t i_) -> bool {
        const double v_ = _ptr_v_[i_];
        return v_ > 1.0;
    };
    auto _spike = [&](const int64_t _i) {
        _spikes[_n_spikes++] = static_cast<int32_t>(_i);
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
// reset: k = k + 1
static void group0_resetter([[maybe_unused]] Network& _net, [[maybe_unused]] Group0& _grp, [[maybe_unused]] const int64_t _step, [[maybe_unused]] const double _t) {
    int32_t* __restrict const _ptr_k_ = _grp.k_;
    double* __restrict const _ptr_v_ = _grp.v_;
    const int32_t* const _spikes = _grp._spikespace;
    const int32_t _n_spikes = _spikes[_grp.N_];
    for (int32_t _k = 0; _k < _n_spikes; ++_k) {
        const int64_t i_ = _spikes[_k];
        int32_t k_ = _ptr_k_[i_];
        double v_ = _ptr_v_[i_];
        v_ = 0.0;  // v = 0
        k_ = ng::to_integer<int32_t>(double(k_) + 1.0, _grp._integer_errors_k, _step, i_);  // k = k + 1
        _ptr_v_[i_] = v_;
        _ptr_k_[i_] = k_;
    }
}

// ---- synapses1: Synapses ----

// on_pre: v_post += w
// on_pre: apre += 0.01
// on_pre: w = clip(w + apost, 0, 1)
static void synapses1_pre([[maybe_unused]] Network& _net, [[maybe_unused]] Synapses1& _grp, [[maybe_unused]] Group0& _pre, [[maybe_unused]] Group0& _post, [[maybe_unused]] const int64_t _step, [[maybe_unused]] const double _t) {
    const double t_ = _t;
    int32_t* const _ptr__jpost = _grp._synaptic_post;
    double* const _ptr_apost_ = _grp.apost_;
    double* const _ptr_apre_ = _grp.apre_;
    double* const _ptr_lastupdate_ = _grp.lastupdate_;
    double* const _ptr_w_ = _grp.w_;
    double* const _ptr_v_post_ = _post.v_;
    auto _on_synapse = [&](const int64_t _s) {
        const int32_t _jpost = _ptr__jpost[_s];
        double apost_ = _ptr_apost_[_s];
        double apre_ = _ptr_apre_[_s];
        double lastupdate_ = _ptr_lastupdate_[_s];
        double w_ = _ptr_w_[_s];
        double v_post_ = _ptr_v_post_[_jpost];
        const double _elapsed = -lastupdate_ + t_;  // time since the last event of this synapse
        const double _apre_new = apre_*std::exp(-50.0*_elapsed);  // dapre/dt = -apre/(20*ms) : 1 (event-driven)
        const double _apost_new = apost_*std::exp(-50.0*_elapsed);  // dapost/dt = -apost/(20*ms) : 1 (event-driven)
        apre_ = _apre_new;
        apost_ = _apost_new;
        v_post_ = v_post_ + w_;  // v_post += w
        apre_ = apre_ + 0.01;  // apre += 0.01
        w_ = ng::clip(apost_ + w_, 0.0, 1.0);  // w = clip(w + apost, 0, 1)
        lastupdate_ = t_;  // event-driven variables are up to date
        _ptr_apre_[_s] = apre_;
        _ptr_apost_[_s] = apost_;
        _ptr_v_post_[_jpost] = v_post_;
        _ptr_w_[_s] = w_;
        _ptr_lastupdate_[_s] = lastupdate_;
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

// on_post: apost -= 0.0105
// on_post: w = clip(w + apre, 0, 1)
static void synapses1_post([[maybe_unused]] Network& _net, [[maybe_unused]] Synapses1& _grp, [[maybe_unused]] Group0& _pre, [[maybe_unused]] Group0& _post, [[maybe_unused]] const int64_t _step, [[maybe_unused]] const double _t) {
    const double t_ = _t;
    double* const _ptr_apost_ = _grp.apost_;
    double* const _ptr_apre_ = _grp.apre_;
    double* const _ptr_lastupdate_ = _grp.lastupdate_;
    double* const _ptr_w_ = _grp.w_;
    auto _on_synapse = [&](const int64_t _s) {
        double apost_ = _ptr_apost_[_s];
        double apre_ = _ptr_apre_[_s];
        double lastupdate_ = _ptr_lastupdate_[_s];
        double w_ = _ptr_w_[_s];
        const double _elapsed = -lastupdate_ + t_;  // time since the last event of this synapse
        const double _apre_new = apre_*std::exp(-50.0*_elapsed);  // dapre/dt = -apre/(20*ms) : 1 (event-driven)
        const double _apost_new = apost_*std::exp(-50.0*_elapsed);  // dapost/dt = -apost/(20*ms) : 1 (event-driven)
        apre_ = _apre_new;
        apost_ = _apost_new;
        apost_ = apost_ - 0.0105;  // apost -= 0.0105
        w_ = ng::clip(apre_ + w_, 0.0, 1.0);  // w = clip(w + apre, 0, 1)
        lastupdate_ = t_;  // event-driven variables are up to date
        _ptr_apre_[_s] = apre_;
        _ptr_apost_[_s] = apost_;
        _ptr_w_[_s] = w_;
        _ptr_lastupdate_[_s] = lastupdate_;
    };
    // spikes of this step: indices in the parent group, their count at [N]
    const int32_t* const _spikes = _post._spikespace;
    const int32_t _n_spikes = _spikes[_post.N_];
    const int64_t* const _first = _grp._post_offsets;
    // the q-th synapse in neuron order: q itself when the synapses are stored in neuron order
    // (connect() by conditions or probabilities makes them so), else from the CSR list
    const bool _in_order = _grp._post_in_order != 0;
    const int32_t* const _synapses = _grp._post_synapses;
    auto _synapse_at = [&](const int64_t _q) { return _in_order ? static_cast<int32_t>(_q) : _synapses[_q]; };
    const int32_t* const _neurons = _spikes;
    const int64_t _n_neurons = _n_spikes;
    for (int64_t _k = 0; _k < _n_neurons; ++_k) {
        for (int64_t _q = _first[_neurons[_k]]; _q < _first[_neurons[_k] + 1]; ++_q) _on_synapse(_synapse_at(_q));
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
    net.group0.k_ = static_cast<int32_t*>(arrays[1]);
    net.group0._spikespace = static_cast<int32_t*>(arrays[2]);
    net.group0.N_ = static_cast<int64_t>(integers[2]);
    net.synapses1._every = static_cast<int64_t>(integers[3]);
    net.synapses1._dt = scalars[3];
    net.synapses1.N_ = static_cast<int64_t>(integers[4]);
    net.synapses1.N_pre_ = static_cast<int64_t>(integers[5]);
    net.synapses1.N_post_ = static_cast<int64_t>(integers[6]);
    net.synapses1._source_start = static_cast<int64_t>(integers[7]);
    net.synapses1._target_start = static_cast<int64_t>(integers[8]);
    net.synapses1.w_ = static_cast<double*>(arrays[3]);
    net.synapses1.apre_ = static_cast<double*>(arrays[4]);
    net.synapses1.apost_ = static_cast<double*>(arrays[5]);
    net.synapses1._synaptic_pre = static_cast<int32_t*>(arrays[6]);
    net.synapses1._synaptic_post = static_cast<int32_t*>(arrays[7]);
    net.synapses1.delay_ = static_cast<double*>(arrays[8]);
    net.synapses1.lastupdate_ = static_cast<double*>(arrays[9]);
    net.synapses1._n_incoming = static_cast<int64_t*>(arrays[10]);
    net.synapses1._n_outgoing = static_cast<int64_t*>(arrays[11]);
    net.synapses1._pre_offsets = static_cast<int64_t*>(arrays[12]);
    net.synapses1._pre_synapses = static_cast<int32_t*>(arrays[13]);
    net.synapses1._pre_in_order = static_cast<int64_t>(integers[9]);
    net.synapses1._pre_queue_items = static_cast<int32_t*>(arrays[14]);
    net.synapses1._pre_queue_steps = static_cast<int64_t*>(arrays[15]);
    net.synapses1._pre_queue_n = static_cast<int64_t>(integers[10]);
    net.synapses1._pre_queue_dt = scalars[4];
    net.synapses1._pre_queue_every = static_cast<int64_t>(integers[11]);
    net.synapses1._post_offsets = static_cast<int64_t*>(arrays[16]);
    net.synapses1._post_synapses = static_cast<int32_t*>(arrays[17]);
    net.synapses1._post_in_order = static_cast<int64_t>(integers[12]);
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
        if (step % net.group0._every == 0) group0_thresholder(net, net.group0, step, t);
        if (step % net.synapses1._every == 0) synapses1_pre(net, net.synapses1, net.group0, net.group0, step, t);
        if (step % net.synapses1._every == 0) synapses1_post(net, net.synapses1, net.group0, net.group0, step, t);
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
    if (id == 0) return static_cast<int64_t>(net.group0._integer_errors_k.size());
    if (id == 1) return static_cast<int64_t>(net.synapses1._pre_pending_items.size());
    if (id == 2) return static_cast<int64_t>(net.synapses1._pre_pending_steps.size());
    return -1;
}

const void* dynamic_data(const Network& net, int id) {
    (void)net;
    (void)id;
    if (id == 0) return net.group0._integer_errors_k.data();
    if (id == 1) return net.synapses1._pre_pending_items.data();
    if (id == 2) return net.synapses1._pre_pending_steps.data();
    return nullptr;
}

void dynamic_clear(Network& net, int id) {
    (void)net;
    (void)id;
    if (id == 0) net.group0._integer_errors_k.clear();
    if (id == 1) net.synapses1._pre_pending_items.clear();
    if (id == 2) net.synapses1._pre_pending_steps.clear();
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

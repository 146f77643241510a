// neurogen generated network: state layout and the simulation API. Do not edit.
#pragma once
#include <cstdint>
#include <vector>

#include "synapses.hpp"

namespace ng {

// NeuronGroup:
//     dv/dt = (ge - v)/(10*ms) : 1 (unless refractory)
//     dge/dt = -ge/(5*ms) : 1
struct Group0 {
    int64_t _every = 0;  // runs every _every steps (its clock)
    double _dt = 0;  // time step of its clock, second
    double* v_ = nullptr;  // 1
    double* ge_ = nullptr;  // 1
    double* lastspike_ = nullptr;  // s
    char* not_refractory_ = nullptr;  // 1
    int32_t* _spikespace = nullptr;  // 1
    double _refractory = 0;  // refractory period, second
    int64_t N_ = 0;  // number of neurons
};

// Synapses:
//     w : 1
struct Synapses1 {
    int64_t _every = 0;  // runs every _every steps (its clock)
    double _dt = 0;  // time step of its clock, second
    int64_t N_ = 0;  // number of synapses
    int64_t N_pre_ = 0;  // number of presynaptic neurons
    int64_t N_post_ = 0;  // number of postsynaptic neurons
    int64_t _source_start = 0;  // first presynaptic index in its group
    int64_t _target_start = 0;  // first postsynaptic index in its group
    double* w_ = nullptr;  // 1
    int32_t* _synaptic_pre = nullptr;  // index in the parent group, per synapse
    int32_t* _synaptic_post = nullptr;  // index in the parent group, per synapse
    double* delay_ = nullptr;  // s
    int64_t* _n_incoming = nullptr;  // synapses per postsynaptic neuron
    int64_t* _n_outgoing = nullptr;  // synapses per presynaptic neuron
    std::vector<int32_t> _pre_order;  // synapses of one step, sorted
    int64_t* _pre_offsets = nullptr;  // first synapse of each neuron (CSR)
    int32_t* _pre_synapses = nullptr;  // synapses ordered by neuron (CSR; empty if in order)
    int64_t _pre_in_order = 0;  // 1: synapses are stored in neuron order
    ng::SpikeQueue _pre_queue;  // spikes in transit
    int32_t* _pre_queue_items = nullptr;  // spikes in transit at the start of the run
    int64_t* _pre_queue_steps = nullptr;  // their delivery steps
    int64_t _pre_queue_n = 0;  // how many
    double _pre_queue_dt = 0;  // dt of the synapses' clock their steps were made with
    int64_t _pre_queue_every = 0;  // network steps per step of that clock
    std::vector<int32_t> _pre_pending_items;  // spikes in transit at the end of the run
    std::vector<int64_t> _pre_pending_steps;  // their delivery steps
};

// PoissonInput
struct Poissoninput2 {
    int64_t _every = 0;  // runs every _every steps (its clock)
    double _dt = 0;  // time step of its clock, second
    int64_t N_ = 0;  // number of Poisson sources
    int64_t _start = 0;  // first target neuron, index in its group
    int64_t _size = 0;  // number of target neurons
    double _rate = 0;  // external constant, Hz
    double _weight = 0;  // external constant, 1
    uint32_t _stream = 0;  // random-number stream of this object
};

// PopulationRateMonitor
struct Ratemonitor3 {
    int64_t _every = 0;  // runs every _every steps (its clock)
    double _dt = 0;  // time step of its clock, second
    int64_t _first_step = 0;  // step of the first record of this run
    double* _t = nullptr;  // record times of this run, second
    double* _rate = nullptr;  // population rate of this run, Hz
};

// Called every so often during run(); a nonzero return stops the run at a step boundary.
typedef int (*Callback)(void* data, int64_t steps_done);

struct Network {
    double dt = 0;        // time step, second
    double t_start = 0;   // time at the start of this run, second
    uint64_t seed = 0;    // random numbers: key = (seed, object stream)
    Callback callback = nullptr;     // during run(): long one-off calls (connect) call it too
    void* callback_data = nullptr;
    double callback_interval = 0.1;  // seconds of wall time between calls
    double* profile = nullptr;       // run(profile=True): seconds spent in each call of the step loop
    Group0 group0;
    Synapses1 synapses1;
    Poissoninput2 poissoninput2;
    Ratemonitor3 ratemonitor3;
};

// Point the network at this run's buffers and values, in the order of the manifest.
void bind(Network& net, void* const* arrays, const int64_t* sizes, const double* scalars,
          const int64_t* integers);
// Run the one-off calls (string assignments) and the preparations (spike queues), then n_steps
// steps from step0, then the finishing calls (spikes in transit copied out); returns steps done.
int64_t run(Network& net, int64_t step0, int64_t n_steps, double callback_interval,
            Callback callback, void* callback_data);
// C++-owned records (spike monitors), by manifest index.
int64_t dynamic_size(const Network& net, int id);
const void* dynamic_data(const Network& net, int id);
void dynamic_clear(Network& net, int id);

}  // namespace ng

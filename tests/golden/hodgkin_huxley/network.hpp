// neurogen generated network: state layout and the simulation API. Do not edit.
#pragma once
#include <cstdint>
#include <vector>

#include "synapses.hpp"

namespace ng {

// NeuronGroup:
//     dv/dt = (gl*(El - v) - g_na*m**3*(v - ENa))/Cm : volt
//     dm/dt = alpha_m*(1 - m) - beta_m*m : 1
//     alpha_m = 0.32*(mV**-1)*4*mV/exprel((13*mV - v + VT)/(4*mV))/ms : Hz
//     beta_m = 0.28*(mV**-1)*5*mV/exprel((v - VT - 40*mV)/(5*mV))/ms : Hz
struct Group0 {
    int64_t _every = 0;  // runs every _every steps (its clock)
    double _dt = 0;  // time step of its clock, second
    double* v_ = nullptr;  // V
    double* m_ = nullptr;  // 1
    double* lastspike_ = nullptr;  // s
    char* not_refractory_ = nullptr;  // 1
    int32_t* _spikespace = nullptr;  // 1
    double Cm_ = 0;  // external constant, F
    double ENa_ = 0;  // external constant, V
    double El_ = 0;  // external constant, V
    double VT_ = 0;  // external constant, V
    double g_na_ = 0;  // external constant, S
    double gl_ = 0;  // external constant, S
    int64_t N_ = 0;  // number of neurons
};

// StateMonitor
struct Statemonitor1 {
    int64_t _every = 0;  // runs every _every steps (its clock)
    double _dt = 0;  // time step of its clock, second
    double VT_ = 0;  // external constant, V
    int32_t* _indices = nullptr;  // recorded indices
    int64_t _n_indices = 0;  // number of recorded indices
    int64_t _first_step = 0;  // step of the first record of this run
    double* _t = nullptr;  // record times of this run, second
    double* _rec_v = nullptr;  // records of v (rows: times)
    double* _rec_alpha_m = nullptr;  // records of alpha_m (rows: times)
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
    Statemonitor1 statemonitor1;
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

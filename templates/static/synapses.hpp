// neurogen static header: what synaptic propagation needs (delays in steps, spikes in transit).
#pragma once
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

namespace ng {

// A delay in whole steps, rounded to the nearest step: floor(delay/dt + 0.5), as Brian2.
// (Refractoriness truncates instead; see timestep() in functions.hpp.)
inline int64_t delay_steps(double delay, double dt) {
    return static_cast<int64_t>(std::floor(delay / dt + 0.5));
}

// Spikes in transit: a ring of lists, one list per future step. An item is a synapse index
// (heterogeneous delays) or a presynaptic neuron index (one delay for all synapses).
// Between runs the pending items live in Python (so store/restore and a rebuilt network
// keep them): prepare() loads them, dump() writes them out.
// A clock in the network's steps: its dt, and how many network steps one of its steps is.
struct QueueClock {
    double dt;
    int64_t every;
};

class SpikeQueue {
public:
    // Size the ring for delays up to max_delay steps and load pending (item, step) pairs, whose
    // steps were counted with clock `before`; this run starts at `step` (time t_start) on `now`.
    void prepare(int64_t max_delay, int64_t step, const int32_t* items, const int64_t* steps, int64_t n,
                 QueueClock before, QueueClock now, double t_start) {
        std::vector<int64_t> due(steps, steps + n);
        const bool convertible = before.dt > 0 && now.dt > 0 && std::isfinite(before.dt / now.dt);
        if (n > 0 && convertible && (before.dt != now.dt || before.every != now.every)) {
            // dt changed: a spike keeps its remaining delay in steps of the old clock, converted
            // as Brian2 does to int(remaining * old_dt/new_dt + 0.5) steps of the new one
            const int64_t old_next = ceil_div(std::llround(t_start * static_cast<double>(before.every) / before.dt),
                                              before.every);  // the old clock's next step
            const int64_t next = ceil_div(step, now.every);
            const double factor = before.dt / now.dt;
            for (int64_t k = 0; k < n; ++k) {
                const int64_t remaining = steps[k] / before.every - old_next;
                const double exact = static_cast<double>(remaining) * factor + 0.5;  // kept in int64 range
                const int64_t converted = static_cast<int64_t>(std::fmax(-4e18, std::fmin(exact, 4e18)));
                due[k] = (next + converted) * now.every;
            }
        }
        int64_t longest = max_delay;
        for (int64_t k = 0; k < n; ++k) longest = std::max(longest, due[static_cast<size_t>(k)] - step);
        ring_.assign(static_cast<size_t>(longest + 1), std::vector<int32_t>());
        for (int64_t k = 0; k < n; ++k) {
            if (due[static_cast<size_t>(k)] >= step) push(due[static_cast<size_t>(k)], items[k]);
        }
    }
    void push(int64_t step, int32_t item) { slot(step).push_back(item); }
    std::vector<int32_t>& slot(int64_t step) {
        return ring_[static_cast<size_t>(step % static_cast<int64_t>(ring_.size()))];
    }
    // Every pending item with its delivery step, from step `next` on; empties the queue.
    void dump(int64_t next, std::vector<int32_t>& items, std::vector<int64_t>& steps) {
        items.clear();
        steps.clear();
        const int64_t size = static_cast<int64_t>(ring_.size());
        for (int64_t step = next; step < next + size; ++step) {
            for (const int32_t item : slot(step)) {
                items.push_back(item);
                steps.push_back(step);
            }
        }
        ring_.clear();
    }

private:
    static int64_t ceil_div(int64_t a, int64_t b) { return a / b + (a % b != 0 && (a < 0) == (b < 0)); }
    std::vector<std::vector<int32_t>> ring_;
};

}  // namespace ng

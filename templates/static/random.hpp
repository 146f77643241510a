// neurogen static header: counter-based random numbers for rand() and randn().
//
// Every random number is a pure function of (seed, stream, step, element, draw):
// there is no generator state, so the numbers do not depend on evaluation order,
// execution mode or thread count.  The generator is Philox4x32-10 (Salmon, Moraes,
// Dror & Shaw, "Parallel random numbers: as easy as 1, 2, 3", SC'11), bit-exact with
// Random123's philox4x32 at 10 rounds (checked against its known-answer vectors).
//
// Addressing of one Philox block (4 x 32 bits) for a number:
//   key[0] = uint32(seed)                        low half of the 64-bit seed
//   key[1] = stream                              stable 32-bit id of the drawing object
//   ctr[0] = uint32(step)                        time step, low half
//   ctr[1] = uint32(step >> 32) ^ uint32(seed >> 32) ^ tag
//   ctr[2] = element                             neuron / synapse index
//   ctr[3] = draw                                which draw of this element in this step
// tag is 0 for rand_uniform; rand_normal uses 0x80000000 | j for its attempt j (j = 0 almost
// always) and 0xC0000000 | k for iteration k of its tail loop, so a uniform and a normal at
// the same arguments come from different blocks and are independent, and every extra number a
// normal needs comes from its own address.  (distributions.hpp uses 0x40000000 | j.)
// (Folding the seed's high half and the tag into ctr[1] means that two addresses share
// a block only if one of them has step >= 2^32, which no simulation reaches, or if they
// belong to two runs whose seeds differ only in their high halves.)
//
// From the block words out[0..3]:
//   rand_uniform = k * 2^-53 with k = (uint64(out[0]) << 21) | (out[1] >> 11), the
//                  53-bit integer made of all of out[0] and the top 21 bits of out[1];
//                  a multiple of 2^-53 in [0, 1 - 2^-53], computed exactly.
//   rand_normal  = a 256-layer ziggurat (Marsaglia & Tsang 2000; tables and their
//                  construction in ziggurat_tables.hpp).  Attempt j's block gives
//                    layer i = out[0] & 0xFF, sign = bit 8 of out[0],
//                    a = (uint64(out[1]) << 20) | (out[2] >> 12)   (52 bits), x = a * W[i];
//                  a < K[i] accepts +-x at once (98.8% of all samples: integer compare and
//                  one multiplication, exact, the same on every platform).  Otherwise, for
//                  i > 0, the wedge test F[i] + (F[i-1] - F[i]) * u < exp(-x^2/2) with
//                  u = bits53(out[3], out[0]) * 2^-53 (the top 21 bits of out[0]: disjoint
//                  from layer and sign) accepts x, else attempt j + 1 starts over; for i = 0
//                  and x >= R the tail R + t is drawn by Marsaglia's method: tail iteration k
//                  takes u1 = uniform_oc(out[0], out[1]), u2 = uniform_oc(out[2], out[3]),
//                  t = -ln(u1)/R, accepted when -2 ln(u2) > t^2.  So |rand_normal| <=
//                  R + 53 ln(2)/R ~ 13.7.
// Uniforms, and normals on the fast path, are exact integer arithmetic, hence identical on
// every platform.  The rare wedge and tail paths go through std::exp/std::log: bit-identical
// for a given C library and compiler flags without -ffast-math and with -ffp-contract=off
// (no FMA contraction).
#pragma once
#include <cmath>
#include <cstdint>

#include "ziggurat_tables.hpp"

namespace ng {

// -- Philox4x32-10 --------------------------------------------------------------------

namespace philox_detail {
constexpr uint32_t M0 = 0xD2511F53u;  // round multipliers
constexpr uint32_t M1 = 0xCD9E8D57u;
constexpr uint32_t W0 = 0x9E3779B9u;  // Weyl key increments (golden ratio, sqrt(3) - 1)
constexpr uint32_t W1 = 0xBB67AE85u;

// One Philox S-box round on x with round key k: two 32x32->64 multiplications.
inline void philox_round(uint32_t x[4], const uint32_t k[2]) {
    const uint64_t p0 = uint64_t(M0) * x[0];
    const uint64_t p1 = uint64_t(M1) * x[2];
    const uint32_t hi0 = uint32_t(p0 >> 32), lo0 = uint32_t(p0);
    const uint32_t hi1 = uint32_t(p1 >> 32), lo1 = uint32_t(p1);
    const uint32_t x1 = x[1], x3 = x[3];
    x[0] = hi1 ^ x1 ^ k[0];
    x[1] = lo1;
    x[2] = hi0 ^ x3 ^ k[1];
    x[3] = lo0;
}
}  // namespace philox_detail

// Random123's philox4x32_R(10, ctr, key): 10 rounds, the key bumped by the Weyl
// constants (mod 2^32) before every round but the first.
inline void philox4x32_10(const uint32_t ctr[4], const uint32_t key[2], uint32_t out[4]) {
    uint32_t x[4] = {ctr[0], ctr[1], ctr[2], ctr[3]};
    uint32_t k[2] = {key[0], key[1]};
    philox_detail::philox_round(x, k);
    for (int r = 1; r < 10; ++r) {
        k[0] += philox_detail::W0;
        k[1] += philox_detail::W1;
        philox_detail::philox_round(x, k);
    }
    out[0] = x[0];
    out[1] = x[1];
    out[2] = x[2];
    out[3] = x[3];
}

// -- from random bits to doubles ------------------------------------------------------

// 2^-53: the spacing of doubles just below 1 (exact).
constexpr double TWO_POW_MINUS_53 = 1.0 / 9007199254740992.0;

// The 53-bit integer (hi << 21) | (lo >> 11): all of hi, the top 21 bits of lo.
inline uint64_t bits53(uint32_t hi, uint32_t lo) {
    return (uint64_t(hi) << 21) | uint64_t(lo >> 11);
}

// Uniform in [0, 1): k * 2^-53.  (0, 0) -> 0; (~0, ~0) -> 1 - 2^-53.
inline double uniform_co(uint32_t hi, uint32_t lo) {
    return double(bits53(hi, lo)) * TWO_POW_MINUS_53;
}

// Uniform in (0, 1]: (k + 1) * 2^-53.  (0, 0) -> 2^-53; (~0, ~0) -> 1.
inline double uniform_oc(uint32_t hi, uint32_t lo) {
    return double(bits53(hi, lo) + 1) * TWO_POW_MINUS_53;
}

// -- stream addressing ----------------------------------------------------------------

namespace philox_detail {
constexpr uint32_t TAG_UNIFORM = 0u;
constexpr uint32_t TAG_NORMAL = 0x80000000u;       // | attempt
constexpr uint32_t TAG_NORMAL_TAIL = 0xC0000000u;  // | tail iteration
constexpr uint32_t NORMAL_ITERATIONS = 0x3FFFFFFFu;  // iteration numbers stay below bit 30

// The Philox block of (seed, stream, step, element, draw), per the table at the top.
inline void block(uint64_t seed, uint32_t stream, uint64_t step, uint32_t element,
                  uint32_t draw, uint32_t tag, uint32_t out[4]) {
    const uint32_t key[2] = {uint32_t(seed), stream};
    const uint32_t ctr[4] = {uint32_t(step), uint32_t(step >> 32) ^ uint32_t(seed >> 32) ^ tag,
                             element, draw};
    philox4x32_10(ctr, key, out);
}
}  // namespace philox_detail

// Uniform in [0, 1), a multiple of 2^-53 (see the top of this file).
inline double rand_uniform(uint64_t seed, uint32_t stream, uint64_t step, uint32_t element,
                           uint32_t draw) {
    uint32_t w[4];
    philox_detail::block(seed, stream, step, element, draw, philox_detail::TAG_UNIFORM, w);
    return uniform_co(w[0], w[1]);
}

namespace philox_detail {
// The tail beyond R: Marsaglia's method, iteration k from the block tagged TAIL | k.
inline double normal_tail(uint64_t seed, uint32_t stream, uint64_t step, uint32_t element,
                          uint32_t draw) {
    for (uint32_t k = 0;; ++k) {
        uint32_t w[4];
        block(seed, stream, step, element, draw, TAG_NORMAL_TAIL | (k & NORMAL_ITERATIONS), w);
        const double t = -std::log(uniform_oc(w[0], w[1])) * ziggurat::INV_R;
        const double y = -std::log(uniform_oc(w[2], w[3]));
        if (y + y > t * t) return ziggurat::R + t;
    }
}

// What follows a failed fast test of attempt j (block w): the wedge test or the tail, then
// the next attempts.  Out of line: it runs for about 1.2% of the samples.
[[gnu::noinline]] inline double normal_slow(uint64_t seed, uint32_t stream, uint64_t step,
                                            uint32_t element, uint32_t draw, uint32_t j,
                                            const uint32_t* w_first) {
    uint32_t w[4] = {w_first[0], w_first[1], w_first[2], w_first[3]};
    for (;;) {
        const uint32_t layer = w[0] & 0xFFu;
        const bool negative = (w[0] & 0x100u) != 0;
        const uint64_t a = (uint64_t(w[1]) << 20) | uint64_t(w[2] >> 12);
        const double x = double(a) * ziggurat::W[layer];
        if (a < ziggurat::K[layer]) return negative ? -x : x;
        if (layer == 0) {
            const double tail = normal_tail(seed, stream, step, element, draw);
            return negative ? -tail : tail;
        }
        const double u = uniform_co(w[3], w[0]);
        if (ziggurat::F[layer] + (ziggurat::F[layer - 1] - ziggurat::F[layer]) * u < std::exp(-0.5 * x * x))
            return negative ? -x : x;
        j = (j + 1) & NORMAL_ITERATIONS;
        block(seed, stream, step, element, draw, TAG_NORMAL | j, w);
    }
}
}  // namespace philox_detail

// Standard normal: a counter-based ziggurat (see the top of this file).
inline double rand_normal(uint64_t seed, uint32_t stream, uint64_t step, uint32_t element,
                          uint32_t draw) {
    uint32_t w[4];
    philox_detail::block(seed, stream, step, element, draw, philox_detail::TAG_NORMAL, w);
    const uint32_t layer = w[0] & 0xFFu;
    const uint64_t a = (uint64_t(w[1]) << 20) | uint64_t(w[2] >> 12);
    if (a < ziggurat::K[layer]) {  // fast path: under the curve for sure
        const double x = double(a) * ziggurat::W[layer];
        return (w[0] & 0x100u) != 0 ? -x : x;
    }
    return philox_detail::normal_slow(seed, stream, step, element, draw, 0, w);
}

// Standard normals for `count` (<= NORMAL_BATCH) elements at one draw, out[j] for the element
// `element(j)`: the same numbers as rand_normal one by one, faster because the Philox blocks of
// all of them are computed first, in a loop the compiler vectorizes, and the ziggurat's fast
// test runs on them afterwards (kernels call this per block of elements).
constexpr int NORMAL_BATCH = 64;

template <typename Elements>
inline void rand_normal_batch(uint64_t seed, uint32_t stream, uint64_t step, uint32_t draw, int count,
                              const Elements& element, double* out) {
    uint32_t w0[NORMAL_BATCH], w1[NORMAL_BATCH], w2[NORMAL_BATCH], w3[NORMAL_BATCH];
    const uint32_t key[2] = {uint32_t(seed), stream};
    const uint32_t c0 = uint32_t(step);
    const uint32_t c1 = uint32_t(step >> 32) ^ uint32_t(seed >> 32) ^ philox_detail::TAG_NORMAL;
    for (int j = 0; j < count; ++j) {  // vectorized: no branch, no call
        const uint32_t ctr[4] = {c0, c1, element(j), draw};
        uint32_t w[4];
        philox4x32_10(ctr, key, w);
        w0[j] = w[0];
        w1[j] = w[1];
        w2[j] = w[2];
        w3[j] = w[3];
    }
    for (int j = 0; j < count; ++j) {
        const uint32_t layer = w0[j] & 0xFFu;
        const uint64_t a = (uint64_t(w1[j]) << 20) | uint64_t(w2[j] >> 12);
        if (a < ziggurat::K[layer]) {
            const double x = double(a) * ziggurat::W[layer];
            out[j] = (w0[j] & 0x100u) != 0 ? -x : x;
        } else {
            const uint32_t w[4] = {w0[j], w1[j], w2[j], w3[j]};
            out[j] = philox_detail::normal_slow(seed, stream, step, element(j), draw, 0, w);
        }
    }
}

// Convenience for generated code: the (seed, stream) part of the address, fixed per
// object and run.
struct RandomStream {
    uint64_t seed;
    uint32_t stream;

    double uniform(uint64_t step, uint32_t element, uint32_t draw) const {
        return rand_uniform(seed, stream, step, element, draw);
    }
    double normal(uint64_t step, uint32_t element, uint32_t draw) const {
        return rand_normal(seed, stream, step, element, draw);
    }
};

}  // namespace ng

// neurogen static header: exact Poisson and binomial samples from the counter-based
// generator of random.hpp.
//
// A sample is a pure function of (seed, stream, step, element, draw), like rand(): the
// rejection loops below take the Philox block of iteration j from
//   ctr[1] = uint32(step >> 32) ^ uint32(seed >> 32) ^ (TAG_SEQUENCE | j)
// (TAG_SEQUENCE = bit 30), so they never reuse the blocks of rand_uniform (tag 0) or
// rand_normal (bit 31), and a draw index may loop as often as it needs without touching
// the numbers of another draw index.  Each block gives two 53-bit uniforms.
//
// Algorithms (exact: no normal approximation, no negative counts):
//   mean < 10    inversion by sequential search (Devroye 1986, X.3), one block, O(mean)
//   mean >= 10   Hoermann's transformed rejection with squeeze: PTRS for Poisson
//                ("The transformed rejection method for generating Poisson random
//                variables", 1993) and BTRS for binomial ("The generation of binomial
//                random variates", 1993); about 1.15 blocks per sample, O(1)
// Binomial(n, p) with p > 1/2 is sampled as n - Binomial(n, 1 - p).
// Limits: the acceptance tests subtract log-factorials, which loses accuracy for n or a mean
// beyond ~1e13 (PoissonInput caps N at 2^40 for that reason).
// The samplers keep the set-up of the last (mean) or (n, p) they saw, so a kernel that
// draws with the same parameters for every element computes logarithms once per call.
#pragma once
#include <cmath>
#include <cstdint>

#include "random.hpp"

namespace ng {

namespace distribution_detail {
constexpr uint32_t TAG_SEQUENCE = 0x40000000u;
constexpr uint32_t MAX_ITERATIONS = 0x3FFFFFFFu;  // iteration numbers stay below bit 30

struct Uniforms {
    double u;  // [0, 1)
    double v;  // [0, 1)
};

// The two uniforms of iteration j of one draw.
inline Uniforms uniforms(const RandomStream& rng, uint64_t step, uint32_t element, uint32_t draw,
                         uint32_t j) {
    uint32_t w[4];
    philox_detail::block(rng.seed, rng.stream, step, element, draw, TAG_SEQUENCE | (j & MAX_ITERATIONS), w);
    return {uniform_co(w[0], w[1]), uniform_co(w[2], w[3])};
}

// log(k!) for the acceptance tests: from a table below 1024, filled once with lgamma itself
// (so a value is the same as computing it each time, only faster), lgamma beyond.
struct LogFactorials {
    static constexpr int SIZE = 1024;
    double values[SIZE];
    LogFactorials() {
        for (int k = 0; k < SIZE; ++k) values[k] = std::lgamma(k + 1.0);
    }
};

inline double log_factorial(double k) {
    static const LogFactorials table;  // initialised on first use (thread-safe since C++11)
    return k < LogFactorials::SIZE ? table.values[static_cast<int>(k)] : std::lgamma(k + 1.0);
}
}  // namespace distribution_detail

// Poisson(mean) samples; set-up cached for the last mean.
class PoissonSampler {
public:
    double sample(const RandomStream& rng, uint64_t step, uint32_t element, uint32_t draw, double mean) {
        if (!(mean > 0.0)) return 0.0;  // also NaN: no events
        if (mean != mean_) set_up(mean);
        return mean < 10.0 ? inversion(rng, step, element, draw) : ptrs(rng, step, element, draw);
    }

private:
    double mean_ = -1.0;
    double exp_minus_mean_ = 0.0;          // inversion: P(0)
    double log_mean_ = 0.0, b_ = 0.0, a_ = 0.0, inv_alpha_ = 0.0, v_r_ = 0.0;  // PTRS

    void set_up(double mean) {
        mean_ = mean;
        exp_minus_mean_ = std::exp(-mean);
        const double s = std::sqrt(mean);
        log_mean_ = std::log(mean);
        b_ = 0.931 + 2.53 * s;
        a_ = -0.059 + 0.02483 * b_;
        inv_alpha_ = 1.1239 + 1.1328 / (b_ - 3.4);
        v_r_ = 0.9277 - 3.6224 / (b_ - 2.0);
    }

    // Walk the cumulative distribution with one uniform; a uniform that rounding pushed
    // past the last representable term starts over with the next block.
    double inversion(const RandomStream& rng, uint64_t step, uint32_t element, uint32_t draw) const {
        for (uint32_t j = 0;; ++j) {
            double u = distribution_detail::uniforms(rng, step, element, draw, j).u;
            double k = 0.0, term = exp_minus_mean_;
            while (u > term && k < 1000.0) {
                u -= term;
                k += 1.0;
                term *= mean_ / k;
            }
            if (k < 1000.0) return k;
        }
    }

    double ptrs(const RandomStream& rng, uint64_t step, uint32_t element, uint32_t draw) const {
        for (uint32_t j = 0;; ++j) {
            const auto w = distribution_detail::uniforms(rng, step, element, draw, j);
            const double u = w.u - 0.5, v = w.v;
            const double us = 0.5 - std::fabs(u);
            const double k = std::floor((2.0 * a_ / us + b_) * u + mean_ + 0.43);
            if (us >= 0.07 && v <= v_r_) return k;  // squeeze: accepted without logarithms
            if (k < 0.0 || (us < 0.013 && v > us)) continue;
            if (v <= 0.0) continue;  // log(0): reject (probability 2^-53)
            if (std::log(v) + std::log(inv_alpha_) - std::log(a_ / (us * us) + b_)
                    <= -mean_ + k * log_mean_ - distribution_detail::log_factorial(k))
                return k;
        }
    }
};

// Binomial(n, p) samples; set-up cached for the last (n, p).
class BinomialSampler {
public:
    using Uniforms = distribution_detail::Uniforms;

    double sample(const RandomStream& rng, uint64_t step, uint32_t element, uint32_t draw, double n,
                  double p) {
        return sample(rng, step, element, draw, n, p, first_uniforms(rng, step, element, draw));
    }

    // The same sample, given the uniforms of the draw's first block (``first_uniforms``): a
    // kernel may draw those for many elements in one vectorized loop beforehand.
    double sample(const RandomStream& rng, uint64_t step, uint32_t element, uint32_t draw, double n,
                  double p, distribution_detail::Uniforms first) {
        if (!(p > 0.0) || !(n >= 1.0)) return 0.0;
        if (p >= 1.0) return std::floor(n);
        if (n != n_ || p != p_) set_up(n, p);
        const double k = small_mean_ ? inversion(first.u) : btrs(rng, step, element, draw, first);
        return flipped_ ? n_ - k : k;
    }

    static distribution_detail::Uniforms first_uniforms(const RandomStream& rng, uint64_t step,
                                                        uint32_t element, uint32_t draw) {
        return distribution_detail::uniforms(rng, step, element, draw, 0);
    }

private:
    double n_ = -1.0, p_ = -1.0;
    bool flipped_ = false, small_mean_ = true;
    double q_ = 0.0, s_ = 0.0, a_ = 0.0;  // p' = min(p, 1 - p); inversion: P(k+1)/P(k) = a/(k+1) - s
    static constexpr int TABLE = 48;      // > mean + 10 sd + 1 for every mean < 10
    double cdf_[TABLE] = {};              // inversion: P(K <= k), k < table_size_
    int table_size_ = 0;
    double b_ = 0.0, c_ = 0.0, v_r_ = 0.0, alpha_ = 0.0, log_pq_ = 0.0, m_ = 0.0, h_ = 0.0;  // BTRS

    void set_up(double n, double p) {
        n_ = std::floor(n);
        p_ = p;
        flipped_ = p > 0.5;
        const double pp = flipped_ ? 1.0 - p : p;
        q_ = 1.0 - pp;
        small_mean_ = n_ * pp < 10.0;
        if (small_mean_) {
            s_ = pp / q_;
            a_ = (n_ + 1.0) * s_;
            const double bound = std::fmin(n_, n_ * pp + 10.0 * std::sqrt(n_ * pp * q_ + 1.0));
            double term = std::exp(n_ * std::log1p(-pp)), sum = 0.0;  // P(0) = q^n
            table_size_ = 0;
            for (int k = 0; k < TABLE && k <= bound; ++k) {
                sum += term;
                cdf_[table_size_++] = sum;
                term *= a_ / (k + 1) - s_;
            }
            return;
        }
        const double spq = std::sqrt(n_ * pp * q_);
        b_ = 1.15 + 2.53 * spq;
        a_ = -0.0873 + 0.0248 * b_ + 0.01 * pp;
        c_ = n_ * pp + 0.5;
        v_r_ = 0.92 - 4.2 / b_;
        alpha_ = (2.83 + 5.1 / b_) * spq;
        log_pq_ = std::log(pp / q_);
        m_ = std::floor((n_ + 1.0) * pp);
        h_ = distribution_detail::log_factorial(m_) + distribution_detail::log_factorial(n_ - m_);
    }

    // The smallest k with u < P(K <= k), from the cumulative table; a u beyond the table
    // (probability < 1e-13, or rounding) walks on with P(k+1) = P(k) * (a/(k+1) - s).
    double inversion(const double u) const {
        int k = 0;  // branch-free count of the entries <= u (the table is increasing)
        for (int j = 0; j < table_size_; ++j) k += u >= cdf_[j];
        if (k < table_size_) return k;
        double sum = cdf_[table_size_ - 1], term = sum - (table_size_ > 1 ? cdf_[table_size_ - 2] : 0.0);
        double kk = table_size_ - 1;
        while (u >= sum && kk < n_ && term > 0.0) {
            term *= a_ / (kk + 1.0) - s_;
            kk += 1.0;
            sum += term;
        }
        return kk;
    }

    double btrs(const RandomStream& rng, uint64_t step, uint32_t element, uint32_t draw,
                distribution_detail::Uniforms first) const {
        for (uint32_t j = 0;; ++j) {
            const auto w = j == 0 ? first : distribution_detail::uniforms(rng, step, element, draw, j);
            const double u = w.u - 0.5;
            double v = w.v;
            const double us = 0.5 - std::fabs(u);
            const double k = std::floor((2.0 * a_ / us + b_) * u + c_);
            if (k < 0.0 || k > n_) continue;
            if (us >= 0.07 && v <= v_r_) return k;  // squeeze
            if (v <= 0.0) continue;
            v = std::log(v * alpha_ / (a_ / (us * us) + b_));
            if (v <= h_ - distribution_detail::log_factorial(k) - distribution_detail::log_factorial(n_ - k)
                         + (k - m_) * log_pq_)
                return k;
        }
    }
};

}  // namespace ng

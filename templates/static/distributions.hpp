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
//   binomial, mean >= 10, with a table allowed (BinomialSampler(max_table) with the table's
//                size <= max_table): inversion of the cumulative distribution through a
//                guide table (Chen & Asau 1974; Devroye 1986, III.2.4): one block, one
//                uniform u, about two comparisons, no logarithm per sample.  The set-up
//                computes the probabilities from the mode outwards with the ratio
//                P(k+1)/P(k) = (n-k)/(k+1) * p/q (relative error ~1e-13 after a thousand
//                steps), stops where a term falls below 1e-20 of the mode's (the mass left
//                out is below 1e-21, far below the 2^-53 resolution of u), and normalises.
//                The sample is the smallest k with u < P(K <= k): exact inversion up to the
//                rounding of the probabilities.  A kernel allows the table when (n, p) is
//                the same for all its elements (the set-up is paid once per call), up to the
//                number of elements, at most MAX_TABLE entries.
// Binomial(n, p) with p > 1/2 is sampled as n - Binomial(n, 1 - p).
// Which algorithm a sample takes depends on (n, p) and the max_table of its kernel only
// (never on threads or on the order of elements), so samples stay reproducible.
#pragma once
#include <cmath>
#include <cstdint>
#include <vector>

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
    static constexpr int64_t MAX_TABLE = 16384;  // guide-table inversion up to this many entries

    BinomialSampler() = default;
    // max_table > 0 allows guide-table inversion for a mean >= 10 with at most
    // min(max_table, MAX_TABLE) entries (a kernel whose (n, p) is the same for all its
    // elements passes their number).
    explicit BinomialSampler(int64_t max_table)
        : max_table_(max_table < 0 ? 0 : (max_table > MAX_TABLE ? MAX_TABLE : max_table)) {}

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
        double k;
        switch (method_) {
            case Method::inversion: k = inversion(first.u); break;
            case Method::guide: k = guided(first.u); break;
            default: k = btrs(rng, step, element, draw, first); break;
        }
        return flipped_ ? n_ - k : k;
    }

    static distribution_detail::Uniforms first_uniforms(const RandomStream& rng, uint64_t step,
                                                        uint32_t element, uint32_t draw) {
        return distribution_detail::uniforms(rng, step, element, draw, 0);
    }

private:
    enum class Method { inversion, guide, btrs };
    int64_t max_table_ = 0;
    double n_ = -1.0, p_ = -1.0;
    bool flipped_ = false;
    Method method_ = Method::inversion;
    double q_ = 0.0, s_ = 0.0, a_ = 0.0;  // p' = min(p, 1 - p); inversion: P(k+1)/P(k) = a/(k+1) - s
    static constexpr int TABLE = 48;      // > mean + 10 sd + 1 for every mean < 10
    double cdf_[TABLE] = {};              // inversion: P(K <= k), k < table_size_
    int table_size_ = 0;
    double b_ = 0.0, c_ = 0.0, v_r_ = 0.0, alpha_ = 0.0, log_pq_ = 0.0, m_ = 0.0, h_ = 0.0;  // BTRS
    // guide table: P(K <= low_ + i) for i < size (the last entry is 1), and per slot j of
    // [0, 1) in guide_slots_ equal parts the first i with P(K <= low_ + i) > j / guide_slots_
    std::vector<double> guide_cdf_;
    std::vector<int32_t> guide_;
    double low_ = 0.0, guide_slots_ = 0.0;

    void set_up(double n, double p) {
        n_ = std::floor(n);
        p_ = p;
        flipped_ = p > 0.5;
        const double pp = flipped_ ? 1.0 - p : p;
        q_ = 1.0 - pp;
        if (n_ * pp < 10.0) {
            method_ = Method::inversion;
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
        if (set_up_guide(pp)) {
            method_ = Method::guide;
            return;
        }
        method_ = Method::btrs;
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

    // The guide table of Binomial(n_, pp) (see the top of this file); false (BTRS instead)
    // when it would need more than max_table_ entries.
    bool set_up_guide(const double pp) {
        constexpr double TAIL = 1e-20;  // relative to the mode's probability
        const double sd = std::sqrt(n_ * pp * q_);
        if (max_table_ == 0 || 20.0 * sd + 3.0 > static_cast<double>(max_table_)) return false;
        const double mode = std::floor((n_ + 1.0) * pp), ratio = pp / q_;
        // below the mode, from the mode down: P(k-1)/P(k) = k/(n-k+1) * q/p
        std::vector<double>& terms = guide_cdf_;
        terms.clear();
        double term = 1.0, k = mode;
        while (k > 0.0) {
            term *= k / ((n_ - k + 1.0) * ratio);
            if (term < TAIL) break;
            terms.push_back(term);
            k -= 1.0;
        }
        low_ = mode - static_cast<double>(terms.size());
        std::vector<double> below(terms.rbegin(), terms.rend());
        terms.swap(below);
        terms.push_back(1.0);  // the mode
        term = 1.0;
        k = mode;
        while (k < n_) {
            term *= (n_ - k) / (k + 1.0) * ratio;
            if (term < TAIL) break;
            terms.push_back(term);
            k += 1.0;
        }
        const size_t size = terms.size();
        if (static_cast<int64_t>(size) > max_table_) return false;
        double sum = 0.0;
        for (double& t : terms) {  // cumulative, then normalised
            sum += t;
            t = sum;
        }
        for (double& t : terms) t /= sum;
        terms.back() = 1.0;  // (it is; u < 1 always stops the search there)
        size_t slots = 1;  // a power of two: u * slots is exact
        while (slots < size) slots *= 2;
        guide_slots_ = static_cast<double>(slots);
        guide_.assign(slots, 0);
        size_t i = 0;
        for (size_t j = 0; j < slots; ++j) {
            const double edge = static_cast<double>(j) / guide_slots_;
            while (terms[i] <= edge) ++i;
            guide_[j] = static_cast<int32_t>(i);
        }
        return true;
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

    // The smallest k with u < P(K <= k), starting at the guide table's slot of u.
    double guided(const double u) const {
        size_t i = static_cast<size_t>(guide_[static_cast<size_t>(u * guide_slots_)]);
        const double* cdf = guide_cdf_.data();
        while (u >= cdf[i]) ++i;
        return low_ + static_cast<double>(i);
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

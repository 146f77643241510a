// Test driver for templates/static/random.hpp (used by tests/test_random.py).
// Reads one command per line from stdin, answers one line per command on stdout:
//   P c0 c1 c2 c3 k0 k1            -> the 4 words of philox4x32_10 (hex in, hex out)
//   W hi lo                        -> uniform_co(hi, lo) uniform_oc(hi, lo)
//   u|n seed stream step elem draw -> rand_uniform / rand_normal  (%.17g)
//   U|N seed stream step elem draw count axis path
//                                  -> writes `count` doubles (native binary) to `path`,
//                                     the address advancing by 1 along `axis`: one of
//                                     k(seed) t(stream) s(step) e(element) d(draw); "ok"
// Integers are read with base prefix (0x...) honoured, except for P/W (always hex).
#include <cstdio>
#include <iostream>
#include <string>

#include "random.hpp"

static uint64_t num(int base = 0) {
    std::string s;
    std::cin >> s;
    return std::stoull(s, nullptr, base);
}

int main() {
    std::string cmd;
    while (std::cin >> cmd) {
        if (cmd == "P") {
            uint32_t ctr[4], key[2], out[4];
            for (uint32_t& c : ctr) c = uint32_t(num(16));
            for (uint32_t& k : key) k = uint32_t(num(16));
            ng::philox4x32_10(ctr, key, out);
            std::printf("%08x %08x %08x %08x\n", out[0], out[1], out[2], out[3]);
            continue;
        }
        if (cmd == "W") {
            const uint32_t hi = uint32_t(num(16)), lo = uint32_t(num(16));
            std::printf("%.17g %.17g\n", ng::uniform_co(hi, lo), ng::uniform_oc(hi, lo));
            continue;
        }
        uint64_t seed = num(), step;
        uint32_t stream = uint32_t(num());
        step = num();
        uint32_t elem = uint32_t(num()), draw = uint32_t(num());
        const bool normal = (cmd == "n" || cmd == "N");
        auto draw_one = [&] {
            return normal ? ng::rand_normal(seed, stream, step, elem, draw)
                          : ng::rand_uniform(seed, stream, step, elem, draw);
        };
        if (cmd == "u" || cmd == "n") {
            std::printf("%.17g\n", draw_one());
            continue;
        }
        const uint64_t count = num();
        if (cmd == "B") {
            std::string path;
            std::cin >> path;
            std::FILE* f = std::fopen(path.c_str(), "wb");
            if (!f) return 1;
            double block[ng::NORMAL_BATCH];
            for (uint64_t first = 0; first < count; first += ng::NORMAL_BATCH) {
                const int n = int(count - first < uint64_t(ng::NORMAL_BATCH) ? count - first : uint64_t(ng::NORMAL_BATCH));
                ng::rand_normal_batch(seed, stream, step, draw, n,
                                      [&](int j) { return uint32_t(elem + first + uint64_t(j)); }, block);
                std::fwrite(block, sizeof(double), size_t(n), f);
            }
            std::fclose(f);
            std::printf("ok\n");
            continue;
        }
        std::string axis, path;
        std::cin >> axis >> path;
        std::FILE* f = std::fopen(path.c_str(), "wb");
        if (!f) return 1;
        for (uint64_t i = 0; i < count; ++i) {
            const double x = draw_one();
            std::fwrite(&x, sizeof x, 1, f);
            switch (axis[0]) {
                case 'k': ++seed; break;
                case 't': ++stream; break;
                case 's': ++step; break;
                case 'e': ++elem; break;
                default: ++draw; break;
            }
        }
        std::fclose(f);
        std::printf("ok\n");
    }
    return 0;
}

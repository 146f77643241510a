// neurogen standalone shell: runs a generated network without Python.
//
// Reads data/plan.txt (what to run), loads the initial arrays from data/*.bin, applies the
// user's settings (--set, --params), calls the network's C entry points once per run (after
// the values the script assigned before that run, `assign` lines), keeps and restores
// snapshots of the state between runs (`store`, `restore`), and writes every output to the
// results folder. With --checkpoint it saves its whole state after every plan item, so that
// --resume can continue an interrupted (or --stop-after) job. The file formats and the
// command line are specified in FORMAT.md (next to this file in the neurogen sources); this
// file is copied unchanged into every standalone project.
//
// Every error is reported on stderr as one message naming the problem, and exits with code 2.
#include <algorithm>
#include <array>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <limits>
#include <map>
#include <memory>
#include <new>
#include <optional>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#ifdef _OPENMP
#include <omp.h>
#endif
#include "layout.hpp"  // kNetworkLayout: the network's inputs and their rules (written with network.cpp)
#include "units.hpp"   // kUnitTable: unit names and dimensions, generated from neurogen.units
#if defined(__unix__) || defined(__APPLE__)
#include <unistd.h>  // fsync: a checkpoint is on disk before it replaces the previous one
#define NEUROGEN_HAVE_FSYNC 1
#endif

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "data and result files are little-endian; this shell does not convert byte order"
#endif
static_assert(std::numeric_limits<double>::is_iec559 && sizeof(double) == 8, "IEEE doubles needed");

// ---- the network's C entry points (network.cpp, compiled into this executable) ----
extern "C" {
int ng_abi_version();
void* ng_create();
void ng_destroy(void* net);
int64_t ng_run(void* net, void* const* arrays, const int64_t* sizes, const double* scalars,
               const int64_t* integers, int64_t step0, int64_t n_steps, double callback_interval,
               int (*callback)(void*, int64_t), void* callback_data);
int64_t ng_dynamic_size(void* net, int id);
const void* ng_dynamic_data(void* net, int id);
void ng_dynamic_clear(void* net, int id);
}

namespace {

namespace fs = std::filesystem;

constexpr int kAbiVersion = 1;   // the ABI this shell speaks (ng_abi_version)
constexpr int kExitError = 2;    // every error: usage, plan, data, settings, I/O
constexpr int64_t kMaxStep = int64_t(1) << 62;  // step0 + n_steps, spike and delivery steps stay below it

// Any error we report: the message names the problem (and the file:line where there is one).
struct Failure : std::runtime_error {
    using std::runtime_error::runtime_error;
};

bool valid_utf8(std::string_view text);

// `text` in quotes for a message: control characters (and every byte >= 0x80 unless the text
// is valid UTF-8) as \xNN, so a damaged file never puts raw garbage into a message.
std::string in_quotes(std::string_view text) {
    const bool utf8 = valid_utf8(text);
    std::string quoted = "'";
    for (const char c : text) {
        const auto byte = static_cast<unsigned char>(c);
        if (byte < 0x20 || byte == 0x7F || (byte >= 0x80 && !utf8)) {
            const char digits[] = "0123456789abcdef";
            quoted += "\\x";
            quoted += digits[byte >> 4];
            quoted += digits[byte & 15];
        } else {
            quoted += c;
        }
    }
    return quoted + "'";
}

// ---------------------------------------------------------------------------------------
// Element types

enum class CType { Double, Int32, Int64, Char, UInt32 };

struct CTypeInfo {
    CType type;
    const char* name;   // as in the plan (the C++ type)
    const char* numpy;  // as in result headers
    size_t itemsize;
};

constexpr std::array<CTypeInfo, 5> kCTypes = {{
    {CType::Double, "double", "<f8", 8},
    {CType::Int32, "int32_t", "<i4", 4},
    {CType::Int64, "int64_t", "<i8", 8},
    {CType::Char, "char", "|u1", 1},
    {CType::UInt32, "uint32_t", "<u4", 4},
}};

const CTypeInfo& info(CType type) {
    for (const CTypeInfo& entry : kCTypes) {
        if (entry.type == type) return entry;
    }
    throw Failure("internal error: unknown element type");
}

std::optional<CType> ctype_named(std::string_view name) {
    for (const CTypeInfo& entry : kCTypes) {
        if (name == entry.name) return entry.type;
    }
    return std::nullopt;
}

// Bytes for `count` elements, refusing counts whose size overflows.
size_t byte_count(CType type, int64_t count) {
    const size_t itemsize = info(type).itemsize;
    if (count < 0 || static_cast<uint64_t>(count) > std::numeric_limits<size_t>::max() / itemsize) {
        throw Failure("array of " + std::to_string(count) + " elements is too large");
    }
    return static_cast<size_t>(count) * itemsize;
}

// ---------------------------------------------------------------------------------------
// Buffers handed to the network: zeroed, 64-byte aligned, never a null pointer (also when
// empty, as numpy's), owned here and freed when the Buffer goes.

class Buffer {
public:
    Buffer() = default;
    Buffer(CType type, int64_t count) : type_(type), count_(count), bytes_(byte_count(type, count)) {
        const size_t allocated = std::max(bytes_, kAlignment);
        storage_.reset(static_cast<unsigned char*>(::operator new(allocated, std::align_val_t(kAlignment))));
        std::memset(storage_.get(), 0, allocated);
    }
    CType type() const { return type_; }
    int64_t count() const { return count_; }
    size_t bytes() const { return bytes_; }
    unsigned char* data() { return storage_.get(); }
    const unsigned char* data() const { return storage_.get(); }
    Buffer copy() const {
        Buffer result(type_, count_);
        if (bytes_ > 0) std::memcpy(result.data(), data(), bytes_);
        return result;
    }

private:
    static constexpr size_t kAlignment = 64;
    struct Free {
        void operator()(unsigned char* p) const noexcept { ::operator delete(p, std::align_val_t(kAlignment)); }
    };
    CType type_ = CType::Double;
    int64_t count_ = 0;
    size_t bytes_ = 0;
    std::unique_ptr<unsigned char, Free> storage_;
};

// The raw contents of a file that must hold exactly `count` elements of `type`. The size is
// checked before anything is allocated: a damaged count must not cost gigabytes first.
Buffer read_raw(const fs::path& path, CType type, int64_t count, const std::string& what) {
    const size_t bytes = byte_count(type, count);
    std::error_code error;
    const uintmax_t size = fs::file_size(path, error);
    if (error) throw Failure("cannot read " + path.string() + " (" + what + "): " + error.message());
    if (size != bytes) {
        throw Failure(path.string() + " (" + what + ") holds " + std::to_string(size) + " bytes, expected " +
                      std::to_string(bytes) + " (" + std::to_string(count) + " x " + info(type).name + ")");
    }
    Buffer buffer(type, count);
    std::ifstream in(path, std::ios::binary);
    if (buffer.bytes() > 0) in.read(reinterpret_cast<char*>(buffer.data()), static_cast<std::streamsize>(buffer.bytes()));
    if (!in) throw Failure("cannot read " + path.string() + " (" + what + ")");
    return buffer;
}

// A result file: the ASCII header of FORMAT.md, then the raw little-endian elements.
void write_result(const fs::path& path, CType type, int64_t count, const std::string& unit, const void* data) {
    const size_t bytes = byte_count(type, count);
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    if (!out) throw Failure("cannot create result file " + path.string());
    out << "neurogen-result 1\n"
        << "dtype " << info(type).numpy << "\n"
        << "shape " << count << "\n"
        << "unit " << unit << "\n"
        << "end\n";
    if (bytes > 0) out.write(static_cast<const char*>(data), static_cast<std::streamsize>(bytes));
    out.close();
    if (!out) throw Failure("cannot write result file " + path.string());
}

// ---------------------------------------------------------------------------------------
// Numbers

bool is_digit(char c) { return c >= '0' && c <= '9'; }

template <typename T>
std::optional<T> parse_integer(std::string_view text) {
    T value{};
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || error != std::errc() || end != text.data() + text.size()) return std::nullopt;
    return value;
}

// A whole field as a double: decimal or exponent form, also inf/nan (as %.17g prints them).
std::optional<double> parse_double(std::string_view text) {
    double value = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || error != std::errc() || end != text.data() + text.size()) return std::nullopt;
    return value;
}

// The length of the decimal number at the start of `text` ([+-]digits[.digits][e[+-]digits]),
// or 0 if there is none. An `e` not followed by digits is not part of the number.
size_t scan_number(std::string_view text) {
    size_t i = 0, digits = 0;
    if (i < text.size() && (text[i] == '+' || text[i] == '-')) ++i;
    for (; i < text.size() && is_digit(text[i]); ++i) ++digits;
    if (i < text.size() && text[i] == '.') {
        for (++i; i < text.size() && is_digit(text[i]); ++i) ++digits;
    }
    if (digits == 0) return 0;
    if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
        size_t j = i + 1;
        if (j < text.size() && (text[j] == '+' || text[j] == '-')) ++j;
        if (j < text.size() && is_digit(text[j])) {
            while (j < text.size() && is_digit(text[j])) ++j;
            i = j;
        }
    }
    return i;
}

// The length of `inf`, `infinity` or `nan` (with a sign) at the start of `text`, as Python
// prints special values; 0 if none.
size_t scan_special(std::string_view text) {
    const size_t sign = !text.empty() && (text[0] == '+' || text[0] == '-') ? 1 : 0;
    for (const std::string_view word : {"infinity", "inf", "nan"}) {
        if (text.substr(sign, word.size()) == word) return sign + word.size();
    }
    return 0;
}

// A number that scan_number() or scan_special() found (an optional '+' is dropped, as from_chars wants).
std::optional<double> parse_decimal(std::string_view text) {
    if (!text.empty() && text.front() == '+') text.remove_prefix(1);
    return parse_double(text);
}

std::string format_double(double value) {
    char text[32];
    std::snprintf(text, sizeof text, "%.17g", value);
    return text;
}

// ---------------------------------------------------------------------------------------
// Units: physical dimensions, the unit names a value may carry, and plan unit expressions.

// Exponents of metre, kilogram, second, ampere, kelvin, mole, candela.
struct Dimension {
    std::array<double, 7> exponents{};

    void add(const Dimension& other, double power) {
        for (size_t i = 0; i < exponents.size(); ++i) exponents[i] += power * other.exponents[i];
    }
    bool operator==(const Dimension& other) const {
        for (size_t i = 0; i < exponents.size(); ++i) {
            if (std::fabs(exponents[i] - other.exponents[i]) > 1e-9) return false;
        }
        return true;
    }
    bool dimensionless() const { return *this == Dimension{}; }
};

struct UnitName {
    const char* name;
    const char* canonical;  // for messages
    Dimension dimension;
    bool in_values;         // allowed after a number in --set values (with a prefix)
};

// The unit names, generated from neurogen.units with the project (units.hpp, kUnitTable).
const std::vector<UnitName> kUnits = [] {
    std::vector<UnitName> units;
    for (const UnitTableEntry& entry : kUnitTable) {
        Dimension dimension;
        for (size_t i = 0; i < dimension.exponents.size(); ++i) dimension.exponents[i] = entry.exponents[i];
        units.push_back({entry.name, entry.canonical, dimension, entry.in_values});
    }
    return units;
}();

const UnitName* unit_named(std::string_view name, bool in_values) {
    for (const UnitName& unit : kUnits) {
        if (name == unit.name && (unit.in_values || !in_values)) return &unit;
    }
    return nullptr;
}

// The SI factor of a prefix letter: the double nearest to its power of ten (as Python's 1e-3).
std::optional<double> prefix_factor(char prefix) {
    switch (prefix) {
        case 'p': return 1e-12;
        case 'n': return 1e-9;
        case 'u': return 1e-6;
        case 'm': return 1e-3;
        case 'k': return 1e3;
        case 'M': return 1e6;
        case 'G': return 1e9;
        default: return std::nullopt;
    }
}

// A unit expression as the plan writes them: `1`, `volt`, `siemens/metre**2`,
// `m^-4 kg^-1 s^3 A^2`, `metre2` (products by `*` or spaces, `/` divides by the next factor,
// powers as `^` or `**`); nullopt if it is not understood.
std::optional<Dimension> parse_unit_expression(std::string_view text) {
    Dimension result;
    size_t i = 0;
    auto skip_spaces = [&] {
        while (i < text.size() && text[i] == ' ') ++i;
    };
    double sign = 1;              // -1 for the factor right after a '/'
    bool want_factor = true;      // at the start and after an operator
    for (skip_spaces(); i < text.size(); skip_spaces()) {
        // One factor: the number 1, or a name (maybe with a power digit, as `metre2`).
        Dimension factor;
        double power = 1;
        if (text[i] == '1') {
            ++i;
        } else {
            const size_t start = i;
            while (i < text.size() && std::isalpha(static_cast<unsigned char>(text[i]))) ++i;
            const UnitName* unit = unit_named(text.substr(start, i - start), false);
            if (unit == nullptr) return std::nullopt;
            factor = unit->dimension;
            if (i < text.size() && (text[i] == '2' || text[i] == '3')) power = text[i++] - '0';
        }
        skip_spaces();
        if (text.substr(i, 1) == "^" || text.substr(i, 2) == "**") {  // a power
            i += text[i] == '^' ? 1 : 2;
            skip_spaces();
            const size_t length = scan_number(text.substr(i));
            const std::optional<double> exponent = parse_decimal(text.substr(i, length));
            if (!exponent) return std::nullopt;
            power *= *exponent;
            i += length;
        }
        result.add(factor, sign * power);
        // What joins this factor to the next: '*', '/' or spaces.
        skip_spaces();
        sign = 1;
        want_factor = i < text.size() && (text[i] == '*' || text[i] == '/');
        if (want_factor) sign = text[i++] == '/' ? -1 : 1;
    }
    if (want_factor) return std::nullopt;  // empty, or a dangling operator
    return result;
}

// A value given by the user: a decimal number, optionally followed by a unit (prefix + unit
// name), `12ms` = 12 * 1e-3, computed as one multiplication, as Python computes 12*ms.
struct Quantity {
    double value = 0;
    const UnitName* unit = nullptr;  // null: a plain number (already SI)
};

Quantity parse_quantity(std::string_view text) {
    const size_t length = std::max(scan_number(text), scan_special(text));
    if (length == 0) throw Failure("bad number " + in_quotes(text));
    const std::optional<double> parsed = parse_decimal(text.substr(0, length));
    if (!parsed) throw Failure("number out of range: " + in_quotes(text));
    const double number = *parsed;
    std::string_view suffix = text.substr(length);
    while (!suffix.empty() && suffix.front() == ' ') suffix.remove_prefix(1);  // `12 ms`
    if (!suffix.empty() && suffix.front() == '*') suffix.remove_prefix(1);     // `12*ms`
    while (!suffix.empty() && suffix.front() == ' ') suffix.remove_prefix(1);
    Quantity quantity{number, nullptr};
    if (suffix.empty()) return quantity;
    if ((quantity.unit = unit_named(suffix, true)) != nullptr) return quantity;  // `12second`
    const std::optional<double> factor = prefix_factor(suffix.front());
    if (factor && (quantity.unit = unit_named(suffix.substr(1), true)) != nullptr) {
        quantity.value = number * *factor;
        return quantity;
    }
    throw Failure("unknown unit " + in_quotes(suffix) + " in " + in_quotes(text) +
                  " (use a prefix p n u m k M G and a unit s V A Hz S F ohm m, or the names second volt amp "
                  "hertz siemens farad meter; or give the value in SI units without a unit)");
}

// The value of `text` (a --set or --params value) for an input whose values are in `unit`
// (the plan's unit text): a finite number (`nan`, `inf` are refused: a constant or initial
// value on the command line that is not a number is a mistake, not a model); with a unit,
// the input's dimension; an empty `unit` (a scalar line without one) accepts any unit.
// `name` starts every error message.
double value_in(const std::string& text, const std::string& unit, const std::string& name) {
    Quantity quantity;
    try {
        quantity = parse_quantity(text);
    } catch (const Failure& failure) {
        throw Failure(name + ": " + failure.what());
    }
    if (!std::isfinite(quantity.value)) {
        throw Failure(name + ": " + in_quotes(text) + " is not a finite number (values given on the command line "
                      "must be finite; NaN or infinite initial values can come from a file with NAME=@FILE)");
    }
    if (quantity.unit != nullptr && !unit.empty()) {
        const std::optional<Dimension> expected = parse_unit_expression(unit);
        if (!expected) {
            throw Failure(name + " has values in " + in_quotes(unit) + ", which this program cannot compare with " +
                          in_quotes(text) + "; give the value in SI units without a unit");
        }
        if (!(*expected == quantity.unit->dimension)) {
            throw Failure(name + " has values in " + (expected->dimensionless() ? "1 (no unit)" : in_quotes(unit)) +
                          ", but " + in_quotes(text) + " is in " + quantity.unit->canonical);
        }
    }
    return quantity.value;
}

// ---------------------------------------------------------------------------------------
// The plan (data/plan.txt)

enum class Source { Persistent, Fresh, Carried };

const char* source_name(Source source) {
    switch (source) {
        case Source::Persistent: return "persistent";
        case Source::Fresh: return "fresh";
        case Source::Carried: return "carried";
    }
    return "?";
}

struct ArrayInput {
    CType type = CType::Double;
    std::string key, alias;  // alias "-": none
    Source source = Source::Fresh;
    std::string file;        // persistent: its data file, relative to the data folder
    int64_t count = 0;       // persistent, fresh: elements
    int dynamic = -1;        // carried: the dynamic output's id
    std::string unit;
    std::string where;       // plan.txt:line, for messages
};

struct ScalarInput {
    std::string key;
    double value = 0;
    std::string param;  // "-": cannot be set
    std::string unit;   // optional in the plan; "" if not given (values then go unchecked)
    std::string where;  // plan.txt:line, for messages
};

struct IntegerInput {
    std::string key;
    int64_t value = 0;
    int dynamic = -1;  // `carried`: the element count of this dynamic output (by id) instead
    std::string where;  // plan.txt:line, for messages
};

// Values the Python script assigned to a persistent array before this run (`G.v[:5] = 0`):
// its data file holds `count` int64 indices, then `count` values of the array's ctype.
struct Assignment {
    std::string key;    // a persistent array the run lists
    std::string file;   // relative to the data folder
    int64_t count = 0;
    std::string where;  // plan.txt:line, for messages
};

struct Run {
    std::string where;  // plan.txt:line of its `run` line, for messages
    int64_t step0 = 0, n_steps = 0;
    double dt = 0, t_start = 0;
    uint64_t seed = 0;
    std::vector<ArrayInput> arrays;  // each list in bind order
    std::vector<ScalarInput> scalars;
    std::vector<IntegerInput> integers;
    std::vector<Assignment> assignments;  // in plan order (not bound: applied before the run)
};

struct Dynamic {
    CType type = CType::Double;
    std::string key, unit;
};

// What the plan does, in order: runs, and `store`/`restore` between them.
enum class ItemKind { Run, Store, Restore };

struct Item {
    ItemKind kind = ItemKind::Run;
    size_t run = 0;     // Run: its number
    std::string name;   // Store, Restore: the snapshot's name
};

struct Plan {
    std::string text;               // plan.txt's bytes, exactly as read (checkpoints are tied to them)
    std::vector<Dynamic> dynamics;  // by id
    std::vector<Run> runs;          // by number
    std::vector<Item> items;        // every run, store and restore, in plan order
};

// Splits `line` at single spaces into at most `max_fields` fields (the last one takes the
// rest of the line, spaces included); an empty field means a doubled, leading or trailing space.
std::vector<std::string> split_fields(const std::string& line, size_t max_fields) {
    std::vector<std::string> fields;
    size_t start = 0;
    while (fields.size() + 1 < max_fields) {
        const size_t space = line.find(' ', start);
        if (space == std::string::npos) break;
        fields.push_back(line.substr(start, space - start));
        start = space + 1;
    }
    fields.push_back(line.substr(start));
    return fields;
}

// Whether `text` is valid UTF-8 (no overlong forms, no surrogates, at most U+10FFFF).
bool valid_utf8(std::string_view text) {
    for (size_t i = 0; i < text.size();) {
        const auto byte = [&](size_t k) { return static_cast<unsigned char>(text[k]); };
        const unsigned char c = byte(i);
        size_t length = 1;
        uint32_t code = c;
        if (c >= 0x80) {
            if (c >= 0xC2 && c <= 0xDF) {
                length = 2, code = c & 0x1Fu;
            } else if (c >= 0xE0 && c <= 0xEF) {
                length = 3, code = c & 0x0Fu;
            } else if (c >= 0xF0 && c <= 0xF4) {
                length = 4, code = c & 0x07u;
            } else {
                return false;
            }
            if (i + length > text.size()) return false;
            for (size_t k = 1; k < length; ++k) {
                if ((byte(i + k) & 0xC0u) != 0x80u) return false;
                code = (code << 6) | (byte(i + k) & 0x3Fu);
            }
            const uint32_t smallest[] = {0, 0, 0x80, 0x800, 0x10000};
            if (code < smallest[length] || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) return false;
        }
        i += length;
    }
    return true;
}

// A name in the plan (key, parameter, alias, snapshot): non-empty UTF-8 without blanks or
// control characters, so `τ` (a model constant) is a name and `my group` is not.
bool is_name(std::string_view text) {
    return !text.empty() && valid_utf8(text) &&
           std::all_of(text.begin(), text.end(), [](char c) { return c != 127 && static_cast<unsigned char>(c) > ' '; });
}

class PlanReader {
public:
    explicit PlanReader(fs::path path) : path_(std::move(path)) {}

    Plan read() {
        Plan plan;
        {
            std::ifstream file(path_, std::ios::binary);
            if (!file) throw Failure("cannot open the plan " + path_.string() + " (give --project DIR or --plan FILE)");
            std::ostringstream bytes;
            bytes << file.rdbuf();
            if (file.bad()) throw Failure("cannot read the plan " + path_.string());
            plan.text = bytes.str();
        }
        std::istringstream in(plan.text);
        Run* run = nullptr;  // the run being read, until its `end`
        bool header = false;
        std::string line;
        while (std::getline(in, line)) {
            ++line_;
            if (!line.empty() && line.back() == '\r') line.pop_back();
            const size_t first = line.find_first_not_of(" \t");
            if (first == std::string::npos || line[first] == '#') continue;
            const std::string record = line.substr(0, line.find(' '));
            if (!header) {
                if (line != "neurogen-plan 1") {
                    fail(record == "neurogen-plan" ? "unsupported plan version (this program reads version 1)"
                                                   : "the plan must start with 'neurogen-plan 1'");
                }
                header = true;
            } else if (record == "dynamic") {
                if (run != nullptr) fail("'dynamic' inside a run (before its 'end')");
                read_dynamic(line, plan);
            } else if (record == "run") {
                if (run != nullptr) fail("'run' before the 'end' of the previous run");
                plan.runs.push_back(read_run(line, static_cast<int64_t>(plan.runs.size())));
                plan.items.push_back({ItemKind::Run, plan.runs.size() - 1, ""});
                run = &plan.runs.back();
            } else if (record == "store" || record == "restore") {
                if (run != nullptr) fail(in_quotes(record) + " inside a run (before its 'end')");
                plan.items.push_back(read_snapshot_item(line, record == "store"));
            } else if (record == "array" || record == "scalar" || record == "integer" || record == "assign") {
                if (run == nullptr) fail(in_quotes(record) + " outside a run (after 'run', before 'end')");
                if (record == "assign") {
                    run->assignments.push_back(read_assign(line));  // binds nothing: no key to remember
                } else if (record == "array") {
                    run->arrays.push_back(read_array(line, plan));
                    remember_key(run->arrays.back().key);
                } else if (record == "scalar") {
                    run->scalars.push_back(read_scalar(line));
                    remember_key(run->scalars.back().key);
                } else {
                    run->integers.push_back(read_integer(line, plan));
                    remember_key(run->integers.back().key);
                }
            } else if (record == "end") {
                if (line != "end") fail("'end' takes no fields");
                if (run == nullptr) fail("'end' without a 'run'");
                check_assignments(*run);  // now that every array of the run is known
                run = nullptr;
            } else {
                fail("unknown record " + in_quotes(record) +
                     " (expected dynamic, run, array, scalar, integer, assign, end, store or restore)");
            }
        }
        if (!header) throw Failure(path_.string() + ": empty plan (no 'neurogen-plan 1' line)");
        if (run != nullptr) {
            throw Failure(path_.string() + ": run " + std::to_string(plan.runs.size() - 1) +
                          " is not closed by 'end'");
        }
        return plan;
    }

private:
    [[noreturn]] void fail(const std::string& message) const {
        throw Failure(where() + ": " + message);
    }
    std::string where() const { return path_.string() + ":" + std::to_string(line_); }

    std::vector<std::string> fields(const std::string& line, size_t count, const char* usage, bool rest = false) const {
        std::vector<std::string> result = split_fields(line, rest ? count : std::numeric_limits<size_t>::max());
        if (result.size() != count) {
            fail("expected " + std::string(usage) + " (" + std::to_string(count) + " fields separated by single spaces)");
        }
        for (const std::string& field : result) {
            if (field.empty()) fail("empty field: fields are separated by single spaces");
        }
        return result;
    }

    // Keys name result files: printable, no path separators.
    std::string key(const std::string& text) const {
        if (!is_name(text) || text.find('/') != std::string::npos || text.find('\\') != std::string::npos ||
            text == "." || text == "..") {
            fail("bad key " + in_quotes(text) + " (keys are UTF-8 without blanks, control characters, '/' or '\\')");
        }
        return text;
    }
    // Parameter names and aliases are what --set uses: no '=' or '@' in them.
    std::string name(const std::string& text, const char* what) const {
        if (!is_name(text) || text.find_first_of("=@") != std::string::npos) {
            fail("bad " + std::string(what) + " " + in_quotes(text) +
                 " (UTF-8 without blanks, control characters, '=' or '@')");
        }
        return text;
    }
    std::string unit(const std::string& text) const {
        if (text.empty() || text.front() == ' ' || text.back() == ' ' ||
            !std::all_of(text.begin(), text.end(), [](char c) { return c >= ' ' && c < 127; })) {
            fail("bad unit " + in_quotes(text));
        }
        return text;
    }
    CType ctype(const std::string& text) const {
        const std::optional<CType> type = ctype_named(text);
        if (!type) fail("unknown ctype " + in_quotes(text) + " (double, int32_t, int64_t, char or uint32_t)");
        return *type;
    }
    template <typename T>
    T integer(const std::string& text, const char* what) const {
        const std::optional<T> value = parse_integer<T>(text);
        if (!value) fail("bad " + std::string(what) + " " + in_quotes(text));
        return *value;
    }
    double real(const std::string& text, const char* what) const {
        const std::optional<double> value = parse_double(text);
        if (!value) fail("bad " + std::string(what) + " " + in_quotes(text));
        return *value;
    }
    void remember_key(const std::string& key_text) {
        if (!run_keys_.insert(key_text).second) fail("key " + in_quotes(key_text) + " is listed twice in this run");
    }

    // The id of the dynamic output a `carried` field names.
    int dynamic_id(const std::string& dynamic_key, const Plan& plan) const {
        for (size_t id = 0; id < plan.dynamics.size(); ++id) {
            if (plan.dynamics[id].key == dynamic_key) return static_cast<int>(id);
        }
        fail("carried from " + in_quotes(dynamic_key) + ", which no 'dynamic' line declares");
    }

    // dynamic <id> <ctype> <key> <unit>
    void read_dynamic(const std::string& line, Plan& plan) const {
        if (!plan.items.empty()) fail("'dynamic' lines must come before the first run, store or restore");
        const auto f = fields(line, 5, "dynamic <id> <ctype> <key> <unit>", true);
        const int id = integer<int>(f[1], "dynamic id");
        if (id != static_cast<int>(plan.dynamics.size())) {
            fail("dynamic ids must count from 0 in order: expected " + std::to_string(plan.dynamics.size()) +
                 ", found " + f[1]);
        }
        Dynamic dynamic{ctype(f[2]), key(f[3]), unit(f[4])};
        for (const Dynamic& other : plan.dynamics) {
            if (other.key == dynamic.key) fail("dynamic key " + in_quotes(dynamic.key) + " is listed twice");
        }
        plan.dynamics.push_back(dynamic);
    }

    // run <k> <step0> <n_steps> <dt> <t_start> <seed>
    Run read_run(const std::string& line, int64_t expected) {
        const auto f = fields(line, 7, "run <k> <step0> <n_steps> <dt> <t_start> <seed>");
        const auto k = integer<int64_t>(f[1], "run number");
        if (k != expected) fail("runs must be numbered from 0 in order: expected run " + std::to_string(expected));
        Run run;
        run.where = where();
        run.step0 = integer<int64_t>(f[2], "step0");
        run.n_steps = integer<int64_t>(f[3], "n_steps");
        run.dt = real(f[4], "dt");
        run.t_start = real(f[5], "t_start");
        run.seed = integer<uint64_t>(f[6], "seed (an unsigned 64-bit integer)");
        if (run.step0 < 0 || run.n_steps < 0) fail("step0 and n_steps must not be negative");
        if (run.step0 > kMaxStep || run.n_steps > kMaxStep - run.step0) {
            fail("step0 + n_steps must be at most 2^62 (steps are 64-bit integers)");
        }
        if (!(run.dt > 0) || !std::isfinite(run.dt)) fail("dt must be positive and finite");
        if (!std::isfinite(run.t_start)) fail("t_start must be finite");
        run_keys_.clear();
        return run;
    }

    // array <ctype> <key> <alias> persistent <file> <count> <unit>
    // array <ctype> <key> <alias> fresh <count> <unit>
    // array <ctype> <key> <alias> carried <dynamic key> <unit>
    ArrayInput read_array(const std::string& line, const Plan& plan) {
        const std::vector<std::string> head = split_fields(line, 6);
        const std::string source = head.size() >= 5 ? head[4] : "";
        ArrayInput array;
        array.where = where();
        std::vector<std::string> f;
        if (source == "persistent") {
            f = fields(line, 8, "array <ctype> <key> <alias> persistent <file> <count> <unit>", true);
            array.source = Source::Persistent;
            array.file = f[5];
            if (fs::path(array.file).is_absolute()) fail("the data file must be relative to the data folder");
            array.count = integer<int64_t>(f[6], "count");
        } else if (source == "fresh") {
            f = fields(line, 7, "array <ctype> <key> <alias> fresh <count> <unit>", true);
            array.source = Source::Fresh;
            array.count = integer<int64_t>(f[5], "count");
        } else if (source == "carried") {
            f = fields(line, 7, "array <ctype> <key> <alias> carried <dynamic key> <unit>", true);
            array.source = Source::Carried;
            array.dynamic = dynamic_id(f[5], plan);
        } else {
            fail("the fifth field of 'array' must be persistent, fresh or carried");
        }
        array.type = ctype(f[1]);
        array.key = key(f[2]);
        array.alias = f[3] == "-" ? "-" : name(f[3], "alias");
        array.unit = unit(f.back());
        if (array.count < 0) fail("count must not be negative");
        byte_count(array.type, array.count);  // refuses sizes that overflow
        // The result files of run k are its fresh arrays and every dynamic output: one name, one file.
        for (const Dynamic& dynamic : plan.dynamics) {
            if (array.source == Source::Fresh && array.key == dynamic.key) {
                fail("fresh array " + in_quotes(array.key) + " has the name of a dynamic output (one result file)");
            }
        }
        if (array.source == Source::Carried && plan.dynamics[static_cast<size_t>(array.dynamic)].type != array.type) {
            fail("carried array " + in_quotes(array.key) + " is " + info(array.type).name + " but dynamic output " +
                 in_quotes(f[5]) + " is " + info(plan.dynamics[static_cast<size_t>(array.dynamic)].type).name);
        }
        // A key keeps its kind in every run; a persistent key its type, file, count, unit, alias.
        const auto [it, inserted] = array_keys_.emplace(array.key, array);
        const ArrayInput& first = it->second;
        if (!inserted && first.source != array.source) {
            fail("array " + in_quotes(array.key) + " is " + source + " here but not at " + first.where);
        }
        if (!inserted && array.source == Source::Persistent &&
            (first.type != array.type || first.file != array.file || first.count != array.count ||
             first.unit != array.unit || first.alias != array.alias)) {
            fail("persistent array " + in_quotes(array.key) + " must be listed as at " + first.where +
                 " (the same buffer is bound in every run)");
        }
        return array;
    }

    // scalar <key> <value> <param> [<unit>]
    ScalarInput read_scalar(const std::string& line) const {
        const bool with_unit = split_fields(line, 5).size() == 5;
        const auto f = fields(line, with_unit ? 5 : 4, "scalar <key> <value> <param> [<unit>]", with_unit);
        return {key(f[1]), real(f[2], "scalar value"), f[3] == "-" ? "-" : name(f[3], "parameter name"),
                with_unit ? unit(f[4]) : "", where()};
    }

    // integer <key> <value>
    // integer <key> carried <dynamic key>
    IntegerInput read_integer(const std::string& line, const Plan& plan) const {
        const std::vector<std::string> all = split_fields(line, std::numeric_limits<size_t>::max());
        if (all.size() >= 3 && all[2] == "carried") {
            const auto f = fields(line, 4, "integer <key> carried <dynamic key>");
            return {key(f[1]), 0, dynamic_id(f[3], plan), where()};
        }
        const auto f = fields(line, 3, "integer <key> <value>");
        return {key(f[1]), integer<int64_t>(f[2], "integer value"), -1, where()};
    }

    // assign <key> <file> <count>
    Assignment read_assign(const std::string& line) const {
        const auto f = fields(line, 4, "assign <key> <file> <count>");
        Assignment assignment{key(f[1]), f[2], integer<int64_t>(f[3], "count"), where()};
        if (fs::path(assignment.file).is_absolute()) fail("the data file must be relative to the data folder");
        // Each entry is an int64 index and a value of at most 8 bytes: the file size fits in an int64.
        if (assignment.count < 0) fail("count must not be negative");
        if (assignment.count > std::numeric_limits<int64_t>::max() / 16) fail("count " + f[3] + " is too large");
        return assignment;
    }

    // store <name>
    // restore <name>     (a name an earlier `store` kept)
    Item read_snapshot_item(const std::string& line, bool store) {
        const auto f = fields(line, 2, store ? "store <name>" : "restore <name>");
        if (!is_name(f[1])) {
            fail("bad snapshot name " + in_quotes(f[1]) + " (UTF-8 without blanks or control characters)");
        }
        if (store) {
            stored_.insert(f[1]);
        } else if (stored_.count(f[1]) == 0) {
            fail("restore " + in_quotes(f[1]) + ", which no earlier 'store' keeps");
        }
        return {store ? ItemKind::Store : ItemKind::Restore, 0, f[1]};
    }

    // The `assign` lines of a run set persistent arrays that the run lists (before or after them).
    static void check_assignments(const Run& run) {
        for (const Assignment& assignment : run.assignments) {
            const auto array = std::find_if(run.arrays.begin(), run.arrays.end(),
                                            [&](const ArrayInput& input) { return input.key == assignment.key; });
            if (array == run.arrays.end()) {
                throw Failure(assignment.where + ": assign to " + in_quotes(assignment.key) +
                              ", which is not an array of this run (only its persistent arrays can be assigned)");
            }
            if (array->source != Source::Persistent) {
                throw Failure(assignment.where + ": assign to " + in_quotes(assignment.key) + ", which is " +
                              source_name(array->source) + " in this run (only persistent arrays can be assigned)");
            }
        }
    }

    fs::path path_;
    int line_ = 0;
    std::set<std::string> run_keys_;                // keys of the run being read
    std::map<std::string, ArrayInput> array_keys_;  // first listing of every array key
    std::set<std::string> stored_;                  // snapshot names stored so far
};

// ---------------------------------------------------------------------------------------
// Command line

struct Setting {
    std::string name;            // parameter or array alias
    std::optional<int64_t> run;  // NAME@K
    std::string value;
    std::string origin;          // "--set NAME=VALUE" or "FILE:line", for messages
};

struct Options {
    std::optional<fs::path> project, plan;
    fs::path results = "results";
    std::vector<Setting> settings;  // in command-line order (a later one wins)
    int threads = 1;                // OpenMP threads for the network (--threads)
    std::optional<fs::path> checkpoint;  // written after every plan item (--checkpoint)
    std::optional<fs::path> resume;      // a checkpoint to continue from (--resume)
    std::optional<int64_t> stop_after;   // plan items to execute before stopping (--stop-after)
    bool help = false;
};

const char* const kUsage =
    "usage: main [--project DIR | --plan FILE] [--results DIR] [--set NAME=VALUE]...\n"
    "            [--set NAME@K=VALUE]... [--params FILE] [--threads N]\n"
    "            [--checkpoint FILE] [--resume FILE] [--stop-after N]\n"
    "\n"
    "  --project DIR      the standalone project (reads DIR/data/plan.txt and DIR/data/*.bin)\n"
    "  --plan FILE        the plan to run (data files are read next to it unless --project is given)\n"
    "                     default: data/plan.txt in the current directory, else in the project\n"
    "                     this program was built in (PROJECT/build/main reads PROJECT/data)\n"
    "  --results DIR      where results go (default: results)\n"
    "  --set NAME=VALUE   a parameter in every run (tau=12ms, tau=0.012), or every element of an\n"
    "                     array (neurongroup.v=-65mV, or neurongroup.v=@FILE for raw values)\n"
    "  --set NAME@K=VALUE a parameter in run K only\n"
    "  --params FILE      lines NAME=VALUE or NAME@K=VALUE, # comments\n"
    "  --threads N        OpenMP threads for the network (default: 1); N > 1 needs a build with\n"
    "                     OpenMP (-DNEUROGEN_OPENMP=ON, the default)\n"
    "  --checkpoint FILE  save the whole state to FILE after every run, store and restore\n"
    "  --resume FILE      continue from a checkpoint (same plan and settings): earlier plan items\n"
    "                     are not executed again\n"
    "  --stop-after N     stop after executing N plan items (runs, stores, restores); with\n"
    "                     --checkpoint, a later --resume continues from there\n";

// `NAME[@K]=VALUE` into a Setting.
Setting parse_setting(const std::string& text, const std::string& origin) {
    const size_t equals = text.find('=');
    if (equals == std::string::npos) throw Failure(origin + ": expected NAME=VALUE, got " + in_quotes(text));
    Setting setting{text.substr(0, equals), std::nullopt, text.substr(equals + 1), origin};
    auto trim = [](std::string& s) {
        const size_t first = s.find_first_not_of(" \t"), last = s.find_last_not_of(" \t");
        s = first == std::string::npos ? "" : s.substr(first, last - first + 1);
    };
    trim(setting.name);
    trim(setting.value);
    const size_t at = setting.name.rfind('@');
    if (at != std::string::npos) {
        const std::optional<int64_t> run = parse_integer<int64_t>(std::string_view(setting.name).substr(at + 1));
        if (!run || *run < 0) throw Failure(origin + ": bad run number in " + in_quotes(setting.name) + " (NAME@K, K = 0, 1, ...)");
        setting.run = run;
        setting.name.erase(at);
    }
    if (setting.name.empty()) throw Failure(origin + ": no name before '=' in " + in_quotes(text));
    if (setting.value.empty()) throw Failure(origin + ": no value after '=' in " + in_quotes(text));
    return setting;
}

void read_params_file(const fs::path& path, std::vector<Setting>& settings) {
    std::ifstream in(path);
    if (!in) throw Failure("cannot open the parameter file " + path.string());
    std::string line;
    for (int number = 1; std::getline(in, line); ++number) {
        if (!line.empty() && line.back() == '\r') line.pop_back();
        // A comment starts with '#' at the beginning of the line or after a space.
        for (size_t hash = line.find('#'); hash != std::string::npos; hash = line.find('#', hash + 1)) {
            if (hash == 0 || line[hash - 1] == ' ' || line[hash - 1] == '\t') {
                line.erase(hash);
                break;
            }
        }
        if (line.find_first_not_of(" \t") == std::string::npos) continue;
        settings.push_back(parse_setting(line, path.string() + ":" + std::to_string(number)));
    }
    if (in.bad()) throw Failure("cannot read the parameter file " + path.string());
}

// The N of `--threads N`: a whole number >= 1; above 1 only when built with OpenMP.
int parse_threads(const std::string& text) {
    const std::optional<int> threads = parse_integer<int>(text);
    if (!threads || *threads < 1) {
        throw Failure("--threads needs a whole number of threads >= 1, got " + in_quotes(text));
    }
#ifndef _OPENMP
    if (*threads > 1) {
        throw Failure("--threads " + text + ": built without OpenMP, rebuild with -DNEUROGEN_OPENMP=ON");
    }
#endif
    return *threads;
}

// The N of `--stop-after N`: a whole number >= 1.
int64_t parse_stop_after(const std::string& text) {
    const std::optional<int64_t> items = parse_integer<int64_t>(text);
    if (!items || *items < 1) {
        throw Failure("--stop-after needs a whole number of plan items >= 1, got " + in_quotes(text));
    }
    return *items;
}

Options parse_command_line(int argc, char** argv) {
    Options options;
    for (int i = 1; i < argc; ++i) {
        std::string option = argv[i], value;
        bool has_value = false;
        if (option == "-h" || option == "--help") {
            options.help = true;
            continue;
        }
        const size_t equals = option.find('=');
        if (option.rfind("--", 0) == 0 && equals != std::string::npos) {  // --option=value
            value = option.substr(equals + 1);
            option.erase(equals);
            has_value = true;
        }
        if (option != "--project" && option != "--plan" && option != "--results" && option != "--set" &&
            option != "--params" && option != "--threads" && option != "--checkpoint" && option != "--resume" &&
            option != "--stop-after") {
            throw Failure("unknown argument " + in_quotes(argv[i]) + "\n" + kUsage);
        }
        if (!has_value) {
            if (i + 1 >= argc) throw Failure(option + " needs a value\n" + kUsage);
            value = argv[++i];
        }
        if (option == "--project") {
            options.project = value;
        } else if (option == "--plan") {
            options.plan = value;
        } else if (option == "--results") {
            options.results = value;
        } else if (option == "--set") {
            options.settings.push_back(parse_setting(value, "--set " + value));
        } else if (option == "--threads") {
            options.threads = parse_threads(value);
        } else if (option == "--checkpoint" || option == "--resume") {
            if (value.empty()) throw Failure(option + " needs a file name");
            (option == "--checkpoint" ? options.checkpoint : options.resume) = value;
        } else if (option == "--stop-after") {
            options.stop_after = parse_stop_after(value);
        } else {
            read_params_file(value, options.settings);
        }
    }
    return options;
}

// ---------------------------------------------------------------------------------------
// Settings resolved against the plan

struct Overrides {
    std::map<std::string, double> everywhere;                    // NAME=VALUE
    std::map<std::pair<std::string, int64_t>, double> in_run;     // NAME@K=VALUE
    std::map<std::string, const Setting*> arrays;                // ALIAS=VALUE or ALIAS=@FILE

    double scalar(const ScalarInput& input, int64_t run) const {
        if (input.param == "-") return input.value;
        const auto at = in_run.find({input.param, run});
        if (at != in_run.end()) return at->second;
        const auto plain = everywhere.find(input.param);
        return plain != everywhere.end() ? plain->second : input.value;
    }
};

std::string join(const std::set<std::string>& names) {
    std::string text;
    for (const std::string& name : names) text += (text.empty() ? "" : ", ") + name;
    return text.empty() ? "(none)" : text;
}

Overrides resolve_settings(const std::vector<Setting>& settings, const Plan& plan) {
    // What can be set: the param names of scalars, and the aliases of persistent arrays.
    std::set<std::string> params, aliases, outputs;
    for (const Run& run : plan.runs) {
        for (const ScalarInput& scalar : run.scalars) {
            if (scalar.param != "-") params.insert(scalar.param);
        }
        for (const ArrayInput& array : run.arrays) {
            if (array.alias != "-") (array.source == Source::Persistent ? aliases : outputs).insert(array.alias);
        }
    }
    for (const std::string& alias : aliases) {
        if (params.count(alias) != 0) {
            throw Failure("the plan uses " + in_quotes(alias) + " both as a parameter and as an array alias");
        }
    }
    Overrides overrides;
    for (const Setting& setting : settings) {
        const std::string label =
            setting.origin + ": " + setting.name + (setting.run ? "@" + std::to_string(*setting.run) : "");
        if (params.count(setting.name) != 0) {
            if (setting.value.front() == '@') throw Failure(label + " is a parameter; '@FILE' values are for arrays");
            if (setting.run && static_cast<size_t>(*setting.run) >= plan.runs.size()) {
                throw Failure(label + ": there is no run " + std::to_string(*setting.run) + " (the plan has " +
                              std::to_string(plan.runs.size()) + " runs, numbered from 0)");
            }
            // The value must suit the unit of every scalar it sets.
            std::optional<double> value;
            for (size_t k = 0; k < plan.runs.size(); ++k) {
                if (setting.run && static_cast<size_t>(*setting.run) != k) continue;
                for (const ScalarInput& scalar : plan.runs[k].scalars) {
                    if (scalar.param == setting.name) value = value_in(setting.value, scalar.unit, label);
                }
            }
            if (!value) throw Failure(label + ": run " + std::to_string(*setting.run) + " does not use " + setting.name);
            if (setting.run) {
                overrides.in_run[{setting.name, *setting.run}] = *value;
            } else {
                overrides.everywhere[setting.name] = *value;
            }
        } else if (aliases.count(setting.name) != 0) {
            if (setting.run) throw Failure(label + ": arrays are set once, before the first run (no @K)");
            overrides.arrays[setting.name] = &setting;  // checked when the array is filled
        } else if (outputs.count(setting.name) != 0) {
            throw Failure(label + ": this array is an output (fresh or carried), it cannot be set");
        } else {
            throw Failure(setting.origin + ": unknown name " + in_quotes(setting.name) + "\n  parameters: " + join(params) +
                          "\n  arrays: " + join(aliases));
        }
    }
    return overrides;
}

// Every element of `buffer` set to `value` (converted to its type; integers must be exact).
void fill(Buffer& buffer, double value, const std::string& label) {
    auto fill_integer = [&](auto zero) {
        using T = decltype(zero);
        // The range test works in double: both bounds are powers of two (or zero), so exact.
        const double low = static_cast<double>(std::numeric_limits<T>::min());
        const double high = 2.0 * static_cast<double>(std::numeric_limits<T>::max() / 2 + 1);
        if (!(value >= low && value < high) || value != std::floor(value)) {
            throw Failure(label + ": " + format_double(value) + " is not a valid " + info(buffer.type()).name +
                          " value (a whole number in range)");
        }
        const T converted = static_cast<T>(value);
        for (int64_t i = 0; i < buffer.count(); ++i) {
            std::memcpy(buffer.data() + static_cast<size_t>(i) * sizeof(T), &converted, sizeof(T));
        }
    };
    switch (buffer.type()) {
        case CType::Double:
            for (int64_t i = 0; i < buffer.count(); ++i) {
                std::memcpy(buffer.data() + static_cast<size_t>(i) * sizeof(double), &value, sizeof(double));
            }
            break;
        case CType::Int32: fill_integer(int32_t{}); break;
        case CType::Int64: fill_integer(int64_t{}); break;
        case CType::Char: fill_integer(uint8_t{}); break;
        case CType::UInt32: fill_integer(uint32_t{}); break;
    }
}

// ---------------------------------------------------------------------------------------
// Assignments between runs (`assign` lines)

// An `assign` data file, read and checked: where to put which values.
struct AssignmentData {
    std::vector<int64_t> indices;
    Buffer values;  // the array's ctype, one per index
};

// Reads `data/<file>` of `assignment` for the persistent array `target`: exactly `count`
// little-endian int64 indices, then `count` values of the array's ctype; every index in range.
AssignmentData read_assignment(const fs::path& path, const Assignment& assignment, const Buffer& target) {
    const CTypeInfo& type = info(target.type());
    const std::string label = assignment.where + ": assign " + in_quotes(assignment.key) + " from " + path.string();
    // The plan limits count so that count * (8 + itemsize) cannot overflow.
    const uintmax_t expected = static_cast<uintmax_t>(assignment.count) * (sizeof(int64_t) + type.itemsize);
    std::error_code error;
    const uintmax_t size = fs::file_size(path, error);
    if (error) throw Failure(label + ": cannot read the file: " + error.message());
    if (size != expected) {
        throw Failure(label + ": the file holds " + std::to_string(size) + " bytes, expected " + std::to_string(expected) +
                      " (" + std::to_string(assignment.count) + " int64_t indices, then " +
                      std::to_string(assignment.count) + " x " + type.name + ")");
    }
    AssignmentData data{std::vector<int64_t>(static_cast<size_t>(assignment.count)), Buffer(type.type, assignment.count)};
    std::ifstream in(path, std::ios::binary);
    if (assignment.count > 0) {
        in.read(reinterpret_cast<char*>(data.indices.data()),
                static_cast<std::streamsize>(data.indices.size() * sizeof(int64_t)));
        in.read(reinterpret_cast<char*>(data.values.data()), static_cast<std::streamsize>(data.values.bytes()));
    }
    if (!in) throw Failure(label + ": cannot read the file");
    for (size_t i = 0; i < data.indices.size(); ++i) {
        if (data.indices[i] < 0 || data.indices[i] >= target.count()) {
            throw Failure(label + ": index " + std::to_string(data.indices[i]) + " (entry " + std::to_string(i) +
                          ") is out of range: the array has " + std::to_string(target.count()) + " elements");
        }
    }
    return data;
}

// buffer[index[i]] = value[i], in order (a later entry for the same index wins), byte for byte.
void apply_assignment(Buffer& target, const AssignmentData& data) {
    const size_t itemsize = info(target.type()).itemsize;
    for (size_t i = 0; i < data.indices.size(); ++i) {
        std::memcpy(target.data() + static_cast<size_t>(data.indices[i]) * itemsize, data.values.data() + i * itemsize,
                    itemsize);
    }
}

// ---------------------------------------------------------------------------------------
// Running

// The network instance, destroyed however we leave.
class Network {
public:
    Network() : net_(ng_create()) {
        if (net_ == nullptr) throw Failure("ng_create() failed");
    }
    ~Network() { ng_destroy(net_); }
    Network(const Network&) = delete;
    Network& operator=(const Network&) = delete;
    void* get() const { return net_; }

private:
    void* net_;
};

// The plan's dynamic outputs must be exactly the network's: ids 0..n-1 exist, id n does not.
void check_dynamics(const Network& net, const Plan& plan) {
    const int n = static_cast<int>(plan.dynamics.size());
    for (int id = 0; id <= n; ++id) {
        const bool exists = ng_dynamic_size(net.get(), id) >= 0;
        if (exists != (id < n)) {
            throw Failure("the plan lists " + std::to_string(n) + " dynamic outputs but network.cpp has " +
                          (exists ? "more" : std::to_string(id)) + ": plan.txt and network.cpp do not match");
        }
    }
}

// A dynamic output's current contents, copied.
Buffer copy_dynamic(const Network& net, const Dynamic& dynamic, int id) {
    const int64_t size = ng_dynamic_size(net.get(), id);
    Buffer buffer(dynamic.type, size);
    if (buffer.bytes() > 0) std::memcpy(buffer.data(), ng_dynamic_data(net.get(), id), buffer.bytes());
    return buffer;
}

void make_directory(const fs::path& path) {
    std::error_code error;
    fs::create_directories(path, error);
    if (error || !fs::is_directory(path)) {
        throw Failure("cannot create the directory " + path.string() + (error ? ": " + error.message() : ""));
    }
}

// ---------------------------------------------------------------------------------------
// State between plan items, snapshots (`store`, `restore`)

// Everything that carries over from one plan item to the next (network.cpp keeps nothing
// between runs but its dynamic outputs, which are cleared after every run): the persistent
// arrays, and the dynamic outputs that `carried` lines read, as the last run left them.
struct State {
    std::map<std::string, Buffer> persistent;  // by key: every persistent array of the plan
    std::map<int, Buffer> carried;             // by dynamic id: only those some run carries
};

State copy_of(const State& state) {
    State copy;
    for (const auto& [key, buffer] : state.persistent) copy.persistent.emplace(key, buffer.copy());
    for (const auto& [id, buffer] : state.carried) copy.carried.emplace(id, buffer.copy());
    return copy;
}

// `restore`: the snapshot's persistent arrays are copied byte for byte into the live buffers
// (which keep their addresses; arrays the snapshot lacks are left alone), and its dynamic
// contents become what the next run's `carried` lines read.
void restore_state(State& state, const State& snapshot) {
    for (const auto& [key, buffer] : snapshot.persistent) {
        Buffer& target = state.persistent.at(key);
        if (target.bytes() != buffer.bytes()) throw Failure("internal error: snapshot of " + key + " has another size");
        if (buffer.bytes() > 0) std::memcpy(target.data(), buffer.data(), buffer.bytes());
    }
    state.carried.clear();
    for (const auto& [id, buffer] : snapshot.carried) state.carried.emplace(id, buffer.copy());
}

// ---------------------------------------------------------------------------------------
// Checkpoints (--checkpoint, --resume): the layout is in FORMAT.md

constexpr std::string_view kCheckpointTag = "neurogen-checkpoint\n";
constexpr uint32_t kCheckpointVersion = 1;

// FNV-1a, 64 bits: the fingerprint of the plan and settings, and a checkpoint's checksum.
class Fnv1a {
public:
    void add(const void* data, size_t size) {
        const auto* bytes = static_cast<const unsigned char*>(data);
        for (size_t i = 0; i < size; ++i) hash_ = (hash_ ^ bytes[i]) * 0x100000001b3ULL;
    }
    void add_u64(uint64_t value) { add(&value, sizeof value); }  // little-endian (checked above)
    void add_record(const void* data, size_t size) {             // length-prefixed
        add_u64(size);
        add(data, size);
    }
    uint64_t value() const { return hash_; }

private:
    uint64_t hash_ = 0xcbf29ce484222325ULL;
};

// What a checkpoint is tied to besides its own contents: plan.txt's bytes, the value every
// scalar input gets in every run (after --set and --params), every persistent array that a
// setting changed (after it), and the contents of every `assign` file. Computed before the
// first plan item.
uint64_t fingerprint(const Plan& plan, const Overrides& overrides, const State& initial,
                     const std::vector<const ArrayInput*>& persistent_order,
                     const std::vector<std::vector<AssignmentData>>& assignments) {
    Fnv1a hash;
    hash.add_record(plan.text.data(), plan.text.size());
    for (size_t k = 0; k < plan.runs.size(); ++k) {
        for (const ScalarInput& scalar : plan.runs[k].scalars) {
            const double value = overrides.scalar(scalar, static_cast<int64_t>(k));
            hash.add(&value, sizeof value);
        }
    }
    for (const ArrayInput* array : persistent_order) {
        if (overrides.arrays.count(array->alias) == 0) continue;
        const Buffer& buffer = initial.persistent.at(array->key);
        hash.add_record(array->key.data(), array->key.size());
        hash.add_record(buffer.data(), buffer.bytes());
    }
    for (const std::vector<AssignmentData>& run : assignments) {
        for (const AssignmentData& data : run) {
            hash.add_record(data.indices.data(), data.indices.size() * sizeof(int64_t));
            hash.add_record(data.values.data(), data.values.bytes());
        }
    }
    return hash.value();
}

// Writes FILE.tmp, then renames it to FILE: a reader sees the previous checkpoint or the new
// one, never a part. Every number is little-endian; the last 8 bytes are the FNV-1a of all
// bytes before them.
class CheckpointWriter {
public:
    explicit CheckpointWriter(fs::path path) : path_(std::move(path)), temporary_(path_.string() + ".tmp") {
        file_.reset(std::fopen(temporary_.string().c_str(), "wb"));
        if (!file_) fail(std::strerror(errno));
    }
    void bytes(const void* data, size_t size) {
        if (size > 0 && std::fwrite(data, 1, size, file_.get()) != size) fail(std::strerror(errno));
        checksum_.add(data, size);
    }
    void u32(uint32_t value) { bytes(&value, sizeof value); }
    void u64(uint64_t value) { bytes(&value, sizeof value); }
    void record(const void* data, size_t size) {  // u64 length, then the bytes
        u64(size);
        bytes(data, size);
    }
    void text(std::string_view value) { record(value.data(), value.size()); }
    // The checksum, then on disk (fsync where there is one), then in place of the old file.
    void commit() {
        u64(checksum_.value());
        if (std::fflush(file_.get()) != 0) fail(std::strerror(errno));
#ifdef NEUROGEN_HAVE_FSYNC
        if (::fsync(::fileno(file_.get())) != 0) fail(std::strerror(errno));
#endif
        if (std::fclose(file_.release()) != 0) fail(std::strerror(errno));
        std::error_code error;
        fs::rename(temporary_, path_, error);
        if (error) throw Failure("cannot replace the checkpoint " + path_.string() + ": " + error.message());
    }

private:
    [[noreturn]] void fail(const char* reason) const {
        throw Failure("cannot write the checkpoint " + temporary_.string() + ": " + reason);
    }
    struct Close {
        void operator()(std::FILE* file) const noexcept { std::fclose(file); }
    };
    fs::path path_, temporary_;
    std::unique_ptr<std::FILE, Close> file_;
    Fnv1a checksum_;
};

// Reads what CheckpointWriter wrote, refusing (with the file's name) anything damaged: the
// checksum must match (intact(), before the contents are read), no length may point past the
// contents, and the contents must end right before the checksum.
class CheckpointReader {
public:
    explicit CheckpointReader(fs::path path) : path_(std::move(path)), in_(path_, std::ios::binary) {
        std::error_code error;
        const uintmax_t size = fs::file_size(path_, error);
        if (error || !in_) {
            throw Failure("cannot read the checkpoint " + path_.string() + (error ? ": " + error.message() : ""));
        }
        end_ = size >= sizeof(uint64_t) ? size - sizeof(uint64_t) : 0;  // the checksum follows the contents
    }
    [[noreturn]] void fail(const std::string& problem) const { throw Failure(path_.string() + ": " + problem); }
    [[noreturn]] void damaged() const { fail("the checkpoint is truncated or damaged"); }
    uintmax_t remaining() const { return position_ < end_ ? end_ - position_ : 0; }

    // Whether the file starts with `tag` (read at the start, before anything else).
    bool starts_with(std::string_view tag) {
        std::string start(tag.size(), '\0');
        if (!in_.read(start.data(), static_cast<std::streamsize>(start.size()))) return false;
        position_ = start.size();
        return start == tag;
    }
    // Whether the last 8 bytes are the FNV-1a of all bytes before them (the reading position stays).
    bool intact() {
        if (position_ > end_) return false;
        Fnv1a checksum;
        std::vector<char> chunk(1 << 16);
        in_.seekg(0);
        for (uintmax_t done = 0; done < end_;) {
            const size_t size = static_cast<size_t>(std::min<uintmax_t>(chunk.size(), end_ - done));
            if (!in_.read(chunk.data(), static_cast<std::streamsize>(size))) return false;
            checksum.add(chunk.data(), size);
            done += size;
        }
        uint64_t stored = 0;
        if (!in_.read(reinterpret_cast<char*>(&stored), sizeof stored)) return false;
        in_.seekg(static_cast<std::streamoff>(position_));
        return stored == checksum.value() && in_.good();
    }

    void bytes(void* data, size_t size) {
        if (size > remaining()) damaged();
        if (size > 0 && !in_.read(static_cast<char*>(data), static_cast<std::streamsize>(size))) damaged();
        position_ += size;
    }
    uint32_t u32() {
        uint32_t value = 0;
        bytes(&value, sizeof value);
        return value;
    }
    uint64_t u64() {
        uint64_t value = 0;
        bytes(&value, sizeof value);
        return value;
    }
    uint64_t length() {  // a record's length: never more than what is left
        const uint64_t size = u64();
        if (size > remaining()) damaged();
        return size;
    }
    std::string text() {
        std::string value(static_cast<size_t>(length()), '\0');
        bytes(value.data(), value.size());
        return value;
    }
    // A record holding whole elements of `type`.
    Buffer buffer(CType type, const std::string& what) {
        const uint64_t size = length();
        if (size % info(type).itemsize != 0) {
            fail(what + ": " + std::to_string(size) + " bytes is not a whole number of " + info(type).name);
        }
        Buffer result(type, static_cast<int64_t>(size / info(type).itemsize));
        bytes(result.data(), result.bytes());
        return result;
    }
    // The contents end right before the checksum.
    void finish() const {
        if (position_ != end_) damaged();
    }

private:
    fs::path path_;
    std::ifstream in_;
    uintmax_t end_ = 0, position_ = 0;  // the contents' end (where the checksum starts), where we are
};

// A State: its persistent arrays (u64 count, then key and bytes of each, in plan order) and
// its carried dynamic outputs (u64 count, then dynamic key and bytes of each, by id).
void write_state(CheckpointWriter& out, const State& state, const Plan& plan,
                 const std::vector<const ArrayInput*>& persistent_order) {
    out.u64(state.persistent.size());
    for (const ArrayInput* array : persistent_order) {
        const auto buffer = state.persistent.find(array->key);
        if (buffer == state.persistent.end()) continue;
        out.text(array->key);
        out.record(buffer->second.data(), buffer->second.bytes());
    }
    out.u64(state.carried.size());
    for (const auto& [id, buffer] : state.carried) {
        out.text(plan.dynamics.at(static_cast<size_t>(id)).key);
        out.record(buffer.data(), buffer.bytes());
    }
}

// Reads a State written by write_state for this plan: every persistent key is a persistent
// array of the plan with its size, every dynamic key a dynamic output that some run carries.
State read_state(CheckpointReader& in, const Plan& plan, const State& live, const std::set<int>& carried_ids) {
    State state;
    for (uint64_t n = in.u64(), i = 0; i < n; ++i) {
        const std::string key = in.text();
        const auto target = live.persistent.find(key);
        if (target == live.persistent.end()) {
            in.fail("the checkpoint holds " + in_quotes(key) + ", not a persistent array of the plan");
        }
        Buffer buffer = in.buffer(target->second.type(), "array " + key);
        if (buffer.count() != target->second.count()) {
            in.fail("the checkpoint holds " + std::to_string(buffer.count()) + " elements of " + in_quotes(key) +
                    ", the plan " + std::to_string(target->second.count()));
        }
        if (!state.persistent.emplace(key, std::move(buffer)).second) {
            in.fail("the checkpoint holds " + in_quotes(key) + " twice");
        }
    }
    for (uint64_t n = in.u64(), i = 0; i < n; ++i) {
        const std::string key = in.text();
        const auto dynamic = std::find_if(plan.dynamics.begin(), plan.dynamics.end(),
                                          [&](const Dynamic& output) { return output.key == key; });
        const int id = static_cast<int>(dynamic - plan.dynamics.begin());
        if (dynamic == plan.dynamics.end() || carried_ids.count(id) == 0) {
            in.fail("the checkpoint holds " + in_quotes(key) + ", not a dynamic output that a run carries");
        }
        if (!state.carried.emplace(id, in.buffer(dynamic->type, "dynamic output " + key)).second) {
            in.fail("the checkpoint holds " + in_quotes(key) + " twice");
        }
    }
    return state;
}

// The checkpoint after `next` plan items: tag, version, fingerprint, next item, item count,
// the live state, the snapshots (u64 count, then name and state of each, by name), checksum.
void write_checkpoint(const fs::path& path, uint64_t fingerprint, size_t next, const Plan& plan,
                      const std::vector<const ArrayInput*>& persistent_order, const State& state,
                      const std::map<std::string, State>& snapshots) {
    CheckpointWriter out(path);
    out.bytes(kCheckpointTag.data(), kCheckpointTag.size());
    out.u32(kCheckpointVersion);
    out.u64(fingerprint);
    out.u64(next);
    out.u64(plan.items.size());
    write_state(out, state, plan, persistent_order);
    out.u64(snapshots.size());
    for (const auto& [name, snapshot] : snapshots) {
        out.text(name);
        write_state(out, snapshot, plan, persistent_order);
    }
    out.commit();
}

// Before the first plan item: the checkpoint's FILE.tmp can be created (it is removed again).
void check_writable(const fs::path& path) {
    { const CheckpointWriter probe(path); }  // opens FILE.tmp for writing, closes it
    std::error_code ignored;
    fs::remove(path.string() + ".tmp", ignored);
}

// --resume FILE: checks that FILE was written for this plan and these settings, puts its
// state in place of `state` (persistent arrays it lacks keep their loaded values) and its
// snapshots in `snapshots`; returns the index of the next plan item.
size_t read_checkpoint(const fs::path& path, uint64_t fingerprint, const Plan& plan, const std::set<int>& carried_ids,
                       State& state, std::map<std::string, State>& snapshots) {
    CheckpointReader in(path);
    if (!in.starts_with(kCheckpointTag)) in.fail("not a neurogen checkpoint");
    const uint32_t version = in.u32();
    if (version != kCheckpointVersion) {
        in.fail("checkpoint format version " + std::to_string(version) + ", this program reads version " +
                std::to_string(kCheckpointVersion));
    }
    if (!in.intact()) in.damaged();
    if (in.u64() != fingerprint) {
        in.fail("checkpoint was made for another plan or other settings (plan.txt, its assign files, --set and "
                "--params must be those it was written with)");
    }
    const uint64_t next = in.u64();
    if (in.u64() != plan.items.size() || next > plan.items.size()) in.damaged();
    State loaded = read_state(in, plan, state, carried_ids);
    std::map<std::string, State> kept;
    for (uint64_t n = in.u64(), i = 0; i < n; ++i) {
        const std::string name = in.text();
        if (!is_name(name)) in.damaged();
        State snapshot = read_state(in, plan, state, carried_ids);
        if (!kept.emplace(name, std::move(snapshot)).second) {
            in.fail("the checkpoint holds snapshot " + in_quotes(name) + " twice");
        }
    }
    in.finish();
    // Every restore still to come finds its snapshot (stored before `next`, or later).
    std::set<std::string> available;
    for (const auto& entry : kept) available.insert(entry.first);
    for (size_t i = static_cast<size_t>(next); i < plan.items.size(); ++i) {
        const Item& item = plan.items[i];
        if (item.kind == ItemKind::Store) available.insert(item.name);
        if (item.kind == ItemKind::Restore && available.count(item.name) == 0) {
            in.fail("the checkpoint lacks snapshot " + in_quotes(item.name) + ", which plan item " + std::to_string(i) +
                    " restores");
        }
    }
    restore_state(state, loaded);
    snapshots = std::move(kept);
    return static_cast<size_t>(next);
}

// ---------------------------------------------------------------------------------------
// The network's layout (layout.hpp, FORMAT.md "Layout"): the inputs network.cpp binds, in
// bind order, each with the slot of ng_run's arrays it goes into (the binding contract,
// neurogen/binding.py), and the rules their values follow so that no kernel reads or writes
// outside an array. It is compiled into this program with network.cpp, so a damaged plan cannot drop a
// rule: the plan must list exactly these inputs, and every value must follow its rules.

// Delays and spikes in transit: at most this many steps ahead (the spike queue holds one list
// per step up to the longest delay: 2^28 steps, 7.4 hours at dt = 0.1 ms, need 6 GiB).
constexpr int64_t kMaxDelaySteps = int64_t(1) << 28;

// An integer expression of a rule: a sum of terms, each a product of factors (a number, the
// value of an integer input `key`, or the element count `#key` of an array input).
struct Factor {
    enum class Kind { Number, Integer, Count };
    Kind kind = Kind::Number;
    int64_t number = 0;
    std::string key;
};

struct Term {
    bool negative = false;
    std::vector<Factor> factors;
};

struct Expression {
    std::string text;
    std::vector<Term> terms;
};

// `name` or `name=ARG,ARG`: count=E, in=L,H, offsets=E, spikes=E, grouped=E, delays=DT,EVERY
// (DT a scalar key), pending, records=FIRST,EVERY, positive.
struct Rule {
    std::string name, text;
    std::vector<Expression> args;
    std::string scalar;  // delays: the key of the scalar dt
};

enum class InputKind { Array, Scalar, Integer };

struct LayoutInput {
    InputKind kind = InputKind::Array;
    size_t slot = 0;             // its index in ng_run's array of its kind
    CType type = CType::Double;  // arrays
    std::string key;
    std::string source;   // arrays: persistent, fresh or carried; integers: value or carried
    std::string dynamic;  // carried: the dynamic output's key; else "-"
    std::vector<Rule> rules;
};

struct Layout {
    std::vector<Dynamic> dynamics;                       // by id (no units)
    std::vector<LayoutInput> arrays, scalars, integers;  // each list in bind order
    // The network's own values (`reserved` lines): their slots, and how long each of
    // ng_run's arrays is (every slot 0..size-1 taken exactly once; arrays: + a final nullptr).
    size_t dt_slot = 0, t_start_slot = 0, seed_slot = 0;
    size_t n_arrays = 0, n_scalars = 0, n_integers = 0;
};

class LayoutReader {
public:
    Layout read(std::string_view text) {
        Layout layout;
        std::istringstream in{std::string(text)};
        std::string line;
        bool header = false;
        std::map<std::string, std::set<size_t>> taken;  // kind -> slots
        std::set<std::string> reserved;
        while (std::getline(in, line)) {
            ++line_;
            if (line.empty()) continue;
            const std::vector<std::string> f = split_fields(line, std::numeric_limits<size_t>::max());
            if (!header) {
                if (line != "neurogen-layout 1") fail("expected 'neurogen-layout 1'");
                header = true;
            } else if (f[0] == "dynamic" && f.size() == 4) {
                layout.dynamics.push_back({ctype(f[2]), f[3], ""});
            } else if (f[0] == "reserved" && f.size() == 4 && (f[1] == "scalar" || f[1] == "integer")) {
                const size_t index = slot(taken, f[1], f[2]);
                if (!reserved.insert(f[3]).second) fail("reserved twice");
                if (f[3] == "dt" && f[1] == "scalar") layout.dt_slot = index;
                else if (f[3] == "t_start" && f[1] == "scalar") layout.t_start_slot = index;
                else if (f[3] == "seed" && f[1] == "integer") layout.seed_slot = index;
                else fail("unknown reserved value");
            } else if (f[0] == "array" && f.size() >= 7) {
                layout.arrays.push_back({InputKind::Array, slot(taken, f[0], f[1]), ctype(f[2]), f[3], f[4], f[5],
                                         rules(f, 6)});
            } else if (f[0] == "scalar" && f.size() >= 3) {
                layout.scalars.push_back({InputKind::Scalar, slot(taken, f[0], f[1]), CType::Double, f[2], "-", "-",
                                          rules(f, 3)});
            } else if (f[0] == "integer" && f.size() >= 5) {
                layout.integers.push_back({InputKind::Integer, slot(taken, f[0], f[1]), CType::Int64, f[2], f[3],
                                           f[4], rules(f, 5)});
            } else {
                fail("unknown line");
            }
        }
        if (!header) fail("empty");
        if (reserved.size() != 3) fail("dt, t_start and seed need a slot each");
        layout.n_arrays = every_slot(taken["array"]);
        layout.n_scalars = every_slot(taken["scalar"]);
        layout.n_integers = every_slot(taken["integer"]);
        return layout;
    }

private:
    // An error in layout.hpp itself: neurogen wrote something this main.cpp does not read.
    [[noreturn]] void fail(const std::string& problem) const {
        throw Failure("internal error: layout.hpp line " + std::to_string(line_) + ": " + problem +
                      " (layout.hpp and main.cpp come from different neurogen versions?)");
    }
    // A slot number, taken once per kind.
    size_t slot(std::map<std::string, std::set<size_t>>& taken, const std::string& kind, const std::string& text) const {
        const std::optional<size_t> index = parse_integer<size_t>(text);
        if (!index || *index > (size_t(1) << 30)) fail("bad slot " + in_quotes(text));
        if (!taken[kind].insert(*index).second) fail("slot " + text + " of the " + kind + "s taken twice");
        return *index;
    }
    // How many slots a kind has: they must be 0..n-1, each once.
    size_t every_slot(const std::set<size_t>& slots) const {
        if (!slots.empty() && *slots.rbegin() != slots.size() - 1) fail("slots with gaps");
        return slots.size();
    }
    CType ctype(const std::string& text) const {
        const std::optional<CType> type = ctype_named(text);
        if (!type) fail("unknown ctype " + in_quotes(text));
        return *type;
    }
    std::vector<Rule> rules(const std::vector<std::string>& f, size_t first) const {
        std::vector<Rule> result;
        for (size_t i = first; i < f.size(); ++i) {
            Rule rule;
            rule.text = f[i];
            const size_t equals = f[i].find('=');
            rule.name = f[i].substr(0, equals);
            std::vector<std::string> args;
            if (equals != std::string::npos) {
                const std::string list = f[i].substr(equals + 1);
                for (size_t start = 0;;) {
                    const size_t comma = list.find(',', start);
                    args.push_back(list.substr(start, comma - start));
                    if (comma == std::string::npos) break;
                    start = comma + 1;
                }
            }
            static const std::map<std::string, size_t> arity = {
                {"count", 1}, {"in", 2}, {"offsets", 1}, {"spikes", 1}, {"grouped", 1},
                {"delays", 2}, {"pending", 0}, {"records", 2}, {"positive", 0}};
            const auto expected = arity.find(rule.name);
            if (expected == arity.end() || expected->second != args.size()) fail("bad rule " + in_quotes(f[i]));
            for (size_t k = 0; k < args.size(); ++k) {
                if (rule.name == "delays" && k == 0) {
                    rule.scalar = args[k];
                } else {
                    rule.args.push_back(expression(args[k]));
                }
            }
            result.push_back(std::move(rule));
        }
        return result;
    }
    Expression expression(const std::string& text) const {
        Expression result{text, {}};
        size_t i = 0;
        auto factor = [&]() {
            Factor made;
            const size_t start = i;
            while (i < text.size() && text[i] != '+' && text[i] != '-' && text[i] != '*') ++i;
            const std::string item = text.substr(start, i - start);
            if (item.empty()) fail("bad expression " + in_quotes(text));
            if (is_digit(item[0])) {
                const std::optional<int64_t> number = parse_integer<int64_t>(item);
                if (!number) fail("bad number in " + in_quotes(text));
                made.number = *number;
            } else if (item[0] == '#') {
                made.kind = Factor::Kind::Count;
                made.key = item.substr(1);
            } else {
                made.kind = Factor::Kind::Integer;
                made.key = item;
            }
            return made;
        };
        bool negative = false;
        if (i < text.size() && text[i] == '-') negative = true, ++i;
        while (true) {
            Term term{negative, {factor()}};
            while (i < text.size() && text[i] == '*') ++i, term.factors.push_back(factor());
            result.terms.push_back(std::move(term));
            if (i >= text.size()) break;
            negative = text[i++] == '-';
        }
        return result;
    }

    int line_ = 0;
};

// Whether the plan lists exactly the inputs (and dynamic outputs) of the layout, in bind
// order, with their element types and sources; else the first difference, naming the line.
void check_plan_matches(const Plan& plan, const Layout& layout, const fs::path& plan_path) {
    const std::string built = " (the plan does not match the network this program was built with, layout.hpp)";
    if (plan.dynamics.size() != layout.dynamics.size()) {
        throw Failure(plan_path.string() + ": the plan lists " + std::to_string(plan.dynamics.size()) +
                      " dynamic outputs, the network has " + std::to_string(layout.dynamics.size()) + built);
    }
    for (size_t id = 0; id < plan.dynamics.size(); ++id) {
        const Dynamic& a = plan.dynamics[id];
        const Dynamic& b = layout.dynamics[id];
        if (a.type != b.type || a.key != b.key) {
            throw Failure(plan_path.string() + ": dynamic output " + std::to_string(id) + " is " + info(a.type).name +
                          " " + in_quotes(a.key) + " in the plan, " + info(b.type).name + " " + in_quotes(b.key) +
                          " in the network" + built);
        }
    }
    auto mismatch = [&](const Run& run, size_t k, const char* what, size_t index, size_t listed, size_t expected,
                        const std::string& where, const std::string& found, const LayoutInput* wanted) -> Failure {
        std::string message = (index < listed ? where : run.where) + ": run " + std::to_string(k) + ": ";
        if (wanted == nullptr) {
            message += what + std::string(" ") + found + " is one more than the network binds (" +
                       std::to_string(expected) + " " + what + "s)";
        } else if (index >= listed) {
            message += "the run lists " + std::to_string(listed) + " " + what + "s, the network binds " +
                       std::to_string(expected) + " (the first missing: " + in_quotes(wanted->key) + ")";
        } else {
            message += what + std::string(" ") + found + " where the network binds " + what + " " +
                       in_quotes(wanted->key) + (wanted->kind == InputKind::Array ? std::string(" (") +
                       info(wanted->type).name + ", " + wanted->source + ")" : std::string(""));
        }
        return Failure(message + built);
    };
    for (size_t k = 0; k < plan.runs.size(); ++k) {
        const Run& run = plan.runs[k];
        for (size_t i = 0; i < std::max(run.arrays.size(), layout.arrays.size()); ++i) {
            const LayoutInput* wanted = i < layout.arrays.size() ? &layout.arrays[i] : nullptr;
            const ArrayInput* array = i < run.arrays.size() ? &run.arrays[i] : nullptr;
            const std::string found = array == nullptr ? "" : in_quotes(array->key) + " (" + info(array->type).name +
                                                              ", " + source_name(array->source) + ")";
            if (array == nullptr || wanted == nullptr || array->key != wanted->key || array->type != wanted->type ||
                source_name(array->source) != wanted->source ||
                (array->source == Source::Carried ? plan.dynamics[static_cast<size_t>(array->dynamic)].key : "-") !=
                    wanted->dynamic) {
                throw mismatch(run, k, "array", i, run.arrays.size(), layout.arrays.size(),
                               array ? array->where : "", found, wanted);
            }
        }
        for (size_t i = 0; i < std::max(run.scalars.size(), layout.scalars.size()); ++i) {
            const LayoutInput* wanted = i < layout.scalars.size() ? &layout.scalars[i] : nullptr;
            const ScalarInput* scalar = i < run.scalars.size() ? &run.scalars[i] : nullptr;
            if (scalar == nullptr || wanted == nullptr || scalar->key != wanted->key) {
                throw mismatch(run, k, "scalar", i, run.scalars.size(), layout.scalars.size(),
                               scalar ? scalar->where : "", scalar ? in_quotes(scalar->key) : "", wanted);
            }
        }
        for (size_t i = 0; i < std::max(run.integers.size(), layout.integers.size()); ++i) {
            const LayoutInput* wanted = i < layout.integers.size() ? &layout.integers[i] : nullptr;
            const IntegerInput* integer = i < run.integers.size() ? &run.integers[i] : nullptr;
            const std::string dynamic =
                integer && integer->dynamic >= 0 ? plan.dynamics[static_cast<size_t>(integer->dynamic)].key : "-";
            if (integer == nullptr || wanted == nullptr || integer->key != wanted->key ||
                (integer->dynamic >= 0 ? "carried" : "value") != wanted->source || dynamic != wanted->dynamic) {
                throw mismatch(run, k, "integer", i, run.integers.size(), layout.integers.size(),
                               integer ? integer->where : "", integer ? in_quotes(integer->key) : "", wanted);
            }
        }
    }
}

// What one run binds, as the rules see it: integer and scalar values, array element counts
// and (where known) contents, and where each array's contents came from (for messages).
struct RunValues {
    const Run* run = nullptr;
    size_t index = 0;
    std::map<std::string, int64_t> integers;
    std::map<std::string, double> scalars;
    std::map<std::string, int64_t> counts;
    std::map<std::string, const Buffer*> contents;  // arrays whose contents are checked
    std::map<std::string, std::string> origins;     // array key -> where its contents came from
    std::map<std::string, std::string> where;       // input key -> its plan line
};

class RuleChecker {
public:
    RuleChecker(const Layout& layout, const RunValues& values) : layout_(layout), values_(values) {}

    // Integer and scalar rules, then the element counts, then the contents of the arrays
    // `values.contents` holds (so a content rule may rely on every count being right).
    void check() {
        for (const LayoutInput& input : layout_.integers) {
            for (const Rule& rule : input.rules) check_integer(input, rule);
        }
        for (const LayoutInput& input : layout_.scalars) {
            for (const Rule& rule : input.rules) check_scalar(input, rule);
        }
        for (const LayoutInput& input : layout_.arrays) {
            for (const Rule& rule : input.rules) {
                if (rule.name == "count" || rule.name == "records") check_count(input, rule);
            }
        }
        for (const LayoutInput& input : layout_.arrays) {
            const auto buffer = values_.contents.find(input.key);
            if (buffer == values_.contents.end()) continue;
            for (const Rule& rule : input.rules) check_contents(input, rule, *buffer->second);
        }
    }

    // Each value of `buffer` (values assigned to the array `input`, or its contents) against
    // the rules that hold for every value alone (in, delays, pending); false if `input` has a
    // rule about the whole array (offsets, spikes, grouped), which single values cannot keep.
    bool check_values(const LayoutInput& input, const Buffer& buffer, const std::string& origin) {
        bool whole = false;
        for (const Rule& rule : input.rules) {
            if (rule.name == "in" || rule.name == "delays" || rule.name == "pending") {
                check_contents(input, rule, buffer, origin);
            } else if (rule.name == "offsets" || rule.name == "spikes" || rule.name == "grouped") {
                whole = true;
            }
        }
        return !whole;
    }

    // The value of an expression in this run (checked 64-bit arithmetic).
    int64_t evaluate(const Expression& expression, const std::string& what) const {
        int64_t sum = 0;
        for (const Term& term : expression.terms) {
            int64_t product = 1;
            for (const Factor& factor : term.factors) {
                int64_t value = factor.number;
                if (factor.kind != Factor::Kind::Number) {
                    const auto& table = factor.kind == Factor::Kind::Integer ? values_.integers : values_.counts;
                    const auto found = table.find(factor.key);
                    if (found == table.end()) {
                        throw Failure("internal error: layout.hpp: " + what + " refers to " + in_quotes(factor.key) +
                                      ", which is not an input of the network");
                    }
                    value = found->second;
                }
                if (__builtin_mul_overflow(product, value, &product)) overflow(expression, what);
            }
            if (term.negative ? __builtin_sub_overflow(sum, product, &sum) : __builtin_add_overflow(sum, product, &sum)) {
                overflow(expression, what);
            }
        }
        return sum;
    }

private:
    [[noreturn]] void overflow(const Expression& expression, const std::string& what) const {
        throw Failure(what + ": " + expression.text + " does not fit in 64 bits (run " +
                      std::to_string(values_.index) + ")");
    }
    std::string line(const std::string& key) const {
        const auto found = values_.where.find(key);
        return found != values_.where.end() ? found->second : "plan";
    }
    // `[L, H)` with the expressions as written, for messages.
    static std::string range(const Rule& rule, int64_t low, int64_t high) {
        return "[" + std::to_string(low) + ", " + std::to_string(high) + ") (" + rule.text + ")";
    }

    void check_integer(const LayoutInput& input, const Rule& rule) {
        const int64_t value = values_.integers.at(input.key);
        const std::string what = line(input.key) + ": integer " + input.key;
        if (rule.name != "in") throw Failure("internal error: layout.hpp: rule " + rule.text + " for an integer");
        const int64_t low = evaluate(rule.args[0], what), high = evaluate(rule.args[1], what);
        if (!(value >= low && value < high)) {
            throw Failure(what + " is " + std::to_string(value) + ", outside " + range(rule, low, high) + " (run " +
                          std::to_string(values_.index) + ")");
        }
    }

    void check_scalar(const LayoutInput& input, const Rule& rule) {
        const double value = values_.scalars.at(input.key);
        if (rule.name != "positive") throw Failure("internal error: layout.hpp: rule " + rule.text + " for a scalar");
        if (!(value > 0) || !std::isfinite(value)) {
            throw Failure(line(input.key) + ": scalar " + input.key + " is " + format_double(value) +
                          ", but it must be positive and finite (run " + std::to_string(values_.index) + ")");
        }
    }

    void check_count(const LayoutInput& input, const Rule& rule) {
        const int64_t count = values_.counts.at(input.key);
        const std::string what = line(input.key) + ": array " + input.key;
        if (rule.name == "count") {
            const int64_t expected = evaluate(rule.args[0], what);
            if (count != expected) {
                throw Failure(what + " has " + std::to_string(count) + " elements, the network needs " +
                              std::to_string(expected) + " (" + rule.text + ", run " + std::to_string(values_.index) +
                              ")");
            }
            return;
        }
        // records=FIRST,EVERY: a monitor's buffer for this run: one row per step on which it
        // runs (step % EVERY == 0), row (step - FIRST) / EVERY, FIRST the first such step.
        const int64_t first = evaluate(rule.args[0], what), every = evaluate(rule.args[1], what);
        const Run& run = *values_.run;
        if (every < 1) throw Failure(what + ": the monitor's step interval " + rule.args[1].text + " must be >= 1");
        const int64_t first_record = (run.step0 + every - 1) / every * every;  // step0 <= 2^62: no overflow
        const int64_t end = run.step0 + run.n_steps;
        const int64_t rows = end > first_record ? (end - first_record + every - 1) / every : 0;
        if (first != first_record) {
            throw Failure(what + ": its records start at step " + std::to_string(first) + " (" + rule.args[0].text +
                          "), but in run " + std::to_string(values_.index) + " the monitor first records at step " +
                          std::to_string(first_record));
        }
        if (count != rows) {
            throw Failure(what + " has " + std::to_string(count) + " elements, the monitor records " +
                          std::to_string(rows) + " times in run " + std::to_string(values_.index) + " (" + rule.text +
                          ")");
        }
    }

    // Element `i` of an integer buffer, as int64 (every integer ctype fits).
    static int64_t integer_at(const Buffer& buffer, int64_t i) {
        const unsigned char* at = buffer.data() + static_cast<size_t>(i) * info(buffer.type()).itemsize;
        switch (buffer.type()) {
            case CType::Int32: { int32_t v; std::memcpy(&v, at, sizeof v); return v; }
            case CType::Int64: { int64_t v; std::memcpy(&v, at, sizeof v); return v; }
            case CType::UInt32: { uint32_t v; std::memcpy(&v, at, sizeof v); return v; }
            case CType::Char: return *at;
            case CType::Double: break;
        }
        throw Failure("internal error: an integer rule for a double array");
    }
    static double double_at(const Buffer& buffer, int64_t i) {
        if (buffer.type() != CType::Double) throw Failure("internal error: a delay rule for an integer array");
        double v;
        std::memcpy(&v, buffer.data() + static_cast<size_t>(i) * sizeof v, sizeof v);
        return v;
    }

    void check_contents(const LayoutInput& input, const Rule& rule, const Buffer& buffer,
                        const std::string& origin_override = "") {
        const auto origin = values_.origins.find(input.key);
        const std::string what = line(input.key) + ": array " + input.key + " (" +
                                 (!origin_override.empty() ? origin_override
                                  : origin != values_.origins.end() ? origin->second : std::string("its values")) + ")";
        auto element = [&](int64_t i, const std::string& value, const std::string& problem) {
            return Failure(what + ": element " + std::to_string(i) + " is " + value + ", " + problem);
        };
        const int64_t n = buffer.count();
        if (rule.name == "in") {
            const int64_t low = evaluate(rule.args[0], what), high = evaluate(rule.args[1], what);
            for (int64_t i = 0; i < n; ++i) {
                const int64_t v = integer_at(buffer, i);
                if (!(v >= low && v < high)) throw element(i, std::to_string(v), "outside " + range(rule, low, high));
            }
        } else if (rule.name == "offsets") {  // CSR: 0, non-decreasing, ends at the synapse count
            const int64_t total = evaluate(rule.args[0], what);
            if (n < 1) throw Failure(what + " is empty (" + rule.text + ")");
            if (integer_at(buffer, 0) != 0) throw element(0, std::to_string(integer_at(buffer, 0)), "not 0 (" + rule.text + ")");
            for (int64_t i = 1; i < n; ++i) {
                if (integer_at(buffer, i) < integer_at(buffer, i - 1)) {
                    throw element(i, std::to_string(integer_at(buffer, i)), "less than element " + std::to_string(i - 1) +
                                  " (" + std::to_string(integer_at(buffer, i - 1)) + "): offsets never decrease");
                }
            }
            if (integer_at(buffer, n - 1) != total) {
                throw element(n - 1, std::to_string(integer_at(buffer, n - 1)),
                              "but the last offset must be the synapse count " + std::to_string(total) + " (" + rule.text + ")");
            }
        } else if (rule.name == "spikes") {  // this step's spikes: their count at [N], then indices < N
            const int64_t size = evaluate(rule.args[0], what);
            if (size < 0 || size >= n) throw Failure(what + ": no element " + std::to_string(size) + " (" + rule.text + ")");
            const int64_t spikes = integer_at(buffer, size);
            if (!(spikes >= 0 && spikes <= size)) {
                throw element(size, std::to_string(spikes), "but a spike count must be in [0, " + std::to_string(size) + "]");
            }
            for (int64_t i = 0; i < spikes; ++i) {
                const int64_t v = integer_at(buffer, i);
                if (!(v >= 0 && v < size)) throw element(i, std::to_string(v), "not a neuron index in [0, " + std::to_string(size) + ")");
            }
        } else if (rule.name == "grouped") {  // spike steps: non-decreasing, at most N per step
            const int64_t most = evaluate(rule.args[0], what);
            for (int64_t i = 0, same = 0; i < n; ++i) {
                const int64_t v = integer_at(buffer, i);
                if (i > 0 && v < integer_at(buffer, i - 1)) {
                    throw element(i, std::to_string(v), "less than the one before: the steps must not decrease");
                }
                same = i > 0 && v == integer_at(buffer, i - 1) ? same + 1 : 1;
                if (same > most) {
                    throw element(i, std::to_string(v), "the " + std::to_string(same) + "th spike in that step, but there are only " +
                                  std::to_string(most) + " neurons (" + rule.text + ")");
                }
            }
        } else if (rule.name == "delays") {  // whole steps floor(delay/dt + 0.5), times the clock's interval
            const double dt = values_.scalars.at(rule.scalar);
            const int64_t every = evaluate(rule.args[0], what);
            for (int64_t i = 0; i < n; ++i) {
                const double d = double_at(buffer, i);
                const double steps = std::floor(d / dt + 0.5);
                if (!std::isfinite(d) || d < 0) throw element(i, format_double(d), "but a delay must be a finite time >= 0");
                if (!(steps * static_cast<double>(std::max<int64_t>(every, 1)) <= static_cast<double>(kMaxDelaySteps))) {
                    throw element(i, format_double(d), "longer than the longest delay, 2^28 steps (" +
                                  format_double(static_cast<double>(kMaxDelaySteps) * dt / static_cast<double>(std::max<int64_t>(every, 1))) + " s)");
                }
            }
        } else if (rule.name == "pending") {  // delivery steps of spikes in transit
            const int64_t latest = values_.run->step0 + kMaxDelaySteps;
            for (int64_t i = 0; i < n; ++i) {
                const int64_t v = integer_at(buffer, i);
                if (!(v >= -kMaxStep && v <= latest)) {
                    throw element(i, std::to_string(v), "but a spike in transit is due within 2^28 steps of step " +
                                  std::to_string(values_.run->step0));
                }
            }
        }
    }

    const Layout& layout_;
    const RunValues& values_;
};

// Checks the runs of a plan against the layout: before the first run for every run (with the
// state as loaded), and again right before each run (with the state it binds). Array contents
// are checked once and again only after something outside the network changed them (an
// `assign`, a `restore`) or when a rule's bounds changed: the network itself keeps them valid.
class Verifier {
public:
    Verifier(const Layout& layout, const Plan& plan, const Overrides& overrides,
             std::map<std::string, std::string> origins)
        : layout_(layout), plan_(plan), overrides_(overrides), origins_(std::move(origins)) {
        for (const LayoutInput& input : layout.arrays) inputs_[input.key] = &input;
    }

    // Run k with the persistent arrays of `state`, and its carried outputs (or none: empty).
    void check_run(size_t k, const State& state, bool with_carried) {
        const RunValues values = run_values(k, state, with_carried);
        RuleChecker checker(layout_, values);
        checker.check();
        for (const auto& [key, signature] : pending_) verified_[key] = signature;
    }

    // The values of run k's `assign` lines, each against the rules of its array (before any run).
    void check_assignments(size_t k, const std::vector<AssignmentData>& data, const State& state) {
        const RunValues values = run_values(k, state, false, false);
        RuleChecker checker(layout_, values);
        const Run& run = plan_.runs[k];
        for (size_t j = 0; j < run.assignments.size(); ++j) {
            const Assignment& assignment = run.assignments[j];
            const LayoutInput& input = *inputs_.at(assignment.key);
            if (!checker.check_values(input, data[j].values, "assigned by " + assignment.where + " from " + assignment.file)) {
                throw Failure(assignment.where + ": assign to " + in_quotes(assignment.key) +
                              ", an array the network reads as a whole (its rules: " + rules_text(input) +
                              "); it cannot be assigned element by element");
            }
        }
    }

    void forget(const std::string& key) { verified_.erase(key); }
    void forget_all() { verified_.clear(); }

private:
    static std::string rules_text(const LayoutInput& input) {
        std::string text;
        for (const Rule& rule : input.rules) text += (text.empty() ? "" : " ") + rule.text;
        return text;
    }

    RunValues run_values(size_t k, const State& state, bool with_carried, bool contents = true) {
        const Run& run = plan_.runs[k];
        RunValues values;
        values.run = &run;
        values.index = k;
        auto carried = [&](int id) -> const Buffer* {
            if (!with_carried) return nullptr;
            const auto found = state.carried.find(id);
            return found != state.carried.end() ? &found->second : nullptr;
        };
        for (const IntegerInput& integer : run.integers) {
            const Buffer* kept = integer.dynamic >= 0 ? carried(integer.dynamic) : nullptr;
            values.integers[integer.key] = integer.dynamic < 0 ? integer.value : kept ? kept->count() : 0;
            values.where[integer.key] = integer.where;
        }
        for (const ScalarInput& scalar : run.scalars) {
            values.scalars[scalar.key] = overrides_.scalar(scalar, static_cast<int64_t>(k));
            values.where[scalar.key] = scalar.where;
        }
        for (const ArrayInput& array : run.arrays) {
            values.where[array.key] = array.where;
            if (array.source == Source::Fresh) {
                values.counts[array.key] = array.count;
            } else if (array.source == Source::Carried) {
                const Buffer* kept = carried(array.dynamic);
                values.counts[array.key] = kept ? kept->count() : 0;
                if (kept && contents) values.contents[array.key] = kept;
                values.origins[array.key] = "spikes in transit, carried from " +
                                            plan_.dynamics[static_cast<size_t>(array.dynamic)].key;
            } else {
                const Buffer& buffer = state.persistent.at(array.key);
                values.counts[array.key] = buffer.count();
                const auto origin = origins_.find(array.key);
                values.origins[array.key] = origin != origins_.end() ? origin->second : "data file " + array.file;
            }
        }
        // Persistent contents: those not yet verified with these bounds.
        pending_.clear();
        if (contents) {
            RuleChecker checker(layout_, values);
            for (const ArrayInput& array : run.arrays) {
                if (array.source != Source::Persistent) continue;
                const std::string signature = bounds(checker, *inputs_.at(array.key), values);
                const auto known = verified_.find(array.key);
                if (known != verified_.end() && known->second == signature) continue;
                values.contents[array.key] = &state.persistent.at(array.key);
                pending_[array.key] = signature;
            }
        }
        return values;
    }

    // The evaluated bounds of an array's content rules: its contents checked against the same
    // bounds need not be checked again.
    static std::string bounds(const RuleChecker& checker, const LayoutInput& input, const RunValues& values) {
        std::string signature;
        for (const Rule& rule : input.rules) {
            if (rule.name == "count" || rule.name == "records") continue;
            signature += rule.text + ":";
            for (const Expression& arg : rule.args) signature += std::to_string(checker.evaluate(arg, input.key)) + ",";
            if (!rule.scalar.empty()) signature += format_double(values.scalars.at(rule.scalar));
            if (rule.name == "pending") signature += std::to_string(values.run->step0);
            signature += ";";
        }
        return signature;
    }

    const Layout& layout_;
    const Plan& plan_;
    const Overrides& overrides_;
    std::map<std::string, std::string> origins_;       // persistent key -> where its values came from
    std::map<std::string, const LayoutInput*> inputs_;  // array key -> its layout entry
    std::map<std::string, std::string> verified_;      // persistent key -> bounds its contents were checked with
    std::map<std::string, std::string> pending_;       // verified once the current check passes
};

// ---------------------------------------------------------------------------------------
// One run

// Runs plan.runs[k] from `state` and writes its results; afterwards `state.carried` holds the
// dynamic outputs in `carried_ids` as this run left them.
void execute_run(const Network& net, const Layout& layout, const Plan& plan, size_t k, const Overrides& overrides,
                 const std::vector<AssignmentData>& assignments, const std::set<int>& carried_ids, State& state,
                 Verifier& verifier, const fs::path& results) {
    const Run& run = plan.runs[k];
    const int64_t index = static_cast<int64_t>(k);
    // What the script assigned before this run, in plan order (after loading and --set).
    for (size_t j = 0; j < run.assignments.size(); ++j) {
        apply_assignment(state.persistent.at(run.assignments[j].key), assignments[j]);
        verifier.forget(run.assignments[j].key);
    }
    verifier.check_run(k, state, true);  // what this run binds, as the layout demands
    // Bind: the plan lists the inputs in layout order (check_plan_matches), the layout gives
    // each its slot (the binding contract); arrays end with a nullptr/0.
    std::vector<Buffer> fresh;  // this run's own buffers (fresh, carried)
    fresh.reserve(run.arrays.size());
    std::vector<void*> pointers(layout.n_arrays + 1, nullptr);
    std::vector<int64_t> sizes(layout.n_arrays + 1, 0);
    for (size_t i = 0; i < run.arrays.size(); ++i) {
        const ArrayInput& array = run.arrays[i];
        Buffer* buffer = nullptr;
        if (array.source == Source::Persistent) {
            buffer = &state.persistent.at(array.key);
        } else if (array.source == Source::Fresh) {
            buffer = &fresh.emplace_back(array.type, array.count);
        } else {
            const auto kept = state.carried.find(array.dynamic);  // absent before the first run: empty
            buffer = &fresh.emplace_back(kept != state.carried.end() ? kept->second.copy() : Buffer(array.type, 0));
        }
        pointers.at(layout.arrays.at(i).slot) = buffer->data();
        sizes.at(layout.arrays.at(i).slot) = buffer->count();
    }
    std::vector<double> scalars(layout.n_scalars, 0.0);
    scalars.at(layout.dt_slot) = run.dt;
    scalars.at(layout.t_start_slot) = run.t_start;
    for (size_t i = 0; i < run.scalars.size(); ++i) {
        scalars.at(layout.scalars.at(i).slot) = overrides.scalar(run.scalars[i], index);
    }
    std::vector<int64_t> integers(layout.n_integers, 0);
    integers.at(layout.seed_slot) = static_cast<int64_t>(run.seed);  // two's complement, as the runtime
    for (size_t i = 0; i < run.integers.size(); ++i) {
        const IntegerInput& integer = run.integers[i];
        int64_t value = integer.value;
        if (integer.dynamic >= 0) {
            const auto kept = state.carried.find(integer.dynamic);  // absent before the first run: 0 elements
            value = kept != state.carried.end() ? kept->second.count() : 0;
        }
        integers.at(layout.integers.at(i).slot) = value;
    }
    state.carried.clear();  // consumed: the buffers above are this run's own copies

    const auto start = std::chrono::steady_clock::now();
    const int64_t done = ng_run(net.get(), pointers.data(), sizes.data(), scalars.data(), integers.data(), run.step0,
                                run.n_steps, 0.1, nullptr, nullptr);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (done != run.n_steps) {
        throw Failure("run " + std::to_string(k) + " stopped after " + std::to_string(done) + " of " +
                      std::to_string(run.n_steps) + " steps");
    }

    // Results of run k: its fresh arrays, then every dynamic output.
    const fs::path folder = results / ("run" + std::to_string(k));
    make_directory(folder);
    size_t next_fresh = 0;
    for (const ArrayInput& array : run.arrays) {
        if (array.source == Source::Persistent) continue;
        const Buffer& buffer = fresh[next_fresh++];
        if (array.source == Source::Fresh) {
            write_result(folder / (array.key + ".bin"), array.type, buffer.count(), array.unit, buffer.data());
        }
    }
    for (size_t id = 0; id < plan.dynamics.size(); ++id) {
        const Dynamic& dynamic = plan.dynamics[id];
        const int ident = static_cast<int>(id);
        Buffer contents = copy_dynamic(net, dynamic, ident);
        write_result(folder / (dynamic.key + ".bin"), dynamic.type, contents.count(), dynamic.unit, contents.data());
        if (carried_ids.count(ident) != 0) state.carried[ident] = std::move(contents);
        ng_dynamic_clear(net.get(), ident);  // the next run starts empty, as with the Python shell
    }
    std::cout << "run " << k << ": " << run.n_steps << " steps from step " << run.step0 << " in " << seconds << " s"
              << std::endl;
}

// ---------------------------------------------------------------------------------------
// The program

// Without --project or --plan: data/ in the current directory if it has a plan, else the
// project this executable was built in (PROJECT/build/main -> PROJECT/data), so
// `cuba_out/build/main --set tau=12ms` works from anywhere.
fs::path default_data_folder() {
    if (fs::exists(fs::path("data") / "plan.txt")) return "data";
    std::error_code error;
    const fs::path self = fs::read_symlink("/proc/self/exe", error);  // Linux; elsewhere: data/
    if (!error) {
        const fs::path beside = self.parent_path().parent_path() / "data";
        if (fs::exists(beside / "plan.txt")) return beside;
    }
    return "data";
}

int run_standalone(int argc, char** argv) {
    const Options options = parse_command_line(argc, argv);
    if (options.help) {
        std::cout << kUsage;
        return 0;
    }
    // Where things are: the data folder holds the plan's data files (FORMAT.md).
    const fs::path data = options.project ? *options.project / "data"
                          : options.plan  ? options.plan->parent_path()
                                          : default_data_folder();
    const fs::path plan_path = options.plan ? *options.plan : data / "plan.txt";
    const Plan plan = PlanReader(plan_path).read();
    const Layout layout = LayoutReader().read(kNetworkLayout);
    check_plan_matches(plan, layout, plan_path);
    const Overrides overrides = resolve_settings(options.settings, plan);

    // Persistent arrays: all loaded (and set by --set ALIAS=...) before anything runs.
    State state;
    std::vector<const ArrayInput*> persistent_order;  // first listing of each, in plan order
    std::map<std::string, std::string> origins;       // where each one's values come from (messages)
    for (const Run& run : plan.runs) {
        for (const ArrayInput& array : run.arrays) {
            if (array.source != Source::Persistent || state.persistent.count(array.key) != 0) continue;
            Buffer buffer = read_raw(data / array.file, array.type, array.count, "array " + array.key);
            origins[array.key] = (data / array.file).string();
            const auto setting = overrides.arrays.find(array.alias);
            if (setting != overrides.arrays.end()) {
                const Setting& set = *setting->second;
                const std::string label = set.origin + ": " + set.name;
                if (set.value.front() == '@') {
                    buffer = read_raw(set.value.substr(1), array.type, array.count, label);
                } else {
                    fill(buffer, value_in(set.value, array.unit, label), label);
                }
                origins[array.key] = "set by " + set.origin;
            }
            state.persistent.emplace(array.key, std::move(buffer));
            persistent_order.push_back(&array);
        }
    }
    // Assignments: read and checked now, applied before their run (assignments[k][j] is
    // plan.runs[k].assignments[j]).
    std::vector<std::vector<AssignmentData>> assignments(plan.runs.size());
    for (size_t k = 0; k < plan.runs.size(); ++k) {
        for (const Assignment& assignment : plan.runs[k].assignments) {
            assignments[k].push_back(
                read_assignment(data / assignment.file, assignment, state.persistent.at(assignment.key)));
        }
    }
    // The dynamic outputs that some run reads (`carried` arrays and integers): kept after
    // every run, in snapshots and in checkpoints.
    std::set<int> carried_ids;
    for (const Run& run : plan.runs) {
        for (const ArrayInput& array : run.arrays) {
            if (array.source == Source::Carried) carried_ids.insert(array.dynamic);
        }
        for (const IntegerInput& integer : run.integers) {
            if (integer.dynamic >= 0) carried_ids.insert(integer.dynamic);
        }
    }
    // Checkpoints: tied to the plan and settings; a resumed job continues at item `next`.
    const bool checkpoints = options.checkpoint || options.resume;
    const uint64_t plan_hash = checkpoints ? fingerprint(plan, overrides, state, persistent_order, assignments) : 0;
    std::map<std::string, State> snapshots;  // `store`d states, by name
    size_t next = 0;                         // the next plan item
    if (options.resume) {
        next = read_checkpoint(*options.resume, plan_hash, plan, carried_ids, state, snapshots);
        for (auto& [key, origin] : origins) origin = "from the checkpoint " + options.resume->string();
    }
    // Every run still to come, as far as it can be known now: its inputs follow the layout's
    // rules with the state as loaded (carried outputs: as the checkpoint holds them for the
    // next run, empty for later ones), and every assigned value follows its array's rules.
    Verifier verifier(layout, plan, overrides, origins);
    for (size_t i = next; i < plan.items.size(); ++i) {
        if (plan.items[i].kind != ItemKind::Run) continue;
        const size_t k = plan.items[i].run;
        verifier.check_run(k, state, i == next);
        verifier.check_assignments(k, assignments[k], state);
    }
    if (options.checkpoint) check_writable(*options.checkpoint);
    make_directory(options.results);

    if (ng_abi_version() != kAbiVersion) {
        throw Failure("network.cpp speaks ABI version " + std::to_string(ng_abi_version()) + ", this main.cpp " +
                      std::to_string(kAbiVersion));
    }
#ifdef _OPENMP
    // Exactly --threads threads in the network's parallel regions (OMP_NUM_THREADS does not
    // apply), set before ng_create and the first run.
    omp_set_dynamic(0);
    omp_set_num_threads(options.threads);
#endif
    Network net;
    check_dynamics(net, plan);
    if (options.resume) {
        std::cout << "resuming at plan item " << next << " of " << plan.items.size() << " from "
                  << options.resume->string() << std::endl;
    }
    for (int64_t executed = 0; next < plan.items.size(); ++executed) {
        if (options.stop_after && executed == *options.stop_after) {
            std::cout << "stopped after " << executed << " plan items, before item " << next << " of "
                      << plan.items.size()
                      << (options.checkpoint ? "; continue with --resume " + options.checkpoint->string() : "")
                      << std::endl;
            return 0;
        }
        const Item& item = plan.items[next];
        if (item.kind == ItemKind::Run) {
            execute_run(net, layout, plan, item.run, overrides, assignments[item.run], carried_ids, state, verifier,
                        options.results);
        } else if (item.kind == ItemKind::Store) {
            snapshots.insert_or_assign(item.name, copy_of(state));
        } else {
            restore_state(state, snapshots.at(item.name));  // the plan reader checked that it was stored
            verifier.forget_all();  // checked again before the next run (a checkpoint's snapshot too)
        }
        ++next;
        if (options.checkpoint) {
            write_checkpoint(*options.checkpoint, plan_hash, next, plan, persistent_order, state, snapshots);
        }
    }

    // Final state of every persistent array.
    if (!persistent_order.empty()) {
        const fs::path folder = options.results / "final";
        make_directory(folder);
        for (const ArrayInput* array : persistent_order) {
            const Buffer& buffer = state.persistent.at(array->key);
            write_result(folder / (array->key + ".bin"), array->type, buffer.count(), array->unit, buffer.data());
        }
    }
    std::cout << "results in " << options.results.string() << std::endl;
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    try {
        return run_standalone(argc, argv);
    } catch (const Failure& failure) {
        std::cerr << "error: " << failure.what() << std::endl;
    } catch (const std::bad_alloc&) {
        std::cerr << "error: out of memory" << std::endl;
    } catch (const std::exception& exception) {
        std::cerr << "error: " << exception.what() << std::endl;
    }
    return kExitError;
}

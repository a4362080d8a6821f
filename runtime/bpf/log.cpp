// SPDX-License-Identifier: Apache-2.0
#include "runtime/bpf/log.h"

#include <bpf/libbpf.h>
#include <cctype>
#include <cstdarg>
#include <cstdio>
#include <deque>
#include <mutex>
#include <string_view>

namespace ig::bpf {
namespace {

bool g_verbose = false;
std::mutex g_mutex;
std::deque<std::string> g_lines;
constexpr std::size_t kMaxKept = 400;

int print_fn(enum libbpf_print_level level, const char* fmt, va_list args) {
    // libbpf prints a whole verifier log (up to megabytes) as one message: size the buffer to it,
    // or the verdict at its end would be cut off.
    char buf[1024];
    va_list copy;
    va_copy(copy, args);
    int n = std::vsnprintf(buf, sizeof(buf), fmt, copy);
    va_end(copy);
    if (n < 0)
        return 0;
    std::string text;
    if (static_cast<std::size_t>(n) < sizeof(buf)) {
        text = buf;
    } else {
        text.resize(static_cast<std::size_t>(n) + 1);
        va_copy(copy, args);
        std::vsnprintf(text.data(), text.size(), fmt, copy);
        va_end(copy);
        text.resize(static_cast<std::size_t>(n));
    }
    if (g_verbose)
        std::fputs(text.c_str(), stderr);
    if (level == LIBBPF_DEBUG && !g_verbose)
        return n;
    std::lock_guard lock(g_mutex);
    std::size_t start = 0;
    while (start < text.size()) {
        std::size_t end = text.find('\n', start);
        if (end == std::string::npos)
            end = text.size();
        if (end > start)
            g_lines.emplace_back(text.substr(start, end - start));
        start = end + 1;
    }
    while (g_lines.size() > kMaxKept)
        g_lines.pop_front();
    return n;
}

} // namespace

void install_libbpf_logger(bool verbose) {
    g_verbose = verbose;
    libbpf_set_print(print_fn);
}

void clear_captured_log() {
    std::lock_guard lock(g_mutex);
    g_lines.clear();
}

namespace {

bool starts_with(const std::string& s, std::string_view p) {
    return s.compare(0, p.size(), p) == 0;
}

// Statistics the verifier prints after its verdict.
bool is_verifier_statistics(const std::string& line) {
    return line.empty() || starts_with(line, "verification time") ||
           starts_with(line, "stack depth") || starts_with(line, "processed ") ||
           starts_with(line, "mark_precise");
}

// "5: (61) r0 = *(u32 *)(r0 +0)": an instruction as the verifier prints it.
bool is_instruction(const std::string& line) {
    std::size_t i = 0;
    while (i < line.size() && std::isdigit(static_cast<unsigned char>(line[i])))
        ++i;
    return i > 0 && line.compare(i, 3, ": (") == 0;
}

std::string without_libbpf_prefix(const std::string& line) {
    return starts_with(line, "libbpf: ") ? line.substr(8) : line;
}

// The key lines of the last verifier log: the program, the source line and instruction that
// failed, and the verifier's message. Empty if no verifier log was captured.
std::vector<std::string> verifier_key_lines() {
    std::size_t begin = g_lines.size();
    for (std::size_t i = g_lines.size(); i-- > 0;)
        if (g_lines[i].find("-- BEGIN PROG LOAD LOG --") != std::string::npos) {
            begin = i;
            break;
        }
    if (begin == g_lines.size())
        return {};
    std::size_t end = begin + 1;
    while (end < g_lines.size() &&
           g_lines[end].find("-- END PROG LOAD LOG --") == std::string::npos)
        ++end;
    std::size_t error = end;
    while (error > begin + 1 && is_verifier_statistics(g_lines[error - 1]))
        --error;
    if (error == begin + 1)
        return {};
    --error; // the verdict: the last line before the statistics
    std::vector<std::string> out;
    for (std::size_t i = begin; i-- > 0;)
        if (g_lines[i].find("program load failed") != std::string::npos) {
            out.push_back(without_libbpf_prefix(g_lines[i]));
            break;
        }
    std::size_t insn = error;
    while (insn > begin + 1 && !is_instruction(g_lines[insn - 1]))
        --insn;
    if (insn > begin + 1) {
        --insn;
        for (std::size_t i = insn; i > begin + 1; --i)
            if (starts_with(g_lines[i - 1], "; ")) {
                out.push_back("source: " + g_lines[i - 1].substr(2));
                break;
            }
        out.push_back("instruction " + g_lines[insn]);
    }
    out.push_back("verifier: " + g_lines[error]);
    out.push_back("(the verifier's whole log: --verbose)");
    return out;
}

} // namespace

std::vector<std::string> captured_log_summary(std::size_t max_lines) {
    std::lock_guard lock(g_mutex);
    if (auto key = verifier_key_lines(); !key.empty())
        return key;
    std::vector<std::string> out;
    // The verifier prints its verdict last; libbpf's own errors follow it. Keep the tail,
    // skipping the "-- BEGIN/END PROG LOAD LOG --" frame.
    for (auto it = g_lines.rbegin(); it != g_lines.rend() && out.size() < max_lines; ++it) {
        if (it->find("PROG LOAD LOG") != std::string::npos)
            continue;
        out.insert(out.begin(), *it);
    }
    return out;
}

std::string failed_program_in_log() {
    static constexpr std::string_view kStart = "prog '", kEnd = "': failed to load";
    std::lock_guard lock(g_mutex);
    for (auto it = g_lines.rbegin(); it != g_lines.rend(); ++it) {
        std::size_t start = it->find(kStart);
        std::size_t end = it->find(kEnd);
        if (start != std::string::npos && end != std::string::npos && end > start + kStart.size())
            return it->substr(start + kStart.size(), end - start - kStart.size());
    }
    return "";
}

} // namespace ig::bpf

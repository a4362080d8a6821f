// SPDX-License-Identifier: Apache-2.0
#include "runtime/bpf/log.h"

#include <bpf/libbpf.h>
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
    char buf[1024];
    va_list copy;
    va_copy(copy, args);
    int n = std::vsnprintf(buf, sizeof(buf), fmt, copy);
    va_end(copy);
    if (n < 0)
        return 0;
    std::string text(buf);
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

std::vector<std::string> captured_log_summary(std::size_t max_lines) {
    std::lock_guard lock(g_mutex);
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

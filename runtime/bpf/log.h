// SPDX-License-Identifier: Apache-2.0
// libbpf's log routed through us: quiet by default, everything with --verbose, and the last
// lines kept so a failed load can show the verifier's verdict instead of a wall of text.
#pragma once

#include <string>
#include <vector>

namespace ig::bpf {

void install_libbpf_logger(bool verbose);

// Clears the captured lines (call before a step whose failure should be explained).
void clear_captured_log();

// The captured lines that explain a failure. After a verifier rejection: the program, the source
// line and instruction that failed and the verifier's message; otherwise libbpf's last lines.
std::vector<std::string> captured_log_summary(std::size_t max_lines = 8);

// The program whose load failed, from libbpf's "prog 'NAME': failed to load" line among the
// captured ones, or "" if there is none. libbpf unloads every program when one fails, so its
// log is the only place that names the culprit.
std::string failed_program_in_log();

} // namespace ig::bpf

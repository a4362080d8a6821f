// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <stdexcept>
#include <string>

namespace ig {

// A user-facing failure: one line saying what failed, where, and why. Thrown at boundaries
// (loading a gadget, parsing input) and turned into a message and exit code by the CLI.
class Error : public std::runtime_error {
public:
    explicit Error(const std::string& message) : std::runtime_error(message) {}
};

// "<what>: <strerror(err)>" for a negative or positive errno value.
std::string errno_message(const std::string& what, int err);

} // namespace ig

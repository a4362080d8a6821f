// SPDX-License-Identifier: Apache-2.0
// Errors raised by the registry library. One line, naming what was wrong (a reference, a digest,
// a registry response) and why. The CLI prints what() and exits non-zero.
#pragma once

#include <stdexcept>
#include <string>

namespace ig::registry {

class RegistryError : public std::runtime_error {
public:
    explicit RegistryError(const std::string& message) : std::runtime_error(message) {}
};

} // namespace ig::registry

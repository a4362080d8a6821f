// SPDX-License-Identifier: Apache-2.0
// Structural checks of an untrusted BPF object before libbpf parses it. libbpf 1.1 (Debian 12)
// trusts section, symbol, relocation and BTF type indices and crashes on corrupt ones (fuzzing
// found this); later libbpf releases added the same checks.
#pragma once

#include <cstdint>
#include <span>
#include <string>

namespace ig {

// Throws ig::Error naming the first inconsistency: a section outside the file, a link or symbol
// index out of range, a relocation naming a missing symbol, a BTF type id out of range, a name
// outside the string section, or a loop of typedefs/modifiers.
void validate_elf_structure(const std::string& origin, std::span<const std::uint8_t> object);

} // namespace ig

// SPDX-License-Identifier: Apache-2.0
// A gadget package: parsed gadget.yaml plus the BPF object bytes, from a directory or a store.
#pragma once

#include "runtime/gadget/metadata.h"

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace ig {

struct GadgetPackage {
    std::string origin; // directory path or image reference, for messages
    std::string metadata_text;
    GadgetMetadata metadata;
    std::vector<std::uint8_t> object;
};

// Largest BPF object accepted (real gadgets are tens to hundreds of KiB).
inline constexpr std::size_t kMaxObjectBytes = 64u << 20;

// Validates the object bytes (ELF, 64-bit, machine BPF) and parses the metadata.
GadgetPackage make_package(std::string origin, std::string metadata_text,
                           std::vector<std::uint8_t> object);

// Loads DIR/gadget.yaml and DIR/program.bpf.o (or DIR/<arch>.bpf.o). Throws ig::Error naming the
// missing or invalid file.
GadgetPackage load_package_from_dir(const std::filesystem::path& dir);

// "amd64" or "arm64": the architecture name used in image indexes.
std::string host_architecture();

} // namespace ig

// SPDX-License-Identifier: Apache-2.0
// `ig image build`: compile a gadget's program.bpf.c once per architecture with clang (CO-RE),
// then assemble an Inspektor-Gadget-compatible image: an index with one manifest per platform,
// config = gadget.yaml, one layer = the BPF object, OCI annotations taken from gadget.yaml.
// Validation of gadget.yaml against the object is a callback: it needs the runtime's BTF
// introspection, which this library must not depend on.
#pragma once

#include "registry/local_store.h"

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace ig::registry {

inline constexpr std::string_view kBuilderVersionAnnotation = "io.ig.builder.version";
// The created timestamp of a build without --created or SOURCE_DATE_EPOCH: fixed, so the same
// sources always give the same digest.
inline constexpr std::string_view kDefaultCreated = "1970-01-01T00:00:00Z";

struct CompileOptions {
    std::filesystem::path source;      // program.bpf.c
    std::string architecture;          // "amd64" | "arm64"
    std::filesystem::path sdk_include; // holds gadget/*.h
    std::filesystem::path vmlinux_dir; // holds vmlinux.h for this architecture
    std::filesystem::path work_dir;    // where the object is written
    std::string clang = "clang";
    std::string llvm_strip = "llvm-strip";
};

// clang -target bpf -D__TARGET_ARCH_<x86|arm64> -g -O2 …, then llvm-strip -g (DWARF goes, BTF
// and BTF.ext stay). Source paths are mapped to fixed names so the object does not depend on
// where the sources live. Throws RegistryError if a tool is missing or fails.
std::vector<std::uint8_t> compile_program(const CompileOptions& options);

// The directory holding vmlinux.h for `architecture`, given --vmlinux-dir: DIR/<arch>/, a
// sibling DIR/../<arch>/ when DIR is itself named after an architecture, or DIR when it holds a
// vmlinux.h for the host. Throws naming the places it looked.
std::filesystem::path find_vmlinux_dir(const std::filesystem::path& dir,
                                       const std::string& architecture,
                                       const std::string& host_architecture);

// "linux/amd64,linux/arm64" -> {"amd64", "arm64"} (sorted, unique). Throws on anything else.
std::vector<std::string> parse_platforms(const std::string& text);

// RFC 3339 check (YYYY-MM-DDTHH:MM:SS[.frac](Z|±HH:MM)); throws naming the value.
void check_rfc3339(const std::string& text);
// SOURCE_DATE_EPOCH (seconds) as an RFC 3339 UTC timestamp; throws if not a number.
std::string rfc3339_from_epoch(const std::string& seconds);

// The annotation map Inspektor Gadget puts on the config, manifests and index.
std::map<std::string, std::string> image_annotations(const std::string& metadata_yaml,
                                                     const std::string& created,
                                                     const std::string& builder_version);

struct BuildResult {
    Descriptor index;
    std::map<std::string, Descriptor> manifests; // by architecture
};

// Writes the blobs, manifests and index of an image into the store and returns their
// descriptors (not yet tagged). `objects` maps architecture -> BPF object.
BuildResult assemble_image(LocalStore& store, const std::string& metadata_yaml,
                           const std::map<std::string, std::vector<std::uint8_t>>& objects,
                           const std::map<std::string, std::string>& annotations);

struct BuildOptions {
    std::filesystem::path source_dir;
    std::vector<std::string> architectures;
    std::filesystem::path sdk_include;
    std::filesystem::path vmlinux_dir;
    std::string host_architecture;
    std::string created; // empty: SOURCE_DATE_EPOCH, else kDefaultCreated
    std::string builder_version;
    std::string clang = "clang";
    std::string llvm_strip = "llvm-strip";
    // Throws if gadget.yaml does not match the object built for `architecture`.
    std::function<void(const std::string& origin, const std::string& architecture,
                       const std::string& metadata_yaml, const std::vector<std::uint8_t>& object)>
        validate;
};

// Compiles, validates and assembles; nothing becomes reachable in the store until the caller
// tags the returned index.
BuildResult build_image(LocalStore& store, const BuildOptions& options);

} // namespace ig::registry

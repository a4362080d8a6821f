// SPDX-License-Identifier: Apache-2.0
#include "runtime/gadget/package.h"

#include "runtime/error.h"
#include "runtime/gadget/object_validation.h"

#include <bit>
#include <cstring>
#include <elf.h>
#include <fstream>
#include <iterator>

#ifndef EM_BPF
#define EM_BPF 247
#endif

namespace ig {
namespace {

std::vector<std::uint8_t> read_file(const std::filesystem::path& path, std::size_t limit) {
    std::error_code ec;
    auto size = std::filesystem::file_size(path, ec);
    if (ec)
        throw Error(errno_message("reading " + path.string(), ec.value()));
    if (size > limit)
        throw Error(path.string() + ": file is larger than " + std::to_string(limit) + " bytes");
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw Error("cannot open " + path.string());
    std::vector<std::uint8_t> data(size);
    in.read(reinterpret_cast<char*>(data.data()), static_cast<std::streamsize>(size));
    if (!in)
        throw Error("cannot read " + path.string());
    return data;
}

void validate_object(const std::string& origin, const std::vector<std::uint8_t>& obj) {
    if (obj.empty())
        throw Error(origin + ": the BPF object is empty");
    if (obj.size() > kMaxObjectBytes)
        throw Error(origin + ": the BPF object is larger than " + std::to_string(kMaxObjectBytes) +
                    " bytes");
    if (obj.size() < sizeof(Elf64_Ehdr) || std::memcmp(obj.data(), ELFMAG, SELFMAG) != 0)
        throw Error(origin + ": the BPF object is not an ELF file");
    Elf64_Ehdr hdr;
    std::memcpy(&hdr, obj.data(), sizeof hdr);
    if (hdr.e_ident[EI_CLASS] != ELFCLASS64)
        throw Error(origin + ": the BPF object is not a 64-bit ELF file");
    bool little = hdr.e_ident[EI_DATA] == ELFDATA2LSB;
    std::uint16_t machine = hdr.e_machine;
    if (!little)
        machine = static_cast<std::uint16_t>((machine >> 8) | (machine << 8));
    if (machine != EM_BPF)
        throw Error(origin + ": the ELF file is not a BPF object (machine " +
                    std::to_string(machine) + ")");
    if ((hdr.e_ident[EI_DATA] == ELFDATA2LSB) != (std::endian::native == std::endian::little))
        throw Error(origin + ": the BPF object was built for the other byte order");
    validate_elf_structure(origin, obj);
}

} // namespace

std::string host_architecture() {
#if defined(__x86_64__)
    return "amd64";
#elif defined(__aarch64__)
    return "arm64";
#else
#error "unsupported host architecture"
#endif
}

GadgetPackage make_package(std::string origin, std::string metadata_text,
                           std::vector<std::uint8_t> object) {
    validate_object(origin, object);
    GadgetPackage pkg;
    pkg.metadata = parse_metadata(metadata_text, origin + "/gadget.yaml");
    pkg.origin = std::move(origin);
    pkg.metadata_text = std::move(metadata_text);
    pkg.object = std::move(object);
    return pkg;
}

GadgetPackage load_package_from_dir(const std::filesystem::path& dir) {
    if (!std::filesystem::is_directory(dir))
        throw Error(dir.string() + " is not a directory");
    auto yaml_path = dir / "gadget.yaml";
    if (!std::filesystem::exists(yaml_path))
        throw Error("gadget directory " + dir.string() + " has no gadget.yaml");
    std::filesystem::path obj_path;
    for (const auto& candidate : {dir / "program.bpf.o", dir / (host_architecture() + ".bpf.o")})
        if (std::filesystem::exists(candidate)) {
            obj_path = candidate;
            break;
        }
    if (obj_path.empty())
        throw Error("gadget directory " + dir.string() + " has no program.bpf.o or " +
                    host_architecture() + ".bpf.o (build it with `ig image build`)");
    auto yaml = read_file(yaml_path, kMaxMetadataBytes);
    return make_package(dir.string(), std::string(yaml.begin(), yaml.end()),
                        read_file(obj_path, kMaxObjectBytes));
}

} // namespace ig

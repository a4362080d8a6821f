// SPDX-License-Identifier: Apache-2.0
// `ig image build DIR`: where the SDK headers and vmlinux.h are found, then registry's builder
// with the runtime's validation, then the tag.
#include "registry/image_builder.h"
#include "registry/local_store.h"
#include "runtime/bpf/log.h"
#include "runtime/error.h"
#include "runtime/gadget/package.h"
#include "tools/ig/gadget_validation.h"
#include "tools/ig/image_args.h"
#include "tools/ig/image_local_commands.h"
#include "tools/ig/version.h"

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>

namespace ig::cli {
namespace {

namespace fs = std::filesystem;

// <prefix> of an installed ig: the directory above bin/.
fs::path install_prefix() {
    std::error_code ec;
    fs::path exe = fs::read_symlink("/proc/self/exe", ec);
    if (ec)
        return {};
    return exe.parent_path().parent_path();
}

// The SDK headers: <prefix>/include when installed; the source tree's sdk/include when running
// from a build tree.
fs::path default_sdk_include() {
    std::error_code ec;
    if (fs::path p = install_prefix() / "include"; fs::is_directory(p / "gadget", ec))
        return p;
#ifdef IG_SOURCE_SDK_INCLUDE
    if (fs::is_directory(fs::path(IG_SOURCE_SDK_INCLUDE) / "gadget", ec))
        return IG_SOURCE_SDK_INCLUDE;
#endif
    throw Error("cannot find the gadget SDK headers (gadget/*.h): pass --sdk-include DIR");
}

// vmlinux.h: <prefix>/include/ig/vmlinux/<arch>/ when installed; the one generated in the build
// tree otherwise (for the host architecture only).
fs::path default_vmlinux_dir() {
    std::error_code ec;
    if (fs::path p = install_prefix() / "include" / "ig" / "vmlinux"; fs::is_directory(p, ec))
        return p;
#ifdef IG_BUILD_VMLINUX_DIR
    if (fs::is_regular_file(fs::path(IG_BUILD_VMLINUX_DIR) / "vmlinux.h", ec))
        return IG_BUILD_VMLINUX_DIR;
#endif
    throw Error("cannot find vmlinux.h: pass --vmlinux-dir DIR");
}

[[maybe_unused]] std::string tool_path(const char* configured, const char* fallback) {
    std::error_code ec;
    if (configured && *configured && fs::exists(configured, ec))
        return configured;
    return fallback;
}

const char* kBuildHelp =
    "Usage: ig image build DIR [flags]\n"
    "  Compiles DIR/program.bpf.c (clang, CO-RE) for each platform, checks DIR/gadget.yaml\n"
    "  against the object, and stores the image in the local store.\n"
    "Flags:\n"
    "  -t, --tag REF          name of the image (default: the directory name)\n"
    "      --platform LIST    linux/amd64, linux/arm64 or both, comma separated\n"
    "                         (default: this machine's)\n"
    "      --sdk-include DIR  directory holding gadget/*.h\n"
    "      --vmlinux-dir DIR  directory holding vmlinux.h (or <arch>/vmlinux.h)\n"
    "      --created TIME     RFC 3339 creation time (default: SOURCE_DATE_EPOCH, else\n"
    "                         1970-01-01T00:00:00Z, so builds are reproducible)\n";

} // namespace

int image_build(const std::vector<std::string>& args) {
    auto parsed = parse_image_args("build", args,
                                   {{"tag", 't', true},
                                    {"platform", 0, true},
                                    {"sdk-include", 0, true},
                                    {"vmlinux-dir", 0, true},
                                    {"created", 0, true},
                                    {"help", 'h', false}});
    if (parsed.has("help")) {
        std::fputs(kBuildHelp, stdout);
        return 0;
    }
    if (parsed.positional.size() != 1)
        throw Error("ig image build needs exactly one gadget directory (see ig image build "
                    "--help)");
    fs::path dir = parsed.positional.front();
    std::string tag = parsed.get("tag");
    if (tag.empty()) {
        tag = fs::absolute(dir).lexically_normal().filename().string();
        if (tag.empty())
            tag = fs::absolute(dir).lexically_normal().parent_path().filename().string();
    }
    // Everything the user typed is checked before the (slow) compile.
    auto ref = registry::Reference::parse(tag);
    if (ref.pinned())
        throw Error("cannot build into a digest reference '" + tag + "': give a tag");
    registry::BuildOptions opts;
    opts.source_dir = dir;
    opts.host_architecture = host_architecture();
    opts.architectures = parsed.has("platform") ? registry::parse_platforms(parsed.get("platform"))
                                                : std::vector<std::string>{host_architecture()};
    opts.sdk_include =
        parsed.has("sdk-include") ? fs::path(parsed.get("sdk-include")) : default_sdk_include();
    opts.vmlinux_dir =
        parsed.has("vmlinux-dir") ? fs::path(parsed.get("vmlinux-dir")) : default_vmlinux_dir();
    opts.created = parsed.get("created");
    if (!opts.created.empty())
        registry::check_rfc3339(opts.created);
    opts.builder_version = std::string("v") + version_string();
#ifdef IG_CLANG_PATH
    opts.clang = tool_path(IG_CLANG_PATH, "clang");
#endif
#ifdef IG_LLVM_STRIP_PATH
    opts.llvm_strip = tool_path(IG_LLVM_STRIP_PATH, "llvm-strip");
#endif
    opts.validate = validate_gadget;
    bpf::install_libbpf_logger(false);

    auto start = std::chrono::steady_clock::now();
    registry::LocalStore store(registry::LocalStore::default_path());
    auto result = registry::build_image(store, opts);
    store.set_reference(ref, result.index);
    double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::string archs;
    for (const auto& a : opts.architectures)
        archs += (archs.empty() ? "" : ",") + ("linux/" + a);
    std::fprintf(stderr, "Built %s for %s in %.2fs\n", dir.string().c_str(), archs.c_str(), secs);
    std::cout << "Successfully built " << registry::LocalStore::ref_name(ref) << "@"
              << result.index.digest.str() << "\n";
    return 0;
}

} // namespace ig::cli

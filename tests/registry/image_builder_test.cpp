// SPDX-License-Identifier: Apache-2.0
#include "registry/error.h"
#include "registry/image_builder.h"
#include "test_util.h"

#include <fstream>
#include <gtest/gtest.h>

using namespace ig::registry;
namespace fs = std::filesystem;

namespace {

std::string host_arch() {
#if defined(__x86_64__)
    return "amd64";
#else
    return "arm64";
#endif
}

BuildOptions options_for(const fs::path& dir) {
    BuildOptions o;
    o.source_dir = dir;
    o.architectures = {host_arch()};
    o.host_architecture = host_arch();
    o.sdk_include = fs::path(IG_SOURCE_DIR) / "sdk" / "include";
    o.vmlinux_dir = IG_TEST_VMLINUX_DIR;
    o.builder_version = "vtest";
    o.clang = IG_TEST_CLANG;
    o.llvm_strip = IG_TEST_LLVM_STRIP;
    return o;
}

fs::path copy_gadget(const fs::path& to, const std::string& name) {
    fs::create_directories(to);
    fs::copy(fs::path(IG_SOURCE_DIR) / "gadgets" / name, to / name, fs::copy_options::recursive);
    return to / name;
}

} // namespace

TEST(ImageBuilder, ParsesPlatforms) {
    EXPECT_EQ(parse_platforms("linux/arm64,linux/amd64"),
              (std::vector<std::string>{"amd64", "arm64"}));
    EXPECT_EQ(parse_platforms("linux/amd64,linux/amd64"), (std::vector<std::string>{"amd64"}));
    EXPECT_THROW(parse_platforms("linux/riscv64"), RegistryError);
    EXPECT_THROW(parse_platforms("amd64"), RegistryError);
    EXPECT_THROW(parse_platforms(""), RegistryError);
    EXPECT_THROW(parse_platforms("linux/amd64,"), RegistryError);
}

TEST(ImageBuilder, Timestamps) {
    EXPECT_NO_THROW(check_rfc3339("2024-05-01T12:00:00Z"));
    EXPECT_NO_THROW(check_rfc3339("2024-05-01T12:00:00.123+02:00"));
    for (std::string bad : {"2024-05-01", "2024-13-01T00:00:00Z", "2024-05-01 12:00:00Z",
                            "2024-05-01T12:00:00", "yesterday", "2024-05-01T25:00:00Z"})
        EXPECT_THROW(check_rfc3339(bad), RegistryError) << bad;
    EXPECT_EQ(rfc3339_from_epoch("0"), "1970-01-01T00:00:00Z");
    EXPECT_EQ(rfc3339_from_epoch("1700000000"), "2023-11-14T22:13:20Z");
    EXPECT_THROW(rfc3339_from_epoch("12abc"), RegistryError);
    EXPECT_THROW(rfc3339_from_epoch("-5"), RegistryError);
}

TEST(ImageBuilder, AnnotationsComeFromGadgetYaml) {
    auto a = image_annotations("name: trace tcp\ndescription: d\nhomepageURL: h\n"
                               "documentationURL: doc\nsourceURL: src\n"
                               "annotations:\n  enable-containers-datasource: true\n",
                               "2024-01-01T00:00:00Z", "v1.2.3");
    EXPECT_EQ(a.at("org.opencontainers.image.title"), "trace tcp");
    EXPECT_EQ(a.at("org.opencontainers.image.description"), "d");
    EXPECT_EQ(a.at("org.opencontainers.image.url"), "h");
    EXPECT_EQ(a.at("org.opencontainers.image.documentation"), "doc");
    EXPECT_EQ(a.at("org.opencontainers.image.source"), "src");
    EXPECT_EQ(a.at("org.opencontainers.image.created"), "2024-01-01T00:00:00Z");
    EXPECT_EQ(a.at(std::string(kBuilderVersionAnnotation)), "v1.2.3");
    EXPECT_EQ(a.at("enable-containers-datasource"), "true");
    EXPECT_THROW(image_annotations("name: [a, b]\n", "x", "v"), RegistryError);
    EXPECT_THROW(image_annotations("- a\n", "x", "v"), RegistryError);
    EXPECT_THROW(image_annotations("name: [unclosed\n", "x", "v"), RegistryError);
}

TEST(ImageBuilder, FindsVmlinuxPerArchitecture) {
    test::TempDir dir;
    auto root = dir.path() / "include" / "ig" / "vmlinux";
    for (const char* arch : {"amd64", "arm64"}) {
        fs::create_directories(root / arch);
        std::ofstream(root / arch / "vmlinux.h") << "/* " << arch << " */";
    }
    EXPECT_EQ(find_vmlinux_dir(root, "arm64", "amd64"), root / "arm64");
    // setup.sh passes the host's directory; the other architecture is its sibling.
    EXPECT_EQ(find_vmlinux_dir(root / "amd64", "amd64", "amd64"), root / "amd64");
    EXPECT_EQ(find_vmlinux_dir(root / "amd64", "arm64", "amd64"), root / "arm64");
    // A plain directory with one vmlinux.h serves the host architecture only.
    auto plain = dir.path() / "plain";
    fs::create_directories(plain);
    std::ofstream(plain / "vmlinux.h") << "";
    EXPECT_EQ(find_vmlinux_dir(plain, "amd64", "amd64"), plain);
    try {
        find_vmlinux_dir(plain, "arm64", "amd64");
        FAIL() << "a host vmlinux.h was used for another architecture";
    } catch (const RegistryError& e) {
        EXPECT_NE(std::string(e.what()).find("no vmlinux.h for arm64"), std::string::npos);
    }
}

TEST(ImageBuilder, TraceTcpBuildIsReproducibleAndIgCompatible) {
    test::TempDir dir;
    auto src1 = copy_gadget(dir.path() / "one", "trace_tcp");
    auto src2 = copy_gadget(dir.path() / "two" / "deeper", "trace_tcp");
    LocalStore s1(dir.path() / "s1"), s2(dir.path() / "s2");
    int validated = 0;
    auto o1 = options_for(src1);
    o1.validate = [&](const std::string&, const std::string& arch, const std::string& yaml,
                      const std::vector<std::uint8_t>& obj) {
        ++validated;
        EXPECT_EQ(arch, host_arch());
        EXPECT_NE(yaml.find("name: trace tcp"), std::string::npos);
        ASSERT_GT(obj.size(), 4u);
        EXPECT_EQ(std::string(obj.begin(), obj.begin() + 4), "\x7f"
                                                             "ELF");
    };
    auto r1 = build_image(s1, o1);
    auto r2 = build_image(s2, options_for(src2));
    EXPECT_EQ(validated, 1);
    // Same sources, other directory, other store: same digest.
    EXPECT_EQ(r1.index.digest, r2.index.digest);

    // The layout Inspektor Gadget builds and expects.
    auto index = parse_index(s1.read_blob(r1.index.digest));
    EXPECT_EQ(index.media_type, media::kImageIndex);
    ASSERT_EQ(index.manifests.size(), 1u);
    const auto& md = index.manifests[0];
    ASSERT_TRUE(md.platform);
    EXPECT_EQ(md.platform->os, "linux");
    EXPECT_EQ(md.platform->architecture, host_arch());
    EXPECT_EQ(index.annotations.at("org.opencontainers.image.title"), "trace tcp");
    EXPECT_EQ(index.annotations.at("org.opencontainers.image.created"), kDefaultCreated);
    EXPECT_EQ(md.annotations, index.annotations);
    auto m = parse_manifest(s1.read_blob(md.digest));
    EXPECT_EQ(m.media_type, media::kImageManifest);
    EXPECT_EQ(m.artifact_type, media::kGadgetArtifact);
    EXPECT_EQ(m.config.media_type, media::kGadgetConfig);
    EXPECT_EQ(m.annotations, index.annotations);
    std::ifstream yaml_in(src1 / "gadget.yaml");
    std::string yaml((std::istreambuf_iterator<char>(yaml_in)), {});
    EXPECT_EQ(s1.read_blob(m.config.digest), yaml); // gadget.yaml verbatim
    ASSERT_EQ(m.layers.size(), 1u);
    EXPECT_EQ(m.layers[0].media_type, media::kGadgetProgram);
    EXPECT_EQ(m.layers[0].annotations.at("org.opencontainers.image.title"), "program.o");
    std::string obj = s1.read_blob(m.layers[0].digest);
    EXPECT_NE(obj.find(".BTF"), std::string::npos); // BTF stays after llvm-strip -g
    EXPECT_EQ(obj.find(".debug_info"), std::string::npos);
    EXPECT_EQ(obj.find(dir.path().string()), std::string::npos); // no build paths inside

    // --created changes the digest, and only the annotations.
    auto o3 = options_for(src1);
    o3.created = "2024-05-01T12:00:00Z";
    auto r3 = build_image(s1, o3);
    EXPECT_NE(r3.index.digest, r1.index.digest);
    auto m3 = parse_manifest(
        s1.read_blob(parse_index(s1.read_blob(r3.index.digest)).manifests[0].digest));
    EXPECT_EQ(m3.layers[0].digest, m.layers[0].digest);
    // Nothing is tagged by the builder, and its work directory is gone.
    EXPECT_TRUE(s1.list().empty());
    EXPECT_TRUE(fs::is_empty(dir.path() / "s1" / ".tmp"));
}

TEST(ImageBuilder, CompileErrorsAndValidationErrorsLeaveNoTrace) {
    test::TempDir dir;
    auto src = dir.path() / "broken";
    fs::create_directories(src);
    std::ofstream(src / "program.bpf.c") << "this is not C\n";
    std::ofstream(src / "gadget.yaml") << "name: broken\n";
    LocalStore store(dir.path() / "s");
    try {
        build_image(store, options_for(src));
        FAIL() << "a broken program was built";
    } catch (const RegistryError& e) {
        EXPECT_NE(std::string(e.what()).find("failed"), std::string::npos) << e.what();
    }
    auto good = copy_gadget(dir.path(), "trace_tcp");
    auto o = options_for(good);
    o.validate = [](const std::string&, const std::string&, const std::string&,
                    const std::vector<std::uint8_t>&) {
        throw RegistryError("gadget.yaml: params.ebpf.x: no such parameter");
    };
    EXPECT_THROW(build_image(store, o), RegistryError);
    EXPECT_TRUE(store.list().empty());
    EXPECT_TRUE(fs::is_empty(dir.path() / "s" / ".tmp"));
    EXPECT_TRUE(fs::is_empty(dir.path() / "s" / "blobs" / "sha256"));
    fs::remove(good / "gadget.yaml");
    EXPECT_THROW(build_image(store, options_for(good)), RegistryError);
}

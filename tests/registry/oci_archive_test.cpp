// SPDX-License-Identifier: Apache-2.0
#include "registry/error.h"
#include "registry/image_builder.h"
#include "registry/oci_archive.h"
#include "registry/tar.h"
#include "test_util.h"

#include <fcntl.h>
#include <fstream>
#include <gtest/gtest.h>
#include <unistd.h>

using namespace ig::registry;
namespace fs = std::filesystem;

namespace {

BuildResult make_image(LocalStore& store, const std::string& content) {
    std::string yaml = "name: " + content + "\n";
    std::string obj = "\x7f"
                      "ELF " +
                      content;
    return assemble_image(store, yaml, {{"amd64", {obj.begin(), obj.end()}}},
                          image_annotations(yaml, std::string(kDefaultCreated), "v0"));
}

std::string slurp(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    return std::string((std::istreambuf_iterator<char>(in)), {});
}

// A snapshot of everything in a store but its lock files.
std::map<std::string, std::string> snapshot(const fs::path& root) {
    std::map<std::string, std::string> out;
    for (const auto& e : fs::recursive_directory_iterator(root))
        if (e.is_regular_file() && !e.path().filename().string().ends_with(".lock"))
            out[fs::relative(e.path(), root).string()] = slurp(e.path());
    return out;
}

// Writes a tarball by hand: `entries` are (name, content), in order.
void write_tar(const fs::path& path,
               const std::vector<std::pair<std::string, std::string>>& entries) {
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    TarWriter w(fd);
    for (const auto& [name, content] : entries)
        w.add_file(name, content, 0);
    w.finish();
    ::close(fd);
}

} // namespace

TEST(OciArchive, ExportImportRoundTripKeepsDigests) {
    test::TempDir dir;
    LocalStore a(dir.path() / "a");
    auto img = make_image(a, "one");
    auto img2 = make_image(a, "two");
    a.set_reference(Reference::parse("localhost:5000/x/one:v1"), img.index);
    a.set_reference(Reference::parse("two"), img2.index);
    auto tar = dir.path() / "out.tar";
    export_images(a, {Reference::parse("localhost:5000/x/one:v1"), Reference::parse("two")}, tar);

    LocalStore b(dir.path() / "b");
    auto imported = import_images(b, tar);
    ASSERT_EQ(imported.size(), 2u);
    EXPECT_EQ(b.resolve(Reference::parse("localhost:5000/x/one:v1"))->digest, img.index.digest);
    EXPECT_EQ(b.resolve(Reference::parse("two"))->digest, img2.index.digest);
    auto g = b.load_gadget(Reference::parse("localhost:5000/x/one:v1"), "amd64");
    ASSERT_TRUE(g);
    EXPECT_EQ(g->metadata_yaml, "name: one\n");
    EXPECT_TRUE(fs::is_empty(dir.path() / "b" / ".tmp"));
}

TEST(OciArchive, ExportIsDeterministic) {
    test::TempDir dir;
    LocalStore a(dir.path() / "a");
    auto img = make_image(a, "one");
    a.set_reference(Reference::parse("one"), img.index);
    export_images(a, {Reference::parse("one")}, dir.path() / "1.tar");
    export_images(a, {Reference::parse("one")}, dir.path() / "2.tar");
    EXPECT_EQ(slurp(dir.path() / "1.tar"), slurp(dir.path() / "2.tar"));
}

TEST(OciArchive, ExportOfAMissingImageFailsWithoutOutput) {
    test::TempDir dir;
    LocalStore a(dir.path() / "a");
    EXPECT_THROW(export_images(a, {Reference::parse("absent")}, dir.path() / "x.tar"),
                 RegistryError);
    EXPECT_FALSE(fs::exists(dir.path() / "x.tar"));
}

class HostileImport : public ::testing::Test {
protected:
    void SetUp() override {
        LocalStore src(dir.path() / "src");
        img = make_image(src, "good");
        src.set_reference(Reference::parse("good:v1"), img.index);
        export_images(src, {Reference::parse("good:v1")}, dir.path() / "good.tar");
        // Unpack the good archive into (name, content) pairs to build hostile variants.
        int fd = ::open((dir.path() / "good.tar").c_str(), O_RDONLY);
        TarReader r(fd, "good.tar");
        while (auto e = r.next())
            if (!e->is_directory)
                entries.emplace_back(e->name, r.read_data_string(1 << 20));
        ::close(fd);
        store.emplace(dir.path() / "dst");
        existing = make_image(*store, "already here");
        store->set_reference(Reference::parse("mine:v1"), existing.index);
        before = snapshot(dir.path() / "dst");
    }

    // Imports `variant` and checks it fails with `expected` in the message, store untouched.
    void expect_refused(const std::vector<std::pair<std::string, std::string>>& variant,
                        const std::string& expected) {
        auto path = dir.path() / "bad.tar";
        write_tar(path, variant);
        try {
            import_images(*store, path);
            ADD_FAILURE() << "hostile archive accepted, expected: " << expected;
        } catch (const RegistryError& e) {
            EXPECT_NE(std::string(e.what()).find(expected), std::string::npos) << e.what();
        }
        EXPECT_EQ(snapshot(dir.path() / "dst"), before);
    }

    test::TempDir dir;
    BuildResult img, existing;
    std::vector<std::pair<std::string, std::string>> entries;
    std::optional<LocalStore> store;
    std::map<std::string, std::string> before;
};

TEST_F(HostileImport, GoodArchiveIsAccepted) {
    write_tar(dir.path() / "copy.tar", entries);
    auto out = import_images(*store, dir.path() / "copy.tar");
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(out[0].reference, "ghcr.io/inspektor-gadget/gadget/good:v1");
}

TEST_F(HostileImport, BlobNotMatchingItsNameIsRefused) {
    auto v = entries;
    for (auto& [name, content] : v)
        if (name.starts_with("blobs/") && content.starts_with("\x7f"))
            content += "tampered";
    expect_refused(v, "does not match its digest");
}

TEST_F(HostileImport, MissingBlobIsRefused) {
    auto v = entries;
    std::erase_if(v, [](const auto& e) { return e.second.starts_with("\x7f"); });
    expect_refused(v, "is missing");
}

TEST_F(HostileImport, TraversalEntryIsRefused) {
    auto v = entries;
    v.insert(v.begin(), {"../../etc/evil", "x"});
    expect_refused(v, "escapes the archive");
}

TEST_F(HostileImport, MalformedIndexIsRefused) {
    auto v = entries;
    for (auto& [name, content] : v)
        if (name == "index.json")
            content = R"({"schemaVersion":2,"manifests":[{"mediaType":"x"}]})";
    expect_refused(v, "index.json");
}

TEST_F(HostileImport, BadBlobNameIsRefused) {
    auto v = entries;
    v.emplace_back("blobs/sha256/ABC", "x");
    expect_refused(v, "blobs/sha256/ABC");
}

TEST_F(HostileImport, ArchiveWithoutLayoutIsRefused) {
    auto v = entries;
    std::erase_if(v, [](const auto& e) { return e.first == "oci-layout"; });
    expect_refused(v, "oci-layout");
}

TEST_F(HostileImport, DescriptorSizeMismatchIsRefused) {
    // Re-point index.json at the index with a wrong size.
    auto v = entries;
    for (auto& [name, content] : v)
        if (name == "index.json") {
            auto idx = parse_index(content);
            idx.manifests[0].size += 1;
            content = serialize(idx);
        }
    expect_refused(v, "descriptor says");
}

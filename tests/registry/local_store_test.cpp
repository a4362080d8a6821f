// SPDX-License-Identifier: Apache-2.0
#include "registry/error.h"
#include "registry/image_builder.h"
#include "registry/local_store.h"
#include "test_util.h"

#include <atomic>
#include <fstream>
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

using namespace ig::registry;
namespace fs = std::filesystem;

namespace {

std::vector<std::uint8_t> bytes(const std::string& s) {
    return {s.begin(), s.end()};
}

// A small image: gadget.yaml + one "object" per architecture (content is not checked here).
BuildResult make_image(LocalStore& store, const std::string& tag_content,
                       std::vector<std::string> archs = {"amd64"}) {
    std::map<std::string, std::vector<std::uint8_t>> objects;
    for (const auto& a : archs)
        objects[a] = bytes("\x7f"
                           "ELF object for " +
                           a + " " + tag_content);
    std::string yaml = "name: test " + tag_content + "\n";
    return assemble_image(store, yaml, objects,
                          image_annotations(yaml, std::string(kDefaultCreated), "v0"));
}

std::size_t blob_count(const fs::path& root) {
    std::size_t n = 0;
    for (const auto& e : fs::directory_iterator(root / "blobs" / "sha256"))
        n += e.is_regular_file();
    return n;
}

// Runs `body` in a child process; returns its exit status.
template <typename F> int in_child(F body) {
    pid_t pid = fork();
    if (pid == 0) {
        int rc = 0;
        try {
            body();
        } catch (const std::exception& e) {
            std::fprintf(stderr, "child: %s\n", e.what());
            rc = 1;
        }
        _exit(rc);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

} // namespace

TEST(LocalStore, CreatesAnOciLayout) {
    test::TempDir dir;
    LocalStore store(dir.path() / "store");
    EXPECT_TRUE(fs::is_regular_file(dir.path() / "store" / "oci-layout"));
    EXPECT_TRUE(fs::is_regular_file(dir.path() / "store" / "index.json"));
    EXPECT_TRUE(fs::is_directory(dir.path() / "store" / "blobs" / "sha256"));
    std::ifstream in(dir.path() / "store" / "oci-layout");
    std::string layout((std::istreambuf_iterator<char>(in)), {});
    EXPECT_EQ(layout, R"({"imageLayoutVersion":"1.0.0"})");
    EXPECT_TRUE(store.list().empty());
}

TEST(LocalStore, DefaultPathHonoursIgStore) {
    ::setenv("IG_STORE", "/tmp/some-store", 1);
    EXPECT_EQ(LocalStore::default_path(), "/tmp/some-store");
    ::unsetenv("IG_STORE");
    EXPECT_NE(LocalStore::default_path(), "/tmp/some-store");
}

TEST(LocalStore, BlobsAreVerifiedOnRead) {
    test::TempDir dir;
    LocalStore store(dir.path());
    Digest d = store.write_blob("hello");
    EXPECT_TRUE(store.has_blob(d));
    EXPECT_EQ(store.read_blob(d), "hello");
    EXPECT_THROW(store.read_blob(d, 3), RegistryError); // size limit
    std::ofstream(store.blob_path(d)) << "HELLO";
    try {
        store.read_blob(d);
        FAIL() << "corrupt blob was accepted";
    } catch (const RegistryError& e) {
        EXPECT_NE(std::string(e.what()).find("corrupt"), std::string::npos);
    }
    EXPECT_THROW(store.read_blob(Digest::of("absent")), RegistryError);
}

TEST(LocalStore, CommitBlobRejectsDigestAndSizeMismatchAndLeavesNoTemp) {
    test::TempDir dir;
    LocalStore store(dir.path());
    auto temp = store.make_temp_path();
    std::ofstream(temp) << "payload";
    EXPECT_THROW(store.commit_blob(temp, Digest::of("other")), RegistryError);
    EXPECT_FALSE(fs::exists(temp));
    EXPECT_FALSE(store.has_blob(Digest::of("other")));

    temp = store.make_temp_path();
    std::ofstream(temp) << "payload";
    EXPECT_THROW(store.commit_blob(temp, Digest::of("payload"), 3), RegistryError);
    EXPECT_FALSE(fs::exists(temp));

    temp = store.make_temp_path();
    std::ofstream(temp) << "payload";
    store.commit_blob(temp, Digest::of("payload"), 7);
    EXPECT_EQ(store.read_blob(Digest::of("payload")), "payload");
}

TEST(LocalStore, TagResolveListRemove) {
    test::TempDir dir;
    LocalStore store(dir.path());
    auto img = make_image(store, "a", {"amd64", "arm64"});
    auto ref = Reference::parse("localhost:5000/x/g:v1");
    EXPECT_FALSE(store.resolve(ref));
    store.set_reference(ref, img.index);
    auto d = store.resolve(ref);
    ASSERT_TRUE(d);
    EXPECT_EQ(d->digest, img.index.digest);
    EXPECT_EQ(d->media_type, media::kImageIndex);
    EXPECT_TRUE(d->annotations.empty()); // ref.name is the store's business

    auto entries = store.list();
    ASSERT_EQ(entries.size(), 1u);
    EXPECT_EQ(entries[0].reference, "localhost:5000/x/g:v1");
    EXPECT_EQ(entries[0].created, kDefaultCreated);
    EXPECT_GT(entries[0].total_size, img.index.size);

    // Re-tagging replaces, never duplicates.
    auto img2 = make_image(store, "b");
    store.set_reference(ref, img2.index);
    ASSERT_EQ(store.list().size(), 1u);
    EXPECT_EQ(store.resolve(ref)->digest, img2.index.digest);

    EXPECT_TRUE(store.remove_reference(ref));
    EXPECT_FALSE(store.remove_reference(ref));
    EXPECT_TRUE(store.list().empty());
}

TEST(LocalStore, PinnedReferenceResolvesByContentOnly) {
    test::TempDir dir;
    LocalStore store(dir.path());
    auto img = make_image(store, "a");
    store.set_reference(Reference::parse("g:v1"), img.index);
    auto other = make_image(store, "b");
    // The tag says "a", the digest says "b": the digest wins.
    auto pinned = Reference::parse("g:v1@" + other.index.digest.str());
    auto d = store.resolve(pinned);
    ASSERT_TRUE(d);
    EXPECT_EQ(d->digest, other.index.digest);
    EXPECT_EQ(d->media_type, media::kImageIndex);
    EXPECT_FALSE(store.resolve(Reference::parse("g@" + Digest::of("nothing").str())));
    // An incomplete image is not resolved (a pull must complete it first).
    fs::remove(store.blob_path(other.manifests.at("amd64").digest));
    EXPECT_FALSE(store.resolve(pinned));
}

TEST(LocalStore, LoadGadgetPicksTheArchitecture) {
    test::TempDir dir;
    LocalStore store(dir.path());
    auto img = make_image(store, "a", {"amd64", "arm64"});
    auto ref = Reference::parse("g:v1");
    store.set_reference(ref, img.index);
    auto g = store.load_gadget(ref, "arm64");
    ASSERT_TRUE(g);
    std::string obj(g->bpf_object.begin(), g->bpf_object.end());
    EXPECT_NE(obj.find("for arm64"), std::string::npos);
    EXPECT_EQ(g->metadata_yaml, "name: test a\n");
    EXPECT_EQ(g->index_digest, img.index.digest);
    EXPECT_EQ(g->manifest_digest, img.manifests.at("arm64").digest);
    EXPECT_FALSE(store.load_gadget(Reference::parse("absent"), "amd64"));
    try {
        auto only = make_image(store, "c", {"arm64"});
        store.set_reference(Reference::parse("g:arm"), only.index);
        store.load_gadget(Reference::parse("g:arm"), "amd64");
        FAIL() << "no error for a missing architecture";
    } catch (const RegistryError& e) {
        EXPECT_NE(std::string(e.what()).find("no manifest for architecture amd64"),
                  std::string::npos);
    }
}

TEST(LocalStore, LoadGadgetRefusesACorruptLayer) {
    test::TempDir dir;
    LocalStore store(dir.path());
    auto img = make_image(store, "a");
    store.set_reference(Reference::parse("g:v1"), img.index);
    auto m = parse_manifest(store.read_blob(img.manifests.at("amd64").digest));
    std::ofstream(store.blob_path(m.layers[0].digest)) << "tampered";
    EXPECT_THROW(store.load_gadget(Reference::parse("g:v1"), "amd64"), RegistryError);
}

TEST(LocalStore, GarbageCollectionKeepsSharedBlobsAndTemps) {
    test::TempDir dir;
    LocalStore store(dir.path());
    auto a = make_image(store, "a");
    auto b = make_image(store, "b");
    store.set_reference(Reference::parse("g:a"), a.index);
    store.set_reference(Reference::parse("g:a2"), a.index);
    store.set_reference(Reference::parse("g:b"), b.index);
    std::size_t all = blob_count(dir.path());
    std::ofstream(store.make_temp_path()) << "left by a crash";

    ASSERT_TRUE(store.remove_reference(Reference::parse("g:a")));
    EXPECT_EQ(store.collect_garbage(), 0u); // g:a2 still uses every blob of a
    EXPECT_EQ(blob_count(dir.path()), all);
    EXPECT_TRUE(fs::is_empty(dir.path() / ".tmp"));

    ASSERT_TRUE(store.remove_reference(Reference::parse("g:a2")));
    EXPECT_GT(store.collect_garbage(), 0u);
    // a's index, manifest, yaml and object are gone; b is intact and loadable.
    EXPECT_EQ(blob_count(dir.path()), all - 4);
    EXPECT_FALSE(store.has_blob(a.index.digest));
    EXPECT_TRUE(store.load_gadget(Reference::parse("g:b"), "amd64"));
}

TEST(LocalStore, RemoveByDigestRemovesEveryTagOfThatRepository) {
    test::TempDir dir;
    LocalStore store(dir.path());
    auto a = make_image(store, "a");
    store.set_reference(Reference::parse("g:1"), a.index);
    store.set_reference(Reference::parse("g:2"), a.index);
    store.set_reference(Reference::parse("h:1"), a.index);
    EXPECT_TRUE(store.remove_reference(Reference::parse("g@" + a.index.digest.str())));
    auto entries = store.list();
    ASSERT_EQ(entries.size(), 1u);
    EXPECT_EQ(entries[0].reference, "ghcr.io/inspektor-gadget/gadget/h:1");
}

TEST(LocalStore, SetReferenceRefusesMissingBlobsAndDigestOnlyNames) {
    test::TempDir dir;
    LocalStore store(dir.path());
    Descriptor d;
    d.media_type = media::kImageIndex;
    d.digest = Digest::of("not stored");
    EXPECT_THROW(store.set_reference(Reference::parse("g:1"), d), RegistryError);
    auto a = make_image(store, "a");
    EXPECT_THROW(store.set_reference(Reference::parse("g@" + a.index.digest.str()), a.index),
                 RegistryError);
    EXPECT_TRUE(store.list().empty());
}

TEST(LocalStore, ConcurrentProcessesNeverLoseAnUpdate) {
    test::TempDir dir;
    { LocalStore init(dir.path()); }
    constexpr int kPerProcess = 40;
    std::vector<pid_t> pids;
    for (int p = 0; p < 2; ++p) {
        pid_t pid = fork();
        if (pid == 0) {
            int rc = 0;
            try {
                LocalStore store(dir.path());
                for (int i = 0; i < kPerProcess; ++i) {
                    auto img = make_image(store, std::to_string(p) + "-" + std::to_string(i));
                    store.set_reference(
                        Reference::parse("g:p" + std::to_string(p) + "-" + std::to_string(i)),
                        img.index);
                    if (i % 10 == 9) // removals and GC race with the other process's writes
                        store.collect_garbage();
                }
            } catch (const std::exception& e) {
                std::fprintf(stderr, "child %d: %s\n", p, e.what());
                rc = 1;
            }
            _exit(rc);
        }
        pids.push_back(pid);
    }
    for (pid_t pid : pids) {
        int status = 0;
        waitpid(pid, &status, 0);
        EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    }
    LocalStore store(dir.path());
    auto entries = store.list();
    EXPECT_EQ(entries.size(), 2u * kPerProcess);
    // Every image survived the other process's garbage collections.
    for (const auto& e : entries)
        EXPECT_TRUE(store.is_complete(e.descriptor)) << e.reference;
}

TEST(LocalStore, GarbageCollectionWaitsForAWriterThatHasNotTaggedYet) {
    test::TempDir dir;
    { LocalStore init(dir.path()); }
    int ready[2], go[2];
    ASSERT_EQ(pipe(ready), 0);
    ASSERT_EQ(pipe(go), 0);
    pid_t pid = fork();
    if (pid == 0) {
        LocalStore store(dir.path());
        auto img = make_image(store, "slow writer");
        char c = 1;
        (void)!write(ready[1], &c, 1);
        (void)!read(go[0], &c, 1); // blobs written, not yet reachable: GC must wait
        store.set_reference(Reference::parse("g:slow"), img.index);
        _exit(0);
    }
    char c;
    ASSERT_EQ(read(ready[0], &c, 1), 1);
    std::atomic<bool> done{false};
    std::thread gc([&] {
        LocalStore store(dir.path());
        store.collect_garbage();
        done = true;
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    EXPECT_FALSE(done.load());
    (void)!write(go[1], &c, 1);
    gc.join();
    int status = 0;
    waitpid(pid, &status, 0);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    LocalStore store(dir.path());
    auto d = store.resolve(Reference::parse("g:slow"));
    ASSERT_TRUE(d);
    EXPECT_TRUE(store.is_complete(*d));
    for (int fd : {ready[0], ready[1], go[0], go[1]})
        close(fd);
}

TEST(LocalStore, AKilledWriterLeavesAValidStore) {
    test::TempDir dir;
    LocalStore store(dir.path());
    auto a = make_image(store, "a");
    store.set_reference(Reference::parse("g:a"), a.index);
    std::string index_before;
    {
        std::ifstream in(dir.path() / "index.json");
        index_before.assign(std::istreambuf_iterator<char>(in), {});
    }
    // The child writes half a blob and some full blobs, then dies without tagging.
    int rc = in_child([&] {
        LocalStore s(dir.path());
        auto temp = s.make_temp_path();
        std::ofstream(temp) << "half a bl";
        (void)make_image(s, "never tagged");
        ::kill(::getpid(), SIGKILL);
    });
    EXPECT_EQ(rc, 128 + SIGKILL);
    std::ifstream in(dir.path() / "index.json");
    std::string index_after((std::istreambuf_iterator<char>(in)), {});
    EXPECT_EQ(index_after, index_before);
    EXPECT_TRUE(store.load_gadget(Reference::parse("g:a"), "amd64"));
    // The kernel dropped the dead child's locks: tagging and GC do not hang.
    store.set_reference(Reference::parse("g:b"), a.index);
    EXPECT_GT(store.collect_garbage(), 0u);
    EXPECT_TRUE(fs::is_empty(dir.path() / ".tmp"));
    EXPECT_EQ(store.list().size(), 2u);
}

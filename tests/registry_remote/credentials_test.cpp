// SPDX-License-Identifier: Apache-2.0
#include "registry/error.h"
#include "registry/remote/base64.h"
#include "registry/remote/credentials.h"

#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

using namespace ig::registry;
using namespace ig::registry::remote;

namespace {

struct TempDir {
    std::filesystem::path path;
    TempDir() {
        std::string tmpl = (std::filesystem::temp_directory_path() / "ig-cred-XXXXXX").string();
        path = mkdtemp(tmpl.data());
    }
    ~TempDir() { std::filesystem::remove_all(path); }
};

void write(const std::filesystem::path& p, const std::string& text) {
    std::ofstream(p) << text;
}

} // namespace

TEST(Base64, RoundTrips) {
    for (const std::string& s :
         std::vector<std::string>{"", "a", "ab", "abc", "user:pa:ss", std::string("\0\xff", 2)})
        EXPECT_EQ(base64_decode(base64_encode(s), "test"), s);
    EXPECT_EQ(base64_encode("user:pass"), "dXNlcjpwYXNz");
}

TEST(Base64, RejectsInvalidText) {
    EXPECT_THROW(base64_decode("abc", "x"), RegistryError);  // length
    EXPECT_THROW(base64_decode("ab c", "x"), RegistryError); // whitespace
    EXPECT_THROW(base64_decode("a=bc", "x"), RegistryError); // padding inside
    EXPECT_THROW(base64_decode("ab$c", "x"), RegistryError); // alphabet
}

TEST(Credentials, NormalizesRegistryKeys) {
    EXPECT_EQ(normalize_registry_key("https://index.docker.io/v1/"), "index.docker.io");
    EXPECT_EQ(normalize_registry_key("docker.io"), "index.docker.io");
    EXPECT_EQ(normalize_registry_key("http://LocalHost:5000/"), "localhost:5000");
    EXPECT_EQ(normalize_registry_key("ghcr.io"), "ghcr.io");
}

TEST(Credentials, ReadsAuthFieldSplittingAtFirstColon) {
    auto c = parse_docker_config(R"({"auths":{"https://127.0.0.1:5000/":{"auth":")" +
                                     base64_encode("alice:pa:ss") + R"("}}})",
                                 "127.0.0.1:5000", "test");
    ASSERT_TRUE(c);
    EXPECT_EQ(c->username, "alice");
    EXPECT_EQ(c->password, "pa:ss");
}

TEST(Credentials, ReadsLegacyUsernamePasswordFields) {
    auto c =
        parse_docker_config(R"({"auths":{"r:1":{"username":"u","password":"p"}}})", "r:1", "test");
    ASSERT_TRUE(c);
    EXPECT_EQ(c->username, "u");
    EXPECT_EQ(c->password, "p");
}

TEST(Credentials, MissingEntryIsNullopt) {
    EXPECT_FALSE(parse_docker_config(R"({"auths":{"other:1":{"auth":"dTpw"}}})", "r:1", "t"));
    EXPECT_FALSE(parse_docker_config(R"({"credsStore":"desktop"})", "r:1", "t"));
    EXPECT_FALSE(parse_docker_config(R"({"auths":{"r:1":{"identitytoken":"x"}}})", "r:1", "t"));
}

TEST(Credentials, RejectsMalformedFiles) {
    EXPECT_THROW(parse_docker_config("{", "r", "t"), RegistryError);
    EXPECT_THROW(parse_docker_config("[]", "r", "t"), RegistryError);
    EXPECT_THROW(parse_docker_config(R"({"auths":[]})", "r", "t"), RegistryError);
    EXPECT_THROW(parse_docker_config(R"({"auths":{"r":{"auth":"!!!"}}})", "r", "t"), RegistryError);
    EXPECT_THROW(parse_docker_config(
                     R"({"auths":{"r":{"auth":")" + base64_encode("nocolon") + R"("}}})", "r", "t"),
                 RegistryError);
    EXPECT_THROW(parse_docker_config(R"({"auths":{"r":{"auth":5}}})", "r", "t"), RegistryError);
}

TEST(CredentialStore, LoginFileWinsThenDockerFileIsRead) {
    TempDir d;
    auto ig_file = d.path / "ig.json";
    auto docker_file = d.path / "docker.json";
    write(docker_file, R"({"auths":{"a:1":{"auth":")" + base64_encode("dock:er") +
                           R"("},"b:2":{"auth":")" + base64_encode("bee:two") + R"("}}})");
    CredentialStore store({ig_file, docker_file});
    EXPECT_EQ(store.lookup("a:1")->username, "dock");
    store.store("a:1", {"mine", "secret"});
    EXPECT_EQ(store.lookup("a:1")->username, "mine");
    EXPECT_EQ(store.lookup("b:2")->username, "bee");
    struct stat st {};
    ASSERT_EQ(::stat(ig_file.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600u);
}

TEST(CredentialStore, StoreKeepsOtherEntriesAndEraseRemovesOne) {
    TempDir d;
    auto f = d.path / "sub" / "config.json";
    CredentialStore store({f});
    store.store("x:1", {"u1", "p1"});
    store.store("https://y:2/v1/", {"u2", "p2"});
    store.store("x:1", {"u3", "p3"});
    EXPECT_EQ(store.lookup("x:1")->password, "p3");
    EXPECT_EQ(store.lookup("y:2")->password, "p2");
    EXPECT_TRUE(store.erase("y:2"));
    EXPECT_FALSE(store.lookup("y:2"));
    EXPECT_FALSE(store.erase("y:2"));
    EXPECT_EQ(store.lookup("x:1")->username, "u3");
}

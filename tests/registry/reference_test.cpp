// SPDX-License-Identifier: Apache-2.0
#include "registry/error.h"
#include "registry/reference.h"

#include <gtest/gtest.h>

using namespace ig::registry;

namespace {

const std::string kHex(64, 'a');

std::string error_of(const std::string& text) {
    try {
        Reference::parse(text);
    } catch (const RegistryError& e) {
        return e.what();
    }
    return "";
}

} // namespace

TEST(Reference, ShortNameResolvesToInspektorGadgetLatest) {
    auto r = Reference::parse("trace_tcp");
    EXPECT_EQ(r.registry, "ghcr.io");
    EXPECT_EQ(r.repository, "inspektor-gadget/gadget/trace_tcp");
    EXPECT_EQ(r.tag, "latest");
    EXPECT_FALSE(r.pinned());
    EXPECT_EQ(r.str(), "ghcr.io/inspektor-gadget/gadget/trace_tcp:latest");
    EXPECT_EQ(r.name(), "ghcr.io/inspektor-gadget/gadget/trace_tcp");
}

TEST(Reference, NameWithTag) {
    auto r = Reference::parse("trace_tcp:v0.30.0");
    EXPECT_EQ(r.str(), "ghcr.io/inspektor-gadget/gadget/trace_tcp:v0.30.0");
}

TEST(Reference, PathWithoutHostStaysOnDefaultRegistryWithoutPrefix) {
    auto r = Reference::parse("myorg/gadgets/trace_tcp:v1");
    EXPECT_EQ(r.registry, "ghcr.io");
    EXPECT_EQ(r.repository, "myorg/gadgets/trace_tcp");
}

TEST(Reference, HostWithPortAndPath) {
    auto r = Reference::parse("localhost:5000/team/trace_tcp:v1");
    EXPECT_EQ(r.registry, "localhost:5000");
    EXPECT_EQ(r.repository, "team/trace_tcp");
    EXPECT_EQ(r.tag, "v1");
    EXPECT_EQ(r.str(), "localhost:5000/team/trace_tcp:v1");
}

TEST(Reference, LocalhostWithoutPortIsAHost) {
    auto r = Reference::parse("localhost/trace_tcp");
    EXPECT_EQ(r.registry, "localhost");
    EXPECT_EQ(r.repository, "trace_tcp");
    EXPECT_EQ(r.tag, "latest");
}

TEST(Reference, DottedFirstComponentIsAHost) {
    auto r = Reference::parse("registry.example.com/a/b");
    EXPECT_EQ(r.registry, "registry.example.com");
    EXPECT_EQ(r.repository, "a/b");
    auto ip = Reference::parse("127.0.0.1:5000/x:1");
    EXPECT_EQ(ip.registry, "127.0.0.1:5000");
    auto v6 = Reference::parse("[::1]:5000/x:1");
    EXPECT_EQ(v6.registry, "[::1]:5000");
}

TEST(Reference, DigestOnlyIsPinnedWithoutTag) {
    auto r = Reference::parse("localhost:5000/team/trace_tcp@sha256:" + kHex);
    EXPECT_TRUE(r.pinned());
    EXPECT_EQ(r.tag, "");
    EXPECT_EQ(r.digest->str(), "sha256:" + kHex);
    EXPECT_EQ(r.str(), "localhost:5000/team/trace_tcp@sha256:" + kHex);
}

TEST(Reference, TagAndDigestKeepsBoth) {
    auto r = Reference::parse("trace_tcp:v1@sha256:" + kHex);
    EXPECT_EQ(r.tag, "v1");
    EXPECT_TRUE(r.pinned());
    EXPECT_EQ(r.str(), "ghcr.io/inspektor-gadget/gadget/trace_tcp:v1@sha256:" + kHex);
}

TEST(Reference, SeparatorsInPathComponents) {
    EXPECT_NO_THROW(Reference::parse("x/a.b_c__d---e"));
    EXPECT_NO_THROW(Reference::parse("x/y-z:TAG_1.2-rc"));
}

TEST(Reference, InvalidReferencesNameTheProblem) {
    EXPECT_NE(error_of("").find("empty"), std::string::npos);
    EXPECT_NE(error_of("Trace_TCP").find("lowercase"), std::string::npos);
    EXPECT_NE(error_of("trace tcp").find("whitespace"), std::string::npos);
    EXPECT_NE(error_of("trace_tcp:").find("empty tag"), std::string::npos);
    EXPECT_NE(error_of("trace_tcp:-v1").find("invalid tag"), std::string::npos);
    EXPECT_NE(error_of("trace_tcp:v1/x").find("invalid"), std::string::npos);
    EXPECT_NE(error_of("trace_tcp:" + std::string(129, 'a')).find("128"), std::string::npos);
    EXPECT_NE(error_of("localhost:5000/").find("empty"), std::string::npos);
    EXPECT_NE(error_of("localhost:5000//x").find("empty path component"), std::string::npos);
    EXPECT_NE(error_of("localhost:99999/x").find("port"), std::string::npos);
    EXPECT_NE(error_of("localhost:/x").find("port"), std::string::npos);
    EXPECT_NE(error_of("bad_host.com/x").find("registry host"), std::string::npos);
    EXPECT_NE(error_of("x@sha256:abc").find("64 hex"), std::string::npos);
    EXPECT_NE(error_of("x@sha256:" + std::string(64, 'A')).find("lowercase"), std::string::npos);
    EXPECT_NE(error_of("x@md5:" + kHex).find("unsupported digest algorithm"), std::string::npos);
    EXPECT_NE(error_of("x@sha256:" + kHex + "@sha256:" + kHex).find("more than one"),
              std::string::npos);
    EXPECT_NE(error_of("a/-b").find("invalid repository component"), std::string::npos);
    EXPECT_NE(error_of("a/b_").find("invalid repository component"), std::string::npos);
    EXPECT_NE(error_of("a/b..c").find("invalid repository component"), std::string::npos);
    EXPECT_NE(error_of("a/b___c").find("invalid repository component"), std::string::npos);
    EXPECT_NE(error_of("a/" + std::string(300, 'b')).find("255"), std::string::npos);
    EXPECT_NE(error_of("@sha256:" + kHex).find("empty repository"), std::string::npos);
    EXPECT_NE(error_of(":v1").find("empty repository"), std::string::npos);
    EXPECT_NE(error_of("x\x1b[31m").find("control"), std::string::npos);
}

TEST(Reference, ErrorQuotesTheReference) {
    EXPECT_NE(error_of("Foo/bar").find("'Foo/bar'"), std::string::npos);
}

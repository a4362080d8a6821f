// SPDX-License-Identifier: Apache-2.0
#include "registry/error.h"
#include "registry/remote/link_header.h"
#include "registry/remote/www_authenticate.h"

#include <gtest/gtest.h>

using namespace ig::registry;
using namespace ig::registry::remote;

TEST(WwwAuthenticate, ParsesDockerRegistryBearerChallenge) {
    auto c = parse_www_authenticate(
        R"(Bearer realm="http://127.0.0.1:5797/token",service="test-registry",scope="repository:demo/gadget:pull")");
    ASSERT_EQ(c.size(), 1u);
    EXPECT_EQ(c[0].scheme, "bearer");
    EXPECT_EQ(c[0].param("realm"), "http://127.0.0.1:5797/token");
    EXPECT_EQ(c[0].param("service"), "test-registry");
    EXPECT_EQ(c[0].param("scope"), "repository:demo/gadget:pull");
}

TEST(WwwAuthenticate, SchemeAndNamesAreCaseInsensitive) {
    auto c = parse_www_authenticate(R"(BASIC Realm="test-realm")");
    ASSERT_EQ(c.size(), 1u);
    EXPECT_EQ(c[0].scheme, "basic");
    EXPECT_EQ(c[0].param("realm"), "test-realm");
}

TEST(WwwAuthenticate, KeepsSeveralScopesInOneQuotedValue) {
    auto c = parse_www_authenticate(
        R"(Bearer realm="https://a/t",scope="repository:x:pull repository:y:pull,push",error="insufficient_scope")");
    ASSERT_EQ(c.size(), 1u);
    EXPECT_EQ(c[0].param("scope"), "repository:x:pull repository:y:pull,push");
    EXPECT_EQ(c[0].param("error"), "insufficient_scope");
}

TEST(WwwAuthenticate, SplitsSeveralChallenges) {
    auto c = parse_www_authenticate(
        R"(Basic realm="r1", Bearer realm="https://auth/token", service=reg, Negotiate)");
    ASSERT_EQ(c.size(), 3u);
    EXPECT_EQ(c[0].scheme, "basic");
    EXPECT_EQ(c[0].param("realm"), "r1");
    EXPECT_EQ(c[1].scheme, "bearer");
    EXPECT_EQ(c[1].param("service"), "reg");
    EXPECT_EQ(c[2].scheme, "negotiate");
    EXPECT_TRUE(c[2].params.empty());
}

TEST(WwwAuthenticate, UnescapesQuotedStrings) {
    auto c = parse_www_authenticate(R"(Bearer realm="a\"b\\c",service="x, y")");
    ASSERT_EQ(c.size(), 1u);
    EXPECT_EQ(c[0].param("realm"), "a\"b\\c");
    EXPECT_EQ(c[0].param("service"), "x, y");
}

TEST(WwwAuthenticate, RejectsUnbalancedQuotes) {
    EXPECT_THROW(parse_www_authenticate(R"(Bearer realm="https://a/t)"), RegistryError);
}

TEST(WwwAuthenticate, RejectsGarbageAfterAParameter) {
    EXPECT_THROW(parse_www_authenticate(R"(Bearer realm="a" "b")"), RegistryError);
}

TEST(WwwAuthenticate, EmptyHeaderHasNoChallenge) {
    EXPECT_TRUE(parse_www_authenticate("").empty());
    EXPECT_TRUE(parse_www_authenticate(" , ").empty());
}

TEST(WwwAuthenticate, RejectsHugeHeader) {
    EXPECT_THROW(parse_www_authenticate("Bearer realm=\"" + std::string(20000, 'a') + "\""),
                 RegistryError);
}

TEST(LinkHeader, FindsRelativeNextLink) {
    auto next = next_link(R"(</v2/demo/tags/list?last=b&n=2>; rel="next")");
    ASSERT_TRUE(next);
    EXPECT_EQ(*next, "/v2/demo/tags/list?last=b&n=2");
}

TEST(LinkHeader, PicksNextAmongSeveralLinks) {
    auto next =
        next_link(R"(<https://a/prev>; rel="prev", <https://a/next>; rel="next"; title="x")");
    ASSERT_TRUE(next);
    EXPECT_EQ(*next, "https://a/next");
}

TEST(LinkHeader, RelMayListSeveralTypesAndBeUnquoted) {
    EXPECT_EQ(next_link(R"(<u1>; rel="last next")").value_or(""), "u1");
    EXPECT_EQ(next_link("<u2>;rel=next").value_or(""), "u2");
    EXPECT_EQ(next_link("<u3>; REL=\"NEXT\"").value_or(""), "u3");
}

TEST(LinkHeader, NoNextLinkIsNullopt) {
    EXPECT_FALSE(next_link(R"(<https://a/prev>; rel="prev")"));
    EXPECT_FALSE(next_link(""));
}

TEST(LinkHeader, RejectsMalformedHeaders) {
    EXPECT_THROW(next_link("https://a/next; rel=next"), RegistryError);
    EXPECT_THROW(next_link("<https://a/next; rel=next"), RegistryError);
    EXPECT_THROW(next_link(R"(<u>; rel="next)"), RegistryError);
}

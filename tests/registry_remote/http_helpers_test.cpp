// SPDX-License-Identifier: Apache-2.0
#include "registry/error.h"
#include "registry/remote/http.h"

#include <gtest/gtest.h>

using namespace ig::registry;
using namespace ig::registry::remote;

TEST(Url, ResolvesRelativeUploadLocations) {
    EXPECT_EQ(resolve_url("http://127.0.0.1:5000/v2/a/blobs/uploads/",
                          "/v2/a/blobs/uploads/u1?_state=xyz"),
              "http://127.0.0.1:5000/v2/a/blobs/uploads/u1?_state=xyz");
    EXPECT_EQ(resolve_url("https://r/v2/a/tags/list?n=2", "list?last=b"),
              "https://r/v2/a/tags/list?last=b");
    EXPECT_EQ(resolve_url("https://r/v2/", "https://other:9/x"), "https://other:9/x");
}

TEST(Url, DropsFragmentsOfLocations) {
    EXPECT_EQ(resolve_url("https://r/v2/", "/v2/up/1?s=2#frag"), "https://r/v2/up/1?s=2");
}

TEST(Url, AddsQueryParametersWithTheRightSeparator) {
    EXPECT_EQ(add_query("http://r/v2/up/1?_state=a", "digest", "sha256:ab"),
              "http://r/v2/up/1?_state=a&digest=sha256%3Aab");
    EXPECT_EQ(add_query("http://r/v2/up/1", "digest", "sha256:ab"),
              "http://r/v2/up/1?digest=sha256%3Aab");
    EXPECT_EQ(add_query("http://r/t?", "scope", "repository:a/b:pull,push"),
              "http://r/t?scope=repository%3Aa%2Fb%3Apull%2Cpush");
}

TEST(Url, SplitsSchemeHostPortAndPath) {
    auto p = split_url("HTTPS://Reg.Example:5000/v2/x?y=1");
    EXPECT_EQ(p.scheme, "https");
    EXPECT_EQ(p.host_port, "reg.example:5000");
    EXPECT_EQ(p.path_and_query, "/v2/x?y=1");
    EXPECT_EQ(split_url("http://r/").host_port, "r");
}

TEST(Url, RejectsInvalidUrls) {
    EXPECT_THROW(split_url("not a url"), RegistryError);
    EXPECT_THROW(resolve_url("https://r/", "http://[::1"), RegistryError);
}

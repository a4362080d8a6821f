// SPDX-License-Identifier: Apache-2.0
#include "registry/error.h"
#include "registry/policy.h"

#include <gtest/gtest.h>

using ig::registry::Digest;
using ig::registry::GadgetAllowlist;
using ig::registry::Reference;
using ig::registry::RegistryError;

namespace {

const Digest kIndex = Digest::of("index");
const Digest kOther = Digest::of("other");

} // namespace

TEST(GadgetAllowlist, EmptyAllowsEverything) {
    GadgetAllowlist list({});
    EXPECT_TRUE(list.allows(Reference::parse("trace_tcp"), kIndex));
}

TEST(GadgetAllowlist, ExactNameMatchesNormalisedShortName) {
    GadgetAllowlist list({"ghcr.io/inspektor-gadget/gadget/trace_tcp:latest"});
    EXPECT_TRUE(list.allows(Reference::parse("trace_tcp"), kIndex));
    EXPECT_TRUE(list.allows(Reference::parse("trace_tcp:latest"), kIndex));
    EXPECT_FALSE(list.allows(Reference::parse("trace_tcp:v2"), kIndex));
    EXPECT_FALSE(list.allows(Reference::parse("trace_exec"), kIndex));
}

TEST(GadgetAllowlist, ShortEntriesAreNormalisedToo) {
    GadgetAllowlist list({"trace_tcp"});
    EXPECT_TRUE(list.allows(Reference::parse("ghcr.io/inspektor-gadget/gadget/trace_tcp"), kIndex));
}

TEST(GadgetAllowlist, PrefixNeedsTheStar) {
    GadgetAllowlist list({"localhost:5000/team/*"});
    EXPECT_TRUE(list.allows(Reference::parse("localhost:5000/team/trace_tcp:v1"), kIndex));
    EXPECT_FALSE(list.allows(Reference::parse("localhost:5000/other/trace_tcp:v1"), kIndex));
    EXPECT_FALSE(list.allows(Reference::parse("localhost:5001/team/trace_tcp:v1"), kIndex));
}

TEST(GadgetAllowlist, DigestEntriesMatchTheResolvedDigestOnly) {
    GadgetAllowlist bare({kIndex.str()});
    EXPECT_TRUE(bare.allows(Reference::parse("localhost:5000/a:v1"), kIndex));
    EXPECT_FALSE(bare.allows(Reference::parse("localhost:5000/a:v1"), kOther));

    GadgetAllowlist pinned({"localhost:5000/a@" + kIndex.str()});
    EXPECT_TRUE(pinned.allows(Reference::parse("localhost:5000/a:v1"), kIndex));
    EXPECT_TRUE(pinned.allows(Reference::parse("localhost:5000/a@" + kIndex.str()), kIndex));
    EXPECT_FALSE(pinned.allows(Reference::parse("localhost:5000/b:v1"), kIndex));
    EXPECT_FALSE(pinned.allows(Reference::parse("localhost:5000/a:v1"), kOther));
}

TEST(GadgetAllowlist, ATagEntryDoesNotVouchForAPinnedDigest) {
    GadgetAllowlist list({"localhost:5000/a:v1"});
    EXPECT_FALSE(list.allows(Reference::parse("localhost:5000/a:v1@" + kOther.str()), kOther));
}

TEST(GadgetAllowlist, CheckNamesTheImageAndTheList) {
    GadgetAllowlist list({"localhost:5000/team/*"});
    try {
        list.check(Reference::parse("trace_tcp"), kIndex);
        FAIL() << "expected a refusal";
    } catch (const RegistryError& e) {
        std::string what = e.what();
        EXPECT_NE(what.find("ghcr.io/inspektor-gadget/gadget/trace_tcp"), std::string::npos)
            << what;
        EXPECT_NE(what.find("not part of the allowed gadgets: localhost:5000/team/*"),
                  std::string::npos)
            << what;
    }
}

TEST(GadgetAllowlist, InvalidEntriesAreRejected) {
    EXPECT_THROW(GadgetAllowlist({"sha256:abc"}), RegistryError);
    EXPECT_THROW(GadgetAllowlist({"Bad Name"}), RegistryError);
}

// SPDX-License-Identifier: Apache-2.0
#include "operators/containers/registry.h"

#include <gtest/gtest.h>

using namespace ig::containers;

namespace {
Container make(const std::string& id, std::uint64_t mntns) {
    Container c;
    c.id = c.name = id;
    c.mntns_id = mntns;
    return c;
}
} // namespace

TEST(Registry, ExitedContainerIsForgottenAfterTwoDrains) {
    ContainerRegistry r;
    r.put(make("web", 100));
    ASSERT_TRUE(r.by_mntns(100));
    r.retire("web");
    EXPECT_FALSE(r.contains("web"));
    EXPECT_TRUE(r.by_mntns(100)); // events queued before the exit still get its name
    r.batch_end();
    EXPECT_TRUE(r.by_mntns(100)); // that drain may have started before the exit
    r.batch_end();
    EXPECT_FALSE(r.by_mntns(100)); // never a stale name for a reused mntns id
}

TEST(Registry, ANewContainerTakesOverAReusedMntnsAtOnce) {
    ContainerRegistry r;
    r.put(make("old", 100));
    r.retire("old");
    r.put(make("new", 100));
    EXPECT_EQ(r.by_mntns(100)->id, "new");
    r.retire("new", true);
    EXPECT_FALSE(r.by_mntns(100)); // immediately: no retired "old" resurfaces
}

TEST(Registry, ReplacingAContainerMovesItsMntns) {
    ContainerRegistry r;
    r.put(make("web", 100));
    r.put(make("web", 200));
    EXPECT_FALSE(r.by_mntns(100));
    EXPECT_EQ(r.by_mntns(200)->id, "web");
    EXPECT_EQ(r.live().size(), 1u);
    EXPECT_FALSE(r.retire("unknown"));
}

// The event thread caches its last lookup while the generation is unchanged, so every change a
// lookup could see must move the generation, and a drain that forgets nothing must not.
TEST(Registry, GenerationMovesWheneverALookupCouldChange) {
    ContainerRegistry r;
    auto g0 = r.generation();
    r.put(make("web", 100));
    auto g1 = r.generation();
    EXPECT_NE(g1, g0);
    r.batch_end();
    EXPECT_EQ(r.generation(), g1); // nothing retired, nothing forgotten
    r.retire("web");
    auto g2 = r.generation();
    EXPECT_NE(g2, g1);
    r.batch_end();
    EXPECT_EQ(r.generation(), g2); // still answering for the retired container
    r.batch_end();
    EXPECT_NE(r.generation(), g2); // forgotten now
}

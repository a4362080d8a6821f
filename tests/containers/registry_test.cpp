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

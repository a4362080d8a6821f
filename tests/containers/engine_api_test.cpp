// SPDX-License-Identifier: Apache-2.0
#include "fixture.h"
#include "operators/containers/engine_api.h"
#include "runtime/error.h"

#include <gtest/gtest.h>

using namespace ig::containers;

TEST(EngineApi, ParsesARealDockerList) {
    auto list = parse_engine_list(read_fixture("docker_containers.json"));
    ASSERT_EQ(list.size(), 1u);
    EXPECT_EQ(list[0].name, "web"); // Docker's "/web" without the slash
    EXPECT_EQ(list[0].id.size(), 64u);
    EXPECT_EQ(list[0].image, "probe/busybox:1");
    EXPECT_EQ(list[0].labels.at("app"), "demo");
    EXPECT_EQ(list[0].labels.at("io.kubernetes.pod.name"), "pod-b");
}

TEST(EngineApi, ReadsPodmanPodNames) {
    // The shape of podman 4.3's /libpod/containers/json (containers.md, section 4).
    auto list = parse_engine_list(
        R"([{"Id":"9d0d","Names":["probe-pod-ctr"],"Image":"localhost/probe-busybox:1",
             "Labels":{"app":"probe"},"Pid":23322,"Pod":"9d0d22","PodName":"probe-pod"}])");
    ASSERT_EQ(list.size(), 1u);
    EXPECT_EQ(list[0].name, "probe-pod-ctr");
    EXPECT_EQ(list[0].pod_name, "probe-pod");
}

TEST(EngineApi, RejectsMalformedAnswers) {
    EXPECT_THROW(parse_engine_list("{}"), ig::Error);
    EXPECT_THROW(parse_engine_list("[{\"Names\":[]}]"), ig::Error); // no Id
    EXPECT_THROW(parse_engine_list("<html>"), ig::Error);
    EXPECT_TRUE(parse_engine_list("[]").empty());
}

TEST(EngineApi, AMissingSocketIsNoEngine) {
    EngineClient c(EngineClient::Kind::Docker, "/nonexistent/docker.sock");
    EXPECT_FALSE(c.socket_exists());
    EXPECT_FALSE(c.find("abc", 100));
    EXPECT_TRUE(c.list(100).empty());
}

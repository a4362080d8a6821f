// SPDX-License-Identifier: Apache-2.0
#include "operators/containers/conmon.h"

#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>
#include <string>
#include <unistd.h>
#include <vector>

using namespace ig::containers;

namespace {

const std::string kId = "a9ecaf392280bbf89673d1cbcc4821a7066dd1f38819b4ace4bdfdae8ddfb95d";

std::string cmdline(const std::vector<std::string>& argv) {
    std::string out;
    for (const auto& a : argv)
        out += a + '\0';
    return out;
}

// The shape podman 4.3.1 gave conmon here (containers.md §4), shortened.
std::vector<std::string> podman_conmon(const std::string& name) {
    return {"/usr/bin/conmon",
            "--api-version",
            "1",
            "-c",
            kId,
            "-u",
            kId,
            "-r",
            "/usr/bin/runc",
            "-b",
            "/var/lib/containers/storage/overlay-containers/" + kId + "/userdata",
            "-n",
            name,
            "--exit-dir",
            "/run/libpod/exits",
            "--full-attach",
            "-l",
            "k8s-file:/tmp/ctr.log",
            "--log-level",
            "warning",
            "--runtime-arg",
            "--log-format=json",
            "--exit-command",
            "/usr/bin/podman",
            "--exit-command-arg",
            "--root",
            "--exit-command-arg",
            "/var/lib/containers/storage",
            "--exit-command-arg",
            "container",
            "--exit-command-arg",
            "cleanup",
            "--exit-command-arg",
            kId};
}

} // namespace

TEST(Conmon, NameOfItsContainer) {
    EXPECT_EQ(conmon_container_name(cmdline(podman_conmon("web")), kId), "web");
    auto argv = podman_conmon("x");
    argv[11] = "--name=web-2"; // --name=VALUE; drops the separate value
    argv.erase(argv.begin() + 12);
    EXPECT_EQ(conmon_container_name(cmdline(argv), kId), "web-2");
}

TEST(Conmon, ValuesThatLookLikeOptionsAreValues) {
    // `--exit-command-arg -n` passes "-n" to the exit command; it names nothing.
    std::vector<std::string> argv{
        "conmon", "-c", kId,  "--exit-command-arg", "-n", "--exit-command-arg", "evil",
        "-t",     "-n", "web"};
    EXPECT_EQ(conmon_container_name(cmdline(argv), kId), "web");
    argv.resize(8); // no -n of its own
    EXPECT_EQ(conmon_container_name(cmdline(argv), kId), std::nullopt);
}

TEST(Conmon, OnlyConmonOfThatContainer) {
    EXPECT_EQ(conmon_container_name(cmdline(podman_conmon("web")), "other-id"), std::nullopt);
    auto argv = podman_conmon("web");
    argv[0] = "/usr/bin/not-conmon";
    EXPECT_EQ(conmon_container_name(cmdline(argv), kId), std::nullopt);
    EXPECT_EQ(conmon_container_name("", kId), std::nullopt);
    EXPECT_EQ(conmon_container_name(cmdline({"conmon", "-c", kId, "-n"}), kId), std::nullopt);
    EXPECT_EQ(conmon_container_name(cmdline({"conmon", "-c", kId, "-n", ""}), kId), std::nullopt);
}

// A fake /proc: init 300 <- runc create 200 <- conmon 100 <- podman 50, or init 300 <- conmon.
class ConmonProc : public ::testing::Test {
protected:
    void SetUp() override {
        root_ = std::filesystem::temp_directory_path() /
                ("ig-conmon-test-" + std::to_string(::getpid()));
        std::filesystem::remove_all(root_);
    }
    void TearDown() override { std::filesystem::remove_all(root_); }
    void process(int pid, int ppid, const std::vector<std::string>& argv) {
        auto dir = root_ / std::to_string(pid);
        std::filesystem::create_directories(dir);
        std::ofstream(dir / "stat") << pid << " (x y) S " << ppid << " 1 1 0 -1\n";
        std::ofstream(dir / "cmdline", std::ios::binary) << cmdline(argv);
    }
    std::filesystem::path root_;
};

TEST_F(ConmonProc, ConmonIsParentOrGrandparentOfInit) {
    process(50, 1, {"podman", "run"});
    process(100, 50, podman_conmon("web"));
    process(200, 100, {"/usr/bin/runc", "create", kId});
    process(300, 200, {"runc", "init"});
    EXPECT_EQ(podman_name_from_conmon(300, kId, root_), "web"); // runc create still runs
    process(300, 100, {"sleep", "60"});
    EXPECT_EQ(podman_name_from_conmon(300, kId, root_), "web"); // reparented to conmon
    EXPECT_EQ(podman_name_from_conmon(300, "another", root_), std::nullopt);
    EXPECT_EQ(podman_name_from_conmon(100, kId, root_), std::nullopt); // no conmon above
    EXPECT_EQ(podman_name_from_conmon(999, kId, root_), std::nullopt); // no such process
}

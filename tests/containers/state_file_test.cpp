// SPDX-License-Identifier: Apache-2.0
#include "fixture.h"
#include "operators/containers/k8s_metadata.h"
#include "operators/containers/proc_info.h"
#include "operators/containers/state_file.h"
#include "runtime/error.h"

#include <filesystem>
#include <gtest/gtest.h>

using namespace ig::containers;

TEST(RuncState, ParsesARealStateFile) {
    RuncState s = parse_runc_state(read_fixture("runc_state.json"));
    EXPECT_EQ(s.id, "fixture-web");
    EXPECT_EQ(s.pid, 4148u);
    EXPECT_GT(s.pid_start_ticks, 0u);
    EXPECT_EQ(s.cgroup_v2_dir, "/sys/fs/cgroup/unified/fixture-web");
    EXPECT_EQ(s.annotations.at("app"), "demo");
    EXPECT_EQ(s.annotations.count("bundle"), 0u); // runc's own label is not an annotation
    EXPECT_NE(s.bundle.find("bundle-fixture-web"), std::string::npos);
}

TEST(RuncState, RejectsWhatIsNotAStateFile) {
    EXPECT_THROW(parse_runc_state("not json"), ig::Error);
    EXPECT_THROW(parse_runc_state("[]"), ig::Error);
    EXPECT_THROW(parse_runc_state(R"({"id":"x"})"), ig::Error);
    EXPECT_THROW(parse_runc_state(R"({"id":"x","init_process_pid":"12"})"), ig::Error);
    EXPECT_THROW(parse_runc_state(R"({"id":"","init_process_pid":12})"), ig::Error);
}

TEST(RuncState, KubeletLabelsGiveKubernetesNames) {
    RuncState s = parse_runc_state(read_fixture("runc_state.json"));
    StateMetadata m = metadata_from_state(s, {"/run/runc", "runc", ""});
    EXPECT_EQ(m.container.runtime, "runc");
    EXPECT_EQ(m.container.k8s.pod_name, "pod-a");
    EXPECT_EQ(m.container.k8s.namespace_name, "ns-a");
    EXPECT_EQ(m.container.k8s.container_name, "web");
    EXPECT_EQ(m.container.name, "web");
    EXPECT_EQ(m.container.state_dir, "/run/runc/fixture-web");
    EXPECT_FALSE(m.is_sandbox);
}

TEST(RuncState, PodmanIsToldApartByItsAnnotation) {
    RuncState s;
    s.id = "abc";
    s.pid = 1;
    s.annotations["io.container.manager"] = "libpod";
    EXPECT_EQ(metadata_from_state(s, {"/run/runc", "runc", ""}).container.runtime, "podman");
    s.annotations.clear();
    StateMetadata m = metadata_from_state(s, {"/run/runc", "runc", ""});
    EXPECT_EQ(m.container.runtime, "runc");
    EXPECT_EQ(m.container.name, "abc"); // no engine, no CRI name: the id
}

TEST(K8sMetadata, CriAnnotationsAndKubeletLabelsMap) {
    std::map<std::string, std::string> cri = {{"io.kubernetes.cri.container-name", "web"},
                                              {"io.kubernetes.cri.container-type", "container"},
                                              {"io.kubernetes.cri.sandbox-name", "pod-b"},
                                              {"io.kubernetes.cri.sandbox-namespace", "probe-ns"},
                                              {"io.kubernetes.cri.sandbox-uid", "uid-1"}};
    K8sMetadata m = k8s_from_labels(cri);
    EXPECT_EQ(m.container_name, "web");
    EXPECT_EQ(m.pod_name, "pod-b");
    EXPECT_EQ(m.namespace_name, "probe-ns");
    EXPECT_EQ(m.pod_uid, "uid-1");
    EXPECT_FALSE(is_cri_sandbox(cri));
    cri["io.kubernetes.pod.name"] = "kubelet-pod"; // the kubelet's label wins
    EXPECT_EQ(k8s_from_labels(cri).pod_name, "kubelet-pod");
    EXPECT_TRUE(is_cri_sandbox({{"io.kubernetes.cri.container-type", "sandbox"}}));
    EXPECT_TRUE(is_cri_sandbox({{"io.cri-containerd.kind", "sandbox"}}));
    EXPECT_TRUE(k8s_from_labels({{"app", "x"}}).empty());
}

TEST(StateRoots, ContainerdNamespacesAreListedAndMobyIsDocker) {
    namespace fs = std::filesystem;
    fs::path tmp = fs::temp_directory_path() / ("ig-roots-" + std::to_string(getpid()));
    fs::create_directories(tmp / "run/containerd/runc/k8s.io");
    fs::create_directories(tmp / "run/containerd/runc/moby");
    auto roots = known_state_roots(tmp.string());
    fs::remove_all(tmp);
    std::map<std::string, std::string> runtime_of;
    for (const auto& r : roots)
        runtime_of[r.path.substr(tmp.string().size())] = r.runtime;
    EXPECT_EQ(runtime_of["/run/runc"], "runc");
    EXPECT_EQ(runtime_of["/run/docker/runtime-runc/moby"], "docker");
    EXPECT_EQ(runtime_of["/run/containerd/runc/k8s.io"], "containerd");
    EXPECT_EQ(runtime_of["/run/containerd/runc/moby"], "docker");
}

TEST(ProcInfo, StartTimeSurvivesParenthesesInTheCommand) {
    std::string line = "42 (a) b (c)) S 1 42 42 0 -1 4194560 100 0 0 0 1 2 0 0 20 0 1 0 "
                       "987654 1000 100 0";
    EXPECT_EQ(parse_stat_start_ticks(line), 987654u);
    EXPECT_EQ(parse_stat_field(line, 4), 1u); // ppid
    EXPECT_FALSE(parse_stat_start_ticks("42 (x) S 1 2"));
    EXPECT_FALSE(parse_stat_start_ticks("garbage"));
}

TEST(ProcInfo, ReadsThisProcess) {
    auto info = read_proc_info(static_cast<std::uint32_t>(getpid()));
    ASSERT_TRUE(info);
    EXPECT_EQ(info->mntns_id, own_mntns_id());
    EXPECT_GT(info->netns_id, 0u);
    EXPECT_FALSE(read_proc_info(0x7ffffff0u));
}

// SPDX-License-Identifier: Apache-2.0
#include "tools/ig/list_containers_command.h"

#include "operators/containers/discovery.h"
#include "operators/containers/selector.h"
#include "runtime/error.h"

#include <csignal>
#include <cstdio>
#include <cxxopts.hpp>
#include <iostream>
#include <mutex>
#include <nlohmann/json.hpp>

namespace ig::cli {
namespace {

using containers::Container;

nlohmann::json to_json(const Container& c) {
    return {{"id", c.id},
            {"name", c.name},
            {"runtime", c.runtime},
            {"image", c.image},
            {"pid", c.pid},
            {"mntns_id", c.mntns_id},
            {"netns_id", c.netns_id},
            {"cgroup_path", c.cgroup_path},
            {"cgroup_id", c.cgroup_id},
            {"labels", c.labels},
            {"k8s",
             {{"namespace", c.k8s.namespace_name},
              {"podName", c.k8s.pod_name},
              {"podUid", c.k8s.pod_uid},
              {"containerName", c.k8s.container_name}}}};
}

class Printer {
public:
    Printer(bool json, bool no_trunc, bool watch)
        : json_(json), no_trunc_(no_trunc), watch_(watch) {}

    void header() {
        if (json_)
            return;
        std::printf("%s%-11s %-24s %-13s %8s %12s %-24s %-16s %-16s %s\n", watch_ ? "EVENT   " : "",
                    "RUNTIME", "NAME", "ID", "PID", "MNTNS", "IMAGE", "K8S.NAMESPACE",
                    "K8S.PODNAME", "K8S.CONTAINERNAME");
    }

    void row(const Container& c, const char* event) {
        std::lock_guard lock(mutex_);
        if (json_) {
            nlohmann::json j = to_json(c);
            if (event)
                j = {{"event", event}, {"container", j}};
            std::printf("%s\n", j.dump().c_str());
        } else {
            std::string id = no_trunc_ ? c.id : c.id.substr(0, 12);
            std::string prefix = watch_ ? std::string(event) : "";
            prefix.resize(watch_ ? 8 : 0, ' ');
            std::printf("%s%-11s %-24s %-13s %8u %12llu %-24s %-16s %-16s %s\n", prefix.c_str(),
                        c.runtime.c_str(), c.name.c_str(), id.c_str(), c.pid,
                        static_cast<unsigned long long>(c.mntns_id), c.image.c_str(),
                        c.k8s.namespace_name.c_str(), c.k8s.pod_name.c_str(),
                        c.k8s.container_name.c_str());
        }
        std::fflush(stdout);
    }

private:
    bool json_, no_trunc_, watch_;
    std::mutex mutex_;
};

} // namespace

int list_containers_command(const std::vector<std::string>& args) {
    cxxopts::Options opts("ig list-containers", "List the containers ig sees");
    opts.add_options()("h,help", "Show this help")(
        "o,output", "columns or json", cxxopts::value<std::string>()->default_value("columns"))(
        "w,watch", "Follow container starts and exits until Ctrl-C",
        cxxopts::value<bool>()->default_value("false"))(
        "no-trunc", "Show full container ids", cxxopts::value<bool>()->default_value("false"))(
        "c,containername", "Only these containers (comma list, !name excludes)",
        cxxopts::value<std::string>()->default_value(""))(
        "r,runtimes", "Only these runtimes", cxxopts::value<std::string>()->default_value(""))(
        "docker-socketpath", "Docker Engine API socket",
        cxxopts::value<std::string>()->default_value("/run/docker.sock"))(
        "podman-socketpath", "podman API socket",
        cxxopts::value<std::string>()->default_value("/run/podman/podman.sock"));
    std::vector<std::string> argv_s = {"ig list-containers"};
    argv_s.insert(argv_s.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& a : argv_s)
        argv.push_back(a.data());
    cxxopts::ParseResult parsed;
    try {
        parsed = opts.parse(static_cast<int>(argv.size()), argv.data());
    } catch (const cxxopts::exceptions::exception& e) {
        throw Error(std::string(e.what()) + " (see ig list-containers --help)");
    }
    if (!parsed.unmatched().empty())
        throw Error("unexpected argument '" + parsed.unmatched().front() + "'");
    if (parsed.count("help")) {
        std::cout << opts.help();
        return 0;
    }
    std::string output = parsed["output"].as<std::string>();
    if (output != "columns" && output != "json")
        throw Error("invalid value '" + output + "' for --output: expected columns or json");
    bool watch = parsed["watch"].as<bool>();

    containers::ContainerSelector selector;
    selector.names =
        containers::NameMatcher::parse(parsed["containername"].as<std::string>(), "containername");
    selector.runtimes =
        containers::NameMatcher::parse(parsed["runtimes"].as<std::string>(), "runtimes");

    containers::DiscoveryOptions options;
    options.docker_socket = parsed["docker-socketpath"].as<std::string>();
    options.podman_socket = parsed["podman-socketpath"].as<std::string>();
    options.retire_immediately = true; // no event loop reads the registry
    containers::ContainerManager manager(options);
    Printer printer(output == "json", parsed["no-trunc"].as<bool>(), watch);

    manager.scan();
    auto live = manager.registry().live();
    printer.header();
    if (!watch) {
        if (output == "json") {
            nlohmann::json all = nlohmann::json::array();
            for (const auto& c : live)
                if (selector.matches(*c))
                    all.push_back(to_json(*c));
            std::printf("%s\n", all.dump(2).c_str());
        } else {
            for (const auto& c : live)
                if (selector.matches(*c))
                    printer.row(*c, nullptr);
        }
        return 0;
    }

    for (const auto& c : live)
        if (selector.matches(*c))
            printer.row(*c, "running");
    // Block the stop signals before the watcher thread exists, then wait for one of them.
    sigset_t stop_signals;
    sigemptyset(&stop_signals);
    sigaddset(&stop_signals, SIGINT);
    sigaddset(&stop_signals, SIGTERM);
    if (pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr) != 0)
        throw Error("blocking SIGINT/SIGTERM failed");
    manager.set_callbacks(
        [&](const Container& c) {
            if (selector.matches(c))
                printer.row(c, "added");
        },
        [&](const Container& c) {
            if (selector.matches(c))
                printer.row(c, "removed");
        });
    manager.start_watching();
    int sig = 0;
    sigwait(&stop_signals, &sig);
    manager.stop();
    return 0;
}

} // namespace ig::cli

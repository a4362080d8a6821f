// SPDX-License-Identifier: Apache-2.0
// The Docker Engine API and podman's libpod API over their unix sockets (libcurl): names, images
// and labels, which the runc state does not carry for these engines.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ig::containers {

struct EngineContainer {
    std::string id;
    std::string name;
    std::string image;
    std::map<std::string, std::string> labels;
    std::string pod_name; // podman pods
};

// Docker's /containers/json and podman's /libpod/containers/json answers (lists of objects with
// Id, Names, Image, Labels; podman adds PodName). Throws ig::Error on malformed JSON.
std::vector<EngineContainer> parse_engine_list(std::string_view json);

class EngineClient {
public:
    enum class Kind { Docker, Podman };
    EngineClient(Kind kind, std::string socket_path);
    ~EngineClient();
    EngineClient(const EngineClient&) = delete;
    EngineClient& operator=(const EngineClient&) = delete;

    const std::string& socket_path() const { return socket_; }
    bool socket_exists() const;
    // The container with this full id, std::nullopt if the engine does not know it or does not
    // answer within the timeout. podman answers only when it does not hold the container's
    // lock, which it does during a start (see discovery.h).
    std::optional<EngineContainer> find(const std::string& id, long timeout_ms);
    // Every container the engine knows (running ones), or empty if it does not answer.
    std::vector<EngineContainer> list(long timeout_ms);

private:
    std::optional<std::string> get(const std::string& path, long timeout_ms);

    Kind kind_;
    std::string socket_;
    struct CurlDeleter {
        void operator()(void* h) const;
    };
    std::unique_ptr<void, CurlDeleter> curl_;
};

} // namespace ig::containers

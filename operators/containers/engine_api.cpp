// SPDX-License-Identifier: Apache-2.0
#include "operators/containers/engine_api.h"

#include "runtime/error.h"

#include <curl/curl.h>
#include <nlohmann/json.hpp>
#include <sys/stat.h>

namespace ig::containers {
namespace {

using nlohmann::json;

std::size_t append_body(char* data, std::size_t size, std::size_t n, void* out) {
    static_cast<std::string*>(out)->append(data, size * n);
    return size * n;
}

std::string url_encode(CURL* h, const std::string& s) {
    std::unique_ptr<char, decltype(&curl_free)> e(
        curl_easy_escape(h, s.c_str(), static_cast<int>(s.size())), curl_free);
    if (!e)
        throw Error("url-encoding a container filter failed");
    return e.get();
}

} // namespace

std::vector<EngineContainer> parse_engine_list(std::string_view text) {
    json j = json::parse(text, nullptr, false);
    if (j.is_discarded() || !j.is_array())
        throw Error("container engine answered with something that is not a JSON list");
    std::vector<EngineContainer> out;
    try {
        for (const auto& c : j) {
            EngineContainer e;
            e.id = c.at("Id").get<std::string>();
            if (auto names = c.find("Names");
                names != c.end() && names->is_array() && !names->empty())
                e.name = names->front().get<std::string>();
            if (!e.name.empty() && e.name[0] == '/') // Docker's names are paths
                e.name.erase(0, 1);
            if (auto img = c.find("Image"); img != c.end() && img->is_string())
                e.image = img->get<std::string>();
            if (auto labels = c.find("Labels"); labels != c.end() && labels->is_object())
                for (const auto& [k, v] : labels->items())
                    if (v.is_string())
                        e.labels[k] = v.get<std::string>();
            if (auto pod = c.find("PodName"); pod != c.end() && pod->is_string())
                e.pod_name = pod->get<std::string>();
            out.push_back(std::move(e));
        }
    } catch (const json::exception& e) {
        throw Error(std::string("container engine list has an unexpected shape: ") + e.what());
    }
    return out;
}

void EngineClient::CurlDeleter::operator()(void* h) const {
    curl_easy_cleanup(static_cast<CURL*>(h));
}

EngineClient::EngineClient(Kind kind, std::string socket_path)
    : kind_(kind), socket_(std::move(socket_path)), curl_(curl_easy_init()) {
    if (!curl_)
        throw Error("curl_easy_init failed");
}

EngineClient::~EngineClient() = default;

bool EngineClient::socket_exists() const {
    struct stat st {};
    return stat(socket_.c_str(), &st) == 0 && S_ISSOCK(st.st_mode);
}

std::optional<std::string> EngineClient::get(const std::string& path, long timeout_ms) {
    if (!socket_exists())
        return std::nullopt;
    CURL* h = static_cast<CURL*>(curl_.get());
    curl_easy_reset(h);
    std::string body;
    std::string url = "http://localhost" + path;
    long status = 0;
    if (curl_easy_setopt(h, CURLOPT_UNIX_SOCKET_PATH, socket_.c_str()) != CURLE_OK ||
        curl_easy_setopt(h, CURLOPT_URL, url.c_str()) != CURLE_OK ||
        curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, timeout_ms) != CURLE_OK ||
        curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L) != CURLE_OK ||
        curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, append_body) != CURLE_OK ||
        curl_easy_setopt(h, CURLOPT_WRITEDATA, &body) != CURLE_OK)
        throw Error("configuring libcurl for " + socket_ + " failed");
    if (curl_easy_perform(h) != CURLE_OK ||
        curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status) != CURLE_OK || status != 200)
        return std::nullopt;
    return body;
}

std::vector<EngineContainer> EngineClient::list(long timeout_ms) {
    const char* path =
        kind_ == Kind::Docker ? "/containers/json" : "/v4.0.0/libpod/containers/json";
    auto body = get(path, timeout_ms);
    return body ? parse_engine_list(*body) : std::vector<EngineContainer>{};
}

std::optional<EngineContainer> EngineClient::find(const std::string& id, long timeout_ms) {
    std::string filters = "{\"id\":[\"" + id + "\"]}";
    std::string path =
        std::string(kind_ == Kind::Docker ? "/containers/json" : "/v4.0.0/libpod/containers/json") +
        "?all=true&filters=" + url_encode(static_cast<CURL*>(curl_.get()), filters);
    auto body = get(path, timeout_ms);
    if (!body)
        return std::nullopt;
    for (auto& c : parse_engine_list(*body))
        if (c.id == id)
            return c;
    return std::nullopt;
}

} // namespace ig::containers

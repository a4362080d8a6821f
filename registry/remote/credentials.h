// SPDX-License-Identifier: Apache-2.0
// Registry credentials in the docker config.json format ({"auths":{"<host>":{"auth":
// base64("user:pass")}}}). ig's own file (written by `ig login`) is read first:
// $REGISTRY_AUTH_FILE, else /var/lib/ig/config.json for root, else ~/.ig/config.json; then
// docker's: $DOCKER_CONFIG/config.json, else ~/.docker/config.json.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ig::registry::remote {

struct Credentials {
    std::string username;
    std::string password;
};

// "https://index.docker.io/v1/" → "index.docker.io", "http://host:5000/" → "host:5000";
// "docker.io" → "index.docker.io" (Docker Hub's historic key).
std::string normalize_registry_key(std::string_view key);

// The entry for `registry` in a config.json text; nullopt if none. Throws RegistryError naming
// `source` if the JSON or the entry is malformed.
std::optional<Credentials> parse_docker_config(std::string_view json, std::string_view registry,
                                               std::string_view source);

class CredentialStore {
public:
    // Files are searched in this order; the first is the one `ig login` writes.
    explicit CredentialStore(std::vector<std::filesystem::path> files = default_files());
    static std::vector<std::filesystem::path> default_files();

    std::optional<Credentials> lookup(std::string_view registry) const;
    // Writes to the first file atomically with mode 0600, keeping other entries.
    void store(std::string_view registry, const Credentials& credentials) const;
    bool erase(std::string_view registry) const; // false if there was no entry
    const std::filesystem::path& login_file() const { return files_.front(); }

private:
    std::vector<std::filesystem::path> files_;
};

} // namespace ig::registry::remote

// SPDX-License-Identifier: Apache-2.0
#include "registry/remote/credentials.h"

#include "registry/error.h"
#include "registry/remote/base64.h"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <sys/stat.h>
#include <unistd.h>

namespace ig::registry::remote {
namespace {

constexpr std::uintmax_t kMaxConfigBytes = 1 << 20;

std::optional<std::string> read_small_file(const std::filesystem::path& path) {
    std::error_code ec;
    if (!std::filesystem::exists(path, ec))
        return std::nullopt;
    auto size = std::filesystem::file_size(path, ec);
    if (ec)
        throw RegistryError("cannot read credentials file " + path.string() + ": " + ec.message());
    if (size > kMaxConfigBytes)
        throw RegistryError("credentials file " + path.string() + " is larger than 1 MiB");
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw RegistryError("cannot open credentials file " + path.string() + ": " +
                            std::strerror(errno));
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

nlohmann::json parse_config(std::string_view json, std::string_view source) {
    nlohmann::json doc = nlohmann::json::parse(json, nullptr, false);
    if (doc.is_discarded() || !doc.is_object())
        throw RegistryError("credentials file " + std::string(source) + " is not a JSON object");
    return doc;
}

void write_file_atomically(const std::filesystem::path& path, const std::string& text) {
    std::error_code ec;
    std::filesystem::create_directories(path.parent_path(), ec);
    if (ec)
        throw RegistryError("cannot create " + path.parent_path().string() + ": " + ec.message());
    std::string tmp = path.string() + ".tmp." + std::to_string(getpid());
    int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0)
        throw RegistryError("cannot write " + tmp + ": " + std::strerror(errno));
    std::size_t off = 0;
    while (off < text.size()) {
        ssize_t n = ::write(fd, text.data() + off, text.size() - off);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            int err = errno;
            ::close(fd);
            ::unlink(tmp.c_str());
            throw RegistryError("cannot write " + tmp + ": " + std::strerror(err));
        }
        off += static_cast<std::size_t>(n);
    }
    if (::fsync(fd) != 0 || ::close(fd) != 0) {
        int err = errno;
        ::unlink(tmp.c_str());
        throw RegistryError("cannot write " + tmp + ": " + std::strerror(err));
    }
    if (::rename(tmp.c_str(), path.c_str()) != 0) {
        int err = errno;
        ::unlink(tmp.c_str());
        throw RegistryError("cannot replace " + path.string() + ": " + std::strerror(err));
    }
}

std::filesystem::path home() {
    const char* h = std::getenv("HOME");
    return h && *h ? std::filesystem::path(h) : std::filesystem::path("/root");
}

} // namespace

std::string normalize_registry_key(std::string_view key) {
    std::string_view k = key;
    if (auto p = k.find("://"); p != std::string_view::npos)
        k.remove_prefix(p + 3);
    if (auto p = k.find('/'); p != std::string_view::npos)
        k = k.substr(0, p);
    std::string out(k);
    for (auto& c : out)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (out == "docker.io" || out == "registry-1.docker.io")
        out = "index.docker.io";
    return out;
}

std::optional<Credentials> parse_docker_config(std::string_view json, std::string_view registry,
                                               std::string_view source) {
    auto doc = parse_config(json, source);
    auto auths = doc.find("auths");
    if (auths == doc.end())
        return std::nullopt;
    if (!auths->is_object())
        throw RegistryError("credentials file " + std::string(source) +
                            ": 'auths' is not an object");
    std::string want = normalize_registry_key(registry);
    for (const auto& item : auths->items()) {
        // Not a structured binding: C++20 clang cannot capture those in the lambda below.
        const std::string& key = item.key();
        const nlohmann::json& entry = item.value();
        if (normalize_registry_key(key) != want)
            continue;
        std::string where = std::string(source) + " entry '" + key + "'";
        if (!entry.is_object())
            throw RegistryError("credentials file " + where + " is not an object");
        auto str = [&](const char* name) -> std::string {
            auto it = entry.find(name);
            if (it == entry.end() || it->is_null())
                return {};
            if (!it->is_string())
                throw RegistryError("credentials file " + where + ": '" + name +
                                    "' is not a string");
            return it->get<std::string>();
        };
        std::string auth = str("auth");
        if (!auth.empty()) {
            std::string decoded = base64_decode(auth, "credentials file " + where + " 'auth'");
            auto colon = decoded.find(':'); // split at the first ':', passwords may hold more
            if (colon == std::string::npos)
                throw RegistryError("credentials file " + where +
                                    ": 'auth' does not decode to user:password");
            return Credentials{decoded.substr(0, colon), decoded.substr(colon + 1)};
        }
        std::string user = str("username");
        if (!user.empty())
            return Credentials{user, str("password")};
        // An entry with only an identity token or nothing usable: keep looking elsewhere.
    }
    return std::nullopt;
}

CredentialStore::CredentialStore(std::vector<std::filesystem::path> files)
    : files_(std::move(files)) {
    if (files_.empty())
        throw RegistryError("no credentials file configured");
}

std::vector<std::filesystem::path> CredentialStore::default_files() {
    std::vector<std::filesystem::path> out;
    if (const char* f = std::getenv("REGISTRY_AUTH_FILE"); f && *f)
        out.emplace_back(f);
    else if (geteuid() == 0)
        out.emplace_back("/var/lib/ig/config.json");
    else
        out.push_back(home() / ".ig" / "config.json");
    if (const char* d = std::getenv("DOCKER_CONFIG"); d && *d)
        out.push_back(std::filesystem::path(d) / "config.json");
    else
        out.push_back(home() / ".docker" / "config.json");
    return out;
}

std::optional<Credentials> CredentialStore::lookup(std::string_view registry) const {
    for (const auto& f : files_) {
        auto text = read_small_file(f);
        if (!text)
            continue;
        if (auto c = parse_docker_config(*text, registry, f.string()))
            return c;
    }
    return std::nullopt;
}

void CredentialStore::store(std::string_view registry, const Credentials& credentials) const {
    const auto& path = login_file();
    auto text = read_small_file(path);
    nlohmann::json doc = text ? parse_config(*text, path.string()) : nlohmann::json::object();
    if (!doc.contains("auths") || !doc["auths"].is_object())
        doc["auths"] = nlohmann::json::object();
    std::string key = normalize_registry_key(registry);
    // Drop differently spelled keys for the same registry so lookups are unambiguous.
    for (auto it = doc["auths"].begin(); it != doc["auths"].end();) {
        if (normalize_registry_key(it.key()) == key)
            it = doc["auths"].erase(it);
        else
            ++it;
    }
    doc["auths"][key] = {
        {"auth", base64_encode(credentials.username + ":" + credentials.password)}};
    write_file_atomically(path, doc.dump(1, '\t') + "\n");
}

bool CredentialStore::erase(std::string_view registry) const {
    const auto& path = login_file();
    auto text = read_small_file(path);
    if (!text)
        return false;
    auto doc = parse_config(*text, path.string());
    if (!doc.contains("auths") || !doc["auths"].is_object())
        return false;
    std::string key = normalize_registry_key(registry);
    bool found = false;
    for (auto it = doc["auths"].begin(); it != doc["auths"].end();) {
        if (normalize_registry_key(it.key()) == key) {
            it = doc["auths"].erase(it);
            found = true;
        } else {
            ++it;
        }
    }
    if (found)
        write_file_atomically(path, doc.dump(1, '\t') + "\n");
    return found;
}

} // namespace ig::registry::remote

// SPDX-License-Identifier: Apache-2.0
#include "registry/remote/registry_client.h"

#include "registry/error.h"
#include "registry/remote/base64.h"
#include "registry/remote/link_header.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <random>
#include <set>
#include <thread>
#include <unistd.h>

namespace ig::registry::remote {
namespace {

constexpr std::size_t kMaxTokenResponse = 128 * 1024;
constexpr std::size_t kMaxTagPages = 1000;
constexpr std::size_t kMaxTagListBytes = 4u << 20;

const std::string& manifest_accept() {
    static const std::string accept =
        std::string(media::kImageIndex) + ", " + std::string(media::kImageManifest) + ", " +
        std::string(media::kDockerManifestList) + ", " + std::string(media::kDockerManifest);
    return accept;
}

bool is_manifest_type(std::string_view t) {
    return t == media::kImageIndex || t == media::kImageManifest ||
           t == media::kDockerManifestList || t == media::kDockerManifest;
}

// Printable, single-line, bounded: registry text ends up on the user's terminal.
std::string clean(std::string_view text, std::size_t max = 200) {
    std::string out;
    for (char c : text) {
        if (out.size() >= max) {
            out += "…";
            break;
        }
        unsigned char u = static_cast<unsigned char>(c);
        out.push_back(u < 0x20 || u == 0x7f ? ' ' : c);
    }
    while (!out.empty() && out.back() == ' ')
        out.pop_back();
    return out;
}

double jitter() {
    static thread_local std::mt19937 rng{std::random_device{}()};
    return std::uniform_real_distribution<double>(0.0, 1.0)(rng);
}

struct FdCloser {
    int fd = -1;
    ~FdCloser() {
        if (fd >= 0)
            ::close(fd);
    }
};

// Removes a temp file unless released (after commit_blob took it).
struct TempFile {
    std::filesystem::path path;
    ~TempFile() {
        if (!path.empty()) {
            std::error_code ec;
            std::filesystem::remove(path, ec);
        }
    }
};

void write_all(int fd, std::string_view data, const std::filesystem::path& path) {
    while (!data.empty()) {
        ssize_t n = ::write(fd, data.data(), data.size());
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            throw RegistryError("writing " + path.string() + ": " + std::strerror(errno));
        data.remove_prefix(static_cast<std::size_t>(n));
    }
}

std::optional<std::uint64_t> parse_u64(std::string_view s) {
    if (s.empty() || s.size() > 19)
        return std::nullopt;
    std::uint64_t v = 0;
    for (char c : s) {
        if (c < '0' || c > '9')
            return std::nullopt;
        v = v * 10 + static_cast<std::uint64_t>(c - '0');
    }
    return v;
}

} // namespace

std::string repository_scope(const std::string& repository, const std::string& actions) {
    return "repository:" + repository + ":" + actions;
}

std::string strip_media_type_parameters(std::string_view content_type) {
    auto semi = content_type.find(';');
    std::string_view t = content_type.substr(0, semi);
    while (!t.empty() && t.back() == ' ')
        t.remove_suffix(1);
    while (!t.empty() && t.front() == ' ')
        t.remove_prefix(1);
    std::string out(t);
    for (auto& c : out)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

std::string describe_error_body(std::string_view body) {
    auto doc = nlohmann::json::parse(body, nullptr, false);
    if (!doc.is_discarded() && doc.is_object() && doc.contains("errors") &&
        doc["errors"].is_array() && !doc["errors"].empty()) {
        std::string out;
        for (const auto& e : doc["errors"]) {
            if (!e.is_object())
                continue;
            std::string code =
                e.contains("code") && e["code"].is_string() ? e["code"].get<std::string>() : "";
            std::string msg = e.contains("message") && e["message"].is_string()
                                  ? e["message"].get<std::string>()
                                  : "";
            if (!out.empty())
                out += "; ";
            out += code.empty() ? msg : msg.empty() ? code : code + " (" + msg + ")";
            if (out.size() > 200)
                break;
        }
        return clean(out);
    }
    return clean(body, 120);
}

RegistryClient::RegistryClient(std::string registry, ClientOptions options,
                               std::optional<Credentials> credentials)
    : registry_(std::move(registry)), options_(std::move(options)),
      credentials_(std::move(credentials)), http_(options_.transport) {}

const std::string& RegistryClient::base_url() {
    if (!base_.empty())
        return base_;
    if (!http_.is_insecure(registry_)) {
        base_ = "https://" + registry_;
        return base_;
    }
    // An insecure registry may speak TLS with a certificate we cannot verify, or plain HTTP:
    // try TLS (unverified) and fall back to HTTP when the handshake fails.
    try {
        HttpRequest probe;
        probe.method = "GET";
        probe.url = "https://" + registry_ + "/v2/";
        ++requests_;
        http_.send(probe);
        base_ = "https://" + registry_;
    } catch (const TransportError& e) {
        if (!e.tls_failure())
            throw;
        base_ = "http://" + registry_;
    }
    return base_;
}

std::optional<std::string> RegistryClient::authorization(const std::string& scope) {
    if (bearer_) {
        auto it = tokens_.find(scope);
        // Refresh a little early so a token does not expire in flight.
        if (it == tokens_.end() ||
            it->second.expires - std::chrono::seconds(5) < std::chrono::steady_clock::now()) {
            std::string value = fetch_token(scope);
            return "Bearer " + value;
        }
        return "Bearer " + it->second.value;
    }
    if (basic_ && credentials_)
        return "Basic " + base64_encode(credentials_->username + ":" + credentials_->password);
    return std::nullopt;
}

void RegistryClient::learn_challenge(const HttpResponse& response, const std::string& scope) {
    std::vector<Challenge> challenges;
    for (const auto& h : response.headers_named("www-authenticate")) {
        auto parsed = parse_www_authenticate(h);
        challenges.insert(challenges.end(), parsed.begin(), parsed.end());
    }
    for (const auto& c : challenges) {
        if (c.scheme != "bearer")
            continue;
        std::string realm = c.param("realm");
        if (realm.empty())
            throw RegistryError(registry_ + " sent a Bearer challenge without a realm");
        auto parts = split_url(realm);
        if (parts.scheme != "https" && parts.scheme != "http")
            throw RegistryError(registry_ + " sent a token realm that is not http(s): '" +
                                clean(realm) + "'");
        // Credentials go to the realm: never over plain HTTP unless the registry itself is
        // plain HTTP or the realm's host was declared insecure.
        if (parts.scheme == "http" && !base_url().starts_with("http://") &&
            !http_.is_insecure(parts.host_port))
            throw RegistryError(registry_ + " sent a token realm over plain http: '" +
                                clean(realm) + "'");
        bearer_ = c;
        basic_ = false;
        tokens_.erase(scope); // a 401 means the cached token (if any) is no good
        return;
    }
    for (const auto& c : challenges) {
        if (c.scheme != "basic")
            continue;
        if (!credentials_)
            throw RegistryError(registry_ + " requires authentication (Basic) and no " +
                                "credentials were found: run `ig login " + registry_ + "`");
        basic_ = true;
        bearer_.reset();
        return;
    }
    throw RegistryError(registry_ + " answered 401 without a usable WWW-Authenticate challenge");
}

std::string RegistryClient::fetch_token(const std::string& scope) {
    std::string url = bearer_->param("realm");
    if (auto service = bearer_->param("service"); !service.empty())
        url = add_query(url, "service", service);
    // Several space-separated scopes become repeated scope parameters.
    std::size_t p = 0;
    while (p < scope.size()) {
        std::size_t sp = scope.find(' ', p);
        std::string one = scope.substr(p, sp == std::string::npos ? std::string::npos : sp - p);
        if (!one.empty())
            url = add_query(url, "scope", one);
        if (sp == std::string::npos)
            break;
        p = sp + 1;
    }
    HttpRequest req;
    req.url = url;
    req.max_body = kMaxTokenResponse;
    if (credentials_)
        req.headers.emplace_back(
            "Authorization",
            "Basic " + base64_encode(credentials_->username + ":" + credentials_->password));
    HttpResponse resp;
    for (int attempt = 0;; ++attempt) {
        ++requests_;
        resp = http_.send(req);
        if (retryable_status(resp.status) && attempt < options_.retry.max_retries) {
            std::this_thread::sleep_for(backoff_delay(options_.retry, attempt, jitter(), {}));
            continue;
        }
        break;
    }
    std::string realm = clean(bearer_->param("realm"));
    if (resp.status == 401 || resp.status == 403)
        throw RegistryError("token endpoint " + realm + " of " + registry_ + " refused " +
                            (credentials_ ? "the credentials" : "anonymous access") + " (" +
                            std::to_string(resp.status) + ")" +
                            (credentials_ ? "" : ": run `ig login " + registry_ + "`"));
    if (resp.status != 200)
        throw RegistryError("token endpoint " + realm + " answered " + std::to_string(resp.status) +
                            " " + describe_error_body(resp.body));
    auto doc = nlohmann::json::parse(resp.body, nullptr, false);
    if (doc.is_discarded() || !doc.is_object())
        throw RegistryError("token endpoint " + realm + " answered something that is not JSON");
    std::string token;
    for (const char* key : {"token", "access_token"})
        if (doc.contains(key) && doc[key].is_string() && !doc[key].get<std::string>().empty()) {
            token = doc[key].get<std::string>();
            break;
        }
    if (token.empty())
        throw RegistryError("token endpoint " + realm + " answered without a token");
    long long expires_in = 60; // the spec's default
    if (doc.contains("expires_in") && doc["expires_in"].is_number_integer())
        expires_in = std::clamp<long long>(doc["expires_in"].get<long long>(), 0, 86400);
    tokens_[scope] =
        Token{token, std::chrono::steady_clock::now() + std::chrono::seconds(expires_in)};
    return token;
}

HttpResponse RegistryClient::call(HttpRequest request, const std::string& scope, bool idempotent,
                                  const std::function<void()>& before_attempt) {
    bool reauthenticated = false;
    int attempt = 0;
    const HeaderList base_headers = request.headers;
    for (;;) {
        request.headers = base_headers;
        if (auto auth = authorization(scope))
            request.headers.emplace_back("Authorization", *auth);
        if (before_attempt)
            before_attempt();
        HttpResponse resp;
        try {
            ++requests_;
            resp = http_.send(request);
        } catch (const TransportError& e) {
            if (e.retryable() && idempotent && attempt < options_.retry.max_retries) {
                std::this_thread::sleep_for(backoff_delay(options_.retry, attempt++, jitter(), {}));
                continue;
            }
            throw;
        }
        if (resp.status == 401 && !reauthenticated) {
            learn_challenge(resp, scope);
            reauthenticated = true;
            continue;
        }
        if (retryable_status(resp.status) && idempotent && attempt < options_.retry.max_retries) {
            std::optional<std::chrono::milliseconds> after;
            if (auto ra = resp.header("retry-after"))
                after = parse_retry_after(*ra, std::chrono::system_clock::now());
            std::this_thread::sleep_for(backoff_delay(options_.retry, attempt++, jitter(), after));
            continue;
        }
        return resp;
    }
}

void RegistryClient::fail(const std::string& what, const HttpResponse& response) const {
    std::string detail = describe_error_body(response.body);
    std::string msg = what + ": " + registry_ + " answered " + std::to_string(response.status);
    if (!detail.empty())
        msg += " " + detail;
    if (response.status == 401)
        msg += credentials_ ? " (credentials rejected)"
                            : " (no credentials: run `ig login " + registry_ + "`)";
    throw RegistryError(msg);
}

void RegistryClient::ping() {
    HttpRequest req;
    req.url = base_url() + "/v2/";
    HttpResponse resp = call(req, "", true);
    if (resp.status != 200)
        fail("checking the registry API at " + req.url, resp);
}

FetchedManifest RegistryClient::get_manifest(const std::string& repository,
                                             const std::string& reference) {
    std::string where =
        registry_ + "/" + repository + (reference.starts_with("sha256:") ? "@" : ":") + reference;
    HttpRequest req;
    req.url = base_url() + "/v2/" + repository + "/manifests/" + reference;
    req.headers.emplace_back("Accept", manifest_accept());
    req.max_body = kMaxManifestBytes;
    HttpResponse resp;
    try {
        resp = call(req, repository_scope(repository, "pull"), true);
    } catch (const RegistryError& e) {
        throw RegistryError("fetching manifest " + where + ": " + e.what());
    }
    if (resp.status != 200)
        fail("fetching manifest " + where, resp);
    FetchedManifest out;
    out.media_type = strip_media_type_parameters(resp.header("content-type").value_or(""));
    if (!is_manifest_type(out.media_type))
        throw RegistryError("manifest " + where + " has content type '" + clean(out.media_type) +
                            "', not an OCI or Docker manifest or index");
    out.bytes = std::move(resp.body);
    out.digest = Digest::of(out.bytes);
    if (reference.starts_with("sha256:")) {
        if (out.digest.str() != reference)
            throw RegistryError("manifest " + where + " does not match its digest (received " +
                                out.digest.str() + ")");
    } else if (auto dcd = resp.header("docker-content-digest"); dcd && !dcd->empty()) {
        if (*dcd != out.digest.str())
            throw RegistryError("manifest " + where + ": Docker-Content-Digest " + clean(*dcd) +
                                " does not match the received bytes (" + out.digest.str() + ")");
    }
    std::string declared;
    try {
        declared = document_media_type(out.bytes);
    } catch (const RegistryError& e) {
        throw RegistryError("manifest " + where + ": " + e.what());
    }
    if (!declared.empty() && declared != out.media_type)
        throw RegistryError("manifest " + where + " declares mediaType '" + clean(declared) +
                            "' but was served as '" + out.media_type + "'");
    return out;
}

std::optional<Descriptor> RegistryClient::head_manifest(const std::string& repository,
                                                        const std::string& reference) {
    HttpRequest req;
    req.method = "HEAD";
    req.url = base_url() + "/v2/" + repository + "/manifests/" + reference;
    req.headers.emplace_back("Accept", manifest_accept());
    HttpResponse resp = call(req, repository_scope(repository, "pull"), true);
    if (resp.status == 404)
        return std::nullopt;
    if (resp.status != 200)
        fail("checking manifest " + registry_ + "/" + repository + ":" + reference, resp);
    Descriptor d;
    d.media_type = strip_media_type_parameters(resp.header("content-type").value_or(""));
    auto dcd = resp.header("docker-content-digest");
    if (!dcd)
        throw RegistryError("HEAD of manifest " + registry_ + "/" + repository + ":" + reference +
                            " gave no Docker-Content-Digest");
    d.digest = Digest::parse(*dcd);
    d.size = parse_u64(resp.header("content-length").value_or("")).value_or(0);
    return d;
}

bool RegistryClient::has_blob(const std::string& repository, const Digest& digest,
                              std::uint64_t size) {
    HttpRequest req;
    req.method = "HEAD";
    req.url = base_url() + "/v2/" + repository + "/blobs/" + digest.str();
    HttpResponse resp = call(req, repository_scope(repository, "pull"), true);
    if (resp.status == 404)
        return false;
    if (resp.status != 200)
        fail("checking blob " + digest.str() + " in " + repository, resp);
    auto len = parse_u64(resp.header("content-length").value_or(""));
    return !len || *len == size;
}

void RegistryClient::fetch_blob(const std::string& repository, const Descriptor& blob,
                                LocalStore& store) {
    std::string where = "blob " + blob.digest.str() + " of " + registry_ + "/" + repository;
    if (blob.size > kMaxBlobBytes)
        throw RegistryError(where + " is larger than the limit (" + std::to_string(blob.size) +
                            " bytes)");
    TempFile temp{store.make_temp_path()};
    FdCloser fd{::open(temp.path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600)};
    if (fd.fd < 0)
        throw RegistryError("cannot create " + temp.path.string() + ": " + std::strerror(errno));
    std::uint64_t received = 0;
    std::optional<Sha256> hash;
    HttpRequest req;
    req.url = base_url() + "/v2/" + repository + "/blobs/" + blob.digest.str();
    req.bulk = true;
    req.sink = [&](std::string_view chunk) {
        received += chunk.size();
        if (received > blob.size)
            throw RegistryError(where + " is larger than its descriptor's size (" +
                                std::to_string(blob.size) + " bytes)");
        hash->update(chunk.data(), chunk.size());
        write_all(fd.fd, chunk, temp.path);
    };
    auto restart = [&] { // a retry starts the file over
        received = 0;
        hash.emplace();
        if (::ftruncate(fd.fd, 0) != 0 || ::lseek(fd.fd, 0, SEEK_SET) != 0)
            throw RegistryError("cannot truncate " + temp.path.string() + ": " +
                                std::strerror(errno));
    };
    HttpResponse resp;
    try {
        resp = call(req, repository_scope(repository, "pull"), true, restart);
    } catch (const RegistryError& e) {
        throw RegistryError("fetching " + where + ": " + e.what());
    }
    if (resp.status != 200)
        fail("fetching " + where, resp);
    if (received != blob.size)
        throw RegistryError(where + " is truncated: received " + std::to_string(received) + " of " +
                            std::to_string(blob.size) + " bytes");
    Digest got = hash->finish();
    if (got != blob.digest)
        throw RegistryError(where + " does not match its digest (received " + got.str() + ")");
    if (::fsync(fd.fd) != 0)
        throw RegistryError("fsync " + temp.path.string() + ": " + std::strerror(errno));
    ::close(fd.fd);
    fd.fd = -1;
    store.commit_blob(temp.path, blob.digest, blob.size);
    temp.path.clear();
}

BlobPush RegistryClient::push_blob(const std::string& repository, const Digest& digest,
                                   std::string_view bytes,
                                   const std::vector<std::string>& mount_from) {
    if (has_blob(repository, digest, bytes.size()))
        return BlobPush::Existed;
    std::string where = "uploading blob " + digest.str() + " to " + registry_ + "/" + repository;
    std::string location;
    for (const auto& from : mount_from) {
        if (from == repository)
            continue;
        HttpRequest req;
        req.method = "POST";
        req.url = add_query(
            add_query(base_url() + "/v2/" + repository + "/blobs/uploads/", "mount", digest.str()),
            "from", from);
        std::string scope =
            repository_scope(repository, "pull,push") + " " + repository_scope(from, "pull");
        HttpResponse resp = call(req, scope, true);
        if (resp.status == 201)
            return BlobPush::Mounted;
        if (resp.status == 202 && resp.header("location")) {
            location = resolve_url(resp.url, *resp.header("location")); // an upload session
            break;
        }
    }
    std::string scope = repository_scope(repository, "pull,push");
    if (location.empty()) {
        HttpRequest req;
        req.method = "POST";
        req.url = base_url() + "/v2/" + repository + "/blobs/uploads/";
        HttpResponse resp = call(req, scope, true);
        if (resp.status != 202)
            fail(where, resp);
        auto loc = resp.header("location");
        if (!loc || loc->empty())
            throw RegistryError(where + ": the registry gave no upload Location");
        location = resolve_url(resp.url, *loc);
    }
    auto same_origin = [&](const std::string& url) {
        auto a = split_url(url), b = split_url(base_url());
        if (a.host_port != b.host_port)
            throw RegistryError(where + ": upload location points to another host (" +
                                clean(a.host_port) + ")");
    };
    same_origin(location);
    std::string_view final_body = bytes;
    if (options_.chunk_size > 0 && bytes.size() > options_.chunk_size) {
        location = upload_chunked(repository, location, bytes, scope);
        same_origin(location);
        final_body = {};
    }
    HttpRequest put;
    put.method = "PUT";
    put.url = add_query(location, "digest", digest.str());
    put.body = final_body;
    put.bulk = true;
    put.headers.emplace_back("Content-Type", "application/octet-stream");
    HttpResponse resp = call(put, scope, false);
    if (resp.status != 201)
        fail(where, resp);
    if (auto dcd = resp.header("docker-content-digest"); dcd && *dcd != digest.str())
        throw RegistryError(where + ": the registry stored digest " + clean(*dcd));
    return BlobPush::Uploaded;
}

std::string RegistryClient::upload_chunked(const std::string& repository, std::string location,
                                           std::string_view bytes, const std::string& scope) {
    std::string where = "chunked upload to " + registry_ + "/" + repository;
    std::uint64_t offset = 0;
    while (offset < bytes.size()) {
        std::uint64_t len = std::min<std::uint64_t>(options_.chunk_size, bytes.size() - offset);
        std::uint64_t end = offset + len - 1;
        HttpRequest req;
        req.method = "PATCH";
        req.url = location;
        req.body = bytes.substr(offset, len);
        req.bulk = true;
        req.headers.emplace_back("Content-Type", "application/octet-stream");
        req.headers.emplace_back("Content-Range",
                                 std::to_string(offset) + "-" + std::to_string(end));
        HttpResponse resp = call(req, scope, false);
        if (resp.status != 202 && resp.status != 201 && resp.status != 204)
            fail(where + " at offset " + std::to_string(offset), resp);
        // docker-registry 2.8 ignores Content-Range and appends; trust only its Range answer.
        std::string range = resp.header("range").value_or("");
        if (range.starts_with("bytes="))
            range = range.substr(6);
        if (range != "0-" + std::to_string(end))
            throw RegistryError(where + ": after sending bytes up to " + std::to_string(end) +
                                " the registry reports Range '" + clean(range) + "'");
        auto loc = resp.header("location");
        if (!loc || loc->empty())
            throw RegistryError(where + ": the registry gave no Location after a chunk");
        location = resolve_url(resp.url, *loc); // always the newest: older ones are stale
        offset += len;
    }
    return location;
}

void RegistryClient::put_manifest(const std::string& repository, const std::string& reference,
                                  const std::string& media_type, std::string_view bytes) {
    std::string where = "pushing manifest " + registry_ + "/" + repository +
                        (reference.starts_with("sha256:") ? "@" : ":") + reference;
    if (bytes.size() > kMaxManifestBytes)
        throw RegistryError(where + ": manifest is larger than 4 MiB");
    HttpRequest req;
    req.method = "PUT";
    req.url = base_url() + "/v2/" + repository + "/manifests/" + reference;
    req.body = bytes;
    req.headers.emplace_back("Content-Type", media_type);
    HttpResponse resp = call(req, repository_scope(repository, "pull,push"), true);
    if (resp.status != 201)
        fail(where, resp);
    std::string ours = Digest::of(bytes).str();
    if (auto dcd = resp.header("docker-content-digest"); dcd && *dcd != ours)
        throw RegistryError(where + ": the registry reports digest " + clean(*dcd) +
                            " instead of " + ours);
}

std::vector<std::string> RegistryClient::list_tags(const std::string& repository,
                                                   std::size_t page_size) {
    std::string url = base_url() + "/v2/" + repository + "/tags/list";
    if (page_size > 0)
        url = add_query(url, "n", std::to_string(page_size));
    std::string where = "listing tags of " + registry_ + "/" + repository;
    std::vector<std::string> tags;
    std::set<std::string> seen_tags, seen_urls;
    for (std::size_t page = 0;; ++page) {
        if (page >= kMaxTagPages)
            throw RegistryError(where + ": more than " + std::to_string(kMaxTagPages) + " pages");
        if (!seen_urls.insert(url).second)
            throw RegistryError(where + ": the registry's pagination loops");
        HttpRequest req;
        req.url = url;
        req.max_body = kMaxTagListBytes;
        HttpResponse resp = call(req, repository_scope(repository, "pull"), true);
        if (resp.status != 200)
            fail(where, resp);
        auto doc = nlohmann::json::parse(resp.body, nullptr, false);
        if (doc.is_discarded() || !doc.is_object() || !doc.contains("tags"))
            throw RegistryError(where + ": the answer is not a tag list");
        if (!doc["tags"].is_null()) {
            if (!doc["tags"].is_array())
                throw RegistryError(where + ": 'tags' is not an array");
            for (const auto& t : doc["tags"]) {
                if (!t.is_string())
                    throw RegistryError(where + ": a tag is not a string");
                std::string tag = t.get<std::string>();
                bool valid = !tag.empty() && tag.size() <= 128 &&
                             (std::isalnum(static_cast<unsigned char>(tag[0])) || tag[0] == '_');
                for (char c : tag)
                    valid = valid && (std::isalnum(static_cast<unsigned char>(c)) || c == '_' ||
                                      c == '.' || c == '-');
                if (!valid)
                    throw RegistryError(where + ": invalid tag '" + clean(tag) + "'");
                if (seen_tags.insert(tag).second)
                    tags.push_back(tag);
            }
        }
        auto link = resp.header("link");
        if (!link)
            break;
        auto next = next_link(*link);
        if (!next)
            break;
        std::string next_url = resolve_url(resp.url, *next);
        auto a = split_url(next_url), b = split_url(resp.url);
        if (a.scheme != b.scheme || a.host_port != b.host_port)
            throw RegistryError(where + ": the next page is on another origin (" +
                                clean(a.host_port) + ")");
        url = next_url;
    }
    return tags;
}

} // namespace ig::registry::remote

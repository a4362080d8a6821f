// SPDX-License-Identifier: Apache-2.0
// The OCI distribution-spec API of one registry: ping, manifests, blobs, uploads, tags, with
// authentication (anonymous or credentialed Bearer tokens, Basic) and bounded retries. Every
// digest and size received is verified before anything is returned or stored.
#pragma once

#include "registry/digest.h"
#include "registry/local_store.h"
#include "registry/oci.h"
#include "registry/remote/credentials.h"
#include "registry/remote/http.h"
#include "registry/remote/retry.h"
#include "registry/remote/www_authenticate.h"

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ig::registry::remote {

struct ClientOptions {
    TransportOptions transport;
    RetryPolicy retry;
    // Blobs larger than this are uploaded in PATCH chunks of this size; 0 = always monolithic.
    std::uint64_t chunk_size = 0;
};

struct FetchedManifest {
    std::string media_type; // Content-Type without parameters
    std::string bytes;      // exactly as received
    Digest digest = Digest::of("");
};

enum class BlobPush { Existed, Mounted, Uploaded };

class RegistryClient {
public:
    RegistryClient(std::string registry, ClientOptions options,
                   std::optional<Credentials> credentials);

    const std::string& registry() const { return registry_; }

    // GET /v2/, authenticating when challenged (with no repository scope): checks that the
    // registry speaks the API and, with credentials, that it accepts them.
    void ping();

    // GET a manifest or index. A digest reference is verified against the bytes; for a tag the
    // digest is computed from the bytes and Docker-Content-Digest, if sent, must agree.
    FetchedManifest get_manifest(const std::string& repository, const std::string& reference);
    // HEAD; nullopt on 404.
    std::optional<Descriptor> head_manifest(const std::string& repository,
                                            const std::string& reference);
    bool has_blob(const std::string& repository, const Digest& digest, std::uint64_t size);
    // Streams the blob into the store (temp file, then LocalStore::commit_blob), verifying size
    // and digest on the way.
    void fetch_blob(const std::string& repository, const Descriptor& blob, LocalStore& store);
    // HEAD first (skip if present), then a cross-repository mount from each of `mount_from`,
    // then an upload (monolithic or chunked per ClientOptions::chunk_size).
    BlobPush push_blob(const std::string& repository, const Digest& digest, std::string_view bytes,
                       const std::vector<std::string>& mount_from = {});
    // PUT; the response's Docker-Content-Digest must match the bytes' digest.
    void put_manifest(const std::string& repository, const std::string& reference,
                      const std::string& media_type, std::string_view bytes);
    // Follows Link rel="next" (same origin only, bounded pages). page_size 0 = server default.
    std::vector<std::string> list_tags(const std::string& repository, std::size_t page_size = 0);

    // Counters for reports and tests.
    std::size_t requests_sent() const { return requests_; }

private:
    struct Token {
        std::string value;
        std::chrono::steady_clock::time_point expires;
    };

    const std::string& base_url();
    HttpResponse call(HttpRequest request, const std::string& scope, bool idempotent,
                      const std::function<void()>& before_attempt = {});
    std::optional<std::string> authorization(const std::string& scope);
    void learn_challenge(const HttpResponse& response, const std::string& scope);
    std::string fetch_token(const std::string& scope);
    [[noreturn]] void fail(const std::string& what, const HttpResponse& response) const;
    std::string upload_chunked(const std::string& repository, std::string location,
                               std::string_view bytes, const std::string& scope);

    std::string registry_;
    ClientOptions options_;
    std::optional<Credentials> credentials_;
    HttpClient http_;
    std::string base_;
    std::optional<Challenge> bearer_;
    bool basic_ = false;
    std::map<std::string, Token> tokens_; // by scope
    std::size_t requests_ = 0;
};

// "repository:<name>:pull" etc.
std::string repository_scope(const std::string& repository, const std::string& actions);
// The message of an OCI error body ({"errors":[{"code","message"}]}), or a cleaned prefix of a
// non-JSON body; empty if there is nothing useful.
std::string describe_error_body(std::string_view body);
// "application/vnd.oci.image.index.v1+json; charset=utf-8" →
// "application/vnd.oci.image.index.v1+json"
std::string strip_media_type_parameters(std::string_view content_type);

} // namespace ig::registry::remote

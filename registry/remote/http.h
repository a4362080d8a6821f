// SPDX-License-Identifier: Apache-2.0
// A small HTTP client on libcurl: one reused easy handle (keep-alive), http/https only, TLS with
// the system CAs or a CA file, unverified TLS only for listed insecure registries, redirects
// followed by hand (bounded, no https→http downgrade, Authorization dropped across origins),
// in-memory bodies capped while they stream, and 2xx bodies optionally streamed to a sink.
#pragma once

#include "registry/error.h"

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ig::registry::remote {

struct TransportOptions {
    // Connect timeout and stall timeout (no progress for this long); also the total limit for
    // small requests (manifests, tokens, pings).
    std::chrono::seconds timeout{30};
    std::string ca_file;                          // PEM bundle added trust; empty = system CAs
    std::vector<std::string> insecure_registries; // "host:port": plain HTTP or unverified TLS
    int max_redirects = 5;
};

// A failure below HTTP (DNS, connect, TLS, timeout, truncated body).
class TransportError : public RegistryError {
public:
    TransportError(const std::string& message, int curl_code, bool retryable)
        : RegistryError(message), curl_code_(curl_code), retryable_(retryable) {}
    int curl_code() const { return curl_code_; }
    bool retryable() const { return retryable_; }
    bool tls_failure() const;

private:
    int curl_code_;
    bool retryable_;
};

using HeaderList = std::vector<std::pair<std::string, std::string>>;

struct HttpResponse {
    long status = 0;
    std::string url;    // after redirects
    HeaderList headers; // names in lower case, in order received (last response only)
    std::string body;   // non-2xx bodies are truncated at 64 KiB
    std::optional<std::string> header(std::string_view name) const;
    std::vector<std::string> headers_named(std::string_view name) const;
};

struct HttpRequest {
    std::string method = "GET";
    std::string url;
    HeaderList headers;
    std::string_view body;                      // sent for POST/PUT/PATCH (may be empty)
    std::size_t max_body = 64 * 1024;           // 2xx body kept in memory beyond this is an error
    std::function<void(std::string_view)> sink; // if set, receives 2xx bodies instead
    bool bulk = false;                          // a blob transfer: no total time limit
};

class HttpClient {
public:
    explicit HttpClient(TransportOptions options);
    ~HttpClient();
    HttpClient(const HttpClient&) = delete;
    HttpClient& operator=(const HttpClient&) = delete;

    // Sends, following redirects. Throws TransportError below HTTP and RegistryError for a bad
    // redirect or an oversized body; any HTTP status is returned.
    HttpResponse send(const HttpRequest& request);

    const TransportOptions& options() const { return options_; }
    bool is_insecure(std::string_view host_port) const;

private:
    HttpResponse perform(const HttpRequest& request, const std::string& url);

    struct Handle;
    std::unique_ptr<Handle> handle_;
    TransportOptions options_;
};

// URL helpers (libcurl's URL API).
// `location` resolved against `base` (absolute, or relative per RFC 3986).
std::string resolve_url(const std::string& base, const std::string& location);
struct UrlParts {
    std::string scheme, host_port, path_and_query;
};
UrlParts split_url(const std::string& url);
// Appends name=value (URL-encoded value) with '?' or '&' as needed, keeping any fragment out.
std::string add_query(const std::string& url, std::string_view name, std::string_view value);
std::string url_encode(std::string_view text);

} // namespace ig::registry::remote

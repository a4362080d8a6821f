// SPDX-License-Identifier: Apache-2.0
#include "registry/remote/http.h"

#include <algorithm>
#include <cctype>
#include <curl/curl.h>
#include <exception>
#include <mutex>

namespace ig::registry::remote {
namespace {

constexpr std::size_t kMaxErrorBody = 64 * 1024;
constexpr std::size_t kMaxHeaderBytes = 64 * 1024;
// Below this average rate for `timeout` seconds a transfer counts as stalled (slowloris).
constexpr long kLowSpeedBytesPerSecond = 512;

struct CurlDeleter {
    void operator()(CURL* h) const { curl_easy_cleanup(h); }
};
struct SlistDeleter {
    void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};
struct UrlDeleter {
    void operator()(CURLU* u) const { curl_url_cleanup(u); }
};
struct CurlFree {
    void operator()(char* p) const { curl_free(p); }
};
using CurlString = std::unique_ptr<char, CurlFree>;

void global_init() {
    static std::once_flag once;
    std::call_once(once, [] {
        if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
            throw RegistryError("libcurl initialisation failed");
    });
}

std::string lower(std::string_view s) {
    std::string out(s);
    for (auto& c : out)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
        s.remove_prefix(1);
    while (!s.empty() &&
           (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n'))
        s.remove_suffix(1);
    return s;
}

// State shared with libcurl's callbacks during one transfer.
struct Transfer {
    const HttpRequest* request = nullptr;
    const std::string* url = nullptr;
    HttpResponse response;
    std::size_t header_bytes = 0;
    std::exception_ptr error;

    bool success() const { return response.status >= 200 && response.status < 300; }
};

std::size_t on_header(char* data, std::size_t size, std::size_t n, void* user) {
    auto* t = static_cast<Transfer*>(user);
    std::string_view line(data, size * n);
    t->header_bytes += line.size();
    if (t->header_bytes > kMaxHeaderBytes) {
        t->error = std::make_exception_ptr(
            RegistryError("response headers from " + *t->url + " exceed 64 KiB"));
        return 0;
    }
    if (line.starts_with("HTTP/")) {
        // A new response (after 100 Continue, or a proxy's): start over.
        t->response.headers.clear();
        t->response.body.clear();
        auto sp = line.find(' ');
        t->response.status =
            sp == std::string_view::npos
                ? 0
                : std::strtol(std::string(line.substr(sp + 1, 3)).c_str(), nullptr, 10);
        return line.size();
    }
    auto colon = line.find(':');
    if (colon != std::string_view::npos)
        t->response.headers.emplace_back(lower(trim(line.substr(0, colon))),
                                         std::string(trim(line.substr(colon + 1))));
    return line.size();
}

std::size_t on_body(char* data, std::size_t size, std::size_t n, void* user) {
    auto* t = static_cast<Transfer*>(user);
    std::size_t len = size * n;
    long status = t->response.status;
    if (status >= 300 && status < 400)
        return len; // a redirect's body is never used
    if (t->success() && t->request->sink) {
        try {
            t->request->sink(std::string_view(data, len));
        } catch (...) {
            t->error = std::current_exception();
            return 0; // aborts the transfer with CURLE_WRITE_ERROR
        }
        return len;
    }
    auto& body = t->response.body;
    if (!t->success()) {
        // Error bodies only feed messages: keep the start, drop the rest.
        body.append(data, std::min(len, kMaxErrorBody - std::min(kMaxErrorBody, body.size())));
        return len;
    }
    if (body.size() + len > t->request->max_body) {
        t->error = std::make_exception_ptr(
            RegistryError("response from " + *t->url + " is larger than the limit of " +
                          std::to_string(t->request->max_body) + " bytes"));
        return 0;
    }
    body.append(data, len);
    return len;
}

bool retryable_curl_code(CURLcode rc) {
    switch (rc) {
    case CURLE_COULDNT_CONNECT:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
        return true;
    default:
        return false;
    }
}

template <typename T> void setopt(CURL* h, CURLoption opt, T value) {
    CURLcode rc = curl_easy_setopt(h, opt, value);
    if (rc != CURLE_OK)
        throw RegistryError(std::string("libcurl option failed: ") + curl_easy_strerror(rc));
}

std::unique_ptr<CURLU, UrlDeleter> parse_url(const std::string& url) {
    std::unique_ptr<CURLU, UrlDeleter> u(curl_url());
    if (!u)
        throw RegistryError("out of memory parsing URL");
    if (curl_url_set(u.get(), CURLUPART_URL, url.c_str(), 0) != CURLUE_OK)
        throw RegistryError("invalid URL '" + url.substr(0, 200) + "'");
    return u;
}

std::string url_part(CURLU* u, CURLUPart part) {
    char* raw = nullptr;
    if (curl_url_get(u, part, &raw, 0) != CURLUE_OK || raw == nullptr)
        return {};
    CurlString owned(raw);
    return std::string(owned.get());
}

} // namespace

bool TransportError::tls_failure() const {
    auto rc = static_cast<CURLcode>(curl_code_);
    return rc == CURLE_SSL_CONNECT_ERROR || rc == CURLE_PEER_FAILED_VERIFICATION ||
           rc == CURLE_SSL_CERTPROBLEM || rc == CURLE_SSL_CACERT_BADFILE;
}

std::optional<std::string> HttpResponse::header(std::string_view name) const {
    for (const auto& [k, v] : headers)
        if (k == name)
            return v;
    return std::nullopt;
}

std::vector<std::string> HttpResponse::headers_named(std::string_view name) const {
    std::vector<std::string> out;
    for (const auto& [k, v] : headers)
        if (k == name)
            out.push_back(v);
    return out;
}

struct HttpClient::Handle {
    std::unique_ptr<CURL, CurlDeleter> curl;
};

HttpClient::HttpClient(TransportOptions options)
    : handle_(std::make_unique<Handle>()), options_(std::move(options)) {
    global_init();
    handle_->curl.reset(curl_easy_init());
    if (!handle_->curl)
        throw RegistryError("libcurl: cannot create a handle");
}

HttpClient::~HttpClient() = default;

bool HttpClient::is_insecure(std::string_view host_port) const {
    return std::find(options_.insecure_registries.begin(), options_.insecure_registries.end(),
                     host_port) != options_.insecure_registries.end();
}

HttpResponse HttpClient::perform(const HttpRequest& request, const std::string& url) {
    CURL* h = handle_->curl.get();
    curl_easy_reset(h); // keeps the connection cache: keep-alive across requests
    Transfer t;
    t.request = &request;
    t.url = &url;

    char errbuf[CURL_ERROR_SIZE] = {0};
    setopt(h, CURLOPT_ERRORBUFFER, errbuf);
    setopt(h, CURLOPT_URL, url.c_str());
    setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
    setopt(h, CURLOPT_FOLLOWLOCATION, 0L); // redirects are checked by hand in send()
    setopt(h, CURLOPT_NOSIGNAL, 1L);
    setopt(h, CURLOPT_USERAGENT, "ig");
    auto secs = static_cast<long>(options_.timeout.count());
    setopt(h, CURLOPT_CONNECTTIMEOUT, secs);
    setopt(h, CURLOPT_LOW_SPEED_LIMIT, kLowSpeedBytesPerSecond);
    setopt(h, CURLOPT_LOW_SPEED_TIME, secs);
    if (!request.bulk)
        setopt(h, CURLOPT_TIMEOUT, secs);

    auto parts = split_url(url);
    if (parts.scheme == "https") {
        if (is_insecure(parts.host_port)) {
            setopt(h, CURLOPT_SSL_VERIFYPEER, 0L);
            setopt(h, CURLOPT_SSL_VERIFYHOST, 0L);
        } else if (!options_.ca_file.empty()) {
            // The CA file is trusted in addition to the system store.
            setopt(h, CURLOPT_CAINFO, options_.ca_file.c_str());
            setopt(h, CURLOPT_CAPATH, "/etc/ssl/certs");
        }
    }

    std::unique_ptr<curl_slist, SlistDeleter> headers;
    auto append = [&](const std::string& line) {
        curl_slist* next = curl_slist_append(headers.get(), line.c_str());
        if (!next)
            throw RegistryError("out of memory building request headers");
        headers.release();
        headers.reset(next);
    };
    append("Expect:"); // no 100-continue round trip for uploads
    for (const auto& [k, v] : request.headers)
        append(k + ": " + v);

    const std::string& m = request.method;
    if (m == "HEAD") {
        setopt(h, CURLOPT_NOBODY, 1L);
    } else if (m == "GET") {
        setopt(h, CURLOPT_HTTPGET, 1L);
    } else if (m == "POST" || m == "PUT" || m == "PATCH") {
        bool has_type =
            std::any_of(request.headers.begin(), request.headers.end(),
                        [](const auto& kv) { return lower(kv.first) == "content-type"; });
        if (!has_type) // curl would send application/x-www-form-urlencoded
            append("Content-Type: application/octet-stream");
        setopt(h, CURLOPT_POST, 1L);
        setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
        setopt(h, CURLOPT_POSTFIELDS, request.body.empty() ? "" : request.body.data());
        if (m != "POST")
            setopt(h, CURLOPT_CUSTOMREQUEST, m.c_str());
    } else {
        setopt(h, CURLOPT_CUSTOMREQUEST, m.c_str());
    }
    setopt(h, CURLOPT_HTTPHEADER, headers.get());
    setopt(h, CURLOPT_HEADERFUNCTION, on_header);
    setopt(h, CURLOPT_HEADERDATA, &t);
    setopt(h, CURLOPT_WRITEFUNCTION, on_body);
    setopt(h, CURLOPT_WRITEDATA, &t);

    CURLcode rc = curl_easy_perform(h);
    if (t.error)
        std::rethrow_exception(t.error);
    if (rc != CURLE_OK) {
        std::string detail = errbuf[0] ? errbuf : curl_easy_strerror(rc);
        if (rc == CURLE_OPERATION_TIMEDOUT)
            detail = "timed out after " + std::to_string(secs) + "s (" + detail + ")";
        throw TransportError(request.method + " " + url + ": " + detail, static_cast<int>(rc),
                             retryable_curl_code(rc));
    }
    long status = 0;
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
    t.response.status = status;
    t.response.url = url;
    return std::move(t.response);
}

HttpResponse HttpClient::send(const HttpRequest& request) {
    HttpRequest current = request;
    std::string url = request.url;
    for (int hops = 0;; ++hops) {
        HttpResponse response = perform(current, url);
        long s = response.status;
        bool redirect = s == 301 || s == 302 || s == 303 || s == 307 || s == 308;
        auto location = response.header("location");
        if (!redirect || !location)
            return response;
        if (hops >= options_.max_redirects)
            throw RegistryError("too many redirects (more than " +
                                std::to_string(options_.max_redirects) + ") from " + request.url);
        std::string next = resolve_url(url, *location);
        auto from = split_url(url);
        auto to = split_url(next);
        if (to.scheme != "http" && to.scheme != "https")
            throw RegistryError("refusing redirect to '" + next.substr(0, 200) + "'");
        if (from.scheme == "https" && to.scheme == "http")
            throw RegistryError("refusing redirect from https to http: " + next.substr(0, 200));
        if (from.scheme != to.scheme || from.host_port != to.host_port) {
            // Credentials are for the registry, not for wherever it sends us (S3, a CDN).
            std::erase_if(current.headers,
                          [](const auto& kv) { return lower(kv.first) == "authorization"; });
        }
        if (s == 303 || ((s == 301 || s == 302) && current.method == "POST")) {
            current.method = "GET";
            current.body = {};
        }
        url = std::move(next);
    }
}

std::string resolve_url(const std::string& base, const std::string& location) {
    auto u = parse_url(base);
    if (curl_url_set(u.get(), CURLUPART_URL, location.c_str(), 0) != CURLUE_OK)
        throw RegistryError("invalid redirect or upload location '" + location.substr(0, 200) +
                            "'");
    // A fragment is never sent; drop it instead of carrying it into later query appends.
    curl_url_set(u.get(), CURLUPART_FRAGMENT, nullptr, 0);
    std::string out = url_part(u.get(), CURLUPART_URL);
    if (out.empty())
        throw RegistryError("invalid location '" + location.substr(0, 200) + "'");
    return out;
}

UrlParts split_url(const std::string& url) {
    auto u = parse_url(url);
    UrlParts p;
    p.scheme = lower(url_part(u.get(), CURLUPART_SCHEME));
    p.host_port = lower(url_part(u.get(), CURLUPART_HOST));
    std::string port = url_part(u.get(), CURLUPART_PORT);
    if (!port.empty())
        p.host_port += ":" + port;
    p.path_and_query = url_part(u.get(), CURLUPART_PATH);
    std::string query = url_part(u.get(), CURLUPART_QUERY);
    if (!query.empty())
        p.path_and_query += "?" + query;
    return p;
}

std::string url_encode(std::string_view text) {
    static const char* hex = "0123456789ABCDEF";
    std::string out;
    for (unsigned char c : text) {
        if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
            out.push_back(static_cast<char>(c));
        } else {
            out.push_back('%');
            out.push_back(hex[c >> 4]);
            out.push_back(hex[c & 15]);
        }
    }
    return out;
}

std::string add_query(const std::string& url, std::string_view name, std::string_view value) {
    std::string base = url.substr(0, url.find('#'));
    char sep = base.find('?') == std::string::npos ? '?' : '&';
    if (base.back() == '?' || base.back() == '&')
        return base + std::string(name) + "=" + url_encode(value);
    return base + sep + std::string(name) + "=" + url_encode(value);
}

} // namespace ig::registry::remote

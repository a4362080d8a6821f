// SPDX-License-Identifier: Apache-2.0
// Content digests ("sha256:<64 lowercase hex>") and streaming SHA-256 (OpenSSL EVP).
#pragma once

#include <cstddef>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

namespace ig::registry {

class Digest {
public:
    // Throws RegistryError unless text is "sha256:" followed by 64 lowercase hex digits.
    static Digest parse(std::string_view text);
    static Digest of(std::string_view bytes);
    static Digest of_file(const std::filesystem::path& path);

    const std::string& str() const { return text_; } // "sha256:…"
    std::string_view hex() const { return std::string_view(text_).substr(7); }
    friend bool operator==(const Digest&, const Digest&) = default;
    friend auto operator<=>(const Digest&, const Digest&) = default;

private:
    explicit Digest(std::string text) : text_(std::move(text)) {}
    std::string text_;
};

// Incremental hashing, for blobs streamed from the network to a file.
class Sha256 {
public:
    Sha256();
    ~Sha256();
    Sha256(const Sha256&) = delete;
    Sha256& operator=(const Sha256&) = delete;
    void update(const void* data, std::size_t size);
    Digest finish();

private:
    struct State;
    std::unique_ptr<State> state_;
};

} // namespace ig::registry

// SPDX-License-Identifier: Apache-2.0
#include "registry/digest.h"

#include "registry/error.h"

#include <array>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <openssl/evp.h>
#include <unistd.h>

namespace ig::registry {
namespace {

constexpr std::string_view kPrefix = "sha256:";

// Printable form of untrusted text for error messages: at most 80 characters, no control bytes.
std::string quoted(std::string_view text) {
    std::string out;
    for (char c : text.substr(0, 80))
        out += (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) ? '?' : c;
    if (text.size() > 80)
        out += "…";
    return "'" + out + "'";
}

struct MdCtxDeleter {
    void operator()(EVP_MD_CTX* ctx) const { EVP_MD_CTX_free(ctx); }
};

} // namespace

Digest Digest::parse(std::string_view text) {
    if (!text.starts_with(kPrefix)) {
        auto colon = text.find(':');
        if (colon == std::string_view::npos)
            throw RegistryError("invalid digest " + quoted(text) +
                                ": expected sha256:<64 hex digits>");
        throw RegistryError("unsupported digest algorithm " + quoted(text.substr(0, colon)) +
                            " in " + quoted(text) + ": only sha256 is supported");
    }
    std::string_view hex = text.substr(kPrefix.size());
    if (hex.size() != 64)
        throw RegistryError("invalid digest " + quoted(text) + ": expected 64 hex digits, got " +
                            std::to_string(hex.size()));
    for (char c : hex)
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
            throw RegistryError("invalid digest " + quoted(text) +
                                ": hex digits must be 0-9 or lowercase a-f");
    return Digest(std::string(text));
}

Digest Digest::of(std::string_view bytes) {
    Sha256 h;
    h.update(bytes.data(), bytes.size());
    return h.finish();
}

Digest Digest::of_file(const std::filesystem::path& path) {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        throw RegistryError("cannot open " + path.string() + ": " + std::strerror(errno));
    Sha256 h;
    std::array<char, 1 << 16> buf;
    for (;;) {
        ssize_t n = ::read(fd, buf.data(), buf.size());
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            int err = errno;
            ::close(fd);
            throw RegistryError("cannot read " + path.string() + ": " + std::strerror(err));
        }
        if (n == 0)
            break;
        h.update(buf.data(), static_cast<std::size_t>(n));
    }
    ::close(fd);
    return h.finish();
}

struct Sha256::State {
    std::unique_ptr<EVP_MD_CTX, MdCtxDeleter> ctx;
};

Sha256::Sha256() : state_(std::make_unique<State>()) {
    state_->ctx.reset(EVP_MD_CTX_new());
    if (!state_->ctx || EVP_DigestInit_ex(state_->ctx.get(), EVP_sha256(), nullptr) != 1)
        throw RegistryError("cannot initialise SHA-256 (OpenSSL)");
}

Sha256::~Sha256() = default;

void Sha256::update(const void* data, std::size_t size) {
    if (!state_->ctx)
        throw RegistryError("SHA-256 used after finish()");
    if (size && EVP_DigestUpdate(state_->ctx.get(), data, size) != 1)
        throw RegistryError("SHA-256 update failed (OpenSSL)");
}

Digest Sha256::finish() {
    if (!state_->ctx)
        throw RegistryError("SHA-256 finished twice");
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    if (EVP_DigestFinal_ex(state_->ctx.get(), md, &len) != 1 || len != 32)
        throw RegistryError("SHA-256 final failed (OpenSSL)");
    state_->ctx.reset();
    static constexpr char kHex[] = "0123456789abcdef";
    std::string text(kPrefix);
    for (unsigned int i = 0; i < len; ++i) {
        text += kHex[md[i] >> 4];
        text += kHex[md[i] & 0xf];
    }
    return Digest::parse(text); // the constructor is private to Digest
}

} // namespace ig::registry

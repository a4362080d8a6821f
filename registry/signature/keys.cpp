// SPDX-License-Identifier: Apache-2.0
#include "registry/signature/keys.h"

#include "registry/error.h"

#include <fstream>
#include <openssl/bio.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <sstream>

namespace ig::registry::signature {

void PkeyDeleter::operator()(evp_pkey_st* key) const {
    EVP_PKEY_free(key);
}

namespace {

// Key files are a few hundred bytes; anything much larger is not a key.
constexpr std::size_t kMaxKeyFileBytes = 64 * 1024;

struct BioDeleter {
    void operator()(BIO* b) const { BIO_free(b); }
};
struct MdCtxDeleter {
    void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};
using BioPtr = std::unique_ptr<BIO, BioDeleter>;
using MdCtxPtr = std::unique_ptr<EVP_MD_CTX, MdCtxDeleter>;

std::string openssl_reason() {
    unsigned long code = ERR_get_error();
    ERR_clear_error();
    if (code == 0)
        return "no PEM key found";
    char buf[256];
    ERR_error_string_n(code, buf, sizeof buf);
    return buf;
}

BioPtr memory_bio(std::string_view bytes) {
    BioPtr bio(BIO_new_mem_buf(bytes.data(), static_cast<int>(bytes.size())));
    if (!bio)
        throw RegistryError("out of memory reading a key");
    return bio;
}

std::string read_key_file(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw RegistryError("cannot read key file " + path.string());
    std::string text(kMaxKeyFileBytes + 1, '\0');
    in.read(text.data(), static_cast<std::streamsize>(text.size()));
    text.resize(static_cast<std::size_t>(in.gcount()));
    if (text.size() > kMaxKeyFileBytes)
        throw RegistryError("key file " + path.string() + " is larger than " +
                            std::to_string(kMaxKeyFileBytes) + " bytes: not a key");
    return text;
}

// Refuses a passphrase instead of prompting on the terminal: ig never asks interactively.
int no_passphrase(char*, int, int, void*) {
    return -1;
}

bool is_p256(const EVP_PKEY* key) {
    if (EVP_PKEY_get_base_id(key) != EVP_PKEY_EC)
        return false;
    char group[64] = {};
    std::size_t len = 0;
    if (EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof group,
                                       &len) != 1)
        return false;
    std::string_view name(group, len);
    return name == "prime256v1" || name == "P-256" || name == "secp256r1";
}

} // namespace

PrivateKey PrivateKey::from_pem(std::string_view pem, const std::string& source) {
    if (pem.find("ENCRYPTED SIGSTORE PRIVATE KEY") != std::string_view::npos ||
        pem.find("ENCRYPTED COSIGN PRIVATE KEY") != std::string_view::npos)
        throw RegistryError(
            "key " + source +
            ": encrypted cosign keys are not supported; export an unencrypted PEM EC P-256 key "
            "(e.g. `openssl ecparam -genkey -name prime256v1 | openssl pkcs8 -topk8 -nocrypt`, "
            "then `cosign import-key-pair` for cosign) and sign with that");
    if (pem.find("ENCRYPTED PRIVATE KEY") != std::string_view::npos ||
        pem.find("Proc-Type: 4,ENCRYPTED") != std::string_view::npos)
        throw RegistryError("key " + source +
                            ": encrypted PEM keys are not supported; decrypt it with "
                            "`openssl pkcs8 -topk8 -nocrypt -in KEY -out KEY.unencrypted`");
    auto bio = memory_bio(pem);
    PkeyPtr key(PEM_read_bio_PrivateKey(bio.get(), nullptr, no_passphrase, nullptr));
    if (!key)
        throw RegistryError("key " + source + ": not a PEM private key (" + openssl_reason() + ")");
    if (!is_p256(key.get()))
        throw RegistryError("key " + source +
                            ": not an EC P-256 key (cosign signatures use ECDSA P-256)");
    return PrivateKey(std::move(key), source);
}

PrivateKey PrivateKey::load(const std::filesystem::path& path) {
    return from_pem(read_key_file(path), path.string());
}

std::string PrivateKey::sign(std::string_view payload) const {
    MdCtxPtr ctx(EVP_MD_CTX_new());
    std::size_t len = 0;
    if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key_.get()) != 1 ||
        EVP_DigestSign(ctx.get(), nullptr, &len,
                       reinterpret_cast<const unsigned char*>(payload.data()), payload.size()) != 1)
        throw RegistryError("signing with " + source_ + ": " + openssl_reason());
    std::string sig(len, '\0');
    if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(sig.data()), &len,
                       reinterpret_cast<const unsigned char*>(payload.data()), payload.size()) != 1)
        throw RegistryError("signing with " + source_ + ": " + openssl_reason());
    sig.resize(len);
    return sig;
}

std::string PrivateKey::public_key_pem() const {
    BioPtr bio(BIO_new(BIO_s_mem()));
    if (!bio || PEM_write_bio_PUBKEY(bio.get(), key_.get()) != 1)
        throw RegistryError("writing the public key of " + source_ + ": " + openssl_reason());
    char* data = nullptr;
    long n = BIO_get_mem_data(bio.get(), &data);
    return std::string(data, static_cast<std::size_t>(n));
}

PublicKey PublicKey::from_pem(std::string_view pem, const std::string& source) {
    auto bio = memory_bio(pem);
    PkeyPtr key(PEM_read_bio_PUBKEY(bio.get(), nullptr, no_passphrase, nullptr));
    if (!key)
        throw RegistryError("public key " + source + ": not a PEM public key (" + openssl_reason() +
                            ")");
    if (!is_p256(key.get()) && EVP_PKEY_get_base_id(key.get()) != EVP_PKEY_RSA)
        throw RegistryError("public key " + source + ": not an EC P-256 or RSA key");
    return PublicKey(std::move(key), source);
}

PublicKey PublicKey::load(const std::filesystem::path& path) {
    return from_pem(read_key_file(path), path.string());
}

bool PublicKey::verify(std::string_view payload, std::string_view signature) const {
    MdCtxPtr ctx(EVP_MD_CTX_new());
    if (!ctx || EVP_DigestVerifyInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key_.get()) != 1) {
        ERR_clear_error();
        return false;
    }
    int rc = EVP_DigestVerify(
        ctx.get(), reinterpret_cast<const unsigned char*>(signature.data()), signature.size(),
        reinterpret_cast<const unsigned char*>(payload.data()), payload.size());
    ERR_clear_error(); // a bad signature leaves decoding errors on the queue
    return rc == 1;
}

} // namespace ig::registry::signature

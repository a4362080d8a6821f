// SPDX-License-Identifier: Apache-2.0
// cosign keys: a PEM EC P-256 private key (unencrypted PKCS#8 "PRIVATE KEY" or SEC1 "EC PRIVATE
// KEY") signs, PEM public keys ("PUBLIC KEY", PKIX) verify. Signatures are what cosign makes for
// ECDSA keys: ASN.1 DER over SHA-256 of the payload bytes. Public RSA keys verify PKCS#1 v1.5
// SHA-256 signatures, as sigstore's LoadVerifier does.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

struct evp_pkey_st;

namespace ig::registry::signature {

struct PkeyDeleter {
    void operator()(evp_pkey_st* key) const;
};
using PkeyPtr = std::unique_ptr<evp_pkey_st, PkeyDeleter>;

class PrivateKey {
public:
    // Throws RegistryError naming `source` if the PEM is not an unencrypted EC P-256 key; cosign's
    // own encrypted format gets a message saying how to export a usable key.
    static PrivateKey from_pem(std::string_view pem, const std::string& source);
    static PrivateKey load(const std::filesystem::path& path);

    // DER ECDSA signature over SHA-256(payload).
    std::string sign(std::string_view payload) const;
    // The matching public key as PEM ("-----BEGIN PUBLIC KEY-----"), what `cosign public-key`
    // prints.
    std::string public_key_pem() const;
    const std::string& source() const { return source_; }

private:
    PrivateKey(PkeyPtr key, std::string source)
        : key_(std::move(key)), source_(std::move(source)) {}
    PkeyPtr key_;
    std::string source_;
};

class PublicKey {
public:
    // Throws RegistryError naming `source` unless the PEM holds one EC P-256 or RSA public key.
    static PublicKey from_pem(std::string_view pem, const std::string& source);
    static PublicKey load(const std::filesystem::path& path);

    // True if `signature` (DER for ECDSA) signs SHA-256(payload). Malformed signatures are
    // simply not valid: they never throw.
    bool verify(std::string_view payload, std::string_view signature) const;
    const std::string& source() const { return source_; }

private:
    PublicKey(PkeyPtr key, std::string source) : key_(std::move(key)), source_(std::move(source)) {}
    PkeyPtr key_;
    std::string source_;
};

} // namespace ig::registry::signature

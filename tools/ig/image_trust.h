// SPDX-License-Identifier: Apache-2.0
// What a host lets ig pull and run: the trust flags merged with the host config
// (/etc/ig/config.yaml or $IG_CONFIG). The config's allowed-gadgets and disallow-pulling cannot
// be loosened from the command line (a flag's allowlist only narrows it further, and
// --disallow-pulling can only be turned on); its verify-image, public-keys and
// insecure-registries are defaults that flags override or add to.
//
// Signature verification (cosign, key-based, from the local store, so it works offline) is on by
// default for a reference that names a registry host explicitly ("localhost:5000/x",
// "ghcr.io/org/g:v1", "127.0.0.1:5000/g"), and off by default for bare names ("trace_tcp",
// "team/gadget"), which is how `ig image build -t` names images built on this host.
#pragma once

#include "registry/local_store.h"
#include "registry/reference.h"
#include "registry/remote/registry_client.h"
#include "registry/signature/keys.h"
#include "tools/ig/config_file.h"
#include "tools/ig/trust_flags.h"

#include <cxxopts.hpp>
#include <optional>
#include <string>
#include <vector>

namespace ig::cli {

// --verify-image, --public-keys, --allowed-gadgets, --disallow-pulling for `ig image pull`.
void add_trust_flags(cxxopts::Options& opts);
TrustFlags read_trust_flags(const cxxopts::ParseResult& parsed);

class ImageTrust {
public:
    ImageTrust(TrustFlags flags, HostConfig config);

    bool pulling_allowed() const { return !disallow_pulling_; }
    // "pulling is disallowed (--disallow-pulling): image … is not in the local store"
    [[noreturn]] void refuse_pull(const registry::Reference& ref) const;
    // The flags' insecure registries plus the config's.
    std::vector<std::string> insecure_registries(std::vector<std::string> from_flags) const;
    // Refuses gadget directories when an allowlist is in force: they have no name or digest to
    // check, and would otherwise bypass it.
    void check_directory_allowed(const std::string& dir) const;
    // Before a pull: a pinned reference can be checked against the allowlist already.
    void check_allowed_before_pull(const registry::Reference& ref) const;
    bool verification_wanted(const std::string& typed_reference) const;

    // After the image is in the store (pulled or local): the allowlist with the digest the
    // reference resolves to, then the signature (fetched first through `fetch_client` if it is
    // not in the store and a client is given). Throws with a one-line reason.
    void admit(registry::LocalStore& store, const registry::Reference& ref,
               const std::string& typed_reference,
               registry::remote::RegistryClient* fetch_client) const;

private:
    void check_allowed(const registry::Reference& ref, const registry::Digest& digest) const;
    std::vector<registry::signature::PublicKey> load_keys() const;

    TrustFlags flags_;
    HostConfig config_;
    bool disallow_pulling_ = false;
    std::string disallow_source_;
};

// Fetches the signature artifact `sha256-<hex>.sig` of (ref, digest) into the store. Absence is
// not an error (false); other failures are returned as a message, not thrown: at pull time a
// missing or unreachable signature only matters if verification is on.
struct SignatureFetch {
    bool found = false;
    std::string problem;
};
SignatureFetch fetch_signature(registry::remote::RegistryClient& client,
                               const registry::Reference& ref, const registry::Digest& digest,
                               registry::LocalStore& store);

// True if the reference as typed names a registry host (first path component with '.' or ':',
// or "localhost"), as Docker decides.
bool names_registry_host(const std::string& typed_reference);

} // namespace ig::cli

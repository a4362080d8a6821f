// SPDX-License-Identifier: Apache-2.0
// Which gadget images a host may run. An allowlist entry matches an image when it is
//   - its normalised "registry/repository:tag" (short names are normalised first),
//   - its "registry/repository@sha256:<digest>" or the bare "sha256:<digest>", where the digest
//     is what the reference resolved to in the local store (index or manifest),
//   - or ends with '*' and is a prefix of the normalised "registry/repository:tag".
// An empty allowlist allows everything. Same rules as Inspektor Gadget's --allowed-gadgets.
#pragma once

#include "registry/digest.h"
#include "registry/reference.h"

#include <string>
#include <vector>

namespace ig::registry {

class GadgetAllowlist {
public:
    // Throws RegistryError naming an entry that is neither a reference, a digest nor a prefix.
    explicit GadgetAllowlist(const std::vector<std::string>& entries);

    bool empty() const { return exact_.empty() && digests_.empty() && prefixes_.empty(); }
    bool allows(const Reference& ref, const Digest& resolved) const;
    // Throws RegistryError "<ref> is not part of the allowed gadgets (…)" unless allowed.
    void check(const Reference& ref, const Digest& resolved) const;

private:
    std::vector<std::string> exact_;    // normalised "registry/repository:tag" or "…@sha256:…"
    std::vector<Digest> digests_;       // bare digests
    std::vector<std::string> prefixes_; // without the trailing '*'
    std::string listing_;               // the entries as given, for messages
};

} // namespace ig::registry

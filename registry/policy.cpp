// SPDX-License-Identifier: Apache-2.0
#include "registry/policy.h"

#include "registry/error.h"

#include <algorithm>

namespace ig::registry {

namespace {

std::string tagged_name(const Reference& ref) {
    return ref.name() + ":" + (ref.tag.empty() ? std::string("latest") : ref.tag);
}

} // namespace

GadgetAllowlist::GadgetAllowlist(const std::vector<std::string>& entries) {
    for (const auto& entry : entries) {
        if (entry.empty())
            continue;
        if (!listing_.empty())
            listing_ += ", ";
        listing_ += entry;
        if (entry.back() == '*') {
            prefixes_.push_back(entry.substr(0, entry.size() - 1));
        } else if (entry.starts_with("sha256:")) {
            digests_.push_back(Digest::parse(entry));
        } else {
            Reference ref;
            try {
                ref = Reference::parse(entry);
            } catch (const RegistryError& e) {
                throw RegistryError("invalid allowed-gadgets entry '" + entry + "': " + e.what());
            }
            if (ref.digest)
                exact_.push_back(ref.name() + "@" + ref.digest->str());
            else
                exact_.push_back(tagged_name(ref));
        }
    }
}

bool GadgetAllowlist::allows(const Reference& ref, const Digest& resolved) const {
    if (empty())
        return true;
    const std::string tagged = tagged_name(ref);
    const std::string pinned = ref.name() + "@" + resolved.str();
    if (std::ranges::find(digests_, resolved) != digests_.end())
        return true;
    for (const auto& e : exact_)
        if (e == pinned || (!ref.pinned() && e == tagged))
            return true;
    for (const auto& p : prefixes_)
        if (tagged.starts_with(p) || pinned.starts_with(p))
            return true;
    return false;
}

void GadgetAllowlist::check(const Reference& ref, const Digest& resolved) const {
    if (!allows(ref, resolved))
        throw RegistryError(ref.str() + " (" + resolved.str() +
                            ") is not part of the allowed gadgets: " + listing_);
}

} // namespace ig::registry

// SPDX-License-Identifier: Apache-2.0
// The grammar is distribution/reference's (docker, oras, Inspektor Gadget), with IG's
// normalisation: the default registry is ghcr.io and a bare name lives under
// inspektor-gadget/gadget/.
#include "registry/reference.h"

#include "registry/error.h"

namespace ig::registry {
namespace {

// Many clients (and registries) cap "host[:port]/repository" at 255 characters.
constexpr std::size_t kMaxNameLength = 255;
constexpr std::size_t kMaxTagLength = 128;

bool is_lower_alnum(char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}
bool is_alnum(char c) {
    return is_lower_alnum(c) || (c >= 'A' && c <= 'Z');
}

std::string printable(std::string_view text) {
    std::string out;
    for (char c : text.substr(0, 300))
        out += (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) ? '?' : c;
    return out;
}

[[noreturn]] void fail(std::string_view ref, const std::string& why) {
    throw RegistryError("invalid reference '" + printable(ref) + "': " + why);
}

// path-component := [a-z0-9]+ (separator [a-z0-9]+)*, separator := "." | "_" | "__" | "-"+
bool valid_path_component(std::string_view c) {
    if (c.empty() || !is_lower_alnum(c.front()) || !is_lower_alnum(c.back()))
        return false;
    for (std::size_t i = 0; i < c.size();) {
        if (is_lower_alnum(c[i])) {
            ++i;
            continue;
        }
        std::size_t j = i;
        while (j < c.size() && !is_lower_alnum(c[j]))
            ++j;
        std::string_view sep = c.substr(i, j - i);
        bool dashes = sep.find_first_not_of('-') == std::string_view::npos;
        if (!(sep == "." || sep == "_" || sep == "__" || dashes))
            return false;
        i = j;
    }
    return true;
}

// domain-component := [a-zA-Z0-9] | [a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]
bool valid_domain_component(std::string_view c) {
    if (c.empty() || !is_alnum(c.front()) || !is_alnum(c.back()))
        return false;
    for (char ch : c)
        if (!is_alnum(ch) && ch != '-')
            return false;
    return true;
}

void check_registry(std::string_view ref, std::string_view reg) {
    std::string_view host = reg;
    std::string_view port;
    if (reg.starts_with("[")) { // [IPv6]:port
        auto close = reg.find(']');
        if (close == std::string_view::npos)
            fail(ref, "unterminated '[' in registry '" + std::string(reg) + "'");
        host = reg.substr(1, close - 1);
        if (host.empty() || host.find_first_not_of("0123456789abcdefABCDEF:.") != host.npos)
            fail(ref, "invalid IPv6 address in registry '" + std::string(reg) + "'");
        std::string_view rest = reg.substr(close + 1);
        if (!rest.empty()) {
            if (rest.front() != ':')
                fail(ref, "unexpected text after ']' in registry '" + std::string(reg) + "'");
            port = rest.substr(1);
            if (port.empty())
                fail(ref, "empty port in registry '" + std::string(reg) + "'");
        }
    } else {
        auto colon = reg.find(':');
        if (colon != std::string_view::npos) {
            host = reg.substr(0, colon);
            port = reg.substr(colon + 1);
            if (port.empty())
                fail(ref, "empty port in registry '" + std::string(reg) + "'");
        }
        if (host.empty())
            fail(ref, "empty registry host");
        std::size_t start = 0;
        for (;;) {
            auto dot = host.find('.', start);
            auto comp = host.substr(start, dot == host.npos ? host.npos : dot - start);
            if (!valid_domain_component(comp))
                fail(ref, "invalid registry host '" + std::string(host) +
                              "': labels are letters, digits and inner '-'");
            if (dot == host.npos)
                break;
            start = dot + 1;
        }
    }
    if (!port.empty()) {
        if (port.size() > 5 || port.find_first_not_of("0123456789") != port.npos ||
            std::stoul(std::string(port)) == 0 || std::stoul(std::string(port)) > 65535)
            fail(ref,
                 "invalid port '" + std::string(port) + "' in registry '" + std::string(reg) + "'");
    }
}

void check_repository(std::string_view ref, std::string_view repo) {
    if (repo.empty())
        fail(ref, "empty repository name");
    std::size_t start = 0;
    for (;;) {
        auto slash = repo.find('/', start);
        auto comp = repo.substr(start, slash == repo.npos ? repo.npos : slash - start);
        if (comp.empty())
            fail(ref, "empty path component in repository '" + std::string(repo) + "'");
        if (!valid_path_component(comp)) {
            bool upper = false;
            for (char c : comp)
                upper |= (c >= 'A' && c <= 'Z');
            fail(ref, "invalid repository component '" + printable(comp) + "'" +
                          (upper ? ": repository names must be lowercase"
                                 : ": use lowercase letters and digits, separated by '.', '_', "
                                   "'__' or '-'"));
        }
        if (slash == repo.npos)
            break;
        start = slash + 1;
    }
}

void check_tag(std::string_view ref, std::string_view tag) {
    if (tag.empty())
        fail(ref, "empty tag after ':'");
    if (tag.size() > kMaxTagLength)
        fail(ref, "tag is longer than 128 characters");
    auto word = [](char c) { return is_alnum(c) || c == '_'; };
    if (!word(tag.front()))
        fail(ref, "invalid tag '" + printable(tag) + "': must start with a letter, digit or '_'");
    for (char c : tag)
        if (!word(c) && c != '.' && c != '-')
            fail(ref, "invalid tag '" + printable(tag) +
                          "': only letters, digits, '_', '.' and '-' are allowed");
}

} // namespace

Reference Reference::parse(std::string_view text) {
    if (text.empty())
        throw RegistryError("invalid reference '': empty");
    for (char c : text)
        if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f)
            fail(text, "contains whitespace or a control character");
    Reference ref;
    std::string_view rest = text;
    if (auto at = rest.find('@'); at != std::string_view::npos) {
        std::string_view digest = rest.substr(at + 1);
        if (digest.find('@') != std::string_view::npos)
            fail(text, "more than one '@'");
        try {
            ref.digest = Digest::parse(digest);
        } catch (const RegistryError& e) {
            fail(text, e.what());
        }
        rest = rest.substr(0, at);
    }
    // A ':' after the last '/' starts the tag; one before it belongs to a registry port.
    auto last_slash = rest.rfind('/');
    auto colon = rest.rfind(':');
    if (colon != std::string_view::npos &&
        (last_slash == std::string_view::npos || colon > last_slash)) {
        ref.tag = std::string(rest.substr(colon + 1));
        check_tag(text, ref.tag);
        rest = rest.substr(0, colon);
    }
    if (rest.empty())
        fail(text, "empty repository name");
    auto slash = rest.find('/');
    std::string_view first = rest.substr(0, slash);
    bool has_host = slash != std::string_view::npos &&
                    (first.find_first_of(".:") != std::string_view::npos || first == "localhost");
    std::string_view repo;
    if (has_host) {
        ref.registry = std::string(first);
        check_registry(text, first);
        repo = rest.substr(slash + 1);
    } else {
        ref.registry = std::string(kDefaultRegistry);
        repo = rest;
    }
    check_repository(text, repo);
    ref.repository = std::string(repo);
    if (ref.registry == kDefaultRegistry && ref.repository.find('/') == std::string::npos)
        ref.repository = std::string(kDefaultRepositoryPrefix) + ref.repository;
    if (ref.registry.size() + 1 + ref.repository.size() > kMaxNameLength)
        fail(text, "name is longer than 255 characters");
    if (ref.tag.empty() && !ref.digest)
        ref.tag = "latest";
    return ref;
}

std::string Reference::str() const {
    std::string out = name();
    if (!tag.empty())
        out += ":" + tag;
    if (digest)
        out += "@" + digest->str();
    return out;
}

std::string Reference::name() const {
    return registry + "/" + repository;
}

} // namespace ig::registry

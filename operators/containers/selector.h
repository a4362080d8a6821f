// SPDX-License-Identifier: Apache-2.0
// Which containers a run is about: the values of --containername, --runtimes, --podname,
// --namespace and --selector, with Inspektor Gadget's syntax (comma lists, `!` excludes).
#pragma once

#include "operators/containers/container.h"

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace ig::containers {

// "a,b,!c": matches a or b (any value when only exclusions are given), never c.
class NameMatcher {
public:
    NameMatcher() = default;
    // Throws ig::Error on an empty item ("a,,b", "!") naming `flag`.
    static NameMatcher parse(std::string_view list, const std::string& flag);
    bool matches(std::string_view value) const;
    bool empty() const { return include_.empty() && exclude_.empty(); }

private:
    std::vector<std::string> include_;
    std::vector<std::string> exclude_;
};

// "k=v,k2=!v2,!k3,k4": every condition must hold (like a Kubernetes label selector).
class LabelSelector {
public:
    static LabelSelector parse(std::string_view list, const std::string& flag);
    bool matches(const std::map<std::string, std::string>& labels) const;
    bool empty() const { return terms_.empty(); }

private:
    struct Term {
        std::string key;
        std::string value;
        bool has_value = false;
        bool negate = false; // !key (absent) or key=!value (absent or different)
    };
    std::vector<Term> terms_;
};

struct ContainerSelector {
    NameMatcher names;
    NameMatcher runtimes;
    NameMatcher pod_names;
    NameMatcher namespaces;
    LabelSelector labels;

    bool matches(const Container& c) const;
    bool selects_k8s() const { return !pod_names.empty() || !namespaces.empty(); }
    bool empty() const {
        return names.empty() && runtimes.empty() && pod_names.empty() && namespaces.empty() &&
               labels.empty();
    }
};

} // namespace ig::containers

// SPDX-License-Identifier: Apache-2.0
// Alternative attach points. A gadget marks a program with GADGET_FALLBACK(prog, fallback) when
// another program can do its job on kernels that refuse it (no fentry, no kprobes, …). Programs
// connected by such markers form a group: either all its preferred programs are used, or all
// its fallbacks. Fallbacks are not loaded while the preferred programs load and attach.
#pragma once

#include <string>
#include <vector>

struct bpf_object;

namespace ig {

struct FallbackGroup {
    std::vector<std::string> preferred; // program names
    std::vector<std::string> fallbacks;
    bool fell_back = false;
};

// Reads the gadget_fallback_<prog>___<fallback> markers of an opened object. Throws if a marker
// is malformed, names a program the object lacks, or a program is both preferred and fallback.
std::vector<FallbackGroup> read_fallback_groups(bpf_object* obj);

// Enables the programs each group uses now (its preferred ones, or its fallbacks once it fell
// back) and disables the others. Call before loading.
void apply_fallback_autoload(bpf_object* obj, const std::vector<FallbackGroup>& groups);

// The group whose preferred programs include `program` and that has not fallen back yet.
FallbackGroup* group_preferring(std::vector<FallbackGroup>& groups, const std::string& program);

} // namespace ig

// SPDX-License-Identifier: Apache-2.0
// A gadget instance: the explicit load sequence open -> configure -> load -> attach, each step
// failing with a message that says what, where and why.
#pragma once

#include "runtime/bpf/handles.h"
#include "runtime/gadget/fallbacks.h"
#include "runtime/gadget/introspection.h"
#include "runtime/gadget/package.h"

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace ig {

class GadgetInstance {
public:
    // Opens the object (no kernel resources yet) and introspects it.
    static std::unique_ptr<GadgetInstance> open(const GadgetPackage& package);

    const GadgetPackage& package() const { return package_; }
    const std::string& name() const { return name_; }
    Introspection& introspection() { return introspection_; }
    const Introspection& introspection() const { return introspection_; }
    bpf_object* object() const { return object_.get(); }

    // Parameters: defaults come from gadget.yaml, else the object's initial .rodata value.
    const std::vector<ParamSpec>& params() const { return introspection_.params; }
    void set_param(const std::string& key, const std::string& value);

    // Writes `bytes` into a const volatile global of .rodata (operator settings such as
    // gadget_filter_by_mntns). Returns false if the object has no such variable.
    bool set_rodata_variable(const std::string& name, const void* bytes, std::size_t size);

    // Verifies and loads every program into the kernel. Throws with the verifier's key lines.
    // A program with a fallback (GADGET_FALLBACK) that the kernel refuses to load or attach is
    // replaced by its fallback: the object is reopened and loaded again with it.
    void load();
    // One line per group of programs replaced by their fallbacks during load(): what, and why.
    const std::vector<std::string>& fallbacks_taken() const { return fallbacks_taken_; }
    // Attaches every program; throws naming the program, its section and the reason.
    void attach();

    // After load(): the fd of a map, or an error naming it.
    int map_fd(const std::string& map_name) const;
    // After load(): writes or deletes one map entry (sizes must match the map's); throws.
    void update_map(const std::string& map_name, const void* key, const void* value);
    void delete_map_entry(const std::string& map_name, const void* key);

    std::size_t attached_links() const { return links_.size(); }
    // After attach(): the link of an attached program (iterators are read through it).
    int link_fd(const std::string& program_name) const;

private:
    GadgetInstance(GadgetPackage package, bpf::ObjectPtr object);
    bpf_map* rodata_map() const;
    void use_perf_buffers_if_needed();
    void ensure_tracefs_if_needed();
    // Replaces the object by a fresh copy configured like this one (before load only).
    void reopen();
    // After a successful load: the first group whose preferred programs do not attach.
    FallbackGroup* group_failing_to_attach(std::string& why);
    void fall_back(FallbackGroup& group, const std::string& why);

    GadgetPackage package_;
    std::string name_;
    bpf::ObjectPtr object_;
    Introspection introspection_;
    std::map<std::string, std::string> param_values_; // key -> value given by the user
    std::vector<bpf::LinkPtr> links_;
    std::map<std::string, bpf_link*> links_by_program_; // views into links_
    bool loaded_ = false;
    std::vector<FallbackGroup> fallback_groups_;
    std::vector<std::string> fallbacks_taken_;
    // Every .rodata write, in order, so that reopen() can replay them.
    std::vector<std::pair<std::string, std::vector<std::uint8_t>>> rodata_writes_;
};

} // namespace ig

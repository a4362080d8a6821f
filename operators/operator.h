// SPDX-License-Identifier: Apache-2.0
// The operator interface. Operators see data sources, fields and records; the runtime gives
// them a GadgetContext for the few kernel-side settings they may make (constants, map entries),
// never libbpf itself.
#pragma once

#include "runtime/datasource/data_source.h"
#include "runtime/gadget/metadata.h"

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace ig {

// Order of the pipeline: discovery & kernel filter -> enrichment -> formatting ->
// filter/sort/limit -> output. Operators start in this order and stop in reverse.
enum class Stage { Source, Enrich, Format, Filter, Aggregate, Sink };

const char* stage_name(Stage s);

struct FlagSpec {
    std::string name;       // long flag without dashes
    std::string short_name; // one letter, or empty
    std::string description;
    std::string default_value;
    bool is_bool = false;
};

using FlagValues = std::map<std::string, std::string>; // flag name -> value as typed

// What an operator may do to the gadget before it is loaded and while it runs.
class GadgetContext {
public:
    virtual ~GadgetContext() = default;
    virtual const std::string& gadget_name() const = 0;
    virtual const GadgetMetadata& metadata() const = 0;
    // Where the gadget came from (directory or image reference), for messages.
    virtual const std::string& origin() const = 0;
    virtual std::vector<DataSource>& datasources() = 0;
    // Sets a const volatile global before load; false if the gadget has no such variable.
    virtual bool set_constant(const std::string& name, const void* bytes, std::size_t size) = 0;
    // After load: writes one entry of a map; throws on failure.
    virtual void update_map(const std::string& map, const void* key, const void* value) = 0;
    virtual void delete_map_entry(const std::string& map, const void* key) = 0;
};

class Operator {
public:
    virtual ~Operator() = default;
    virtual std::string_view name() const = 0;
    virtual Stage stage() const = 0;
    virtual std::string_view description() const = 0;
    virtual std::vector<FlagSpec> flags() const { return {}; }

    // Flags parsed for this operator (only its own names). Throws ig::Error on a bad value.
    virtual void configure(const FlagValues&) {}
    // The gadget is open: add or annotate fields. Runs in stage order.
    virtual void init(GadgetContext&) {}
    // Before load: set constants. After load (post_load): fill maps.
    virtual void pre_load(GadgetContext&) {}
    virtual void post_load(GadgetContext&) {}
    // Events flow after start; stop runs in reverse order and must not throw.
    virtual void start(GadgetContext&) {}
    virtual void stop() noexcept {}

    // Per record: return false to drop it (later operators do not see it).
    virtual bool on_record(const Record&) { return true; }
    // Per table of an array data source: may filter, reorder or truncate `records`.
    virtual void on_array(const DataSource&, std::vector<Record>&) {}
    virtual void on_lost(const DataSource&, std::uint64_t) {}
    virtual void on_batch_end() {}
};

} // namespace ig

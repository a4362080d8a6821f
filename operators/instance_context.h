// SPDX-License-Identifier: Apache-2.0
// The GadgetContext of a gadget instance: what operators may touch, through the runtime.
#pragma once

#include "operators/operator.h"
#include "runtime/gadget/instance.h"

namespace ig {

class InstanceContext final : public GadgetContext {
public:
    explicit InstanceContext(GadgetInstance& instance) : instance_(instance) {}

    const std::string& gadget_name() const override { return instance_.name(); }
    const GadgetMetadata& metadata() const override { return instance_.package().metadata; }
    const std::string& origin() const override { return instance_.package().origin; }
    std::vector<DataSource>& datasources() override {
        return instance_.introspection().datasources;
    }
    bool set_constant(const std::string& name, const void* bytes, std::size_t size) override {
        return instance_.set_rodata_variable(name, bytes, size);
    }
    void update_map(const std::string& map, const void* key, const void* value) override {
        instance_.update_map(map, key, value);
    }
    void delete_map_entry(const std::string& map, const void* key) override {
        instance_.delete_map_entry(map, key);
    }

private:
    GadgetInstance& instance_;
};

} // namespace ig

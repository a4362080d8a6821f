// SPDX-License-Identifier: Apache-2.0
#include "runtime/error.h"
#include "runtime/gadget/instance.h"
#include "test_support.h"

#include <gtest/gtest.h>

namespace ig {
namespace {

const Field& field(const DataSource& ds, const std::string& name) {
    auto idx = ds.find(name);
    if (!idx)
        throw std::runtime_error("no field " + name);
    return ds.fields[*idx];
}

TEST(Introspection, FindsTracerAndItsStruct) {
    auto inst = GadgetInstance::open(load_package_from_dir(test::fixture_dir("types_gadget")));
    const auto& dss = inst->introspection().datasources;
    ASSERT_EQ(dss.size(), 1u);
    EXPECT_EQ(dss[0].name, "alltypes");
    EXPECT_EQ(dss[0].map_name, "events");
    EXPECT_EQ(dss[0].struct_name, "all_types");
    EXPECT_GT(dss[0].record_size, 100u);
    EXPECT_EQ(inst->introspection().tracer_maps, std::vector<std::string>{"events"});
}

TEST(Introspection, DecodesScalarTypesFromBtf) {
    auto inst = GadgetInstance::open(load_package_from_dir(test::fixture_dir("types_gadget")));
    const auto& ds = inst->introspection().datasources[0];
    EXPECT_EQ(field(ds, "flag").type, FieldType::Bool);
    EXPECT_EQ(field(ds, "s8").type, FieldType::Int);
    EXPECT_EQ(field(ds, "s8").size, 1u);
    EXPECT_EQ(field(ds, "u16").type, FieldType::Uint);
    EXPECT_EQ(field(ds, "u16").size, 2u);
    EXPECT_EQ(field(ds, "s64").type, FieldType::Int);
    EXPECT_EQ(field(ds, "u64").size, 8u);
    EXPECT_TRUE(field(ds, "timestamp_raw").has_tag("gadget_timestamp"));
    EXPECT_TRUE(field(ds, "error_raw").has_tag("gadget_errno"));
}

TEST(Introspection, CharArraysAreStringsOtherArraysAreArrays) {
    auto inst = GadgetInstance::open(load_package_from_dir(test::fixture_dir("types_gadget")));
    const auto& ds = inst->introspection().datasources[0];
    EXPECT_EQ(field(ds, "name").type, FieldType::String);
    EXPECT_EQ(field(ds, "name").size, 12u);
    EXPECT_EQ(field(ds, "numbers").type, FieldType::Array);
    EXPECT_EQ(field(ds, "numbers").elem_size, 4u);
    EXPECT_EQ(field(ds, "numbers").size, 12u);
}

TEST(Introspection, EnumsCarryTheirNames) {
    auto inst = GadgetInstance::open(load_package_from_dir(test::fixture_dir("types_gadget")));
    const auto& f = field(inst->introspection().datasources[0], "color_raw");
    ASSERT_EQ(f.type, FieldType::Enum);
    ASSERT_TRUE(f.enum_names);
    EXPECT_EQ(f.enum_names->name_of(40), "BLUE");
    EXPECT_EQ(f.enum_names->name_of(3), "unknown#3");
}

TEST(Introspection, NestedStructsAreFlattenedWithDots) {
    auto inst = GadgetInstance::open(load_package_from_dir(test::fixture_dir("types_gadget")));
    const auto& ds = inst->introspection().datasources[0];
    const Field& nested = field(ds, "nested");
    EXPECT_EQ(nested.type, FieldType::Struct);
    const Field& a = field(ds, "nested.a");
    EXPECT_EQ(a.member, "a");
    EXPECT_EQ(a.offset, nested.offset);
    EXPECT_EQ(ds.fields[static_cast<std::size_t>(a.parent)].name, "nested");
    EXPECT_EQ(field(ds, "nested.b").offset, nested.offset + 2);
    EXPECT_TRUE(field(ds, "endpoint").has_tag("gadget_l4endpoint_t"));
    EXPECT_EQ(field(ds, "endpoint.addr_raw").type, FieldType::Bytes); // a union
    EXPECT_EQ(field(ds, "endpoint.addr_raw").size, 16u);
    EXPECT_EQ(field(ds, "endpoint.port").size, 2u);
}

TEST(Introspection, DoubleUnderscoreMembersArePrivate) {
    auto inst = GadgetInstance::open(load_package_from_dir(test::fixture_dir("types_gadget")));
    EXPECT_FALSE(inst->introspection().datasources[0].find("__private_padding"));
}

TEST(Introspection, ParamsTakeTypeFromBtfAndKeysFromMetadata) {
    auto inst = GadgetInstance::open(load_package_from_dir(test::fixture_dir("types_gadget")));
    std::map<std::string, ParamSpec> by_var;
    for (const auto& p : inst->params())
        by_var[p.var_name] = p;
    ASSERT_EQ(by_var.size(), 4u);
    EXPECT_EQ(by_var["p_bool"].type, ParamType::Bool);
    EXPECT_EQ(by_var["p_bool"].key, "p_bool");
    EXPECT_EQ(by_var["p_bool"].default_value, "true"); // from the object's .rodata
    EXPECT_EQ(by_var["p_int"].type, ParamType::Int);
    EXPECT_EQ(by_var["p_int"].key, "level"); // from gadget.yaml
    EXPECT_EQ(by_var["p_int"].description, "a signed level");
    EXPECT_EQ(by_var["p_int"].default_value, "-5");
    EXPECT_EQ(by_var["p_u16"].type, ParamType::Uint);
    EXPECT_EQ(by_var["p_u16"].size, 2u);
    EXPECT_EQ(by_var["p_str"].type, ParamType::String);
    EXPECT_EQ(by_var["p_str"].default_value, "abc");
}

TEST(Introspection, TraceTcpDeclaresItsFlagsAndFields) {
    auto inst = GadgetInstance::open(load_package_from_dir(test::gadget_dir("trace_tcp")));
    std::vector<std::string> keys;
    for (const auto& p : inst->params())
        keys.push_back(p.key);
    for (const char* k : {"accept-only", "connect-only", "failure-only", "pid", "comm"})
        EXPECT_NE(std::find(keys.begin(), keys.end(), k), keys.end()) << k;
    const auto& ds = inst->introspection().datasources.at(0);
    EXPECT_EQ(ds.name, "tracetcp");
    for (const char* f : {"proc.comm", "proc.pid", "proc.tid", "proc.creds.uid", "proc.creds.gid",
                          "proc.parent.pid", "proc.parent.comm", "proc.mntns_id", "netns_id",
                          "src.port", "dst.addr_raw", "type_raw", "error_raw", "fd", "accept_fd"})
        EXPECT_TRUE(ds.find(f)) << f;
}

TEST(Introspection, MetadataNamingAMissingParamIsAnError) {
    try {
        GadgetInstance::open(load_package_from_dir(test::fixture_dir("bad_param_gadget")));
        FAIL() << "expected an error";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("params.ebpf.does_not_exist"), std::string::npos)
            << e.what();
    }
}

TEST(Package, RejectsAnObjectThatIsNotBpf) {
    std::vector<std::uint8_t> not_elf = {'h', 'e', 'l', 'l', 'o'};
    EXPECT_THROW(make_package("x", "name: x\n", not_elf), Error);
    EXPECT_THROW(make_package("x", "name: x\n", {}), Error);
}

TEST(Package, RejectsATruncatedObject) {
    auto pkg = load_package_from_dir(test::fixture_dir("types_gadget"));
    pkg.object.resize(pkg.object.size() / 3);
    try {
        auto inst = GadgetInstance::open(pkg);
        FAIL() << "a truncated object opened";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("opening the BPF object"), std::string::npos)
            << e.what();
    }
}

TEST(Package, DirectoryWithoutMetadataIsAnError) {
    auto dir = std::filesystem::temp_directory_path() / "ig-test-no-yaml";
    std::filesystem::create_directories(dir);
    try {
        load_package_from_dir(dir);
        FAIL() << "expected an error";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("has no gadget.yaml"), std::string::npos);
    }
    std::filesystem::remove_all(dir);
}

} // namespace
} // namespace ig

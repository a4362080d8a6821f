// SPDX-License-Identifier: Apache-2.0
#include "runtime/gadget/introspection.h"

#include "runtime/error.h"

#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <cstring>
#include <map>

namespace ig {
namespace {

constexpr std::string_view kTracerPrefix = "gadget_tracer_";
constexpr std::string_view kMapTracerPrefix = "gadget_map_tracer_";
constexpr std::string_view kParamPrefix = "gadget_param_";
constexpr std::string_view kIterPrefix = "gadget_iter_";
constexpr std::string_view kSnapshotterPrefix = "gadget_snapshotter_";
constexpr std::string_view kMapIterPrefix = "gadget_mapiter_";
constexpr std::string_view kSeparator = "___";

std::vector<std::string> split(std::string_view s, std::string_view sep) {
    std::vector<std::string> out;
    std::size_t start = 0;
    while (true) {
        std::size_t pos = s.find(sep, start);
        if (pos == std::string_view::npos) {
            out.emplace_back(s.substr(start));
            return out;
        }
        out.emplace_back(s.substr(start, pos - start));
        start = pos + sep.size();
    }
}

// Untrusted BTF: a name offset may point outside the string section (libbpf returns null).
std::string name_at(const btf* b, std::uint32_t name_off) {
    const char* n = btf__name_by_offset(b, name_off);
    return n ? n : "";
}

std::string type_name(const btf* b, const btf_type* t) {
    return t ? name_at(b, t->name_off) : "";
}

// Bounds that keep a corrupt or hostile object from making ig allocate or read without limit.
constexpr int kMaxStructDepth = 16;
constexpr std::size_t kMaxFields = 4096;

// Follows typedefs and qualifiers, collecting typedef names (outermost first).
std::uint32_t resolve(const btf* b, std::uint32_t id, std::vector<std::string>* tags) {
    for (int depth = 0; depth < 32; ++depth) {
        const btf_type* t = btf__type_by_id(b, id);
        if (!t)
            return 0;
        if (btf_is_typedef(t)) {
            if (tags)
                tags->push_back(type_name(b, t));
        } else if (!btf_is_mod(t) && !btf_is_type_tag(t)) {
            return id;
        }
        id = t->type;
    }
    return 0;
}

std::shared_ptr<EnumNames> enum_names_of(const btf* b, const btf_type* t) {
    auto names = std::make_shared<EnumNames>();
    names->type_name = type_name(b, t);
    names->is_signed = btf_kflag(t);
    if (btf_is_enum(t)) {
        const struct btf_enum* e = btf_enum(t);
        for (std::uint16_t i = 0; i < btf_vlen(t); ++i)
            names->values.emplace_back(names->is_signed ? e[i].val
                                                        : static_cast<std::uint32_t>(e[i].val),
                                       name_at(b, e[i].name_off));
    } else {
        const struct btf_enum64* e = btf_enum64(t);
        for (std::uint16_t i = 0; i < btf_vlen(t); ++i)
            names->values.emplace_back(static_cast<std::int64_t>(btf_enum64_value(&e[i])),
                                       name_at(b, e[i].name_off));
    }
    return names;
}

// Sets type/size of `f` from a resolved scalar type; false if the type is not a scalar.
bool scalar_type(const btf* b, const btf_type* t, Field& f) {
    // Values are loaded as 1, 2, 4 or 8 bytes (floats as 4 or 8): another size, possible only in
    // corrupt BTF, is kept as opaque bytes so that no load reads past the field.
    bool loadable = t->size == 1 || t->size == 2 || t->size == 4 || t->size == 8;
    if (btf_is_int(t)) {
        std::uint8_t enc = btf_int_encoding(t);
        f.size = t->size;
        if (!loadable)
            f.type = FieldType::Bytes;
        else if (enc & BTF_INT_BOOL)
            f.type = FieldType::Bool;
        else
            f.type = (enc & BTF_INT_SIGNED) ? FieldType::Int : FieldType::Uint;
        return true;
    }
    if (btf_is_any_enum(t)) {
        f.type = loadable ? FieldType::Enum : FieldType::Bytes;
        f.size = t->size;
        if (loadable)
            f.enum_names = enum_names_of(b, t);
        return true;
    }
    if (btf_is_float(t)) {
        f.type = t->size == 4 || t->size == 8 ? FieldType::Float : FieldType::Bytes;
        f.size = t->size;
        return true;
    }
    if (btf_is_ptr(t)) {
        f.type = FieldType::Uint;
        f.size = 8;
        return true;
    }
    return false;
}

class FieldBuilder {
public:
    explicit FieldBuilder(const btf* b) : btf_(b) {}

    void add_members(std::uint32_t struct_id, const std::string& prefix, std::uint32_t base,
                     int parent) {
        // A struct containing itself (corrupt BTF) would otherwise recurse without end.
        if (++depth_ > kMaxStructDepth)
            throw Error("struct nesting deeper than " + std::to_string(kMaxStructDepth) +
                        " levels at '" + prefix + "'");
        const btf_type* t = btf__type_by_id(btf_, struct_id);
        const btf_member* m = btf_members(t);
        for (std::uint16_t i = 0; i < btf_vlen(t); ++i) {
            std::string member = name_at(btf_, m[i].name_off);
            // "__" marks padding and private members, as in Inspektor Gadget.
            if (member.rfind("__", 0) == 0)
                continue;
            if (btf_member_bitfield_size(t, i) != 0)
                continue; // bitfields have no byte offset to view; gadgets do not use them
            std::uint32_t offset = base + btf_member_bit_offset(t, i) / 8;
            if (member.empty()) {
                // Anonymous struct/union: its members belong to this level.
                std::uint32_t id = resolve(btf_, m[i].type, nullptr);
                if (id && btf_is_composite(btf__type_by_id(btf_, id)))
                    add_members(id, prefix, offset, parent);
                continue;
            }
            add_member(m[i].type, prefix + member, member, offset, parent);
        }
        --depth_;
    }

    std::vector<Field> take() { return std::move(fields_); }

    // A single named field of any type (a scalar map key or value).
    std::vector<Field> single(std::uint32_t type_id, const std::string& name) {
        add_member(type_id, name, name, 0, -1);
        return take();
    }

private:
    void add_member(std::uint32_t type_id, const std::string& name, const std::string& member,
                    std::uint32_t offset, int parent) {
        if (fields_.size() >= kMaxFields)
            throw Error("more than " + std::to_string(kMaxFields) + " fields");
        Field f;
        f.name = name;
        f.member = member;
        f.offset = offset;
        f.parent = parent;
        std::uint32_t id = resolve(btf_, type_id, &f.tags);
        const btf_type* t = btf__type_by_id(btf_, id);
        if (!t)
            return;
        if (btf_is_struct(t)) {
            f.tags.push_back(type_name(btf_, t));
            f.type = FieldType::Struct;
            f.size = t->size;
            fields_.push_back(std::move(f));
            int idx = static_cast<int>(fields_.size() - 1);
            add_members(id, name + ".", offset, idx);
            return;
        }
        if (btf_is_union(t)) {
            // A union has no single meaning: keep its bytes; formatters interpret known ones.
            f.tags.push_back(type_name(btf_, t));
            f.type = FieldType::Bytes;
            f.size = t->size;
            fields_.push_back(std::move(f));
            return;
        }
        if (btf_is_array(t)) {
            const struct btf_array* arr = btf_array(t);
            std::vector<std::string> elem_tags;
            std::uint32_t elem_id = resolve(btf_, arr->type, &elem_tags);
            const btf_type* et = btf__type_by_id(btf_, elem_id);
            f.tags.insert(f.tags.end(), elem_tags.begin(), elem_tags.end());
            Field elem;
            if (!et || !scalar_type(btf_, et, elem))
                return; // arrays of structs or arrays: not representable as one field
            std::uint64_t bytes = std::uint64_t{elem.size} * arr->nelems;
            if (bytes > kMaxRecordBytes)
                throw Error("array '" + name + "' of " + std::to_string(bytes) +
                            " bytes is larger than a record may be");
            f.size = static_cast<std::uint32_t>(bytes);
            if (elem.size == 1 && btf_is_int(et) && !(btf_int_encoding(et) & BTF_INT_BOOL)) {
                f.type = FieldType::String;
            } else {
                f.type = FieldType::Array;
                f.elem_type = elem.type;
                f.elem_size = elem.size;
                f.enum_names = elem.enum_names;
            }
            fields_.push_back(std::move(f));
            return;
        }
        if (!scalar_type(btf_, t, f))
            return;
        fields_.push_back(std::move(f));
    }

    const btf* btf_;
    std::vector<Field> fields_;
    int depth_ = 0;
};

// Every field must lie inside the record: the event loop hands operators records of exactly
// record_size bytes, and corrupt BTF can place members anywhere.
void check_record_layout(const DataSource& ds) {
    if (ds.record_size > kMaxRecordBytes)
        throw Error("data source '" + ds.name + "' has records of " +
                    std::to_string(ds.record_size) + " bytes; the limit is " +
                    std::to_string(kMaxRecordBytes));
    for (const auto& f : ds.fields)
        if (std::uint64_t{f.offset} + f.size > ds.record_size)
            throw Error("field '" + f.name + "' of data source '" + ds.name + "' (offset " +
                        std::to_string(f.offset) + ", " + std::to_string(f.size) +
                        " bytes) lies outside its " + std::to_string(ds.record_size) +
                        "-byte record");
}

bool has_prefix(std::string_view s, std::string_view p) {
    return s.substr(0, p.size()) == p;
}

ParamSpec param_from_var(const btf* b, const std::string& var, std::uint32_t type_id,
                         std::uint32_t offset, std::uint32_t size) {
    ParamSpec p;
    p.var_name = var;
    p.key = var;
    p.rodata_offset = offset;
    p.size = size;
    std::uint32_t id = resolve(b, type_id, nullptr);
    const btf_type* t = btf__type_by_id(b, id);
    if (t && btf_is_int(t)) {
        std::uint8_t enc = btf_int_encoding(t);
        p.type = (enc & BTF_INT_BOOL)     ? ParamType::Bool
                 : (enc & BTF_INT_SIGNED) ? ParamType::Int
                                          : ParamType::Uint;
        if (t->size > 8)
            throw Error("parameter '" + var + "' has an integer type wider than 64 bits");
    } else if (t && btf_is_any_enum(t)) {
        p.type = btf_kflag(t) ? ParamType::Int : ParamType::Uint;
    } else if (t && btf_is_array(t)) {
        const btf_type* et = btf__type_by_id(b, resolve(b, btf_array(t)->type, nullptr));
        if (!et || !btf_is_int(et) || et->size > 8 || (btf_int_encoding(et) & BTF_INT_BOOL))
            throw Error("parameter '" + var + "' is an array of something other than integers");
        if (et->size == 1) {
            p.type = ParamType::String; // char[N]
        } else {
            p.type =
                (btf_int_encoding(et) & BTF_INT_SIGNED) ? ParamType::IntList : ParamType::UintList;
            p.elem_size = et->size;
        }
    } else {
        throw Error("parameter '" + var + "' has a type that cannot be set from a flag");
    }
    return p;
}

// Well-known filter parameters of the SDK's filter.h get short flags, as in Inspektor Gadget.
struct WellKnown {
    const char* key;
    const char* description;
};
const WellKnown* well_known(const std::string& var) {
    static const std::map<std::string, WellKnown> params = {
        {"targ_pid", {"pid", "Show only events of this process id"}},
        {"targ_tid", {"tid", "Show only events of this thread id"}},
        {"targ_uid", {"uid", "Show only events of this user id"}},
        {"targ_gid", {"gid", "Show only events of this group id"}},
        {"targ_comm", {"comm", "Show only events of processes with this command name"}},
    };
    auto it = params.find(var);
    return it == params.end() ? nullptr : &it->second;
}

// Fields of one side (key or value) of a map: a struct's members, or one field for a scalar.
void add_map_side(const btf* b, std::uint32_t type_id, const std::string& scalar_name,
                  std::uint32_t offset, DataSource& ds, const std::string& role) {
    std::uint32_t id = resolve(b, type_id, nullptr);
    const btf_type* t = btf__type_by_id(b, id);
    std::vector<Field> fields;
    if (t && btf_is_struct(t)) {
        FieldBuilder builder(b);
        builder.add_members(id, "", 0, -1);
        fields = builder.take();
    } else {
        FieldBuilder builder(b);
        fields = builder.single(type_id, scalar_name);
    }
    int base = static_cast<int>(ds.fields.size());
    for (auto& f : fields) {
        f.offset += offset;
        if (f.parent >= 0)
            f.parent += base;
        f.annotations["role"] = role;
        ds.fields.push_back(std::move(f));
    }
}

DataSource map_iterator_source(bpf_object* obj, const btf* b, const std::string& name,
                               const std::string& map_name) {
    bpf_map* map = bpf_object__find_map_by_name(obj, map_name.c_str());
    if (!map)
        throw Error("map iterator '" + name + "' reads map '" + map_name +
                    "', which the object does not define");
    switch (bpf_map__type(map)) {
    case BPF_MAP_TYPE_HASH:
    case BPF_MAP_TYPE_LRU_HASH:
    case BPF_MAP_TYPE_ARRAY:
        break;
    default:
        throw Error("map iterator '" + name + "': map '" + map_name +
                    "' is not a hash or array map");
    }
    if (!bpf_map__btf_key_type_id(map) || !bpf_map__btf_value_type_id(map))
        throw Error("map iterator '" + name + "': map '" + map_name +
                    "' has no BTF key/value types (declare it with __type(key, …))");
    DataSource ds;
    ds.name = name;
    ds.kind = DataSourceKind::MapIterator;
    ds.map_name = map_name;
    ds.key_size = bpf_map__key_size(map);
    ds.value_size = bpf_map__value_size(map);
    if (ds.key_size > kMaxRecordBytes || ds.value_size > kMaxRecordBytes)
        throw Error("map iterator '" + name + "': map '" + map_name +
                    "' has entries larger than a record may be");
    ds.value_offset = (ds.key_size + 7) & ~7u;
    ds.record_size = ds.value_offset + ds.value_size;
    add_map_side(b, bpf_map__btf_key_type_id(map), "key", 0, ds, "key");
    add_map_side(b, bpf_map__btf_value_type_id(map), "value", ds.value_offset, ds, "value");
    return ds;
}

} // namespace

std::vector<Field> fields_from_btf_struct(const btf* b, const std::string& struct_name,
                                          std::uint32_t* record_size) {
    int id = btf__find_by_name_kind(b, struct_name.c_str(), BTF_KIND_STRUCT);
    if (id < 0)
        throw Error("struct " + struct_name + " not found in the object's BTF");
    std::uint32_t size = btf__type_by_id(b, id)->size;
    if (size > kMaxRecordBytes)
        throw Error("struct " + struct_name + " is " + std::to_string(size) +
                    " bytes; records are limited to " + std::to_string(kMaxRecordBytes));
    if (record_size)
        *record_size = size;
    FieldBuilder builder(b);
    builder.add_members(static_cast<std::uint32_t>(id), "", 0, -1);
    return builder.take();
}

Introspection introspect_object(bpf_object* obj) {
    const btf* b = bpf_object__btf(obj);
    if (!b)
        throw Error("the BPF object has no BTF (build it with clang -g)");
    Introspection out;
    std::vector<std::string> param_vars;

    std::uint32_t n = btf__type_cnt(b);
    for (std::uint32_t id = 1; id < n; ++id) {
        const btf_type* t = btf__type_by_id(b, id);
        if (!btf_is_var(t))
            continue;
        std::string name = type_name(b, t);
        if (has_prefix(name, kTracerPrefix)) {
            auto parts = split(std::string_view(name).substr(kTracerPrefix.size()), kSeparator);
            if (parts.size() != 3)
                throw Error("malformed tracer marker '" + name + "'");
            DataSource ds;
            ds.name = parts[0];
            ds.kind = DataSourceKind::Tracer;
            ds.map_name = parts[1];
            ds.struct_name = parts[2];
            if (!bpf_object__find_map_by_name(obj, ds.map_name.c_str()))
                throw Error("tracer '" + ds.name + "' reads map '" + ds.map_name +
                            "', which the object does not define");
            ds.fields = fields_from_btf_struct(b, ds.struct_name, &ds.record_size);
            out.datasources.push_back(std::move(ds));
        } else if (has_prefix(name, kMapTracerPrefix)) {
            out.tracer_maps.push_back(name.substr(kMapTracerPrefix.size()));
        } else if (has_prefix(name, kParamPrefix)) {
            param_vars.push_back(name.substr(kParamPrefix.size()));
        } else if (has_prefix(name, kIterPrefix) || has_prefix(name, kSnapshotterPrefix)) {
            std::string_view rest = std::string_view(name).substr(
                has_prefix(name, kIterPrefix) ? kIterPrefix.size() : kSnapshotterPrefix.size());
            auto parts = split(rest, kSeparator);
            if (parts.size() < 3)
                throw Error("malformed iterator marker '" + name + "'");
            DataSource ds;
            ds.name = parts[0];
            ds.kind = DataSourceKind::Iterator;
            ds.struct_name = parts[1];
            ds.programs.assign(parts.begin() + 2, parts.end());
            for (const auto& prog : ds.programs) {
                bpf_program* p = bpf_object__find_program_by_name(obj, prog.c_str());
                if (!p)
                    throw Error("iterator '" + ds.name + "' names program '" + prog +
                                "', which the object does not define");
                if (std::string_view(bpf_program__section_name(p)).substr(0, 5) != "iter/")
                    throw Error("iterator '" + ds.name + "' names program '" + prog +
                                "', which is not an iter/ program");
            }
            ds.fields = fields_from_btf_struct(b, ds.struct_name, &ds.record_size);
            out.datasources.push_back(std::move(ds));
        } else if (has_prefix(name, kMapIterPrefix)) {
            auto parts = split(std::string_view(name).substr(kMapIterPrefix.size()), kSeparator);
            if (parts.size() != 2)
                throw Error("malformed map iterator marker '" + name + "'");
            out.datasources.push_back(map_iterator_source(obj, b, parts[0], parts[1]));
        }
    }

    if (!param_vars.empty()) {
        int sec_id = btf__find_by_name_kind(b, ".rodata", BTF_KIND_DATASEC);
        if (sec_id < 0)
            throw Error("the object declares parameters but has no .rodata section");
        const btf_type* sec = btf__type_by_id(b, sec_id);
        const btf_var_secinfo* vs = btf_var_secinfos(sec);
        for (const auto& var : param_vars) {
            bool found = false;
            for (std::uint16_t i = 0; i < btf_vlen(sec); ++i) {
                const btf_type* vt = btf__type_by_id(b, vs[i].type);
                if (!vt || type_name(b, vt) != var)
                    continue;
                ParamSpec p = param_from_var(b, var, vt->type, vs[i].offset, vs[i].size);
                if (const WellKnown* wk = well_known(var)) {
                    p.key = wk->key;
                    p.description = wk->description;
                }
                out.params.push_back(std::move(p));
                found = true;
                break;
            }
            if (!found)
                throw Error("parameter '" + var +
                            "' is not a const volatile global in .rodata (GADGET_PARAM needs "
                            "one)");
        }
    }
    for (const auto& ds : out.datasources)
        check_record_layout(ds);
    return out;
}

} // namespace ig

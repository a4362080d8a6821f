// SPDX-License-Identifier: Apache-2.0
#include "operators/formatters/formatters.h"

#include <arpa/inet.h>
#include <cstring>
#include <ctime>

namespace ig {
namespace {

std::uint64_t read_uint(const std::uint8_t* p, std::uint32_t size) {
    std::uint64_t v = 0;
    std::memcpy(&v, p, std::min<std::uint32_t>(size, 8)); // little-endian hosts only
    return v;
}

std::int64_t realtime_minus_boottime_ns() {
    timespec rt{}, bt{};
    clock_gettime(CLOCK_REALTIME, &rt);
    clock_gettime(CLOCK_BOOTTIME, &bt);
    return (static_cast<std::int64_t>(rt.tv_sec) - bt.tv_sec) * 1000000000LL +
           (rt.tv_nsec - bt.tv_nsec);
}

std::string strip_raw(const std::string& name) {
    static constexpr std::string_view suffix = "_raw";
    if (name.size() > suffix.size() && name.ends_with(suffix))
        return name.substr(0, name.size() - suffix.size());
    return "";
}

// The name of the readable sibling: annotation formatters.<kind>.target, else name minus _raw.
std::string target_name(const Field& f, const std::string& kind) {
    std::string t = f.annotation("formatters." + kind + ".target");
    if (!t.empty())
        return t;
    return strip_raw(f.name);
}

Field sibling_of(const Field& raw, const std::string& name) {
    Field f;
    f.name = name;
    auto dot = name.rfind('.');
    f.member = dot == std::string::npos ? name : name.substr(dot + 1);
    f.parent = raw.parent;
    f.type = FieldType::String;
    f.derived = true;
    return f;
}

class Formatters final : public Operator {
public:
    std::string_view name() const override { return "formatters"; }
    Stage stage() const override { return Stage::Format; }
    std::string_view description() const override {
        return "readable values for timestamps, errors, enums and endpoints";
    }

    void init(GadgetContext& ctx) override {
        for (auto& ds : ctx.datasources())
            format(ds);
    }

private:
    void format(DataSource& ds) {
        std::size_t n = ds.fields.size(); // only the fields that came from BTF
        for (std::size_t i = 0; i < n; ++i) {
            const Field raw = ds.fields[i]; // copy: add_field may reallocate
            if (raw.has_tag("gadget_l4endpoint_t") || raw.has_tag("gadget_l3endpoint_t")) {
                endpoint(ds, i);
            } else if (raw.has_tag("gadget_timestamp") && raw.type == FieldType::Uint) {
                add_sibling(ds, i, "timestamp", "timestamp",
                            [raw](const std::uint8_t* rec, ValueSink& out) {
                                std::uint64_t v = read_uint(rec + raw.offset, raw.size);
                                out.string_value(v ? format_boot_timestamp(v) : std::string());
                            });
            } else if (raw.has_tag("gadget_errno") && raw.type == FieldType::Uint) {
                add_sibling(
                    ds, i, "errno", "errorString", [raw](const std::uint8_t* rec, ValueSink& out) {
                        out.string_value(errno_name(
                            static_cast<std::uint32_t>(read_uint(rec + raw.offset, raw.size))));
                    });
            } else if (raw.type == FieldType::Enum && raw.enum_names) {
                // The sibling is the only place the names appear; the raw field shows numbers.
                ds.fields[i].enum_names = nullptr;
                ds.fields[i].type = raw.enum_names->is_signed ? FieldType::Int : FieldType::Uint;
                std::shared_ptr<const EnumNames> names = raw.enum_names;
                std::uint32_t off = raw.offset, size = raw.size;
                add_sibling(ds, i, "enum", "",
                            [names, off, size](const std::uint8_t* rec, ValueSink& out) {
                                std::int64_t v = 0;
                                if (names->is_signed) {
                                    std::uint64_t u = read_uint(rec + off, size);
                                    int shift = 64 - 8 * static_cast<int>(size);
                                    v = shift > 0 ? static_cast<std::int64_t>(u << shift) >> shift
                                                  : static_cast<std::int64_t>(u);
                                } else {
                                    v = static_cast<std::int64_t>(read_uint(rec + off, size));
                                }
                                out.string_value(names->name_of(v));
                            });
            }
        }
    }

    // Adds the readable field next to ds.fields[raw_idx], presented with `tmpl` (a column
    // template name, or empty), and hides the raw one from columns.
    void add_sibling(DataSource& ds, std::size_t raw_idx, const std::string& kind,
                     const std::string& tmpl, FieldRenderer renderer) {
        std::string target = target_name(ds.fields[raw_idx], kind);
        if (target.empty() || ds.find(target))
            return; // no name for it, or the gadget already has such a field
        Field f = sibling_of(ds.fields[raw_idx], target);
        f.renderer = std::move(renderer);
        f.display_after = static_cast<int>(raw_idx);
        if (!tmpl.empty())
            f.annotations["template"] = tmpl;
        ds.fields[raw_idx].annotations.emplace("columns.hidden", "true");
        ds.add_field(std::move(f));
    }

    void endpoint(DataSource& ds, std::size_t idx) {
        const std::string base = ds.fields[idx].name;
        auto addr_raw = ds.find(base + ".addr_raw");
        auto version = ds.find(base + ".version");
        if (!addr_raw || !version)
            return;
        auto port = ds.find(base + ".port");
        auto proto = ds.find(base + ".proto_raw");
        std::uint32_t a_off = ds.fields[*addr_raw].offset;
        std::uint32_t v_off = ds.fields[*version].offset;
        std::uint32_t p_off = port ? ds.fields[*port].offset : 0;
        bool has_port = port.has_value();

        for (std::size_t c : ds.children_of(static_cast<int>(idx))) {
            ds.fields[c].annotations.emplace("columns.hidden", "true");
        }
        ds.fields[*addr_raw].annotations.emplace("json.skip", "true");

        Field addr = sibling_of(ds.fields[*addr_raw], base + ".addr");
        addr.renderer = [a_off, v_off](const std::uint8_t* rec, ValueSink& out) {
            out.string_value(format_ip(rec + a_off, rec[v_off]));
        };
        addr.annotations.emplace("columns.hidden", "true");
        ds.add_field(std::move(addr));

        if (proto) {
            std::uint32_t pr_off = ds.fields[*proto].offset;
            ds.fields[*proto].annotations.emplace("json.skip", "true");
            Field pf = sibling_of(ds.fields[*proto], base + ".proto");
            pf.renderer = [pr_off](const std::uint8_t* rec, ValueSink& out) {
                std::uint16_t p;
                std::memcpy(&p, rec + pr_off, 2);
                switch (p) {
                case 6:
                    out.string_value("TCP");
                    break;
                case 17:
                    out.string_value("UDP");
                    break;
                default:
                    out.string_value("proto#" + std::to_string(p));
                }
            };
            pf.annotations.emplace("columns.hidden", "true");
            ds.add_field(std::move(pf));
        }

        ds.fields[idx].text_renderer = [a_off, v_off, p_off, has_port](const std::uint8_t* rec,
                                                                       ValueSink& out) {
            std::uint8_t ver = rec[v_off];
            std::string s = format_ip(rec + a_off, ver);
            if (has_port) {
                std::uint16_t p;
                std::memcpy(&p, rec + p_off, 2);
                s = (ver == 6 ? "[" + s + "]" : s) + ":" + std::to_string(p);
            }
            out.string_value(s);
        };
    }
};

} // namespace

std::string errno_name(std::uint32_t err) {
    if (err == 0)
        return "";
    if (const char* n = strerrorname_np(static_cast<int>(err)))
        return n;
    return "error#" + std::to_string(err);
}

std::string format_ip(const std::uint8_t* addr16, std::uint8_t version) {
    char buf[INET6_ADDRSTRLEN] = {};
    if (version == 4)
        inet_ntop(AF_INET, addr16, buf, sizeof buf);
    else if (version == 6)
        inet_ntop(AF_INET6, addr16, buf, sizeof buf);
    return buf;
}

std::string format_boot_timestamp(std::uint64_t boot_ns) {
    static const std::int64_t offset = realtime_minus_boottime_ns();
    std::int64_t ns = static_cast<std::int64_t>(boot_ns) + offset;
    time_t secs = static_cast<time_t>(ns / 1000000000LL);
    long frac = static_cast<long>(ns % 1000000000LL);
    tm local{};
    localtime_r(&secs, &local);
    char date[32], zone[8];
    strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%S", &local);
    strftime(zone, sizeof zone, "%z", &local); // +hhmm; RFC 3339 wants +hh:mm
    char out[64];
    std::snprintf(out, sizeof out, "%s.%09ld%.3s:%.2s", date, frac, zone, zone + 3);
    return out;
}

std::unique_ptr<Operator> make_formatters_operator() {
    return std::make_unique<Formatters>();
}

} // namespace ig

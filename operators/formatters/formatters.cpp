// SPDX-License-Identifier: Apache-2.0
#include "operators/formatters/formatters.h"

#include "operators/formatters/kernel_names.h"
#include "runtime/error.h"

#include <algorithm>
#include <arpa/inet.h>
#include <charconv>
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

constexpr std::size_t kTimestampChars = 48;

// RFC 3339 in local time with nanoseconds, into `buf`. The date and zone are formatted once per
// second (localtime_r and strftime were a fifth of ig's time per event); no allocation.
std::string_view format_boot_timestamp(std::uint64_t boot_ns, char (&buf)[kTimestampChars]) {
    static const std::int64_t offset = realtime_minus_boottime_ns();
    thread_local time_t cached_secs = -1;
    thread_local char date[32], zone[8];
    std::int64_t ns = 0;
    // A corrupt or hostile timestamp must not overflow (undefined behaviour): clamp it.
    if (__builtin_add_overflow(static_cast<std::int64_t>(boot_ns), offset, &ns))
        ns = offset > 0 ? INT64_MAX : INT64_MIN;
    time_t secs = static_cast<time_t>(ns / 1000000000LL);
    long frac = static_cast<long>(ns % 1000000000LL);
    if (secs != cached_secs) {
        tm local{};
        localtime_r(&secs, &local);
        strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%S", &local);
        char z[8] = "";
        strftime(z, sizeof z, "%z", &local); // +hhmm; RFC 3339 wants +hh:mm
        std::snprintf(zone, sizeof zone, "%.3s:%.2s", z, z + 3);
        cached_secs = secs;
    }
    if (frac < 0) { // only a clamped, hostile timestamp: keep the old text
        int len = std::snprintf(buf, kTimestampChars, "%s.%09ld%s", date, frac, zone);
        return std::string_view(buf, static_cast<std::size_t>(std::max(len, 0)));
    }
    std::size_t date_len = std::strlen(date), zone_len = std::strlen(zone);
    std::memcpy(buf, date, date_len);
    char* p = buf + date_len;
    *p++ = '.';
    for (int i = 8; i >= 0; --i, frac /= 10)
        p[i] = static_cast<char>('0' + frac % 10);
    p += 9;
    std::memcpy(p, zone, zone_len);
    return std::string_view(buf, static_cast<std::size_t>(p + zone_len - buf));
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
                                char buf[kTimestampChars];
                                out.string_value(v ? format_boot_timestamp(v, buf)
                                                   : std::string_view());
                            });
            } else if (raw.has_tag("gadget_errno") && raw.type == FieldType::Uint) {
                add_sibling(
                    ds, i, "errno", "errorString", [raw](const std::uint8_t* rec, ValueSink& out) {
                        out.string_value(errno_name(
                            static_cast<std::uint32_t>(read_uint(rec + raw.offset, raw.size))));
                    });
            } else if (raw.has_tag("gadget_file_flags") && is_integer(raw)) {
                add_number_sibling(ds, i, "flags", "", open_flags_string);
            } else if (raw.has_tag("gadget_file_mode") && is_integer(raw)) {
                add_number_sibling(ds, i, "mode", "", file_mode_string);
            } else if (raw.has_tag("gadget_signal") && is_integer(raw)) {
                add_number_sibling(ds, i, "signal", "", signal_name);
            } else if (raw.has_tag("gadget_syscall") && is_integer(raw)) {
                add_number_sibling(ds, i, "syscall", "syscall", syscall_name);
            } else if (raw.type == FieldType::Enum && raw.enum_names) {
                enum_sibling(ds, i);
            } else if (raw.type == FieldType::String &&
                       raw.annotation_true("value.nul-separated-list")) {
                string_list(ds, i);
            }
        }
    }

    static bool is_integer(const Field& f) {
        return f.type == FieldType::Uint || f.type == FieldType::Int;
    }

    template <typename Fn>
    void add_number_sibling(DataSource& ds, std::size_t idx, const std::string& kind,
                            const std::string& tmpl, Fn name_of) {
        std::uint32_t off = ds.fields[idx].offset, size = ds.fields[idx].size;
        add_sibling(
            ds, idx, kind, tmpl, [off, size, name_of](const std::uint8_t* rec, ValueSink& out) {
                out.string_value(name_of(static_cast<std::uint32_t>(read_uint(rec + off, size))));
            });
    }

    void enum_sibling(DataSource& ds, std::size_t i) {
        const Field raw = ds.fields[i];
        // The sibling is the only place the names appear; the raw field shows numbers.
        ds.fields[i].enum_names = nullptr;
        ds.fields[i].type = raw.enum_names->is_signed ? FieldType::Int : FieldType::Uint;
        std::shared_ptr<const EnumNames> names = raw.enum_names;
        std::uint32_t off = raw.offset, size = raw.size;
        // An enum named *_set holds flag bits: print the names of the bits set, joined by |.
        bool is_set = names->type_name.ends_with("_set");
        add_sibling(ds, i, "enum", "",
                    [names, off, size, is_set](const std::uint8_t* rec, ValueSink& out) {
                        std::uint64_t u = read_uint(rec + off, size);
                        if (is_set) {
                            std::string joined;
                            std::uint64_t rest = u;
                            for (const auto& [value, name] : names->values)
                                if (value != 0 && (u & static_cast<std::uint64_t>(value)) ==
                                                      static_cast<std::uint64_t>(value)) {
                                    joined += (joined.empty() ? "" : "|") + name;
                                    rest &= ~static_cast<std::uint64_t>(value);
                                }
                            if (rest)
                                joined += (joined.empty() ? "" : "|") + std::to_string(rest);
                            out.string_value(joined);
                            return;
                        }
                        std::int64_t v = static_cast<std::int64_t>(u);
                        if (names->is_signed) {
                            int shift = 64 - 8 * static_cast<int>(size);
                            v = shift > 0 ? static_cast<std::int64_t>(u << shift) >> shift : v;
                        }
                        out.string_value(names->name_of(v));
                    });
    }

    // A char array holding several NUL-terminated strings (exec arguments): rendered as a list,
    // bounded by the length field the author names, else by the array.
    void string_list(DataSource& ds, std::size_t i) {
        Field& f = ds.fields[i];
        std::uint32_t off = f.offset, size = f.size, len_off = 0, len_size = 0;
        std::string len_field = f.annotation("value.length-field");
        if (!len_field.empty()) {
            auto len_idx = ds.find(len_field);
            if (!len_idx || !is_integer(ds.fields[*len_idx]))
                throw Error(f.name + ": value.length-field names '" + len_field +
                            "', which is not an integer field");
            len_off = ds.fields[*len_idx].offset;
            len_size = ds.fields[*len_idx].size;
        }
        f.renderer = [off, size, len_off, len_size](const std::uint8_t* rec, ValueSink& out) {
            std::uint32_t n = size;
            if (len_size)
                n = static_cast<std::uint32_t>(
                    std::min<std::uint64_t>(read_uint(rec + len_off, len_size), size));
            const char* p = reinterpret_cast<const char*>(rec + off);
            out.begin_array();
            std::uint32_t start = 0;
            while (start < n) {
                std::uint32_t len = static_cast<std::uint32_t>(strnlen(p + start, n - start));
                out.string_value(std::string_view(p + start, len));
                start += len + 1;
            }
            out.end_array();
        };
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

std::string format_ip(const std::uint8_t* addr16, std::uint8_t version) {
    char buf[INET6_ADDRSTRLEN] = {};
    if (version == 4) {
        // By hand: glibc's inet_ntop formats IPv4 with sprintf, a tenth of ig's time per event.
        char* p = buf;
        for (int i = 0; i < 4; ++i) {
            if (i)
                *p++ = '.';
            p = std::to_chars(p, buf + sizeof buf, addr16[i]).ptr;
        }
        return std::string(buf, p);
    }
    if (version == 6)
        inet_ntop(AF_INET6, addr16, buf, sizeof buf);
    return buf;
}

std::string format_boot_timestamp(std::uint64_t boot_ns) {
    char buf[kTimestampChars];
    return std::string(format_boot_timestamp(boot_ns, buf));
}

std::unique_ptr<Operator> make_formatters_operator() {
    return std::make_unique<Formatters>();
}

} // namespace ig

// SPDX-License-Identifier: Apache-2.0
#include "operators/filter/expression.h"

#include "runtime/error.h"

#include <algorithm>
#include <cctype>
#include <charconv>

namespace ig {
namespace {

struct OpToken {
    const char* text;
    FilterOp op;
};
// Longest first, so "<=" is not read as "<" followed by "=v".
constexpr OpToken kOps[] = {{"==", FilterOp::Eq}, {"!=", FilterOp::Ne},       {"<=", FilterOp::Le},
                            {">=", FilterOp::Ge}, {"!~", FilterOp::NotMatch}, {"<", FilterOp::Lt},
                            {">", FilterOp::Gt},  {"~", FilterOp::Match}};

// std::regex (libstdc++) reads backreference numbers and repetition counts into an int without
// overflow checks, and expands every counted repetition into copies of its operand. Bound both
// before compiling, so a typed pattern can neither trigger undefined behaviour nor make ig build
// an automaton of millions of states.
void check_regex_limits(const std::string& re) {
    constexpr std::size_t kMaxLength = 512;
    constexpr unsigned long kMaxCount = 1000;      // one {m,n}
    constexpr unsigned long kMaxExpansion = 10000; // all counts multiplied: nesting multiplies
    if (re.size() > kMaxLength)
        throw Error("a regular expression may have at most " + std::to_string(kMaxLength) +
                    " characters");
    auto digits = [&](std::size_t& i) {
        std::size_t start = i;
        while (i < re.size() && std::isdigit(static_cast<unsigned char>(re[i])))
            ++i;
        if (i - start > 4)
            throw Error("number '" + re.substr(start, i - start) + "' is too large");
        return i == start ? 0ul : std::stoul(re.substr(start, i - start));
    };
    unsigned long expansion = 1;
    bool in_brackets = false;
    for (std::size_t i = 0; i < re.size();) {
        char c = re[i];
        if (c == '\\') {
            ++i;
            // A back-reference (or, in brackets, an escape libstdc++ also reads as a number).
            if (i < re.size() && std::isdigit(static_cast<unsigned char>(re[i])))
                (void)digits(i);
            else
                ++i;
        } else if (in_brackets) {
            in_brackets = c != ']'; // ECMAScript: "[]" is an empty class, ']' always closes
            ++i;
        } else if (c == '[') {
            in_brackets = true;
            ++i;
        } else if (c == '{') {
            ++i;
            unsigned long count = digits(i);
            if (i < re.size() && re[i] == ',') {
                ++i;
                count = std::max(count, digits(i));
            }
            if (count > kMaxCount)
                throw Error("repetition count " + std::to_string(count) + " is larger than " +
                            std::to_string(kMaxCount));
            expansion *= std::max(count, 1ul);
            if (expansion > kMaxExpansion)
                throw Error("counted repetitions expand to more than " +
                            std::to_string(kMaxExpansion) + " copies");
        } else {
            ++i;
        }
    }
}

Condition parse_condition(const std::string& text) {
    // The operator is the first operator token after a field name (letters, digits, . and _).
    std::size_t i = 0;
    while (i < text.size() && (std::isalnum(static_cast<unsigned char>(text[i])) ||
                               text[i] == '.' || text[i] == '_' || text[i] == '-'))
        ++i;
    if (i == 0)
        throw Error("--filter: condition '" + text + "' does not start with a field name");
    for (const auto& t : kOps) {
        std::string_view tok = t.text;
        if (text.compare(i, tok.size(), tok) == 0)
            return Condition{text.substr(0, i), t.op, text.substr(i + tok.size())};
    }
    throw Error("--filter: condition '" + text +
                "' has no operator (use ==, !=, <, <=, >, >=, ~ or !~)");
}

bool parse_number(const std::string& s, FieldValue& v, FieldType type) {
    const char* b = s.data();
    const char* e = s.data() + s.size();
    if (type == FieldType::Float) {
        try {
            std::size_t pos = 0;
            v.f = std::stod(s, &pos);
            v.kind = FieldValue::Kind::Float;
            return pos == s.size();
        } catch (const std::exception&) {
            return false;
        }
    }
    if (type == FieldType::Int) {
        auto [p, ec] = std::from_chars(b, e, v.i);
        v.kind = FieldValue::Kind::Int;
        return ec == std::errc() && p == e;
    }
    auto [p, ec] = std::from_chars(b, e, v.u);
    v.kind = FieldValue::Kind::Uint;
    return ec == std::errc() && p == e;
}

} // namespace

std::vector<Condition> parse_filter(const std::string& expr) {
    std::vector<Condition> out;
    std::string cur;
    for (std::size_t i = 0; i <= expr.size(); ++i) {
        if (i < expr.size() && expr[i] == '\\' && i + 1 < expr.size() && expr[i + 1] == ',') {
            cur += ',';
            ++i;
        } else if (i == expr.size() || expr[i] == ',') {
            if (cur.empty())
                throw Error("--filter: empty condition in '" + expr + "'");
            out.push_back(parse_condition(cur));
            cur.clear();
        } else {
            cur += expr[i];
        }
    }
    return out;
}

CompiledFilter::CompiledFilter(const DataSource& ds, const std::vector<Condition>& conditions) {
    for (const auto& c : conditions) {
        auto idx = ds.find(c.field_name);
        if (!idx)
            throw Error("--filter: data source '" + ds.name + "' has no field '" + c.field_name +
                        "'");
        const Field& f = ds.fields[*idx];
        if (f.type == FieldType::Struct && !f.text_renderer)
            throw Error("--filter: field '" + c.field_name +
                        "' is a structure; filter on one "
                        "of its members");
        Bound b{&f, c.op, {}, nullptr};
        bool textual = f.renderer || f.text_renderer || f.type == FieldType::String ||
                       f.type == FieldType::Bytes || f.type == FieldType::Array ||
                       f.type == FieldType::Enum;
        if (c.op == FilterOp::Match || c.op == FilterOp::NotMatch) {
            try {
                check_regex_limits(c.text);
                // __polynomial (libstdc++): match with the breadth-first executor, linear in
                // the text, instead of backtracking that is exponential on "(|a)***" (found by
                // fuzzing). It refuses back-references, which need backtracking.
                b.re = std::make_shared<std::regex>(c.text, std::regex::ECMAScript |
                                                                std::regex_constants::__polynomial);
            } catch (const Error& e) {
                throw Error("--filter: regular expression '" + c.text + "' for " + c.field_name +
                            " is refused: " + e.what());
            } catch (const std::regex_error& e) {
                throw Error("--filter: invalid regular expression '" + c.text + "' for " +
                            c.field_name + ": " + e.what());
            }
        } else if (f.type == FieldType::Bool) {
            if (c.text != "true" && c.text != "false")
                throw Error("--filter: " + c.field_name +
                            " is a boolean: compare it with true "
                            "or false, not '" +
                            c.text + "'");
            b.want.kind = FieldValue::Kind::Bool;
            b.want.u = c.text == "true";
        } else if (!textual) {
            if (!parse_number(c.text, b.want, f.type))
                throw Error("--filter: " + c.field_name + " is a number; '" + c.text + "' is not");
        } else {
            b.want.kind = FieldValue::Kind::String;
            b.want.s = c.text;
        }
        bound_.push_back(std::move(b));
    }
}

bool CompiledFilter::matches(const Record& r) {
    for (const auto& b : bound_) {
        scratch_.capture(*b.field, r.data);
        bool ok;
        if (b.re) {
            if (scratch_.kind != FieldValue::Kind::String) {
                // Numbers match against their decimal text.
                scratch_.s = scratch_.kind == FieldValue::Kind::Int ? std::to_string(scratch_.i)
                             : scratch_.kind == FieldValue::Kind::Float
                                 ? std::to_string(scratch_.f)
                                 : std::to_string(scratch_.u);
            }
            bool found = std::regex_search(scratch_.s, *b.re);
            ok = b.op == FilterOp::Match ? found : !found;
        } else {
            int c = compare_values(scratch_, b.want);
            switch (b.op) {
            case FilterOp::Eq:
                ok = c == 0;
                break;
            case FilterOp::Ne:
                ok = c != 0;
                break;
            case FilterOp::Lt:
                ok = c < 0;
                break;
            case FilterOp::Le:
                ok = c <= 0;
                break;
            case FilterOp::Gt:
                ok = c > 0;
                break;
            default:
                ok = c >= 0;
            }
        }
        if (!ok)
            return false;
    }
    return true;
}

} // namespace ig

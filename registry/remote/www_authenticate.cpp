// SPDX-License-Identifier: Apache-2.0
#include "registry/remote/www_authenticate.h"

#include "registry/error.h"

#include <cctype>

namespace ig::registry::remote {
namespace {

constexpr std::size_t kMaxHeader = 16 * 1024;

bool is_token_char(char c) {
    // RFC 7230 tchar
    return std::isalnum(static_cast<unsigned char>(c)) ||
           std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

std::string lower(std::string_view s) {
    std::string out(s);
    for (auto& c : out)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

class Parser {
public:
    explicit Parser(std::string_view text) : s_(text) {}

    std::vector<Challenge> parse() {
        std::vector<Challenge> out;
        skip_separators();
        while (!done()) {
            std::string scheme = token();
            if (scheme.empty())
                fail("expected an auth scheme");
            Challenge ch{lower(scheme), {}};
            skip_ws();
            // Parameters until the next "scheme SP" (a token followed by a space, not by '=').
            while (!done()) {
                skip_separators();
                std::size_t save = i_;
                std::string name = token();
                if (name.empty())
                    break;
                skip_ws();
                if (peek() != '=') {
                    // A token68 (Basic credentials form) or the next challenge's scheme.
                    if (ch.params.empty() && (done() || peek() == ',')) {
                        ch.params[""] = name;
                        continue;
                    }
                    i_ = save;
                    break;
                }
                ++i_;
                skip_ws();
                std::string value = peek() == '"' ? quoted() : token();
                ch.params[lower(name)] = value;
                skip_ws();
                if (!done() && peek() != ',')
                    fail("expected ',' after parameter '" + name + "'");
            }
            out.push_back(std::move(ch));
            skip_separators();
        }
        return out;
    }

private:
    bool done() const { return i_ >= s_.size(); }
    char peek() const { return done() ? '\0' : s_[i_]; }
    void skip_ws() {
        while (!done() && (s_[i_] == ' ' || s_[i_] == '\t'))
            ++i_;
    }
    void skip_separators() {
        while (!done() && (s_[i_] == ' ' || s_[i_] == '\t' || s_[i_] == ','))
            ++i_;
    }
    std::string token() {
        std::size_t start = i_;
        while (!done() && (is_token_char(s_[i_]) || s_[i_] == '/')) // '/' for token68
            ++i_;
        return std::string(s_.substr(start, i_ - start));
    }
    std::string quoted() {
        ++i_; // opening quote
        std::string out;
        while (!done()) {
            char c = s_[i_++];
            if (c == '"')
                return out;
            if (c == '\\') {
                if (done())
                    break;
                c = s_[i_++];
            }
            out.push_back(c);
        }
        fail("unbalanced quotes");
    }
    [[noreturn]] void fail(const std::string& why) const {
        throw RegistryError("malformed WWW-Authenticate header (" + why + "): '" +
                            std::string(s_.substr(0, 200)) + "'");
    }

    std::string_view s_;
    std::size_t i_ = 0;
};

} // namespace

std::vector<Challenge> parse_www_authenticate(std::string_view header) {
    if (header.size() > kMaxHeader)
        throw RegistryError("WWW-Authenticate header is too long (" +
                            std::to_string(header.size()) + " bytes)");
    return Parser(header).parse();
}

} // namespace ig::registry::remote

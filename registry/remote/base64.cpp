// SPDX-License-Identifier: Apache-2.0
#include "registry/remote/base64.h"

#include "registry/error.h"

#include <cctype>
#include <openssl/evp.h>

namespace ig::registry::remote {

std::string base64_encode(std::string_view bytes) {
    std::string out(4 * ((bytes.size() + 2) / 3), '\0');
    int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                            reinterpret_cast<const unsigned char*>(bytes.data()),
                            static_cast<int>(bytes.size()));
    out.resize(static_cast<std::size_t>(n));
    return out;
}

std::string base64_decode(std::string_view text, std::string_view what) {
    auto invalid = [&] { return RegistryError(std::string(what) + " is not valid base64"); };
    if (text.size() % 4 != 0)
        throw invalid();
    for (char c : text)
        if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '/' || c == '='))
            throw invalid(); // EVP_DecodeBlock would skip whitespace silently
    std::string out(3 * (text.size() / 4), '\0');
    int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                            reinterpret_cast<const unsigned char*>(text.data()),
                            static_cast<int>(text.size()));
    if (n < 0)
        throw invalid();
    // EVP_DecodeBlock counts padding as zero bytes; drop them.
    std::size_t pad = 0;
    if (!text.empty() && text.back() == '=')
        pad = text.size() >= 2 && text[text.size() - 2] == '=' ? 2 : 1;
    if (text.substr(0, text.size() - pad).find('=') != std::string_view::npos)
        throw invalid();
    out.resize(static_cast<std::size_t>(n) - pad);
    return out;
}

} // namespace ig::registry::remote

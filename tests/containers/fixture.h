// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <fstream>
#include <sstream>
#include <string>

inline std::string read_fixture(const std::string& name) {
    std::ifstream in(std::string(IG_CONTAINERS_FIXTURES) + "/" + name);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

// SPDX-License-Identifier: Apache-2.0
#include "operators/usernames/usernames_operator.h"

#include <gtest/gtest.h>
#include <sstream>

TEST(Usernames, PasswdAndGroupLinesMapIdsToNames) {
    std::istringstream passwd("root:x:0:0:root:/root:/bin/bash\n"
                              "# comment\n"
                              "daemon:x:1:1::/:/usr/sbin/nologin\n"
                              "broken line\n"
                              "bad:x:notanumber:1::/:/bin/sh\n"
                              "dup:x:0:0::/:/bin/sh\n");
    auto names = ig::parse_id_names(passwd);
    EXPECT_EQ(names.size(), 2u);
    EXPECT_EQ(names.at(0), "root"); // the first entry for an id wins, as getpwuid does
    EXPECT_EQ(names.at(1), "daemon");
    std::istringstream group("docker:x:998:\n");
    EXPECT_EQ(ig::parse_id_names(group).at(998), "docker");
}

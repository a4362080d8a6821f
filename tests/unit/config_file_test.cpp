// SPDX-License-Identifier: Apache-2.0
#include "runtime/error.h"
#include "tools/ig/config_file.h"

#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>
#include <unistd.h>

using ig::cli::load_host_config;

namespace {

std::filesystem::path write_config(const std::string& text) {
    auto path = std::filesystem::temp_directory_path() /
                ("ig-config-test-" + std::to_string(::getpid()) + ".yaml");
    std::ofstream(path) << text;
    return path;
}

} // namespace

TEST(HostConfig, MissingFileGivesDefaults) {
    auto config = load_host_config("/nonexistent/ig/config.yaml");
    EXPECT_TRUE(config.allowed_gadgets.empty());
    EXPECT_FALSE(config.disallow_pulling);
    EXPECT_FALSE(config.verify_image.has_value());
    EXPECT_TRUE(config.source.empty());
}

TEST(HostConfig, ReadsEveryOciKey) {
    auto path = write_config("operator:\n"
                             "  oci:\n"
                             "    allowed-gadgets: [\"localhost:5000/team/*\", trace_tcp]\n"
                             "    disallow-pulling: true\n"
                             "    verify-image: false\n"
                             "    public-keys: /etc/ig/a.pub,/etc/ig/b.pub\n"
                             "    insecure-registries: [localhost:5000]\n");
    auto config = load_host_config(path);
    std::filesystem::remove(path);
    EXPECT_EQ(config.allowed_gadgets,
              (std::vector<std::string>{"localhost:5000/team/*", "trace_tcp"}));
    EXPECT_TRUE(config.disallow_pulling);
    EXPECT_EQ(config.verify_image, false);
    EXPECT_EQ(config.public_keys, (std::vector<std::string>{"/etc/ig/a.pub", "/etc/ig/b.pub"}));
    EXPECT_EQ(config.insecure_registries, (std::vector<std::string>{"localhost:5000"}));
    EXPECT_EQ(config.source, path);
}

TEST(HostConfig, UnknownKeysAndBadValuesNameTheKey) {
    auto check = [](const std::string& text, const std::string& expected) {
        auto path = write_config(text);
        try {
            load_host_config(path);
            ADD_FAILURE() << "accepted: " << text;
        } catch (const ig::Error& e) {
            EXPECT_NE(std::string(e.what()).find(expected), std::string::npos) << e.what();
        }
        std::filesystem::remove(path);
    };
    check("operator:\n  oci:\n    allowed-gadget: [x]\n", "operator.oci.allowed-gadget");
    check("operator:\n  oci:\n    disallow-pulling: maybe\n", "operator.oci.disallow-pulling");
    check("operator:\n  oci:\n    public-keys: {a: b}\n", "operator.oci.public-keys");
    check("operators: {}\n", "unknown key 'operators'");
    check("operator: [\n", "invalid YAML");
}

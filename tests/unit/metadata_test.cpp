// SPDX-License-Identifier: Apache-2.0
#include "runtime/error.h"
#include "runtime/gadget/metadata.h"

#include <gtest/gtest.h>

namespace ig {
namespace {

std::string error_of(const std::string& yaml) {
    try {
        parse_metadata(yaml, "gadget.yaml");
    } catch (const Error& e) {
        return e.what();
    }
    return "";
}

TEST(Metadata, ParsesTheDocumentedSchema) {
    auto md = parse_metadata(R"(name: trace tcp
description: monitor tcp
homepageURL: https://example.org/
datasources:
  tracetcp:
    annotations:
      cli.clear-screen-before: "true"
    fields:
      src:
        annotations:
          template: l4endpoint
      fd:
        annotations:
          columns.hidden: true
          columns.width: 5
params:
  ebpf:
    accept_only:
      key: accept-only
      defaultValue: "false"
      description: Show only accept events
)",
                             "gadget.yaml");
    EXPECT_EQ(md.name, "trace tcp");
    EXPECT_EQ(md.homepage_url, "https://example.org/");
    const auto& ds = md.datasources.at("tracetcp");
    EXPECT_EQ(ds.annotations.at("cli.clear-screen-before"), "true");
    ASSERT_EQ(ds.fields.size(), 2u);
    EXPECT_EQ(ds.fields[0].first, "src"); // file order kept
    EXPECT_EQ(ds.fields[1].second.at("columns.width"), "5");
    const auto& p = md.ebpf_params.at("accept_only");
    EXPECT_EQ(p.key, "accept-only");
    EXPECT_TRUE(p.has_default);
    EXPECT_EQ(p.default_value, "false");
}

TEST(Metadata, UnknownTopLevelKeyNamesLineAndKey) {
    auto err = error_of("name: x\nbogus: 1\n");
    EXPECT_NE(err.find("gadget.yaml:2:1"), std::string::npos) << err;
    EXPECT_NE(err.find("unknown key 'bogus'"), std::string::npos) << err;
}

TEST(Metadata, UnknownParamKeyIsAnError) {
    auto err = error_of("params:\n  ebpf:\n    x:\n      kee: y\n");
    EXPECT_NE(err.find("unknown key 'kee' in params.ebpf.x"), std::string::npos) << err;
}

TEST(Metadata, InvalidAnnotationValuesAreErrors) {
    EXPECT_NE(error_of("datasources:\n  d:\n    fields:\n      f:\n        annotations:\n"
                       "          columns.width: wide\n")
                  .find("columns.width"),
              std::string::npos);
    EXPECT_NE(error_of("datasources:\n  d:\n    fields:\n      f:\n        annotations:\n"
                       "          columns.alignment: center\n")
                  .find("left or right"),
              std::string::npos);
    EXPECT_NE(error_of("datasources:\n  d:\n    fields:\n      f:\n        annotations:\n"
                       "          columns.hidden: maybe\n")
                  .find("true or false"),
              std::string::npos);
}

TEST(Metadata, MalformedYamlIsAnErrorWithPosition) {
    auto err = error_of("name: [unclosed\n");
    EXPECT_NE(err.find("invalid YAML"), std::string::npos) << err;
}

TEST(Metadata, WrongShapesAreErrors) {
    EXPECT_NE(error_of("- a\n- b\n").find("must be a mapping"), std::string::npos);
    EXPECT_NE(error_of("name: [a, b]\n").find("'name' must be a scalar"), std::string::npos);
    EXPECT_NE(error_of("params:\n  ebpf:\n    x:\n      key: has space\n").find("spaces"),
              std::string::npos);
}

TEST(Metadata, OversizedFileIsRejected) {
    std::string big(kMaxMetadataBytes + 1, '#');
    EXPECT_NE(error_of(big).find("larger than"), std::string::npos);
}

TEST(Metadata, EmptyFileIsAnEmptyGadget) {
    auto md = parse_metadata("", "gadget.yaml");
    EXPECT_TRUE(md.name.empty());
    EXPECT_TRUE(md.datasources.empty());
}

} // namespace
} // namespace ig

// SPDX-License-Identifier: Apache-2.0
// The operator chain (formatters, annotations, output) on records of the fixture gadget,
// without a kernel: fields come from the object's BTF, values from bytes we place.
#include "operators/annotate/annotate_operator.h"
#include "operators/formatters/formatters.h"
#include "operators/instance_context.h"
#include "operators/output/encoders.h"
#include "operators/output/output_operator.h"
#include "operators/pipeline.h"
#include "runtime/error.h"
#include "runtime/gadget/instance.h"
#include "test_support.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace ig {
namespace {

class OutputTest : public ::testing::Test {
protected:
    void SetUp() override {
        inst_ = GadgetInstance::open(load_package_from_dir(test::fixture_dir("types_gadget")));
        ctx_ = std::make_unique<InstanceContext>(*inst_);
        make_formatters_operator()->init(*ctx_);
        make_annotate_operator()->init(*ctx_);
    }

    const DataSource& ds() { return ctx_->datasources()[0]; }

    test::RecordBuilder sample() {
        test::RecordBuilder b(ds());
        std::uint8_t addr[16] = {};
        inet_pton(AF_INET, "10.1.2.3", addr);
        b.set<std::uint8_t>("flag", 1)
            .set<std::int8_t>("s8", -3)
            .set<std::uint16_t>("u16", 65000)
            .set<std::int64_t>("s64", -9000000000LL)
            .set<std::uint64_t>("u64", 18000000000000000000ULL)
            .set<std::uint32_t>("color_raw", 40)
            .set<std::uint32_t>("error_raw", 111)
            .set_bytes("name", "web\0", 4)
            .set<std::uint32_t>("numbers", 7)
            .set<std::uint16_t>("nested.a", 9)
            .set_bytes("endpoint.addr_raw", addr, 16)
            .set<std::uint16_t>("endpoint.port", 8080)
            .set<std::uint16_t>("endpoint.proto_raw", 6)
            .set<std::uint8_t>("endpoint.version", 4);
        return b;
    }

    std::string encode(Encoder& enc, const Record& r) {
        std::string out;
        enc.encode(r, out);
        return out;
    }

    std::unique_ptr<GadgetInstance> inst_;
    std::unique_ptr<InstanceContext> ctx_;
};

TEST_F(OutputTest, JsonNestsStructsAndTypesValues) {
    auto enc = make_structured_encoder(ds(), StructuredFormat::Json, "");
    auto b = sample();
    auto line = encode(*enc, b.record());
    ASSERT_EQ(line.back(), '\n');
    auto j = nlohmann::json::parse(line);
    EXPECT_EQ(j["flag"], true);
    EXPECT_EQ(j["s8"], -3);
    EXPECT_EQ(j["u16"], 65000);
    EXPECT_EQ(j["s64"], -9000000000LL);
    EXPECT_EQ(j["u64"], 18000000000000000000ULL);
    EXPECT_EQ(j["color_raw"], 40);
    EXPECT_EQ(j["color"], "BLUE");
    EXPECT_EQ(j["error_raw"], 111);
    EXPECT_EQ(j["error"], "ECONNREFUSED");
    EXPECT_EQ(j["name"], "web");
    EXPECT_EQ(j["numbers"], nlohmann::json::array({7, 0, 0}));
    EXPECT_EQ(j["nested"]["a"], 9);
    EXPECT_EQ(j["endpoint"]["addr"], "10.1.2.3");
    EXPECT_EQ(j["endpoint"]["port"], 8080);
    EXPECT_EQ(j["endpoint"]["proto"], "TCP");
    EXPECT_FALSE(j["endpoint"].contains("addr_raw")); // json.skip
    EXPECT_FALSE(j.contains("__private_padding"));
}

TEST_F(OutputTest, ColumnsShowVisibleFieldsWithTemplatesAndAliases) {
    auto enc = make_columns_encoder(ds(), {"", false});
    std::string header;
    enc->header(header);
    EXPECT_NE(header.find("BIG"), std::string::npos) << header; // columns.alias
    EXPECT_NE(header.find("ENDPOINT"), std::string::npos);
    EXPECT_NE(header.find("COLOR"), std::string::npos);
    EXPECT_EQ(header.find("COLOR_RAW"), std::string::npos) << "raw enum should be hidden";
    EXPECT_EQ(header.find("TIMESTAMP"), std::string::npos) << "timestamps are hidden by default";
    auto b = sample();
    auto line = encode(*enc, b.record());
    EXPECT_NE(line.find("10.1.2.3:8080"), std::string::npos) << line;
    EXPECT_NE(line.find("ECONNREFUSED"), std::string::npos) << line;
    EXPECT_NE(line.find("BLUE"), std::string::npos) << line;
    // Right-aligned, width 22: the value ends where the header ends.
    auto hpos = header.find("BIG");
    auto vpos = line.find("18000000000000000000");
    EXPECT_EQ(vpos + 20, hpos + 3);
}

TEST_F(OutputTest, FieldsSelectsAndOrdersColumns) {
    auto enc = make_columns_encoder(ds(), {"name,endpoint,error", false});
    std::string header;
    enc->header(header);
    EXPECT_EQ(header.substr(0, 4), "NAME");
    EXPECT_LT(header.find("ENDPOINT"), header.find("ERROR"));
    EXPECT_EQ(header.find("COLOR"), std::string::npos);
    auto minus = make_columns_encoder(ds(), {"-color,+s8", false});
    header.clear();
    minus->header(header);
    EXPECT_EQ(header.find("COLOR"), std::string::npos);
    EXPECT_NE(header.find("S8"), std::string::npos);
}

TEST_F(OutputTest, UnknownFieldIsAClearError) {
    try {
        make_columns_encoder(ds(), {"nope", false});
        FAIL();
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("has no field 'nope'"), std::string::npos);
    }
}

TEST_F(OutputTest, TruncatesOnlyWhenAsked) {
    auto b = sample();
    b.set_bytes("name", "abcdefghijk", 12);
    ctx_->datasources()[0].fields[*ds().find("name")].annotations["columns.width"] = "6";
    auto trunc = make_columns_encoder(ds(), {"name,s8", true});
    auto full = make_columns_encoder(ds(), {"name,s8", false});
    EXPECT_EQ(encode(*full, b.record()).substr(0, 11), "abcdefghijk");
    EXPECT_EQ(encode(*trunc, b.record()).substr(0, 9), "abcde\u2026 ") << "5 chars + ellipsis";

    ctx_->datasources()[0].fields[*ds().find("name")].annotations["columns.ellipsis"] = "middle";
    auto middle = make_columns_encoder(ds(), {"name,s8", true});
    EXPECT_EQ(encode(*middle, b.record()).substr(0, 9), "abc\u2026jk ");
}

TEST_F(OutputTest, YamlIsOneDocumentPerRecord) {
    auto enc = make_structured_encoder(ds(), StructuredFormat::Yaml, "");
    auto b = sample();
    auto doc = encode(*enc, b.record());
    EXPECT_EQ(doc.substr(0, 4), "---\n");
    EXPECT_NE(doc.find("\nendpoint:\n  "), std::string::npos) << doc;
    EXPECT_NE(doc.find("error: \"ECONNREFUSED\"\n"), std::string::npos) << doc;
}

TEST_F(OutputTest, JsonEscapesHostileStrings) {
    auto enc = make_structured_encoder(ds(), StructuredFormat::Json, "name");
    auto b = sample();
    b.set_bytes("name", "a\"b\n\xff\x1b", 7);
    auto line = encode(*enc, b.record());
    auto j = nlohmann::json::parse(line); // must be valid JSON despite invalid UTF-8
    EXPECT_EQ(j.size(), 1u);
    EXPECT_EQ(j["name"].get<std::string>().substr(0, 4), "a\"b\n");
}

TEST_F(OutputTest, OutputOperatorRejectsUnknownMode) {
    auto op = make_output_operator(stdout, stderr);
    EXPECT_THROW(op->configure({{"output", "xml"}}), Error);
}

TEST_F(OutputTest, OutputOperatorWritesJsonLines) {
    char* buf = nullptr;
    std::size_t len = 0;
    std::FILE* mem = open_memstream(&buf, &len);
    auto op = make_output_operator(mem, stderr);
    op->configure({{"output", "json"}});
    op->init(*ctx_);
    op->start(*ctx_);
    auto b = sample();
    op->on_record(b.record());
    op->on_record(b.record());
    op->on_batch_end();
    op->stop();
    std::fclose(mem);
    std::string out(buf, len);
    free(buf);
    EXPECT_EQ(std::count(out.begin(), out.end(), '\n'), 2);
}

} // namespace
} // namespace ig

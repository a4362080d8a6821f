// SPDX-License-Identifier: Apache-2.0
// --filter and --sort over typed fields of the fixture gadget's records.
#include "operators/annotate/annotate_operator.h"
#include "operators/filter/expression.h"
#include "operators/filter/filter_operator.h"
#include "operators/formatters/formatters.h"
#include "operators/instance_context.h"
#include "operators/sort/sort_operator.h"
#include "runtime/error.h"
#include "runtime/gadget/instance.h"
#include "test_support.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>

namespace ig {
namespace {

class FilterTest : public ::testing::Test {
protected:
    void SetUp() override {
        inst_ = GadgetInstance::open(load_package_from_dir(test::fixture_dir("types_gadget")));
        ctx_ = std::make_unique<InstanceContext>(*inst_);
        make_formatters_operator()->init(*ctx_);
        make_annotate_operator()->init(*ctx_);
    }
    const DataSource& ds() { return ctx_->datasources()[0]; }

    test::RecordBuilder row(std::int32_t s32, std::uint64_t u64, const char* name,
                            std::uint32_t err, const char* ip, std::uint16_t port) {
        test::RecordBuilder b(ds());
        std::uint8_t addr[16] = {};
        inet_pton(AF_INET, ip, addr);
        char n[12] = {};
        std::strncpy(n, name, sizeof n - 1);
        b.set("s32", s32)
            .set("u64", u64)
            .set_bytes("name", n, sizeof n)
            .set("error_raw", err)
            .set_bytes("endpoint.addr_raw", addr, 16)
            .set<std::uint16_t>("endpoint.port", port)
            .set<std::uint8_t>("endpoint.version", 4)
            .set<std::uint8_t>("flag", s32 > 0);
        return b;
    }

    bool match(const std::string& expr, const test::RecordBuilder& b) {
        CompiledFilter f(ds(), parse_filter(expr));
        return f.matches(b.record());
    }

    std::unique_ptr<GadgetInstance> inst_;
    std::unique_ptr<InstanceContext> ctx_;
};

TEST_F(FilterTest, NumbersCompareNumerically) {
    auto r = row(-5, 100, "web", 0, "10.0.0.1", 80);
    EXPECT_TRUE(match("s32==-5", r));
    EXPECT_TRUE(match("s32<3", r));
    EXPECT_FALSE(match("s32>=0", r));
    EXPECT_TRUE(match("u64>99", r)); // 100 > 99 numerically, though "100" < "99" as text
    EXPECT_TRUE(match("u64<=100", r));
    EXPECT_FALSE(match("u64!=100", r));
}

TEST_F(FilterTest, StringsRegexesAndDerivedFields) {
    auto r = row(1, 1, "nginx-web", 111, "10.0.0.1", 443);
    EXPECT_TRUE(match("name==nginx-web", r));
    EXPECT_TRUE(match("name~^nginx", r));
    EXPECT_TRUE(match("name!~^apache", r));
    EXPECT_TRUE(match("error==ECONNREFUSED", r)); // the formatted sibling of error_raw
    EXPECT_TRUE(match("error_raw==111", r));
    EXPECT_TRUE(match("endpoint.addr==10.0.0.1", r));
    EXPECT_TRUE(match("endpoint==10.0.0.1:443", r)); // an endpoint compares as ip:port
    EXPECT_TRUE(match("endpoint.port==443", r));
    EXPECT_TRUE(match("color==RED", row(1, 1, "x", 0, "1.1.1.1", 1)) == false);
}

TEST_F(FilterTest, ConditionsAreAndedAndCommasEscape) {
    auto r = row(7, 1, "a,b", 0, "10.0.0.1", 80);
    EXPECT_TRUE(match("s32==7,name==a\\,b", r));
    EXPECT_FALSE(match("s32==7,name==a", r));
    EXPECT_TRUE(match("flag==true", r));
}

TEST_F(FilterTest, BadExpressionsAreOneLineErrors) {
    auto expect_error = [&](const std::string& expr, const std::string& needle) {
        try {
            CompiledFilter f(ds(), parse_filter(expr));
            ADD_FAILURE() << expr << " was accepted";
        } catch (const Error& e) {
            std::string msg = e.what();
            EXPECT_NE(msg.find(needle), std::string::npos) << msg;
            EXPECT_EQ(msg.find('\n'), std::string::npos) << msg;
        }
    };
    expect_error("nosuch==1", "has no field 'nosuch'");
    expect_error("s32==abc", "is a number");
    expect_error("s32", "has no operator");
    expect_error("==3", "does not start with a field name");
    expect_error("name~([", "invalid regular expression");
    expect_error("flag==yes", "boolean");
    expect_error("s32==1,,u64==2", "empty condition");
    expect_error("nested==1", "is a structure");
}

TEST_F(FilterTest, FilterOperatorDropsRecordsAndRows) {
    auto op = make_filter_operator();
    op->configure({{"filter", "u64>=10"}});
    op->init(*ctx_);
    auto keep = row(1, 10, "a", 0, "1.1.1.1", 1);
    auto drop = row(1, 9, "b", 0, "1.1.1.1", 1);
    EXPECT_TRUE(op->on_record(keep.record()));
    EXPECT_FALSE(op->on_record(drop.record()));
    std::vector<Record> rows = {keep.record(), drop.record(), keep.record()};
    op->on_array(ds(), rows);
    EXPECT_EQ(rows.size(), 2u);
}

TEST_F(FilterTest, FilterOnUnknownFieldFailsAtStart) {
    auto op = make_filter_operator();
    op->configure({{"filter", "bogus==1"}});
    EXPECT_THROW(op->init(*ctx_), Error);
}

class SortTest : public FilterTest {};

TEST_F(SortTest, SortsTablesByTypedFieldsAndLimits) {
    // The fixture is a stream; present it as a table for the operator.
    ctx_->datasources()[0].kind = DataSourceKind::Iterator;
    auto a = row(3, 100, "a", 0, "1.1.1.1", 1);
    auto b = row(3, 9, "b", 0, "1.1.1.1", 1);
    auto c = row(1, 50, "c", 0, "1.1.1.1", 1);
    auto names = [&](const std::vector<Record>& rows) {
        std::string out;
        for (const auto& r : rows)
            out += reinterpret_cast<const char*>(r.data + ds().fields[*ds().find("name")].offset);
        return out;
    };
    auto op = make_sort_operator();
    op->configure({{"sort", "-s32,u64"}, {"max-entries", "0"}});
    op->init(*ctx_);
    std::vector<Record> rows = {a.record(), b.record(), c.record()};
    op->on_array(ds(), rows);
    EXPECT_EQ(names(rows), "bac"); // s32 descending, then u64 ascending (9 < 100 numerically)

    auto limited = make_sort_operator();
    limited->configure({{"sort", "u64"}, {"max-entries", "2"}});
    limited->init(*ctx_);
    rows = {a.record(), b.record(), c.record()};
    limited->on_array(ds(), rows);
    EXPECT_EQ(names(rows), "bc");
}

TEST_F(SortTest, SortOnAStreamOnlyGadgetIsAnError) {
    auto op = make_sort_operator();
    op->configure({{"sort", "u64"}});
    EXPECT_THROW(op->init(*ctx_), Error);
    auto bad = make_sort_operator();
    EXPECT_THROW(bad->configure({{"max-entries", "ten"}}), Error);
}

} // namespace
} // namespace ig

// SPDX-License-Identifier: Apache-2.0
#include "registry/digest.h"
#include "registry/error.h"
#include "test_util.h"

#include <fstream>
#include <gtest/gtest.h>

using namespace ig::registry;

TEST(Digest, OfKnownInputs) {
    EXPECT_EQ(Digest::of("").str(),
              "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    // The OCI empty descriptor's blob "{}".
    EXPECT_EQ(Digest::of("{}").str(),
              "sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a");
}

TEST(Digest, StreamingEqualsOneShot) {
    std::string data(100000, 'x');
    Sha256 h;
    for (std::size_t i = 0; i < data.size(); i += 777)
        h.update(data.data() + i, std::min<std::size_t>(777, data.size() - i));
    EXPECT_EQ(h.finish(), Digest::of(data));
}

TEST(Digest, OfFileMatchesContent) {
    test::TempDir dir;
    auto p = dir.path() / "f";
    std::ofstream(p) << "hello";
    EXPECT_EQ(Digest::of_file(p), Digest::of("hello"));
    EXPECT_THROW(Digest::of_file(dir.path() / "missing"), RegistryError);
}

TEST(Digest, ParseAcceptsOnlyCanonicalSha256) {
    std::string hex(64, '0');
    EXPECT_EQ(Digest::parse("sha256:" + hex).hex(), hex);
    for (std::string bad : {std::string("sha256:"), "sha256:" + std::string(63, '0'),
                            "sha256:" + std::string(65, '0'), "sha256:" + std::string(64, 'F'),
                            "sha512:" + std::string(128, '0'), std::string("sha256"),
                            "sha256:../" + std::string(61, '0'), std::string(64, '0'),
                            "sha256:" + std::string(63, '0') + std::string(1, '\0')})
        EXPECT_THROW(Digest::parse(bad), RegistryError) << bad;
}

TEST(Digest, FinishTwiceIsAnError) {
    Sha256 h;
    (void)h.finish();
    EXPECT_THROW((void)h.finish(), RegistryError);
}

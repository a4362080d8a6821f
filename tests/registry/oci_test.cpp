// SPDX-License-Identifier: Apache-2.0
#include "registry/error.h"
#include "registry/oci.h"

#include <gtest/gtest.h>

using namespace ig::registry;

namespace {

const std::string kD = "sha256:" + std::string(64, 'a');

std::string manifest_json(const std::string& extra = "") {
    return R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",)"
           R"("artifactType":"application/vnd.gadget.v1+binary",)"
           R"("config":{"mediaType":"application/vnd.gadget.config.v1+yaml","digest":")" +
           kD + R"(","size":10},)" + R"("layers":[{"mediaType":")" +
           std::string(media::kGadgetProgram) + R"(","digest":")" + kD +
           R"(","size":20,"annotations":{"org.opencontainers.image.title":"program.o"}}])" + extra +
           "}";
}

std::string error_of_manifest(const std::string& json) {
    try {
        parse_manifest(json);
    } catch (const RegistryError& e) {
        return e.what();
    }
    return "";
}

std::string error_of_index(const std::string& json) {
    try {
        parse_index(json);
    } catch (const RegistryError& e) {
        return e.what();
    }
    return "";
}

} // namespace

TEST(Oci, ParsesAGadgetManifest) {
    auto m = parse_manifest(manifest_json());
    EXPECT_EQ(m.artifact_type, media::kGadgetArtifact);
    EXPECT_EQ(m.config.media_type, media::kGadgetConfig);
    EXPECT_EQ(m.config.size, 10u);
    ASSERT_EQ(m.layers.size(), 1u);
    EXPECT_EQ(m.layers[0].annotations.at("org.opencontainers.image.title"), "program.o");
}

TEST(Oci, SerializationIsCanonicalAndRoundTrips) {
    auto m = parse_manifest(manifest_json());
    std::string once = serialize(m);
    EXPECT_EQ(once.find(' '), std::string::npos);
    EXPECT_EQ(serialize(parse_manifest(once)), once);
    // Sorted keys: "annotations" < "artifactType" < "config" < "layers" < "mediaType".
    EXPECT_LT(once.find("\"artifactType\""), once.find("\"config\""));
    EXPECT_LT(once.find("\"config\""), once.find("\"layers\""));

    Index idx;
    Descriptor d;
    d.media_type = media::kImageManifest;
    d.digest = Digest::parse(kD);
    d.size = 5;
    d.platform = Platform{"linux", "amd64", ""};
    idx.manifests.push_back(d);
    std::string s = serialize(idx);
    auto back = parse_index(s);
    ASSERT_EQ(back.manifests.size(), 1u);
    EXPECT_EQ(back.manifests[0].platform->architecture, "amd64");
    EXPECT_EQ(serialize(back), s);
}

TEST(Oci, IndexWithoutMediaTypeIsAccepted) {
    // skopeo writes OCI-layout index.json files without a top-level mediaType.
    auto idx = parse_index(R"({"schemaVersion":2,"manifests":[]})");
    EXPECT_TRUE(idx.manifests.empty());
}

TEST(Oci, MalformedManifestsAreRefusedWithAReason) {
    EXPECT_NE(error_of_manifest("").find("malformed JSON"), std::string::npos);
    EXPECT_NE(error_of_manifest("{").find("malformed JSON"), std::string::npos);
    EXPECT_NE(error_of_manifest("[]").find("not a JSON object"), std::string::npos);
    EXPECT_NE(error_of_manifest("null").find("not a JSON object"), std::string::npos);
    EXPECT_NE(error_of_manifest(manifest_json() + "x").find("malformed"), std::string::npos);
    EXPECT_NE(error_of_manifest(R"({"schemaVersion":2,"layers":[]})").find("missing 'config'"),
              std::string::npos);
    EXPECT_NE(error_of_manifest(R"({"schemaVersion":1})").find("schemaVersion"), std::string::npos);
    EXPECT_NE(error_of_manifest(R"({"config":{}})").find("schemaVersion"), std::string::npos);
    std::string m = manifest_json();
    auto replace = [&](const std::string& from, const std::string& to) {
        std::string s = m;
        s.replace(s.find(from), from.size(), to);
        return s;
    };
    EXPECT_NE(error_of_manifest(replace("\"size\":10", "\"size\":-1")).find("non-negative"),
              std::string::npos);
    EXPECT_NE(error_of_manifest(replace("\"size\":10", "\"size\":1.5")).find("non-negative"),
              std::string::npos);
    EXPECT_NE(error_of_manifest(replace("\"size\":10", "\"size\":\"10\"")).find("non-negative"),
              std::string::npos);
    EXPECT_NE(error_of_manifest(replace("\"size\":10", "\"size\":99999999999999999999999"))
                  .find("non-negative"),
              std::string::npos);
    EXPECT_NE(error_of_manifest(replace(kD, "sha256:../../etc/passwd")).find("digest"),
              std::string::npos);
    EXPECT_NE(error_of_manifest(replace("\"org.opencontainers.image.title\":\"program.o\"",
                                        "\"org.opencontainers.image.title\":7"))
                  .find("not a string"),
              std::string::npos);
    EXPECT_NE(error_of_manifest(replace("\"layers\":[", "\"layers\":{\"x\":[")).size(), 0u);
    EXPECT_NE(error_of_manifest(replace("application/vnd.oci.image.manifest.v1+json",
                                        std::string(media::kImageIndex)))
                  .find("is an image index"),
              std::string::npos);
}

TEST(Oci, DuplicateKeysAreRefused) {
    std::string m = manifest_json();
    m.insert(1, R"("schemaVersion":2,)");
    EXPECT_NE(error_of_manifest(m).find("duplicate key 'schemaVersion'"), std::string::npos);
}

TEST(Oci, DeepNestingIsRefusedWithoutCrashing) {
    std::string deep =
        R"({"schemaVersion":2,"x":)" + std::string(100000, '[') + std::string(100000, ']') + "}";
    EXPECT_NE(error_of_manifest(deep).find("nested deeper"), std::string::npos);
}

TEST(Oci, OversizedDocumentsAreRefused) {
    std::string big = R"({"schemaVersion":2,"manifests":[],"pad":")" +
                      std::string(kMaxManifestBytes, 'x') + "\"}";
    EXPECT_NE(error_of_index(big).find("limit"), std::string::npos);
}

TEST(Oci, InvalidUtf8IsRefused) {
    EXPECT_NE(
        error_of_index("{\"schemaVersion\":2,\"manifests\":[],\"a\":\"\xff\"}").find("malformed"),
        std::string::npos);
}

TEST(Oci, IndexDescriptorsAreChecked) {
    EXPECT_NE(error_of_index(R"({"schemaVersion":2})").find("missing 'manifests'"),
              std::string::npos);
    EXPECT_NE(
        error_of_index(R"({"schemaVersion":2,"manifests":[{"digest":")" + kD + R"(","size":1}]})")
            .find("missing 'mediaType'"),
        std::string::npos);
    EXPECT_NE(error_of_index(R"({"schemaVersion":2,"manifests":[{"mediaType":"x","digest":")" + kD +
                             R"(","size":1,"platform":{"os":"linux"}}]})")
                  .find("architecture"),
              std::string::npos);
    EXPECT_NE(error_of_index(R"({"schemaVersion":2,"mediaType":")" +
                             std::string(media::kImageManifest) + R"(","manifests":[]})")
                  .find("not an index"),
              std::string::npos);
}

TEST(Oci, DocumentMediaType) {
    EXPECT_EQ(document_media_type(manifest_json()), media::kImageManifest);
    EXPECT_EQ(document_media_type(R"({"schemaVersion":2,"manifests":[]})"), "");
    EXPECT_THROW(document_media_type("not json"), RegistryError);
}

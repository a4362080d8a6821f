// SPDX-License-Identifier: Apache-2.0
#include "tools/ig/registry_access.h"

#include "registry/error.h"
#include "tools/ig/comma_list.h"

namespace ig::cli {

using registry::RegistryError;
namespace remote = registry::remote;

void add_remote_flags(cxxopts::Options& opts, const std::string& timeout_flag) {
    opts.add_options("Registry")(
        "insecure-registries",
        "Registries (host:port, comma-separated) reached over plain HTTP or unverified TLS",
        cxxopts::value<std::vector<std::string>>())(
        "ca-file", "PEM file of CA certificates to trust for registries (besides the system's)",
        cxxopts::value<std::string>()->default_value(""))(
        timeout_flag, "Registry connect/stall timeout in seconds",
        cxxopts::value<int>()->default_value("30"))(
        "authfile", "Credentials file (docker config.json format) to use instead of the defaults",
        cxxopts::value<std::string>()->default_value(""));
}

std::vector<std::string> split_registry_list(const std::vector<std::string>& values) {
    std::vector<std::string> out = split_commas(values);
    for (const auto& item : out)
        if (item.find('/') != std::string::npos || item.find("://") != std::string::npos)
            throw RegistryError("invalid --insecure-registries entry '" + item +
                                "': expected host or host:port");
    return out;
}

RemoteFlags read_remote_flags(const cxxopts::ParseResult& parsed, const std::string& timeout_flag) {
    RemoteFlags f;
    if (parsed.count("insecure-registries"))
        f.insecure_registries =
            split_registry_list(parsed["insecure-registries"].as<std::vector<std::string>>());
    f.ca_file = parsed["ca-file"].as<std::string>();
    f.timeout_seconds = parsed[timeout_flag].as<int>();
    if (f.timeout_seconds <= 0 || f.timeout_seconds > 3600)
        throw RegistryError("invalid value for --" + timeout_flag + ": expected 1 to 3600 seconds");
    f.authfile = parsed["authfile"].as<std::string>();
    return f;
}

remote::CredentialStore credential_store(const RemoteFlags& flags) {
    if (!flags.authfile.empty())
        return remote::CredentialStore({flags.authfile});
    return remote::CredentialStore();
}

std::unique_ptr<remote::RegistryClient> make_client(const std::string& registry,
                                                    const RemoteFlags& flags) {
    remote::ClientOptions options;
    options.transport.timeout = std::chrono::seconds(flags.timeout_seconds);
    options.transport.ca_file = flags.ca_file;
    options.transport.insecure_registries = flags.insecure_registries;
    options.chunk_size = flags.chunk_size;
    return std::make_unique<remote::RegistryClient>(registry, options,
                                                    credential_store(flags).lookup(registry));
}

remote::PullResult pull_reference(const registry::Reference& ref, registry::LocalStore& store,
                                  const RemoteFlags& flags) {
    auto client = make_client(ref.registry, flags);
    registry::Reference named = ref;
    if (named.pinned() && named.tag.empty())
        named.tag = "pinned-" + std::string(named.digest->hex());
    return remote::pull_image(*client, named, store);
}

} // namespace ig::cli

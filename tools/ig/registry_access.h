// SPDX-License-Identifier: Apache-2.0
// The command-line side of registry access shared by `ig image push/pull`, `ig login` and
// `ig run`'s pull on demand: flags (insecure registries, CA file, timeout, auth file) and a
// client built from them with the credentials found for the registry.
#pragma once

#include "registry/local_store.h"
#include "registry/reference.h"
#include "registry/remote/pull.h"
#include "registry/remote/registry_client.h"

#include <cxxopts.hpp>
#include <memory>
#include <string>
#include <vector>

namespace ig::cli {

struct RemoteFlags {
    std::vector<std::string> insecure_registries; // host:port
    std::string ca_file;
    int timeout_seconds = 30;
    std::string authfile; // empty: ig's file, then docker's
    std::uint64_t chunk_size = 0;
};

// Adds --insecure-registries, --ca-file, --authfile and the timeout flag (named `timeout_flag`:
// `ig run` already uses --timeout for its own duration).
void add_remote_flags(cxxopts::Options& opts, const std::string& timeout_flag = "timeout");
RemoteFlags read_remote_flags(const cxxopts::ParseResult& parsed,
                              const std::string& timeout_flag = "timeout");
// Validates and splits "a:1,b:2" (also accepts repeated flags).
std::vector<std::string> split_registry_list(const std::vector<std::string>& values);

registry::remote::CredentialStore credential_store(const RemoteFlags& flags);
std::unique_ptr<registry::remote::RegistryClient> make_client(const std::string& registry,
                                                              const RemoteFlags& flags);

// Pulls `ref` into `store`. A pinned reference without a tag is kept under the tag
// "pinned-<hex>" so that garbage collection does not take it away.
registry::remote::PullResult pull_reference(const registry::Reference& ref,
                                            registry::LocalStore& store, const RemoteFlags& flags);

} // namespace ig::cli

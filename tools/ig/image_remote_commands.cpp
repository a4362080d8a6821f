// SPDX-License-Identifier: Apache-2.0
// `ig image push|pull` and `ig login|logout`.
#include "registry/error.h"
#include "registry/local_store.h"
#include "registry/reference.h"
#include "registry/remote/credentials.h"
#include "registry/remote/push.h"
#include "tools/ig/registry_access.h"
#include "tools/ig/remote_commands.h"

#include <cstdio>
#include <iostream>
#include <unistd.h>

namespace ig::cli {
namespace {

using registry::RegistryError;
namespace remote = registry::remote;

// The dispatcher may pass the subcommand name first; accept both shapes.
std::vector<std::string> strip_name(const std::vector<std::string>& args, const char* name) {
    if (!args.empty() && args.front() == name)
        return {args.begin() + 1, args.end()};
    return args;
}

cxxopts::ParseResult parse(cxxopts::Options& opts, const std::vector<std::string>& args) {
    std::vector<std::string> copy = args;
    std::vector<char*> argv;
    std::string prog = "ig";
    argv.push_back(prog.data());
    for (auto& a : copy)
        argv.push_back(a.data());
    try {
        return opts.parse(static_cast<int>(argv.size()), argv.data());
    } catch (const cxxopts::exceptions::exception& e) {
        throw RegistryError(e.what());
    }
}

std::string one_positional(const cxxopts::ParseResult& parsed, const char* what) {
    const auto& rest = parsed.unmatched();
    if (rest.size() != 1)
        throw RegistryError(std::string("expected exactly one ") + what + " (got " +
                            std::to_string(rest.size()) + ")");
    return rest.front();
}

} // namespace

int run_image_push(const std::vector<std::string>& raw) {
    auto args = strip_name(raw, "push");
    cxxopts::Options opts("ig image push", "Push an image from the local store to its registry");
    opts.custom_help("REF [flags]");
    opts.allow_unrecognised_options();
    add_remote_flags(opts);
    opts.add_options()("chunk-size",
                       "Upload blobs larger than this many bytes in chunks (0: monolithic)",
                       cxxopts::value<std::uint64_t>()->default_value("0"))("h,help", "Help");
    auto parsed = parse(opts, args);
    if (parsed.count("help")) {
        std::cout << opts.help();
        return 0;
    }
    for (const auto& u : parsed.unmatched())
        if (u.starts_with("-"))
            throw RegistryError("unknown flag '" + u + "' for ig image push");
    auto ref = registry::Reference::parse(one_positional(parsed, "image reference"));
    RemoteFlags flags = read_remote_flags(parsed);
    flags.chunk_size = parsed["chunk-size"].as<std::uint64_t>();
    registry::LocalStore store(registry::LocalStore::default_path());
    auto client = make_client(ref.registry, flags);
    auto result = remote::push_image(*client, ref, store);
    std::printf("Pushed %s@%s (%zu blobs uploaded, %zu already there, %zu mounted, %llu bytes)\n",
                registry::LocalStore::ref_name(ref).c_str(), result.descriptor.digest.str().c_str(),
                result.blobs_uploaded, result.blobs_existing, result.blobs_mounted,
                static_cast<unsigned long long>(result.bytes_uploaded));
    return 0;
}

int run_image_pull(const std::vector<std::string>& raw) {
    auto args = strip_name(raw, "pull");
    cxxopts::Options opts("ig image pull", "Pull an image from its registry into the local store");
    opts.custom_help("REF [flags]");
    opts.allow_unrecognised_options();
    add_remote_flags(opts);
    opts.add_options()("h,help", "Help");
    auto parsed = parse(opts, args);
    if (parsed.count("help")) {
        std::cout << opts.help();
        return 0;
    }
    for (const auto& u : parsed.unmatched())
        if (u.starts_with("-"))
            throw RegistryError("unknown flag '" + u + "' for ig image pull");
    auto ref = registry::Reference::parse(one_positional(parsed, "image reference"));
    RemoteFlags flags = read_remote_flags(parsed);
    registry::LocalStore store(registry::LocalStore::default_path());
    auto result = pull_reference(ref, store, flags);
    std::printf("Pulled %s@%s (%zu blobs fetched, %zu already present, %llu bytes)\n",
                registry::LocalStore::ref_name(ref).c_str(), result.descriptor.digest.str().c_str(),
                result.blobs_fetched, result.blobs_present,
                static_cast<unsigned long long>(result.bytes_fetched));
    return 0;
}

int run_login_command(const std::vector<std::string>& args, bool logout) {
    const char* name = logout ? "logout" : "login";
    cxxopts::Options opts(std::string("ig ") + name,
                          logout ? "Remove the stored credentials of a registry"
                                 : "Check and store credentials for a registry");
    opts.custom_help("REGISTRY [flags]");
    opts.allow_unrecognised_options();
    add_remote_flags(opts);
    opts.add_options()("u,username", "User name", cxxopts::value<std::string>()->default_value(""))(
        "p,password", "Password (prefer --password-stdin: arguments are visible in ps)",
        cxxopts::value<std::string>()->default_value(""))(
        "password-stdin", "Read the password from standard input",
        cxxopts::value<bool>()->default_value("false"))("h,help", "Help");
    auto parsed = parse(opts, args);
    if (parsed.count("help")) {
        std::cout << opts.help();
        return 0;
    }
    for (const auto& u : parsed.unmatched())
        if (u.starts_with("-"))
            throw RegistryError(std::string("unknown flag '") + u + "' for ig " + name);
    std::string registry = remote::normalize_registry_key(one_positional(parsed, "registry"));
    if (registry.empty())
        throw RegistryError("empty registry name");
    RemoteFlags flags = read_remote_flags(parsed);
    auto store = credential_store(flags);
    if (logout) {
        if (!store.erase(registry))
            throw RegistryError("not logged in to " + registry + " (no entry in " +
                                store.login_file().string() + ")");
        std::printf("Removed credentials for %s\n", registry.c_str());
        return 0;
    }
    remote::Credentials creds;
    creds.username = parsed["username"].as<std::string>();
    if (creds.username.empty())
        throw RegistryError("ig login needs a user name (-u USER)");
    bool from_stdin = parsed["password-stdin"].as<bool>();
    if (from_stdin == (parsed.count("password") > 0))
        throw RegistryError("give the password with exactly one of -p PASS or --password-stdin");
    if (from_stdin) {
        std::getline(std::cin, creds.password);
        if (!creds.password.empty() && creds.password.back() == '\r')
            creds.password.pop_back();
    } else {
        creds.password = parsed["password"].as<std::string>();
    }
    if (creds.password.empty())
        throw RegistryError("empty password");
    remote::ClientOptions options;
    options.transport.timeout = std::chrono::seconds(flags.timeout_seconds);
    options.transport.ca_file = flags.ca_file;
    options.transport.insecure_registries = flags.insecure_registries;
    remote::RegistryClient client(registry, options, creds);
    client.ping(); // the registry (or its token service) must accept them before we store them
    store.store(registry, creds);
    std::printf("Login succeeded for %s (credentials in %s)\n", registry.c_str(),
                store.login_file().string().c_str());
    return 0;
}

int run_image_sign(const std::vector<std::string>&) {
    throw RegistryError("ig image sign is not implemented yet");
}

} // namespace ig::cli

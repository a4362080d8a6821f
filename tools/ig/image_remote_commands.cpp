// SPDX-License-Identifier: Apache-2.0
// `ig image push|pull` and `ig login|logout`.
#include "registry/error.h"
#include "registry/local_store.h"
#include "registry/reference.h"
#include "registry/remote/credentials.h"
#include "registry/remote/push.h"
#include "registry/signature/image_signatures.h"
#include "tools/ig/config_file.h"
#include "tools/ig/image_trust.h"
#include "tools/ig/registry_access.h"
#include "tools/ig/remote_commands.h"

#include <cstdio>
#include <iostream>
#include <optional>
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

cxxopts::ParseResult parse_args(cxxopts::Options& opts, const std::vector<std::string>& args) {
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

// Parses a command's flags; nullopt once -h printed the help. Unknown flags are errors naming
// the command (positionals pass through as unmatched arguments).
std::optional<cxxopts::ParseResult> parse_command(cxxopts::Options& opts,
                                                  const std::vector<std::string>& args,
                                                  const std::string& command) {
    auto parsed = parse_args(opts, args);
    if (parsed.count("help")) {
        std::cout << opts.help();
        return std::nullopt;
    }
    for (const auto& u : parsed.unmatched())
        if (u.starts_with("-"))
            throw RegistryError("unknown flag '" + u + "' for " + command);
    return parsed;
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
    auto maybe_parsed = parse_command(opts, args, "ig image push");
    if (!maybe_parsed)
        return 0;
    const cxxopts::ParseResult& parsed = *maybe_parsed;
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
    add_trust_flags(opts);
    opts.add_options()("h,help", "Help");
    auto maybe_parsed = parse_command(opts, args, "ig image pull");
    if (!maybe_parsed)
        return 0;
    const cxxopts::ParseResult& parsed = *maybe_parsed;
    const std::string typed = one_positional(parsed, "image reference");
    auto ref = registry::Reference::parse(typed);
    RemoteFlags flags = read_remote_flags(parsed);
    ImageTrust trust(read_trust_flags(parsed), load_host_config(default_config_path()));
    flags.insecure_registries = trust.insecure_registries(flags.insecure_registries);
    registry::LocalStore store(registry::LocalStore::default_path());
    trust.check_allowed_before_pull(ref);
    if (!trust.pulling_allowed()) {
        // Nothing is fetched; an image already in the store is still checked, so that
        // `ig image pull` answers "may this host run it?" offline.
        auto local = store.resolve(ref);
        if (!local)
            trust.refuse_pull(ref);
        trust.admit(store, ref, typed, nullptr);
        std::printf("%s@%s is in the local store; not pulled (pulling is disallowed)\n",
                    registry::LocalStore::ref_name(ref).c_str(), local->digest.str().c_str());
        return 0;
    }
    auto result = pull_reference(ref, store, flags);
    std::printf("Pulled %s@%s (%zu blobs fetched, %zu already present, %llu bytes)\n",
                registry::LocalStore::ref_name(ref).c_str(), result.descriptor.digest.str().c_str(),
                result.blobs_fetched, result.blobs_present,
                static_cast<unsigned long long>(result.bytes_fetched));
    // The signature travels with the image (best effort: an unsigned image is not an error
    // here; verification below, or at `ig run`, decides).
    auto client = make_client(ref.registry, flags);
    auto sig = fetch_signature(*client, ref, result.descriptor.digest, store);
    if (!sig.problem.empty())
        std::fprintf(stderr, "WARNING: %s\n", sig.problem.c_str());
    else
        std::printf("Signature %s: %s\n",
                    registry::LocalStore::ref_name(
                        registry::signature::signature_reference(ref, result.descriptor.digest))
                        .c_str(),
                    sig.found ? "pulled" : "none in the registry");
    trust.admit(store, ref, typed, nullptr);
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
    auto maybe_parsed = parse_command(opts, args, std::string("ig ") + name);
    if (!maybe_parsed)
        return 0;
    const cxxopts::ParseResult& parsed = *maybe_parsed;
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

int run_image_sign(const std::vector<std::string>& raw) {
    auto args = strip_name(raw, "sign");
    cxxopts::Options opts("ig image sign",
                          "Sign an image of the local store with a cosign-compatible key and push "
                          "the signature (tag sha256-<digest>.sig) to its registry");
    opts.custom_help("REF --key KEY [flags]");
    opts.allow_unrecognised_options();
    add_remote_flags(opts);
    opts.add_options()("key", "PEM EC P-256 private key (unencrypted PKCS#8 or SEC1)",
                       cxxopts::value<std::string>()->default_value(""))(
        "local-only", "Only store the signature locally; do not push it",
        cxxopts::value<bool>()->default_value("false"))("h,help", "Help");
    auto maybe_parsed = parse_command(opts, args, "ig image sign");
    if (!maybe_parsed)
        return 0;
    const cxxopts::ParseResult& parsed = *maybe_parsed;
    auto ref = registry::Reference::parse(one_positional(parsed, "image reference"));
    const std::string key_path = parsed["key"].as<std::string>();
    if (key_path.empty())
        throw RegistryError("ig image sign needs a private key (--key cosign.key)");
    auto key = registry::signature::PrivateKey::load(key_path);
    RemoteFlags flags = read_remote_flags(parsed);
    for (const auto& r : load_host_config(default_config_path()).insecure_registries)
        flags.insecure_registries.push_back(r);
    registry::LocalStore store(registry::LocalStore::default_path());
    // What is signed is what the reference resolves to here (the index of a multi-arch image),
    // the digest `ig run` and `ig image pull` verify.
    auto desc = store.resolve(ref);
    if (!desc)
        throw RegistryError("image " + ref.str() + " is not in the local store " +
                            store.root().string() + " (pull or build it first)");
    auto signed_ = registry::signature::sign_image(store, ref, desc->digest, key);
    const std::string sig_name = registry::LocalStore::ref_name(signed_.signature_ref);
    std::printf("Signed %s@%s with %s (%s, %zu signature%s)\n", ref.name().c_str(),
                desc->digest.str().c_str(), key_path.c_str(), sig_name.c_str(), signed_.signatures,
                signed_.signatures == 1 ? "" : "s");
    if (signed_.already_signed)
        std::printf("This key had already signed this digest; the signature is unchanged\n");
    // Each platform manifest too, as cosign sign --recursive (Inspektor Gadget's CI) does:
    // containers/image (skopeo, podman) checks the signature of every instance it copies.
    std::vector<registry::Reference> to_push{signed_.signature_ref};
    if (desc->media_type == registry::media::kImageIndex ||
        desc->media_type == registry::media::kDockerManifestList) {
        auto index =
            registry::parse_index(store.read_blob(desc->digest, registry::kMaxManifestBytes));
        for (const auto& m : index.manifests)
            if (store.has_blob(m.digest))
                to_push.push_back(
                    registry::signature::sign_image(store, ref, m.digest, key).signature_ref);
        std::printf("Signed its %zu platform manifest%s too\n", to_push.size() - 1,
                    to_push.size() == 2 ? "" : "s");
    }
    if (parsed["local-only"].as<bool>())
        return 0;
    auto client = make_client(ref.registry, flags);
    for (const auto& sig_ref : to_push) {
        auto pushed = remote::push_image(*client, sig_ref, store);
        std::printf("Pushed %s@%s\n", registry::LocalStore::ref_name(sig_ref).c_str(),
                    pushed.descriptor.digest.str().c_str());
    }
    return 0;
}

} // namespace ig::cli

// SPDX-License-Identifier: Apache-2.0
#include "tools/ig/run_command.h"

#include "operators/builtin.h"
#include "operators/instance_context.h"
#include "operators/pipeline.h"
#include "runtime/bpf/log.h"
#include "runtime/error.h"
#include "runtime/gadget/instance.h"
#include "runtime/run/event_loop.h"
#include "tools/ig/gadget_source.h"

#include <chrono>
#include <cxxopts.hpp>
#include <iostream>
#include <set>
#include <unistd.h>

namespace ig::cli {
namespace {

using Clock = std::chrono::steady_clock;

struct RunFlags {
    int timeout = 0;
    std::chrono::milliseconds interval{1000};
    bool verbose = false;
    bool stats = false;
    std::string pull = "missing";
};

// Flags of `ig run` itself that take a value, so the image argument can be found before the
// gadget's own flags are known.
const std::set<std::string> kRunValueFlags = {
    "-t",        "--timeout",      "--pull",     "--interval",    "--insecure-registries",
    "--ca-file", "--pull-timeout", "--authfile", "--public-keys", "--allowed-gadgets"};

// "--name" alone is true; "--name=true|false|1|0".
std::optional<bool> early_bool(const std::string& arg, const std::string& name) {
    if (arg == "--" + name)
        return true;
    if (arg.rfind("--" + name + "=", 0) != 0)
        return std::nullopt;
    std::string v = arg.substr(name.size() + 3);
    if (v == "true" || v == "1")
        return true;
    if (v == "false" || v == "0")
        return false;
    throw Error("invalid value '" + v + "' for --" + name + ": expected true or false");
}

// "500ms", "2s", "1m" or a plain number of seconds.
std::chrono::milliseconds parse_duration(const std::string& text, const std::string& flag) {
    std::size_t pos = 0;
    double value = 0;
    try {
        value = std::stod(text, &pos);
    } catch (const std::exception&) {
        pos = 0;
    }
    std::string unit = text.substr(pos);
    double ms = unit == "ms"                  ? value
                : unit == "s" || unit.empty() ? value * 1000
                : unit == "m"                 ? value * 60000
                                              : -1;
    if (pos == 0 || ms <= 0 || ms > 86400000.0)
        throw Error("invalid value '" + text + "' for --" + flag +
                    ": expected a duration such as 500ms, 2s or 1m");
    return std::chrono::milliseconds(static_cast<long long>(ms));
}

// gadget.yaml can tie a data source to a parameter: `enabled-by-param: count` reads it only
// when --count is true, `disabled-by-param: count` only when it is false.
void apply_datasource_switches(GadgetInstance& inst,
                               const std::map<std::string, std::string>& given) {
    auto param_true = [&](const std::string& key) {
        for (const auto& p : inst.params())
            if (p.key == key) {
                auto it = given.find(key);
                std::string v = it != given.end() ? it->second : p.default_value;
                return v == "true" || v == "1";
            }
        throw Error("gadget.yaml ties a data source to --" + key + ", which is not a parameter");
    };
    const auto& described = inst.package().metadata.datasources;
    for (auto& ds : inst.introspection().datasources) {
        auto md = described.find(ds.name);
        if (md == described.end())
            continue;
        const auto& anns = md->second.annotations;
        if (auto it = anns.find("enabled-by-param"); it != anns.end())
            ds.enabled = param_true(it->second);
        if (auto it = anns.find("disabled-by-param"); it != anns.end())
            ds.enabled = !param_true(it->second);
    }
}

// The image is the first argument that is neither a flag nor a flag's value.
// The flags that take a separate value: ours and the operators' (the gadget's own are not known
// yet, which is why the image must come before them).
std::set<std::string> value_flags(const Pipeline& pipeline) {
    std::set<std::string> out = kRunValueFlags;
    for (const auto& op : pipeline.operators())
        for (const auto& f : op->flags())
            if (!f.is_bool) {
                out.insert("--" + f.name);
                if (!f.short_name.empty())
                    out.insert("-" + f.short_name);
            }
    return out;
}

std::optional<std::size_t> find_image_arg(const std::vector<std::string>& args,
                                          const std::set<std::string>& value_flags) {
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& a = args[i];
        if (a == "--")
            return i + 1 < args.size() ? std::optional(i + 1) : std::nullopt;
        if (a.empty() || a[0] != '-')
            return i;
        if (value_flags.contains(a))
            ++i;
    }
    return std::nullopt;
}

void add_run_flags(cxxopts::Options& opts) {
    opts.add_options("Run")("h,help", "Show the flags of this gadget")(
        "t,timeout", "Stop after N seconds (0: until Ctrl-C)",
        cxxopts::value<int>()->default_value("0"))("v,verbose", "Show libbpf's log",
                                                   cxxopts::value<bool>()->default_value("false"))(
        "stats", "Print counts of delivered and lost events on exit, as JSON on stderr",
        cxxopts::value<bool>()->default_value("false"))(
        "pull", "Pull policy for images: always, missing, never",
        cxxopts::value<std::string>()->default_value("missing"))(
        "interval", "How often tables of map iterators are read and reset (500ms, 2s, …)",
        cxxopts::value<std::string>()->default_value("1s"));
    // Registry access when the image is pulled (read early, in run_command; listed here so that
    // phase 2 accepts them).
    opts.add_options("Run")("insecure-registries",
                            "Registries (host:port,…) reached over plain HTTP or unverified TLS",
                            cxxopts::value<std::string>()->default_value(""))(
        "ca-file", "PEM CA certificates to trust for registries",
        cxxopts::value<std::string>()->default_value(""))(
        "pull-timeout", "Registry connect/stall timeout in seconds",
        cxxopts::value<std::string>()->default_value("30"))(
        "authfile", "Registry credentials file (docker config.json format)",
        cxxopts::value<std::string>()->default_value(""));
    // Trust (also read early; tools/ig/image_trust.h says how they combine with
    // /etc/ig/config.yaml).
    opts.add_options("Run")("verify-image",
                            "Verify the image's cosign signature (default: on for references "
                            "with a registry host; --verify-image=false skips it)",
                            cxxopts::value<std::string>()->implicit_value("true"))(
        "public-keys", "PEM public keys (FILE[,FILE…]) a signature must verify with",
        cxxopts::value<std::string>())(
        "allowed-gadgets", "Only these images (registry/repo:tag, …@sha256:…, sha256:…, prefix*)",
        cxxopts::value<std::string>())(
        "disallow-pulling", "Only images already in the local store; never contact a registry",
        cxxopts::value<std::string>()->implicit_value("true"));
}

void add_operator_flags(cxxopts::Options& opts, const Pipeline& pipeline,
                        std::set<std::string>& taken) {
    for (const auto& op : pipeline.operators()) {
        for (const auto& f : op->flags()) {
            if (!taken.insert(f.name).second)
                throw Error("flag --" + f.name + " of operator " + std::string(op->name()) +
                            " is already defined");
            std::string spec = f.short_name.empty() ? f.name : f.short_name + "," + f.name;
            auto value = f.is_bool ? cxxopts::value<bool>()->implicit_value("true")
                                   : cxxopts::value<std::string>();
            value->default_value(f.default_value.empty() && f.is_bool ? "false" : f.default_value);
            opts.add_options(std::string(op->name()))(spec, f.description, value);
        }
    }
}

void add_param_flags(cxxopts::Options& opts, const GadgetInstance& inst,
                     std::set<std::string>& taken) {
    for (const auto& p : inst.params()) {
        if (!taken.insert(p.key).second)
            throw Error("parameter --" + p.key + " of gadget " + inst.name() +
                        " clashes with a flag of ig");
        std::string desc = p.description.empty() ? p.var_name : p.description;
        std::shared_ptr<cxxopts::Value> value;
        if (p.type == ParamType::Bool)
            value = cxxopts::value<std::string>()->implicit_value("true");
        else
            value = cxxopts::value<std::string>();
        value->default_value(p.default_value);
        opts.add_options("Gadget")(p.key, desc, value);
    }
}

} // namespace

int run_command(const std::vector<std::string>& args) {
    auto t_start = Clock::now();
    Pipeline pipeline(builtin_operators());
    auto image_idx = find_image_arg(args, value_flags(pipeline));
    if (!image_idx) {
        bool help = std::find(args.begin(), args.end(), "--help") != args.end() ||
                    std::find(args.begin(), args.end(), "-h") != args.end();
        std::fputs("Usage: ig run IMAGE|DIR [flags]\n"
                   "  IMAGE is a gadget image reference (trace_tcp, "
                   "ghcr.io/org/gadget:tag, …@sha256:…) or a directory with gadget.yaml and "
                   "program.bpf.o.\n"
                   "  ig run IMAGE --help lists the flags of that gadget.\n",
                   help ? stdout : stderr);
        return help ? 0 : 2;
    }
    const std::string image = args[*image_idx];

    // Phase 1: our own flags, leniently, to know the pull policy and verbosity before the gadget
    // (and so its flags) is known.
    RunFlags early;
    SourceOptions source;
    // "--name value" or "--name=value" for the registry flags.
    auto early_value = [&](std::size_t& i, const std::string& name) -> std::optional<std::string> {
        if (args[i] == "--" + name && i + 1 < args.size())
            return args[++i];
        if (args[i].rfind("--" + name + "=", 0) == 0)
            return args[i].substr(name.size() + 3);
        return std::nullopt;
    };
    for (std::size_t i = 0; i < args.size(); ++i) {
        if (args[i] == "-v" || args[i] == "--verbose")
            early.verbose = true;
        else if (auto v = early_value(i, "pull"))
            early.pull = *v;
        else if (auto v = early_value(i, "insecure-registries"))
            source.insecure_registries.push_back(*v);
        else if (auto v = early_value(i, "ca-file"))
            source.ca_file = *v;
        else if (auto v = early_value(i, "authfile"))
            source.authfile = *v;
        else if (auto v = early_value(i, "public-keys"))
            source.trust.public_keys.push_back(*v);
        else if (auto v = early_value(i, "allowed-gadgets"))
            source.trust.allowed_gadgets.push_back(*v);
        else if (auto b = early_bool(args[i], "verify-image"))
            source.trust.verify_image = *b;
        else if (auto b = early_bool(args[i], "disallow-pulling"))
            source.trust.disallow_pulling = source.trust.disallow_pulling || *b;
        else if (auto v = early_value(i, "pull-timeout")) {
            try {
                source.pull_timeout_seconds = std::stoi(*v);
            } catch (const std::exception&) {
                throw Error("invalid value '" + *v + "' for --pull-timeout: expected seconds");
            }
        }
    }
    bpf::install_libbpf_logger(early.verbose);

    source.pull = early.pull;
    GadgetPackage package = obtain_gadget(image, source);
    auto instance = GadgetInstance::open(package);
    for (const auto& w : instance->introspection().warnings)
        std::fprintf(stderr, "WARNING: %s\n", w.c_str());

    // Phase 2: every flag, now that the gadget's parameters are known.
    cxxopts::Options opts("ig run " + image, instance->package().metadata.description);
    opts.custom_help("[flags]");
    opts.positional_help("");
    std::set<std::string> taken = {"help",
                                   "timeout",
                                   "verbose",
                                   "stats",
                                   "pull",
                                   "interval",
                                   "ca-file",
                                   "insecure-registries",
                                   "pull-timeout",
                                   "authfile",
                                   "verify-image",
                                   "public-keys",
                                   "allowed-gadgets",
                                   "disallow-pulling"};
    add_run_flags(opts);
    add_operator_flags(opts, pipeline, taken);
    add_param_flags(opts, *instance, taken);

    std::vector<std::string> flag_args;
    for (std::size_t i = 0; i < args.size(); ++i)
        if (i != *image_idx)
            flag_args.push_back(args[i]);
    std::vector<char*> argv;
    std::string prog = "ig run";
    argv.push_back(prog.data());
    for (auto& a : flag_args)
        argv.push_back(a.data());

    cxxopts::ParseResult parsed;
    try {
        parsed = opts.parse(static_cast<int>(argv.size()), argv.data());
    } catch (const cxxopts::exceptions::exception& e) {
        throw Error(std::string(e.what()) + " (see ig run " + image + " --help)");
    }
    if (!parsed.unmatched().empty())
        throw Error("unexpected argument '" + parsed.unmatched().front() + "'");
    if (parsed.count("help")) {
        std::cout << opts.help({"Gadget", "Run", "output"});
        return 0;
    }
    RunFlags flags;
    flags.timeout = parsed["timeout"].as<int>();
    if (flags.timeout < 0)
        throw Error("invalid value for --timeout: must be 0 or more seconds");
    flags.stats = parsed["stats"].as<bool>();
    flags.interval = parse_duration(parsed["interval"].as<std::string>(), "interval");

    for (const auto& op : pipeline.operators()) {
        FlagValues values;
        for (const auto& f : op->flags())
            if (parsed.count(f.name) || !f.default_value.empty())
                values[f.name] = f.is_bool ? (parsed[f.name].as<bool>() ? "true" : "false")
                                           : parsed[f.name].as<std::string>();
        op->configure(values);
    }
    std::map<std::string, std::string> given;
    for (const auto& p : instance->params())
        if (parsed.count(p.key)) {
            given[p.key] = parsed[p.key].as<std::string>();
            instance->set_param(p.key, given[p.key]);
        }
    apply_datasource_switches(*instance, given);

    InstanceContext ctx(*instance);
    pipeline.init(ctx);
    pipeline.pre_load(ctx);
    configure_ring_buffer_batching(*instance);
    try {
        instance->load();
    } catch (const Error& e) {
        if (geteuid() != 0)
            throw Error(std::string(e.what()) + " (ig run needs root)");
        throw;
    }
    for (const auto& note : instance->fallbacks_taken())
        std::fprintf(stderr, "NOTE: %s\n", note.c_str());
    pipeline.post_load(ctx);
    EventLoop loop(*instance, ctx.datasources(), pipeline);
    instance->attach();
    auto attached_ms = std::chrono::duration<double, std::milli>(Clock::now() - t_start).count();
    pipeline.start(ctx);

    RunOptions run_opts;
    run_opts.timeout = std::chrono::seconds(flags.timeout);
    run_opts.interval = flags.interval;
    RunStats stats = loop.run(run_opts);
    pipeline.stop();

    if (stats.lost > 0)
        std::fprintf(stderr, "WARNING: %llu events were lost in total (%llu delivered)\n",
                     static_cast<unsigned long long>(stats.lost),
                     static_cast<unsigned long long>(stats.records));
    if (flags.stats)
        std::fprintf(stderr,
                     "{\"stats\":{\"records\":%llu,\"lost\":%llu,\"reserve_failures\":%llu,"
                     "\"start_to_attached_ms\":%.1f}}\n",
                     static_cast<unsigned long long>(stats.records),
                     static_cast<unsigned long long>(stats.lost),
                     static_cast<unsigned long long>(stats.reserve_failures), attached_ms);
    return 0;
}

} // namespace ig::cli

// SPDX-License-Identifier: Apache-2.0
#include "registry/image_builder.h"

#include "registry/atomic_file.h"
#include "registry/error.h"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <ctime>
#include <spawn.h>
#include <sys/statvfs.h>
#include <sys/wait.h>
#include <yaml-cpp/yaml.h>

extern char** environ;

namespace ig::registry {
namespace {

namespace fs = std::filesystem;

constexpr std::uint64_t kMaxMetadataBytes = 1 << 20;
constexpr std::uint64_t kMaxSourceObjectBytes = 64 << 20;

// Runs a tool with its stdout/stderr going to ours (compiler errors are for the user).
void run_tool(const std::vector<std::string>& argv, const std::string& what) {
    std::vector<char*> args;
    for (const auto& a : argv)
        args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    pid_t pid = 0;
    int err = ::posix_spawnp(&pid, args[0], nullptr, nullptr, args.data(), environ);
    if (err == ENOENT)
        throw RegistryError(what + ": " + argv[0] + " not found (install clang and llvm)");
    if (err != 0)
        throw RegistryError(what + ": cannot run " + argv[0] + ": " + std::strerror(err));
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR)
            throw RegistryError(what + ": waiting for " + argv[0] + ": " + std::strerror(errno));
    }
    if (WIFSIGNALED(status))
        throw RegistryError(what + ": " + argv[0] + " was killed by signal " +
                            std::to_string(WTERMSIG(status)));
    if (WEXITSTATUS(status) != 0)
        throw RegistryError(what + ": " + argv[0] + " failed (exit status " +
                            std::to_string(WEXITSTATUS(status)) + ")");
}

// The compiler's own message is above ours; when the reason is a full disk, ours says it too.
void run_tool_writing(const std::vector<std::string>& argv, const std::string& what,
                      const fs::path& output_dir) {
    try {
        run_tool(argv, what);
    } catch (const RegistryError& e) {
        struct statvfs st {};
        if (::statvfs(output_dir.c_str(), &st) == 0 &&
            static_cast<std::uint64_t>(st.f_bavail) * st.f_frsize < (1u << 20))
            throw RegistryError(std::string(e.what()) + ": no space left in " +
                                output_dir.string());
        throw;
    }
}

std::string bpf_target_arch(const std::string& arch) {
    if (arch == "amd64")
        return "x86";
    if (arch == "arm64")
        return "arm64";
    throw RegistryError("unsupported architecture '" + arch + "': expected amd64 or arm64");
}

std::string scalar(const YAML::Node& n, const std::string& key) {
    if (!n)
        return {};
    if (!n.IsScalar())
        throw RegistryError("gadget.yaml: '" + key + "' must be a string");
    return n.Scalar();
}

// A temporary directory inside the store (.tmp/), removed when the build ends; one left by a
// killed build is removed by the next garbage collection.
class TempDir {
public:
    explicit TempDir(LocalStore& store) {
        path_ = store.make_temp_path();
        fs::remove(path_);
        fs::create_directory(path_);
    }
    ~TempDir() {
        std::error_code ec;
        fs::remove_all(path_, ec);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    const fs::path& path() const { return path_; }

private:
    fs::path path_;
};

std::string bytes_view(const std::vector<std::uint8_t>& v) {
    return std::string(reinterpret_cast<const char*>(v.data()), v.size());
}

} // namespace

std::vector<std::uint8_t> compile_program(const CompileOptions& o) {
    const std::string what = "compiling " + o.source.string() + " for " + o.architecture;
    std::error_code ec;
    if (!fs::is_regular_file(o.source, ec))
        throw RegistryError(what + ": no such file");
    if (!fs::is_regular_file(o.vmlinux_dir / "vmlinux.h", ec))
        throw RegistryError(what + ": no vmlinux.h in " + o.vmlinux_dir.string());
    if (!fs::is_directory(o.sdk_include / "gadget", ec))
        throw RegistryError(what + ": SDK headers (gadget/*.h) not found in " +
                            o.sdk_include.string());
    fs::path src = fs::absolute(o.source).lexically_normal();
    fs::path out = o.work_dir / (o.architecture + ".bpf.o");
    fs::path sdk = fs::absolute(o.sdk_include).lexically_normal();
    fs::path vml = fs::absolute(o.vmlinux_dir).lexically_normal();
    // BTF line info records source file names: map them to fixed names, so the digest does
    // not depend on the checkout or install location.
    auto strip_slash = [](fs::path p) {
        std::string s = p.string();
        while (s.size() > 1 && s.back() == '/')
            s.pop_back();
        return s;
    };
    run_tool_writing(
        {o.clang, "-target", "bpf", "-D__TARGET_ARCH_" + bpf_target_arch(o.architecture), "-Wall",
         "-g", "-O2", "-fdebug-prefix-map=" + strip_slash(src.parent_path()) + "=/gadget",
         "-fdebug-prefix-map=" + strip_slash(sdk) + "=/ig/sdk",
         "-fdebug-prefix-map=" + strip_slash(vml) + "=/ig/vmlinux", "-I" + vml.string(),
         "-I" + sdk.string(), "-c", src.string(), "-o", out.string()},
        what, out.parent_path());
    // Like Inspektor Gadget's builder: DWARF is dropped, .BTF and .BTF.ext stay (CO-RE needs
    // them, and the runtime reads fields and params from BTF).
    run_tool_writing({o.llvm_strip, "-g", out.string()}, what, out.parent_path());
    std::string bytes = read_file_limited(out, kMaxSourceObjectBytes);
    return std::vector<std::uint8_t>(bytes.begin(), bytes.end());
}

fs::path find_vmlinux_dir(const fs::path& dir, const std::string& architecture,
                          const std::string& host_architecture) {
    std::error_code ec;
    std::vector<fs::path> tried;
    auto has = [&](const fs::path& d) {
        tried.push_back(d);
        return fs::is_regular_file(d / "vmlinux.h", ec);
    };
    if (has(dir / architecture))
        return dir / architecture;
    std::string base = dir.filename().string();
    if (base.empty())
        base = dir.parent_path().filename().string();
    if (base == "amd64" || base == "arm64") {
        if (base == architecture && has(dir))
            return dir;
        fs::path self = dir.lexically_normal();
        if (self.filename().empty()) // "…/amd64/"
            self = self.parent_path();
        if (has(self.parent_path() / architecture))
            return self.parent_path() / architecture;
    } else if (architecture == host_architecture && has(dir)) {
        return dir;
    }
    std::string list;
    for (const auto& t : tried)
        list += (list.empty() ? "" : ", ") + t.string();
    throw RegistryError("no vmlinux.h for " + architecture + " (looked in " + list +
                        "); pass --vmlinux-dir or build only for --platform linux/" +
                        host_architecture);
}

std::vector<std::string> parse_platforms(const std::string& text) {
    std::vector<std::string> out;
    std::size_t start = 0;
    while (start <= text.size()) {
        auto comma = text.find(',', start);
        std::string item =
            text.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
        if (item != "linux/amd64" && item != "linux/arm64")
            throw RegistryError("invalid platform '" + item +
                                "': expected linux/amd64 or linux/arm64");
        out.push_back(item.substr(6));
        if (comma == std::string::npos)
            break;
        start = comma + 1;
    }
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
}

void check_rfc3339(const std::string& t) {
    auto digits = [&](std::size_t pos, std::size_t n) {
        if (pos + n > t.size())
            return false;
        for (std::size_t i = pos; i < pos + n; ++i)
            if (t[i] < '0' || t[i] > '9')
                return false;
        return true;
    };
    auto bad = [&]() {
        throw RegistryError("invalid timestamp '" + t +
                            "': expected RFC 3339, e.g. 2024-05-01T12:00:00Z");
    };
    if (!(digits(0, 4) && t.size() > 19 && t[4] == '-' && digits(5, 2) && t[7] == '-' &&
          digits(8, 2) && (t[10] == 'T' || t[10] == 't') && digits(11, 2) && t[13] == ':' &&
          digits(14, 2) && t[16] == ':' && digits(17, 2)))
        bad();
    int month = std::stoi(t.substr(5, 2)), day = std::stoi(t.substr(8, 2));
    int hour = std::stoi(t.substr(11, 2)), min = std::stoi(t.substr(14, 2));
    int sec = std::stoi(t.substr(17, 2));
    if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || min > 59 || sec > 60)
        bad();
    std::size_t pos = 19;
    if (pos < t.size() && t[pos] == '.') {
        ++pos;
        std::size_t start = pos;
        while (pos < t.size() && t[pos] >= '0' && t[pos] <= '9')
            ++pos;
        if (pos == start)
            bad();
    }
    std::string zone = t.substr(pos);
    if (zone == "Z" || zone == "z")
        return;
    if (zone.size() == 6 && (zone[0] == '+' || zone[0] == '-') && digits(pos + 1, 2) &&
        zone[3] == ':' && digits(pos + 4, 2))
        return;
    bad();
}

std::string rfc3339_from_epoch(const std::string& seconds) {
    long long value = 0;
    auto [p, ec] = std::from_chars(seconds.data(), seconds.data() + seconds.size(), value);
    if (ec != std::errc() || p != seconds.data() + seconds.size() || value < 0)
        throw RegistryError("invalid SOURCE_DATE_EPOCH '" + seconds +
                            "': expected seconds since 1970");
    std::time_t t = static_cast<std::time_t>(value);
    std::tm tm{};
    if (!::gmtime_r(&t, &tm))
        throw RegistryError("invalid SOURCE_DATE_EPOCH '" + seconds + "': out of range");
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

std::map<std::string, std::string> image_annotations(const std::string& metadata_yaml,
                                                     const std::string& created,
                                                     const std::string& builder_version) {
    std::map<std::string, std::string> out;
    YAML::Node root;
    try {
        root = YAML::Load(metadata_yaml);
    } catch (const YAML::Exception& e) {
        throw RegistryError("gadget.yaml: " + std::string(e.what()));
    }
    if (root && !root.IsNull()) {
        if (!root.IsMap())
            throw RegistryError("gadget.yaml: the top level must be a mapping");
        // gadget.yaml's own annotations first: the OCI keys below are ours to set.
        if (YAML::Node anns = root["annotations"]; anns && !anns.IsNull()) {
            if (!anns.IsMap())
                throw RegistryError("gadget.yaml: 'annotations' must be a mapping");
            for (const auto& kv : anns) {
                if (!kv.first.IsScalar() || !kv.second.IsScalar())
                    throw RegistryError("gadget.yaml: annotations must map strings to strings");
                out[kv.first.Scalar()] = kv.second.Scalar();
            }
        }
        const std::pair<const char*, const char*> keys[] = {
            {"name", "org.opencontainers.image.title"},
            {"description", "org.opencontainers.image.description"},
            {"homepageURL", "org.opencontainers.image.url"},
            {"documentationURL", "org.opencontainers.image.documentation"},
            {"sourceURL", "org.opencontainers.image.source"}};
        for (const auto& [yaml_key, oci_key] : keys)
            if (std::string v = scalar(root[yaml_key], yaml_key); !v.empty())
                out[oci_key] = v;
    }
    out["org.opencontainers.image.created"] = created;
    if (!builder_version.empty())
        out[std::string(kBuilderVersionAnnotation)] = builder_version;
    return out;
}

BuildResult assemble_image(LocalStore& store, const std::string& metadata_yaml,
                           const std::map<std::string, std::vector<std::uint8_t>>& objects,
                           const std::map<std::string, std::string>& annotations) {
    if (objects.empty())
        throw RegistryError("an image needs at least one platform");
    BuildResult result;
    Descriptor config;
    config.media_type = media::kGadgetConfig;
    config.digest = store.write_blob(metadata_yaml);
    config.size = metadata_yaml.size();
    config.annotations = annotations;

    Index index;
    index.annotations = annotations;
    for (const auto& [arch, object] : objects) { // std::map: architectures in sorted order
        Descriptor layer;
        layer.media_type = media::kGadgetProgram;
        layer.digest = store.write_blob(bytes_view(object));
        layer.size = object.size();
        layer.annotations["org.opencontainers.image.title"] = "program.o";

        Manifest manifest;
        manifest.artifact_type = media::kGadgetArtifact;
        manifest.config = config;
        manifest.layers.push_back(layer);
        manifest.annotations = annotations;
        std::string manifest_json = serialize(manifest);

        Descriptor md;
        md.media_type = media::kImageManifest;
        md.digest = store.write_blob(manifest_json);
        md.size = manifest_json.size();
        // Inspektor Gadget's index entries carry no artifactType; tools that re-serialise
        // indexes (skopeo 1.9) drop it, which would change the digest of a copied image.
        md.platform = Platform{"linux", arch, ""};
        md.annotations = annotations;
        index.manifests.push_back(md);
        result.manifests[arch] = md;
    }
    std::string index_json = serialize(index);
    result.index.media_type = media::kImageIndex;
    result.index.digest = store.write_blob(index_json);
    result.index.size = index_json.size();
    return result;
}

BuildResult build_image(LocalStore& store, const BuildOptions& o) {
    std::error_code ec;
    if (!fs::is_directory(o.source_dir, ec))
        throw RegistryError(o.source_dir.string() + ": not a directory");
    fs::path source = o.source_dir / "program.bpf.c";
    fs::path metadata_path = o.source_dir / "gadget.yaml";
    if (!fs::is_regular_file(source, ec))
        throw RegistryError(source.string() + ": no such file (a gadget needs program.bpf.c)");
    if (!fs::is_regular_file(metadata_path, ec))
        throw RegistryError(metadata_path.string() + ": no such file (a gadget needs gadget.yaml)");
    if (o.architectures.empty())
        throw RegistryError("no platform to build for");
    std::string metadata = read_file_limited(metadata_path, kMaxMetadataBytes);

    std::string created = o.created;
    if (created.empty()) {
        const char* epoch = std::getenv("SOURCE_DATE_EPOCH");
        created = epoch && *epoch ? rfc3339_from_epoch(epoch) : std::string(kDefaultCreated);
    }
    check_rfc3339(created);
    auto annotations = image_annotations(metadata, created, o.builder_version);

    // Every vmlinux.h is found before the first (slow) compile, so a missing one fails fast.
    std::map<std::string, fs::path> vmlinux;
    for (const auto& arch : o.architectures)
        vmlinux[arch] = find_vmlinux_dir(o.vmlinux_dir, arch, o.host_architecture);

    TempDir work(store);
    std::map<std::string, std::vector<std::uint8_t>> objects;
    for (const auto& arch : o.architectures) {
        CompileOptions c;
        c.source = source;
        c.architecture = arch;
        c.sdk_include = o.sdk_include;
        c.vmlinux_dir = vmlinux[arch];
        c.work_dir = work.path();
        c.clang = o.clang;
        c.llvm_strip = o.llvm_strip;
        auto object = compile_program(c);
        if (o.validate)
            o.validate(o.source_dir.string(), arch, metadata, object);
        objects.emplace(arch, std::move(object));
    }
    return assemble_image(store, metadata, objects, annotations);
}

} // namespace ig::registry

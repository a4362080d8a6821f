// SPDX-License-Identifier: Apache-2.0
#include "tools/ig/image_command.h"

#include "runtime/error.h"
#include "tools/ig/image_local_commands.h"
#include "tools/ig/remote_commands.h"

#include <cstdio>
#include <functional>
#include <map>

namespace ig::cli {
namespace {

void usage(std::FILE* out) {
    std::fputs("Usage: ig image SUBCOMMAND [ARGS]\n"
               "\n"
               "Local store (IG_STORE, else /var/lib/ig/oci-store as root, ~/.ig/oci-store):\n"
               "  build DIR [-t REF] [--platform linux/amd64,linux/arm64] [--sdk-include DIR]\n"
               "        [--vmlinux-dir DIR] [--created RFC3339]   compile and store a gadget\n"
               "  list [-o columns|json]                 images in the store (alias: ls)\n"
               "  tag SRC DST                            name an image again\n"
               "  remove REF...                          untag, then delete unused blobs (rm)\n"
               "  inspect REF [-o text|json]             index, manifests, metadata, layers\n"
               "  export REF... FILE.tar                 write an OCI-layout tarball\n"
               "  import FILE.tar                        read an OCI-layout tarball\n"
               "Registry:\n"
               "  push REF, pull REF, sign REF           (see ig image push --help)\n",
               out);
}

} // namespace

int run_image_command(const std::vector<std::string>& args) {
    if (args.empty()) {
        usage(stderr);
        return 2;
    }
    const std::string& sub = args.front();
    std::vector<std::string> rest(args.begin() + 1, args.end());
    if (sub == "help" || sub == "-h" || sub == "--help") {
        usage(stdout);
        return 0;
    }
    static const std::map<std::string, std::function<int(const std::vector<std::string>&)>>
        commands = {{"build", image_build},     {"list", image_list},     {"ls", image_list},
                    {"tag", image_tag},         {"remove", image_remove}, {"rm", image_remove},
                    {"inspect", image_inspect}, {"export", image_export}, {"import", image_import},
                    {"push", run_image_push},   {"pull", run_image_pull}, {"sign", run_image_sign}};
    auto it = commands.find(sub);
    if (it == commands.end())
        throw Error("unknown image subcommand '" + sub + "' (see ig image help)");
    return it->second(rest);
}

} // namespace ig::cli

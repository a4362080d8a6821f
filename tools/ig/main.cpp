// SPDX-License-Identifier: Apache-2.0
// ig: run eBPF gadgets. Dispatches to the subcommands; every failure ends here as one line on
// stderr and a non-zero exit code.
#include "runtime/error.h"
#include "tools/ig/list_containers_command.h"
#include "tools/ig/run_command.h"
#include "tools/ig/subcommands.h"
#include "tools/ig/version.h"

#include <cstdio>
#include <exception>
#include <string>
#include <vector>

namespace {

void usage(std::FILE* out) {
    std::fputs("Usage: ig COMMAND [ARGS]\n"
               "\n"
               "Commands:\n"
               "  run IMAGE|DIR [flags]   run a gadget (ig run trace_tcp --help lists its "
               "flags)\n"
               "  list-containers [-w]    list the containers ig sees (--watch follows "
               "them)\n" IG_EXTRA_COMMANDS_HELP "  version                 print the version\n"
               "  help                    print this help\n",
               out);
}

} // namespace

int main(int argc, char** argv) {
    std::vector<std::string> args(argv + 1, argv + argc);
    if (args.empty()) {
        usage(stderr);
        return 2;
    }
    std::string cmd = args.front();
    std::vector<std::string> rest(args.begin() + 1, args.end());
    try {
        if (cmd == "run")
            return ig::cli::run_command(rest);
        if (cmd == "list-containers")
            return ig::cli::list_containers_command(rest);
        if (cmd == "version" || cmd == "--version")
            return ig::cli::version_command();
        if (cmd == "help" || cmd == "-h" || cmd == "--help") {
            usage(stdout);
            return 0;
        }
        if (auto rc = ig::cli::run_extra_command(cmd, rest))
            return *rc;
        std::fprintf(stderr, "Error: unknown command '%s' (see 'ig help')\n", cmd.c_str());
        return 2;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "Error: %s\n", e.what());
        return 1;
    }
}

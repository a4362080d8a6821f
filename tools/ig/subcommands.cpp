// SPDX-License-Identifier: Apache-2.0
#include "tools/ig/subcommands.h"

#ifdef IG_HAVE_REGISTRY
#include "tools/ig/image_command.h"
#include "tools/ig/remote_commands.h"
#endif

namespace ig::cli {

std::optional<int> run_extra_command(const std::string& cmd, const std::vector<std::string>& args) {
#ifdef IG_HAVE_REGISTRY
    if (cmd == "image")
        return run_image_command(args);
    if (cmd == "login")
        return run_login_command(args, false);
    if (cmd == "logout")
        return run_login_command(args, true);
#else
    (void)cmd;
    (void)args;
#endif
    return std::nullopt;
}

} // namespace ig::cli

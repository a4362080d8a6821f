// SPDX-License-Identifier: Apache-2.0
#include "tools/ig/subcommands.h"

#include "tools/ig/image_command.h"
#include "tools/ig/remote_commands.h"

namespace ig::cli {

std::optional<int> run_extra_command(const std::string& cmd, const std::vector<std::string>& args) {
    if (cmd == "image")
        return run_image_command(args);
    if (cmd == "login")
        return run_login_command(args, false);
    if (cmd == "logout")
        return run_login_command(args, true);
    return std::nullopt;
}

} // namespace ig::cli

// SPDX-License-Identifier: Apache-2.0
#pragma once

namespace ig::cli {

const char* version_string();
int version_command();

} // namespace ig::cli

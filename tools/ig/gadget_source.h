// SPDX-License-Identifier: Apache-2.0
// Where `ig run` gets a gadget from: a directory holding gadget.yaml and the object, or an image
// reference resolved in the local OCI store.
#pragma once

#include "runtime/gadget/package.h"

#include <string>

namespace ig::cli {

struct SourceOptions {
    std::string pull = "missing"; // always | missing | never
};

GadgetPackage obtain_gadget(const std::string& image, const SourceOptions& options);

} // namespace ig::cli

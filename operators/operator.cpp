// SPDX-License-Identifier: Apache-2.0
#include "operators/operator.h"

namespace ig {

const char* stage_name(Stage s) {
    switch (s) {
    case Stage::Source:
        return "source";
    case Stage::Enrich:
        return "enrich";
    case Stage::Format:
        return "format";
    case Stage::Filter:
        return "filter";
    case Stage::Aggregate:
        return "aggregate";
    case Stage::Sink:
        return "sink";
    }
    return "?";
}

} // namespace ig

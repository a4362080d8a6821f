// SPDX-License-Identifier: Apache-2.0
#include "operators/builtin.h"

#include "operators/annotate/annotate_operator.h"
#include "operators/containers/containers_operator.h"
#include "operators/filter/filter_operator.h"
#include "operators/formatters/formatters.h"
#include "operators/output/output_operator.h"
#include "operators/sort/sort_operator.h"
#include "operators/usernames/usernames_operator.h"

namespace ig {

std::vector<std::unique_ptr<Operator>> builtin_operators() {
    std::vector<std::unique_ptr<Operator>> ops;
    ops.push_back(make_containers_operator());
    ops.push_back(make_usernames_operator());
    ops.push_back(make_formatters_operator());
    ops.push_back(make_annotate_operator()); // after the formatters: same stage, kept in order
    ops.push_back(make_filter_operator());
    ops.push_back(make_sort_operator());
    ops.push_back(make_output_operator());
    return ops;
}

} // namespace ig

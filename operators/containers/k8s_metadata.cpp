// SPDX-License-Identifier: Apache-2.0
#include "operators/containers/k8s_metadata.h"

#include <initializer_list>

namespace ig::containers {
namespace {

std::string first_of(const std::map<std::string, std::string>& labels,
                     std::initializer_list<const char*> keys) {
    for (const char* k : keys)
        if (auto it = labels.find(k); it != labels.end() && !it->second.empty())
            return it->second;
    return "";
}

} // namespace

K8sMetadata k8s_from_labels(const std::map<std::string, std::string>& labels) {
    K8sMetadata m;
    m.namespace_name =
        first_of(labels, {"io.kubernetes.pod.namespace", "io.kubernetes.cri.sandbox-namespace"});
    m.pod_name = first_of(labels, {"io.kubernetes.pod.name", "io.kubernetes.cri.sandbox-name"});
    m.pod_uid = first_of(labels, {"io.kubernetes.pod.uid", "io.kubernetes.cri.sandbox-uid"});
    m.container_name =
        first_of(labels, {"io.kubernetes.container.name", "io.kubernetes.cri.container-name"});
    return m;
}

bool is_cri_sandbox(const std::map<std::string, std::string>& labels) {
    auto type = labels.find("io.kubernetes.cri.container-type");
    if (type != labels.end())
        return type->second == "sandbox";
    auto kind = labels.find("io.cri-containerd.kind");
    return kind != labels.end() && kind->second == "sandbox";
}

} // namespace ig::containers

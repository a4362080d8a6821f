// SPDX-License-Identifier: Apache-2.0
// Kubernetes names from container labels and OCI annotations: the kubelet's labels
// (io.kubernetes.pod.name, …) win over containerd CRI's annotations (io.kubernetes.cri.*).
#pragma once

#include "operators/containers/container.h"

#include <map>
#include <string>

namespace ig::containers {

K8sMetadata k8s_from_labels(const std::map<std::string, std::string>& labels);

// True for a CRI pod sandbox (the pause container), which has no workload of its own.
bool is_cri_sandbox(const std::map<std::string, std::string>& labels);

} // namespace ig::containers

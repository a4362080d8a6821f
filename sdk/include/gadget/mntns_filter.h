/* SPDX-License-Identifier: Apache-2.0 */
/* Container filtering. User space sets gadget_filter_by_mntns and fills gadget_mntns_filter_map
 * with the mount-namespace ids to keep, so filtered events never leave the kernel. */
#ifndef GADGET_MNTNS_FILTER_H
#define GADGET_MNTNS_FILTER_H

#include <bpf/bpf_helpers.h>
#include <gadget/mntns.h>
#include <gadget/types.h>

#ifndef GADGET_MAX_MNTNS
#define GADGET_MAX_MNTNS 1024
#endif

const volatile bool gadget_filter_by_mntns = false;

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, GADGET_MAX_MNTNS);
	__type(key, gadget_mntns_id);
	__type(value, __u32);
} gadget_mntns_filter_map SEC(".maps");

static __always_inline bool gadget_should_discard_mntns_id(gadget_mntns_id mntns_id)
{
	return gadget_filter_by_mntns && !bpf_map_lookup_elem(&gadget_mntns_filter_map, &mntns_id);
}

#endif

/* SPDX-License-Identifier: Apache-2.0 */
#ifndef GADGET_MNTNS_H
#define GADGET_MNTNS_H

#include <bpf/bpf_core_read.h>
#include <bpf/bpf_helpers.h>
#include <gadget/types.h>

static __always_inline gadget_mntns_id gadget_get_mntns_id_of(struct task_struct *task)
{
	return BPF_CORE_READ(task, nsproxy, mnt_ns, ns.inum);
}

static __always_inline gadget_mntns_id gadget_get_current_mntns_id(void)
{
	return gadget_get_mntns_id_of((struct task_struct *)bpf_get_current_task());
}

#endif

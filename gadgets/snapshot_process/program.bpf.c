// SPDX-License-Identifier: GPL-2.0
/* snapshot_process: the processes (or, with --threads, the threads) running now, read with a
 * task iterator. The mount namespace id lets ig's container operator filter and name them. */
#include <vmlinux.h>

#include <bpf/bpf_core_read.h>
#include <bpf/bpf_helpers.h>

#include <gadget/macros.h>
#include <gadget/mntns.h>
#include <gadget/mntns_filter.h>
#include <gadget/types.h>

struct process_entry {
	gadget_comm comm[TASK_COMM_LEN];
	gadget_pid pid;
	gadget_tid tid;
	gadget_ppid ppid;
	gadget_uid uid;
	gadget_gid gid;
	gadget_mntns_id mntns_id;
};

const volatile bool threads = false;
GADGET_PARAM(threads);

GADGET_ITER(processes, process_entry, ig_snapshot_tasks);

SEC("iter/task")
int ig_snapshot_tasks(struct bpf_iter__task *ctx)
{
	struct task_struct *task = ctx->task;
	struct process_entry e = {};

	if (!task)
		return 0;
	/* One row per process unless --threads: the thread-group leader stands for it. */
	if (!threads && task->pid != task->tgid)
		return 0;
	e.mntns_id = gadget_get_mntns_id_of(task);
	if (gadget_should_discard_mntns_id(e.mntns_id))
		return 0;
	e.pid = task->tgid;
	e.tid = task->pid;
	e.ppid = BPF_CORE_READ(task, real_parent, tgid);
	e.uid = BPF_CORE_READ(task, cred, uid.val);
	e.gid = BPF_CORE_READ(task, cred, gid.val);
	bpf_probe_read_kernel_str(e.comm, sizeof(e.comm), task->comm);
	bpf_seq_write(ctx->meta->seq, &e, sizeof(e));
	return 0;
}

char LICENSE[] SEC("license") = "GPL";

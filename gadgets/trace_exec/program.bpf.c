// SPDX-License-Identifier: GPL-2.0
/* trace_exec: process executions (execve(2), execveat(2)).
 *
 * Runs without kprobes or fentry:
 *  - syscalls/sys_enter_execve and sys_enter_execveat copy the arguments while the caller's
 *    memory still exists; a successful exec replaces it.
 *  - sched/sched_process_exec fires once the new program is loaded, in its context: comm, the
 *    executable and the credentials are the new ones. It reports the success.
 *  - syscalls/sys_exit_execve and sys_exit_execveat report failures: an exec that succeeded
 *    has already been reported and removed by sched_process_exec.
 *
 * The pending exec is keyed by thread id. When a non-leader thread calls execve(), de_thread()
 * gives it the leader's pid before sched_process_exec runs; the tracepoint's old_pid is the
 * thread id the syscall started with, which is the key.
 */
#include <vmlinux.h>

#include <bpf/bpf_core_read.h>
#include <bpf/bpf_helpers.h>

#define GADGET_NO_BUF_RESERVE
#include <gadget/buffer.h>
#include <gadget/common.h>
#include <gadget/filter.h>
#include <gadget/macros.h>
#include <gadget/types.h>

#define ARGS_LEN 4096 /* all arguments, NUL-separated */
#define ARG_CHUNK 256 /* at most this much of each argument, NUL included */
#define MAX_ARGS 64
#define PATH_LEN 4096 /* PATH_MAX */
#define NAME_LEN 256  /* NAME_MAX + 1 */
#define MAX_PATH_DEPTH 64
#define MAX_PENDING 1024

struct event {
	gadget_timestamp timestamp_raw;
	struct gadget_process proc;
	gadget_errno error_raw;
	int retval;
	__u32 args_count;
	__u32 args_size;
	char exepath[PATH_LEN];
	char cwd[PATH_LEN];
	char args[ARGS_LEN]; /* last: only args_size bytes of it are sent */
};

const volatile bool ignore_failed = true;
GADGET_PARAM(ignore_failed);

GADGET_TRACER_MAP(events, 1024 * 1024);
GADGET_TRACER(exec, events, event);

/* What sys_enter saves for the exit or for sched_process_exec. */
struct pending_exec {
	gadget_timestamp timestamp_raw;
	__u32 args_count;
	__u32 args_size;
	char args[ARGS_LEN];
};

/* 1024 execs in flight at once is plenty (each lasts well under a millisecond) and keeps the
 * preallocated map at 4 MiB. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, MAX_PENDING);
	__type(key, __u32);
	__type(value, struct pending_exec);
} pending_execs SEC(".maps");

/* Too large for the 512-byte BPF stack: per-CPU scratch slots for the map value being built,
 * the event and the path being assembled (written backwards, from the last component). */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct pending_exec);
} pending_scratch SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct event);
} event_scratch SEC(".maps");

struct path_buf {
	/* NAME_LEN of slack so a component read at any offset below PATH_LEN stays in bounds, as
	 * the verifier requires. */
	char data[PATH_LEN + NAME_LEN];
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct path_buf);
} path_scratch SEC(".maps");

static __always_inline int enter_exec(const char *const *argv)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	__u32 zero = 0, size = 0, count = 0;
	struct pending_exec *pe;
	const char *arg;
	long n;

	/* --comm names the program started by the exec, unknown yet: with it, only the mount
	 * namespace (which an exec cannot change) is checked here; every filter runs again when
	 * the event is complete. */
	if (targ_comm[0] ? gadget_should_discard_mntns_id(gadget_get_current_mntns_id())
			 : gadget_should_discard_data_current())
		return 0;

	pe = bpf_map_lookup_elem(&pending_scratch, &zero);
	if (!pe)
		return 0;
	pe->timestamp_raw = bpf_ktime_get_boot_ns();
	for (int i = 0; i < MAX_ARGS; i++) {
		if (bpf_probe_read_user(&arg, sizeof(arg), &argv[i]) || !arg)
			break;
		/* Stop rather than overflow: arguments beyond ARGS_LEN are not reported. */
		if (size > ARGS_LEN - ARG_CHUNK)
			break;
		n = bpf_probe_read_user_str(&pe->args[size], ARG_CHUNK, arg);
		if (n <= 0)
			break;
		size += n;
		count++;
	}
	pe->args_count = count;
	pe->args_size = size;
	bpf_map_update_elem(&pending_execs, &tid, pe, BPF_ANY);
	return 0;
}

/* State of one path walk, shared with the bpf_loop() callback. */
struct path_walk {
	struct dentry *dentry;
	struct vfsmount *vfsmnt;
	struct mount *mnt;
	struct dentry *root_dentry;
	struct vfsmount *root_mnt;
	struct path_buf *buf;
	__u32 pos; /* start of the assembled path in buf->data */
};

/* One step up the tree: prepend the dentry's name, or cross from a mount's root to its mount
 * point. Returns 1 to stop the walk. */
static long path_walk_step(__u32 index, void *data)
{
	struct path_walk *w = data;
	/* Locals, not w->…: BPF_CORE_READ relocates every member access it is given, and
	 * struct path_walk is ours, not the kernel's. */
	struct dentry *dentry = w->dentry;
	struct vfsmount *vfsmnt = w->vfsmnt;
	struct mount *mnt = w->mnt;
	struct dentry *mnt_root = BPF_CORE_READ(vfsmnt, mnt_root);
	struct dentry *parent = BPF_CORE_READ(dentry, d_parent);
	const unsigned char *name;
	__u32 len, pos = w->pos;

	if (dentry == w->root_dentry && vfsmnt == w->root_mnt)
		return 1;
	if (dentry == mnt_root || dentry == parent) {
		struct mount *mnt_parent = BPF_CORE_READ(mnt, mnt_parent);

		/* A disconnected dentry, or the root of the mount tree. */
		if (dentry != mnt_root || mnt == mnt_parent)
			return 1;
		w->dentry = BPF_CORE_READ(mnt, mnt_mountpoint);
		w->mnt = mnt_parent;
		w->vfsmnt = (void *)mnt_parent + bpf_core_field_offset(struct mount, mnt);
		return 0;
	}
	len = BPF_CORE_READ(dentry, d_name.len);
	name = BPF_CORE_READ(dentry, d_name.name);
	if (len >= NAME_LEN || len + 1 > pos)
		return 1;
	pos -= len;
	bpf_probe_read_kernel(&w->buf->data[pos & (PATH_LEN - 1)], len & (NAME_LEN - 1), name);
	pos--;
	w->buf->data[pos & (PATH_LEN - 1)] = '/';
	w->pos = pos;
	w->dentry = parent;
	return 0;
}

/* The path of `path` as seen from `root`, written into out[PATH_LEN]: dentry names up to the
 * root of each mount, then across to the mount point in the parent mount, like d_path(). That
 * helper cannot be called from tracepoints, hence the walk. bpf_loop() keeps the verifier's
 * work to one step, whatever MAX_PATH_DEPTH is. A path deeper than MAX_PATH_DEPTH components,
 * or longer than PATH_LEN, keeps its last components. */
static __always_inline void path_to_str(const struct path *path, const struct path *root, char *out)
{
	struct path_walk w = {};
	__u32 zero = 0;

	out[0] = '\0';
	w.dentry = BPF_CORE_READ(path, dentry);
	w.vfsmnt = BPF_CORE_READ(path, mnt);
	w.root_dentry = BPF_CORE_READ(root, dentry);
	w.root_mnt = BPF_CORE_READ(root, mnt);
	w.mnt = (void *)w.vfsmnt - bpf_core_field_offset(struct mount, mnt);
	w.pos = PATH_LEN - 1;
	w.buf = bpf_map_lookup_elem(&path_scratch, &zero);
	if (!w.buf || !w.dentry || !w.vfsmnt)
		return;
	w.buf->data[PATH_LEN - 1] = '\0';
	bpf_loop(MAX_PATH_DEPTH, path_walk_step, &w, 0);
	if (w.pos == PATH_LEN - 1) {
		out[0] = '/';
		out[1] = '\0';
		return;
	}
	bpf_probe_read_kernel_str(out, PATH_LEN, &w.buf->data[w.pos & (PATH_LEN - 1)]);
}

/* Completes and sends the event of the pending exec `pe`, in the context of the task that made
 * it: the new program after a success, the caller after a failure. */
static __always_inline void emit(void *ctx, const struct pending_exec *pe, long ret)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	struct fs_struct *fs = BPF_CORE_READ(task, fs);
	__u32 zero = 0, size;
	struct event *e;

	e = bpf_map_lookup_elem(&event_scratch, &zero);
	if (!e)
		return;
	gadget_process_populate(&e->proc);
	if (gadget_should_discard_data(e->proc.mntns_id, e->proc.pid, e->proc.tid, e->proc.comm,
				       e->proc.creds.uid, e->proc.creds.gid))
		return;
	e->timestamp_raw = pe->timestamp_raw;
	e->retval = (int)ret;
	e->error_raw = ret < 0 ? (__u32)-ret : 0;
	e->args_count = pe->args_count;
	size = pe->args_size;
	if (size > ARGS_LEN)
		size = ARGS_LEN;
	e->args_size = size;
	bpf_probe_read_kernel(e->args, size, pe->args);

	/* Kernel threads have no fs_struct; a failed exec has not changed the executable. */
	if (fs)
		path_to_str(&fs->pwd, &fs->root, e->cwd);
	else
		e->cwd[0] = '\0';
	if (ret == 0 && fs) {
		struct file *exe = BPF_CORE_READ(task, mm, exe_file);
		if (exe)
			path_to_str(&exe->f_path, &fs->root, e->exepath);
		else
			e->exepath[0] = '\0';
	} else {
		e->exepath[0] = '\0';
	}
	gadget_output_buf(ctx, &events, e, offsetof(struct event, args) + size);
}

SEC("tracepoint/syscalls/sys_enter_execve")
int ig_execve_enter(struct trace_event_raw_sys_enter *ctx)
{
	/* execve(filename, argv, envp) */
	return enter_exec((const char *const *)ctx->args[1]);
}

SEC("tracepoint/syscalls/sys_enter_execveat")
int ig_execveat_enter(struct trace_event_raw_sys_enter *ctx)
{
	/* execveat(dirfd, filename, argv, envp, flags) */
	return enter_exec((const char *const *)ctx->args[2]);
}

SEC("tracepoint/sched/sched_process_exec")
int ig_sched_exec(struct trace_event_raw_sched_process_exec *ctx)
{
	__u32 tid = ctx->old_pid;
	struct pending_exec *pe = bpf_map_lookup_elem(&pending_execs, &tid);

	if (!pe)
		return 0;
	emit(ctx, pe, 0);
	bpf_map_delete_elem(&pending_execs, &tid);
	return 0;
}

static __always_inline int exit_exec(struct trace_event_raw_sys_exit *ctx)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct pending_exec *pe = bpf_map_lookup_elem(&pending_execs, &tid);

	/* Not found: not traced, or already reported by sched_process_exec. Found: the exec
	 * failed. ctx->ret alone could not tell, since seccomp may rewrite it. */
	if (!pe)
		return 0;
	if (!ignore_failed)
		emit(ctx, pe, ctx->ret);
	bpf_map_delete_elem(&pending_execs, &tid);
	return 0;
}

SEC("tracepoint/syscalls/sys_exit_execve")
int ig_execve_exit(struct trace_event_raw_sys_exit *ctx)
{
	return exit_exec(ctx);
}

SEC("tracepoint/syscalls/sys_exit_execveat")
int ig_execveat_exit(struct trace_event_raw_sys_exit *ctx)
{
	return exit_exec(ctx);
}

char LICENSE[] SEC("license") = "GPL";

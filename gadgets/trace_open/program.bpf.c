// SPDX-License-Identifier: GPL-2.0
/* trace_open: files opened with open(2), openat(2) and openat2(2).
 *
 * Two ways to see them, declared with GADGET_FALLBACK so ig picks what the kernel allows:
 *  - preferred: one fexit program on do_sys_openat2(), which all three syscalls call; it sees
 *    the arguments and the result at once.
 *  - fallback, for kernels without fentry/fexit (or where it is not permitted): the syscall
 *    tracepoints bracket each call. The entry saves the arguments per thread; the exit reports
 *    them with the result.
 * Either way the name is read once the call is done, not at its start, because
 * bpf_probe_read_user() cannot fault pages in: a name the process has not touched yet may be
 * paged out at entry, while by the exit the kernel has copied it (getname()), so the page is
 * resident.
 */
#include <vmlinux.h>

#include <bpf/bpf_core_read.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

#define GADGET_NO_BUF_RESERVE
#include <gadget/buffer.h>
#include <gadget/common.h>
#include <gadget/filter.h>
#include <gadget/macros.h>
#include <gadget/types.h>

/* PATH_MAX: the kernel refuses longer names (ENAMETOOLONG), so no name is cut. The record is
 * sent without the unused tail of fname, so short names cost little ring space. */
#define FNAME_LEN 4096
#define MAX_PENDING 10240

/* From include/uapi/asm-generic/fcntl.h. The mode argument only means something when a file
 * may be created; otherwise it is whatever was left in the register. */
#define O_CREAT 00000100
#define __O_TMPFILE 020000000

struct event {
	gadget_timestamp timestamp_raw;
	struct gadget_process proc;
	int fd;
	gadget_errno error_raw;
	gadget_file_flags flags_raw;
	gadget_file_mode mode_raw;
	char fname[FNAME_LEN]; /* last: only the used part of it is sent */
};

const volatile bool failed_only = false;
GADGET_PARAM(failed_only);

GADGET_TRACER_MAP(events, 1024 * 256);
GADGET_TRACER(open, events, event);

/* An open in progress, keyed by thread id. */
struct pending_open {
	const char *fname;
	__u32 flags;
	__u32 mode;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, MAX_PENDING);
	__type(key, __u32);
	__type(value, struct pending_open);
} pending_opens SEC(".maps");

/* The event is too large for the 512-byte BPF stack: build it in a per-CPU scratch slot. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct event);
} scratch SEC(".maps");

static __always_inline int enter_open(const char *fname, __u64 flags, __u64 mode)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct pending_open po = {};

	if (gadget_should_discard_data_current())
		return 0;
	po.fname = fname;
	po.flags = (__u32)flags;
	po.mode = (flags & (O_CREAT | __O_TMPFILE)) ? (__u32)mode : 0;
	bpf_map_update_elem(&pending_opens, &tid, &po, BPF_ANY);
	return 0;
}

/* Sends the event of an open that returned `ret`, in the context of the caller. */
static __always_inline void emit(void *ctx, const char *fname, __u32 flags, __u32 mode, long ret)
{
	__u32 zero = 0;
	struct event *e;
	long len;

	if (failed_only && ret >= 0)
		return;
	e = bpf_map_lookup_elem(&scratch, &zero);
	if (!e)
		return;
	e->timestamp_raw = bpf_ktime_get_boot_ns();
	gadget_process_populate(&e->proc);
	e->fd = ret >= 0 ? (int)ret : -1;
	e->error_raw = ret < 0 ? (__u32)-ret : 0;
	e->flags_raw = flags;
	e->mode_raw = mode;
	len = bpf_probe_read_user_str(e->fname, sizeof(e->fname), fname);
	if (len <= 0) {
		/* EFAULT from the syscall itself, or an unreadable page: an empty name. */
		e->fname[0] = '\0';
		len = 1;
	}
	/* len counts the NUL; the runtime zero-fills the rest of a short record. The bound is for
	 * the verifier, which does not know the helper's result is at most FNAME_LEN. */
	if (len > FNAME_LEN)
		len = FNAME_LEN;
	gadget_output_buf(ctx, &events, e, offsetof(struct event, fname) + len);
}

static __always_inline int exit_open(struct trace_event_raw_sys_exit *ctx)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct pending_open *po = bpf_map_lookup_elem(&pending_opens, &tid);

	if (!po)
		return 0;
	emit(ctx, po->fname, po->flags, po->mode, ctx->ret);
	bpf_map_delete_elem(&pending_opens, &tid);
	return 0;
}

SEC("fexit/do_sys_openat2")
int BPF_PROG(ig_open_fexit, int dfd, const char *filename, struct open_how *how, long ret)
{
	__u64 flags = BPF_CORE_READ(how, flags);

	if (gadget_should_discard_data_current())
		return 0;
	emit(ctx, filename, (__u32)flags,
	     (flags & (O_CREAT | __O_TMPFILE)) ? (__u32)BPF_CORE_READ(how, mode) : 0, ret);
	return 0;
}

/* Where fexit is missing, the six syscall tracepoints below do its job. */
GADGET_FALLBACK(ig_open_fexit, ig_open_enter);
GADGET_FALLBACK(ig_open_fexit, ig_open_exit);
GADGET_FALLBACK(ig_open_fexit, ig_openat_enter);
GADGET_FALLBACK(ig_open_fexit, ig_openat_exit);
GADGET_FALLBACK(ig_open_fexit, ig_openat2_enter);
GADGET_FALLBACK(ig_open_fexit, ig_openat2_exit);

SEC("tracepoint/syscalls/sys_enter_open")
int ig_open_enter(struct trace_event_raw_sys_enter *ctx)
{
	return enter_open((const char *)ctx->args[0], ctx->args[1], ctx->args[2]);
}

SEC("tracepoint/syscalls/sys_exit_open")
int ig_open_exit(struct trace_event_raw_sys_exit *ctx)
{
	return exit_open(ctx);
}

SEC("tracepoint/syscalls/sys_enter_openat")
int ig_openat_enter(struct trace_event_raw_sys_enter *ctx)
{
	return enter_open((const char *)ctx->args[1], ctx->args[2], ctx->args[3]);
}

SEC("tracepoint/syscalls/sys_exit_openat")
int ig_openat_exit(struct trace_event_raw_sys_exit *ctx)
{
	return exit_open(ctx);
}

SEC("tracepoint/syscalls/sys_enter_openat2")
int ig_openat2_enter(struct trace_event_raw_sys_enter *ctx)
{
	struct open_how how = {};

	/* openat2(dfd, name, how, size): flags and mode are in the user's struct open_how. A
	 * struct the kernel cannot read fails the call with EFAULT, reported with zero flags. */
	bpf_probe_read_user(&how, sizeof(how), (void *)ctx->args[2]);
	return enter_open((const char *)ctx->args[1], how.flags, how.mode);
}

SEC("tracepoint/syscalls/sys_exit_openat2")
int ig_openat2_exit(struct trace_event_raw_sys_exit *ctx)
{
	return exit_open(ctx);
}

char LICENSE[] SEC("license") = "GPL";

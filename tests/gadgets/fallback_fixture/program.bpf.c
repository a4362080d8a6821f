// SPDX-License-Identifier: GPL-2.0
/* Test fixture for GADGET_FALLBACK: two preferred programs that no kernel accepts, each with a
 * fallback that works everywhere.
 *  - tp_btf/ig_no_such_event fails at load (there is no such BTF tracepoint);
 *  - tracepoint/ig_no_such_group/ig_no_such_event loads but fails at attach.
 * Each program records which of them ran, for the calls getppid() and getpgid(0). */
#include <vmlinux.h>

#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

#include <gadget/buffer.h>
#include <gadget/macros.h>
#include <gadget/types.h>

enum via {
	preferred_load,
	fallback_load,
	preferred_attach,
	fallback_attach,
};

struct event {
	gadget_pid pid;
	enum via via_raw;
};

const enum via unused_via __attribute__((unused));

GADGET_TRACER_MAP(events, 16384);
GADGET_TRACER(calls, events, event);

static __always_inline int emit(void *ctx, enum via via)
{
	struct event *e = gadget_reserve_buf(&events, sizeof(*e));

	if (!e)
		return 0;
	e->pid = bpf_get_current_pid_tgid() >> 32;
	e->via_raw = via;
	gadget_submit_buf(ctx, &events, e, sizeof(*e));
	return 0;
}

SEC("tp_btf/ig_no_such_event")
int BPF_PROG(ig_fails_to_load)
{
	return emit(ctx, preferred_load);
}

SEC("tracepoint/syscalls/sys_enter_getppid")
int ig_load_fallback(void *ctx)
{
	return emit(ctx, fallback_load);
}

SEC("tracepoint/ig_no_such_group/ig_no_such_event")
int ig_fails_to_attach(void *ctx)
{
	return emit(ctx, preferred_attach);
}

SEC("tracepoint/syscalls/sys_enter_getpgid")
int ig_attach_fallback(void *ctx)
{
	return emit(ctx, fallback_attach);
}

GADGET_FALLBACK(ig_fails_to_load, ig_load_fallback);
GADGET_FALLBACK(ig_fails_to_attach, ig_attach_fallback);

char LICENSE[] SEC("license") = "GPL";

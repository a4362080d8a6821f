// SPDX-License-Identifier: GPL-2.0
/* trace_tcp: TCP connect, accept and close events.
 *
 * Runs without kprobes or fentry. Every event is taken in the context of the process that caused
 * it, so pid, comm and mount namespace are the caller's:
 *  - connect: syscalls/sys_enter_connect + sys_exit_connect bracket the call; the
 *    CLOSE->SYN_SENT transition seen by tp_btf/inet_sock_set_state inside that bracket gives the
 *    socket; its 4-tuple is read once the kernel has bound the local port. The result of the
 * syscall is the error (0, ECONNREFUSED, EINPROGRESS for non-blocking sockets, ...). A non-blocking
 * connect that later fails emits a second connect event carrying the final error, taken from the
 * socket's SYN_SENT->CLOSE.
 *  - accept: sys_exit_accept/accept4 return the new fd; the socket is found in the caller's fd
 *    table, so the event belongs to the process that called accept(), not to softirq context.
 *  - close: the ESTABLISHED/CLOSE_WAIT -> FIN_WAIT1/LAST_ACK/CLOSE transition that tcp_close()
 *    makes in the closing process; shutdown() and resets received from the peer are not closes.
 */
#include <vmlinux.h>

#include <bpf/bpf_core_read.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

#include <gadget/buffer.h>
#include <gadget/common.h>
#include <gadget/filter.h>
#include <gadget/macros.h>
#include <gadget/types.h>

#define AF_INET 2
#define AF_INET6 10
#define SOCK_STREAM 1
#define IPPROTO_TCP_NUM 6
#define EINPROGRESS 115
#define EALREADY 114
#define EISCONN 106
#define SHUTDOWN_MASK 3
#define MAX_TRACKED 8192

enum event_type {
	connect,
	accept,
	close,
};

struct event {
	gadget_timestamp timestamp_raw;
	struct gadget_process proc;
	gadget_netns_id netns_id;
	struct gadget_l4endpoint_t src;
	struct gadget_l4endpoint_t dst;
	enum event_type type_raw;
	gadget_errno error_raw;
	int fd;
	int accept_fd;
};

/* Keeps the enum in BTF even if the compiler folds every use of it. */
const enum event_type unused_eventtype __attribute__((unused));

const volatile bool accept_only = false;
const volatile bool connect_only = false;
const volatile bool failure_only = false;
GADGET_PARAM(accept_only);
GADGET_PARAM(connect_only);
GADGET_PARAM(failure_only);

GADGET_TRACER_MAP(events, 1024 * 256);
GADGET_TRACER(tracetcp, events, event);

struct tuple {
	struct gadget_l4endpoint_t src;
	struct gadget_l4endpoint_t dst;
	gadget_netns_id netns_id;
};

/* A connect() in progress, keyed by thread id. */
struct pending_connect {
	const struct sock *sk; /* set at CLOSE->SYN_SENT inside the syscall */
	struct tuple tuple;
	struct gadget_l4endpoint_t user_dst; /* from the sockaddr passed to connect() */
	int fd;
	__u32 final_err; /* SYN_SENT->CLOSE already happened inside the syscall */
	bool settled;	 /* the handshake finished (either way) inside the syscall */
};

/* A non-blocking connect that returned EINPROGRESS, keyed by socket, until it settles. */
struct async_connect {
	struct gadget_process proc;
	struct tuple tuple;
	int fd;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, MAX_TRACKED);
	__type(key, __u32);
	__type(value, struct pending_connect);
} pending_connects SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, MAX_TRACKED);
	__type(key, __u64);
	__type(value, struct async_connect);
} async_connects SEC(".maps");

/* Socket -> thread in connect(), for handshakes that settle in softirq context (another task
 * is current there) while the connecting thread is still inside the syscall. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, MAX_TRACKED);
	__type(key, __u64);
	__type(value, __u32);
} connecting_socks SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, MAX_TRACKED);
	__type(key, __u32);
	__type(value, int);
} pending_accepts SEC(".maps");

static __always_inline __u32 current_tid(void)
{
	return (__u32)bpf_get_current_pid_tgid();
}

static __always_inline bool type_wanted(enum event_type type)
{
	if (accept_only && type != accept)
		return false;
	if (connect_only && type != connect)
		return false;
	return true;
}

static __always_inline void tuple_from_sock(const struct sock *sk, struct tuple *t)
{
	__u16 family = BPF_CORE_READ(sk, __sk_common.skc_family);

	t->src.proto_raw = GADGET_L4PROTO_TCP;
	t->dst.proto_raw = GADGET_L4PROTO_TCP;
	/* inet_sport, as the kernel's own tracepoint reads it: inet_num is already cleared when a
	 * reset releases the port. */
	t->src.port = bpf_ntohs(BPF_CORE_READ((const struct inet_sock *)sk, inet_sport));
	t->dst.port = bpf_ntohs(BPF_CORE_READ(sk, __sk_common.skc_dport));
	t->netns_id = BPF_CORE_READ(sk, __sk_common.skc_net.net, ns.inum);
	if (family == AF_INET) {
		t->src.version = t->dst.version = 4;
		t->src.addr_raw.v4 = BPF_CORE_READ(sk, __sk_common.skc_rcv_saddr);
		t->dst.addr_raw.v4 = BPF_CORE_READ(sk, __sk_common.skc_daddr);
	} else {
		t->src.version = t->dst.version = 6;
		BPF_CORE_READ_INTO(&t->src.addr_raw.v6, sk,
				   __sk_common.skc_v6_rcv_saddr.in6_u.u6_addr8);
		BPF_CORE_READ_INTO(&t->dst.addr_raw.v6, sk,
				   __sk_common.skc_v6_daddr.in6_u.u6_addr8);
	}
}

static __always_inline bool is_inet_tcp(const struct sock *sk)
{
	__u16 family = BPF_CORE_READ(sk, __sk_common.skc_family);

	if (family != AF_INET && family != AF_INET6)
		return false;
	return BPF_CORE_READ(sk, sk_protocol) == IPPROTO_TCP_NUM &&
	       BPF_CORE_READ(sk, sk_type) == SOCK_STREAM;
}

/* The socket behind `fd` in the current task's fd table, or NULL if `fd` is not a socket. */
static __always_inline const struct sock *sock_from_fd(int fd)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	struct fdtable *fdt = BPF_CORE_READ(task, files, fdt);
	struct file **fds = BPF_CORE_READ(fdt, fd);
	unsigned int max_fds = BPF_CORE_READ(fdt, max_fds);
	struct file *file = NULL;
	struct socket *sock;

	if (fd < 0 || (unsigned int)fd >= max_fds)
		return NULL;
	if (bpf_probe_read_kernel(&file, sizeof(file), &fds[fd]) || !file)
		return NULL;
	sock = BPF_CORE_READ(file, private_data);
	if (!sock || BPF_CORE_READ(sock, file) != file)
		return NULL;
	return BPF_CORE_READ(sock, sk);
}

static __always_inline void emit(void *ctx, const struct gadget_process *proc,
				 const struct tuple *t, enum event_type type, __u32 error, int fd,
				 int accept_fd)
{
	struct event *e;

	if (failure_only && error == 0)
		return;
	e = gadget_reserve_buf(&events, sizeof(*e));
	if (!e)
		return;
	e->timestamp_raw = bpf_ktime_get_boot_ns();
	e->proc = *proc;
	e->netns_id = t->netns_id;
	e->src = t->src;
	e->dst = t->dst;
	e->type_raw = type;
	e->error_raw = error;
	e->fd = fd;
	e->accept_fd = accept_fd;
	gadget_submit_buf(ctx, &events, e, sizeof(*e));
}

static __always_inline void emit_current(void *ctx, const struct tuple *t, enum event_type type,
					 __u32 error, int fd, int accept_fd)
{
	struct gadget_process proc = {};

	gadget_process_populate(&proc);
	emit(ctx, &proc, t, type, error, fd, accept_fd);
}

SEC("tracepoint/syscalls/sys_enter_connect")
int ig_tcp_connect_enter(struct trace_event_raw_sys_enter *ctx)
{
	struct pending_connect pc = {};
	struct sockaddr_in6 sa = {};
	__u32 tid = current_tid();

	if (!type_wanted(connect) || gadget_should_discard_data_current())
		return 0;
	pc.fd = (int)ctx->args[0];
	if (bpf_probe_read_user(&sa, sizeof(sa), (void *)ctx->args[1]) == 0 ||
	    bpf_probe_read_user(&sa, sizeof(struct sockaddr_in), (void *)ctx->args[1]) == 0) {
		pc.user_dst.proto_raw = GADGET_L4PROTO_TCP;
		pc.user_dst.port = bpf_ntohs(sa.sin6_port);
		if (sa.sin6_family == AF_INET) {
			pc.user_dst.version = 4;
			pc.user_dst.addr_raw.v4 = ((struct sockaddr_in *)&sa)->sin_addr.s_addr;
		} else if (sa.sin6_family == AF_INET6) {
			pc.user_dst.version = 6;
			__builtin_memcpy(pc.user_dst.addr_raw.v6, sa.sin6_addr.in6_u.u6_addr8, 16);
		} else {
			return 0; /* AF_UNIX and friends: not TCP */
		}
	}
	bpf_map_update_elem(&pending_connects, &tid, &pc, BPF_ANY);
	return 0;
}

SEC("tracepoint/syscalls/sys_exit_connect")
int ig_tcp_connect_exit(struct trace_event_raw_sys_exit *ctx)
{
	__u32 tid = current_tid();
	struct pending_connect *pc = bpf_map_lookup_elem(&pending_connects, &tid);
	struct async_connect ac = {};
	__u32 err;

	if (!pc)
		return 0;
	err = ctx->ret < 0 ? (__u32)-ctx->ret : 0;

	if (pc->sk) {
		/* The source port is bound after the SYN_SENT transition; the socket is still held
		 * by the caller's fd here, so read the final tuple unless the handshake already
		 * settled (a reset may have released the port by now). */
		if (!pc->settled)
			tuple_from_sock(pc->sk, &pc->tuple);
		emit_current(ctx, &pc->tuple, connect, err, pc->fd, -1);
		if (err == EINPROGRESS) {
			if (pc->final_err) {
				emit_current(ctx, &pc->tuple, connect, pc->final_err, pc->fd, -1);
			} else if (!pc->settled) {
				gadget_process_populate(&ac.proc);
				ac.tuple = pc->tuple;
				ac.fd = pc->fd;
				__u64 key = (__u64)pc->sk;
				bpf_map_update_elem(&async_connects, &key, &ac, BPF_ANY);
			}
		}
	} else if (err && err != EINPROGRESS && err != EALREADY && err != EISCONN) {
		/* Failed before a SYN was sent (no route, no free port, ...): report it if the fd
		 * is a TCP socket, with the destination the caller asked for. */
		const struct sock *sk = sock_from_fd(pc->fd);
		struct tuple t = {};

		if (sk && is_inet_tcp(sk)) {
			tuple_from_sock(sk, &t);
			t.dst = pc->user_dst;
			if (t.src.version != t.dst.version) {
				__builtin_memset(&t.src.addr_raw, 0, sizeof(t.src.addr_raw));
				t.src.version = t.dst.version;
			}
			emit_current(ctx, &t, connect, err, pc->fd, -1);
		}
	}
	if (pc->sk) {
		__u64 key = (__u64)pc->sk;
		bpf_map_delete_elem(&connecting_socks, &key);
	}
	bpf_map_delete_elem(&pending_connects, &tid);
	return 0;
}

static __always_inline int enter_accept(struct trace_event_raw_sys_enter *ctx)
{
	__u32 tid = current_tid();
	int fd = (int)ctx->args[0];

	if (!type_wanted(accept) || gadget_should_discard_data_current())
		return 0;
	bpf_map_update_elem(&pending_accepts, &tid, &fd, BPF_ANY);
	return 0;
}

static __always_inline int exit_accept(struct trace_event_raw_sys_exit *ctx)
{
	__u32 tid = current_tid();
	int *listen_fd = bpf_map_lookup_elem(&pending_accepts, &tid);
	const struct sock *sk;
	struct tuple t = {};
	int fd;

	if (!listen_fd)
		return 0;
	fd = *listen_fd;
	bpf_map_delete_elem(&pending_accepts, &tid);
	if (ctx->ret < 0) {
		/* A failed accept has no connection to describe; only EAGAIN-free failures would
		 * matter and they carry no endpoints, so they are not reported. */
		return 0;
	}
	sk = sock_from_fd((int)ctx->ret);
	if (!sk || !is_inet_tcp(sk))
		return 0;
	tuple_from_sock(sk, &t);
	emit_current(ctx, &t, accept, 0, fd, (int)ctx->ret);
	return 0;
}

SEC("tracepoint/syscalls/sys_enter_accept")
int ig_tcp_accept_enter(struct trace_event_raw_sys_enter *ctx)
{
	return enter_accept(ctx);
}

SEC("tracepoint/syscalls/sys_enter_accept4")
int ig_tcp_accept4_enter(struct trace_event_raw_sys_enter *ctx)
{
	return enter_accept(ctx);
}

SEC("tracepoint/syscalls/sys_exit_accept")
int ig_tcp_accept_exit(struct trace_event_raw_sys_exit *ctx)
{
	return exit_accept(ctx);
}

SEC("tracepoint/syscalls/sys_exit_accept4")
int ig_tcp_accept4_exit(struct trace_event_raw_sys_exit *ctx)
{
	return exit_accept(ctx);
}

static __always_inline bool is_user_close(const struct sock *sk, int oldstate, int newstate)
{
	if (oldstate != TCP_ESTABLISHED && oldstate != TCP_CLOSE_WAIT)
		return false;
	if (newstate != TCP_FIN_WAIT1 && newstate != TCP_LAST_ACK && newstate != TCP_CLOSE)
		return false;
	/* tcp_close() marks both directions shut before changing state; shutdown(SHUT_WR) and
	 * a reset from the peer do not. */
	return BPF_CORE_READ(sk, sk_shutdown) == SHUTDOWN_MASK;
}

SEC("tp_btf/inet_sock_set_state")
int BPF_PROG(ig_tcp_set_state, const struct sock *sk, int oldstate, int newstate)
{
	__u64 key = (__u64)sk;
	struct tuple t = {};

	if (BPF_CORE_READ(sk, sk_protocol) != IPPROTO_TCP_NUM)
		return 0;

	if (oldstate == TCP_CLOSE && newstate == TCP_SYN_SENT) {
		__u32 tid = current_tid();
		struct pending_connect *pc = bpf_map_lookup_elem(&pending_connects, &tid);

		if (pc) {
			pc->sk = sk;
			tuple_from_sock(sk, &pc->tuple);
			bpf_map_update_elem(&connecting_socks, &key, &tid, BPF_ANY);
		}
		return 0;
	}

	if (oldstate == TCP_SYN_SENT) {
		__u32 *tidp = bpf_map_lookup_elem(&connecting_socks, &key);
		struct pending_connect *pc = NULL;
		struct async_connect *ac;

		if (tidp) {
			__u32 tid = *tidp;
			pc = bpf_map_lookup_elem(&pending_connects, &tid);
		}

		if (pc && pc->sk == sk) {
			/* Settled while the connecting thread still holds the socket lock. The
			 * tuple is complete now, before a reset releases the local port. */
			pc->settled = true;
			tuple_from_sock(sk, &pc->tuple);
			if (newstate == TCP_CLOSE)
				pc->final_err = BPF_CORE_READ(sk, sk_err);
			return 0;
		}
		ac = bpf_map_lookup_elem(&async_connects, &key);
		if (!ac)
			return 0;
		if (newstate == TCP_CLOSE) {
			__u32 err = BPF_CORE_READ(sk, sk_err);
			if (err)
				emit(ctx, &ac->proc, &ac->tuple, connect, err, ac->fd, -1);
		}
		bpf_map_delete_elem(&async_connects, &key);
		return 0;
	}

	if (!type_wanted(close) || !is_user_close(sk, oldstate, newstate))
		return 0;
	if (gadget_should_discard_data_current())
		return 0;
	tuple_from_sock(sk, &t);
	emit_current(ctx, &t, close, 0, -1, -1);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";

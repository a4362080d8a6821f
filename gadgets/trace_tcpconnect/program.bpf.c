// SPDX-License-Identifier: GPL-2.0
/* trace_tcpconnect: outgoing TCP connect attempts, one event per connect() call, or counts of
 * them per source address, destination address and port (--count).
 *
 * Runs without kprobes or fentry. syscalls/sys_enter_connect and sys_exit_connect bracket the
 * call, in the caller's context; the CLOSE->SYN_SENT transition seen by
 * tp_btf/inet_sock_set_state inside that bracket identifies the socket, whose 4-tuple is read
 * once the kernel has bound the local port. The error is the syscall's result: 0, ECONNREFUSED,
 * ETIMEDOUT, or EINPROGRESS for non-blocking sockets, whose outcome is not known yet then (as
 * in Inspektor Gadget's trace_tcpconnect; trace_tcp follows such attempts to their end).
 * Attempts that fail before a SYN is sent (no route, no local port) are reported too, with the
 * destination the caller asked for.
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
#define MAX_TRACKED 8192
#define MAX_PORTS 16

struct event {
	gadget_timestamp timestamp_raw;
	struct gadget_process proc;
	gadget_netns_id netns_id;
	struct gadget_l4endpoint_t src;
	struct gadget_l4endpoint_t dst;
	gadget_errno error_raw;
	int fd;
};

/* --count: connects per source address, destination address and destination port. */
struct connect_key {
	struct gadget_l3endpoint_t saddr;
	struct gadget_l3endpoint_t daddr;
	__u16 dport;
};

struct connect_count {
	__u64 connects;
};

const volatile __u16 ports[MAX_PORTS] = {};
const volatile bool ipv4_only = false;
const volatile bool ipv6_only = false;
const volatile bool count = false;
GADGET_PARAM(ports);
GADGET_PARAM(ipv4_only);
GADGET_PARAM(ipv6_only);
GADGET_PARAM(count);

GADGET_TRACER_MAP(events, 1024 * 256);
GADGET_TRACER(tcpconnect, events, event);

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, struct connect_key);
	__type(value, struct connect_count);
} connects SEC(".maps");
GADGET_MAPITER(connects, connects);

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
	bool settled; /* the handshake finished (either way) inside the syscall */
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, MAX_TRACKED);
	__type(key, __u32);
	__type(value, struct pending_connect);
} pending_connects SEC(".maps");

/* Socket -> thread in connect(), for handshakes that settle in softirq context (another task
 * is current there) while the connecting thread is still inside the syscall. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, MAX_TRACKED);
	__type(key, __u64);
	__type(value, __u32);
} connecting_socks SEC(".maps");

static __always_inline bool port_wanted(__u16 port)
{
	if (ports[0] == 0)
		return true;
#pragma unroll
	for (int i = 0; i < MAX_PORTS; i++) {
		if (ports[i] == 0)
			return false;
		if (ports[i] == port)
			return true;
	}
	return false;
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

static __always_inline void count_connect(const struct tuple *t)
{
	struct connect_key key = {};
	struct connect_count one = {1}, *c;

	key.saddr.addr_raw = t->src.addr_raw;
	key.saddr.version = t->src.version;
	key.daddr.addr_raw = t->dst.addr_raw;
	key.daddr.version = t->dst.version;
	key.dport = t->dst.port;
	c = bpf_map_lookup_elem(&connects, &key);
	if (c)
		__sync_fetch_and_add(&c->connects, 1);
	else
		bpf_map_update_elem(&connects, &key, &one, BPF_NOEXIST);
}

static __always_inline void emit(void *ctx, const struct tuple *t, __u32 error, int fd)
{
	struct event *e;

	if (count) {
		count_connect(t);
		return;
	}
	e = gadget_reserve_buf(&events, sizeof(*e));
	if (!e)
		return;
	e->timestamp_raw = bpf_ktime_get_boot_ns();
	gadget_process_populate(&e->proc);
	e->netns_id = t->netns_id;
	e->src = t->src;
	e->dst = t->dst;
	e->error_raw = error;
	e->fd = fd;
	gadget_submit_buf(ctx, &events, e, sizeof(*e));
}

SEC("tracepoint/syscalls/sys_enter_connect")
int ig_tcpconnect_enter(struct trace_event_raw_sys_enter *ctx)
{
	struct pending_connect pc = {};
	struct sockaddr_in6 sa = {};
	__u32 tid = (__u32)bpf_get_current_pid_tgid();

	if (gadget_should_discard_data_current())
		return 0;
	pc.fd = (int)ctx->args[0];
	if (bpf_probe_read_user(&sa, sizeof(sa), (void *)ctx->args[1]) &&
	    bpf_probe_read_user(&sa, sizeof(struct sockaddr_in), (void *)ctx->args[1]))
		return 0;
	pc.user_dst.proto_raw = GADGET_L4PROTO_TCP;
	pc.user_dst.port = bpf_ntohs(sa.sin6_port); /* same offset as sin_port */
	if (sa.sin6_family == AF_INET) {
		if (ipv6_only)
			return 0;
		pc.user_dst.version = 4;
		pc.user_dst.addr_raw.v4 = ((struct sockaddr_in *)&sa)->sin_addr.s_addr;
	} else if (sa.sin6_family == AF_INET6) {
		if (ipv4_only)
			return 0;
		pc.user_dst.version = 6;
		__builtin_memcpy(pc.user_dst.addr_raw.v6, sa.sin6_addr.in6_u.u6_addr8, 16);
	} else {
		return 0; /* AF_UNIX, AF_UNSPEC (disconnect) and friends: not a TCP connect */
	}
	if (!port_wanted(pc.user_dst.port))
		return 0;
	bpf_map_update_elem(&pending_connects, &tid, &pc, BPF_ANY);
	return 0;
}

SEC("tracepoint/syscalls/sys_exit_connect")
int ig_tcpconnect_exit(struct trace_event_raw_sys_exit *ctx)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct pending_connect *pc = bpf_map_lookup_elem(&pending_connects, &tid);
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
		emit(ctx, &pc->tuple, err, pc->fd);
		__u64 key = (__u64)pc->sk;
		bpf_map_delete_elem(&connecting_socks, &key);
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
			emit(ctx, &t, err, pc->fd);
		}
	}
	bpf_map_delete_elem(&pending_connects, &tid);
	return 0;
}

SEC("tp_btf/inet_sock_set_state")
int BPF_PROG(ig_tcpconnect_state, const struct sock *sk, int oldstate, int newstate)
{
	__u64 key = (__u64)sk;

	if (BPF_CORE_READ(sk, sk_protocol) != IPPROTO_TCP_NUM)
		return 0;
	if (oldstate == TCP_CLOSE && newstate == TCP_SYN_SENT) {
		__u32 tid = (__u32)bpf_get_current_pid_tgid();
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
		struct pending_connect *pc;
		__u32 tid;

		if (!tidp)
			return 0;
		tid = *tidp;
		pc = bpf_map_lookup_elem(&pending_connects, &tid);
		if (pc && pc->sk == sk) {
			/* Settled while the connecting thread is still inside connect(): the tuple
			 * is complete now, before a reset releases the local port. */
			pc->settled = true;
			tuple_from_sock(sk, &pc->tuple);
		}
	}
	return 0;
}

char LICENSE[] SEC("license") = "GPL";

// SPDX-License-Identifier: GPL-2.0
/* top_tcp: bytes sent and received per TCP connection and process, summed in a map that ig
 * reads and resets every --interval.
 *
 * Runs without kprobes: tp_btf/sock_send_length and tp_btf/sock_recv_length fire when
 * sock_sendmsg()/sock_recvmsg() return, in the context of the calling process, with the
 * number of bytes moved (negative: an error, not counted). */
#include <vmlinux.h>

#include <bpf/bpf_core_read.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

#include <gadget/filter.h>
#include <gadget/macros.h>
#include <gadget/mntns.h>
#include <gadget/types.h>

#define AF_INET 2
#define AF_INET6 10
#define IPPROTO_TCP_NUM 6

struct traffic_key {
	gadget_mntns_id mntns_id;
	gadget_pid pid;
	gadget_tid tid;
	gadget_comm comm[TASK_COMM_LEN];
	struct gadget_l4endpoint_t src;
	struct gadget_l4endpoint_t dst;
};

struct traffic_value {
	gadget_bytes sent;
	gadget_bytes received;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, struct traffic_key);
	__type(value, struct traffic_value);
} traffic SEC(".maps");

GADGET_MAPITER(tcp, traffic);

static __always_inline int count_bytes(struct sock *sk, int bytes, bool sent)
{
	__u16 family = BPF_CORE_READ(sk, __sk_common.skc_family);
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	struct traffic_value zero = {}, *v;
	struct traffic_key key;

	if (bytes <= 0 || BPF_CORE_READ(sk, sk_protocol) != IPPROTO_TCP_NUM)
		return 0;
	if (family != AF_INET && family != AF_INET6)
		return 0;
	if (gadget_should_discard_data_current())
		return 0;

	/* Padding is part of a hash key: clear it all. */
	__builtin_memset(&key, 0, sizeof(key));
	key.mntns_id = gadget_get_current_mntns_id();
	key.pid = pid_tgid >> 32;
	key.tid = (__u32)pid_tgid;
	bpf_get_current_comm(key.comm, sizeof(key.comm));
	key.src.proto_raw = key.dst.proto_raw = GADGET_L4PROTO_TCP;
	key.src.port = BPF_CORE_READ(sk, __sk_common.skc_num);
	key.dst.port = bpf_ntohs(BPF_CORE_READ(sk, __sk_common.skc_dport));
	if (family == AF_INET) {
		key.src.version = key.dst.version = 4;
		key.src.addr_raw.v4 = BPF_CORE_READ(sk, __sk_common.skc_rcv_saddr);
		key.dst.addr_raw.v4 = BPF_CORE_READ(sk, __sk_common.skc_daddr);
	} else {
		key.src.version = key.dst.version = 6;
		BPF_CORE_READ_INTO(&key.src.addr_raw.v6, sk,
				   __sk_common.skc_v6_rcv_saddr.in6_u.u6_addr8);
		BPF_CORE_READ_INTO(&key.dst.addr_raw.v6, sk,
				   __sk_common.skc_v6_daddr.in6_u.u6_addr8);
	}

	v = bpf_map_lookup_elem(&traffic, &key);
	if (!v) {
		bpf_map_update_elem(&traffic, &key, &zero, BPF_NOEXIST);
		v = bpf_map_lookup_elem(&traffic, &key);
		if (!v)
			return 0; /* the map is full until ig reads and resets it */
	}
	if (sent)
		__sync_fetch_and_add(&v->sent, bytes);
	else
		__sync_fetch_and_add(&v->received, bytes);
	return 0;
}

SEC("tp_btf/sock_send_length")
int BPF_PROG(ig_toptcp_send, struct sock *sk, int ret, int flags)
{
	return count_bytes(sk, ret, true);
}

SEC("tp_btf/sock_recv_length")
int BPF_PROG(ig_toptcp_recv, struct sock *sk, int ret, int flags)
{
	/* MSG_PEEK reads bytes that a later call receives again. */
	if (flags & 2 /* MSG_PEEK */)
		return 0;
	return count_bytes(sk, ret, false);
}

char LICENSE[] SEC("license") = "GPL";

/* SPDX-License-Identifier: Apache-2.0 */
/* Semantic types. The runtime recognises these typedef names in BTF and gives each field a kind
 * with a default formatter (errno -> "ECONNREFUSED", endpoint -> "ip:port", ...). Layouts match
 * Inspektor Gadget's so event structs written for it decode identically. */
#ifndef GADGET_TYPES_H
#define GADGET_TYPES_H

#define GADGET_L4PROTO_TCP 6
#define GADGET_L4PROTO_UDP 17

#ifndef TASK_COMM_LEN
#define TASK_COMM_LEN 16
#endif

union gadget_ip_addr_t {
	__u8 v6[16];
	unsigned __int128 v6_raw;
	__u32 v4;
};

struct gadget_l3endpoint_t {
	union gadget_ip_addr_t addr_raw;
	__u8 version; /* 4 or 6 */
};

struct gadget_l4endpoint_t {
	union gadget_ip_addr_t addr_raw;
	__u16 port;	 /* host byte order */
	__u16 proto_raw; /* GADGET_L4PROTO_* */
	__u8 version;	 /* 4 or 6 */
};

typedef __u64 gadget_mntns_id;
typedef __u32 gadget_netns_id;
typedef __u64 gadget_timestamp; /* bpf_ktime_get_boot_ns() */
typedef __u32 gadget_signal;
typedef __u32 gadget_errno;
typedef __u32 gadget_uid;
typedef __u32 gadget_gid;
typedef __u32 gadget_pid;
typedef __u32 gadget_ppid;
typedef __u32 gadget_tid;
typedef __u32 gadget_ptid;
typedef char gadget_comm;
typedef char gadget_pcomm;
typedef __u32 gadget_file_mode;
typedef __u32 gadget_file_flags;
typedef __u64 gadget_syscall;
typedef __u32 gadget_kernel_stack;
typedef __u64 gadget_bytes;
typedef __u64 gadget_duration;

struct gadget_creds {
	gadget_uid uid;
	gadget_gid gid;
};

struct gadget_parent {
	gadget_pcomm comm[TASK_COMM_LEN];
	gadget_ppid pid;
	gadget_ptid tid;
};

struct gadget_process {
	gadget_comm comm[TASK_COMM_LEN];
	gadget_pid pid;
	gadget_tid tid;
	gadget_mntns_id mntns_id;
	struct gadget_creds creds;
	struct gadget_parent parent;
};

#endif

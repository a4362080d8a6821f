/* SPDX-License-Identifier: Apache-2.0 */
/* Event buffers. GADGET_TRACER_MAP declares a BPF ring buffer plus a per-CPU counter of records
 * that could not be reserved, which the runtime reads and reports: no event is lost silently.
 * On kernels without ring buffers the runtime turns the map into a perf event array and the
 * helpers below fall back to a per-CPU scratch buffer and bpf_perf_event_output. */
#ifndef GADGET_BUFFER_H
#define GADGET_BUFFER_H

#include <bpf/bpf_core_read.h>
#include <bpf/bpf_helpers.h>

#ifndef GADGET_MAX_EVENT_SIZE
#define GADGET_MAX_EVENT_SIZE 10240
#endif

/* Wake the consumer only once this many bytes wait in the ring (0: wake for every record). The
 * runtime sets it before load and polls with a short timeout, so batching bounds latency while
 * sparing the traced workload a wake-up per event. */
const volatile __u32 gadget_ringbuf_wakeup_bytes = 0;

#define GADGET_TRACER_MAP(name, size)                    \
	struct {                                         \
		__uint(type, BPF_MAP_TYPE_RINGBUF);      \
		__uint(max_entries, size);               \
	} name SEC(".maps");                             \
	struct {                                         \
		__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY); \
		__uint(max_entries, 1);                  \
		__type(key, __u32);                      \
		__type(value, __u64);                    \
	} name##_lost_samples SEC(".maps");              \
	const void *gadget_map_tracer_##name __attribute__((unused))

#ifndef GADGET_NO_BUF_RESERVE
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, GADGET_MAX_EVENT_SIZE);
} gadget_heap SEC(".maps");
#endif

static __always_inline bool __gadget_has_ringbuf(void)
{
	return bpf_core_enum_value_exists(enum bpf_func_id, BPF_FUNC_ringbuf_reserve);
}

static __always_inline void __gadget_count_lost(void *lost_map)
{
	__u32 zero = 0;
	__u64 *lost = bpf_map_lookup_elem(lost_map, &zero);
	if (lost)
		__sync_fetch_and_add(lost, 1);
}

static __always_inline __u64 __gadget_wakeup_flags(void *map)
{
	if (gadget_ringbuf_wakeup_bytes == 0)
		return 0;
	return bpf_ringbuf_query(map, BPF_RB_AVAIL_DATA) >= gadget_ringbuf_wakeup_bytes
		   ? BPF_RB_FORCE_WAKEUP
		   : BPF_RB_NO_WAKEUP;
}

#ifndef GADGET_NO_BUF_RESERVE
static __always_inline void *__gadget_reserve_buf(void *map, void *lost_map, __u64 size)
{
	__u32 zero = 0;
	void *buf;

	if (__gadget_has_ringbuf()) {
		buf = bpf_ringbuf_reserve(map, size, 0);
		if (!buf)
			__gadget_count_lost(lost_map);
		return buf;
	}
	if (size > GADGET_MAX_EVENT_SIZE)
		return NULL;
	return bpf_map_lookup_elem(&gadget_heap, &zero);
}
#define gadget_reserve_buf(map, size) __gadget_reserve_buf(map, map##_lost_samples, size)

static __always_inline void gadget_discard_buf(void *buf)
{
	if (__gadget_has_ringbuf())
		bpf_ringbuf_discard(buf, 0);
}

static __always_inline void gadget_submit_buf(void *ctx, void *map, void *buf, __u64 size)
{
	if (__gadget_has_ringbuf())
		bpf_ringbuf_submit(buf, __gadget_wakeup_flags(map));
	else
		bpf_perf_event_output(ctx, map, BPF_F_CURRENT_CPU, buf, size);
}
#endif

static __always_inline long __gadget_output_buf(void *ctx, void *map, void *lost_map, void *buf,
						__u64 size)
{
	long ret;

	if (__gadget_has_ringbuf())
		ret = bpf_ringbuf_output(map, buf, size, __gadget_wakeup_flags(map));
	else
		ret = bpf_perf_event_output(ctx, map, BPF_F_CURRENT_CPU, buf, size);
	if (ret)
		__gadget_count_lost(lost_map);
	return ret;
}
#define gadget_output_buf(ctx, map, buf, size) \
	__gadget_output_buf(ctx, map, map##_lost_samples, buf, size)

#endif

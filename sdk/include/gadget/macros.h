/* SPDX-License-Identifier: Apache-2.0 */
/* Declaration markers. Each macro emits an unused global `const void *` whose *name* carries the
 * declaration; the runtime finds these names in the object's BTF. The naming scheme
 * (prefix, `___` separator) matches Inspektor Gadget's so objects built for either load in both. */
#ifndef GADGET_MACROS_H
#define GADGET_MACROS_H

#ifndef __always_unused
#define __always_unused __attribute__((unused))
#endif

#define __GADGET_CAT3(a, b, c) a##b##c

/* A tracer data source `name`, read from `map` (ring buffer or perf array), one record per
 * `struct type`. */
#define GADGET_TRACER(name, map, type)                                                 \
	const void *gadget_tracer_##name##___##map##___##type __attribute__((unused)); \
	const struct type *__gadget_tracer_type_##name __attribute__((unused))

/* A `const volatile` global in .rodata that becomes a command-line flag. */
#define GADGET_PARAM(var) const void *gadget_param_##var __attribute__((unused))

/* An iterator data source fed by one to three `iter/...` programs emitting `struct type`. */
#define __GADGET_ITER_1(name, type, p1) \
	const void *gadget_iter_##name##___##type##___##p1 __attribute__((unused))
#define __GADGET_ITER_2(name, type, p1, p2) \
	const void *gadget_iter_##name##___##type##___##p1##___##p2 __attribute__((unused))
#define __GADGET_ITER_3(name, type, p1, p2, p3) \
	const void *gadget_iter_##name##___##type##___##p1##___##p2##___##p3 __attribute__((unused))
#define __GADGET_ITER_PICK(_1, _2, _3, NAME, ...) NAME
#define GADGET_ITER(name, type, ...)                                                       \
	const struct type *unusedevent_##name##___##type __attribute__((unused));          \
	__GADGET_ITER_PICK(__VA_ARGS__, __GADGET_ITER_3, __GADGET_ITER_2, __GADGET_ITER_1) \
	(name, type, __VA_ARGS__)

/* Deprecated spelling kept so older gadget sources still build. */
#define GADGET_SNAPSHOTTER(name, type, ...) GADGET_ITER(name, type, __VA_ARGS__)

/* A map read periodically (top-like gadgets): key and value structs become the fields. */
#define GADGET_MAPITER(name, map) \
	const void *gadget_mapiter_##name##___##map __attribute__((unused))

/* `fallback` does the job of program `prog` on kernels that refuse to load or attach `prog`
 * (no fentry, no kprobes, a function that cannot be traced). Markers that share a program form
 * one group: ig uses all its preferred programs, or, if one of them fails, all its fallbacks,
 * and says so. Fallbacks are not loaded while the preferred programs work. (An ig extension.) */
#define GADGET_FALLBACK(prog, fallback) \
	const void *gadget_fallback_##prog##___##fallback __attribute__((unused))

/* The map an `iter/bpf_map_elem` program walks. */
#define GADGET_ITER_TARGET_MAP(prog, map) \
	const void *gadget_mapelem_iter_target_##prog##___##map __attribute__((unused))

#endif

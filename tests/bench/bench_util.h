/* SPDX-License-Identifier: MIT */
/*
 * What every benchmark shares: one measured loop per row, timed on its own
 * (the warm-up before it is not counted), and, under callgrind, the
 * loop's instructions dumped under the row's label (a client request: a
 * few instructions natively). scripts/perf-report.sh runs each benchmark
 * twice, natively for nanoseconds and under
 *   valgrind --tool=callgrind --instr-atstart=no --dump-instr=no
 * for instructions, and joins the two on the label. Outside the measured
 * loops callgrind does not instrument at all, so building 65 536 fake
 * functions costs little time.
 *
 * Rows are printed as: label | operations | ns per operation | instructions
 * per operation from the CPU's counter where perf_event_open is allowed
 * ("-" where it is refused, as in most VMs).
 */
#ifndef BENCH_UTIL_H
#define BENCH_UTIL_H

#include <linux/perf_event.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#if defined(__has_include)
#if __has_include(<valgrind/callgrind.h>)
#include <valgrind/callgrind.h>
#endif
#endif
#ifndef CALLGRIND_ZERO_STATS
#define CALLGRIND_ZERO_STATS
#define CALLGRIND_DUMP_STATS_AT(label) ((void)(label))
#define CALLGRIND_START_INSTRUMENTATION
#define CALLGRIND_STOP_INSTRUMENTATION
#endif

static inline uint64_t bench_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* An instruction counter for this thread, or -1 where perf is refused. */
static inline int bench_insn_counter_open(void)
{
	static int fd = -2;
	struct perf_event_attr attr;

	if (fd != -2)
		return fd;
	memset(&attr, 0, sizeof(attr));
	attr.type = PERF_TYPE_HARDWARE;
	attr.size = sizeof(attr);
	attr.config = PERF_COUNT_HW_INSTRUCTIONS;
	attr.disabled = 1;
	attr.exclude_kernel = 1;
	attr.exclude_hv = 1;
	fd = (int)syscall(SYS_perf_event_open, &attr, 0, -1, -1, 0);
	return fd;
}

/* One measurement in progress. */
struct bench_span {
	const char *label;
	uint64_t t0;
	int fd;
};

static inline void bench_header(const char *title)
{
	printf("# %s\n", title);
	printf("# %-52s | %10s | %10s | %10s\n", "row", "operations", "ns/op",
	       "insn/op");
}

/* Start timing label's measured loop: call right before it. */
static inline struct bench_span bench_begin(const char *label)
{
	struct bench_span s = {label, 0, bench_insn_counter_open()};

	if (s.fd >= 0) {
		ioctl(s.fd, PERF_EVENT_IOC_RESET, 0);
		ioctl(s.fd, PERF_EVENT_IOC_ENABLE, 0);
	}
	s.t0 = bench_now_ns();
	CALLGRIND_START_INSTRUMENTATION;
	CALLGRIND_ZERO_STATS;
	return s;
}

/* Stop right after the loop; ops: how many operations it did. */
static inline void bench_end(struct bench_span s, uint64_t ops)
{
	uint64_t t1, insns = 0;
	char col[24] = "-";

	CALLGRIND_DUMP_STATS_AT(s.label);
	CALLGRIND_STOP_INSTRUMENTATION;
	t1 = bench_now_ns();
	if (s.fd >= 0) {
		ioctl(s.fd, PERF_EVENT_IOC_DISABLE, 0);
		if (read(s.fd, &insns, sizeof(insns)) == (ssize_t)sizeof(insns))
			snprintf(col, sizeof(col), "%.1f",
				 (double)insns / (double)ops);
	}
	printf("%-54s | %10llu | %10.2f | %10s\n", s.label,
	       (unsigned long long)ops, (double)(t1 - s.t0) / (double)ops, col);
	fflush(stdout);
}

#endif /* BENCH_UTIL_H */

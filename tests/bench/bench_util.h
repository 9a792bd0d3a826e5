/* SPDX-License-Identifier: MIT */
/*
 * Timing helpers shared by the benchmarks: a monotonic clock in ns and, where
 * the kernel allows it, a hardware instruction counter (perf_event_open).
 */
#ifndef BENCH_UTIL_H
#define BENCH_UTIL_H

#include <linux/perf_event.h>
#include <stdint.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static inline uint64_t bench_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* An instruction counter for this thread, or -1 where perf is refused. */
static inline int bench_insn_counter_open(void)
{
	struct perf_event_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.type = PERF_TYPE_HARDWARE;
	attr.size = sizeof(attr);
	attr.config = PERF_COUNT_HW_INSTRUCTIONS;
	attr.disabled = 1;
	attr.exclude_kernel = 1;
	attr.exclude_hv = 1;
	return (int)syscall(SYS_perf_event_open, &attr, 0, -1, -1, 0);
}

static inline void bench_insn_start(int fd)
{
	if (fd >= 0) {
		ioctl(fd, PERF_EVENT_IOC_RESET, 0);
		ioctl(fd, PERF_EVENT_IOC_ENABLE, 0);
	}
}

/* Instructions since start, or 0 without a counter. */
static inline uint64_t bench_insn_stop(int fd)
{
	uint64_t n = 0;

	if (fd < 0)
		return 0;
	ioctl(fd, PERF_EVENT_IOC_DISABLE, 0);
	if (read(fd, &n, sizeof(n)) != (ssize_t)sizeof(n))
		return 0;
	return n;
}

#endif /* BENCH_UTIL_H */

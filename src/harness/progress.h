/* SPDX-License-Identifier: MIT */
/*
 * Progress of a long operation on stderr, only when stderr is a terminal:
 * "WHAT: DONE/TOTAL", rewritten in place, erased at the end.
 */
#ifndef HARNESS_PROGRESS_H
#define HARNESS_PROGRESS_H

#include <stddef.h>

struct progress {
	const char *what;
	size_t total;
	int on;
};

void progress_start(struct progress *p, const char *what, size_t total);
void progress_step(struct progress *p, size_t done);
void progress_end(struct progress *p);

#endif /* HARNESS_PROGRESS_H */

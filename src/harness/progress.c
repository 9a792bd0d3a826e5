/* SPDX-License-Identifier: MIT */
/*
 * Progress lines for long operations (see progress.h). Shown only on a
 * terminal, so pipes and test logs stay exactly as specified.
 */
#include <stdio.h>
#include <unistd.h>

#include "progress.h"

void progress_start(struct progress *p, const char *what, size_t total)
{
	p->what = what;
	p->total = total;
	p->on = isatty(STDERR_FILENO);
	progress_step(p, 0);
}

void progress_step(struct progress *p, size_t done)
{
	if (!p->on)
		return;
	fprintf(stderr, "\r%s: %zu/%zu", p->what, done, p->total);
	fflush(stderr);
}

void progress_end(struct progress *p)
{
	if (!p->on)
		return;
	/* Erase the line: what remains on screen is the real output. */
	fprintf(stderr, "\r\033[K");
	fflush(stderr);
	p->on = 0;
}

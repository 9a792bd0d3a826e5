/* SPDX-License-Identifier: MIT */
/*
 * Hostile replay scripts: any bytes as a script, run from a guest given
 * two functions of a real capture (with --trace). A script is refused at
 * its first bad line with "NAME:LINE: what", or runs; either way nothing
 * crashes, hangs or leaks (ASan, UBSan and LeakSanitizer watch).
 */
#define _GNU_SOURCE /* fmemopen */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "script.h"
#include "session.h"

#ifndef FUZZ_TOPOLOGY
#error "FUZZ_TOPOLOGY: the capture directory to replay"
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static vpci_sbdf_t guest_fns[] = {VPCI_SBDF(0, 0, 1, 0),
					  VPCI_SBDF(0, 0, 3, 0)};
	struct session_options opt = {
		.guest = {.sbdfs = guest_fns, .nr = 2},
		.trace = true,
	};
	struct session s;
	char msg[512];
	FILE *in, *out, *trace;

	if (size == 0)
		return 0;
	out = fopen("/dev/null", "w");
	trace = fopen("/dev/null", "w");
	if (!out || !trace)
		abort();
	opt.trace_out = trace;
	/* The first byte picks the view: hardware domain or guest. */
	if (data[0] & 1)
		opt.guest.nr = 0;
	memset(&s, 0, sizeof(s));
	if (session_open(&s, FUZZ_TOPOLOGY, &opt, msg, sizeof(msg)))
		abort(); /* the bundled capture must open */
	in = fmemopen((void *)(data + 1), size - 1 ? size - 1 : 1, "r");
	if (!in)
		abort();
	script_run(&s, in, "fuzz", out, false);
	fclose(in);
	session_close(&s);
	fclose(out);
	fclose(trace);
	return 0;
}

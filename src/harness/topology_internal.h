/* SPDX-License-Identifier: MIT */
/*
 * What the topology loaders (capture_read.c, lspci_import.c) share with
 * topology.c and nobody else: building a struct topology, reporting errors
 * and warnings, and turning "what the source says about a BAR" into
 * struct topo_bar. Not for the CLI or the replay: they use topology.h.
 */
#ifndef HARNESS_TOPOLOGY_INTERNAL_H
#define HARNESS_TOPOLOGY_INTERNAL_H

#include <stdio.h>
#include <sys/types.h>

#include "ioresource.h"
#include "topology.h"

#define TOPO_PRINTF(fmt, args) __attribute__((format(printf, fmt, args)))

/*
 * What a source other than the config bytes says about one BAR: a sysfs
 * resource line, or an lspci -v "Region N:" / "Expansion ROM" line.
 */
struct topo_bar_hint {
	bool present;   /* the source describes this BAR at all */
	bool kind_known;
	enum topo_bar_kind kind; /* MEM32, MEM64_LO, IO or ROM when known */
	bool prefetchable;
	bool size_known;
	uint64_t size_bytes;
	unsigned int line; /* where it came from, for warnings (0: none) */
};

void topo_set_error(struct topo_error *err, const char *fmt, ...)
	TOPO_PRINTF(2, 3);
/* Record a warning; returns -1 (with err set) only when out of memory. */
int topo_warn(struct topology *topo, struct topo_error *err,
	      const char *fmt, ...) TOPO_PRINTF(3, 4);

/* Append a zeroed function (sorting and duplicate checks come later in
 * topo_finish). NULL with err set when out of memory. */
struct topo_fn *topo_add_fn(struct topology *topo, vpci_sbdf_t sbdf,
			    struct topo_error *err);
/* Drop the last function added (a dump header that had no bytes). */
void topo_drop_last_fn(struct topology *topo);

/* Sort by sbdf; a duplicate sbdf or no function at all is an error.
 * Each loader calls it last (idempotent). */
int topo_finish(struct topology *topo, struct topo_error *err);

/*
 * Fill fn->bars from the header type and BAR registers in fn->config plus
 * hints[] (may be NULL). where names the function's source for warnings
 * ("DIR/devices/X" or "FILE:LINE"). Returns 0, or -1 only when out of
 * memory recording a warning.
 */
int topo_derive_bars(struct topology *topo, struct topo_fn *fn,
		     const struct topo_bar_hint hints[TOPO_NR_BARS],
		     const char *where, struct topo_error *err);

/*
 * One line into *buf (grown as needed; free it when done) without its "\n"
 * or "\r\n". Returns the length or one of TOPO_LINE_*.
 */
#define TOPO_LINE_MAX 65536 /* bytes; real dumps stay under 600 */
#define TOPO_LINE_EOF (-1)
#define TOPO_LINE_NUL (-2)      /* the line holds a NUL byte */
#define TOPO_LINE_TOO_LONG (-3) /* over TOPO_LINE_MAX (or out of memory) */
ssize_t topo_read_line(FILE *f, char **buf, size_t *cap);
/* What a negative topo_read_line() result means, for error messages. */
const char *topo_line_problem(ssize_t rc);

/* Largest of 64/256/4096 not above len_bytes (0 when below 64). */
unsigned int topo_config_len_round(size_t len_bytes);

/* A sysfs `resource` line: "0xSTART 0xEND 0xFLAGS" (blanks between,
 * trailing blanks allowed) into v[0..2]. */
bool topo_parse_resource_line(const char *line, uint64_t v[3]);


/* The sysfs attributes of the function directory fndir beside config and
 * resource (driver, iommu_group, numa_node, SR-IOV) into fn->attrs
 * (capture_attrs.c). Missing ones are not recorded; malformed ones are
 * warnings. Returns 0, or -1 with err set (out of memory). */
int capture_read_attrs(const char *fndir, struct topo_fn *fn,
		       struct topology *topo, struct topo_error *err);

#endif /* HARNESS_TOPOLOGY_INTERNAL_H */

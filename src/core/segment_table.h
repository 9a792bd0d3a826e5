/* SPDX-License-Identifier: MIT */
/*
 * A table of per-PCI-segment objects, sorted by segment number: the one
 * search that SBDF maps and SBDF sets share (segment_table.c). Machines
 * have one segment or a few, so finding one is a compare (one segment) or
 * a short binary search. Private to the core.
 */
#ifndef VPCI_SEGMENT_TABLE_H
#define VPCI_SEGMENT_TABLE_H

#include <stddef.h>
#include <stdint.h>

struct vpci_host;

/* The first member of every per-segment object a table holds. */
struct vpci_seg_head {
	uint16_t seg;
};

struct vpci_seg_table {
	struct vpci_seg_head **segs; /* sorted by seg */
	size_t nr;
	size_t capacity;
	struct vpci_host *host;
	/* The one member while there is exactly one (else NULL): found
	 * with a load and a compare, on the machine most have. */
	struct vpci_seg_head *only;
};

void vpci_seg_table_init(struct vpci_seg_table *t, struct vpci_host *host);
/* Free every member and the table itself. */
void vpci_seg_table_destroy(struct vpci_seg_table *t);
/* Index of segment seg, or of where it would be inserted. */
size_t vpci_seg_table_position(const struct vpci_seg_table *t, uint16_t seg);
struct vpci_seg_head *vpci_seg_table_search(const struct vpci_seg_table *t,
					    uint16_t seg);

/* The member for seg, or NULL. Inline: every config access asks. */
static inline struct vpci_seg_head *
vpci_seg_table_find(const struct vpci_seg_table *t, uint16_t seg)
{
	if (t->only) /* the common machine */
		return t->only->seg == seg ? t->only : NULL;
	return t->nr ? vpci_seg_table_search(t, seg) : NULL;
}

/* The member for seg, made (size_bytes, zeroed) if there is none yet.
 * NULL: out of memory (the table is unchanged). */
struct vpci_seg_head *vpci_seg_table_get(struct vpci_seg_table *t,
					 uint16_t seg, size_t size_bytes);
/* Take member s out of the table and free it. */
void vpci_seg_table_drop(struct vpci_seg_table *t, struct vpci_seg_head *s);

#endif /* VPCI_SEGMENT_TABLE_H */

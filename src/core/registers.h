/* SPDX-License-Identifier: MIT */
/*
 * A device's emulated registers: the table, sorted and indexed by dword
 * (registers.c), and the split/merge of one access over registers and
 * gaps (register_access.c). Private to the core.
 */
#ifndef VPCI_REGISTERS_H
#define VPCI_REGISTERS_H

#include <stdbool.h>
#include <stdint.h>
#include "vpci/vpci.h"

#define VPCI_CFG_SPACE_SIZE 4096u
#define VPCI_CFG_STD_SIZE 256u
#define VPCI_STD_DWORDS (VPCI_CFG_STD_SIZE / 4u)
#define VPCI_EXT_DWORDS ((VPCI_CFG_SPACE_SIZE - VPCI_CFG_STD_SIZE) / 4u)
#define VPCI_MAX_REGISTERS 1024u

struct vpci_register {
	vpci_read_fn *read;
	vpci_write_fn *write;
	void *data;
	struct vpci_reg_masks masks;
	uint32_t visible; /* what reads show: the size, less reserved bits */
	uint16_t offset;
	uint8_t size;
	uint8_t flags; /* VPCI_REG_* */
};

#define VPCI_REG_LIBRARY 0x1u /* added by the library's own state build */
#define VPCI_REG_MASKED 0x2u  /* has ro, rw1c, rsvdp or rsvdz bits */
/*
 * Registers the dispatcher reads (and writes) itself, without calling a
 * handler, where that saves a call (a dword of several registers, a whole
 * 4-byte one): their handlers do the same thing and stay for the other
 * paths. Only the library's own state sets these (vpci_add_phys_register,
 * vpci_add_value_register).
 */
#define VPCI_REG_READS_PHYS 0x4u   /* reads: the hardware's bytes there */
#define VPCI_REG_READS_VALUE 0x8u  /* reads: *(const uint32_t *)data */
#define VPCI_REG_WRITES_VALUE 0x10u /* writes: *(uint32_t *)data = val */
/* A dword register (vpci_add_dword_register): its write handler takes
 * the access as made. */
#define VPCI_REG_DWORD 0x20u
/* The hardware domain's command register: reads are the hardware's
 * bytes unless a command write is held for map work (header.c). */
#define VPCI_REG_READS_CMD 0x40u
/*
 * A dword register that owns only some of its dword's bytes (those with
 * a visible bit); the others are gap bytes, which a platform may still
 * claim: adding a register there first takes the dword register apart
 * into the registers it stands for (the table's parts). Only in views whose gaps read 0 and drop writes
 * (a guest's), so that the dispatcher serves it as a whole 4-byte
 * register: its read shows 0 there, its write handler ignores them.
 */
#define VPCI_REG_PARTIAL 0x80u

/*
 * A device's emulated registers, sorted by offset and never overlapping
 * (a register is 1, 2 or 4 bytes at an offset aligned to its size, so it
 * never straddles a dword). Each dword of config space has a plan entry:
 * which of its four bytes registers cover (bits 12-15; the others are
 * "gap" bytes), and for a dword with covered bytes the index of its
 * first register (bits 0-10) and whether that is the only one there
 * (bit 11); the index of a dword of gaps means nothing and is never
 * read. A 4-byte access reads its plan and knows at once whether it is
 * one register, a gap or a mix. An entry of 0 is a dword of gaps, so a
 * zeroed table is an empty one. Extended space gets plan entries only
 * once a register lives there.
 *
 * A register appended after the last one sets its own dword's entry
 * (vpci_plan_note_append), which is all that changes: a state build,
 * which appends, keeps the plan whole as it goes. Inserting before
 * another register (indexes move) or removing one only marks the plan
 * stale; the first access after that rebuilds it, once.
 */
#define VPCI_PLAN_FIRST 0x07ffu
#define VPCI_PLAN_ONE 0x0800u
#define VPCI_PLAN_COVERED_SHIFT 12u
#define VPCI_PLAN_ALL_COVERED 0xfu

/*
 * What a partial dword register stands for, as data: up to three of the
 * library's registers served without a handler (registers.h marks), each
 * at a byte of the dword with its size; a value register's value lives
 * at value_offset from the partial register's data.
 */
struct vpci_reg_part {
	uint8_t at;   /* byte of the dword */
	uint8_t size; /* 1 or 2 */
	uint8_t how;  /* VPCI_REG_READS_PHYS, or VPCI_REG_READS_VALUE with
		       * or without VPCI_REG_WRITES_VALUE */
	uint16_t value_offset;
};

struct vpci_reg_parts {
	unsigned int nr;
	struct vpci_reg_part part[3];
};

struct vpci_regtable {
	struct vpci_register *regs;
	uint16_t nr;
	uint16_t capacity;
	bool plan_stale;    /* registers changed since the plan was built */
	bool library_phase; /* registers added now are the library's */
	uint16_t plan_std[VPCI_STD_DWORDS];
	uint16_t *plan_ext; /* VPCI_EXT_DWORDS entries, or NULL */
	/* The registers a partial dword register stands for
	 * (VPCI_REG_PARTIAL), put back when a platform claims one of its gap
	 * bytes; NULL: none. */
	const struct vpci_reg_parts *parts;
};

_Static_assert(VPCI_MAX_REGISTERS <= VPCI_PLAN_FIRST,
	       "a register index fits a plan entry");

void vpci_regtable_destroy(struct vpci_host *host, struct vpci_regtable *t);

/* Rebuild the whole plan from the table (registers.c). */
void vpci_plan_build(struct vpci_regtable *t);

/* dword's plan entry, the plan rebuilt first if registers changed. */
static inline __attribute__((always_inline)) unsigned int
vpci_plan_entry(struct vpci_regtable *t, unsigned int dword)
{
	if (__builtin_expect(t->plan_stale, 0))
		vpci_plan_build(t);
	if (dword < VPCI_STD_DWORDS)
		return t->plan_std[dword];
	if (t->plan_ext)
		return t->plan_ext[dword - VPCI_STD_DWORDS];
	return t->nr; /* nothing lives in extended space: all gaps */
}

/* Index of the first register ending after byte reg: a binary search,
 * so that adding and removing registers needs no plan. */
static inline unsigned int
vpci_first_register_after(const struct vpci_regtable *t, unsigned int reg)
{
	unsigned int lo = 0, hi = t->nr;

	while (lo < hi) {
		unsigned int mid = lo + (hi - lo) / 2u;

		if ((unsigned int)t->regs[mid].offset + t->regs[mid].size <=
		    reg)
			lo = mid + 1u;
		else
			hi = mid;
	}
	return lo;
}

/* Register i (offset, size), just stored after every other one (its
 * dword's entry exists: extended space has a plan once a register may
 * live there), entered in a plan that is whole; a stale one stays
 * stale. Inline with the values, so that a caller that knows the offset
 * is in standard space pays no more than a load and a store. */
static inline __attribute__((always_inline)) void
vpci_plan_note_append(struct vpci_regtable *t, unsigned int i,
		      unsigned int offset, unsigned int size)
{
	unsigned int d = offset / 4u;
	uint16_t bytes = (uint16_t)((((1u << size) - 1u) << (offset & 3u))
				    << VPCI_PLAN_COVERED_SHIFT);
	uint16_t *slot;

	if (t->plan_stale)
		return;
	slot = d < VPCI_STD_DWORDS ? &t->plan_std[d]
				   : &t->plan_ext[d - VPCI_STD_DWORDS];
	if (*slot >> VPCI_PLAN_COVERED_SHIFT) /* a register before it there */
		*slot = (uint16_t)((*slot | bytes) & ~VPCI_PLAN_ONE);
	else
		*slot = (uint16_t)(i | VPCI_PLAN_ONE | bytes);
}

/*
 * A register whose reads are the hardware's bytes at its offset (less
 * the reserved bits of masks), written by write (NULL: read-only) with
 * masks as vpci_add_register() does.
 */
int vpci_add_phys_register(struct vpci_dev *dev, vpci_write_fn *write,
			   unsigned int offset, unsigned int size, void *data,
			   const struct vpci_reg_masks *masks);
/*
 * A register that reads as *value (within its size) and, if writable, is
 * a latch: a write stores the written value there.
 */
/*
 * One register over a whole dword that holds several of the library's
 * registers (command and status, ...), so that a 4-byte access is one
 * call. read returns the whole dword as the owner sees it (a narrower
 * read takes its bytes of it); write gets the access as made, reg and
 * size the bytes written inside the dword (1 to 4, not crossing it), val
 * only those bytes: no read-modify-write, the handler keeps each byte's
 * semantics (RW1C bits cleared only where a 1 is written, ...).
 */
int vpci_add_dword_register(struct vpci_dev *dev, vpci_read_fn *read,
			    vpci_write_fn *write, unsigned int offset,
			    void *data);
/*
 * A dword register (as vpci_add_dword_register) owning only the bytes of
 * its dword in the mask bytes (bits 0-3), the others gaps a platform may
 * claim (VPCI_REG_PARTIAL; set dev->regs.parts first). A read shows 0 in
 * the gap bytes; the write handler must ignore them. VPCI_EINVAL in a
 * view whose gaps pass through to the hardware.
 */
int vpci_add_partial_dword_register(struct vpci_dev *dev, vpci_read_fn *read,
				    vpci_write_fn *write, unsigned int offset,
				    unsigned int bytes, void *data);
/*
 * Take the library's register of size bytes at offset out of the table
 * into *out (VPCI_ENOENT: none exactly there), so that a dword register
 * over it can serve it.
 */
int vpci_take_register(struct vpci_dev *dev, unsigned int offset,
		       unsigned int size, struct vpci_register *out);
/* The register starting at offset, or NULL; valid until the table
 * changes. */
const struct vpci_register *vpci_register_at(const struct vpci_dev *dev,
					     unsigned int offset);
int vpci_add_value_register(struct vpci_dev *dev, unsigned int offset,
			    unsigned int size, uint32_t *value, bool writable);
/* Mark the library's register at offset (VPCI_REG_READS_*): served as
 * the mark says where the dispatcher can. */
void vpci_register_mark(struct vpci_dev *dev, unsigned int offset,
			unsigned int how);
/*
 * vpci_add_register() without masks, in its common case: a 2- or 4-byte
 * register in standard space after every other, into a table with room
 * (a header's own registers at a state build). Stores it and returns
 * true; false, changing nothing, for any other case, which the caller
 * then passes to vpci_add_register(). Inline: a state build adds a
 * handful per function.
 */
static inline bool vpci_regtable_try_append(struct vpci_regtable *t,
					    vpci_read_fn *read,
					    vpci_write_fn *write,
					    unsigned int offset,
					    unsigned int size, void *data)
{
	unsigned int i = t->nr;

	if (!(i && i < t->capacity && (size == 2u || size == 4u) &&
	      !(offset & (size - 1u)) && offset < VPCI_CFG_STD_SIZE &&
	      (unsigned int)t->regs[i - 1u].offset + t->regs[i - 1u].size <=
		      offset &&
	      (read || write)))
		return false;
	t->regs[i] = (struct vpci_register){
		.read = read,
		.write = write,
		.data = data,
		.visible = size == 4u ? 0xffffffffu : 0xffffu,
		.offset = (uint16_t)offset,
		.size = (uint8_t)size,
		.flags = t->library_phase ? VPCI_REG_LIBRARY : 0u,
	};
	t->nr = (uint16_t)(i + 1u);
	vpci_plan_note_append(t, i, offset, size);
	return true;
}

#endif /* VPCI_REGISTERS_H */

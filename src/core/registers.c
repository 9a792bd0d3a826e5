/* SPDX-License-Identifier: MIT */
/*
 * Per-device register dispatch: the table of emulated registers and the
 * split/merge of one config access over registers and gaps. Which device
 * an access reaches, and whether it may, is decided before this (config_access.c);
 * what a register does is its handler's business (header.c, caps).
 */
#include "dispatch.h"

/* ------------------------------------------------------ the dword plan */

/* Index of the first register ending after byte reg: a binary search,
 * so that adding and removing registers needs no plan. */
static unsigned int first_register_after(const struct vpci_regtable *t,
					 unsigned int reg)
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

/* The four bytes of a dword as bits 0-3: which ones a register covers. */
static unsigned int register_bytes(const struct vpci_register *r)
{
	return ((1u << r->size) - 1u) << (r->offset & 3u);
}

/*
 * Store v in n consecutive plan entries, four at a time: most of a
 * plan is long runs of one value (the gap dwords after the last register
 * of a space), and the plan is built once per device state.
 */
static void plan_fill(uint16_t *p, unsigned int n, uint16_t v)
{
	uint32_t two = (uint32_t)v | (uint32_t)v << 16;
	uint64_t four = (uint64_t)two << 32 | two;

	for (; n >= 4u; n -= 4u, p += 4)
		__builtin_memcpy(p, &four, sizeof(four));
	while (n--)
		*p++ = v;
}

/*
 * One space's plan (nr_dwords entries from dword base), in one pass over
 * its registers from index i on, filling the dwords up to each: a dword
 * before register i (and after the one before it) has i as its first
 * register and no covered byte; a register's own dword gets its bytes.
 * Returns the index of the first register past the space.
 */
static unsigned int plan_space(const struct vpci_regtable *t, uint16_t *plan,
			       unsigned int base, unsigned int nr_dwords,
			       unsigned int i)
{
	unsigned int d = 0, nr = t->nr; /* loaded once: plan stores may alias */

	for (; i < nr; i++) {
		const struct vpci_register *r = &t->regs[i];
		unsigned int rd = r->offset / 4u - base;
		unsigned int bytes = register_bytes(r)
				     << VPCI_PLAN_COVERED_SHIFT;

		if (rd >= nr_dwords)
			break;
		if (d <= rd) { /* the first (so far the only) one there */
			if (d < rd)
				plan_fill(&plan[d], rd - d, (uint16_t)i);
			plan[rd] = (uint16_t)(i | VPCI_PLAN_ONE | bytes);
			d = rd + 1u;
		} else { /* a later register of the same dword */
			plan[rd] = (uint16_t)((plan[rd] | bytes) &
					      ~VPCI_PLAN_ONE);
		}
	}
	plan_fill(&plan[d], nr_dwords - d, (uint16_t)i);
	return i;
}

/* O(dwords + registers), the runs between registers filled in bulk.
 * Without an extended plan no register lives there (ensure_capacity). */
static void plan_build(struct vpci_regtable *t)
{
	unsigned int i = plan_space(t, t->plan_std, 0, VPCI_STD_DWORDS, 0);

	if (t->plan_ext)
		plan_space(t, t->plan_ext, VPCI_STD_DWORDS, VPCI_EXT_DWORDS,
			   i);
	t->plan_stale = false;
}

/* dword's plan entry, the plan rebuilt first if registers changed. */
static inline __attribute__((always_inline)) unsigned int
plan_entry(struct vpci_regtable *t, unsigned int dword)
{
	if (__builtin_expect(t->plan_stale, 0))
		plan_build(t);
	if (dword < VPCI_STD_DWORDS)
		return t->plan_std[dword];
	if (t->plan_ext)
		return t->plan_ext[dword - VPCI_STD_DWORDS];
	return t->nr; /* nothing lives in extended space: all gaps */
}

static int ensure_capacity(struct vpci_host *host, struct vpci_regtable *t,
			   unsigned int offset)
{
	struct vpci_register *regs;
	unsigned int cap;

	if (offset >= VPCI_CFG_STD_SIZE && !t->plan_ext) {
		t->plan_ext =
			vpci_zalloc(host, VPCI_EXT_DWORDS * sizeof(uint16_t));
		if (!t->plan_ext)
			return VPCI_ENOMEM;
		/* Zeroed, it says "all gaps", which is so until the register
		 * being added is entered: the plan stays whole. */
	}
	if (t->nr < t->capacity)
		return 0;
	if (t->capacity >= VPCI_MAX_REGISTERS)
		return VPCI_ENOSPC;
	cap = t->capacity ? t->capacity * 2u : 16u;
	if (cap > VPCI_MAX_REGISTERS)
		cap = VPCI_MAX_REGISTERS;
	regs = vpci_zalloc(host, cap * sizeof(*regs));
	if (!regs)
		return VPCI_ENOMEM;
	if (t->nr)
		__builtin_memcpy(regs, t->regs, t->nr * sizeof(*regs));
	vpci_free(host, t->regs);
	t->regs = regs;
	t->capacity = (uint16_t)cap;
	return 0;
}

void vpci_regtable_destroy(struct vpci_host *host, struct vpci_regtable *t)
{
	vpci_free(host, t->regs);
	vpci_free(host, t->plan_ext);
	__builtin_memset(t, 0, sizeof(*t));
}

static int check_masks(const struct vpci_reg_masks *m, unsigned int size)
{
	uint32_t outside = ~vpci_size_mask(size);

	if ((m->ro | m->rw1c | m->rsvdp | m->rsvdz) & outside)
		return VPCI_EINVAL;
	if ((m->ro & m->rw1c) || (m->ro & m->rsvdp) || (m->ro & m->rsvdz) ||
	    (m->rw1c & m->rsvdp) || (m->rw1c & m->rsvdz) ||
	    (m->rsvdp & m->rsvdz))
		return VPCI_EINVAL;
	return 0;
}

/*
 * A platform register over one the library owns is refused where it is
 * added, with the reason in the log: later, at a state rebuild, the only
 * choices left would be worse (a read-only device, a lost quirk).
 */
static void refuse_overlap(const struct vpci_dev *dev, unsigned int offset,
			   unsigned int size, const struct vpci_register *r)
{
	if (!(r->flags & VPCI_REG_LIBRARY) || dev->regs.library_phase)
		return;
	vpci_log(dev->host, VPCI_LOG_ERROR,
		 "%pS: register 0x%x (%u bytes) refused: it overlaps 0x%x "
		 "(%u bytes), which the library emulates in the %s view",
		 dev->sbdf, offset, size, (unsigned int)r->offset,
		 (unsigned int)r->size,
		 vpci_dev_is_guest(dev) ? "guest" : "hardware-domain");
}

/*
 * Room for a register at offset, off the common path: its index in the
 * table (found by search, the ones after it moved up), or VPCI_EEXIST
 * (overlap, logged as refuse_overlap says) or VPCI_ENOMEM.
 */
static __attribute__((noinline)) int
make_room(struct vpci_dev *dev, unsigned int offset, unsigned int size,
	  unsigned int *at)
{
	struct vpci_regtable *t = &dev->regs;
	unsigned int i = first_register_after(t, offset);
	int rc;

	if (i < t->nr && t->regs[i].offset < offset + size) {
		refuse_overlap(dev, offset, size, &t->regs[i]);
		return VPCI_EEXIST;
	}
	rc = ensure_capacity(dev->host, t, offset);
	if (rc)
		return rc;
	if (i < t->nr)
		__builtin_memmove(&t->regs[i + 1], &t->regs[i],
				  (t->nr - i) * sizeof(t->regs[0]));
	*at = i;
	return 0;
}

int vpci_add_register(struct vpci_dev *dev, vpci_read_fn *read,
		      vpci_write_fn *write, unsigned int offset,
		      unsigned int size, void *data,
		      const struct vpci_reg_masks *masks)
{
	static const struct vpci_reg_masks no_masks;
	struct vpci_regtable *t = &dev->regs;
	unsigned int i = t->nr;
	int rc;

	if ((size != 1 && size != 2 && size != 4) || (offset & (size - 1)))
		return VPCI_EINVAL;
	if (offset >= VPCI_CFG_SPACE_SIZE)
		return VPCI_ERANGE;
	if (!read && !write)
		return VPCI_EINVAL;
	if (!masks)
		masks = &no_masks;
	else if ((rc = check_masks(masks, size)) != 0)
		return rc;
	/* State builds add registers in ascending order, into a table with
	 * room: appending needs no search, no move, no memory. */
	if (!(i && i < t->capacity &&
	      (unsigned int)t->regs[i - 1u].offset + t->regs[i - 1u].size <=
		      offset &&
	      (offset < VPCI_CFG_STD_SIZE || t->plan_ext))) {
		rc = make_room(dev, offset, size, &i);
		if (rc)
			return rc;
	}
	t->regs[i] = (struct vpci_register){
		.read = read,
		.write = write,
		.data = data,
		.masks = *masks,
		.visible = vpci_size_mask(size) &
			   ~(masks->rsvdz | masks->rsvdp),
		.offset = (uint16_t)offset,
		.size = (uint8_t)size,
		.flags = (uint8_t)((t->library_phase ? VPCI_REG_LIBRARY : 0u) |
				   (masks->ro | masks->rw1c | masks->rsvdp |
						    masks->rsvdz
					    ? VPCI_REG_MASKED
					    : 0u)),
	};
	if (i == t->nr) { /* after every other one */
		t->nr++;
		vpci_plan_note_append(t, i, offset, size);
	} else { /* the ones after it moved up: their indexes changed */
		t->nr++;
		t->plan_stale = true;
	}
	return 0;
}

int vpci_remove_registers(struct vpci_dev *dev, unsigned int offset,
			  unsigned int size)
{
	struct vpci_regtable *t = &dev->regs;
	unsigned int first, end;

	if (offset >= VPCI_CFG_SPACE_SIZE || size > VPCI_CFG_SPACE_SIZE - offset)
		return VPCI_ERANGE;
	first = first_register_after(t, offset);
	for (end = first; end < t->nr && t->regs[end].offset < offset + size;
	     end++)
		if ((unsigned int)t->regs[end].offset + t->regs[end].size >
			    offset + size ||
		    t->regs[end].offset < offset)
			return VPCI_EINVAL;
	if (end == first)
		return VPCI_ENOENT;
	__builtin_memmove(&t->regs[first], &t->regs[end],
			  (t->nr - end) * sizeof(t->regs[0]));
	t->nr = (uint16_t)(t->nr - (end - first));
	t->plan_stale = true;
	return 0;
}

/* Reads and writes of the registers the dispatcher serves without a
 * call (registers.h): the same thing for the paths that do call. Local
 * copies: an exported function's address needs the GOT. */
static uint32_t phys_register_read(const struct vpci_dev *dev,
				   unsigned int reg, unsigned int size,
				   void *data)
{
	(void)data;
	return vpci_phys_read(dev->host, dev->sbdf, reg, size);
}

static uint32_t value_register_read(const struct vpci_dev *dev,
				    unsigned int reg, unsigned int size,
				    void *data)
{
	(void)dev;
	(void)reg;
	return *(const uint32_t *)data & vpci_size_mask(size);
}

static void value_register_write(struct vpci_dev *dev, unsigned int reg,
				 unsigned int size, uint32_t val, void *data)
{
	(void)dev;
	(void)reg;
	*(uint32_t *)data = val & vpci_size_mask(size);
}

/* Add a register, then mark how the dispatcher serves it. */
static int add_marked(struct vpci_dev *dev, vpci_read_fn *read,
		      vpci_write_fn *write, unsigned int offset,
		      unsigned int size, void *data,
		      const struct vpci_reg_masks *masks, unsigned int how)
{
	int rc = vpci_add_register(dev, read, write, offset, size, data,
				   masks);

	if (!rc)
		dev->regs.regs[first_register_after(&dev->regs, offset)]
			.flags |= (uint8_t)how;
	return rc;
}

void vpci_register_mark(struct vpci_dev *dev, unsigned int offset,
			unsigned int how)
{
	struct vpci_regtable *t = &dev->regs;
	unsigned int i = first_register_after(t, offset);

	if (i < t->nr && t->regs[i].offset == offset)
		t->regs[i].flags |= (uint8_t)how;
}

int vpci_add_phys_register(struct vpci_dev *dev, vpci_write_fn *write,
			   unsigned int offset, unsigned int size, void *data,
			   const struct vpci_reg_masks *masks)
{
	return add_marked(dev, phys_register_read, write, offset, size, data,
			  masks, VPCI_REG_READS_PHYS);
}

int vpci_add_dword_register(struct vpci_dev *dev, vpci_read_fn *read,
			    vpci_write_fn *write, unsigned int offset,
			    void *data)
{
	return add_marked(dev, read, write, offset, 4, data, NULL,
			  VPCI_REG_DWORD);
}

int vpci_add_value_register(struct vpci_dev *dev, unsigned int offset,
			    unsigned int size, uint32_t *value, bool writable)
{
	return add_marked(dev, value_register_read,
			  writable ? value_register_write : NULL, offset, size,
			  value, NULL,
			  VPCI_REG_READS_VALUE |
				  (writable ? VPCI_REG_WRITES_VALUE : 0u));
}

/* ------------------------------------------------------- stock handlers */

uint32_t vpci_hw_read(const struct vpci_dev *dev, unsigned int reg,
		      unsigned int size, void *data)
{
	(void)data;
	return vpci_phys_read(dev->host, dev->sbdf, reg, size);
}

void vpci_hw_write(struct vpci_dev *dev, unsigned int reg, unsigned int size,
		   uint32_t val, void *data)
{
	(void)data;
	vpci_phys_write(dev->host, dev->sbdf, reg, size, val);
}

uint32_t vpci_read_zero(const struct vpci_dev *dev, unsigned int reg,
			unsigned int size, void *data)
{
	(void)dev;
	(void)reg;
	(void)size;
	(void)data;
	return 0;
}

void vpci_write_ignore(struct vpci_dev *dev, unsigned int reg,
		       unsigned int size, uint32_t val, void *data)
{
	(void)dev;
	(void)reg;
	(void)size;
	(void)val;
	(void)data;
}

uint32_t vpci_read_val(const struct vpci_dev *dev, unsigned int reg,
		       unsigned int size, void *data)
{
	(void)dev;
	(void)reg;
	return *(const uint32_t *)data & vpci_size_mask(size);
}

void vpci_write_val(struct vpci_dev *dev, unsigned int reg, unsigned int size,
		    uint32_t val, void *data)
{
	(void)dev;
	(void)reg;
	*(uint32_t *)data = val & vpci_size_mask(size);
}

/* ------------------------------------------------------------- dispatch */

/* Largest naturally aligned access of at most n bytes at pos. */
static unsigned int chunk_size(unsigned int pos, unsigned int n)
{
	if (n >= 4 && !(pos & 3u))
		return 4;
	if (n >= 2 && !(pos & 1u))
		return 2;
	return 1;
}

static uint32_t gap_read(const struct vpci_dev *dev, unsigned int pos,
			 unsigned int n)
{
	uint32_t val = 0;
	unsigned int done = 0;

	if (!vpci_gaps_pass_through(dev))
		return 0;
	while (done < n) {
		unsigned int c = chunk_size(pos + done, n - done);

		val |= vpci_phys_read(dev->host, dev->sbdf, pos + done, c)
		       << (done * 8u);
		done += c;
	}
	return val;
}

static void gap_write(const struct vpci_dev *dev, unsigned int pos,
		      unsigned int n, uint32_t val)
{
	unsigned int done = 0;

	if (!vpci_gaps_pass_through(dev))
		return;
	while (done < n) {
		unsigned int c = chunk_size(pos + done, n - done);

		vpci_phys_write(dev->host, dev->sbdf, pos + done, c,
				(val >> (done * 8u)) & vpci_size_mask(c));
		done += c;
	}
}

/*
 * What an access reads: the handler's value within the register's size,
 * reserved bits, RsvdP and RsvdZ alike, as 0 (PCIe Base 6.0 section 7.4,
 * "Reserved and Preserved"). The mask is taken before the handler runs.
 */
static inline uint32_t register_read(const struct vpci_dev *dev,
				     const struct vpci_register *r)
{
	uint32_t visible = r->visible;

	return r->read ? r->read(dev, r->offset, r->size, r->data) & visible
		       : 0;
}

/*
 * Write bytes [from, from + n) of register r with wval (already shifted to
 * register position), honouring the masks: see vpci_add_register().
 */
static void register_write(struct vpci_dev *dev, const struct vpci_register *r,
			   unsigned int from, unsigned int n, uint32_t wval)
{
	const struct vpci_reg_masks m = r->masks;
	uint32_t bytes = vpci_size_mask(n) << (from * 8u);
	uint32_t keep = m.ro | m.rsvdp;
	uint32_t old = 0, val;

	if (!r->write)
		return;
	if (r->flags & VPCI_REG_DWORD) { /* the access as made */
		r->write(dev, r->offset + from, n,
			 (wval >> (from * 8u)) & vpci_size_mask(n), r->data);
		return;
	}
	/* RsvdP bits keep the handler's own value, which readers never see:
	 * software preserves them, so the hardware behind keeps them. */
	if ((bytes != vpci_size_mask(r->size) || keep) && r->read)
		old = r->read(dev, r->offset, r->size, r->data) &
		      vpci_size_mask(r->size) & ~m.rsvdz;
	val = (old & ~bytes) | (wval & bytes);
	val = (val & ~keep) | (old & keep);
	val &= ~m.rsvdz;
	val = (val & ~m.rw1c) | (wval & bytes & m.rw1c);
	r->write(dev, r->offset, r->size, val, r->data);
}

const struct vpci_register *vpci_register_at(const struct vpci_dev *dev,
					     unsigned int offset)
{
	const struct vpci_regtable *t = &dev->regs;
	unsigned int i = first_register_after(t, offset);

	return i < t->nr && t->regs[i].offset == offset ? &t->regs[i] : NULL;
}

int vpci_take_register(struct vpci_dev *dev, unsigned int offset,
		       unsigned int size, struct vpci_register *out)
{
	struct vpci_regtable *t = &dev->regs;
	unsigned int i = first_register_after(t, offset);

	if (i >= t->nr || t->regs[i].offset != offset ||
	    t->regs[i].size != size)
		return VPCI_ENOENT;
	*out = t->regs[i];
	__builtin_memmove(&t->regs[i], &t->regs[i + 1],
			  (t->nr - i - 1u) * sizeof(t->regs[0]));
	t->nr--;
	t->plan_stale = true;
	return 0;
}

/* Bytes [pos, pos + n) of one dword, as a bit mask of those bytes. */
static inline unsigned int dword_bytes(unsigned int pos, unsigned int n)
{
	return ((1u << n) - 1u) << (pos & 3u);
}

/*
 * An access inside one dword that is exactly one register: found from the
 * plan entry, which names the first register ending after the dword's
 * start; at most three more precede the one at reg.
 */
static inline __attribute__((always_inline)) const struct vpci_register *
exact_register(const struct vpci_regtable *t, unsigned int entry,
	       unsigned int reg, unsigned int size)
{
	unsigned int i = entry & VPCI_PLAN_FIRST;

	for (; i < t->nr && t->regs[i].offset <= reg; i++)
		if (t->regs[i].offset == reg)
			return t->regs[i].size == size ? &t->regs[i] : NULL;
	return NULL;
}

/*
 * A write of a whole register. Without ro or RsvdP bits nothing needs the
 * old value: RW1C bits pass as written and RsvdZ bits go to 0 (what
 * register_write() makes of it, rw1c and rsvdz never overlapping).
 */
static inline void register_write_whole(struct vpci_dev *dev,
					const struct vpci_register *r,
					uint32_t val)
{
	if (!r->write)
		return;
	if (r->flags & VPCI_REG_WRITES_VALUE) /* a latch: no masks */
		*(uint32_t *)r->data = val & vpci_size_mask(r->size);
	else if (!(r->flags & VPCI_REG_MASKED))
		r->write(dev, r->offset, r->size, val, r->data);
	else if (!(r->masks.ro | r->masks.rsvdp))
		r->write(dev, r->offset, r->size, val & ~r->masks.rsvdz,
			 r->data);
	else
		register_write(dev, r, 0, r->size, val);
}

/* Gap bytes [from, to) of the dword at reg to the hardware, in naturally
 * aligned pieces (at most three bytes: one and two). */
static inline void dword_gap_write(const struct vpci_dev *dev,
				   unsigned int reg, unsigned int from,
				   unsigned int to, uint32_t val)
{
	while (from < to) {
		unsigned int size = !(from & 1u) && from + 2u <= to ? 2u : 1u;

		dev->host->ops->conf_write(dev->host->ctx, dev->sbdf,
					   reg + from, size,
					   (val >> (from * 8u)) &
						   ((1u << (size * 8u)) - 1u));
		from += size;
	}
}

/*
 * The same for a write. A guest's gap bytes are dropped, so only its
 * registers are written. Otherwise byte position by byte position in
 * address order: each register gets its bytes, gap bytes go to the
 * hardware in naturally aligned pieces (a gap run in a mixed dword is at
 * most three bytes). Never a 4-byte physical write over register bytes:
 * those are emulated (status is RW1C: a write-back would clear what it
 * read). If a handler changed the table, the walk stops where it no
 * longer fits the plan.
 */
void vpci_dword_write_mixed(struct vpci_dev *dev, unsigned int reg,
			    unsigned int entry, uint32_t val)
{
	const struct vpci_regtable *t = &dev->regs;
	unsigned int covered = entry >> VPCI_PLAN_COVERED_SHIFT;
	unsigned int i = entry & VPCI_PLAN_FIRST, pos = 0;

	if (!vpci_gaps_pass_through(dev)) {
		/* A guest's gap bytes are dropped: only the registers, until
		 * their bytes are all done; read-only ones at once. */
		for (; covered && i < t->nr; i++) {
			const struct vpci_register *r = &t->regs[i];
			unsigned int at = (unsigned int)r->offset - reg;

			if (at >= 4u)
				break;
			covered &= ~(((1u << r->size) - 1u) << at);
			if (!r->write)
				continue;
			register_write_whole(dev, r,
					     (val >> (at * 8u)) &
						     vpci_size_mask(r->size));
		}
		return;
	}
	if (entry & VPCI_PLAN_ONE) {
		/* One register: the gap bytes before it, it, those after. */
		const struct vpci_register *r;
		unsigned int at, end;

		if (i >= t->nr || t->regs[i].offset - reg >= 4u)
			return;
		r = &t->regs[i];
		at = r->offset & 3u;
		end = at + r->size;
		dword_gap_write(dev, reg, 0, at, val);
		register_write_whole(dev, r,
				     (val >> (at * 8u)) & vpci_size_mask(r->size));
		dword_gap_write(dev, reg, end, 4u, val);
		return;
	}
	while (pos < 4u) {
		const struct vpci_register *r;
		unsigned int size;

		if (!(covered & (1u << pos))) {
			size = !(pos & 1u) && !(covered & (2u << pos)) ? 2u : 1u;
			dev->host->ops->conf_write(dev->host->ctx, dev->sbdf,
						   reg + pos, size,
						   (val >> (pos * 8u)) &
							   ((1u << (size * 8u)) -
							    1u));
			pos += size;
			continue;
		}
		if (i >= t->nr || t->regs[i].offset != reg + pos)
			return;
		r = &t->regs[i++];
		size = r->size;
		register_write_whole(dev, r,
				     (val >> (pos * 8u)) & vpci_size_mask(size));
		pos += size;
	}
}

/* An access over several registers and gaps: split, then merge. */
static __attribute__((noinline)) uint32_t
read_split(struct vpci_dev *dev, unsigned int reg, unsigned int size)
{
	const struct vpci_regtable *t = &dev->regs;
	unsigned int pos = reg, end = reg + size;
	unsigned int i = first_register_after(t, reg);
	uint32_t out = 0;

	while (pos < end) {
		const struct vpci_register *r = i < t->nr ? &t->regs[i] : NULL;
		unsigned int from, n;

		if (!r || r->offset >= end) {
			out |= gap_read(dev, pos, end - pos) << ((pos - reg) * 8u);
			break;
		}
		if (r->offset > pos) {
			out |= gap_read(dev, pos, r->offset - pos)
			       << ((pos - reg) * 8u);
			pos = r->offset;
		}
		from = pos - r->offset;
		n = (unsigned int)r->offset + r->size < end
			    ? (unsigned int)r->offset + r->size - pos
			    : end - pos;
		out |= ((register_read(dev, r) >> (from * 8u)) &
			vpci_size_mask(n))
		       << ((pos - reg) * 8u);
		pos += n;
		i++;
	}
	return out;
}

uint32_t vpci_dev_read(struct vpci_dev *dev, unsigned int reg,
		       unsigned int size)
{
	const struct vpci_register *exact;
	unsigned int entry, bytes, covered;

	if (!vpci_access_ok(reg, size))
		return vpci_size_mask(size);
	if ((reg & 3u) + size > 4u)
		return read_split(dev, reg, size); /* crosses a dword */
	entry = plan_entry(&dev->regs, reg / 4u);
	bytes = dword_bytes(reg, size);
	covered = (entry >> VPCI_PLAN_COVERED_SHIFT) & bytes;
	if (!covered)
		return vpci_gaps_pass_through(dev)
			       ? vpci_phys_read(dev->host, dev->sbdf, reg, size)
			       : 0;
	exact = covered == bytes
			? exact_register(&dev->regs, entry, reg, size)
			: NULL;
	if (exact)
		return register_read(dev, exact);
	if (size == 4u)
		return vpci_dword_read_mixed_inline(dev, reg, entry);
	return read_split(dev, reg, size);
}

static __attribute__((noinline)) void
write_split(struct vpci_dev *dev, unsigned int reg, unsigned int size,
	    uint32_t val)
{
	const struct vpci_regtable *t = &dev->regs;
	unsigned int pos = reg, end = reg + size;
	unsigned int i = first_register_after(t, reg);

	while (pos < end) {
		const struct vpci_register *r = i < t->nr ? &t->regs[i] : NULL;
		unsigned int from, n;

		if (!r || r->offset >= end) {
			gap_write(dev, pos, end - pos, val >> ((pos - reg) * 8u));
			break;
		}
		if (r->offset > pos) {
			gap_write(dev, pos, r->offset - pos,
				  (val >> ((pos - reg) * 8u)) &
					  vpci_size_mask(r->offset - pos));
			pos = r->offset;
		}
		from = pos - r->offset;
		n = (unsigned int)r->offset + r->size < end
			    ? (unsigned int)r->offset + r->size - pos
			    : end - pos;
		register_write(dev, r,
			       from, n,
			       ((val >> ((pos - reg) * 8u)) & vpci_size_mask(n))
				       << (from * 8u));
		pos += n;
		i++;
	}
}

void vpci_dev_write(struct vpci_dev *dev, unsigned int reg, unsigned int size,
		    uint32_t val)
{
	const struct vpci_register *exact;
	unsigned int entry, bytes, covered;

	if (!vpci_access_ok(reg, size))
		return;
	val &= vpci_size_mask(size);
	if ((reg & 3u) + size > 4u) {
		write_split(dev, reg, size, val); /* crosses a dword */
		return;
	}
	entry = plan_entry(&dev->regs, reg / 4u);
	bytes = dword_bytes(reg, size);
	covered = (entry >> VPCI_PLAN_COVERED_SHIFT) & bytes;
	if (!covered) {
		if (vpci_gaps_pass_through(dev))
			vpci_phys_write(dev->host, dev->sbdf, reg, size, val);
		return;
	}
	exact = covered == bytes
			? exact_register(&dev->regs, entry, reg, size)
			: NULL;
	if (exact)
		register_write(dev, exact, 0, size, val);
	else if (size == 4u)
		vpci_dword_write_mixed(dev, reg, entry, val);
	else
		write_split(dev, reg, size, val);
}

/* SPDX-License-Identifier: MIT */
/*
 * One config access on a device's register table (the general path):
 * the split/merge of an access over registers and gap bytes, and the
 * mixed dword write the inline fast path (dispatch.h) hands over. Which
 * device an access reaches, and whether it may, is decided before this
 * (config_access.c); the table itself is registers.c's; what a register
 * does is its handler's business (header.c, caps).
 */
#include "dispatch.h"

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

/*
 * A 4-byte read of an aligned dword holding several registers, or whose
 * plan entry names no register left (a handler changed the table): the
 * walk, each register served as vpci_register_value() says, the gap
 * bytes and the registers showing the hardware's bytes from one physical
 * 4-byte read (config reads have no side effects). The walk stays inside
 * the table and inside the dword.
 */
uint32_t vpci_dword_read_several(struct vpci_dev *dev, unsigned int reg,
				 unsigned int entry)
{
	const struct vpci_regtable *t = &dev->regs;
	unsigned int covered = entry >> VPCI_PLAN_COVERED_SHIFT;
	unsigned int i = entry & VPCI_PLAN_FIRST;
	bool have_phys = covered != VPCI_PLAN_ALL_COVERED &&
			 vpci_gaps_pass_through(dev);
	uint32_t val = 0, phys = 0;

	if (have_phys) {
		phys = dev->host->ops->conf_read(dev->host->ctx, dev->sbdf,
						 reg, 4);
		val = phys & vpci_byte_mask(~covered & 0xfu);
	}
	for (; i < t->nr; i++) {
		const struct vpci_register *r = &t->regs[i];
		unsigned int at = (unsigned int)r->offset - reg;

		if (at >= 4u)
			break;
		if ((r->flags & (VPCI_REG_READS_PHYS | VPCI_REG_READS_CMD)) &&
		    !have_phys) {
			phys = dev->host->ops->conf_read(dev->host->ctx,
							 dev->sbdf, reg, 4);
			have_phys = true;
		}
		val |= vpci_register_value(dev, r, phys) << (at * 8u);
	}
	return val;
}

/* An access over several registers and gaps: split, then merge. */
static __attribute__((noinline)) uint32_t
read_split(struct vpci_dev *dev, unsigned int reg, unsigned int size)
{
	const struct vpci_regtable *t = &dev->regs;
	unsigned int pos = reg, end = reg + size;
	unsigned int i = vpci_first_register_after(t, reg);
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
	entry = vpci_plan_entry(&dev->regs, reg / 4u);
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
		return vpci_dword_read_mixed_inline(
			dev, reg, entry, vpci_gaps_pass_through(dev));
	return read_split(dev, reg, size);
}

static __attribute__((noinline)) void
write_split(struct vpci_dev *dev, unsigned int reg, unsigned int size,
	    uint32_t val)
{
	const struct vpci_regtable *t = &dev->regs;
	unsigned int pos = reg, end = reg + size;
	unsigned int i = vpci_first_register_after(t, reg);

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
	entry = vpci_plan_entry(&dev->regs, reg / 4u);
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

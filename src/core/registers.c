/* SPDX-License-Identifier: MIT */
/*
 * A device's table of emulated registers: adding and removing them, the
 * per-dword plan built from it, and the stock handlers. How one access is
 * served from the table is register_access.c's business.
 */
#include "dispatch.h"

/* ------------------------------------------------------ the dword plan */

/* The bytes of a dword a partial dword register owns, as bits 0-3: those
 * with a visible bit. */
static unsigned int visible_bytes(uint32_t visible)
{
	return (unsigned int)((visible & 0xffu) != 0) |
	       (unsigned int)((visible & 0xff00u) != 0) << 1 |
	       (unsigned int)((visible & 0xff0000u) != 0) << 2 |
	       (unsigned int)((visible & 0xff000000u) != 0) << 3;
}

/* The four bytes of a dword as bits 0-3: which ones a register covers. */
static unsigned int register_bytes(const struct vpci_register *r)
{
	if (__builtin_expect(r->flags & VPCI_REG_PARTIAL, 0))
		return visible_bytes(r->visible);
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
void vpci_plan_build(struct vpci_regtable *t)
{
	unsigned int i = plan_space(t, t->plan_std, 0, VPCI_STD_DWORDS, 0);

	if (t->plan_ext)
		plan_space(t, t->plan_ext, VPCI_STD_DWORDS, VPCI_EXT_DWORDS,
			   i);
	t->plan_stale = false;
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
	unsigned int i = vpci_first_register_after(t, offset);
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

/* A register at [offset, offset + size) only over gap bytes of a partial
 * dword register r, which can be taken apart. */
static bool claims_partial_gap(const struct vpci_regtable *t,
			       const struct vpci_register *r,
			       unsigned int offset, unsigned int size)
{
	unsigned int bytes = ((1u << size) - 1u) << (offset & 3u);

	return (r->flags & VPCI_REG_PARTIAL) && t->parts &&
	       offset / 4u == r->offset / 4u &&
	       !(bytes & visible_bytes(r->visible));
}

/* Part p of the partial dword register *whole, back in the table as the
 * library's (whoever is adding now). */
static int add_part(struct vpci_dev *dev, const struct vpci_register *whole,
		    const struct vpci_reg_part *p)
{
	unsigned int offset = (unsigned int)whole->offset + p->at, i;
	bool value = p->how & VPCI_REG_READS_VALUE;
	int rc = make_room(dev, offset, p->size, &i);

	if (rc)
		return rc;
	dev->regs.regs[i] = (struct vpci_register){
		.read = value ? value_register_read : phys_register_read,
		.write = (p->how & VPCI_REG_WRITES_VALUE) ? value_register_write
							  : NULL,
		.data = value ? (char *)whole->data + p->value_offset : NULL,
		.visible = vpci_size_mask(p->size),
		.offset = (uint16_t)offset,
		.size = p->size,
		.flags = (uint8_t)(VPCI_REG_LIBRARY | p->how),
	};
	dev->regs.nr++;
	dev->regs.plan_stale = true;
	return 0;
}

/*
 * Before a register is added over a partial dword register's gap bytes:
 * the dword goes back to the registers it stands for. If one of them
 * cannot be added (no memory), the dword register comes back (its slot
 * is free: no memory needed).
 */
static int unfuse_for(struct vpci_dev *dev, unsigned int offset,
		      unsigned int size)
{
	struct vpci_regtable *t = &dev->regs;
	unsigned int i = vpci_first_register_after(t, offset), n, at;
	struct vpci_register whole;
	int rc = 0;

	if (i >= t->nr || t->regs[i].offset >= offset + size ||
	    !claims_partial_gap(t, &t->regs[i], offset, size))
		return 0;
	whole = t->regs[i];
	__builtin_memmove(&t->regs[i], &t->regs[i + 1],
			  (t->nr - i - 1u) * sizeof(t->regs[0]));
	t->nr--;
	t->plan_stale = true;
	for (n = 0; n < t->parts->nr && !rc; n++)
		rc = add_part(dev, &whole, &t->parts->part[n]);
	if (!rc)
		return 0;
	while (n-- > 0)
		vpci_remove_registers(dev, whole.offset + t->parts->part[n].at,
				      t->parts->part[n].size);
	if (!make_room(dev, whole.offset, 4, &at)) {
		t->regs[at] = whole;
		t->nr++;
	}
	return rc;
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
		rc = unfuse_for(dev, offset, size);
		if (!rc)
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
	first = vpci_first_register_after(t, offset);
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

/* Add a register, then mark how the dispatcher serves it. */
static int add_marked(struct vpci_dev *dev, vpci_read_fn *read,
		      vpci_write_fn *write, unsigned int offset,
		      unsigned int size, void *data,
		      const struct vpci_reg_masks *masks, unsigned int how)
{
	int rc = vpci_add_register(dev, read, write, offset, size, data,
				   masks);

	if (!rc)
		dev->regs.regs[vpci_first_register_after(&dev->regs, offset)]
			.flags |= (uint8_t)how;
	return rc;
}

void vpci_register_mark(struct vpci_dev *dev, unsigned int offset,
			unsigned int how)
{
	struct vpci_regtable *t = &dev->regs;
	unsigned int i = vpci_first_register_after(t, offset);

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

int vpci_add_partial_dword_register(struct vpci_dev *dev, vpci_read_fn *read,
				    vpci_write_fn *write, unsigned int offset,
				    unsigned int bytes, void *data)
{
	struct vpci_regtable *t = &dev->regs;
	struct vpci_register *r;
	unsigned int d = offset / 4u;
	int rc;

	if (vpci_gaps_pass_through(dev) || !bytes || (bytes & ~0xfu))
		return VPCI_EINVAL;
	rc = add_marked(dev, read, write, offset, 4, data, NULL,
			VPCI_REG_DWORD | VPCI_REG_PARTIAL);
	if (rc)
		return rc;
	r = &t->regs[vpci_first_register_after(t, offset)];
	r->visible = vpci_byte_mask(bytes);
	/* The plan says the gap bytes are gaps: the register is the only one
	 * of its dword, so its entry's covered bytes are its own. */
	if (!t->plan_stale) {
		uint16_t *slot = d < VPCI_STD_DWORDS
					 ? &t->plan_std[d]
					 : &t->plan_ext[d - VPCI_STD_DWORDS];

		*slot = (uint16_t)((*slot & ~(VPCI_PLAN_ALL_COVERED
					      << VPCI_PLAN_COVERED_SHIFT)) |
				   bytes << VPCI_PLAN_COVERED_SHIFT);
	}
	return 0;
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

const struct vpci_register *vpci_register_at(const struct vpci_dev *dev,
					     unsigned int offset)
{
	const struct vpci_regtable *t = &dev->regs;
	unsigned int i = vpci_first_register_after(t, offset);

	return i < t->nr && t->regs[i].offset == offset ? &t->regs[i] : NULL;
}

int vpci_take_register(struct vpci_dev *dev, unsigned int offset,
		       unsigned int size, struct vpci_register *out)
{
	struct vpci_regtable *t = &dev->regs;
	unsigned int i = vpci_first_register_after(t, offset);

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

/* SPDX-License-Identifier: MIT */
/*
 * Per-device register dispatch: the table of emulated registers and the
 * split/merge of one config access over registers and gaps. Which device
 * an access reaches, and whether it may, is decided before this (config_access.c);
 * what a register does is its handler's business (header.c, caps).
 */
#include "internal.h"

/* ---------------------------------------------------- the register index */

static uint16_t *lb_slot(struct vpci_regtable *t, unsigned int dword)
{
	if (dword < VPCI_STD_DWORDS)
		return &t->lb_std[dword];
	return t->lb_ext ? &t->lb_ext[dword - VPCI_STD_DWORDS] : NULL;
}

/* Index of the first register ending after byte reg (O(1)). */
static unsigned int first_register_after(const struct vpci_regtable *t,
					 unsigned int reg)
{
	unsigned int dword = reg / 4u, i;

	if (dword < VPCI_STD_DWORDS)
		i = t->lb_std[dword];
	else if (t->lb_ext)
		i = t->lb_ext[dword - VPCI_STD_DWORDS];
	else
		i = t->nr; /* nothing lives in extended space */
	while (i < t->nr &&
	       (unsigned int)t->regs[i].offset + t->regs[i].size <= reg)
		i++;
	return i;
}

static void rebuild_index(struct vpci_regtable *t)
{
	unsigned int d, i = 0;
	unsigned int nr_dwords = t->lb_ext ? VPCI_CFG_SPACE_SIZE / 4u
					   : VPCI_STD_DWORDS;

	for (d = 0; d < nr_dwords; d++) {
		while (i < t->nr &&
		       (unsigned int)t->regs[i].offset + t->regs[i].size <=
			       d * 4u)
			i++;
		*lb_slot(t, d) = (uint16_t)i;
	}
}

static int ensure_capacity(struct vpci_host *host, struct vpci_regtable *t,
			   unsigned int offset)
{
	struct vpci_register *regs;
	unsigned int cap;

	if (offset >= VPCI_CFG_STD_SIZE && !t->lb_ext) {
		t->lb_ext = vpci_zalloc(host, VPCI_EXT_DWORDS * sizeof(uint16_t));
		if (!t->lb_ext)
			return VPCI_ENOMEM;
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
	vpci_free(host, t->lb_ext);
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
	if (!r->library || dev->regs.library_phase)
		return;
	vpci_log(dev->host, VPCI_LOG_ERROR,
		 "%pS: register 0x%x (%u bytes) refused: it overlaps 0x%x "
		 "(%u bytes), which the library emulates in the %s view",
		 dev->sbdf, offset, size, (unsigned int)r->offset,
		 (unsigned int)r->size,
		 vpci_dev_is_guest(dev) ? "guest" : "hardware-domain");
}

int vpci_add_register(struct vpci_dev *dev, vpci_read_fn *read,
		      vpci_write_fn *write, unsigned int offset,
		      unsigned int size, void *data,
		      const struct vpci_reg_masks *masks)
{
	static const struct vpci_reg_masks no_masks;
	struct vpci_regtable *t = &dev->regs;
	unsigned int i;
	int rc;

	if (!masks)
		masks = &no_masks;
	if ((size != 1 && size != 2 && size != 4) || (offset & (size - 1)))
		return VPCI_EINVAL;
	if (offset >= VPCI_CFG_SPACE_SIZE)
		return VPCI_ERANGE;
	if (!read && !write)
		return VPCI_EINVAL;
	rc = check_masks(masks, size);
	if (rc)
		return rc;
	i = first_register_after(t, offset);
	if (i < t->nr && t->regs[i].offset < offset + size) {
		refuse_overlap(dev, offset, size, &t->regs[i]);
		return VPCI_EEXIST;
	}
	rc = ensure_capacity(dev->host, t, offset);
	if (rc)
		return rc;
	__builtin_memmove(&t->regs[i + 1], &t->regs[i],
			  (t->nr - i) * sizeof(t->regs[0]));
	t->regs[i] = (struct vpci_register){
		.read = read,
		.write = write,
		.data = data,
		.masks = *masks,
		.offset = (uint16_t)offset,
		.size = (uint8_t)size,
		.library = t->library_phase,
	};
	t->nr++;
	rebuild_index(t);
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
	rebuild_index(t);
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

/* ------------------------------------------------------------- dispatch */

static inline bool passthrough_gaps(const struct vpci_dev *dev)
{
	return !dev->owner || dev->owner->cfg.kind != VPCI_DOMAIN_GUEST;
}

bool vpci_dev_passthrough_gaps(const struct vpci_dev *dev)
{
	/* The hardware domain and the hypervisor owner see real hardware in
	 * gaps; a guest sees PCI reserved-register semantics (read 0). */
	return passthrough_gaps(dev);
}

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

	if (!vpci_dev_passthrough_gaps(dev))
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

	if (!vpci_dev_passthrough_gaps(dev))
		return;
	while (done < n) {
		unsigned int c = chunk_size(pos + done, n - done);

		vpci_phys_write(dev->host, dev->sbdf, pos + done, c,
				(val >> (done * 8u)) & vpci_size_mask(c));
		done += c;
	}
}

/* The handler's value, within the register's size. */
static inline uint32_t handler_read(const struct vpci_dev *dev,
				    const struct vpci_register *r)
{
	uint32_t val = r->read ? r->read(dev, r->offset, r->size, r->data) : 0;

	return val & vpci_size_mask(r->size);
}

/* What an access reads: reserved bits, RsvdP and RsvdZ alike, read as 0
 * (PCIe Base 6.0 section 7.4, "Reserved and Preserved"). */
static inline uint32_t register_read(const struct vpci_dev *dev,
				     const struct vpci_register *r)
{
	return handler_read(dev, r) & ~(r->masks.rsvdz | r->masks.rsvdp);
}

/*
 * Write bytes [from, from + n) of register r with wval (already shifted to
 * register position), honouring the masks: see vpci_add_register().
 */
static void register_write(struct vpci_dev *dev, const struct vpci_register *r,
			   unsigned int from, unsigned int n, uint32_t wval)
{
	const struct vpci_reg_masks *m = &r->masks;
	uint32_t bytes = vpci_size_mask(n) << (from * 8u);
	uint32_t keep = m->ro | m->rsvdp;
	uint32_t old = 0, val;

	if (!r->write)
		return;
	/* RsvdP bits keep the handler's own value, which readers never see:
	 * software preserves them, so the hardware behind keeps them. */
	if (bytes != vpci_size_mask(r->size) || keep)
		old = handler_read(dev, r) & ~m->rsvdz;
	val = (old & ~bytes) | (wval & bytes);
	val = (val & ~keep) | (old & keep);
	val &= ~m->rsvdz;
	val = (val & ~m->rw1c) | (wval & bytes & m->rw1c);
	r->write(dev, r->offset, r->size, val, r->data);
}

/*
 * The common case, kept free of calls: the access is exactly one whole
 * register. The index points at the first register ending after the
 * dword's start, so an aligned register is that one or the next.
 */
static inline __attribute__((always_inline)) const struct vpci_register *
exact_register(const struct vpci_regtable *t, unsigned int reg,
	       unsigned int size)
{
	unsigned int dword = reg / 4u, i;
	const struct vpci_register *r;

	if (dword < VPCI_STD_DWORDS)
		i = t->lb_std[dword];
	else if (t->lb_ext)
		i = t->lb_ext[dword - VPCI_STD_DWORDS];
	else
		return NULL;
	for (r = &t->regs[i]; i < t->nr && r->offset <= reg; i++, r++)
		if (r->offset == reg)
			return r->size == size ? r : NULL;
	return NULL;
}

/*
 * The other common case: an access starting on a dword boundary that no
 * register touches. The index entry of that dword is the first register
 * ending after its start, so the access is a gap exactly when that
 * register (if any) starts at or after the access's end.
 */
static inline __attribute__((always_inline)) bool
dword_gap(const struct vpci_regtable *t, unsigned int reg, unsigned int size)
{
	unsigned int dword = reg / 4u, i;

	if (reg & 3u)
		return false;
	if (dword < VPCI_STD_DWORDS)
		i = t->lb_std[dword];
	else if (t->lb_ext)
		i = t->lb_ext[dword - VPCI_STD_DWORDS];
	else
		return true; /* nothing lives in extended space */
	return i >= t->nr || t->regs[i].offset >= reg + size;
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

	if (!vpci_access_ok(reg, size))
		return vpci_size_mask(size);
	exact = exact_register(&dev->regs, reg, size);
	if (exact)
		return register_read(dev, exact);
	if (dword_gap(&dev->regs, reg, size))
		return passthrough_gaps(dev)
			       ? vpci_phys_read(dev->host, dev->sbdf, reg, size)
			       : 0;
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

	if (!vpci_access_ok(reg, size))
		return;
	val &= vpci_size_mask(size);
	exact = exact_register(&dev->regs, reg, size);
	if (exact)
		register_write(dev, exact, 0, size, val);
	else if (!dword_gap(&dev->regs, reg, size))
		write_split(dev, reg, size, val);
	else if (passthrough_gaps(dev))
		vpci_phys_write(dev->host, dev->sbdf, reg, size, val);
}

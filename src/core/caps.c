/* SPDX-License-Identifier: MIT */
/*
 * Capability lists: the bounded walk of a function's physical lists, the
 * registry of capability emulators, and each owner's view of the lists.
 * What one capability's registers do is its emulator's (cap_*.c).
 *
 *  - Hardware domain: the lists read as on hardware. Emulators take over
 *    the registers they emulate; a capability an emulator hides (one it
 *    cannot emulate safely) is unlinked and the pointers around it are
 *    emulated.
 *  - Guest: only capabilities an emulator exposes are linked; every
 *    header of the list and the capability pointer are emulated, the
 *    status register's capability bit is set only when something is
 *    linked, and extended space reads 0 at 0x100 unless an extended
 *    capability is exposed (PCIe 6.0 section 7.6.3: a 0 header there
 *    means none).
 *
 * Adding a capability is one file defining a struct vpci_cap_emulator and
 * one line in the registry below.
 */
#include "internal.h"
#include "caps.h"

#define STD_FIRST 0x40u
#define EXT_FIRST 0x100u
#define STD_ID(h) ((h)&0xffu)
#define STD_NEXT(h) (((h) >> 8) & 0xffu)
#define EXT_ID(h) ((h)&0xffffu)
#define EXT_VER(h) (((h) >> 16) & 0xfu)
#define EXT_NEXT(h) ((h) >> 20)
/* PCI 3.0 6.7, PCIe 6.0 7.6.3: the two low pointer bits are reserved and
 * software must mask them. */
#define PTR_MASK (~3u)

static const struct vpci_cap_emulator *const registry[] = {
	&vpci_cap_pm,   &vpci_cap_msi,   &vpci_cap_pcie,
	&vpci_cap_msix, &vpci_cap_rebar, &vpci_cap_sriov,
};

static const struct vpci_cap_emulator *emulator_for(unsigned int id,
						    bool extended)
{
	unsigned int i;

	for (i = 0; i < sizeof(registry) / sizeof(registry[0]); i++)
		if (registry[i]->id == id && registry[i]->extended == extended)
			return registry[i];
	return NULL;
}

/* ----------------------------------------------------------- the walk */

static const char *const walk_end_why[] = {
	[VPCI_CAP_WALK_CYCLE] = "a capability links back to one seen before",
	[VPCI_CAP_WALK_INTO_HDR] = "a pointer leads below the list's space",
	[VPCI_CAP_WALK_TOO_LONG] = "more entries than the space can hold",
	[VPCI_CAP_WALK_BAD_HEADER] = "a header reads as all-ones",
};

static bool seen_before(uint64_t *seen, unsigned int bit)
{
	uint64_t m = 1ull << (bit % 64u);

	if (seen[bit / 64u] & m)
		return true;
	seen[bit / 64u] |= m;
	return false;
}

static enum vpci_cap_walk_end walk(const struct vpci_host *host,
				   vpci_sbdf_t sbdf, bool ext,
				   vpci_cap_visit_fn *visit, void *arg,
				   unsigned int *nr, unsigned int *where)
{
	uint64_t seen[VPCI_CAP_EXT_MAX / 64u];
	unsigned int first = ext ? EXT_FIRST : STD_FIRST;
	unsigned int max = ext ? VPCI_CAP_EXT_MAX : VPCI_CAP_STD_MAX;
	unsigned int pos, n;
	uint32_t hdr;

	if (ext) {
		pos = EXT_FIRST;
		hdr = vpci_phys_read(host, sbdf, pos, 4);
		/* 0: no extended capabilities; all-ones: no extended
		 * config space answers. */
		if (hdr == 0 || hdr == 0xffffffffu)
			return VPCI_CAP_WALK_DONE;
	} else {
		if (!(vpci_phys_read(host, sbdf, VPCI_REG_STATUS, 2) &
		      VPCI_STATUS_CAP_LIST))
			return VPCI_CAP_WALK_DONE;
		pos = vpci_phys_read(host, sbdf, VPCI_REG_CAP_PTR, 1) &
		      PTR_MASK;
	}
	/* Zeroed once a list is there, and only the words its space uses
	 * (a standard list's 48 entries fit the first). */
	__builtin_memset(seen, 0, ext ? sizeof(seen) : sizeof(seen[0]));
	for (n = 0;; n++) {
		*where = pos;
		if (!pos)
			return VPCI_CAP_WALK_DONE;
		if (pos < first)
			return VPCI_CAP_WALK_INTO_HDR;
		if (n == max)
			return VPCI_CAP_WALK_TOO_LONG;
		if (seen_before(seen, (pos - first) / 4u))
			return VPCI_CAP_WALK_CYCLE;
		hdr = vpci_phys_read(host, sbdf, pos, ext ? 4 : 2);
		if (ext ? hdr == 0xffffffffu : STD_ID(hdr) == 0xffu)
			return VPCI_CAP_WALK_BAD_HEADER;
		if (nr)
			*nr = n + 1u;
		if (visit && visit(arg, pos, hdr))
			return VPCI_CAP_WALK_STOPPED;
		pos = (ext ? EXT_NEXT(hdr) : STD_NEXT(hdr)) & PTR_MASK;
	}
}

enum vpci_cap_walk_end vpci_cap_walk(const struct vpci_host *host,
				     vpci_sbdf_t sbdf, bool extended,
				     vpci_cap_visit_fn *visit, void *arg,
				     unsigned int *nr)
{
	unsigned int where = 0;
	enum vpci_cap_walk_end end;

	if (nr)
		*nr = 0;
	end = walk(host, sbdf, extended, visit, arg, nr, &where);
	if (end != VPCI_CAP_WALK_DONE && end != VPCI_CAP_WALK_STOPPED)
		vpci_log(host, VPCI_LOG_WARN,
			 "%pS: %s capability list broken at 0x%x (%s): the "
			 "capabilities before it are kept",
			 sbdf, extended ? "extended" : "standard", where,
			 walk_end_why[end]);
	return end;
}

/* ------------------------------------------------- building the view */

/* A capability as a walk finds it, before its state is allocated. */
struct found {
	uint32_t header;
	uint16_t pos;
	bool extended;
};

struct collect {
	struct found *found;
	unsigned int nr;
	unsigned int nr_std;
	unsigned int capacity;
	bool ext;
	bool full; /* a capability did not fit: the walk stopped */
};

static int collect_one(void *arg, unsigned int pos, uint32_t header)
{
	struct collect *c = arg;

	if (c->nr == c->capacity) {
		c->full = true;
		return 1;
	}
	c->found[c->nr++] = (struct found){
		.header = header,
		.pos = (uint16_t)pos,
		.extended = c->ext,
	};
	return 0;
}

/* Extended space only exists for PCI Express functions (PCIe 6.0 section
 * 7.2.2); a conventional function may alias its first 256 bytes there. */
static bool has_express_cap(const struct collect *col)
{
	unsigned int i;

	for (i = 0; i < col->nr_std; i++)
		if (STD_ID(col->found[i].header) == VPCI_CAP_ID_EXP)
			return true;
	return false;
}

/* Both lists into found[capacity] (col->full: it was too small). */
static void collect_lists(struct vpci_dev *dev, struct collect *col,
			  struct found *found, unsigned int capacity)
{
	*col = (struct collect){.found = found, .capacity = capacity};
	vpci_cap_walk(dev->host, dev->sbdf, false, collect_one, col, NULL);
	col->nr_std = col->nr;
	if (!col->full && has_express_cap(col)) {
		col->ext = true;
		vpci_cap_walk(dev->host, dev->sbdf, true, collect_one, col,
			      NULL);
	}
}

/* Functions have a handful of capabilities: a walk collects them on the
 * stack. A list as long as the space allows (a thousand entries) is read
 * again into room for all of them, allocated for that walk only. */
#define CAPS_ON_STACK 16u

/*
 * The lists and the state of every capability in them, in one allocation
 * sized by what the walk found (*out). Errors: VPCI_ENOMEM.
 */
static int read_lists(struct vpci_dev *dev, struct vpci_caps **out)
{
	struct found on_stack[CAPS_ON_STACK], *scratch = NULL;
	struct vpci_caps *c;
	struct collect col;
	unsigned int i;

	collect_lists(dev, &col, on_stack, CAPS_ON_STACK);
	if (col.full) {
		scratch = vpci_zalloc(dev->host,
				      (VPCI_CAP_STD_MAX + VPCI_CAP_EXT_MAX) *
					      sizeof(*scratch));
		if (!scratch)
			return VPCI_ENOMEM;
		collect_lists(dev, &col, scratch,
			      VPCI_CAP_STD_MAX + VPCI_CAP_EXT_MAX);
	}
	c = vpci_zalloc(dev->host, sizeof(*c) + col.nr * sizeof(c->caps[0]));
	if (c) {
		c->nr_std = (uint16_t)col.nr_std;
		c->nr_ext = (uint16_t)(col.nr - col.nr_std);
		for (i = 0; i < col.nr; i++)
			c->caps[i] = (struct vpci_cap){
				.header = col.found[i].header,
				.pos = col.found[i].pos,
				.extended = col.found[i].extended,
			};
	}
	vpci_free(dev->host, scratch);
	*out = c;
	return c ? 0 : VPCI_ENOMEM;
}

/* Link the visible capabilities of one list; returns the first one. */
static uint16_t link_visible(struct vpci_cap *caps, unsigned int nr)
{
	uint16_t next = 0;
	unsigned int i = nr;

	while (i--) {
		caps[i].next = next;
		if (caps[i].visible)
			next = caps[i].pos;
	}
	return next;
}

static bool any_hidden(const struct vpci_cap *caps, unsigned int nr)
{
	unsigned int i;

	for (i = 0; i < nr; i++)
		if (!caps[i].visible)
			return true;
	return false;
}

static uint32_t std_header_read(const struct vpci_dev *dev, unsigned int reg,
				unsigned int size, void *data)
{
	const struct vpci_cap *cap = data;

	(void)dev;
	(void)reg;
	(void)size;
	return STD_ID(cap->header) | (uint32_t)cap->next << 8;
}

static uint32_t ext_header_read(const struct vpci_dev *dev, unsigned int reg,
				unsigned int size, void *data)
{
	const struct vpci_cap *cap = data;

	(void)dev;
	(void)reg;
	(void)size;
	return (cap->header & 0xfffffu) | (uint32_t)cap->next << 20;
}

uint32_t vpci_cap_read_zero(const struct vpci_dev *dev, unsigned int reg,
			    unsigned int size, void *data)
{
	(void)dev;
	(void)reg;
	(void)size;
	(void)data;
	return 0;
}

/* A Null extended capability at 0x100 (PCIe 6.0 section 7.9.28: ID 0)
 * leading to the first visible one elsewhere. */
static uint32_t ext_null_read(const struct vpci_dev *dev, unsigned int reg,
			      unsigned int size, void *data)
{
	(void)reg;
	(void)size;
	(void)data;
	return (uint32_t)dev->caps->first_ext << 20;
}

static uint32_t cap_ptr_read(const struct vpci_dev *dev, unsigned int reg,
			     unsigned int size, void *data)
{
	(void)reg;
	(void)size;
	(void)data;
	return dev->caps->first_std;
}

/*
 * A standard header and the emulator's read-only value right after it
 * (PM capabilities, PCIe capabilities) as one dword register, so that a
 * 4-byte access is one call without a walk. Read-only: writes are
 * dropped.
 * (Only values: a handler called from here would be a register handler
 * calling register handlers. MSI and MSI-X register their header and
 * control dword themselves.)
 */
static uint32_t header_value_read(const struct vpci_dev *dev,
				  unsigned int reg, unsigned int size,
				  void *data)
{
	const struct vpci_cap *cap = data;
	const struct vpci_register *r = &cap->after_header;

	(void)dev;
	(void)reg;
	(void)size;
	return cap->shown | (*(const uint32_t *)r->data & r->visible) << 16;
}

/* The header of a standard capability: with the read-only value after
 * it when the emulator put one there; none when the emulator registered
 * the header's dword itself. */
static int add_std_header(struct vpci_dev *dev, struct vpci_cap *cap)
{
	const struct vpci_register *after =
		vpci_register_at(dev, cap->pos + 2u);

	if (vpci_register_at(dev, cap->pos))
		return 0; /* the emulator's dword */
	if (after && after->size == 2u &&
	    (after->flags & VPCI_REG_READS_VALUE) && !after->write &&
	    !vpci_take_register(dev, cap->pos + 2u, 2, &cap->after_header))
		return vpci_add_dword_register(dev, header_value_read, NULL,
					       cap->pos, cap);
	return vpci_add_value_register(dev, cap->pos, 2, &cap->shown, false);
}

/* Emulate the headers of a list whose links differ from the hardware's. */
static int emulate_links(struct vpci_dev *dev, struct vpci_caps *c, bool ext,
			 bool guest)
{
	struct vpci_cap *caps = c->caps + (ext ? c->nr_std : 0u);
	unsigned int nr = ext ? c->nr_ext : c->nr_std, i;
	int rc = 0;

	if (!guest && !any_hidden(caps, nr))
		return 0;
	if (!ext && !guest)
		rc = vpci_add_register(dev, cap_ptr_read, NULL,
				       VPCI_REG_CAP_PTR, 1, NULL, NULL);
	if (ext && c->first_ext && c->first_ext != EXT_FIRST &&
	    (guest || (nr && caps[0].pos == EXT_FIRST && !caps[0].visible)))
		rc = vpci_add_register(dev, ext_null_read, NULL, EXT_FIRST, 4,
				       NULL, NULL);
	for (i = 0; i < nr && !rc; i++) {
		if (!caps[i].visible)
			continue;
		caps[i].shown = ext ? ext_header_read(dev, 0, 4, &caps[i])
				    : std_header_read(dev, 0, 2, &caps[i]);
		rc = ext ? vpci_add_value_register(dev, caps[i].pos, 4,
						   &caps[i].shown, false)
			 : add_std_header(dev, &caps[i]);
	}
	return rc;
}

int vpci_caps_init(struct vpci_dev *dev)
{
	bool guest = vpci_dev_is_guest(dev);
	struct vpci_caps *c;
	unsigned int i;
	int rc = read_lists(dev, &c);

	if (rc)
		return rc;
	dev->caps = c;
	for (i = 0; !rc && i < (unsigned int)c->nr_std + c->nr_ext; i++) {
		struct vpci_cap *cap = &c->caps[i];

		cap->visible = !guest;
		cap->emu = emulator_for(cap->extended ? EXT_ID(cap->header)
						      : STD_ID(cap->header),
					cap->extended);
		if (cap->emu)
			rc = cap->emu->init(dev, cap);
		if (rc == VPCI_EEXIST)
			vpci_log(dev->host, VPCI_LOG_ERROR,
				 "%pS: %s capability at 0x%x overlaps another "
				 "one",
				 dev->sbdf, cap->emu->name, cap->pos);
	}
	if (rc)
		return rc; /* the caller tears down */
	c->first_std = link_visible(c->caps, c->nr_std);
	c->first_ext = link_visible(c->caps + c->nr_std, c->nr_ext);
	rc = emulate_links(dev, c, false, guest);
	return rc ? rc : emulate_links(dev, c, true, guest);
}

void vpci_caps_teardown(struct vpci_dev *dev)
{
	struct vpci_caps *c = dev->caps;
	unsigned int i;

	if (!c)
		return;
	for (i = 0; i < (unsigned int)c->nr_std + c->nr_ext; i++)
		if (c->caps[i].emu && c->caps[i].emu->cleanup)
			c->caps[i].emu->cleanup(dev, &c->caps[i]);
	vpci_free(dev->host, c);
	dev->caps = NULL;
}

bool vpci_caps_visible(const struct vpci_dev *dev, unsigned int id,
		       bool extended)
{
	const struct vpci_caps *c = dev->caps;
	unsigned int i, from, to;

	if (!c)
		return false;
	from = extended ? c->nr_std : 0u;
	to = extended ? (unsigned int)c->nr_std + c->nr_ext : c->nr_std;
	for (i = from; i < to; i++)
		if (c->caps[i].visible &&
		    (extended ? EXT_ID(c->caps[i].header)
			      : STD_ID(c->caps[i].header)) == id)
			return true;
	return false;
}

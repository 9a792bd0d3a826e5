/* SPDX-License-Identifier: MIT */
/*
 * Forbidden host frames: the one place deciding which host frames a BAR or
 * ROM mapping must leave out, and which functions may go to a guest at all
 * (docs/header.md, "What a domain can never get"). Everything here works
 * per host frame (4 KiB), whatever BAR, ROM or sub-page layout holds the
 * bytes:
 *  - frames the hypervisor reserved for itself: no domain gets them;
 *  - frames holding any byte of a device's MSI-X table or PBA: never
 *    mapped by that device's BARs or ROM while its msix_guard is on;
 *  - frames of guest-assigned and read-only functions (claims): the
 *    hardware domain never gets them, wherever it points its BARs;
 *  - a function sharing a host frame with another function's BAR or ROM
 *    (of its segment) is not assignable, a function added later sharing
 *    one with a guest's function is refused, and a guest's ROM whose host
 *    frames hold another function's registers is absent for the guest.
 * Where BARs map is bar_index.c's; this file only says what they must skip.
 */
#include "internal.h"
#include "sriov.h"
#include "header.h"
#include "map.h"
#include "frame_guard.h"

static const char *const slot_names[VPCI_NR_SLOTS] = {
	"BAR0", "BAR1", "BAR2", "BAR3", "BAR4", "BAR5", "ROM",
};

/* ------------------------------------------------------------ footprints */

/* The host frames a function's memory BARs (and ROM) decode or may. */
struct footprint {
	struct vpci_range frames[VPCI_NR_SLOTS];
	uint8_t slot[VPCI_NR_SLOTS];
	unsigned int nr;
};

static void fp_add(struct footprint *fp, unsigned int slot, uint64_t first,
		   uint64_t last)
{
	fp->frames[fp->nr] = (struct vpci_range){first, last};
	fp->slot[fp->nr] = (uint8_t)slot;
	fp->nr++;
}

/* From vPCI's own state: the addresses as the hardware decodes them. */
static void footprint_of_state(const struct vpci_dev *dev, bool with_rom,
			       struct footprint *fp)
{
	const struct vpci_header *hdr = dev->hdr;
	unsigned int slot;

	for (slot = 0; slot < VPCI_NR_SLOTS; slot++) {
		const struct vpci_bar *bar = &hdr->bars[slot];

		if (bar->kind != VPCI_BAR_MEM32 &&
		    bar->kind != VPCI_BAR_MEM64 &&
		    !(with_rom && bar->kind == VPCI_BAR_ROM))
			continue;
		/* Unplaced, or a probe in progress: decodes nowhere. */
		if (!bar->addr || vpci_bar_is_sizing(bar, bar->addr))
			continue;
		fp_add(fp, slot, bar->addr >> VPCI_FRAME_SHIFT,
		       (bar->addr + bar->size_bytes - 1u) >> VPCI_FRAME_SHIFT);
	}
}

/* A base address read from the hardware, with the size the last probe
 * saw, or else just the frame holding its first byte. */
static void fp_add_raw(const struct vpci_dev *dev, struct footprint *fp,
		       unsigned int slot, uint64_t addr)
{
	uint64_t bytes = dev->seen_bytes[slot];

	if (!addr)
		return;
	if (bytes && !(addr & (bytes - 1u)))
		fp_add(fp, slot, addr >> VPCI_FRAME_SHIFT,
		       (addr + bytes - 1u) >> VPCI_FRAME_SHIFT);
	else
		fp_add(fp, slot, addr >> VPCI_FRAME_SHIFT,
		       addr >> VPCI_FRAME_SHIFT);
}

/* Without vPCI state (read-only, external emulator, no hardware domain
 * yet): read the registers, never write them. */
static void footprint_of_hardware(const struct vpci_dev *dev, bool with_rom,
				  struct footprint *fp)
{
	const struct vpci_host *host = dev->host;
	unsigned int type, nr_bars, i, rom_reg;
	uint64_t vf_addr, bytes;

	/* A VF's BAR registers read 0: its frames are its PF's VF BARs. */
	for (i = 0; dev->vf_of && i < VPCI_TYPE0_NR_BARS; i++)
		if (vpci_vf_bar_host(dev, i, &vf_addr, &bytes))
			fp_add(fp, i, vf_addr >> VPCI_FRAME_SHIFT,
			       (vf_addr + bytes - 1u) >> VPCI_FRAME_SHIFT);
	if (dev->vf_of ||
	    vpci_phys_read(host, dev->sbdf, VPCI_REG_VENDOR_ID, 2) == 0xffffu)
		return;
	type = vpci_phys_read(host, dev->sbdf, VPCI_REG_HEADER_TYPE, 1) &
	       VPCI_HEADER_TYPE_MASK;
	if (type == VPCI_HEADER_TYPE_NORMAL) {
		nr_bars = VPCI_TYPE0_NR_BARS;
		rom_reg = VPCI_REG_ROM_ADDRESS;
	} else if (type == VPCI_HEADER_TYPE_BRIDGE) {
		nr_bars = VPCI_TYPE1_NR_BARS;
		rom_reg = VPCI_REG_ROM_ADDRESS1;
	} else {
		return;
	}
	for (i = 0; i < nr_bars; i++) {
		uint32_t lo = vpci_phys_read(host, dev->sbdf,
					     VPCI_REG_BAR0 + 4u * i, 4);
		uint64_t addr = lo & VPCI_BAR_MEM_ADDR_MASK;
		unsigned int slot = i;

		if (lo & VPCI_BAR_SPACE_IO)
			continue;
		if ((lo & VPCI_BAR_MEM_TYPE_MASK) == VPCI_BAR_MEM_TYPE_64 &&
		    i + 1u < nr_bars)
			addr |= (uint64_t)vpci_phys_read(host, dev->sbdf,
							 VPCI_REG_BAR0 +
								 4u * ++i,
							 4)
				<< 32;
		fp_add_raw(dev, fp, slot, addr);
	}
	if (with_rom)
		fp_add_raw(dev, fp, VPCI_ROM_SLOT,
			   vpci_phys_read(host, dev->sbdf, rom_reg, 4) &
				   VPCI_ROM_ADDR_MASK);
}

static void footprint(const struct vpci_dev *dev, bool with_rom,
		      struct footprint *fp)
{
	fp->nr = 0;
	if (dev->hdr)
		footprint_of_state(dev, with_rom, fp);
	else
		footprint_of_hardware(dev, with_rom, fp);
}

static bool ranges_meet(const struct vpci_range *a, const struct vpci_range *b)
{
	return a->start <= b->last && b->start <= a->last;
}

/* --------------------------------------------- sharing with other functions */

struct share_check {
	const struct vpci_dev *dev;
	struct footprint mine;
	int found_slot; /* index into mine, or -1 */
	vpci_sbdf_t other;
	unsigned int other_slot;
	uint64_t frame;
};

static int share_visit(void *arg, struct vpci_dev *other)
{
	struct share_check *c = arg;
	struct footprint theirs;
	unsigned int i, j;

	/* Register values are bus addresses: host bridges of different
	 * segments may hand out the same ones in windows of their own (as
	 * POWER's do), which the platform's map translates. */
	if (other == c->dev || other->virtual_fn ||
	    VPCI_SBDF_SEG(other->sbdf) != VPCI_SBDF_SEG(c->dev->sbdf))
		return 0;
	footprint(other, true, &theirs);
	for (i = 0; i < c->mine.nr; i++)
		for (j = 0; j < theirs.nr; j++) {
			const struct vpci_range *a = &c->mine.frames[i];
			const struct vpci_range *b = &theirs.frames[j];

			if (!ranges_meet(a, b))
				continue;
			c->found_slot = (int)i;
			c->other = other->sbdf;
			c->other_slot = theirs.slot[j];
			c->frame = a->start > b->start ? a->start : b->start;
			return 1;
		}
	return 0;
}

/* Does a range of mine share a host frame with another function? Those
 * vpci_device_add() refused count too: their registers are still there. */
static bool shares_frames(const struct vpci_dev *dev, struct share_check *c)
{
	struct vpci_dev *other;

	c->dev = dev;
	c->found_slot = -1;
	if (vpci_sbdf_map_for_each(&dev->host->devices, share_visit, c))
		return true;
	for (other = dev->host->refused; other; other = other->next_refused)
		if (share_visit(c, other))
			return true;
	return false;
}

/*
 * The same, against the functions guests hold only: each guest's own
 * topology is walked (virtual functions skipped: no hardware behind
 * them), so a newcomer costs what guests hold, not what the host has --
 * nothing at all while no guest holds a function. Boot adds every
 * function of the machine through here.
 */
static bool shares_frames_with_guests(const struct vpci_dev *dev,
				      struct share_check *c)
{
	const struct vpci_domain *dom;

	c->dev = dev;
	c->found_slot = -1;
	for (dom = dev->host->domains; dom && c->found_slot < 0;
	     dom = dom->next)
		if (dom->cfg.kind == VPCI_DOMAIN_GUEST)
			vpci_sbdf_map_for_each(&dom->vdevs, share_visit, c);
	return c->found_slot >= 0;
}

int vpci_guard_assignable(const struct vpci_dev *dev)
{
	struct share_check c;

	footprint(dev, false, &c.mine);
	if (!shares_frames(dev, &c))
		return 0;
	/* Even a function bound for the same guest: given back later, it
	 * would leave the guest holding a frame of the hardware domain's. */
	vpci_log(dev->host, VPCI_LOG_ERROR,
		 "%pS: not assignable: its %s shares host frame 0x%llx with "
		 "the %s of %pS",
		 dev->sbdf, slot_names[c.mine.slot[c.found_slot]],
		 (unsigned long long)c.frame, slot_names[c.other_slot],
		 c.other);
	return VPCI_EPERM;
}

static int is_physical(void *arg, struct vpci_dev *dev)
{
	(void)arg;
	return !dev->virtual_fn;
}

bool vpci_guard_guests_hold_functions(const struct vpci_host *host)
{
	const struct vpci_domain *dom;

	for (dom = host->domains; dom; dom = dom->next)
		if (dom->cfg.kind == VPCI_DOMAIN_GUEST &&
		    vpci_sbdf_map_for_each(&dom->vdevs, is_physical, NULL))
			return true;
	return false;
}

int vpci_guard_addable(const struct vpci_dev *dev, const char *outcome)
{
	struct share_check c;

	footprint(dev, true, &c.mine);
	if (!shares_frames_with_guests(dev, &c))
		return 0;
	/* Assignment checked the guest's function against the functions
	 * there were then; a newcomer is checked against the guests'. */
	vpci_log(dev->host, VPCI_LOG_ERROR,
		 "%pS: not added: its %s shares host frame 0x%llx with the %s "
		 "of %pS, which a guest holds; %s",
		 dev->sbdf, slot_names[c.mine.slot[c.found_slot]],
		 (unsigned long long)c.frame, slot_names[c.other_slot], c.other,
		 outcome);
	return VPCI_EPERM;
}

void vpci_guard_guest_rom(struct vpci_dev *dev)
{
	struct vpci_bar *rom = &dev->hdr->bars[VPCI_ROM_SLOT];
	struct share_check c;

	if (rom->kind != VPCI_BAR_ROM || !rom->addr)
		return;
	c.mine.nr = 0;
	fp_add(&c.mine, VPCI_ROM_SLOT, rom->addr >> VPCI_FRAME_SHIFT,
	       (rom->addr + rom->size_bytes - 1u) >> VPCI_FRAME_SHIFT);
	if (!shares_frames(dev, &c))
		return;
	/* The ROM register was read from the device and may be stale:
	 * trusting it would map another function's registers. */
	vpci_log(dev->host, VPCI_LOG_WARN,
		 "%pS: ROM at host 0x%llx shares host frame 0x%llx with the "
		 "%s of %pS: absent for the guest",
		 dev->sbdf, (unsigned long long)rom->addr,
		 (unsigned long long)c.frame, slot_names[c.other_slot],
		 c.other);
	/* Nor may the hardware decode it there once the guest turns memory
	 * decoding on. */
	if (vpci_phys_read(dev->host, dev->sbdf, rom->reg, 4) &
	    VPCI_ROM_ENABLE)
		vpci_phys_write(dev->host, dev->sbdf, rom->reg, 4,
				(uint32_t)rom->addr);
	rom->kind = VPCI_BAR_NONE;
	rom->size_bytes = 0;
	rom->addr = 0;
	dev->hdr->rom_enabled = false;
}

/* ---------------------------------------------------------------- claims */

void vpci_guard_unclaim(struct vpci_dev *dev)
{
	struct vpci_host *host = dev->host;
	unsigned int i;

	/* Cannot fail: each range was added, and 2 * ranges + 1 nodes stay
	 * reserved, so no removal needs memory. */
	for (i = 0; i < dev->nr_claim; i++)
		if (vpci_fidx_remove(&host->claimed, dev->claim[i].start,
				     dev->claim[i].last, NULL, NULL))
			vpci_log(host, VPCI_LOG_ERROR,
				 "%pS: claimed frame index out of step",
				 dev->sbdf);
	host->nr_claimed_ranges -= dev->nr_claim;
	dev->nr_claim = 0;
}

__attribute__((noinline)) void vpci_guard_release(struct vpci_dev *dev)
{
	struct vpci_range gone[VPCI_NR_SLOTS];
	unsigned int i, nr = dev->nr_claim;

	__builtin_memcpy(gone, dev->claim, sizeof(gone));
	vpci_guard_unclaim(dev);
	/* The hardware domain may have those frames back. */
	for (i = 0; i < nr; i++)
		vpci_guard_refresh(dev->host, gone[i].start, gone[i].last,
				   false);
}

int vpci_guard_reserve_claim(struct vpci_host *host)
{
	struct vpci_fidx *idx = &host->claimed;
	size_t need = 2u * (host->nr_claimed_ranges + VPCI_NR_SLOTS) + 1u;
	size_t have = idx->nr_segs + idx->nr_spare;

	if (need <= have)
		return 0;
	return vpci_fidx_reserve(idx, idx->nr_spare + (need - have));
}

/* Claim every frame of dev's footprint. Out of line, as is
 * vpci_guard_release: each has a frame of its own, never both at once. */
static __attribute__((noinline)) int claim_footprint(struct vpci_dev *dev)
{
	struct vpci_host *host = dev->host;
	struct vpci_fidx *idx = &host->claimed;
	struct footprint fp;
	unsigned int i;
	int rc;

	footprint(dev, true, &fp);
	rc = vpci_guard_reserve_claim(host);
	if (rc)
		return rc;
	for (i = 0; i < fp.nr; i++) {
		/* One translation (0) throughout: cannot conflict. */
		vpci_fidx_add(idx, fp.frames[i].start, fp.frames[i].last, 0,
			      NULL, NULL, NULL);
		dev->claim[i] = fp.frames[i];
	}
	dev->nr_claim = (uint8_t)fp.nr;
	host->nr_claimed_ranges += fp.nr;
	for (i = 0; i < fp.nr; i++)
		vpci_guard_refresh(host, fp.frames[i].start, fp.frames[i].last,
				   false);
	return 0;
}

int vpci_guard_sync_claim(struct vpci_dev *dev)
{
	if (!vpci_dev_is_guest(dev) && !vpci_dev_is_readonly(dev)) {
		/* The usual case: nothing claimed, nothing to give. */
		if (dev->nr_claim)
			vpci_guard_release(dev);
		return 0;
	}
	if (dev->nr_claim)
		return 0; /* a guest's or read-only function's frames stay */
	return claim_footprint(dev);
}

/* ------------------------------------------------------------ exclusions */

static int exclude(struct vpci_bar *bar, uint64_t host_first, uint64_t first,
		   uint64_t last)
{
	return vpci_rangeset_add(&bar->excluded, first - host_first,
				 last - host_first);
}

static void log_skip(const struct vpci_dev *dev, const struct vpci_bar *bar,
		     uint64_t first, uint64_t last, const char *why)
{
	vpci_log(dev->host, VPCI_LOG_WARN,
		 "%pS: %s host frames 0x%llx-0x%llx not mapped: %s", dev->sbdf,
		 slot_names[bar->slot], (unsigned long long)first,
		 (unsigned long long)last, why);
}

static int exclude_reserved(struct vpci_dev *dev, struct vpci_bar *bar,
			    uint64_t host_first, uint64_t host_last)
{
	uint64_t pos = host_first;
	struct vpci_range r;

	while (!vpci_rangeset_find_first(&dev->host->reserved, pos, host_last,
					 &r)) {
		int rc = exclude(bar, host_first, r.start, r.last);

		if (rc)
			return rc;
		log_skip(dev, bar, r.start, r.last, "reserved by the hypervisor");
		if (r.last >= host_last)
			break;
		pos = r.last + 1u;
	}
	return 0;
}

static int exclude_claimed(struct vpci_dev *dev, struct vpci_bar *bar,
			   uint64_t host_first, uint64_t host_last)
{
	const struct vpci_fidx *idx = &dev->host->claimed;
	const struct vpci_fseg *s = vpci_fidx_find(idx, host_first);

	while (s && s->start <= host_last) {
		uint64_t first = s->start > host_first ? s->start : host_first;
		uint64_t last = s->last < host_last ? s->last : host_last;
		int rc = exclude(bar, host_first, first, last);

		if (rc)
			return rc;
		log_skip(dev, bar, first, last,
			 "they hold a guest's or a read-only function's "
			 "registers");
		if (s->last >= host_last)
			break;
		s = vpci_fidx_find(idx, s->last + 1u);
	}
	return 0;
}

static int exclude_msix(struct vpci_dev *dev, struct vpci_bar *bar,
			uint64_t host_first, uint64_t host_last)
{
	unsigned int i;

	if (!dev->hdr->msix_guard)
		return 0;
	for (i = 0; i < 2; i++) {
		struct vpci_range r, mine = {host_first, host_last};
		int rc;

		if (!vpci_msix_host_frames(dev, i, &r) || !ranges_meet(&r, &mine))
			continue;
		rc = exclude(bar, host_first,
			     r.start > host_first ? r.start : host_first,
			     r.last < host_last ? r.last : host_last);
		if (rc)
			return rc;
	}
	return 0;
}

int vpci_guard_exclusions_ask(struct vpci_dev *dev, struct vpci_bar *bar,
			      uint64_t host_first, uint64_t host_last)
{
	const struct vpci_host *host = dev->host;
	int rc = 0;

	vpci_rangeset_clear(&bar->excluded);
	/* Each source asked only when it holds something: most hosts
	 * reserve no frames and most BARs meet no guest's. */
	if (!vpci_rangeset_is_empty(&host->reserved))
		rc = exclude_reserved(dev, bar, host_first, host_last);
	if (!rc)
		rc = exclude_msix(dev, bar, host_first, host_last);
	if (!rc && !vpci_dev_is_guest(dev) && host->claimed.nr_segs)
		rc = exclude_claimed(dev, bar, host_first, host_last);
	if (rc) {
		/* Fail closed: the caller maps nothing of this BAR. */
		vpci_rangeset_clear(&bar->excluded);
		vpci_log(dev->host, VPCI_LOG_ERROR,
			 "%pS: no memory to keep forbidden frames out of the "
			 "%s mapping: not mapped",
			 dev->sbdf, slot_names[bar->slot]);
	}
	return rc;
}

/* --------------------------------------------------------------- refresh */

struct refresh {
	uint64_t first;
	uint64_t last;
	bool all_groups;
};

static int refresh_visit(void *arg, struct vpci_dev *dev)
{
	const struct refresh *rf = arg;
	struct vpci_header *hdr = dev->hdr;
	unsigned int slot, mask = 0;

	if (!hdr || (!rf->all_groups && vpci_dev_is_guest(dev)))
		return 0;
	for (slot = 0; slot < VPCI_NR_SLOTS; slot++) {
		struct vpci_bar *bar = &hdr->bars[slot];
		struct vpci_range host;

		if (!bar->in_index)
			continue;
		host.start = (bar->first_gfn + bar->delta);
		host.last = (bar->last_gfn + bar->delta);
		if (!ranges_meet(&host, &(struct vpci_range){rf->first,
							     rf->last}))
			continue;
		vpci_bar_leave(dev, bar);
		mask |= 1u << slot;
	}
	/* Work left from a preempted move may still have the frames mapped
	 * (its BAR is out of the index already): finish it now too. */
	if (mask || hdr->pending)
		vpci_bars_apply(dev, mask, true);
	return 0;
}

void vpci_guard_refresh(struct vpci_host *host, uint64_t first, uint64_t last,
			bool all_groups)
{
	struct refresh rf = {first, last, all_groups};

	vpci_sbdf_map_for_each(&host->devices, refresh_visit, &rf);
}

int vpci_host_reserve_frames(struct vpci_host *host, uint64_t first_mfn,
			     uint64_t nr_frames)
{
	uint64_t last;
	int rc;

	if (!host || !nr_frames || first_mfn > UINT64_MAX - (nr_frames - 1u))
		return VPCI_EINVAL;
	last = first_mfn + (nr_frames - 1u);
	vpci_lock(host);
	rc = vpci_rangeset_add(&host->reserved, first_mfn, last);
	if (!rc)
		vpci_guard_refresh(host, first_mfn, last, true);
	vpci_unlock(host);
	return rc;
}

/* SPDX-License-Identifier: MIT */
/*
 * Virtual functions: a PF's SR-IOV state from the moment the host knows
 * the PF, the VFs coming into existence on VF Enable and going on VF
 * Disable, and what makes a VF differ from any other function (its BARs
 * are slices of the PF's VF BARs, its IDs are the PF's vendor and the VF
 * Device ID, its memory decodes by the PF's VF Memory Space Enable).
 * A VF is made, given state and unmade by device.c's lifecycle, like any
 * function; this file says when (all of a PF's VFs at once, or none).
 * Everything else -- views, mapping, MSI/MSI-X, assignment -- is the
 * same code as for any function. The capability's registers are
 * cap_sriov.c's.
 *
 * Routing IDs (PCIe 6.0 section 9.3.3.10): VF n (0-based) is at
 * PF RID + First VF Offset + n * VF Stride, which may be on a later bus.
 * VF n's BAR i (9.3.3.14) is at VF BAR i + n * (VF BAR i size).
 */
#include "caps.h"
#include "frame_guard.h"
#include "header.h"
#include "map.h"
#include "sriov.h"

/* ------------------------------------------------------- capability walk */

struct find_cap {
	unsigned int id;
	unsigned int pos;
	uint32_t id_mask; /* 0xff standard, 0xffff extended */
};

static int find_visit(void *arg, unsigned int pos, uint32_t header)
{
	struct find_cap *f = arg;

	if ((header & f->id_mask) != f->id)
		return 0;
	f->pos = pos;
	return 1;
}

/* Extended space exists only for PCI Express functions (see caps.c). */
static unsigned int find_sriov(const struct vpci_host *host, vpci_sbdf_t sbdf)
{
	struct find_cap f = {VPCI_CAP_ID_EXP, 0, 0xffu};

	vpci_cap_walk(host, sbdf, false, find_visit, &f, NULL);
	if (!f.pos)
		return 0;
	f = (struct find_cap){VPCI_EXT_CAP_ID_SRIOV, 0, 0xffffu};
	vpci_cap_walk(host, sbdf, true, find_visit, &f, NULL);
	return f.pos;
}

/* ------------------------------------------------------------- reading */

static uint32_t pf_read(const struct vpci_sriov *s, unsigned int off,
			unsigned int size)
{
	return vpci_phys_read(s->pf->host, s->pf->sbdf, s->pos + off, size);
}

static void pf_write(const struct vpci_sriov *s, unsigned int off,
		     unsigned int size, uint32_t val)
{
	vpci_phys_write(s->pf->host, s->pf->sbdf, s->pos + off, size, val);
}

void vpci_sriov_read_routing(struct vpci_sriov *s)
{
	s->offset = (uint16_t)pf_read(s, VPCI_SRIOV_VF_OFFSET, 2);
	s->stride = (uint16_t)pf_read(s, VPCI_SRIOV_VF_STRIDE, 2);
}

static uint64_t lowest_bit(uint64_t v)
{
	return v & (~v + 1u);
}

/* Size VF BAR i (as bar_probe.c sizes an ordinary one); the slots used. */
static unsigned int size_bar(struct vpci_sriov *s, unsigned int i)
{
	struct vpci_sriov_bar *bar = &s->bars[i];
	unsigned int off = VPCI_SRIOV_BAR0 + 4u * i;
	uint32_t orig = pf_read(s, off, 4), orig_hi = 0, lo, hi = 0;
	bool is64 = (orig & VPCI_BAR_MEM_TYPE_MASK) == VPCI_BAR_MEM_TYPE_64;
	uint64_t mask;

	*bar = (struct vpci_sriov_bar){0};
	/* VF BARs are memory BARs (9.3.3.14); type 3 is reserved. */
	if ((orig & VPCI_BAR_SPACE_IO) ||
	    (orig & VPCI_BAR_MEM_TYPE_MASK) == 0x6u ||
	    (is64 && i + 1u >= VPCI_SRIOV_NR_BARS))
		return 1;
	pf_write(s, off, 4, 0xffffffffu);
	lo = pf_read(s, off, 4);
	pf_write(s, off, 4, orig);
	if (is64) {
		orig_hi = pf_read(s, off + 4u, 4);
		pf_write(s, off + 4u, 4, 0xffffffffu);
		hi = pf_read(s, off + 4u, 4);
		pf_write(s, off + 4u, 4, orig_hi);
	}
	mask = ((uint64_t)hi << 32) | (lo & VPCI_BAR_MEM_ADDR_MASK);
	bar->size_bytes = lowest_bit(mask);
	if (!bar->size_bytes)
		return is64 ? 2u : 1u;
	bar->kind = is64 ? VPCI_BAR_MEM64 : VPCI_BAR_MEM32;
	bar->addr_mask = mask;
	bar->flags = (uint8_t)(orig & 0xfu);
	bar->base = (((uint64_t)orig_hi << 32) | orig) & mask;
	if (is64)
		s->bars[i + 1u].kind = VPCI_BAR_MEM64_HI;
	return is64 ? 2u : 1u;
}

void vpci_sriov_size_bars(struct vpci_sriov *s)
{
	uint16_t ctrl = (uint16_t)pf_read(s, VPCI_SRIOV_CTRL, 2);
	uint32_t sps = pf_read(s, VPCI_SRIOV_SYS_PGSIZE, 4);
	unsigned int i;

	/* All-ones in a VF BAR must not decode while we look. */
	if (ctrl & VPCI_SRIOV_CTRL_MSE)
		pf_write(s, VPCI_SRIOV_CTRL, 2,
			 ctrl & (uint16_t)~VPCI_SRIOV_CTRL_MSE);
	for (i = 0; i < VPCI_SRIOV_NR_BARS;)
		i += size_bar(s, i);
	if (ctrl & VPCI_SRIOV_CTRL_MSE)
		pf_write(s, VPCI_SRIOV_CTRL, 2, ctrl);
	/* One bit, n meaning 2^(n+12) bytes (9.3.3.13); else 4 KiB. */
	s->page_bytes = sps && !(sps & (sps - 1u)) && sps <= (1u << 20)
				? (uint32_t)VPCI_FRAME_SIZE * sps
				: (uint32_t)VPCI_FRAME_SIZE;
	for (i = 0; i < VPCI_SRIOV_NR_BARS; i++)
		if (s->bars[i].size_bytes &&
		    s->bars[i].size_bytes < s->page_bytes)
			vpci_log(s->pf->host, VPCI_LOG_WARN,
				 "%pS: VF BAR%u (0x%llx bytes) is smaller than "
				 "the System Page Size (0x%x): its VFs share "
				 "pages and cannot be assigned",
				 s->pf->sbdf, i,
				 (unsigned long long)s->bars[i].size_bytes,
				 s->page_bytes);
}

/* ----------------------------------------------------------- lifecycle */

int vpci_sriov_probe(struct vpci_dev *pf)
{
	struct vpci_host *host = pf->host;
	unsigned int pos, total;
	struct vpci_sriov *s;

	if (pf->vf_of || pf->sriov)
		return 0; /* a VF has no SR-IOV capability of its own */
	pos = find_sriov(host, pf->sbdf);
	if (!pos)
		return 0;
	if (pos + VPCI_SRIOV_CAP_BYTES > VPCI_CFG_SPACE_SIZE) {
		vpci_log(host, VPCI_LOG_WARN,
			 "%pS: SR-IOV capability at 0x%x runs past config "
			 "space: not emulated",
			 pf->sbdf, pos);
		return 0;
	}
	s = vpci_zalloc(host, sizeof(*s));
	if (!s)
		return VPCI_ENOMEM;
	s->pf = pf;
	s->pos = (uint16_t)pos;
	total = pf_read(s, VPCI_SRIOV_TOTAL_VFS, 2);
	if (total > VPCI_SRIOV_MAX_VFS) {
		vpci_log(host, VPCI_LOG_WARN,
			 "%pS: TotalVFs %u is above vPCI's limit: at most %u "
			 "VFs can be enabled",
			 pf->sbdf, total, VPCI_SRIOV_MAX_VFS);
		total = VPCI_SRIOV_MAX_VFS;
	}
	s->total_vfs = (uint16_t)total;
	s->vf_device = (uint16_t)pf_read(s, VPCI_SRIOV_VF_DID, 2);
	s->pf_vendor =
		(uint16_t)vpci_phys_read(host, pf->sbdf, VPCI_REG_VENDOR_ID, 2);
	s->ctrl = (uint16_t)pf_read(s, VPCI_SRIOV_CTRL, 2);
	s->num_vfs = (uint16_t)pf_read(s, VPCI_SRIOV_NUM_VFS, 2);
	vpci_sriov_read_routing(s);
	vpci_sriov_size_bars(s);
	pf->sriov = s;
	return 0;
}

bool vpci_sriov_any_claimed(const struct vpci_sriov *s)
{
	unsigned int n;

	for (n = 0; n < s->nr_vfs; n++)
		if (s->vfs[n] &&
		    (s->vfs[n]->owner || vpci_dev_is_readonly(s->vfs[n])))
			return true;
	return false;
}

bool vpci_sriov_any_assigned(const struct vpci_sriov *s)
{
	unsigned int n;

	for (n = 0; n < s->nr_vfs; n++)
		if (s->vfs[n] && s->vfs[n]->owner)
			return true;
	return false;
}

/* VF n's routing ID, or false past the segment's last one. */
static bool vf_rid(const struct vpci_sriov *s, unsigned int n,
		   vpci_sbdf_t *sbdf)
{
	uint32_t rid = (s->pf->sbdf & 0xffffu) + s->offset +
		       (uint32_t)n * s->stride;

	if (rid > 0xffffu)
		return false;
	*sbdf = (s->pf->sbdf & ~0xffffu) | rid;
	return true;
}

/* Unmake the first nr VFs (device.c's lifecycle, as any function) and
 * drop the PF's table of them. */
static void unwind(struct vpci_sriov *s, unsigned int nr)
{
	while (nr--)
		vpci_dev_destroy(s->vfs[nr]);
	vpci_free(s->pf->host, s->vfs);
	s->vfs = NULL;
	s->nr_vfs = 0;
}

/* Allocate and insert every VF before any gets state, so that nothing
 * can fail half-way once the VFs are seen. */
static int insert_all(struct vpci_sriov *s, unsigned int nr)
{
	struct vpci_host *host = s->pf->host;
	unsigned int n;
	int rc = 0;

	s->vfs = vpci_zalloc(host, nr * sizeof(*s->vfs));
	if (!s->vfs)
		return VPCI_ENOMEM;
	for (n = 0; n < nr && !rc; n++) {
		struct vpci_dev *vf;
		vpci_sbdf_t sbdf;

		if (!vf_rid(s, n, &sbdf)) {
			vpci_log(host, VPCI_LOG_ERROR,
				 "%pS: VF %u would be past bus 0xff "
				 "(offset %u, stride %u): VF Enable refused",
				 s->pf->sbdf, n, s->offset, s->stride);
			rc = VPCI_ERANGE;
			break;
		}
		rc = vpci_dev_create(host, sbdf, &vf);
		if (rc == VPCI_EEXIST)
			vpci_log(host, VPCI_LOG_ERROR,
				 "%pS: VF %u's routing ID %pS is already a "
				 "function's (offset %u, stride %u): VF "
				 "Enable refused",
				 s->pf->sbdf, n, sbdf, s->offset, s->stride);
		if (rc)
			break;
		vf->vf_of = s;
		vf->vf_index = (uint16_t)n;
		s->vfs[n] = vf;
	}
	if (rc)
		unwind(s, n);
	return rc;
}

int vpci_sriov_create_vfs(struct vpci_sriov *s)
{
	struct vpci_host *host = s->pf->host;
	unsigned int nr = s->num_vfs, n;
	int rc;

	if (nr > s->total_vfs) {
		vpci_log(host, VPCI_LOG_ERROR,
			 "%pS: NumVFs %u is above TotalVFs %u: VF Enable "
			 "refused",
			 s->pf->sbdf, nr, s->total_vfs);
		return VPCI_ERANGE;
	}
	if (!nr || s->nr_vfs)
		return 0;
	rc = insert_all(s, nr);
	if (rc) {
		if (rc == VPCI_ENOMEM)
			vpci_log(host, VPCI_LOG_ERROR,
				 "%pS: no memory for %u VFs: VF Enable "
				 "refused",
				 s->pf->sbdf, nr);
		return rc;
	}
	/* Nor may a VF's registers decode in a frame a guest holds: the
	 * rule for any function added (device.c). Checked before any VF has
	 * state or mappings; the VFs do not decode yet (VF MSE is off). */
	if (vpci_guard_guests_hold_functions(host))
		for (n = 0; n < nr && !rc; n++)
			rc = vpci_guard_addable(s->vfs[n], "VF Enable refused");
	if (rc) {
		unwind(s, nr);
		return rc;
	}
	/* Like vpci_device_add(): hardware domain's (or the hypervisor's,
	 * when hidden), state built if it wants one. A VF whose state cannot
	 * be built is not made read-only (that mark is the SBDF's and would
	 * outlive this attempt): VF Enable is refused whole, and no VF is
	 * left for the hardware domain to reach raw. */
	for (n = 0; n < nr && !rc; n++)
		rc = vpci_dev_state_for_owner(s->vfs[n]);
	if (rc) {
		vpci_log(host, VPCI_LOG_ERROR,
			 "%pS: the state of its %u VFs cannot be built (%s): "
			 "VF Enable refused",
			 s->pf->sbdf, nr, vpci_strerror(rc));
		unwind(s, nr);
		return rc;
	}
	s->nr_vfs = (uint16_t)nr;
	return 0;
}

int vpci_sriov_remove_vfs(struct vpci_dev *pf)
{
	struct vpci_sriov *s = pf->sriov;
	struct vpci_host *host = pf->host;
	unsigned int n;

	if (!s || !s->nr_vfs)
		return 0;
	if (vpci_sriov_any_assigned(s))
		return VPCI_EBUSY;
	for (n = s->nr_vfs; n--;) {
		struct vpci_dev *vf = s->vfs[n];

		if (vf)
			vpci_dev_destroy(vf);
	}
	vpci_free(host, s->vfs);
	s->vfs = NULL;
	s->nr_vfs = 0;
	/* Unmaps that failed stay recorded; retried (and reported) here
	 * and by every later sweep. */
	vpci_group_sweep(host, &host->hw_group);
	return 0;
}

void vpci_sriov_adopt(struct vpci_dev *pf)
{
	struct vpci_sriov *s = pf->sriov;

	int rc;

	if (!s || !(s->ctrl & VPCI_SRIOV_CTRL_VFE) || !s->num_vfs)
		return;
	rc = vpci_sriov_create_vfs(s);
	if (rc == VPCI_EPERM) {
		/* They may decode already, in the guest's frame: off, as a
		 * refused VF Enable would have left them (logged). */
		s->ctrl &= (uint16_t)~(VPCI_SRIOV_CTRL_VFE |
				       VPCI_SRIOV_CTRL_MSE);
		pf_write(s, VPCI_SRIOV_CTRL, 2, s->ctrl);
	} else if (rc) {
		vpci_log(pf->host, VPCI_LOG_ERROR,
			 "%pS: the %u VFs enabled before vPCI knew the PF "
			 "are not emulated",
			 pf->sbdf, s->num_vfs);
	}
}

void vpci_sriov_destroy(struct vpci_dev *dev)
{
	struct vpci_sriov *s = dev->sriov;
	unsigned int n;

	/* A VF going on its own (host teardown): its PF forgets it. */
	if (dev->vf_of && dev->vf_index < dev->vf_of->nr_vfs)
		dev->vf_of->vfs[dev->vf_index] = NULL;
	dev->vf_of = NULL;
	if (!s)
		return;
	for (n = 0; n < s->nr_vfs; n++)
		if (s->vfs[n])
			s->vfs[n]->vf_of = NULL;
	vpci_free(dev->host, s->vfs);
	vpci_free(dev->host, s);
	dev->sriov = NULL;
}

/* ------------------------------------------------------- a VF's header */

bool vpci_vf_bar_host(const struct vpci_dev *vf, unsigned int slot,
		      uint64_t *addr, uint64_t *size_bytes)
{
	const struct vpci_sriov *s = vf->vf_of;
	const struct vpci_sriov_bar *bar;
	uint64_t n = vf->vf_index, a, end;

	if (!s || slot >= VPCI_SRIOV_NR_BARS)
		return false;
	bar = &s->bars[slot];
	if ((bar->kind != VPCI_BAR_MEM32 && bar->kind != VPCI_BAR_MEM64) ||
	    !bar->base)
		return false;
	*size_bytes = bar->size_bytes;
	/* base + (n + 1) * size must not wrap, nor leave 4 GiB for a 32-bit
	 * BAR: a hostile base would otherwise alias low memory. */
	if (__builtin_mul_overflow(n + 1u, bar->size_bytes, &end) ||
	    __builtin_add_overflow(bar->base, end - 1u, &end))
		return false;
	a = end - bar->size_bytes + 1u;
	if (bar->kind == VPCI_BAR_MEM32 && end > 0xffffffffull)
		return false;
	*addr = a;
	return true;
}

void vpci_vf_bars_fill(struct vpci_dev *vf)
{
	struct vpci_header *hdr = vf->hdr;
	const struct vpci_sriov *s = vf->vf_of;
	unsigned int i;

	hdr->cmd = (uint16_t)vpci_phys_read(vf->host, vf->sbdf,
					    VPCI_REG_COMMAND, 2);
	for (i = 0; s && i < VPCI_SRIOV_NR_BARS; i++) {
		const struct vpci_sriov_bar *vb = &s->bars[i];
		struct vpci_bar *bar = &hdr->bars[i];
		uint64_t addr = 0, bytes = 0;

		bar->reg = (uint16_t)(VPCI_REG_BAR0 + 4u * i);
		bar->kind = vb->kind;
		if (vb->kind == VPCI_BAR_MEM64_HI || vb->kind == VPCI_BAR_NONE)
			continue;
		bar->size_bytes = vb->size_bytes;
		bar->addr_mask = ~(vb->size_bytes - 1u) &
				 (vb->kind == VPCI_BAR_MEM64 ? ~0xfull
							    : 0xfffffff0ull);
		bar->flags = vb->flags;
		if (vpci_vf_bar_host(vf, i, &addr, &bytes))
			bar->addr = addr;
		bar->guest_addr = bar->addr;
	}
	for (i = 0; i < VPCI_NR_SLOTS; i++)
		vf->seen_bytes[i] = hdr->bars[i].size_bytes;
}

uint32_t vpci_vf_ids(const struct vpci_dev *vf)
{
	const struct vpci_sriov *s = vf->vf_of;

	return s ? s->pf_vendor | (uint32_t)s->vf_device << 16 : 0xffffffffu;
}

bool vpci_vf_mem_enabled(const struct vpci_dev *vf)
{
	const struct vpci_sriov *s = vf->vf_of;

	return s && (s->ctrl & VPCI_SRIOV_CTRL_VFE) &&
	       (s->ctrl & VPCI_SRIOV_CTRL_MSE);
}

/* The hardware domain may have moved the VF BARs while they did not
 * decode: its VFs' host addresses follow (guests' cannot move). */
static void refresh_addrs(struct vpci_dev *vf)
{
	unsigned int i;

	for (i = 0; i < VPCI_SRIOV_NR_BARS; i++) {
		struct vpci_bar *bar = &vf->hdr->bars[i];
		uint64_t addr = 0, bytes;

		if ((bar->kind != VPCI_BAR_MEM32 &&
		     bar->kind != VPCI_BAR_MEM64) ||
		    bar->in_index)
			continue;
		if (!vpci_vf_bar_host(vf, i, &addr, &bytes))
			addr = 0;
		bar->addr = addr;
		if (!vpci_dev_is_guest(vf))
			bar->guest_addr = addr;
	}
}

void vpci_sriov_mse_changed(struct vpci_sriov *s)
{
	unsigned int n;

	for (n = 0; n < s->nr_vfs; n++) {
		struct vpci_dev *vf = s->vfs[n];

		if (!vf || !vf->hdr)
			continue;
		if (vpci_vf_mem_enabled(vf))
			refresh_addrs(vf);
		vpci_bars_apply(vf, VPCI_ALL_SLOTS, true);
	}
}

/* ---------------------------------------------------------- assignment */

struct vf_slot_search {
	vpci_sbdf_t sbdf;
	const struct vpci_sriov *pf;
	unsigned int index;
};

/* Is search->sbdf the routing ID of a VF index of this PF? */
static int vf_slot_visit(void *arg, struct vpci_dev *dev)
{
	struct vf_slot_search *f = arg;
	const struct vpci_sriov *s = dev->sriov;
	uint32_t first, rid = f->sbdf & 0xffffu;
	unsigned int n;

	if (!s || (dev->sbdf & ~0xffffu) != (f->sbdf & ~0xffffu))
		return 0;
	first = (dev->sbdf & 0xffffu) + s->offset;
	/* A walk, not a division: 32-bit targets have no divide
	 * instruction to rely on, and the freestanding core no libgcc. */
	for (n = 0; n < s->total_vfs; n++) {
		uint32_t at = first + n * (uint32_t)s->stride;

		if (at > rid || (n && !s->stride))
			return 0;
		if (at == rid) {
			f->index = n;
			f->pf = s;
			return 1;
		}
	}
	return 0;
}

int vpci_sriov_check_assign(const struct vpci_host *host,
			    vpci_sbdf_t host_sbdf, const struct vpci_dev *dev,
			    const char **why)
{
	struct vf_slot_search f = {host_sbdf, NULL, 0};

	/* A PF may go with its VFs enabled: a guest never sees the SR-IOV
	 * capability, and the VFs stay whoever's they are. */
	if (dev)
		return 0;
	/* Management path: a walk of the host's functions is fine here. */
	vpci_sbdf_map_for_each(&host->devices, vf_slot_visit, &f);
	if (!f.pf)
		return 0;
	*why = !(f.pf->ctrl & VPCI_SRIOV_CTRL_VFE)
		       ? "the function is a virtual function whose physical "
			 "function has VF Enable clear"
		       : "the function is a virtual function whose index is "
			 "not below NumVFs";
	return VPCI_ENOENT;
}

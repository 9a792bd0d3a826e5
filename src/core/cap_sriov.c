/* SPDX-License-Identifier: MIT */
/*
 * The SR-IOV capability (PCIe 6.0 section 9.3.3) as the hardware domain
 * sees it on a physical function. Guests never see it: VFs are made and
 * unmade by the hardware domain only; a guest given the PF does not see
 * the capability, and the PF's VFs stay as they are (sriov_vf.c).
 *
 * Emulated registers (everything else passes through):
 *  - SR-IOV Control: VF Enable creates or removes the VFs (sriov_vf.c);
 *    clearing it is refused (logged, the bit stays) while a VF is a
 *    guest's. VF Memory Space Enable maps or unmaps every VF's BARs.
 *    ARI Capable Hierarchy cannot change while VF Enable is set (the
 *    routing IDs of live VFs would move). First VF Offset and VF Stride
 *    are re-read after every change, as the specification lets them vary
 *    with ARI and NumVFs.
 *  - NumVFs: refused (logged, never reaching the hardware) while VF
 *    Enable is set or above TotalVFs -- QEMU's CVE-2024-26327 was a
 *    NumVFs larger than TotalVFs overrunning its VF array.
 *  - System Page Size: one supported size, only while VF Enable and VF
 *    MSE are clear; the VF BARs are sized again after it (their size and
 *    alignment follow it).
 *  - VF BAR0-5: like an ordinary BAR of the hardware domain. While the
 *    VFs decode, a write moving one is ignored (logged) and a sizing probe
 *    is answered by vPCI; while a VF is a guest's or read-only, none moves
 *    (the frames claimed from the hardware domain were fixed then).
 */
#include "caps.h"
#include "header.h"
#include "sriov.h"

static struct vpci_sriov *pf_state(void *data)
{
	return data;
}

static bool vfs_decode(const struct vpci_sriov *s)
{
	return (s->ctrl & VPCI_SRIOV_CTRL_VFE) && (s->ctrl & VPCI_SRIOV_CTRL_MSE);
}

/* ------------------------------------------------------------ control */

static uint32_t ctrl_read(const struct vpci_dev *dev, unsigned int reg,
			  unsigned int size, void *data)
{
	(void)size;
	(void)data;
	return vpci_phys_read(dev->host, dev->sbdf, reg, 2);
}

/* The new control value once the rules are applied (refusals logged). */
static uint16_t ctrl_filter(struct vpci_dev *dev, struct vpci_sriov *s,
			    uint16_t old, uint16_t val)
{
	bool was_on = old & VPCI_SRIOV_CTRL_VFE;

	if (was_on && ((old ^ val) & VPCI_SRIOV_CTRL_ARI)) {
		vpci_log(dev->host, VPCI_LOG_WARN,
			 "%pS: SR-IOV ARI Capable Hierarchy change refused: "
			 "VF Enable is set",
			 dev->sbdf);
		val = (uint16_t)((val & ~VPCI_SRIOV_CTRL_ARI) |
				 (old & VPCI_SRIOV_CTRL_ARI));
	}
	if (was_on && !(val & VPCI_SRIOV_CTRL_VFE) &&
	    vpci_sriov_any_assigned(s)) {
		vpci_log(dev->host, VPCI_LOG_WARN,
			 "%pS: VF Disable refused: a virtual function is "
			 "assigned to a guest (deassign it first); VF Enable "
			 "stays set",
			 dev->sbdf);
		val |= VPCI_SRIOV_CTRL_VFE;
	}
	return val;
}

static void ctrl_write(struct vpci_dev *dev, unsigned int reg,
		       unsigned int size, uint32_t val32, void *data)
{
	struct vpci_sriov *s = pf_state(data);
	uint16_t old = (uint16_t)vpci_phys_read(dev->host, dev->sbdf, reg, 2);
	uint16_t val = ctrl_filter(dev, s, old, (uint16_t)val32);
	bool was_on = old & VPCI_SRIOV_CTRL_VFE;
	bool on = val & VPCI_SRIOV_CTRL_VFE;
	bool decoded = vfs_decode(s);

	(void)size;
	if (was_on && !on) {
		/* They go (unmapping what they had) before the hardware
		 * drops them. */
		vpci_sriov_remove_vfs(dev);
	}
	if (!was_on && on && s->num_vfs) {
		vpci_phys_write(dev->host, dev->sbdf, reg, 2,
				val & (uint16_t)~VPCI_SRIOV_CTRL_MSE);
		vpci_sriov_read_routing(s);
		s->ctrl = (uint16_t)(val & ~VPCI_SRIOV_CTRL_MSE);
		if (vpci_sriov_create_vfs(s)) {
			/* Logged: the VFs never exist for anyone. */
			val &= (uint16_t)~(VPCI_SRIOV_CTRL_VFE |
					   VPCI_SRIOV_CTRL_MSE);
		}
	}
	vpci_phys_write(dev->host, dev->sbdf, reg, 2, val);
	s->ctrl = val;
	vpci_sriov_read_routing(s);
	if (vfs_decode(s) != decoded)
		vpci_sriov_mse_changed(s);
}

/* -------------------------------------------------------------- NumVFs */

static void num_vfs_write(struct vpci_dev *dev, unsigned int reg,
			  unsigned int size, uint32_t val, void *data)
{
	struct vpci_sriov *s = pf_state(data);
	uint16_t total = (uint16_t)vpci_phys_read(
		dev->host, dev->sbdf, s->pos + VPCI_SRIOV_TOTAL_VFS, 2);

	(void)size;
	val &= 0xffffu;
	if (s->ctrl & VPCI_SRIOV_CTRL_VFE) {
		vpci_log(dev->host, VPCI_LOG_WARN,
			 "%pS: NumVFs write %u refused: VF Enable is set",
			 dev->sbdf, val);
		return;
	}
	if (val > total || val > s->total_vfs) {
		vpci_log(dev->host, VPCI_LOG_WARN,
			 "%pS: NumVFs write %u refused: above TotalVFs %u%s",
			 dev->sbdf, val, s->total_vfs,
			 s->total_vfs < total ? " (vPCI's limit)" : "");
		return;
	}
	vpci_phys_write(dev->host, dev->sbdf, reg, 2, val);
	s->num_vfs = (uint16_t)vpci_phys_read(dev->host, dev->sbdf, reg, 2);
	vpci_sriov_read_routing(s);
}

static uint32_t hw_read(const struct vpci_dev *dev, unsigned int reg,
			unsigned int size, void *data)
{
	(void)data;
	return vpci_phys_read(dev->host, dev->sbdf, reg, size);
}

/* ---------------------------------------------------- System Page Size */

static void page_size_write(struct vpci_dev *dev, unsigned int reg,
			    unsigned int size, uint32_t val, void *data)
{
	struct vpci_sriov *s = pf_state(data);
	uint32_t sup = vpci_phys_read(dev->host, dev->sbdf,
				      s->pos + VPCI_SRIOV_SUP_PGSIZE, 4);
	const char *why = NULL;

	(void)size;
	if (s->ctrl & (VPCI_SRIOV_CTRL_VFE | VPCI_SRIOV_CTRL_MSE))
		why = "VF Enable or VF Memory Space Enable is set";
	else if (!val || (val & (val - 1u)))
		why = "it is not exactly one page size";
	else if (!(val & sup))
		why = "the PF does not support that page size";
	else if (val > (1u << 20))
		why = "pages above 4 GiB are not handled"; /* 4 KiB << 20 */
	if (why) {
		vpci_log(dev->host, VPCI_LOG_WARN,
			 "%pS: System Page Size 0x%x refused: %s", dev->sbdf,
			 val, why);
		return;
	}
	vpci_phys_write(dev->host, dev->sbdf, reg, 4, val);
	/* The VF BARs' sizes and alignment follow the page size. */
	vpci_sriov_size_bars(s);
}

/* -------------------------------------------------------------- VF BARs */

static unsigned int bar_slot(const struct vpci_sriov *s, unsigned int reg)
{
	return (reg - s->pos - VPCI_SRIOV_BAR0) / 4u;
}

static uint32_t half(uint64_t v, bool hi)
{
	return hi ? (uint32_t)(v >> 32) : (uint32_t)v;
}

static uint32_t vf_bar_read(const struct vpci_dev *dev, unsigned int reg,
			    unsigned int size, void *data)
{
	const struct vpci_sriov *s = data;
	const struct vpci_sriov_bar *bar = &s->bars[bar_slot(s, reg)];
	bool hi = bar->kind == VPCI_BAR_MEM64_HI;

	(void)size;
	if (hi)
		bar--;
	if (hi ? bar->probe_hi : bar->probe_lo)
		return half(bar->addr_mask, hi) | (hi ? 0u : bar->flags);
	return vpci_phys_read(dev->host, dev->sbdf, reg, 4);
}

static void vf_bar_write(struct vpci_dev *dev, unsigned int reg,
			 unsigned int size, uint32_t val, void *data)
{
	struct vpci_sriov *s = pf_state(data);
	struct vpci_sriov_bar *bar = &s->bars[bar_slot(s, reg)];
	bool hi = bar->kind == VPCI_BAR_MEM64_HI;
	uint32_t mask;
	uint64_t base;

	(void)size;
	if (hi)
		bar--;
	mask = half(bar->addr_mask, hi);
	base = bar->base;
	if (hi)
		base = (base & 0xffffffffull) | (uint64_t)(val & mask) << 32;
	else
		base = (base & ~0xffffffffull) | (val & mask);
	if (vfs_decode(s)) {
		bool *probe = hi ? &bar->probe_hi : &bar->probe_lo;

		*probe = mask && (val & mask) == mask;
		if (!*probe && base != bar->base)
			vpci_log(dev->host, VPCI_LOG_WARN,
				 "%pS: VF BAR write 0x%x at 0x%x ignored: the "
				 "VFs decode (clear VF Memory Space Enable to "
				 "move it)",
				 dev->sbdf, val, reg);
		return;
	}
	if (base != bar->base && vpci_sriov_any_claimed(s)) {
		vpci_log(dev->host, VPCI_LOG_WARN,
			 "%pS: VF BAR write 0x%x at 0x%x ignored: a virtual "
			 "function is assigned to a guest or read-only",
			 dev->sbdf, val, reg);
		return;
	}
	bar->probe_lo = bar->probe_hi = false;
	vpci_phys_write(dev->host, dev->sbdf, reg, 4, val);
	bar->base = base;
}

/* ---------------------------------------------------------------- init */

/* A capability whose state could not be set up (or a VF's): hidden (reads
 * as zero), so the hardware domain cannot enable VFs behind vPCI's back. */
static int hide(struct vpci_dev *dev, struct vpci_cap *cap)
{
	unsigned int end = cap->pos + VPCI_SRIOV_CAP_BYTES, reg;
	int rc = 0;

	cap->visible = false;
	if (end > VPCI_CFG_SPACE_SIZE)
		end = VPCI_CFG_SPACE_SIZE;
	for (reg = cap->pos + 4u; reg + 4u <= end && !rc; reg += 4u)
		rc = vpci_add_register(dev, vpci_cap_read_zero, NULL, reg, 4,
				       NULL, NULL);
	return rc;
}

static int sriov_init(struct vpci_dev *dev, struct vpci_cap *cap)
{
	struct vpci_sriov *s = dev->sriov;
	unsigned int i;
	int rc;

	if (vpci_dev_is_guest(dev))
		return 0; /* hidden */
	if (!s || s->pos != cap->pos || dev->vf_of) {
		if (!dev->vf_of)
			vpci_log(dev->host, VPCI_LOG_WARN,
				 "%pS: SR-IOV capability at 0x%x is not "
				 "emulated: hidden from the hardware domain",
				 dev->sbdf, cap->pos);
		return hide(dev, cap);
	}
	rc = vpci_add_register(dev, ctrl_read, ctrl_write,
			       s->pos + VPCI_SRIOV_CTRL, 2, s, NULL);
	if (!rc)
		rc = vpci_add_register(dev, hw_read, num_vfs_write,
				       s->pos + VPCI_SRIOV_NUM_VFS, 2, s, NULL);
	if (!rc)
		rc = vpci_add_register(dev, hw_read, page_size_write,
				       s->pos + VPCI_SRIOV_SYS_PGSIZE, 4, s,
				       NULL);
	for (i = 0; i < VPCI_SRIOV_NR_BARS && !rc; i++)
		if (s->bars[i].kind != VPCI_BAR_NONE)
			rc = vpci_add_register(dev, vf_bar_read, vf_bar_write,
					       s->pos + VPCI_SRIOV_BAR0 + 4u * i,
					       4, s, NULL);
	return rc;
}

const struct vpci_cap_emulator vpci_cap_sriov = {
	.name = "SR-IOV",
	.id = VPCI_EXT_CAP_ID_SRIOV,
	.extended = true,
	.init = sriov_init,
	.cleanup = NULL,
};

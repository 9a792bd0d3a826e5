/* SPDX-License-Identifier: MIT */
/*
 * MSI-X (PCI 3.0 section 6.8.2), emulated for every domain whose platform
 * has the interrupt hooks: the capability's registers here, its table
 * entries through the trapped MMIO entry points (msix_mmio.c).
 *
 *  - Control: only MSI-X Enable and Function Mask are writable; the table
 *    size is the hardware's. Table and PBA offset/BIR registers read as
 *    the hardware has them.
 *  - Location: the table and PBA must lie inside a memory BAR; a BIR
 *    naming anything else, or a structure running past its BAR, hides the
 *    capability (logged): nothing could trap it.
 *  - Entries: an entry is live while MSI-X is enabled, the function is not
 *    masked and its own mask bit is clear. Becoming live binds it with
 *    msi_update, ceasing to be live unbinds it with msi_disable. A message
 *    written while live takes effect when the entry next becomes live
 *    (PCI 3.0 6.8.2.9: changing an unmasked entry is undefined; Linux
 *    masks around it), so a half-written address is never bound.
 *  - The hardware gets Enable and Function Mask (after binding when
 *    opening, before unbinding when closing); table entries are the
 *    platform's to program, as only it knows the host vectors.
 * Without the hooks a guest does not see MSI-X and the hardware domain
 * reaches the real registers.
 */
#include "internal.h"
#include "header.h"
#include "caps.h"
#include "irq.h"
#include "msix.h"

#define CTRL_QSIZE 0x07ffu
#define CTRL_FMASK 0x4000u
#define CTRL_ENABLE 0x8000u
#define ENTRY_ADDR_LO 0u
#define ENTRY_ADDR_HI 4u
#define ENTRY_DATA 8u
#define ENTRY_CTRL 12u
#define ENTRY_MASKED 1u

static bool entry_live(const struct vpci_msix *msix,
		       const struct vpci_msix_entry *e)
{
	return msix->enabled && !msix->fmask && !e->masked;
}

static void entry_sync(struct vpci_msix *msix, unsigned int i)
{
	struct vpci_msix_entry *e = &msix->entries[i];
	bool live = entry_live(msix, e);

	if (live && !e->bound)
		e->bound = vpci_irq_bind(msix->dev, i, e->addr, e->data);
	else if (!live && e->bound) {
		vpci_irq_unbind(msix->dev, i);
		e->bound = false;
	}
}

static void sync_all(struct vpci_msix *msix)
{
	unsigned int i;

	for (i = 0; i < msix->nr_entries; i++)
		entry_sync(msix, i);
}

/* ------------------------------------------------------------ table */

uint64_t vpci_msix_table_read(struct vpci_msix *msix, uint64_t off,
			      unsigned int size)
{
	const struct vpci_msix_entry *e =
		&msix->entries[off / VPCI_MSIX_ENTRY_BYTES];
	unsigned int field = (unsigned int)(off % VPCI_MSIX_ENTRY_BYTES);
	uint32_t ctrl = e->masked ? ENTRY_MASKED : 0u;

	if (size == 8)
		return field == ENTRY_ADDR_LO
			       ? e->addr
			       : e->data | (uint64_t)ctrl << 32;
	switch (field) {
	case ENTRY_ADDR_LO:
		return (uint32_t)e->addr;
	case ENTRY_ADDR_HI:
		return (uint32_t)(e->addr >> 32);
	case ENTRY_DATA:
		return e->data;
	default:
		return ctrl;
	}
}

static void field_write(struct vpci_msix_entry *e, unsigned int field,
			uint32_t val)
{
	switch (field) {
	case ENTRY_ADDR_LO:
		e->addr = (e->addr & ~0xffffffffull) | val;
		break;
	case ENTRY_ADDR_HI:
		e->addr = (e->addr & 0xffffffffull) | (uint64_t)val << 32;
		break;
	case ENTRY_DATA:
		e->data = val;
		break;
	default: /* only the mask bit: the rest is reserved */
		e->masked = val & ENTRY_MASKED;
		break;
	}
}

/* off: bytes into the table, naturally aligned for size 4 or 8. */
void vpci_msix_table_write(struct vpci_msix *msix, uint64_t off,
			   unsigned int size, uint64_t val)
{
	unsigned int i = (unsigned int)(off / VPCI_MSIX_ENTRY_BYTES);
	unsigned int field = (unsigned int)(off % VPCI_MSIX_ENTRY_BYTES);
	struct vpci_msix_entry *e = &msix->entries[i];

	/* A qword is its two dwords, low first: data, then the mask bit. */
	field_write(e, field, (uint32_t)val);
	if (size == 8)
		field_write(e, field + 4u, (uint32_t)(val >> 32));
	entry_sync(msix, i);
}

/* ---------------------------------------------------------- registers */

_Static_assert(offsetof(struct vpci_msix, shown_ctrl) == 0,
	       "a value register's data points at its value");

static void ctrl_show(struct vpci_msix *msix)
{
	msix->shown_ctrl = (msix->nr_entries - 1u) |
			   (msix->fmask ? CTRL_FMASK : 0u) |
			   (msix->enabled ? CTRL_ENABLE : 0u);
}

static uint32_t ctrl_read(const struct vpci_dev *dev, unsigned int reg,
			  unsigned int size, void *data)
{
	const struct vpci_msix *msix = data;

	(void)dev;
	(void)reg;
	(void)size;
	return msix->shown_ctrl;
}

static void hw_ctrl_write(struct vpci_dev *dev, const struct vpci_msix *msix)
{
	unsigned int reg = msix->pos + VPCI_MSIX_FLAGS;
	uint32_t hw = vpci_phys_read(dev->host, dev->sbdf, reg, 2);

	hw &= ~(uint32_t)(CTRL_FMASK | CTRL_ENABLE);
	hw |= (msix->fmask ? CTRL_FMASK : 0u) |
	      (msix->enabled ? CTRL_ENABLE : 0u);
	vpci_phys_write(dev->host, dev->sbdf, reg, 2, hw);
}

/* A control write that changes the enable or function-mask bit: out of
 * line, so that one that changes nothing saves no registers. */
static __attribute__((noinline)) void
ctrl_apply(struct vpci_dev *dev, struct vpci_msix *msix, bool enable,
	   bool fmask)
{
	bool opens = enable && !fmask;

	msix->enabled = enable;
	msix->fmask = fmask;
	ctrl_show(msix);
	if (opens)
		sync_all(msix);
	hw_ctrl_write(dev, msix);
	if (!opens)
		sync_all(msix);
	if (enable)
		dev->irq_on |= VPCI_IRQ_MSIX;
	else
		dev->irq_on &= (uint8_t)~VPCI_IRQ_MSIX;
}

static void ctrl_write(struct vpci_dev *dev, unsigned int reg,
		       unsigned int size, uint32_t val, void *data)
{
	struct vpci_msix *msix = data;

	(void)reg;
	(void)size;
	/* The two bits as shown already: nothing changes. */
	if ((val ^ msix->shown_ctrl) & (CTRL_ENABLE | CTRL_FMASK))
		ctrl_apply(dev, msix, val & CTRL_ENABLE, val & CTRL_FMASK);
}

/* A guest's header and control dword (caps.h). */
static uint32_t header_ctrl_read(const struct vpci_dev *dev, unsigned int reg,
				 unsigned int size, void *data)
{
	const struct vpci_msix *msix = data;

	return msix->cap->shown | ctrl_read(dev, reg, size, data) << 16;
}

static void header_ctrl_write(struct vpci_dev *dev, unsigned int reg,
			      unsigned int size, uint32_t val, void *data)
{
	const struct vpci_msix *msix = data;

	vpci_cap_header_ctrl_write(dev, reg, size, val, data,
				   msix->pos + VPCI_MSIX_FLAGS, ctrl_read,
				   ctrl_write);
}

static uint32_t location_read(const struct vpci_dev *dev, unsigned int reg,
			      unsigned int size, void *data)
{
	const struct vpci_msix *msix = data;

	(void)dev;
	(void)size;
	return reg == msix->pos + VPCI_MSIX_TABLE ? msix->table_reg
						  : msix->pba_reg;
}

/* ------------------------------------------------------------- set-up */

static int add_regs(struct vpci_dev *dev, struct vpci_msix *msix)
{
	/* A guest's header is emulated: with control, one dword. */
	int rc = vpci_dev_is_guest(dev)
			 ? vpci_add_dword_register(dev, header_ctrl_read,
						   header_ctrl_write, msix->pos,
						   msix)
			 : vpci_add_register(dev, ctrl_read, ctrl_write,
					     msix->pos + VPCI_MSIX_FLAGS, 2,
					     msix, NULL);

	if (!rc && !vpci_dev_is_guest(dev))
		vpci_register_mark(dev, msix->pos + VPCI_MSIX_FLAGS,
				   VPCI_REG_READS_VALUE);

	if (!rc)
		rc = vpci_add_register(dev, location_read, NULL,
				       msix->pos + VPCI_MSIX_TABLE, 4, msix,
				       NULL);
	if (!rc)
		rc = vpci_add_register(dev, location_read, NULL,
				       msix->pos + VPCI_MSIX_PBA, 4, msix,
				       NULL);
	return rc;
}

/* A capability that cannot be emulated: the hardware domain must not
 * reach its registers either (it would enable raw MSI-X). Writes are
 * dropped (no write handler). */
static int sink_regs(struct vpci_dev *dev, unsigned int pos)
{
	static const uint8_t regs[][2] = {
		{VPCI_MSIX_FLAGS, 2}, {VPCI_MSIX_TABLE, 4}, {VPCI_MSIX_PBA, 4}};
	unsigned int i;
	int rc = 0;

	if (vpci_dev_is_guest(dev))
		return 0;
	for (i = 0; !rc && i < sizeof(regs) / sizeof(regs[0]); i++)
		rc = vpci_add_register(dev, vpci_cap_read_zero, NULL,
				       pos + regs[i][0], regs[i][1], NULL,
				       NULL);
	return rc;
}

static int msix_init(struct vpci_dev *dev, struct vpci_cap *cap)
{
	struct vpci_host *host = dev->host;
	unsigned int pos = cap->pos, n, i;
	uint32_t ctrl;
	struct vpci_msix *msix;
	int rc;

	if (!vpci_irq_msix_emulated(dev))
		return 0; /* guests: hidden; hardware domain: the hardware */
	if (pos + VPCI_MSIX_PBA + 4u > VPCI_CFG_STD_SIZE) {
		vpci_log(host, VPCI_LOG_ERROR,
			 "%pS: MSI-X capability at 0x%x runs past 0xff",
			 dev->sbdf, pos);
		return VPCI_EINVAL;
	}
	if (dev->msix) {
		vpci_log(host, VPCI_LOG_WARN,
			 "%pS: a second MSI-X capability at 0x%x is hidden",
			 dev->sbdf, pos);
		cap->visible = false;
		return sink_regs(dev, pos);
	}
	ctrl = vpci_phys_read(host, dev->sbdf, pos + VPCI_MSIX_FLAGS, 2);
	n = (ctrl & CTRL_QSIZE) + 1u;
	msix = vpci_zalloc(host, sizeof(*msix) + n * sizeof(msix->entries[0]));
	if (!msix)
		return VPCI_ENOMEM;
	msix->dev = dev;
	msix->cap = cap;
	msix->pos = (uint16_t)pos;
	msix->nr_entries = (uint16_t)n;
	ctrl_show(msix);
	msix->table_reg =
		vpci_phys_read(host, dev->sbdf, pos + VPCI_MSIX_TABLE, 4);
	msix->pba_reg = vpci_phys_read(host, dev->sbdf, pos + VPCI_MSIX_PBA, 4);
	/* Where the table and PBA are, as the header located them. */
	msix->table_bir = dev->hdr->msix[0].bir;
	msix->pba_bir = dev->hdr->msix[1].bir;
	msix->table_off = dev->hdr->msix[0].offset;
	msix->pba_off = dev->hdr->msix[1].offset;
	/* Start from reset: disabled, every entry masked (6.8.2.9). */
	if (ctrl & (CTRL_ENABLE | CTRL_FMASK))
		vpci_phys_write(host, dev->sbdf, pos + VPCI_MSIX_FLAGS, 2,
				ctrl & ~(uint32_t)(CTRL_ENABLE | CTRL_FMASK));
	if (!vpci_msix_location_ok(dev, pos)) {
		vpci_free(host, msix);
		cap->visible = false;
		return sink_regs(dev, pos);
	}
	for (i = 0; i < n; i++)
		msix->entries[i].masked = true;
	rc = vpci_msix_index_reserve(host, &vpci_owner_group(dev)->msix,
				     VPCI_MSIX_NR_TRAPS);
	if (rc) {
		vpci_free(host, msix);
		return rc;
	}
	cap->state = msix;
	dev->msix = msix;
	cap->visible = true;
	rc = add_regs(dev, msix);
	vpci_msix_traps_sync(msix);
	return rc;
}

static void msix_cleanup(struct vpci_dev *dev, struct vpci_cap *cap)
{
	struct vpci_msix *msix = cap->state;

	if (!msix)
		return;
	vpci_msix_traps_remove(msix);
	vpci_msix_index_release(&vpci_owner_group(dev)->msix,
				VPCI_MSIX_NR_TRAPS);
	if (msix->enabled || msix->fmask) {
		msix->enabled = false;
		msix->fmask = false;
		ctrl_show(msix);
		hw_ctrl_write(dev, msix);
	}
	sync_all(msix);
	dev->irq_on &= (uint8_t)~VPCI_IRQ_MSIX;
	dev->msix = NULL;
	vpci_free(dev->host, msix);
	cap->state = NULL;
}

const struct vpci_cap_emulator vpci_cap_msix = {
	.name = "MSI-X",
	.id = VPCI_CAP_ID_MSIX,
	.extended = false,
	.init = msix_init,
	.cleanup = msix_cleanup,
};

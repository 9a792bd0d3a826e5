/* SPDX-License-Identifier: MIT */
/*
 * MSI (PCI 3.0 section 6.8.1), emulated for every domain whose platform
 * has the interrupt hooks: control, address, data and, when the function
 * has per-vector masking, the mask bits; pending bits are the hardware's.
 *
 * A vector is live while MSI is enabled, the vector is within the
 * enabled count (Multiple Message Enable) and its mask bit is clear. A
 * vector becoming live is bound with msi_update, one that stops being live
 * is unbound with msi_disable, and a change of address or data while live
 * rebinds it at once (MSI has no "only while masked" rule; PCI 3.0 section
 * 6.8.3.3 lets software update a live message). The hardware gets the
 * enable and count bits (after binding when enabling, before unbinding
 * when disabling) and the mask bits; address and data are the platform's
 * to program, as only it knows the host vector.
 *
 * Without the hooks a guest does not see MSI at all and the hardware
 * domain reaches the real registers.
 */
#include "internal.h"
#include "caps.h"
#include "irq.h"

#define CTRL_ENABLE 0x0001u
#define CTRL_MMC_SHIFT 1u
#define CTRL_MME_SHIFT 4u
#define CTRL_MME_MASK 0x0070u
#define CTRL_64BIT 0x0080u
#define CTRL_PVM 0x0100u
/* At most 32 vectors: MMC values 6 and 7 are reserved. */
#define MAX_LOG2_VECTORS 5u

struct msi {
	/* Message Control as software reads it; first, so that the register
	 * is a value register over the state (the dispatcher reads it
	 * without a call): kept by ctrl_show(). */
	uint32_t shown_ctrl;
	const struct vpci_cap *cap;
	uint16_t pos;
	uint16_t ctrl_ro;  /* MMC, 64-bit and per-vector masking, as hardware */
	uint8_t mmc;       /* log2 of the vectors the function can send */
	uint8_t mme;       /* log2 of the vectors enabled */
	bool enabled;
	bool is64;
	bool pvm;
	uint16_t data_reg; /* config offsets */
	uint16_t mask_reg;
	uint64_t addr;
	uint32_t data;
	uint32_t mask;
	uint32_t bound; /* vectors the platform holds a binding for */
};

static uint32_t vector_data(const struct msi *msi, unsigned int v)
{
	uint32_t n = 1u << msi->mme;

	/* PCI 3.0 6.8.3.3: the function puts the vector number in the low
	 * bits of the data it was given. */
	return (msi->data & ~(n - 1u)) | v;
}

/* Bring the bindings in line with the registers; rebind: the message of
 * every live vector changed. Only the vectors whose binding must change
 * are visited, lowest first. */
static void msi_sync(struct vpci_dev *dev, struct msi *msi, bool rebind)
{
	uint32_t nr_bits = !msi->enabled	   ? 0u
			   : msi->mme >= MAX_LOG2_VECTORS ? 0xffffffffu
						  : (1u << (1u << msi->mme)) - 1u;
	uint32_t live = nr_bits & ~msi->mask;
	uint32_t todo = (rebind ? live : live & ~msi->bound) |
			(msi->bound & ~live);
	unsigned int v;

	/* No count-trailing-zeros builtin: it is a libgcc call on some
	 * freestanding targets. */
	for (v = 0; v < 32u && (todo >> v); v++) {
		uint32_t bit = 1u << v;

		if (!(todo & bit))
			continue;
		if (live & bit) {
			if (vpci_irq_bind(dev, v, msi->addr,
					  vector_data(msi, v)))
				msi->bound |= bit;
			else if (msi->bound & bit) {
				vpci_irq_unbind(dev, v);
				msi->bound &= ~bit;
			}
		} else {
			vpci_irq_unbind(dev, v);
			msi->bound &= ~bit;
		}
	}
}

static void hw_ctrl_write(struct vpci_dev *dev, const struct msi *msi)
{
	unsigned int reg = msi->pos + VPCI_MSI_FLAGS;
	uint32_t hw = vpci_phys_read(dev->host, dev->sbdf, reg, 2);

	hw &= ~(uint32_t)(CTRL_ENABLE | CTRL_MME_MASK);
	hw |= (uint32_t)msi->mme << CTRL_MME_SHIFT;
	hw |= msi->enabled ? CTRL_ENABLE : 0u;
	vpci_phys_write(dev->host, dev->sbdf, reg, 2, hw);
}

_Static_assert(offsetof(struct msi, shown_ctrl) == 0,
	       "a value register's data points at its value");

static void ctrl_show(struct msi *msi)
{
	msi->shown_ctrl = msi->ctrl_ro | (uint32_t)msi->mme << CTRL_MME_SHIFT |
			  (msi->enabled ? CTRL_ENABLE : 0u);
}

static uint32_t ctrl_read(const struct vpci_dev *dev, unsigned int reg,
			  unsigned int size, void *data)
{
	const struct msi *msi = data;

	(void)dev;
	(void)reg;
	(void)size;
	return msi->shown_ctrl;
}

static void ctrl_apply(struct vpci_dev *dev, struct msi *msi,
		       unsigned int mme, bool enable, bool count_changed);

static void ctrl_write(struct vpci_dev *dev, unsigned int reg,
		       unsigned int size, uint32_t val, void *data)
{
	struct msi *msi = data;
	unsigned int mme = (val & CTRL_MME_MASK) >> CTRL_MME_SHIFT;
	bool enable = val & CTRL_ENABLE;
	bool count_changed;

	(void)reg;
	(void)size;
	/* Enable and count as shown already: nothing changes (a count
	 * above what the function has is clamped below, then compared). */
	if (!((val ^ msi->shown_ctrl) & (CTRL_ENABLE | CTRL_MME_MASK)))
		return;
	/* Software must not enable more than the function can send (PCI 3.0
	 * 6.8.1.3); a larger value gets what the function has. */
	if (mme > msi->mmc)
		mme = msi->mmc;
	count_changed = mme != msi->mme;
	if (enable == msi->enabled && !count_changed)
		return;
	ctrl_apply(dev, msi, mme, enable, count_changed);
}

/* A control write that changes the enable bit or the vector count: out
 * of line, so that one that changes nothing saves no registers. */
static __attribute__((noinline)) void
ctrl_apply(struct vpci_dev *dev, struct msi *msi, unsigned int mme,
	   bool enable, bool count_changed)
{
	msi->mme = (uint8_t)mme;
	msi->enabled = enable;
	ctrl_show(msi);
	if (enable) {
		/* A new count changes every vector's data bits. */
		msi_sync(dev, msi, count_changed);
		hw_ctrl_write(dev, msi);
		dev->irq_on |= VPCI_IRQ_MSI;
	} else {
		hw_ctrl_write(dev, msi);
		msi_sync(dev, msi, false);
		dev->irq_on &= (uint8_t)~VPCI_IRQ_MSI;
	}
}

/* A guest's header and control dword (caps.h). */
static uint32_t header_ctrl_read(const struct vpci_dev *dev, unsigned int reg,
				 unsigned int size, void *data)
{
	const struct msi *msi = data;

	return msi->cap->shown | ctrl_read(dev, reg, size, data) << 16;
}

static void header_ctrl_write(struct vpci_dev *dev, unsigned int reg,
			      unsigned int size, uint32_t val, void *data)
{
	const struct msi *msi = data;

	vpci_cap_header_ctrl_write(dev, reg, size, val, data,
				   msi->pos + VPCI_MSI_FLAGS, ctrl_read,
				   ctrl_write);
}

static uint32_t addr_read(const struct vpci_dev *dev, unsigned int reg,
			  unsigned int size, void *data)
{
	const struct msi *msi = data;
	bool hi = reg == msi->pos + VPCI_MSI_ADDRESS_HI;

	(void)dev;
	(void)size;
	return hi ? (uint32_t)(msi->addr >> 32) : (uint32_t)msi->addr;
}

static void addr_write(struct vpci_dev *dev, unsigned int reg,
		       unsigned int size, uint32_t val, void *data)
{
	struct msi *msi = data;

	(void)size;
	if (reg == msi->pos + VPCI_MSI_ADDRESS_HI)
		msi->addr = (msi->addr & 0xffffffffull) | (uint64_t)val << 32;
	else /* bits 1:0 are reserved, read as 0 */
		msi->addr = (msi->addr & ~0xffffffffull) | (val & ~3u);
	if (msi->enabled)
		msi_sync(dev, msi, true);
}

/* Message Data is a value register over msi->data (the dispatcher reads
 * it without a call): its data points there. */
static struct msi *msi_of_data(void *data)
{
	return (struct msi *)(void *)((char *)data -
				      offsetof(struct msi, data));
}

static uint32_t data_read(const struct vpci_dev *dev, unsigned int reg,
			  unsigned int size, void *data)
{
	(void)dev;
	(void)reg;
	(void)size;
	return *(const uint32_t *)data;
}

static void data_write(struct vpci_dev *dev, unsigned int reg,
		       unsigned int size, uint32_t val, void *data)
{
	struct msi *msi = msi_of_data(data);

	(void)reg;
	(void)size;
	msi->data = val & 0xffffu;
	if (msi->enabled)
		msi_sync(dev, msi, true);
}

static uint32_t implemented_mask_bits(const struct msi *msi)
{
	return msi->mmc >= MAX_LOG2_VECTORS ? 0xffffffffu
					    : (1u << (1u << msi->mmc)) - 1u;
}

static uint32_t mask_read(const struct vpci_dev *dev, unsigned int reg,
			  unsigned int size, void *data)
{
	(void)dev;
	(void)reg;
	(void)size;
	return ((const struct msi *)data)->mask;
}

/* A mask write that changes bindings: bind what gets unmasked before
 * the hardware unmasks it; unbind what gets masked after the hardware
 * masks it. Out of line, so that one that changes none saves no
 * registers. */
static __attribute__((noinline)) void
mask_apply(struct vpci_dev *dev, struct msi *msi, unsigned int reg,
	   uint32_t mask)
{
	msi->mask &= mask;
	msi_sync(dev, msi, false);
	vpci_phys_write(dev->host, dev->sbdf, reg, 4, mask);
	msi->mask = mask;
	msi_sync(dev, msi, false);
}

/* reg is the register's own aligned dword (both 4-byte registers):
 * straight to the platform. */
static void mask_write(struct vpci_dev *dev, unsigned int reg,
		       unsigned int size, uint32_t val, void *data)
{
	struct msi *msi = data;
	uint32_t mask = val & implemented_mask_bits(msi);

	(void)size;
	if (mask != msi->mask)
		mask_apply(dev, msi, reg, mask);
	else /* no binding changes */
		dev->host->ops->conf_write(dev->host->ctx, dev->sbdf, reg, 4,
					   mask);
}

/* Pending bits: the hardware's, read-only. */
static uint32_t pending_read(const struct vpci_dev *dev, unsigned int reg,
			     unsigned int size, void *data)
{
	(void)size;
	return dev->host->ops->conf_read(dev->host->ctx, dev->sbdf, reg, 4) &
	       implemented_mask_bits(data);
}

static int add_regs(struct vpci_dev *dev, struct msi *msi)
{
	unsigned int pos = msi->pos;
	/* A guest's header is emulated: with control, one dword. */
	int rc = vpci_dev_is_guest(dev)
			 ? vpci_add_dword_register(dev, header_ctrl_read,
						   header_ctrl_write, pos, msi)
			 : vpci_add_register(dev, ctrl_read, ctrl_write,
					     pos + VPCI_MSI_FLAGS, 2, msi, NULL);

	if (!rc && !vpci_dev_is_guest(dev))
		vpci_register_mark(dev, pos + VPCI_MSI_FLAGS,
				   VPCI_REG_READS_VALUE);

	if (!rc)
		rc = vpci_add_register(dev, addr_read, addr_write,
				       pos + VPCI_MSI_ADDRESS_LO, 4, msi, NULL);
	if (!rc && msi->is64)
		rc = vpci_add_register(dev, addr_read, addr_write,
				       pos + VPCI_MSI_ADDRESS_HI, 4, msi, NULL);
	if (!rc)
		rc = vpci_add_register(dev, data_read, data_write,
				       msi->data_reg, 2, &msi->data, NULL);
	if (!rc)
		vpci_register_mark(dev, msi->data_reg, VPCI_REG_READS_VALUE);
	if (!rc && msi->pvm)
		rc = vpci_add_register(dev, mask_read, mask_write,
				       msi->mask_reg, 4, msi, NULL);
	if (!rc && msi->pvm)
		rc = vpci_add_register(dev, pending_read, NULL,
				       msi->mask_reg + 4u, 4, msi, NULL);
	return rc;
}

static int msi_init(struct vpci_dev *dev, struct vpci_cap *cap)
{
	struct vpci_host *host = dev->host;
	unsigned int pos = cap->pos;
	uint32_t ctrl;
	struct msi *msi;

	if (!vpci_irq_msi_emulated(dev))
		return 0; /* guests: hidden; hardware domain: the hardware */
	msi = vpci_zalloc(host, sizeof(*msi));
	if (!msi)
		return VPCI_ENOMEM;
	cap->state = msi;
	msi->cap = cap;
	ctrl = vpci_phys_read(host, dev->sbdf, pos + VPCI_MSI_FLAGS, 2);
	msi->pos = (uint16_t)pos;
	msi->mmc = (uint8_t)((ctrl >> CTRL_MMC_SHIFT) & 7u);
	if (msi->mmc > MAX_LOG2_VECTORS)
		msi->mmc = MAX_LOG2_VECTORS;
	msi->is64 = ctrl & CTRL_64BIT;
	msi->pvm = ctrl & CTRL_PVM;
	msi->ctrl_ro = (uint16_t)(((unsigned int)msi->mmc << CTRL_MMC_SHIFT) |
				  (ctrl & (CTRL_64BIT | CTRL_PVM)));
	ctrl_show(msi);
	msi->data_reg = (uint16_t)(pos + (msi->is64 ? 0xcu : 0x8u));
	msi->mask_reg = (uint16_t)(msi->data_reg + 4u);
	/* A capability running past standard space cannot be emulated; a
	 * hardware-domain device is then made read-only by the caller. */
	if ((msi->pvm ? msi->mask_reg + 8u : msi->data_reg + 2u) >
	    VPCI_CFG_STD_SIZE) {
		vpci_log(host, VPCI_LOG_ERROR,
			 "%pS: MSI capability at 0x%x runs past 0xff",
			 dev->sbdf, pos);
		return VPCI_EINVAL;
	}
	/* Start from reset: nothing enabled behind the emulation's back. */
	if (ctrl & (CTRL_ENABLE | CTRL_MME_MASK))
		vpci_phys_write(
			host, dev->sbdf, pos + VPCI_MSI_FLAGS, 2,
			ctrl & ~(uint32_t)(CTRL_ENABLE | CTRL_MME_MASK));
	if (msi->pvm)
		vpci_phys_write(host, dev->sbdf, msi->mask_reg, 4, 0);
	cap->visible = true;
	return add_regs(dev, msi);
}

static void msi_cleanup(struct vpci_dev *dev, struct vpci_cap *cap)
{
	struct msi *msi = cap->state;

	if (!msi)
		return;
	if (msi->enabled) {
		msi->enabled = false;
		ctrl_show(msi);
		hw_ctrl_write(dev, msi);
	}
	msi_sync(dev, msi, false);
	dev->irq_on &= (uint8_t)~VPCI_IRQ_MSI;
	vpci_free(dev->host, msi);
	cap->state = NULL;
}

const struct vpci_cap_emulator vpci_cap_msi = {
	.name = "MSI",
	.id = VPCI_CAP_ID_MSI,
	.extended = false,
	.init = msi_init,
	.cleanup = msi_cleanup,
};

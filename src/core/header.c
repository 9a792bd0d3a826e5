/* SPDX-License-Identifier: MIT */
/*
 * The type 0 and type 1 configuration header: command and status,
 * identity and latches, as the hardware domain and as a guest see them,
 * and the header's set-up (docs/header.md has the behaviour in one
 * table). The BAR and ROM registers are header_bars.c's; where BARs map
 * and the map work are map.c's; sizing is bar_probe.c's.
 *
 *  - Hardware domain: passthrough with guards. Command writes reach the
 *    hardware once vPCI has (un)mapped what the decode bits imply; BAR
 *    writes reach it while the BAR is not mapped and are ignored while it
 *    is (a sizing probe of a mapped BAR is answered by vPCI instead); the
 *    rest of the header is not emulated at all (dispatcher gaps).
 *  - Guest: fully emulated. Decode and bus-master bits and BAR addresses
 *    are virtual; identity registers are read-only views of the hardware;
 *    the rest reads as 0.
 * While a device has map work pending, writes to its command register,
 * BARs and ROM are dropped (logged): the platform is expected to call
 * vpci_process_pending() before the vCPU that caused the work goes on.
 */
#include "internal.h"
#include "sriov.h"
#include "header.h"
#include "caps.h"
#include "irq.h"
#include "map.h"
#include "frame_guard.h"

/* Command bits a guest owns; they reach the hardware (PCI 3.0 6.2.2). */
#define GUEST_CMD_BITS                                                         \
	(VPCI_CMD_IO | VPCI_CMD_MEMORY | VPCI_CMD_MASTER |                     \
	 VPCI_CMD_INTX_DISABLE)
/* PCI 3.0 section 6.2.4: 0xff means "unknown / not connected" on x86. */
#define INTX_LINE_UNKNOWN 0xffu

/* PCI 3.0 6.8.1.3 / 6.8.2.3: with MSI or MSI-X enabled the function
 * must not use INTx; keep it disabled in the hardware. */
static bool intx_forced(const struct vpci_dev *dev)
{
	return dev->irq_on != 0;
}

/*
 * A guest sees a capability list only when an emulated capability is
 * linked in it (caps.c): the status bit and the pointer follow it.
 */
static uint16_t guest_cap_list_bit(const struct vpci_dev *dev, uint32_t hw)
{
	(void)hw;
	return vpci_caps_first(dev) ? VPCI_STATUS_CAP_LIST : 0u;
}

static uint32_t guest_cap_ptr_read(const struct vpci_dev *dev,
				   unsigned int reg, unsigned int size,
				   void *data)
{
	(void)reg;
	(void)size;
	(void)data;
	return vpci_caps_first(dev);
}

/*
 * Record cmd as the command register vPCI applies and say which BAR slots
 * must follow: all of them when memory decoding changes, none otherwise
 * (the held write then reaches the hardware at once).
 */
static unsigned int decode_change(struct vpci_header *hdr, uint32_t cmd)
{
	bool changed = (hdr->cmd ^ cmd) & VPCI_CMD_MEMORY;

	hdr->cmd = (uint16_t)cmd;
	return changed ? VPCI_ALL_SLOTS : 0u;
}

/*
 * A command write that leaves memory decoding as it is needs no map work:
 * the hardware gets it at once, as vpci_bars_apply() would have done
 * after walking every BAR slot to find nothing to do. Callers have
 * checked that no map work is queued. Work outside the queue is left only
 * by vpci_bars_fail(), which always holds a command write: a held write
 * takes the full path, which performs it.
 */
static bool decoding_stays(const struct vpci_dev *dev, uint32_t cmd)
{
	const struct vpci_header *hdr = dev->hdr;

	return !((hdr->cmd ^ cmd) & VPCI_CMD_MEMORY) &&
	       !vpci_held(hdr, VPCI_HELD_CMD) && !vpci_held(hdr, VPCI_HELD_ROM);
}

/* ----------------------------------------------------- command, status */

static uint32_t hw_cmd_read(const struct vpci_dev *dev, unsigned int reg,
			    unsigned int size, void *data)
{
	(void)reg;
	(void)size;
	(void)data;
	/* A write waiting for map work reads back as written. */
	if (vpci_held(dev->hdr, VPCI_HELD_CMD))
		return dev->hdr->cmd;
	return vpci_phys_read(dev->host, dev->sbdf, VPCI_REG_COMMAND, 2);
}

static void hw_cmd_write(struct vpci_dev *dev, unsigned int reg,
			 unsigned int size, uint32_t val, void *data)
{
	(void)size;
	(void)data;
	if (vpci_header_write_dropped(dev, reg))
		return;
	/* The hardware domain's writes all reach the hardware. */
	if (decoding_stays(dev, val)) {
		dev->hdr->cmd = (uint16_t)val;
		vpci_phys_write(dev->host, dev->sbdf, VPCI_REG_COMMAND, 2, val);
		return;
	}
	vpci_header_hold(dev->hdr, VPCI_HELD_CMD, VPCI_REG_COMMAND, 2, val, 0,
			 false);
	vpci_bars_apply(dev, decode_change(dev->hdr, val), false);
}

static uint32_t guest_cmd_read(const struct vpci_dev *dev, unsigned int reg,
			       unsigned int size, void *data)
{
	uint32_t hw = vpci_phys_read(dev->host, dev->sbdf, VPCI_REG_COMMAND, 2);

	(void)reg;
	(void)size;
	(void)data;
	return (dev->hdr->cmd & GUEST_CMD_BITS) | (hw & ~GUEST_CMD_BITS);
}

static void guest_cmd_write(struct vpci_dev *dev, unsigned int reg,
			    unsigned int size, uint32_t val, void *data)
{
	unsigned int mask;
	bool fast;

	(void)size;
	(void)data;
	if (vpci_header_write_dropped(dev, reg))
		return;
	fast = decoding_stays(dev, val);
	mask = decode_change(dev->hdr, val & GUEST_CMD_BITS);
	/* The guest's bits over the hardware's others; written only when
	 * that changes something there. */
	val = dev->hdr->cmd;
	if (intx_forced(dev))
		val |= VPCI_CMD_INTX_DISABLE;
	if (fast) {
		uint32_t hw = vpci_phys_read(dev->host, dev->sbdf,
					     VPCI_REG_COMMAND, 2);
		uint32_t want = (hw & ~(uint32_t)GUEST_CMD_BITS) | val;

		if (want != hw)
			vpci_phys_write(dev->host, dev->sbdf,
					VPCI_REG_COMMAND, 2, want);
		return;
	}
	vpci_header_hold(dev->hdr, VPCI_HELD_CMD, VPCI_REG_COMMAND, 2, val,
			 0xffffu & ~(uint32_t)GUEST_CMD_BITS, true);
	vpci_bars_apply(dev, mask, false);
}

static void guest_status_write(struct vpci_dev *dev, unsigned int reg,
			       unsigned int size, uint32_t val, void *data)
{
	(void)size;
	(void)data;
	/* The rw1c mask gives us 1 only where the guest wrote 1. */
	val &= VPCI_STATUS_RW1C_MASK;
	if (val)
		vpci_phys_write(dev->host, dev->sbdf, reg, 2, val);
}

/*
 * A guest's command and status as one dword register
 * (vpci_add_dword_register), so that a 4-byte access is one call and one
 * hardware read. A write gets
 * the bytes written: the command bytes go to the command handler above
 * merged with what the command register reads (a byte write changes only
 * its byte), then the status bytes to the status handler, as two
 * registers would have had them.
 */
#define CMD_BYTES 0x0000ffffu

/* bytes: the written bytes of the dword as a bit mask; val in place. */
static void split_access(unsigned int reg, unsigned int size, uint32_t val,
			 uint32_t *bytes, uint32_t *in_place)
{
	unsigned int shift = (reg & 3u) * 8u;

	*bytes = vpci_size_mask(size) << shift;
	*in_place = val << shift;
}

static uint32_t guest_cmd_status_read(const struct vpci_dev *dev,
				      unsigned int reg, unsigned int size,
				      void *data)
{
	/* An aligned dword: straight to the platform. */
	uint32_t hw = dev->host->ops->conf_read(dev->host->ctx, dev->sbdf,
						VPCI_REG_COMMAND, 4);
	uint32_t status = hw >> 16;

	(void)reg;
	(void)size;
	(void)data;
	status = (status & ~(uint32_t)VPCI_STATUS_CAP_LIST) |
		 guest_cap_list_bit(dev, status);
	return (dev->hdr->cmd & GUEST_CMD_BITS) |
	       (hw & CMD_BYTES & ~GUEST_CMD_BITS) | status << 16;
}

static void guest_cmd_status_write(struct vpci_dev *dev, unsigned int reg,
				   unsigned int size, uint32_t val, void *data)
{
	uint32_t bytes, v;

	split_access(reg, size, val, &bytes, &v);
	if (bytes & CMD_BYTES) {
		uint32_t cmd = v & CMD_BYTES;

		if ((bytes & CMD_BYTES) != CMD_BYTES)
			cmd = (guest_cmd_read(dev, VPCI_REG_COMMAND, 2, data) &
			       ~bytes) |
			      (v & bytes & CMD_BYTES);
		guest_cmd_write(dev, VPCI_REG_COMMAND, 2, cmd, data);
	}
	/* Status: RW1C bits cleared only where the written bytes hold a 1. */
	if (bytes & ~CMD_BYTES)
		guest_status_write(dev, VPCI_REG_STATUS, 2,
				   (v & bytes) >> 16, data);
}

/* ------------------------------------------------ identity and latches */

/* Vendor and Device ID: a VF's hardware reads 0xffff there (SR-IOV). */
static uint32_t id_read(const struct vpci_dev *dev, unsigned int reg,
			unsigned int size, void *data)
{
	(void)data;
	if (dev->vf_of)
		return vpci_vf_ids(dev);
	return vpci_phys_read(dev->host, dev->sbdf, reg, size);
}

/* Local copies of the stock handlers: taking a global function's address
 * would need the GOT, which a freestanding link may not have. */
static uint32_t hw_ro_read(const struct vpci_dev *dev, unsigned int reg,
			   unsigned int size, void *data)
{
	(void)data;
	return vpci_phys_read(dev->host, dev->sbdf, reg, size);
}

static uint32_t latch_read(const struct vpci_dev *dev, unsigned int reg,
			   unsigned int size, void *data)
{
	(void)dev;
	(void)reg;
	return *(const uint32_t *)data & vpci_size_mask(size);
}

static void latch_write(struct vpci_dev *dev, unsigned int reg,
			unsigned int size, uint32_t val, void *data)
{
	(void)dev;
	(void)reg;
	*(uint32_t *)data = val & vpci_size_mask(size);
}

/*
 * A guest's type 0 interrupt line, pin, Min_Gnt and Max_Lat as one dword
 * register: the line is a latch the guest owns, the rest the hardware's,
 * read-only; one call and one hardware read for a 4-byte access.
 */
static uint32_t intx_dword_read(const struct vpci_dev *dev, unsigned int reg,
				unsigned int size, void *data)
{
	(void)reg;
	(void)size;
	(void)data;
	return (vpci_phys_read(dev->host, dev->sbdf, VPCI_REG_INTERRUPT_LINE,
			       4) &
		~0xffu) |
	       (dev->hdr->intx_line & 0xffu);
}

static void intx_dword_write(struct vpci_dev *dev, unsigned int reg,
			     unsigned int size, uint32_t val, void *data)
{
	(void)size;
	(void)data;
	if (!(reg & 3u)) /* the bytes written start at the line */
		dev->hdr->intx_line = val & 0xffu;
}

/*
 * A guest's dword 0x0c as one register: cache line size and latency
 * timer (its latch), header type (the hardware's, read-only) and BIST, a
 * gap that reads 0, drops writes and stays the platform's to claim
 * (VPCI_REG_PARTIAL): one call instead of a walk over two registers.
 */
#define CACHE_LATENCY_BYTES 0x7u /* cache line, latency, header type */

static uint32_t guest_cache_latency_read(const struct vpci_dev *dev,
					 unsigned int reg, unsigned int size,
					 void *data)
{
	(void)reg;
	(void)size;
	(void)data;
	return (dev->hdr->cache_latency & 0xffffu) |
	       (vpci_phys_read(dev->host, dev->sbdf, VPCI_REG_CACHE_LINE_SIZE,
			       4) &
		0x00ff0000u);
}

/* Only the latch's bytes of what was written: header type is read-only,
 * BIST a gap. */
static void guest_cache_latency_write(struct vpci_dev *dev, unsigned int reg,
				      unsigned int size, uint32_t val,
				      void *data)
{
	unsigned int shift = (reg & 3u) * 8u;
	uint32_t bytes = (vpci_size_mask(size) << shift) & 0xffffu;

	(void)data;
	dev->hdr->cache_latency =
		(dev->hdr->cache_latency & ~bytes) | ((val << shift) & bytes);
}

/* What it stands for when a platform claims BIST: the latch and the
 * hardware's header type (registers.c puts them back). */
static const struct vpci_reg_parts cache_latency_parts = {
	.nr = 2,
	.part = {
		{.at = 0, .size = 2,
		 .how = VPCI_REG_READS_VALUE | VPCI_REG_WRITES_VALUE,
		 .value_offset = offsetof(struct vpci_header, cache_latency)},
		{.at = 2, .size = 1, .how = VPCI_REG_READS_PHYS},
	},
};

static int add_guest_cache_latency(struct vpci_dev *dev)
{
	dev->regs.parts = &cache_latency_parts;
	return vpci_add_partial_dword_register(dev, guest_cache_latency_read,
					       guest_cache_latency_write,
					       VPCI_REG_CACHE_LINE_SIZE,
					       CACHE_LATENCY_BYTES, dev->hdr);
}

/* -------------------------------------------------------------- set-up */

/* A register's set-up. The tables of these are static: built on the stack
 * they made add_guest_regs' frame the core's largest (752 bytes on s390x).
 * So a latch is named by its offset in struct vpci_header, plus one (0:
 * no latch). */
struct reg_def {
	uint16_t offset;
	uint8_t size;
	uint16_t latch;
	vpci_read_fn *read;
	vpci_write_fn *write;
	struct vpci_reg_masks masks;
};

#define LATCH(field) ((uint16_t)(offsetof(struct vpci_header, field) + 1u))
_Static_assert(sizeof(struct vpci_header) < 0xffffu, "latch offsets fit");

static int add_regs(struct vpci_dev *dev, const struct reg_def *defs,
		    unsigned int nr)
{
	unsigned int i;

	for (i = 0; i < nr; i++) {
		void *latch = defs[i].latch
				      ? (char *)dev->hdr + defs[i].latch - 1
				      : NULL;
		int rc;

		/* Latches and read-only views of the hardware: served by the
		 * dispatcher without a call. */
		if (defs[i].read == latch_read && defs[i].write == latch_write)
			rc = vpci_add_value_register(dev, defs[i].offset,
						     defs[i].size, latch, true);
		else if (defs[i].read == hw_ro_read && !defs[i].write)
			rc = vpci_add_phys_register(dev, NULL, defs[i].offset,
						    defs[i].size, NULL,
						    &defs[i].masks);
		else
			rc = vpci_add_register(dev, defs[i].read,
					       defs[i].write, defs[i].offset,
					       defs[i].size, latch,
					       &defs[i].masks);

		if (rc)
			return rc;
	}
	return 0;
}

static int add_hwdom_regs(struct vpci_dev *dev)
{
	/* Command only: status is the hardware's here, and a platform may
	 * put a register of its own there. */
	int rc = vpci_header_add_register(dev, hw_cmd_read, hw_cmd_write,
					  VPCI_REG_COMMAND, 2, NULL);

	/* Read by the dispatcher from the dword's one hardware read, as
	 * hw_cmd_read does, while no write is held. */
	if (!rc)
		vpci_register_mark(dev, VPCI_REG_COMMAND, VPCI_REG_READS_CMD);
	if (!rc && dev->vf_of)
		rc = vpci_add_register(dev, id_read, NULL, VPCI_REG_VENDOR_ID,
				       4, NULL, NULL);
	return rc ? rc : vpci_header_add_bar_regs(dev, false);
}

/*
 * A guest's header. Identity, class, header type, subsystem, capability
 * pointer and interrupt pin are the hardware's, read-only; cache line
 * size, latency timer and interrupt line are latches the guest owns;
 * BIST, CardBus CIS, the bridge's bus numbers and windows read as 0.
 */
static int add_guest_regs(struct vpci_dev *dev)
{
	/* clang-format off */
	static const struct reg_def common[] = {
		{VPCI_REG_VENDOR_ID, 4, 0, id_read, NULL, {0}},
		{VPCI_REG_REVISION, 4, 0, hw_ro_read, NULL, {0}},
	};
	/* 0x0c is add_guest_cache_latency's. */
	static const struct reg_def cap_ptr[] = {
		{VPCI_REG_CAP_PTR, 1, 0, guest_cap_ptr_read, NULL, {0}},
	};
	/* A type 0 header's last dword is intx_dword_read/write's. */
	static const struct reg_def type0[] = {
		{VPCI_REG_SUBSYS_VENDOR_ID, 4, 0, hw_ro_read, NULL, {0}},
	};
	static const struct reg_def type1[] = {
		{VPCI_REG_INTERRUPT_LINE, 1, LATCH(intx_line), latch_read,
		 latch_write, {0}},
		{VPCI_REG_INTERRUPT_PIN, 1, 0, hw_ro_read, NULL, {0}},
	};
	/* clang-format on */
	int rc = vpci_add_dword_register(dev, guest_cmd_status_read,
					 guest_cmd_status_write,
					 VPCI_REG_COMMAND, NULL);

	if (!rc)
		rc = add_regs(dev, common, sizeof(common) / sizeof(common[0]));
	if (!rc)
		rc = add_guest_cache_latency(dev);
	if (!rc)
		rc = add_regs(dev, cap_ptr, 1);

	if (!rc && dev->hdr->nr_bars == VPCI_TYPE0_NR_BARS)
		rc = add_regs(dev, type0, sizeof(type0) / sizeof(type0[0]));
	if (!rc && dev->hdr->nr_bars == VPCI_TYPE0_NR_BARS)
		rc = vpci_add_dword_register(dev, intx_dword_read,
					     intx_dword_write,
					     VPCI_REG_INTERRUPT_LINE, NULL);
	else if (!rc)
		rc = add_regs(dev, type1, sizeof(type1) / sizeof(type1[0]));
	return rc ? rc : vpci_header_add_bar_regs(dev, true);
}

int vpci_header_init(struct vpci_dev *dev)
{
	struct vpci_host *host = dev->host;
	const struct vpci_platform_ops *ops;
	struct vpci_header *hdr;
	bool guest = vpci_dev_is_guest(dev);
	unsigned int type, i;
	void *ctx;
	int rc;

	if (!dev->vf_of &&
	    vpci_phys_read(host, dev->sbdf, VPCI_REG_VENDOR_ID, 2) == 0xffffu) {
		vpci_log(host, VPCI_LOG_ERROR, "%pS: no function answers",
			 dev->sbdf);
		return VPCI_EIO;
	}
	type = vpci_phys_read(host, dev->sbdf, VPCI_REG_HEADER_TYPE, 1) &
	       VPCI_HEADER_TYPE_MASK;
	if (type != VPCI_HEADER_TYPE_NORMAL &&
	    type != VPCI_HEADER_TYPE_BRIDGE) {
		vpci_log(host, VPCI_LOG_ERROR,
			 "%pS: header type %u is not emulated (only 0 and 1): "
			 "no vPCI state",
			 dev->sbdf, type);
		return VPCI_ENOTSUP;
	}
	hdr = vpci_zalloc(host, sizeof(*hdr));
	if (!hdr)
		return VPCI_ENOMEM;
	ops = host->ops;
	ctx = host->ctx;
	dev->hdr = hdr;
	hdr->dev = dev;
	hdr->nr_bars = type == VPCI_HEADER_TYPE_NORMAL ? VPCI_TYPE0_NR_BARS
						       : VPCI_TYPE1_NR_BARS;
	for (i = 0; i < VPCI_NR_SLOTS; i++) {
		struct vpci_bar *bar = &hdr->bars[i];

		bar->slot = (uint8_t)i;
		/* An empty set, as vpci_rangeset_init() makes one, without
		 * seven calls (hdr is zeroed: only the platform is set). */
		bar->excluded.ops = ops;
		bar->excluded.ctx = ctx;
	}
	if (dev->vf_of)
		vpci_vf_bars_fill(dev); /* slices of its PF's VF BARs */
	else
		vpci_bars_probe(dev);
	vpci_msix_locate(dev);
	if (guest) {
		/*
		 * A guest gets the device quiescent, as after a reset: no
		 * decoding (its BAR addresses are not the guest's yet) and no
		 * DMA until its driver asks. Its BARs read 0 until it places
		 * them: host physical addresses are none of a guest's business.
		 */
		const uint16_t quiet =
			VPCI_CMD_IO | VPCI_CMD_MEMORY | VPCI_CMD_MASTER;

		for (i = 0; i < VPCI_NR_SLOTS; i++)
			hdr->bars[i].guest_addr = 0;
		/* Never the MSI-X table or PBA frames, nor a ROM that
		 * points at another function's registers. */
		hdr->msix_guard = true;
		vpci_guard_guest_rom(dev);

		if (hdr->cmd & quiet)
			vpci_phys_write(host, dev->sbdf, VPCI_REG_COMMAND, 2,
					hdr->cmd & (uint16_t)~quiet);
		hdr->cmd &= VPCI_CMD_INTX_DISABLE;
		hdr->cache_latency = vpci_phys_read(
			host, dev->sbdf, VPCI_REG_CACHE_LINE_SIZE, 2);
		hdr->intx_line = INTX_LINE_UNKNOWN;
	}
	/* The hardware domain's MSI-X table and PBA frames are never mapped
	 * either once MSI-X is emulated for it: accesses trap to
	 * vpci_msix_read/write (docs/capabilities.md). */
	if (vpci_irq_msix_emulated(dev))
		hdr->msix_guard = true;
	rc = guest ? add_guest_regs(dev) : add_hwdom_regs(dev);
	if (rc)
		return rc; /* the caller tears down */
	for (i = 0; guest && i < VPCI_NR_SLOTS; i++)
		if (hdr->bars[i].size_bytes &&
		    hdr->bars[i].size_bytes < VPCI_FRAME_SIZE &&
		    hdr->bars[i].kind != VPCI_BAR_IO)
			vpci_log(host, VPCI_LOG_INFO,
				 "%pS: BAR at 0x%x is smaller than a page: the "
				 "guest is given the whole frame",
				 dev->sbdf, hdr->bars[i].reg);
	/* Hardware domain: decoding already on (firmware left it so, or a
	 * guest did before giving the device back): map what it decodes.
	 * A physical function with memory decoding off has nothing to map
	 * (a guest's always starts so), nor any write waiting for it. */
	if (dev->vf_of || (hdr->cmd & VPCI_CMD_MEMORY))
		vpci_bars_apply(dev, VPCI_ALL_SLOTS, true);
	return 0;
}

void vpci_header_teardown(struct vpci_dev *dev)
{
	struct vpci_header *hdr = dev->hdr;
	unsigned int i;

	if (!hdr)
		return;
	vpci_bars_release(dev);
	for (i = 0; i < VPCI_NR_SLOTS; i++)
		vpci_rangeset_destroy(&hdr->bars[i].excluded);
	vpci_free(dev->host, hdr);
	dev->hdr = NULL;
}

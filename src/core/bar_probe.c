/* SPDX-License-Identifier: MIT */
/*
 * BAR discovery: each BAR's kind, size and address, read from the hardware
 * the way a careful OS does it (PCI 3.0 section 6.2.5.1): memory and I/O
 * decoding off, write all-ones, read back, restore the BAR, then restore
 * the command register. What a BAR then does is header.c's and map.c's.
 */
#include "internal.h"
#include "header.h"
#include "frame_guard.h"

/* The lowest set bit: a BAR's size from the address bits it implements. */
static uint64_t lowest_bit(uint64_t mask)
{
	return mask & (~mask + 1u);
}

/* A BAR or ROM register, straight to the platform: every offset here is
 * a dword of the header, so vpci_phys_read()'s checks have nothing to
 * catch (sizing makes about thirty such accesses per function). */
static uint32_t bar_reg_read(const struct vpci_dev *dev, unsigned int reg)
{
	return dev->host->ops->conf_read(dev->host->ctx, dev->sbdf, reg, 4);
}

static void bar_reg_write(const struct vpci_dev *dev, unsigned int reg,
			  uint32_t val)
{
	dev->host->ops->conf_write(dev->host->ctx, dev->sbdf, reg, 4, val);
}

/* Write probe to a dword, read what sticks, put the original back. */
static inline __attribute__((always_inline)) uint32_t
probe_dword(const struct vpci_dev *dev, unsigned int reg, uint32_t probe,
	    uint32_t orig)
{
	uint32_t got;

	bar_reg_write(dev, reg, probe);
	got = bar_reg_read(dev, reg);
	bar_reg_write(dev, reg, orig);
	return got;
}

static void bar_set(struct vpci_bar *bar, uint8_t kind, uint64_t mask,
		    uint64_t orig, uint8_t flags)
{
	bar->size_bytes = lowest_bit(mask);
	if (!bar->size_bytes) {
		bar->kind = VPCI_BAR_NONE; /* no address bits: unimplemented */
		return;
	}
	bar->kind = kind;
	bar->addr_mask = mask;
	bar->addr = orig & mask;
	bar->guest_addr = bar->addr;
	bar->flags = flags;
}

/* Size the BAR at slot i; returns the number of slots it uses (1 or 2). */
static unsigned int probe_bar(struct vpci_dev *dev, unsigned int i)
{
	struct vpci_header *hdr = dev->hdr;
	struct vpci_bar *bar = &hdr->bars[i];
	unsigned int reg = VPCI_REG_BAR0 + 4u * i;
	uint32_t orig = bar_reg_read(dev, reg);
	uint32_t lo, hi, orig_hi;

	bar->reg = (uint16_t)reg;
	if (orig & VPCI_BAR_SPACE_IO) {
		/* Devices decoding 16 bits of I/O read the upper half as 0
		 * (PCI 3.0 section 6.2.5.1): keep the mask as it reads. */
		lo = probe_dword(dev, reg, 0xffffffffu, orig);
		bar_set(bar, VPCI_BAR_IO, lo & VPCI_BAR_IO_ADDR_MASK, orig,
			(uint8_t)(orig & 3u));
		return 1;
	}
	switch (orig & VPCI_BAR_MEM_TYPE_MASK) {
	case VPCI_BAR_MEM_TYPE_64:
		break;
	case 0x2u: /* "below 1 MiB" in PCI 2.x, reserved since 3.0 */
	case VPCI_BAR_MEM_TYPE_32:
		lo = probe_dword(dev, reg, 0xffffffffu, orig);
		bar_set(bar, VPCI_BAR_MEM32, lo & VPCI_BAR_MEM_ADDR_MASK, orig,
			(uint8_t)(orig & 0xfu));
		return 1;
	default:
		vpci_log(dev->host, VPCI_LOG_ERROR,
			 "%pS: BAR%u has the reserved memory type 3: ignored",
			 dev->sbdf, i);
		return 1;
	}
	if (i + 1 >= hdr->nr_bars) {
		vpci_log(dev->host, VPCI_LOG_ERROR,
			 "%pS: BAR%u is 64-bit but is the last BAR: ignored",
			 dev->sbdf, i);
		return 1;
	}
	orig_hi = bar_reg_read(dev, reg + 4);
	lo = probe_dword(dev, reg, 0xffffffffu, orig);
	hi = probe_dword(dev, reg + 4, 0xffffffffu, orig_hi);
	/* From 4 GiB up the low dword has no address bits: size from the
	 * whole 64-bit mask. */
	bar_set(bar, VPCI_BAR_MEM64,
		((uint64_t)hi << 32) | (lo & VPCI_BAR_MEM_ADDR_MASK),
		((uint64_t)orig_hi << 32) | orig, (uint8_t)(orig & 0xfu));
	if (bar->kind == VPCI_BAR_MEM64) {
		hdr->bars[i + 1].kind = VPCI_BAR_MEM64_HI;
		hdr->bars[i + 1].reg = (uint16_t)(reg + 4);
	}
	return 2;
}

static void probe_rom(struct vpci_dev *dev, unsigned int reg)
{
	struct vpci_bar *rom = &dev->hdr->bars[VPCI_ROM_SLOT];
	uint32_t orig = bar_reg_read(dev, reg);
	/* Address bits only: all-ones would also set the enable bit. */
	uint32_t got = probe_dword(dev, reg, VPCI_ROM_ADDR_MASK, orig);

	rom->reg = (uint16_t)reg;
	bar_set(rom, VPCI_BAR_ROM, got & VPCI_ROM_ADDR_MASK,
		orig & VPCI_ROM_ADDR_MASK, 0);
	dev->hdr->rom_enabled =
		rom->kind == VPCI_BAR_ROM && (orig & VPCI_ROM_ENABLE);
}

void vpci_bars_probe(struct vpci_dev *dev)
{
	struct vpci_header *hdr = dev->hdr;
	const uint16_t decode = VPCI_CMD_IO | VPCI_CMD_MEMORY;
	uint16_t cmd = (uint16_t)vpci_phys_read(dev->host, dev->sbdf,
						VPCI_REG_COMMAND, 2);
	unsigned int i;

	/* A BAR holding all-ones must not decode: it would claim the top of
	 * the address space while we look. */
	if (cmd & decode)
		vpci_phys_write(dev->host, dev->sbdf, VPCI_REG_COMMAND, 2,
				cmd & (uint16_t)~decode);
	for (i = 0; i < hdr->nr_bars;)
		i += probe_bar(dev, i);
	probe_rom(dev, hdr->nr_bars == VPCI_TYPE0_NR_BARS
			       ? VPCI_REG_ROM_ADDRESS
			       : VPCI_REG_ROM_ADDRESS1);
	if (cmd & decode)
		vpci_phys_write(dev->host, dev->sbdf, VPCI_REG_COMMAND, 2, cmd);
	hdr->cmd = cmd;
	/* Remembered past this state: frame_guard.c needs the sizes of
	 * functions that have none (read-only, externally emulated). */
	for (i = 0; i < VPCI_NR_SLOTS; i++)
		dev->seen_bytes[i] = hdr->bars[i].size_bytes;
}

/* The size a memory BAR (or ROM) decodes, from what a probe read back. */
static uint64_t measure_mem(struct vpci_dev *dev, unsigned int reg,
			    uint32_t orig, bool is64)
{
	uint32_t lo = probe_dword(dev, reg, 0xffffffffu, orig);
	uint64_t mask = lo & VPCI_BAR_MEM_ADDR_MASK;

	if (is64) {
		uint32_t orig_hi = bar_reg_read(dev, reg + 4u);

		mask |= (uint64_t)probe_dword(dev, reg + 4u, 0xffffffffu,
					      orig_hi)
			<< 32;
	}
	return lowest_bit(mask);
}

void vpci_bars_measure(struct vpci_dev *dev)
{
	struct vpci_host *host = dev->host;
	const uint16_t decode = VPCI_CMD_IO | VPCI_CMD_MEMORY;
	unsigned int type, nr_bars, i, rom_reg;
	uint32_t orig;
	uint16_t cmd;

	if (vpci_phys_read(host, dev->sbdf, VPCI_REG_VENDOR_ID, 2) == 0xffffu)
		return;
	type = vpci_phys_read(host, dev->sbdf, VPCI_REG_HEADER_TYPE, 1) &
	       VPCI_HEADER_TYPE_MASK;
	if (type != VPCI_HEADER_TYPE_NORMAL && type != VPCI_HEADER_TYPE_BRIDGE)
		return;
	nr_bars = type == VPCI_HEADER_TYPE_NORMAL ? VPCI_TYPE0_NR_BARS
						  : VPCI_TYPE1_NR_BARS;
	rom_reg = type == VPCI_HEADER_TYPE_NORMAL ? VPCI_REG_ROM_ADDRESS
						  : VPCI_REG_ROM_ADDRESS1;
	cmd = (uint16_t)vpci_phys_read(host, dev->sbdf, VPCI_REG_COMMAND, 2);
	if (cmd & decode)
		vpci_phys_write(host, dev->sbdf, VPCI_REG_COMMAND, 2,
				cmd & (uint16_t)~decode);
	for (i = 0; i < nr_bars; i++) {
		unsigned int reg = VPCI_REG_BAR0 + 4u * i;
		bool is64;

		orig = bar_reg_read(dev, reg);
		if ((orig & VPCI_BAR_SPACE_IO) ||
		    (orig & VPCI_BAR_MEM_TYPE_MASK) == 0x6u)
			continue; /* no memory frames (or ignored, as above) */
		is64 = (orig & VPCI_BAR_MEM_TYPE_MASK) == VPCI_BAR_MEM_TYPE_64;
		if (is64 && i + 1u >= nr_bars)
			continue;
		dev->seen_bytes[i] = measure_mem(dev, reg, orig, is64);
		i += is64;
	}
	orig = bar_reg_read(dev, rom_reg);
	dev->seen_bytes[VPCI_ROM_SLOT] =
		lowest_bit(probe_dword(dev, rom_reg, VPCI_ROM_ADDR_MASK, orig) &
			   VPCI_ROM_ADDR_MASK);
	if (cmd & decode)
		vpci_phys_write(host, dev->sbdf, VPCI_REG_COMMAND, 2, cmd);
}

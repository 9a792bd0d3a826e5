/* SPDX-License-Identifier: MIT */
/*
 * The BAR and expansion ROM registers of the type 0/1 header, as the
 * hardware domain and as a guest see them (docs/header.md), and adding
 * them at a state build. Where a BAR maps and the map work are map.c's;
 * sizing is bar_probe.c's; the rest of the header is header.c's.
 *
 *  - Hardware domain: BAR writes reach the hardware while the BAR is not
 *    mapped and are ignored while it is (a sizing probe of a mapped BAR
 *    is answered here instead); a ROM enable reaches it once the ROM is
 *    (un)mapped.
 *  - Guest: addresses are virtual; the hardware keeps the host's.
 */
#include "internal.h"
#include "header.h"
#include "map.h"

/* A 64-bit BAR's state lives in its low slot. */
static struct vpci_bar *low_slot(struct vpci_bar *slot)
{
	return slot->kind == VPCI_BAR_MEM64_HI ? slot - 1 : slot;
}

static unsigned int slot_bit(const struct vpci_dev *dev,
			     const struct vpci_bar *bar)
{
	return 1u << (unsigned int)(bar - dev->hdr->bars);
}

static uint32_t half(uint64_t v, bool hi)
{
	return hi ? (uint32_t)(v >> 32) : (uint32_t)v;
}

static void set_half(uint64_t *v, bool hi, uint32_t val)
{
	if (hi)
		*v = (*v & 0xffffffffull) | ((uint64_t)val << 32);
	else
		*v = (*v & ~0xffffffffull) | val;
}

/* ---------------------------------------------------------------- BARs */

static uint32_t hw_bar_read(const struct vpci_dev *dev, unsigned int reg,
			    unsigned int size, void *data)
{
	struct vpci_bar *slot = data, *bar = low_slot(slot);
	bool hi = slot != bar;

	(void)size;
	if (hi ? bar->probe_hi : bar->probe_lo)
		return half(bar->addr_mask, hi) | (hi ? 0u : bar->flags);
	/* reg is the BAR's own aligned dword: straight to the platform
	 * (vpci_phys_read's checks would make gcc outline them here). */
	return dev->host->ops->conf_read(dev->host->ctx, dev->sbdf, reg, 4);
}

/* A BAR write that moves an unmapped BAR: the hardware gets it, then the
 * BAR is placed again. */
static __attribute__((noinline)) void
hw_bar_move(struct vpci_dev *dev, struct vpci_bar *bar, bool hi,
	    unsigned int reg, uint32_t val)
{
	*(hi ? &bar->probe_hi : &bar->probe_lo) = false;
	vpci_phys_write(dev->host, dev->sbdf, reg, 4, val);
	set_half(&bar->addr, hi, val & half(bar->addr_mask, hi));
	vpci_bars_apply(dev, slot_bit(dev, bar), false);
}

static __attribute__((noinline, cold)) void
hw_bar_write_ignored(const struct vpci_dev *dev, unsigned int reg,
		     uint32_t val)
{
	vpci_log(dev->host, VPCI_LOG_WARN,
		 "%pS: BAR write 0x%x at 0x%x ignored: the BAR is mapped "
		 "(turn memory decoding off to move it)",
		 dev->sbdf, val, reg);
}

/* Every call in tail position: the commonest write (to a mapped BAR)
 * saves no registers. */
static void hw_bar_write(struct vpci_dev *dev, unsigned int reg,
			 unsigned int size, uint32_t val, void *data)
{
	struct vpci_bar *slot = data, *bar = low_slot(slot);
	bool hi = slot != bar;
	bool *probe = hi ? &bar->probe_hi : &bar->probe_lo;
	uint32_t mask = half(bar->addr_mask, hi);

	(void)size;
	if (__builtin_expect(dev->hdr->pending, 0)) {
		vpci_header_write_dropped(dev, reg);
		return;
	}
	if (!bar->in_index) {
		hw_bar_move(dev, bar, hi, reg, val);
		return;
	}
	/* The mapping must keep matching what the hardware decodes, so a
	 * mapped BAR does not move. Sizing it is answered here
	 * (libpciaccess sizes with decoding on). */
	*probe = mask && (val & mask) == mask;
	if (!*probe && (val & mask) != (half(bar->addr, hi) & mask))
		hw_bar_write_ignored(dev, reg, val);
}

static uint32_t guest_bar_read(const struct vpci_dev *dev, unsigned int reg,
			       unsigned int size, void *data)
{
	struct vpci_bar *slot = data, *bar = low_slot(slot);
	uint64_t addr = bar->guest_addr & bar->addr_mask;

	(void)dev;
	(void)reg;
	(void)size;
	return slot != bar ? half(addr, true) : half(addr, false) | bar->flags;
}

static void guest_bar_write(struct vpci_dev *dev, unsigned int reg,
			    unsigned int size, uint32_t val, void *data)
{
	struct vpci_bar *slot = data, *bar = low_slot(slot);
	uint64_t before = bar->guest_addr;

	(void)size;
	if (vpci_header_write_dropped(dev, reg))
		return;
	set_half(&bar->guest_addr, slot != bar, val);
	bar->guest_addr &= bar->addr_mask;
	/* The address it holds already: the BAR is where that puts it
	 * (mapped, or not wanted), unless it waits, blocked, for a retry. */
	if (bar->guest_addr == before && !bar->blocked &&
	    !vpci_held(dev->hdr, VPCI_HELD_CMD) &&
	    !vpci_held(dev->hdr, VPCI_HELD_ROM))
		return;
	/* With decoding on this moves the mapping; a sizing pattern is never
	 * mapped (see bar_placement), so a probe unmaps until restored. */
	vpci_bars_apply(dev, slot_bit(dev, bar), false);
}

/* ----------------------------------------------------------------- ROM */

static uint32_t hw_rom_read(const struct vpci_dev *dev, unsigned int reg,
			    unsigned int size, void *data)
{
	const struct vpci_bar *rom = data;

	(void)size;
	if (rom->probe_lo)
		return (uint32_t)rom->addr_mask | VPCI_ROM_ENABLE;
	if (vpci_held(dev->hdr, VPCI_HELD_ROM))
		return dev->hdr->held[VPCI_HELD_ROM].val;
	return vpci_phys_read(dev->host, dev->sbdf, reg, 4);
}

static void hw_rom_write(struct vpci_dev *dev, unsigned int reg,
			 unsigned int size, uint32_t val, void *data)
{
	struct vpci_bar *rom = data;
	uint32_t mask = (uint32_t)rom->addr_mask;

	(void)size;
	if (vpci_header_write_dropped(dev, reg))
		return;
	if (rom->in_index && (val & VPCI_ROM_ENABLE)) {
		/* Mapped and staying enabled: same rules as a BAR. */
		rom->probe_lo = (val & mask) == mask;
		if (!rom->probe_lo &&
		    (val & mask) != ((uint32_t)rom->addr & mask))
			vpci_log(dev->host, VPCI_LOG_WARN,
				 "%pS: ROM write 0x%x ignored: the ROM is "
				 "mapped (disable it to move it)",
				 dev->sbdf, val);
		return;
	}
	/* Enabling or disabling maps or unmaps the ROM only; the hardware
	 * hears of it once that is done. */
	rom->probe_lo = false;
	rom->addr = val & mask;
	dev->hdr->rom_enabled = val & VPCI_ROM_ENABLE;
	vpci_header_hold(dev->hdr, VPCI_HELD_ROM, rom->reg, 4, val, 0, false);
	vpci_bars_apply(dev, 1u << VPCI_ROM_SLOT, false);
}

static uint32_t guest_rom_read(const struct vpci_dev *dev, unsigned int reg,
			       unsigned int size, void *data)
{
	const struct vpci_bar *rom = data;

	(void)reg;
	(void)size;
	return (uint32_t)(rom->guest_addr & rom->addr_mask) |
	       (dev->hdr->rom_enabled ? VPCI_ROM_ENABLE : 0u);
}

static void guest_rom_write(struct vpci_dev *dev, unsigned int reg,
			    unsigned int size, uint32_t val, void *data)
{
	struct vpci_bar *rom = data;
	bool enable = val & VPCI_ROM_ENABLE;

	(void)size;
	if (vpci_header_write_dropped(dev, reg))
		return;
	rom->guest_addr = val & rom->addr_mask;
	/* The hardware's enable bit follows the guest's; its address stays
	 * the host's. */
	if (enable != dev->hdr->rom_enabled)
		vpci_header_hold(dev->hdr, VPCI_HELD_ROM, rom->reg, 4,
		     (uint32_t)rom->addr | (enable ? VPCI_ROM_ENABLE : 0u), 0,
		     false);
	else
		dev->hdr->held[VPCI_HELD_ROM].size = 0;
	dev->hdr->rom_enabled = enable;
	vpci_bars_apply(dev, 1u << VPCI_ROM_SLOT, false);
}

/* The BAR and ROM registers, with the view's handlers. */
int vpci_header_add_bar_regs(struct vpci_dev *dev, bool guest)
{
	struct vpci_header *hdr = dev->hdr;
	unsigned int i;
	int rc = 0;

	for (i = 0; i < VPCI_NR_SLOTS && !rc; i++) {
		struct vpci_bar *bar = &hdr->bars[i];

		/* A gap: 0 for guests, hardware otherwise (a VF's BARs read
		 * 0 in hardware: its space is the PF's VF BARs). */
		if (bar->kind == VPCI_BAR_NONE ||
		    (!guest && (bar->kind == VPCI_BAR_IO || dev->vf_of)))
			continue;
		if (bar->kind == VPCI_BAR_ROM)
			rc = vpci_header_add_register(
				dev, guest ? guest_rom_read : hw_rom_read,
				guest ? guest_rom_write : hw_rom_write,
				bar->reg, 4, bar);
		else
			rc = vpci_header_add_register(
				dev, guest ? guest_bar_read : hw_bar_read,
				guest ? guest_bar_write : hw_bar_write,
				bar->reg, 4, bar);
	}
	return rc;
}

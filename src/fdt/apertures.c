/* SPDX-License-Identifier: MIT */
/*
 * Do a host bridge's apertures hold its guest's BARs? The guest OS
 * places BARs itself (Linux: largest first, each aligned to its size,
 * from the start of the window), and the hypervisor maps whole 4 KiB
 * frames, so a memory BAR takes at least a frame. We replay that
 * placement per aperture and refuse, naming the first BAR left out,
 * when a window is too small, missing, or misplaced.
 */
#include "fdt_internal.h"

#define FRAME	   4096ull
#define BELOW_4GIB (1ull << 32)
#define ECAM_BUS   (1ull << 20)

static const char *const space_names[VPCI_FDT_NR_SPACES] = {
	[VPCI_FDT_SPACE_IO] = "I/O",
	[VPCI_FDT_SPACE_MEM32] = "32-bit memory",
	[VPCI_FDT_SPACE_MEM64_PREF] = "64-bit prefetchable memory",
};

enum vpci_fdt_space vfdt_bar_space(const struct vpci_fdt_bridge *b,
				   const struct vpci_fdt_bar *bar)
{
	if (bar->kind == VPCI_FDT_BAR_IO)
		return VPCI_FDT_SPACE_IO;
	/* Only a 64-bit BAR can sit above 4 GiB; a non-prefetchable one
	 * must not sit in a prefetchable window (PCI bridge rules, which
	 * Linux applies to host bridges too). */
	if (bar->kind == VPCI_FDT_BAR_MEM64 && bar->prefetchable &&
	    b->apertures[VPCI_FDT_SPACE_MEM64_PREF].size)
		return VPCI_FDT_SPACE_MEM64_PREF;
	return VPCI_FDT_SPACE_MEM32;
}

uint64_t vfdt_bar_footprint(const struct vpci_fdt_bar *bar)
{
	if (bar->kind != VPCI_FDT_BAR_IO && bar->size < FRAME)
		return FRAME;
	return bar->size;
}

static void put_bar(struct fdt_msg *m, const struct vpci_fdt_bar *bar)
{
	static const char *const kinds[] = {"I/O", "32-bit memory",
					    "64-bit memory", "ROM"};

	vfdt_msg_sbdf(m, bar->sbdf);
	if (bar->index == 6) {
		vfdt_msg_str(m, " ROM");
	} else {
		vfdt_msg_str(m, " BAR");
		vfdt_msg_dec(m, bar->index);
	}
	vfdt_msg_str(m, " (");
	vfdt_msg_str(m, bar->kind <= VPCI_FDT_BAR_ROM ? kinds[bar->kind] : "?");
	if (bar->prefetchable && bar->kind != VPCI_FDT_BAR_ROM)
		vfdt_msg_str(m, ", prefetchable");
	vfdt_msg_str(m, ", ");
	vfdt_msg_hex(m, bar->size);
	vfdt_msg_str(m, " bytes)");
}

static int bad_bar(const struct vpci_fdt_bar *bar, const char *what,
		   struct vpci_fdt_error *err)
{
	struct fdt_msg m;

	vfdt_msg_begin(&m, err, NULL, NULL);
	put_bar(&m, bar);
	vfdt_msg_str(&m, what);
	return vfdt_msg_end(&m, VPCI_EINVAL);
}

static bool overlap(uint64_t a, uint64_t a_len, uint64_t b, uint64_t b_len)
{
	return a_len && b_len && a < b + b_len && b < a + a_len;
}

static int check_window(const struct vpci_fdt_bridge *b,
			struct vpci_fdt_error *err)
{
	uint64_t ecam_len =
		((uint64_t)b->bus_last - b->bus_first + 1) * ECAM_BUS;
	unsigned int i, j;

	if (b->bus_first > b->bus_last)
		return vfdt_fail(err, VPCI_EINVAL, NULL, "bus-range",
				 "first bus above the last");
	if (b->ecam_base % ECAM_BUS || b->ecam_base > UINT64_MAX - ecam_len)
		return vfdt_fail(err, VPCI_EINVAL, NULL, "reg",
				 "the ECAM base must be 1 MiB aligned and the "
				 "window must not wrap");
	for (i = 0; i < VPCI_FDT_NR_SPACES; i++) {
		const struct vpci_fdt_aperture *a = &b->apertures[i];
		uint64_t pci_limit = i == VPCI_FDT_SPACE_MEM64_PREF
					     ? UINT64_MAX
					     : BELOW_4GIB;

		if (!a->size)
			continue;
		if (a->cpu_addr > UINT64_MAX - a->size || a->size > pci_limit ||
		    a->pci_addr > pci_limit - a->size ||
		    overlap(a->cpu_addr, a->size, b->ecam_base, ecam_len)) {
			struct fdt_msg m;

			vfdt_msg_begin(&m, err, NULL, "ranges");
			vfdt_msg_str(&m, space_names[i]);
			vfdt_msg_str(&m, " aperture at ");
			vfdt_msg_hex(&m, a->cpu_addr);
			vfdt_msg_str(
				&m, ": wraps, ends above the space's limit, or "
				    "overlaps the ECAM window");
			return vfdt_msg_end(&m, VPCI_EINVAL);
		}
		for (j = 0; j < i; j++)
			if (overlap(a->cpu_addr, a->size,
				    b->apertures[j].cpu_addr,
				    b->apertures[j].size))
				return vfdt_fail(err, VPCI_EINVAL, NULL,
						 "ranges",
						 "two apertures overlap");
	}
	return 0;
}

static uint64_t align_up_sat(uint64_t v, uint64_t align)
{
	if (v > UINT64_MAX - (align - 1))
		return UINT64_MAX;
	return (v + align - 1) & ~(align - 1);
}

/* Place every BAR of space s, largest first; returns the bytes needed
 * from the aperture's start and, in *first_out, the first BAR that
 * crossed limit (NULL when all fit). */
static uint64_t place(const struct vpci_fdt_bridge *b, enum vpci_fdt_space s,
		      uint64_t start, uint64_t limit,
		      const struct vpci_fdt_bar **first_out)
{
	uint64_t cursor = start;
	unsigned int shift;
	size_t i;

	*first_out = NULL;
	for (shift = 64; shift-- > 0;) {
		for (i = 0; i < b->nr_bars; i++) {
			const struct vpci_fdt_bar *bar = &b->bars[i];
			uint64_t fp = vfdt_bar_footprint(bar);

			if (fp != 1ull << shift || vfdt_bar_space(b, bar) != s)
				continue;
			cursor = align_up_sat(cursor, fp);
			cursor = cursor > UINT64_MAX - fp ? UINT64_MAX
							  : cursor + fp;
			if (cursor > limit && !*first_out)
				*first_out = bar;
		}
	}
	return cursor - start;
}

static int check_bars(const struct vpci_fdt_bridge *b,
		      struct vpci_fdt_error *err)
{
	const struct vpci_fdt_bar *left_out;
	unsigned int s;
	size_t i;

	for (i = 0; i < b->nr_bars; i++) {
		const struct vpci_fdt_bar *bar = &b->bars[i];

		if (!bar->size || (bar->size & (bar->size - 1)) ||
		    bar->kind > VPCI_FDT_BAR_ROM || bar->index > 6)
			return bad_bar(bar,
				       ": not a BAR (size must be a "
				       "power of two)",
				       err);
		if (!b->apertures[vfdt_bar_space(b, bar)].size) {
			struct fdt_msg m;

			vfdt_msg_begin(&m, err, NULL, NULL);
			put_bar(&m, bar);
			vfdt_msg_str(&m, ": needs a ");
			vfdt_msg_str(&m, space_names[vfdt_bar_space(b, bar)]);
			vfdt_msg_str(&m,
				     " aperture and the host bridge has none");
			return vfdt_msg_end(&m, VPCI_ENOSPC);
		}
	}
	for (s = 0; s < VPCI_FDT_NR_SPACES; s++) {
		const struct vpci_fdt_aperture *a = &b->apertures[s];
		uint64_t need;
		struct fdt_msg m;

		if (!a->size)
			continue;
		need = place(b, s, a->pci_addr, a->pci_addr + a->size,
			     &left_out);
		if (!left_out)
			continue;
		vfdt_msg_begin(&m, err, NULL, NULL);
		vfdt_msg_str(&m, "the ");
		vfdt_msg_str(&m, space_names[s]);
		vfdt_msg_str(&m, " aperture (");
		vfdt_msg_hex(&m, a->size);
		vfdt_msg_str(&m, " bytes at bus address ");
		vfdt_msg_hex(&m, a->pci_addr);
		vfdt_msg_str(&m,
			     ") cannot hold the guest's BARs: placed largest "
			     "first, each aligned to its size, they need ");
		vfdt_msg_hex(&m, need);
		vfdt_msg_str(&m, " bytes; first left out: ");
		put_bar(&m, left_out);
		return vfdt_msg_end(&m, VPCI_ENOSPC);
	}
	return 0;
}

int vpci_fdt_bridge_check(const struct vpci_fdt_bridge *b,
			  struct vpci_fdt_error *err)
{
	int rc = check_window(b, err);

	return rc ? rc : check_bars(b, err);
}

/* SPDX-License-Identifier: MIT */
/*
 * Sets of SBDFs (hidden, read-only): a bitmap per segment in use. The
 * bitmaps are 8 KiB each and few (one per PCI segment). Members are
 * counted so that an empty set answers without looking.
 */
#include "internal.h"

void vpci_sbdf_set_init(struct vpci_sbdf_set *set, struct vpci_host *host)
{
	vpci_seg_table_init(&set->segs, host);
	set->nr_members = 0;
}

void vpci_sbdf_set_destroy(struct vpci_sbdf_set *set)
{
	vpci_seg_table_destroy(&set->segs);
	set->nr_members = 0;
}

int vpci_sbdf_set_reserve(struct vpci_sbdf_set *set, uint16_t seg)
{
	/* Asked once per function built: usually there already. */
	if (vpci_seg_table_find(&set->segs, seg))
		return 0;
	return vpci_seg_table_get(&set->segs, seg,
				  sizeof(struct vpci_sbdf_set_seg))
		       ? 0
		       : VPCI_ENOMEM;
}

int vpci_sbdf_set_add(struct vpci_sbdf_set *set, vpci_sbdf_t sbdf)
{
	uint16_t bdf = VPCI_SBDF_BDF(sbdf);
	struct vpci_sbdf_set_seg *s = (struct vpci_sbdf_set_seg *)
		vpci_seg_table_get(&set->segs, VPCI_SBDF_SEG(sbdf),
				   sizeof(*s));
	uint32_t bit = 1u << (bdf % 32u);

	if (!s)
		return VPCI_ENOMEM;
	if (!(s->bits[bdf / 32u] & bit))
		set->nr_members++;
	s->bits[bdf / 32u] |= bit;
	return 0;
}

void vpci_sbdf_set_remove(struct vpci_sbdf_set *set, vpci_sbdf_t sbdf)
{
	struct vpci_sbdf_set_seg *s = (struct vpci_sbdf_set_seg *)
		vpci_seg_table_find(&set->segs, VPCI_SBDF_SEG(sbdf));
	uint16_t bdf = VPCI_SBDF_BDF(sbdf);
	uint32_t bit = 1u << (bdf % 32u);

	if (s && (s->bits[bdf / 32u] & bit)) {
		s->bits[bdf / 32u] &= ~bit;
		set->nr_members--;
	}
}

bool vpci_sbdf_set_slot_any(const struct vpci_sbdf_set *set,
			    vpci_sbdf_t sbdf)
{
	const struct vpci_sbdf_set_seg *s;
	uint16_t first = (uint16_t)(VPCI_SBDF_BDF(sbdf) & ~7u);

	if (!set->nr_members)
		return false;
	s = (const struct vpci_sbdf_set_seg *)vpci_seg_table_find(
		&set->segs, VPCI_SBDF_SEG(sbdf));
	/* The 8 functions of a slot share one byte of the bitmap. */
	return s && ((s->bits[first / 32u] >> (first % 32u)) & 0xffu);
}

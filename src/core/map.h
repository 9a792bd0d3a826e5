/* SPDX-License-Identifier: MIT */
/*
 * The map work (map.c): bringing a group's platform mappings in line with
 * what its BARs want, with preemption, and vpci_process_pending. Private
 * to the core.
 */
#ifndef VPCI_MAP_H
#define VPCI_MAP_H

#include "internal.h"

/*
 * Bring the mappings of the slots in mask (bit i: bars[i]) in line with
 * the header state and run the device's map work; once none is left,
 * perform the config writes held for it (header.h). sync: keep going
 * when the platform preempts (setup); otherwise preempted work waits for
 * vpci_process_pending().
 */
void vpci_bars_apply(struct vpci_dev *dev, unsigned int mask, bool sync);
/* Unmap what dev's BARs contribute, synchronously (teardown); deferred
 * hardware writes are dropped. */
void vpci_bars_release(struct vpci_dev *dev);
/* True while dev has map work queued. */
bool vpci_bars_pending(const struct vpci_dev *dev);
/* Retry unmapping what g has mapped that nobody wants (after an unmap
 * failed). Never allocates. Returns 0 when nothing is left over, else the
 * first unmap error still standing (the frames stay recorded). */
int vpci_group_sweep(struct vpci_host *host, struct vpci_owner_group *g);

#endif /* VPCI_MAP_H */

/* SPDX-License-Identifier: MIT */
/*
 * Linux's IORESOURCE_* flag bits (include/linux/ioport.h) as sysfs
 * `resource` files print them: read by the capture loader, written by
 * the sysfs exporter. One copy, so both speak the same flags.
 */
#ifndef HARNESS_IORESOURCE_H
#define HARNESS_IORESOURCE_H

#define IORESOURCE_ROM_SHADOW 0x00000002ull /* a RAM copy, not the BAR */
#define IORESOURCE_IO	      0x00000100ull
#define IORESOURCE_MEM	      0x00000200ull
#define IORESOURCE_PREFETCH   0x00002000ull
#define IORESOURCE_READONLY   0x00004000ull
#define IORESOURCE_SIZEALIGN  0x00040000ull
#define IORESOURCE_MEM_64     0x00100000ull

#endif /* HARNESS_IORESOURCE_H */

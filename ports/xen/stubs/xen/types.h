/* SPDX-License-Identifier: MIT */
/*
 * Stub: the shapes of the Xen types the port uses (pci_sbdf_t, gfn_t,
 * mfn_t, paddr_t, domid_t), written for this project from Xen's
 * interfaces, not copied. A real build uses Xen's own headers instead.
 */
#ifndef PORT_STUB_XEN_TYPES_H
#define PORT_STUB_XEN_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef uint16_t domid_t;
typedef uint64_t paddr_t;

/* Xen wraps frame numbers in structs so gfns and mfns cannot be mixed. */
typedef struct {
	unsigned long gfn;
} gfn_t;
typedef struct {
	unsigned long mfn;
} mfn_t;

static inline gfn_t _gfn(unsigned long g)
{
	return (gfn_t){g};
}
static inline mfn_t _mfn(unsigned long m)
{
	return (mfn_t){m};
}
static inline unsigned long gfn_x(gfn_t g)
{
	return g.gfn;
}
static inline unsigned long mfn_x(mfn_t m)
{
	return m.mfn;
}

/* Segment:bus:devfn in 32 bits, the same packing libvpci uses. */
typedef struct {
	uint32_t sbdf;
} pci_sbdf_t;

#define PCI_SBDF(s, b, d, f)                                                   \
	((pci_sbdf_t){((uint32_t)(s) << 16) | ((uint32_t)(b) << 8) |           \
		      ((uint32_t)(d) << 3) | (uint32_t)(f)})

#endif /* PORT_STUB_XEN_TYPES_H */

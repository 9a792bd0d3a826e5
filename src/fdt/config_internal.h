/* SPDX-License-Identifier: MIT */
/* Private to the configuration parser (config.c, config_pci.c, boot.c). */
#ifndef VPCI_FDT_CONFIG_INTERNAL_H
#define VPCI_FDT_CONFIG_INTERNAL_H

#include <string.h>

#include "fdt_internal.h"

struct parse_ctx {
	const void *fdt;
	struct vpci_fdt_config *cfg;
	struct vpci_fdt_error *err;
};

static inline bool str_eq(const char *a, const char *b)
{
	size_t n = strlen(b);

	return strlen(a) == n && memcmp(a, b, n) == 0;
}

/* The vpci,* properties of one xen,domain node (config_pci.c). */
int vfdt_parse_pci(struct parse_ctx *c, const struct prop_ctx *p,
		   struct vpci_fdt_domain *d);

/* "PATH: PROP = \"HOST@GUEST\": " for device i, canonical SBDFs. */
void vfdt_msg_device(struct fdt_msg *m, struct vpci_fdt_error *err,
		     const struct vpci_fdt_config *cfg, size_t i);
/* The domain that holds device i. */
const struct vpci_fdt_domain *
vfdt_device_domain(const struct vpci_fdt_config *cfg, size_t i);

#define PROP_DEVICES	      "vpci,devices"
#define PROP_EXTERNAL_DEVICES "vpci,external-devices"
#define PROP_HOST_BRIDGE      "vpci,host-bridge"
#define PROP_MSI	      "vpci,msi"
#define PROP_MSIX	      "vpci,msix"
#define PROP_ECAM_BASE	      "vpci,ecam-base"
#define PROP_BUS_RANGE	      "vpci,bus-range"
#define PROP_SEGMENT	      "vpci,segment"

#endif /* VPCI_FDT_CONFIG_INTERNAL_H */

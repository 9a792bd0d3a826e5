/* SPDX-License-Identifier: MIT */
/*
 * libvpci error codes: every function of the library (vpci.h, rangeset.h,
 * fdt.h) returns 0 or one of these negative values unless documented
 * otherwise. Their own header so that each public header using them
 * stands alone.
 */
#ifndef VPCI_ERRORS_H
#define VPCI_ERRORS_H

#include "vpci/api.h"

VPCI_BEGIN_DECLS

enum vpci_error {
	VPCI_OK = 0,
	VPCI_EINVAL = -1,   /* malformed argument */
	VPCI_ENOMEM = -2,   /* platform zalloc failed */
	VPCI_ENOENT = -3,   /* no such device, domain or window */
	VPCI_EEXIST = -4,   /* already present / overlapping */
	VPCI_EBUSY = -5,    /* in use, or map work pending */
	VPCI_ENOTSUP = -6,  /* not supported by this platform */
	VPCI_ERANGE = -7,   /* outside config space or a valid range */
	VPCI_EPERM = -8,    /* hidden or read-only, shared frames, a VF */
	VPCI_ERESTART = -9, /* not finished: call again */
	VPCI_ENOSPC = -10,  /* a fixed-size table is full */
	VPCI_EIO = -11,     /* hardware did not answer as expected */
	VPCI_EPENDING = -12, /* an external emulator answers later (token) */
	VPCI_EMODE = -13,   /* the domain's kind or options do not allow it */
	VPCI_ETOPOLOGY = -14, /* breaks a rule of the guest's virtual topology */
};

/* A short English description of a VPCI_E* code ("unknown error" else). */
const char *vpci_strerror(int err);

VPCI_END_DECLS

#endif /* VPCI_ERRORS_H */

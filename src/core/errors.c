/* SPDX-License-Identifier: MIT */
/* Names for the VPCI_E* codes, for logs and toolstack messages. */
#include "internal.h"

const char *vpci_strerror(int err)
{
	static const char *const names[] = {
		[0] = "success",
		[-VPCI_EINVAL] = "invalid argument",
		[-VPCI_ENOMEM] = "out of memory",
		[-VPCI_ENOENT] = "no such device, domain or window",
		[-VPCI_EEXIST] = "already exists or overlaps",
		[-VPCI_EBUSY] = "busy",
		[-VPCI_ENOTSUP] = "not supported by this platform",
		[-VPCI_ERANGE] = "out of range",
		[-VPCI_EPERM] = "not permitted for this function (hidden, "
				 "read-only, sharing a frame with another "
				 "domain's, or a VF its PF controls); the "
				 "log says which",
		[-VPCI_ERESTART] = "not finished, call again",
		[-VPCI_ENOSPC] = "no space left in a fixed-size table",
		[-VPCI_EIO] = "hardware did not answer as expected",
		[-VPCI_EPENDING] = "pending: an emulator answers later",
		[-VPCI_EMODE] = "not allowed by the domain's kind or options",
		[-VPCI_ETOPOLOGY] = "breaks a rule of the virtual topology",
	};

	if (err > 0 || err < -(int)(sizeof(names) / sizeof(names[0]) - 1))
		return "unknown error";
	return names[-err];
}

/* SPDX-License-Identifier: MIT */
/* SR-IOV in a replay session (session_sriov.c). */
#ifndef HARNESS_SESSION_SRIOV_H
#define HARNESS_SESSION_SRIOV_H

#include "session.h"

/* Append "SSSS:BB:DD.F=N" to *list. Returns 0, or -1 with msg. */
int session_vfs_parse(struct session_vfs **list, size_t *nr, const char *arg,
		      char *msg, size_t msg_len);
/* With the hardware domain created: enable the --vfs VFs through it,
 * then add them to the topology. Returns 0, or -1 with
 * msg naming the PF. */
int session_sriov_setup(struct session *s, const struct session_options *opt,
			char *msg, size_t msg_len);

#endif /* HARNESS_SESSION_SRIOV_H */

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

/* Make the topology's VFs those the hardware model has now (VFs the
 * replayed domain enabled join, disabled ones leave), when VFs came or
 * went since the last call; nothing with a guest (its list is fixed).
 * Returns 1 when the topology changed (the caller lists the functions
 * anew: topology pointers are stale), 0 when not, or -1 with msg (out of
 * memory). */
int session_sriov_sync(struct session *s, char *msg, size_t msg_len);

#endif /* HARNESS_SESSION_SRIOV_H */

/* SPDX-License-Identifier: MIT */
/* Stub: the Xen error numbers the port returns (negated, as Xen does). */
#ifndef PORT_STUB_XEN_ERRNO_H
#define PORT_STUB_XEN_ERRNO_H

#define EPERM	   1
#define ENOENT	   2
#define EIO	   5
#define ENOMEM	   12
#define EBUSY	   16
#define EEXIST	   17
#define EINVAL	   22
#define ENOSPC	   28
#define ERANGE	   34
#define EOPNOTSUPP 95
#define ERESTART   85 /* Xen's internal "continue me" */

#endif /* PORT_STUB_XEN_ERRNO_H */

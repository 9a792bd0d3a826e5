/* SPDX-License-Identifier: MIT */
/* Stub: Xen's heap allocator entry points. */
#ifndef PORT_STUB_XEN_XMALLOC_H
#define PORT_STUB_XEN_XMALLOC_H

#define SMP_CACHE_BYTES 64

void *_xzalloc(unsigned long size, unsigned long align);
void xfree(void *p);

#define xzalloc_bytes(size) _xzalloc(size, SMP_CACHE_BYTES)

#endif /* PORT_STUB_XEN_XMALLOC_H */

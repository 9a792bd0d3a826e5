/* SPDX-License-Identifier: MIT */
/*
 * Stub: what an x86 HVM I/O intercept returns to the emulator: handled,
 * or not this handler's (the access goes on to the next one, e.g. an
 * ioreq server).
 */
#ifndef PORT_STUB_XEN_HVM_IO_H
#define PORT_STUB_XEN_HVM_IO_H

#define X86EMUL_OKAY	     0
#define X86EMUL_UNHANDLEABLE 1

#endif /* PORT_STUB_XEN_HVM_IO_H */

/* SPDX-License-Identifier: MIT */
/*
 * What every public header wraps its declarations in: C linkage for C++
 * consumers, and default symbol visibility, so that the library, built
 * with -fvisibility=hidden, exports exactly the functions its public
 * headers declare and nothing else (tests/check-exports.sh checks it).
 */
#ifndef VPCI_API_H
#define VPCI_API_H

/*
 * A library built with -Dsymbol_prefix=P links as P<name>; its
 * vpci_prefixed_names.h (generated, installed beside this file) maps each
 * public name onto that, so callers keep writing vpci_read() and so on.
 * pkg-config and the Meson dependency define VPCI_PREFIXED_NAMES for it.
 */
#ifdef VPCI_PREFIXED_NAMES
#include "vpci_prefixed_names.h"
#endif

#if defined(__GNUC__) || defined(__clang__)
#define VPCI_VISIBILITY_PUSH _Pragma("GCC visibility push(default)")
#define VPCI_VISIBILITY_POP  _Pragma("GCC visibility pop")
#else
#define VPCI_VISIBILITY_PUSH
#define VPCI_VISIBILITY_POP
#endif

#ifdef __cplusplus
#define VPCI_BEGIN_DECLS                                                       \
	extern "C" {                                                           \
	VPCI_VISIBILITY_PUSH
#define VPCI_END_DECLS                                                         \
	VPCI_VISIBILITY_POP                                                    \
	}
#else
#define VPCI_BEGIN_DECLS VPCI_VISIBILITY_PUSH
#define VPCI_END_DECLS	 VPCI_VISIBILITY_POP
#endif

#endif /* VPCI_API_H */

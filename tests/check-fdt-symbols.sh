#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# libvpci-fdt uses libfdt and nothing else of libc than what libfdt uses
# itself (so a hypervisor that has libfdt can link it), and defines only
# vpci_fdt_* (public) and vfdt_* (internal) symbols.
#
# usage: check-fdt-symbols.sh LIBVPCI_FDT.a
set -u
lib=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && ar x "$lib") || { echo "cannot unpack $lib"; exit 1; }
ld -r -o "$tmp/all.ro" "$tmp"/*.o || exit 1
# libfdt's own libc needs (nm -D libfdt.so): mem*, str*len, strchr,
# strrchr, strtoul; compilers may add the stack protector's hook and
# sanitizer instrumentation (ASan/UBSan builds); clang turns memcmp
# equality into bcmp.
allowed='__asan_.*|__ubsan_.*|__sanitizer_.*|__sancov_.*|fdt_.*|vpci_.*|bcmp|memchr|memcmp|memcpy|memmove|memset|strchr|strlen|strnlen|strrchr|strtoul|__stack_chk_fail|_GLOBAL_OFFSET_TABLE_'
bad_undef=$(nm -u "$tmp/all.ro" | awk '{print $2}' | grep -vxE "$allowed" | tr '\n' ' ')
bad_def=$(nm -g --defined-only "$tmp/all.ro" | awk '{print $3}' |
	grep -vE '^(vpci_fdt_|vfdt_)' | tr '\n' ' ')
status=0
if [ -n "$bad_undef" ]; then
	echo "libvpci-fdt needs symbols beyond libfdt and its libc: $bad_undef"
	status=1
fi
if [ -n "$bad_def" ]; then
	echo "libvpci-fdt defines symbols outside vpci_fdt_/vfdt_: $bad_def"
	status=1
fi
[ $status -eq 0 ] && echo "libvpci-fdt: libfdt, core and libfdt's libc only; names prefixed"
exit $status

#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The Xen port, compiled -ffreestanding, calls nothing but what Xen
# provides (a function declared in ports/xen/stubs), libvpci under its
# prefix, and the mem* functions compilers emit: no libc, and no
# unprefixed libvpci name that would meet Xen's own vpci_* at link time.
#
# usage: check-port-symbols.sh NM PREFIX LIBXEN_PORT.a STUB_HEADER...
set -u
nm=$1 prefix=$2 lib=$3; shift 3
# Function names the stub headers declare: "name(" at the start of a
# declaration line, after its return type.
provided=$(sed -nE 's/^[a-z_][a-z0-9_ ]*[ *]([a-z_][a-z0-9_]*)\(.*/\1/p' "$@" |
	sort -u)
bad=()
defined=$("$nm" --defined-only -g "$lib" | awk 'NF == 3 { print $3 }' | sort -u)
for sym in $("$nm" -u "$lib" | awk '$1 == "U" { print $2 }' | sort -u); do
	case $sym in
	# (the GOT is the linker's, referenced by position-independent code)
	"$prefix"*|memcpy|memset|memmove|memcmp|_GLOBAL_OFFSET_TABLE_) continue ;;
	esac
	grep -qx "$sym" <<<"$defined" && continue # between the port's files
	grep -qx "$sym" <<<"$provided" || bad+=("$sym")
done
if [ ${#bad[@]} -ne 0 ]; then
	echo "FAIL: the port calls what Xen does not provide: ${bad[*]}"
	exit 1
fi
echo "ok: the port calls only Xen's interfaces, ${prefix}* and mem*"

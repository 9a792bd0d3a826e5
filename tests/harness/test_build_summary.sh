#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# A build that cannot have the harness says so, and why, in meson's
# summary: configure the tree with pkg-config finding nothing (no
# libpciaccess, no libfuse3) and with -Dharness=disabled.
#
# Usage: test_build_summary.sh VPCI_HARNESS DATA_DIR
. "$(dirname "$0")/common.sh"

SRC=$(cd "$(dirname "$0")/../.." && pwd)
if ! command -v meson >/dev/null 2>&1; then
	echo "SKIP: no meson"
	exit 77
fi
summary_of() { # BUILDDIR: the Harness section of meson's summary
	sed -n '/^  Harness$/,/^$/p' "$1" | sed 's/^ *//; s/  *:/:/'
}
PKG_CONFIG_LIBDIR=$WORK/none PKG_CONFIG_PATH= \
	meson setup "$WORK/b1" "$SRC" -Dtests=disabled >"$WORK/log1" 2>&1
s=$(summary_of "$WORK/log1")
if grep -q '^vpci-harness: no (libpciaccess not found' <<<"$s"; then
	pass
else
	fail "without libpciaccess the summary says: '$s' ($(tail -3 "$WORK/log1" | tr '\n' '|'))"
fi
meson setup "$WORK/b2" "$SRC" -Dtests=disabled -Dharness=disabled \
	>"$WORK/log2" 2>&1
s=$(summary_of "$WORK/log2")
grep -q '^vpci-harness: no (-Dharness=disabled)' <<<"$s" && pass ||
	fail "with -Dharness=disabled the summary says: '$s'"
finish

#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# `vpci-harness capture`: from a sysfs-shaped directory (a stored capture:
# the copy must hold the same bytes) and from this machine's /sys/bus/pci
# (skipped with a message when it has no PCI functions): the capture
# loads back, replays, and real lspci sees the same config bytes in it as
# on the live machine (as far as this user may read them).
#
# Usage: test_capture.sh VPCI_HARNESS DATA_DIR
. "$(dirname "$0")/common.sh"

FC=$DATA/sysfs/firecracker-microvm

# ------------------------------------------- from a stored capture
if H capture --sysfs "$FC" "$WORK/copy" 2>"$WORK/err" >"$WORK/out"; then
	pass
	[ -s "$WORK/out" ] && fail "capture printed on stdout: $(head -1 "$WORK/out")"
	for d in "$FC"/devices/*; do
		name=$(basename "$d")
		for f in config resource vendor device class revision; do
			cmp -s "$d/$f" "$WORK/copy/devices/$name/$f" ||
				fail "capture --sysfs: $name/$f differs from the source"
		done
	done
	H dump "$FC" >"$WORK/a" 2>/dev/null
	H dump "$WORK/copy" >"$WORK/b" 2>/dev/null
	cmp -s "$WORK/a" "$WORK/b" && pass ||
		fail "the copy does not dump like the original"
else
	fail "capture --sysfs $FC: $(head -1 "$WORK/err")"
fi

# Errors: a source without devices, an output that cannot be written.
mkdir -p "$WORK/empty"
H capture --sysfs "$WORK/empty" "$WORK/out1" >/dev/null 2>"$WORK/err"
[ $? -eq 2 ] && [ "$(wc -l <"$WORK/err")" -eq 1 ] && pass ||
	fail "capture of an empty directory: want one line and exit 2," \
		"got: $(cat "$WORK/err")"
: >"$WORK/file"
H capture --sysfs "$FC" "$WORK/file/sub" >/dev/null 2>"$WORK/err"
[ $? -eq 2 ] && pass || fail "capture into a file's path did not fail with 2"

# ------------------------------------------------- this machine
live=/sys/bus/pci/devices
if [ ! -d "$live" ] || [ -z "$(ls -A "$live" 2>/dev/null)" ]; then
	echo "SKIP (live part): $live has no PCI functions on this machine"
	finish
fi
if ! H capture "$WORK/live" >"$WORK/out" 2>"$WORK/err"; then
	fail "capture of this machine: $(head -1 "$WORK/err")"
	finish
fi
pass
n_live=$(ls "$live" | wc -l)
n_cap=$(ls "$WORK/live/devices" | wc -l)
[ "$n_live" -eq "$n_cap" ] && pass ||
	fail "captured $n_cap functions, $live has $n_live"
if H replay "$WORK/live" - >/dev/null 2>"$WORK/err" <<<"r $(ls "$live" | head -1) 0 4"; then
	pass
else
	fail "replay of the live capture: $(head -1 "$WORK/err")"
fi
if have_lspci; then
	# -x: the first 64 bytes, which any user may read.
	lspci -D -x 2>/dev/null | lspci_bytes >"$WORK/l1"
	lspci -D -x -A linux-sysfs -O sysfs.path="$WORK/live" 2>/dev/null |
		lspci_bytes >"$WORK/l2"
	# Status bits and the like may change between two reads of a live
	# machine; the identity and header layout may not.
	awk '$2 < 4 || ($2 >= 8 && $2 < 12) || $2 == 14' "$WORK/l1" >"$WORK/i1"
	awk '$2 < 4 || ($2 >= 8 && $2 < 12) || $2 == 14' "$WORK/l2" >"$WORK/i2"
	if [ -s "$WORK/i1" ] && cmp -s "$WORK/i1" "$WORK/i2"; then
		pass
	else
		fail "lspci on the capture and on the machine disagree:" \
			"$(diff "$WORK/i1" "$WORK/i2" | head -3 | tr '\n' '|')"
	fi
fi
finish

#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Faithful captures: what a reader needs besides config (driver,
# iommu_group, numa_node, SR-IOV files and links, whole resource files with
# bridge windows) is copied, loaded back and summarised by stats; real
# lspci reads the copy as it reads the source; a capture never mixes into
# a used directory (--force) and never silently keeps partial config
# spaces (--allow-partial); progress shows on a terminal only. Also the
# polish around it: sizes printed one way, irq consistent with the pin.
# Expected values come from the files this test writes and from real lspci.
#
# Usage: test_capture_faithful.sh VPCI_HARNESS DATA_DIR
. "$(dirname "$0")/common.sh"

FC=$DATA/sysfs/firecracker-microvm
X99=$DATA/sysfs/MrArtemSid__huananzhi_x99-QD4

check_eq() { # WHAT GOT WANT
	if [ "$2" = "$3" ]; then pass; else
		fail "$1: got '$(tr '\n' '|' <<<"$2")', want '$(tr '\n' '|' <<<"$3")'"
	fi
}

# ----------------------------------------- a sysfs tree with everything
SRC=$WORK/sys
mkdir -p "$SRC"
cp -r "$FC/devices" "$SRC/"
dev() { echo "$SRC/devices/0000:00:$1.0"; }
for f in 01 02 03; do
	ln -s ../../../bus/pci/drivers/virtio-pci "$(dev $f)/driver"
done
ln -s ../../../bus/pci/drivers/pcieport "$(dev 00)/driver"
i=0
for f in 00 01 02 03 04 05; do
	ln -s ../../../kernel/iommu_groups/$((i / 2 + 7)) "$(dev $f)/iommu_group"
	echo $((i % 3 - 1)) >"$(dev $f)/numa_node" # -1, 0, 1
	i=$((i + 1))
done
# 00:03.0 an SR-IOV physical function with VFs 00:04.0 and 00:05.0.
echo 8 >"$(dev 03)/sriov_totalvfs"
echo 2 >"$(dev 03)/sriov_numvfs"
echo 1 >"$(dev 03)/sriov_offset"
ln -s ../0000:00:04.0 "$(dev 03)/virtfn0"
ln -s ../0000:00:05.0 "$(dev 03)/virtfn1"
ln -s ../0000:00:03.0 "$(dev 04)/physfn"
ln -s ../0000:00:03.0 "$(dev 05)/physfn"
# 00:00.0 with Linux's whole resource file: IOV BARs, bridge windows.
{
	cat "$FC/devices/0000:00:00.0/resource"
	for _ in 1 2 3 4 5 6; do
		echo "0x0000000000000000 0x0000000000000000 0x0000000000000000"
	done
	echo "0x0000000000001000 0x0000000000001fff 0x0000000000000100"
	echo "0x00000000fe000000 0x00000000fe1fffff 0x0000000000000200"
	echo "0x0000004000000000 0x00000040003fffff 0x0000000000102200"
	echo "0x0000000000000000 0x0000000000000000 0x0000000000000000"
} >"$(dev 00)/resource.new"
mv "$(dev 00)/resource.new" "$(dev 00)/resource"

OUT=$WORK/cap
if H capture --sysfs "$SRC" "$OUT" >"$WORK/out" 2>"$WORK/err"; then
	pass
else
	fail "capture --sysfs: $(cat "$WORK/err")"
fi
check_eq "capture prints nothing off a terminal" "$(cat "$WORK/out" "$WORK/err")" ""
for d in "$SRC"/devices/*; do
	n=$(basename "$d")
	for f in "$d"/*; do
		b=$(basename "$f")
		if [ -L "$f" ]; then
			# Same last component, and it resolves in the capture.
			check_eq "$n/$b: link kept" \
				"$(basename "$(readlink "$OUT/devices/$n/$b")")" \
				"$(basename "$(readlink "$f")")"
			[ -e "$OUT/devices/$n/$b" ] && pass ||
				fail "$n/$b: the link does not resolve in the capture"
		else
			cmp -s "$f" "$OUT/devices/$n/$b" && pass ||
				fail "$n/$b differs in the capture"
		fi
	done
done
if have_lspci; then
	# lspci -vv shows the IOMMU groups and NUMA nodes this test wrote
	# (and with libkmod, -k the drivers).
	b=$(lspci -D -vv -A linux-sysfs -O sysfs.path="$OUT" 2>/dev/null)
	check_eq "lspci sees the IOMMU groups" \
		"$(grep -o 'IOMMU group: [0-9]*' <<<"$b" | tr '\n' ' ')" \
		"IOMMU group: 7 IOMMU group: 7 IOMMU group: 8 IOMMU group: 8 IOMMU group: 9 IOMMU group: 9 "
	check_eq "lspci sees the NUMA nodes" \
		"$(grep -o 'NUMA node: [0-9]*' <<<"$b" | tr '\n' ' ')" \
		"NUMA node: 0 NUMA node: 1 NUMA node: 0 NUMA node: 1 "
fi

# stats: expected values from what was written above.
H stats "$OUT" >"$WORK/stats" 2>/dev/null
check_eq "stats: drivers" "$(grep '^drivers:' "$WORK/stats")" \
	"drivers: 4 of 6 functions bound (pcieport 1, virtio-pci 3)"
check_eq "stats: iommu groups" "$(grep '^iommu groups:' "$WORK/stats")" \
	"iommu groups: 3 (6 functions in one)"
check_eq "stats: numa nodes" "$(grep '^numa nodes:' "$WORK/stats")" \
	"numa nodes: 0 1 (6 functions recorded, 2 without a node)"
check_eq "stats: sr-iov" "$(grep '^sr-iov:' "$WORK/stats")" \
	"sr-iov: 1 physical functions (VFs enabled 2 of 8), 2 virtual functions"
check_eq "stats: bridge windows" "$(grep '^bridge windows:' "$WORK/stats")" \
	"bridge windows: io 1 (4 KiB), mem 1 (2 MiB), prefetchable 1 (4 MiB)"
# -s/-d narrow it: the PF alone.
check_eq "stats -s 03: the PF only" \
	"$(H stats -s 03 "$OUT" 2>/dev/null | grep -E '^(sr-iov|drivers):')" \
	"$(printf 'drivers: 1 of 1 functions bound (virtio-pci 1)\nsr-iov: 1 physical functions (VFs enabled 2 of 8), 0 virtual functions')"
# Sizes one way: a number and a binary unit, never "bytes".
if grep -E 'total|windows' "$WORK/stats" | grep -q 'bytes'; then
	fail "stats prints sizes two ways: $(grep bytes "$WORK/stats" | head -1)"
else
	pass
fi
check_eq "stats: 2.5 MiB of 64-bit BARs" "$(grep '^bars mem64:' "$WORK/stats")" \
	"bars mem64: 5 (prefetchable 0), total 2.5 MiB"

# --------------------------------------------- --force, used directories
H capture --sysfs "$SRC" "$OUT" >/dev/null 2>"$WORK/err"
rc=$?
[ $rc -eq 2 ] && [ "$(wc -l <"$WORK/err")" -eq 1 ] &&
	grep -q "^vpci-harness: $OUT: not empty.*--force" "$WORK/err" && pass ||
	fail "capture into a used directory: exit $rc, $(cat "$WORK/err")"
H capture --force --sysfs "$SRC" "$OUT" >/dev/null 2>"$WORK/err" && pass ||
	fail "capture --force: $(cat "$WORK/err")"
mkdir "$WORK/emptydir"
H capture --sysfs "$SRC" "$WORK/emptydir" >/dev/null 2>"$WORK/err" && pass ||
	fail "capture into an empty directory: $(cat "$WORK/err")"

# ------------------------------------------- progress on a terminal only
if command -v script >/dev/null 2>&1; then
	script -qec "$(printf '%q ' "$H_BIN") capture --sysfs $(printf '%q' "$SRC") $(printf '%q' "$WORK/tty-cap")" \
		/dev/null >"$WORK/tty" 2>&1
	grep -q 'capture: [0-9]*/6 functions' "$WORK/tty" &&
		grep -q 'captured 6 functions' "$WORK/tty" && pass ||
		fail "no capture progress on a terminal: $(tr '\r\n' '  ' <"$WORK/tty" | head -c 200)"
	# A long script on a terminal, output to a file: progress on stderr.
	for i in $(seq 5000); do echo "r 00:01.0 0 4"; done >"$WORK/long.txt"
	script -qec "$(printf '%q ' "$H_BIN") replay $(printf '%q ' "$FC" "$WORK/long.txt") >$(printf '%q' "$WORK/long.out")" \
		/dev/null >"$WORK/tty" 2>&1
	grep -q 'replay (bytes of script): [0-9]*/' "$WORK/tty" && pass ||
		fail "no replay progress on a terminal: $(tr '\r\n' '  ' <"$WORK/tty" | head -c 200)"
	check_eq "the replay's output stays clean" "$(sort -u "$WORK/long.out" | wc -l)" 1
fi
"$H_BIN" replay "$FC" "$WORK/long.txt" >/dev/null 2>"$WORK/err"
check_eq "no progress off a terminal" "$(cat "$WORK/err")" ""

# ------------------------------ irq follows the pin in guests' views
if have_lspci; then
	for g in "$X99 08:00.0" "$X99 05:00.1" "$FC 00:02.0"; do
		set -- $g
		rm -rf "$WORK/g"
		H export-sysfs --guest "$2" "$1" "$WORK/g" 2>/dev/null
		t=$(lspci -vv -A linux-sysfs -O sysfs.path="$WORK/g" 2>/dev/null)
		if grep -Eq 'pin \?|IRQ 255' <<<"$t"; then
			fail "guest $2: $(grep -E 'pin \?|IRQ 255' <<<"$t" | head -1)"
		else
			pass
		fi
	done
fi

# ------------------------------------------------------- this machine
live=/sys/bus/pci/devices
if [ "$(id -u)" -ne 0 ] || ! command -v setpriv >/dev/null 2>&1 ||
	[ -z "$(ls -A "$live" 2>/dev/null)" ]; then
	echo "SKIP (live part): needs root, setpriv and PCI functions"
	finish
fi
H capture "$WORK/live" >/dev/null 2>"$WORK/err" && pass ||
	fail "capture of this machine: $(head -1 "$WORK/err")"
if grep -q 'libpciaccess size 0' "$WORK/err"; then
	fail "false libpciaccess warning: $(grep 'size 0' "$WORK/err" | head -1)"
else
	pass
fi
# As a user without privileges: the kernel shows 64 bytes of config.
NOBODY=$(mktemp -d /tmp/vpci-harness-nobody.XXXXXX)
trap 'rm -rf "$WORK" "$NOBODY"' EXIT
chmod 777 "$NOBODY"
as_nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }
as_nobody "$H_BIN" capture "$NOBODY/a" >/dev/null 2>"$WORK/err"
rc=$?
[ $rc -eq 2 ] && grep -q 'only part of their config space.*--allow-partial' "$WORK/err" &&
	pass || fail "unprivileged capture: exit $rc, $(cat "$WORK/err")"
as_nobody "$H_BIN" capture --allow-partial "$NOBODY/b" >/dev/null 2>"$WORK/err"
rc=$?
[ $rc -eq 0 ] && grep -q '^vpci-harness: warning: .*only part of their config space' "$WORK/err" &&
	pass || fail "capture --allow-partial: exit $rc, $(cat "$WORK/err")"
finish

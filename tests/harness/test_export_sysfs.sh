#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# `vpci-harness export-sysfs`: the tree has the files Linux's sysfs has,
# real `lspci -A linux-sysfs` reads it without complaint, the identity
# files agree with the original, and each `resource` file gives, for every
# BAR, the size in the data files (sizes.tsv, resource files, lspci -vv
# [size=]) — sized through vPCI by the exporter — and an all-zero line for
# every BAR the data gives no size for. Checked in the hardware domain's
# view and in a guest's (one physical slot per guest, which the CLI
# contract puts at virtual slot 0000:00:01, after the host bridge at
# 0000:00:00.0, functions unchanged).
#
# Usage: test_export_sysfs.sh VPCI_HARNESS DATA_DIR [hwdom|guest]
. "$(dirname "$0")/common.sh"
MODE=${3:-both}

FILES="config resource vendor device class revision irq subsystem_vendor
subsystem_device"

# check_tree OUT LABEL MAP: MAP lines are "HOST_SBDF EXPORTED_SBDF".
check_tree() {
	local out=$1 label=$2 map=$3 host dom dir f i start end flags size
	local kind want
	while read -r host dom; do
		dir=$out/devices/$dom
		for f in $FILES; do
			[ -f "$dir/$f" ] || { fail "$label: $dom/$f missing"; continue 2; }
		done
		[ "$(stat -c %s "$dir/config")" -eq 4096 ] ||
			fail "$label: $dom/config is not 4096 bytes"
		if grep -Evq '^0x[0-9a-f]{16} 0x[0-9a-f]{16} 0x[0-9a-f]{16}$' \
			"$dir/resource" || [ "$(wc -l <"$dir/resource")" -lt 7 ]; then
			fail "$label: $dom/resource is malformed"
			continue
		fi
		i=0
		while read -r start end flags && [ $i -le 6 ]; do
			want=${WANT["$host $i"]:-}
			if [ $((end)) -eq 0 ]; then
				[ -z "$want" ] || fail "$label: $host BAR $i:" \
					"exported without a size, data says $want"
			else
				size=$((end - start + 1))
				if [ $i -eq 6 ]; then kind=rom
				elif [ $((flags & 0x100)) -ne 0 ]; then kind=io
				elif [ $((flags & 0x100000)) -ne 0 ]; then kind=mem64
				else kind=mem32; fi
				[ "$kind $size" = "$want" ] || fail "$label: $host" \
					"BAR $i: exported $kind $size, data says" \
					"'${want:-no size}'"
			fi
			i=$((i + 1))
		done <"$dir/resource"
		pass
	done <"$map"
	if have_lspci; then
		lspci -A linux-sysfs -O sysfs.path="$out" -vv >/dev/null \
			2>"$WORK/lerr"
		if grep -v libkmod "$WORK/lerr" | grep -q .; then
			fail "$label: lspci complains: $(grep -v libkmod "$WORK/lerr" | head -1)"
		else
			pass
		fi
	fi
}

# Identity files of a capture agree with the export of its hardware-domain
# view. Bridges' subsystem IDs are left out: Linux reads them from the
# subsystem-ID capability (as the exporter does) but the captures built
# from lspci text have zeros there.
check_identity() {
	local t=$1 out=$2 label=$3 d name f hdr
	for d in "$t"/devices/*; do
		name=$(basename "$d")
		hdr=$(od -An -tx1 -j14 -N1 "$d/config" | tr -d ' ')
		for f in vendor device class revision subsystem_vendor \
			subsystem_device; do
			[ -f "$d/$f" ] || continue
			case $f in subsystem_*)
				[ $((0x$hdr & 0x7f)) -eq 0 ] || continue ;;
			esac
			cmp -s "$d/$f" "$out/devices/$name/$f" ||
				fail "$label: $name/$f: capture $(cat "$d/$f")," \
					"export $(cat "$out/devices/$name/$f")"
		done
	done
	pass
}

for t in "$DATA"/sysfs/* "$DATA"/lspci/* "$DATA"/devices/*; do
	[ -e "$t" ] || continue
	label=${t#"$DATA"/}
	expected_sizes "$t" >"$WORK/sizes"
	unset WANT
	declare -A WANT
	while read -r sbdf idx kind size; do
		WANT["$sbdf $idx"]="$kind $size"
	done <"$WORK/sizes"
	rm -rf "$WORK/hw"
	if ! H export-sysfs "$t" "$WORK/hw" 2>"$WORK/err"; then
		fail "$label: export-sysfs failed: $(head -1 "$WORK/err")"
		continue
	fi
	if [ "$MODE" != guest ]; then
		ls "$WORK/hw/devices" | awk '{ print $1, $1 }' >"$WORK/map"
		check_tree "$WORK/hw" "$label (hardware domain)" "$WORK/map"
		[ -d "$t" ] && check_identity "$t" "$WORK/hw" "$label"
	fi
	[ "$MODE" = hwdom ] && continue

	# Guests: the type-0 functions with sized BARs, one slot at a time.
	for slot in $(awk '{ print substr($1, 1, 10) }' "$WORK/sizes" | sort -u); do
		fns=""
		for d in "$WORK/hw/devices/$slot".*; do
			hdr=$(od -An -tx1 -j14 -N1 "$d/config" | tr -d ' ')
			[ $((0x$hdr & 0x7f)) -eq 0 ] || continue
			fns=${fns:+$fns,}$(basename "$d")
		done
		[ -n "$fns" ] || continue
		rm -rf "$WORK/g"
		if ! H export-sysfs --guest "$fns" "$t" "$WORK/g" 2>"$WORK/err"; then
			fail "$label: export-sysfs --guest $fns: $(head -1 "$WORK/err")"
			continue
		fi
		tr ',' '\n' <<<"$fns" |
			awk '{ print $1, "0000:00:01." substr($1, 12) }' >"$WORK/map"
		check_tree "$WORK/g" "$label (guest $fns)" "$WORK/map"
	done
done
finish

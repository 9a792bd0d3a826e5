#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# SR-IOV through vpci-harness on real SR-IOV devices (pciutils' dumps),
# checked with real lspci; the expected values (TotalVFs, VF offset,
# stride, VF Device ID, VF BARs) come from each dump's own lspci -vv text:
#  - before enabling, the hardware domain's lspci lists the input's
#    functions only; after --vfs PF=TotalVFs, also every VF, at PF +
#    offset + n * stride, as PF vendor : VF Device ID;
#  - the hardware domain's VF Memory Space Enable maps each VF's slice
#    of each VF BAR, the first one at the VF BAR's address (--trace);
#  - a guest given one VF: lspci reads its view cleanly, the VF at 00:01.0
#    with the VF's IDs and its BARs of the VF BARs' kinds, unassigned;
#  - stats counts the PF, its TotalVFs and VF BARs, and the --vfs VFs;
#  - NumVFs above TotalVFs, written by a script, never reaches the model;
#  - VFs a replayed script enables (NumVFs, then VF Enable, as `w` lines)
#    join the dump and the export-sysfs tree (--script) that real lspci
#    reads, and leave them when a later line clears VF Enable;
#  - VFs a dump shows enabled by firmware (cap-pcie-2, cap-ea-1) are
#    listed from the start, at the routing IDs the dump's text gives.
#
# Usage: test_sriov.sh VPCI_HARNESS DATA_DIR
. "$(dirname "$0")/common.sh"

have_lspci || { echo "lspci not found: skipped"; exit 77; }

# FIELD of the dump's SR-IOV decode: pos total offset stride did.
sriov_field() {
	awk -v want="$2" '
	/Single Root I\/O Virtualization/ {
		match($0, /\[[0-9a-f]+/)
		pos = substr($0, RSTART + 1, RLENGTH - 1)
	}
	/Total VFs:/ { t = $0; sub(/.*Total VFs: /, "", t); sub(/,.*/, "", t) }
	/VF offset:/ {
		o = $0; sub(/.*VF offset: /, "", o); sub(/,.*/, "", o)
		s = $0; sub(/.*stride: /, "", s); sub(/,.*/, "", s)
		d = $0; sub(/.*Device ID: /, "", d)
	}
	END {
		if (want == "pos") print pos; else if (want == "total") print t
		else if (want == "offset") print o
		else if (want == "stride") print s; else print d
	}' "$1"
}

# The VF BAR lines of the SR-IOV decode: "ADDR KIND" per region.
vf_regions() {
	awk '/Single Root I\/O Virtualization/ { in_cap = 1; next }
	     /Capabilities:/ { in_cap = 0 }
	     in_cap && /Region [0-5]: Memory at/ {
		kind = ($0 ~ /64-bit/ ? "64" : "32") \
		       ($0 ~ /non-prefetchable/ ? "" : "p")
		print $5, kind }' "$1"
}

# "BB:DD.F" of routing ID PF + offset + n * stride.
rid_name() {
	local rid=$(( $1 + $2 + $3 * $4 ))
	printf '%02x:%02x.%x' $((rid >> 8)) $(((rid >> 3) & 31)) $((rid & 7))
}

for name in cap-ide cap-phy32 cap-dvsec-cxl; do
	t=$DATA/devices/pciutils__$name.lspci
	label=${t#"$DATA"/}
	# The PF is the function whose decode holds the capability: the first
	# header line before it.
	pf=$(awk '/^[0-9a-f][0-9a-f]:[0-9a-f][0-9a-f]\.[0-7] / { f = $1 }
		  /Single Root I\/O/ { print f; exit }' "$t")
	pos=$(sriov_field "$t" pos)
	total=$(sriov_field "$t" total)
	offset=$(sriov_field "$t" offset)
	stride=$(sriov_field "$t" stride)
	did=$(sriov_field "$t" did)
	[ -n "$pf" ] && [ -n "$total" ] && [ -n "$did" ] ||
		{ fail "$label: no SR-IOV decode found"; continue; }
	pfrid=$((0x${pf%%:*} << 8 | 0x${pf:3:2} << 3 | ${pf:6:1}))
	vendor=$(H replay "$t" - 2>/dev/null <<<"r 0000:$pf 0 2")
	vendor=$(printf '%04x' $((vendor)))

	# Before enabling: the input's functions, no VF.
	H dump "$t" 2>/dev/null | lspci -F /dev/stdin -n >"$WORK/before"
	if grep -v "^$pf " "$WORK/before" | grep -q ":$did"; then
		fail "$label: a VF is listed before VF Enable"
	else pass; fi

	# After --vfs PF=TotalVFs: every VF, PF vendor : VF Device ID.
	H dump --vfs "0000:$pf=$total" "$t" 2>"$WORK/err" |
		lspci -F /dev/stdin -n >"$WORK/after" 2>"$WORK/lerr" ||
		{ fail "$label: dump --vfs: $(head -1 "$WORK/err")"; continue; }
	: >"$WORK/want"
	for ((n = 0; n < total; n++)); do
		echo "$(rid_name "$pfrid" "$offset" "$n" "$stride") $vendor:$did" \
			>>"$WORK/want"
	done
	awk -v d=":$did" -v pf="$pf" '$1 != pf && $3 ~ d { print $1, $3 }' \
		"$WORK/after" |
		sed 's/ \([0-9a-f]*:[0-9a-f]*\).*/ \1/' >"$WORK/got"
	if diff -u "$WORK/want" "$WORK/got" >"$WORK/diff"; then pass; else
		fail "$label: VFs after --vfs: $(head -5 "$WORK/diff" | tr '\n' ' ')"
	fi

	# VF MSE maps each VF's slice of each VF BAR; the first slice of a
	# region starts at the VF BAR's address.
	vf_regions "$t" >"$WORK/regions"
	nr_regions=$(wc -l <"$WORK/regions")
	H replay --trace "$t" - </dev/null 2>/dev/null >"$WORK/trace0"
	H replay --trace --vfs "0000:$pf=$total" "$t" - </dev/null \
		2>/dev/null >"$WORK/trace"
	maps=$(($(grep -c '^map ' "$WORK/trace") -
		$(grep -c '^map ' "$WORK/trace0")))
	# One run per VF and VF BAR, or up to three when the VF's MSI-X
	# table or PBA frame is cut out of it (never mapped).
	if [ "$maps" -ge $((total * nr_regions)) ] &&
		[ "$maps" -le $((3 * total * nr_regions)) ]; then pass; else
		fail "$label: $maps map lines for $total VFs x $nr_regions VF BARs"
	fi
	while read -r addr kind; do
		gfn=$(printf '0x%x' $((0x$addr >> 12)))
		if grep -q "^map $gfn $gfn " "$WORK/trace"; then pass; else
			fail "$label: VF BAR at 0x$addr not mapped at gfn $gfn"
		fi
	done <"$WORK/regions"

	# stats: the PF, its TotalVFs and VF BARs, then the enabled VFs.
	want="sr-iov: 1 physical functions (VFs enabled 0 of $total), 0 virtual functions"
	got=$(H stats "$t" 2>/dev/null | grep '^sr-iov: ')
	[ "$got" = "$want" ] && pass || fail "$label: stats '$got', want '$want'"
	want="sr-iov: 1 physical functions (VFs enabled $total of $total), $total virtual functions"
	got=$(H stats --vfs "0000:$pf=$total" "$t" 2>/dev/null |
		grep '^sr-iov: ')
	[ "$got" = "$want" ] && pass || fail "$label: stats '$got', want '$want'"
	if H stats "$t" 2>/dev/null |
		grep -q "^sr-iov vf bars: $nr_regions, total "; then pass; else
		fail "$label: stats does not count $nr_regions VF BARs"
	fi
	# Its list of assignable functions names each VF as Linux does: the
	# PF's vendor and the VF Device ID (a VF's own ID registers read
	# 0xffff).
	H stats --vfs "0000:$pf=$total" "$t" 2>/dev/null |
		awk '/^  [0-9a-f]+:[0-9a-f]+:/ { print $1, $3 }' >"$WORK/assignable"
	bad=0
	for ((n = 0; n < total; n++)); do
		vf=0000:$(rid_name "$pfrid" "$offset" "$n" "$stride")
		grep -qx "$vf $vendor:$did" "$WORK/assignable" || bad=1
	done
	[ $bad = 0 ] && pass ||
		fail "$label: stats lists VFs as $(grep -v "^0000:$pf " "$WORK/assignable" | head -1), want $vendor:$did"

	# A guest given VF 1: lspci reads it cleanly.
	vf1=0000:$(rid_name "$pfrid" "$offset" 1 "$stride")
	if ! H dump --vfs "0000:$pf=$total" --guest "$vf1" "$t" \
		>"$WORK/guest" 2>"$WORK/err"; then
		fail "$label: guest given $vf1: $(head -1 "$WORK/err")"
		continue
	fi
	if lspci -F "$WORK/guest" -vvvn >"$WORK/gl" 2>"$WORK/lerr" &&
		! grep -vq 'libkmod' "$WORK/lerr"; then pass; else
		fail "$label: lspci on the guest's view: $(head -1 "$WORK/lerr")"
	fi
	if grep -q "^00:01.0 .*$vendor:$did" "$WORK/gl"; then pass; else
		fail "$label: the guest does not see $vendor:$did at 00:01.0"
	fi
	grep -A200 '^00:01.0' "$WORK/gl" | grep 'Region [0-5]:' |
		sed 's/.*(\(.*\)).*/\1/' >"$WORK/gkinds"
	# Unplaced, a BAR reads its type bits only: lspci lists those that
	# have some (64-bit or prefetchable), as for any function.
	awk '$2 != "32" { print ($2 ~ /^64/ ? "64-bit, " : "32-bit, ") \
		     ($2 ~ /p$/ ? "prefetchable" : "non-prefetchable") }' \
		"$WORK/regions" >"$WORK/wkinds"
	if diff -q "$WORK/wkinds" "$WORK/gkinds" >/dev/null &&
		! grep -A200 '^00:01.0' "$WORK/gl" | grep 'Region' |
			grep -vq unassigned; then pass; else
		fail "$label: guest VF BARs '$(tr '\n' '|' <"$WORK/gkinds")'," \
			"want '$(tr '\n' '|' <"$WORK/wkinds")', unassigned"
	fi

	# NumVFs above TotalVFs from the hardware domain: refused.
	num=$(printf '0x%x' $((0x$pos + 0x10)))
	got=$(H replay "$t" - 2>"$WORK/err" <<EOF
w 0000:$pf $num 2 $(printf '0x%x' $((total + 1)))
r 0000:$pf $num 2
EOF
	)
	if [ "$((got))" -eq 0 ] && grep -q "above TotalVFs" "$WORK/err"; then
		pass
	else
		fail "$label: NumVFs $((total + 1)) > TotalVFs read back $got"
	fi

	# A script enables the VFs (NumVFs, then VF Enable + VF MSE): they
	# join the dump and the sysfs export, as lspci reads them; clearing
	# VF Enable takes them away again.
	ctrl=$(printf '0x%x' $((0x$pos + 0x08)))
	printf 'w 0000:%s %s 2 0x%x\nw 0000:%s %s 2 0x9\n' "$pf" "$num" \
		"$total" "$pf" "$ctrl" >"$WORK/enable"
	{ cat "$WORK/enable"; echo "w 0000:$pf $ctrl 2 0"; } >"$WORK/disable"
	vfs_listed() { # LSPCI_N_OUTPUT: the VF lines as "BB:DD.F VEN:DID"
		awk -v d=":$did" -v pf="$pf" '$1 != pf && $3 ~ d { print $1, $3 }' \
			"$1" | sed 's/ \([0-9a-f]*:[0-9a-f]*\).*/ \1/'
	}
	if H dump --script "$WORK/enable" "$t" 2>"$WORK/err" |
		lspci -F /dev/stdin -n >"$WORK/script_on" 2>"$WORK/lerr" &&
		vfs_listed "$WORK/script_on" >"$WORK/got" &&
		diff -u "$WORK/want" "$WORK/got" >"$WORK/diff"; then pass; else
		fail "$label: VFs after a script enables them:" \
			"$(head -5 "$WORK/diff" "$WORK/err" | tr '\n' ' ')"
	fi
	rm -rf "$WORK/exp"
	if H export-sysfs --script "$WORK/enable" "$t" "$WORK/exp" \
		2>"$WORK/err" &&
		lspci -A linux-sysfs -O "sysfs.path=$WORK/exp" -n \
			>"$WORK/exp_on" 2>"$WORK/lerr" &&
		vfs_listed "$WORK/exp_on" >"$WORK/got" &&
		diff -u "$WORK/want" "$WORK/got" >"$WORK/diff"; then pass; else
		fail "$label: export-sysfs after a script enables VFs:" \
			"$(head -5 "$WORK/diff" "$WORK/err" | tr '\n' ' ')"
	fi
	if H dump --script "$WORK/disable" "$t" 2>"$WORK/err" |
		lspci -F /dev/stdin -n >"$WORK/script_off" 2>"$WORK/lerr" &&
		cmp -s "$WORK/before" "$WORK/script_off"; then pass; else
		fail "$label: VFs left after a script disables them:" \
			"$(diff "$WORK/before" "$WORK/script_off" | head -3 |
				tr '\n' ' ')"
	fi
	# An r line of the script prints on stderr, so stdout stays a dump.
	if { cat "$WORK/enable"; echo "r 0000:$pf $num 2"; } |
		H dump --script - "$t" 2>"$WORK/err" >"$WORK/d" &&
		read_back=$(grep -E '^0x[0-9a-f]+$' "$WORK/err" | tail -1) &&
		[ "$((read_back))" -eq "$total" ] &&
		lspci -F "$WORK/d" -n >/dev/null 2>&1; then pass; else
		fail "$label: --script -: read value not on stderr"
	fi
done

# Firmware-enabled VFs: the dump's SR-IOV decode says VF Enable+ and
# NumVFs; the hardware domain's lspci lists PF + offset + n * stride.
for name in cap-pcie-2 cap-ea-1; do
	t=$DATA/devices/pciutils__$name.lspci
	label=${t#"$DATA"/}
	grep -q 'IOVCtl:.*Enable+' "$t" ||
		{ fail "$label: expected VF Enable+ in the dump"; continue; }
	pfname=$(awk '/^[0-9a-f:.]+ / { f = $1 }
		      /Single Root I\/O/ { print f; exit }' "$t")
	numvfs=$(grep -o 'Number of VFs: [0-9]*' "$t" | head -1 | awk '{print $4}')
	offset=$(sriov_field "$t" offset)
	stride=$(sriov_field "$t" stride)
	did=$(sriov_field "$t" did)
	case $pfname in
	????:*) dom=${pfname%%:*}; bdf=${pfname#*:} ;;
	*) dom=0000; bdf=$pfname ;;
	esac
	pfrid=$((0x${bdf%%:*} << 8 | 0x${bdf:3:2} << 3 | ${bdf:6:1}))
	# lspci names the domain only when it is not 0000.
	prefix=""
	[ "$dom" = 0000 ] || prefix="$dom:"
	: >"$WORK/want"
	for ((n = 0; n < numvfs; n++)); do
		echo "$prefix$(rid_name "$pfrid" "$offset" "$n" "$stride")" >>"$WORK/want"
	done
	H dump "$t" 2>/dev/null | lspci -F /dev/stdin -n |
		awk -v d=":$did" '$3 ~ d { print $1 }' >"$WORK/got"
	if [ "$numvfs" -gt 0 ] && diff -u "$WORK/want" "$WORK/got" >"$WORK/diff"
	then pass; else
		fail "$label: firmware VFs: $(head -5 "$WORK/diff" | tr '\n' ' ')"
	fi
done

finish

#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Capabilities through vpci-harness, checked with real lspci and against
# the published lspci -vv text of the machines (docs/capabilities.md):
#  - a guest given every endpoint of a machine: lspci -vvv of its export
#    shows only emulated capabilities (PM, MSI, Express, MSI-X), well
#    linked (no "chain broken"), and no extended capability;
#  - the X99 NVMe in a guest: "Express (v2) Endpoint" and "MSI-X: Enable-
#    Count=N" with N from the machine's own lspci text;
#  - a Linux-style MSI-X bring-up replayed with --trace: exactly the msi /
#    msi-off lines the programming asks for, and no map of the table or
#    PBA frame (their offsets from the lspci text).
#
# Usage: test_caps.sh VPCI_HARNESS DATA_DIR
. "$(dirname "$0")/common.sh"

X99=$DATA/lspci/MrArtemSid__huananzhi_x99-QD4.vv.txt
NVME=02:00.0

# Every type-0 function of a topology, comma-separated (from lspci -F's
# own header-type reading of the original).
endpoints() {
	lspci_original "$1" 2>/dev/null | lspci_bytes |
		awk '$2 == 14 && $3 ~ /^[08]0$/ { print $1 }' | sort -u |
		paste -sd, -
}

if have_lspci; then
	# The sysfs captures are the lspci/ machines with BAR sizes; the two
	# pciutils machines exist only as dumps.
	for t in "$DATA"/sysfs/* "$DATA"/lspci/pciutils__*.vv.txt \
		"$DATA"/devices/*; do
		label=${t#"$DATA"/}
		list=$(endpoints "$t")
		[ -n "$list" ] || continue
		rm -rf "$WORK/out"
		if ! H export-sysfs --guest "$list" "$t" "$WORK/out" \
			>/dev/null 2>"$WORK/err"; then
			fail "$label: export failed: $(head -1 "$WORK/err")"
			continue
		fi
		lspci -A linux-sysfs -O sysfs.path="$WORK/out" -vvv \
			>"$WORK/lspci" 2>/dev/null
		grep -q "chain broken" "$WORK/lspci" &&
			fail "$label: lspci says the guest's chain is broken"
		bad=$(grep -E '^\s+Capabilities: \[' "$WORK/lspci" |
			grep -vE '\] (Power Management|MSI:|Express|MSI-X:)' |
			head -1)
		[ -z "$bad" ] || fail "$label: guest sees '$bad'"
		grep -qE 'Capabilities: \[1[0-9a-f]{2}' "$WORK/lspci" &&
			fail "$label: guest sees an extended capability"
		pass
	done

	want=$(sed -n "/^$NVME /,/^\$/p" "$X99" |
		sed -n 's/.*MSI-X: Enable[+-] \(Count=[0-9]*\).*/\1/p')
	rm -rf "$WORK/out"
	H export-sysfs --guest "$NVME" "$X99" "$WORK/out" >/dev/null 2>&1
	lspci -A linux-sysfs -O sysfs.path="$WORK/out" -vvv >"$WORK/lspci" \
		2>/dev/null
	grep -q 'Express (v2) Endpoint' "$WORK/lspci" ||
		fail "X99 NVMe guest: no 'Express (v2) Endpoint'"
	grep -q "MSI-X: Enable- $want" "$WORK/lspci" ||
		fail "X99 NVMe guest: no 'MSI-X: Enable- $want'"
	pass
else
	echo "note: lspci (pciutils) is not installed; lspci checks skipped"
fi

# The NVMe's BAR0, table and PBA offsets, from the published text.
bar0=$(sed -n "/^$NVME /,/^\$/p" "$X99" |
	sed -n 's/.*Region 0: Memory at \([0-9a-f]*\) .*/\1/p')
table=$(sed -n "/^$NVME /,/^\$/p" "$X99" |
	sed -n 's/.*Vector table: BAR=0 offset=\([0-9a-f]*\).*/\1/p')
pba=$(sed -n "/^$NVME /,/^\$/p" "$X99" |
	sed -n 's/.*PBA: BAR=0 offset=\([0-9a-f]*\).*/\1/p')
hx() { printf '0x%x' "$1"; } # script numbers are hex
gbar=0xe0000000
gtable=$((gbar + 0x$table))
cat >"$WORK/msix.txt" <<EOF
w $NVME 0x10 4 $gbar
w $NVME 0x14 4 0
w $NVME 0x04 2 0x0006
w $NVME 0xb2 2 0xc000
mw $(hx $gtable) 4 0xfee00000
mw $(hx $((gtable + 4))) 4 0
mw $(hx $((gtable + 8))) 4 0x4021
mw $(hx $((gtable + 16))) 8 0x00000000fee01000
mw $(hx $((gtable + 24))) 8 0x0000000100004022
mr $(hx $((gtable + 12))) 4
w $NVME 0xb2 2 0x8000
mw $(hx $((gtable + 12))) 4 0
mr $(hx $gtable) 8
mw $(hx $((gtable + 12))) 4 1
mw $(hx $((gtable + 24))) 4 0x4023
mw $(hx $((gtable + 28))) 4 0
mr $(hx $((gtable + 2))) 4
mr $(hx $((gbar + 0x$pba))) 8
mr $(hx $((gbar + 0x1000))) 4
w $NVME 0xb2 2 0x0000
EOF
msi=$(printf '0000:%s' "$NVME")
cat >"$WORK/want" <<EOF
map 0x$(printf '%x' $((gbar >> 12))) 0x$(printf '%x' $((0x$bar0 >> 12))) 2
0x00000001
msi $msi 0 0xfee00000 0x4021
0x00000000fee00000
msi-off $msi 0
msi $msi 1 0xfee01000 0x4023
0xffffffff
0x0000000000000000
error: mr $(printf '0x%x' $((gbar + 0x1000))): not an ECAM window or MSI-X frame of domain 1 (no such device, domain or window)
msi-off $msi 1
EOF
if H replay --trace --guest "$NVME" "$X99" "$WORK/msix.txt" \
	>"$WORK/got" 2>"$WORK/err"; then
	diff "$WORK/want" "$WORK/got" >"$WORK/diff" &&
		pass || fail "MSI-X bring-up trace differs: $(head -4 "$WORK/diff" | tr '\n' ' ')"
else
	fail "MSI-X bring-up replay failed: $(head -1 "$WORK/err")"
fi

# The hardware domain toggling the NVMe's decoding: no map line covers the
# table or PBA frame (host addresses from the lspci text).
covers() { # TRACE FRAME: does a map line cover FRAME?
	local what gfn mfn nr
	while read -r what gfn mfn nr; do
		[ "$what" = map ] && [ "$2" -ge $((gfn)) ] &&
			[ "$2" -lt $((gfn + nr)) ] && return 0
	done <"$1"
	return 1
}
printf 'w %s 0x04 2 0x0000\nw %s 0x04 2 0x0006\n' "$NVME" "$NVME" \
	>"$WORK/toggle.txt"
if H replay --trace "$X99" "$WORK/toggle.txt" >"$WORK/hw" 2>"$WORK/err"; then
	for off in "$table" "$pba"; do
		f=$(((0x$bar0 + 0x$off) >> 12))
		covers "$WORK/hw" "$f" &&
			fail "hardware domain maps MSI-X frame $(printf 0x%x "$f")"
	done
	covers "$WORK/hw" $((0x$bar0 >> 12)) ||
		fail "hardware domain did not map the NVMe's BAR0 back"
	pass
else
	fail "hardware-domain toggle replay failed: $(head -1 "$WORK/err")"
fi
finish

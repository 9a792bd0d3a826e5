#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# --trace: what the core asks the platform to map when a domain turns
# memory decoding off and on, on a real capture (the Firecracker microVM:
# one 64-bit memory BAR per virtio function). The BAR's frames come from
# the capture's resource file, never from the code under test.
#  - hardware domain: decode off unmaps frames of the BAR, decode on maps
#    them back 1:1 (GFN = MFN);
#  - guest: after the guest programs BAR0 at a guest address, decode on
#    maps GFNs from that address onto the BAR's MFNs at the same offsets,
#    decode off unmaps them.
# Every map/unmap line must lie inside the BAR (the core may leave out
# pages such as the MSI-X table), and lines come in order with the reads.
#
# Usage: test_trace.sh VPCI_HARNESS DATA_DIR
. "$(dirname "$0")/common.sh"

FC=$DATA/sysfs/firecracker-microvm
DEV=0000:00:01.0
GUEST_BAR=0xe0000000

read -r start end flags <"$FC/devices/$DEV/resource"
MFN0=$((start >> 12))
NR_FRAMES=$(((end - start + 1) >> 12))
[ $((flags & 0x200)) -ne 0 ] && [ "$NR_FRAMES" -gt 0 ] ||
	fail "$DEV BAR0 in the capture is not a memory BAR"
CMD=$(od -An -tx2 -j4 -N2 "$FC/devices/$DEV/config" | tr -d ' ')
CMD=$((0x$CMD))

# check_events FILE KIND GFN0: every line between the markers is KIND,
# inside the BAR, with gfn - GFN0 == mfn - MFN0; prints the frame total.
check_events() {
	awk -v kind="$2" -v gfn0="$3" -v mfn0="$MFN0" -v nr="$NR_FRAMES" '
	function hex(s,   i, v) {
		v = 0; s = tolower(substr(s, 3))
		for (i = 1; i <= length(s); i++)
			v = v * 16 + index("0123456789abcdef", substr(s, i, 1)) - 1
		return v
	}
	/^0x/ { next }
	$1 != kind { print "unexpected " $0; bad = 1; next }
	{
		g = hex($2) - gfn0; m = hex($3) - mfn0
		if (g != m || m < 0 || m + $4 > nr) { print "outside: " $0; bad = 1 }
		total += $4
	}
	END { if (!bad) print total + 0; exit bad }' "$1"
}

# The events between two marker reads (r DEV 0 2 prints the vendor ID).
between_markers() { # FILE N: lines after the N-th read line, before the next
	awk -v n="$2" '/^0x/ { seen++; next } seen == n' "$1"
}

# ---------------------------------------------------- hardware domain
H replay --trace "$FC" - >"$WORK/hw" 2>"$WORK/err" <<EOF
r $DEV 0 2
w $DEV 4 2 $(printf 0x%x $((CMD & ~2)))
r $DEV 0 2
w $DEV 4 2 $(printf 0x%x $((CMD | 2)))
r $DEV 0 2
EOF
[ $? -eq 0 ] || fail "hardware domain replay: $(head -1 "$WORK/err")"
between_markers "$WORK/hw" 1 >"$WORK/off"
between_markers "$WORK/hw" 2 >"$WORK/on"
if [ $((CMD & 2)) -eq 0 ]; then
	echo "note: $DEV has memory decode off in the capture"
fi
if total=$(check_events "$WORK/off" unmap "$MFN0") && [ "$total" -gt 0 ]; then
	pass
else
	fail "hardware domain, decode off: want unmap lines inside" \
		"[$(printf 0x%x "$MFN0"), +$NR_FRAMES), got: $(tr '\n' '|' <"$WORK/off")"
fi
if total=$(check_events "$WORK/on" map "$MFN0") && [ "$total" -gt 0 ]; then
	pass
else
	fail "hardware domain, decode on: want map lines inside" \
		"[$(printf 0x%x "$MFN0"), +$NR_FRAMES), got: $(tr '\n' '|' <"$WORK/on")"
fi

# ---------------------------------------------------------------- guest
H replay --trace --guest "$DEV" "$FC" - >"$WORK/g" 2>"$WORK/err" <<EOF
w $DEV 0x10 4 $GUEST_BAR
w $DEV 0x14 4 0
r $DEV 0 2
w $DEV 4 2 2
r $DEV 0 2
w $DEV 4 2 0
r $DEV 0 2
EOF
[ $? -eq 0 ] || fail "guest replay: $(head -1 "$WORK/err")"
GFN0=$((GUEST_BAR >> 12))
if [ -n "$(between_markers "$WORK/g" 0)" ]; then
	fail "guest: map events before decode was turned on:" \
		"$(between_markers "$WORK/g" 0 | head -1)"
fi
between_markers "$WORK/g" 1 >"$WORK/on"
between_markers "$WORK/g" 2 >"$WORK/off"
if total=$(check_events "$WORK/on" map "$GFN0") && [ "$total" -gt 0 ]; then
	pass
else
	fail "guest, decode on: want map lines from GFN $(printf 0x%x "$GFN0")" \
		"onto [$(printf 0x%x "$MFN0"), +$NR_FRAMES), got: $(tr '\n' '|' <"$WORK/on")"
fi
if total=$(check_events "$WORK/off" unmap "$GFN0") && [ "$total" -gt 0 ]; then
	pass
else
	fail "guest, decode off: want unmap lines, got: $(tr '\n' '|' <"$WORK/off")"
fi
finish

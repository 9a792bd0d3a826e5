#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# `vpci-harness dump` of the hardware domain's view, read back by real
# `lspci -F FILE -xxxx`, against the original as real lspci reads it
# (`lspci -F DUMP -xxxx`, or `lspci -A linux-sysfs` for a capture).
#
# The same functions must appear (plus the VFs of a PF the original shows
# with VF Enable+, which the core and the model have: at most its NumVFs,
# with its VF Device ID), each with 4096 bytes, and every byte
# the original has must match, with one documented exception:
#   BAR and expansion ROM registers (type 0: 0x10-0x27 and 0x30-0x33;
#   type 1: 0x10-0x17 and 0x38-0x3b) may read with bits cleared, never
#   set: the hardware model makes a BAR of unknown size unimplemented
#   (reads 0) and clears address bits below a known size, as a real BAR
#   decodes them.
# and one owned by the capability emulation (docs/capabilities.md):
#   the MSI registers past the header (control, address, data, mask) and
#   the MSI-X control register read as after reset: vPCI emulates them
#   for the hardware domain and takes devices over from reset. They are
#   found by walking the original's own list. An MSI-X capability whose
#   table is not inside a BAR of known size is hidden (its registers read
#   0 and the pointer leading to it skips it).
# Bytes past what the original captured are the model's (0 for PCI
# Express extended space, all-ones for conventional functions) and are
# not compared.
#
# Usage: test_dump_lspci.sh VPCI_HARNESS DATA_DIR
. "$(dirname "$0")/common.sh"

if ! have_lspci; then
	echo "SKIP: lspci (pciutils) is not installed"
	exit 77
fi

nr=0
while read -r t; do
	label=${t#"$DATA"/}
	if ! lspci_original "$t" | lspci_bytes >"$WORK/orig" ||
		[ ! -s "$WORK/orig" ]; then
		echo "note: $label: lspci cannot read it; skipped"
		continue
	fi
	nr=$((nr + 1))
	if ! H dump "$t" >"$WORK/dump" 2>"$WORK/err"; then
		fail "$label: dump failed: $(head -1 "$WORK/err")"
		continue
	fi
	if ! lspci -D -F "$WORK/dump" -xxxx 2>"$WORK/lerr" | lspci_bytes \
		>"$WORK/back"; then
		fail "$label: lspci -F rejects the dump: $(head -1 "$WORK/lerr")"
		continue
	fi
	# Same functions, 4096 bytes each, plus the VFs firmware enabled.
	awk '{ print $1 }' "$WORK/orig" | uniq >"$WORK/ofns"
	awk '{ print $1 }' "$WORK/back" | uniq >"$WORK/bfns"
	comm -23 "$WORK/ofns" "$WORK/bfns" >"$WORK/missing"
	[ -s "$WORK/missing" ] &&
		fail "$label: functions missing: $(head -3 "$WORK/missing" | tr '\n' ' ')"
	# A PF whose SR-IOV capability says VF Enable+ has its VFs in the core
	# and the model, so the dump lists them (docs/harness.md): beyond the
	# original's functions, at most the NumVFs of such PFs, each with the
	# VF Device ID one of them names (all from the original's -vv text).
	lspci_vv_original "$t" | awk '
		/IOVCtl:/ { on = ($0 ~ /Enable\+/) }
		/Number of VFs:/ && on {
			s = $0; sub(/.*Number of VFs: /, "", s); sub(/,.*/, "", s)
			n += s }
		/VF offset:/ && on { d = $0; sub(/.*Device ID: /, "", d); print "did", d }
		END { print "vfs", n + 0 }' >"$WORK/fw"
	fw_vfs=$(awk '$1 == "vfs" { print $2 }' "$WORK/fw")
	comm -13 "$WORK/ofns" "$WORK/bfns" >"$WORK/extra"
	extra=$(wc -l <"$WORK/extra")
	if [ "$extra" -gt "$fw_vfs" ]; then
		fail "$label: $extra functions beyond the original's, firmware enabled $fw_vfs VFs"
	elif [ "$extra" -gt 0 ]; then
		lspci -D -F "$WORK/dump" -n | grep -F -f "$WORK/extra" |
			awk '{ split($3, id, ":"); print id[2] }' | sort -u >"$WORK/xdids"
		awk '$1 == "did" { print $2 }' "$WORK/fw" | sort -u >"$WORK/vfdids"
		[ -z "$(comm -23 "$WORK/xdids" "$WORK/vfdids")" ] ||
			fail "$label: functions beyond the original's that are no firmware VFs: $(tr '\n' ' ' <"$WORK/xdids")"
	fi
	awk '{ n[$1]++ } END { for (d in n) if (n[d] != 4096) print d, n[d] }' \
		"$WORK/back" >"$WORK/short"
	[ -s "$WORK/short" ] &&
		fail "$label: not 4096 bytes: $(head -1 "$WORK/short")"
	if awk -v label="$label" '
	function hex(s,   i, v) {
		v = 0
		for (i = 1; i <= length(s); i++)
			v = v * 16 + index("0123456789abcdef", substr(s, i, 1)) - 1
		return v
	}
	function is_bar(type, off) {
		if (type == 0) return (off >= 16 && off < 40) || (off >= 48 && off < 52)
		if (type == 1) return (off >= 16 && off < 24) || (off >= 56 && off < 60)
		return 0
	}
	# Bits of b that are not in a (no bitwise ops in POSIX awk).
	function extra_bits(a, b,   i, x, y, r) {
		r = 0
		for (i = 0; i < 8; i++) {
			x = int(a / 2 ^ i) % 2; y = int(b / 2 ^ i) % 2
			if (y && !x) r = 1
		}
		return r
	}
	# Mark the bytes of dev the MSI and MSI-X emulation owns.
	function mark_irq_regs(dev,   pos, n, id, ctl, len, i, link) {
		if (!((dev " 6") in orig) || int(hex(orig[dev " 6"]) / 16) % 2 == 0)
			return
		link = 52
		pos = hex(orig[dev " 52"]) - hex(orig[dev " 52"]) % 4
		for (n = 0; n < 48 && pos >= 64 && pos < 256; n++) {
			id = hex(orig[dev " " pos])
			if (id == 5) {
				ctl = hex(orig[dev " " (pos + 2)]) + 256 * hex(orig[dev " " (pos + 3)])
				len = (int(ctl / 128) % 2 ? 16 : 12) + (int(ctl / 256) % 2 ? 4 : 0)
				for (i = 2; i < len; i++) irq[dev " " (pos + i)] = 1
			}
			if (id == 17) {
				for (i = 0; i < 12; i++) irq[dev " " (pos + i)] = 1
				irq[dev " " link] = 1
			}
			link = pos + 1
			pos = hex(orig[dev " " (pos + 1)]); pos -= pos % 4
		}
	}
	NR == FNR { orig[$1 " " $2] = $3; if ($2 == 14) type[$1] = hex($3) % 128; next }
	FNR == 1 { for (k in type) mark_irq_regs(k) }
	($1 " " $2) in orig {
		o = orig[$1 " " $2]
		if (o == $3) next
		if (($1 " " $2) in irq) next
		if (is_bar(type[$1], $2) && !extra_bits(hex(o), hex($3))) next
		printf "%s: %s offset 0x%x: lspci says %s, vPCI reads %s\n",
			label, $1, $2, o, $3
		bad++
	}
	END { exit bad > 0 }' "$WORK/orig" "$WORK/back" >"$WORK/bytes"; then
		pass
	else
		fail "$(head -1 "$WORK/bytes") ($(wc -l <"$WORK/bytes") bytes differ)"
	fi
done < <(all_topologies)
[ "$nr" -gt 0 ] || fail "no topology lspci can read in $DATA"
finish

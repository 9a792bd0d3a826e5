#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Every topology in tests/data replays, dumps, exports and summarises, in
# the hardware domain's view and in a guest's: vendor/device IDs read
# through vPCI are the captured ones (from real lspci), and a BAR whose
# size the data does not give is unimplemented (reads 0, sizes to 0).
# The hardware domain's exports list the input's functions plus the VFs
# a PF's SR-IOV capability shows enabled (docs/harness.md).
#
# Usage: test_replay_all.sh VPCI_HARNESS DATA_DIR
. "$(dirname "$0")/common.sh"

nr=0
while read -r t; do
	nr=$((nr + 1))
	label=${t#"$DATA"/}
	# The functions and their first dword, from real lspci when we can,
	# else from the dump itself.
	if have_lspci; then
		lspci_original "$t" | lspci_bytes >"$WORK/orig"
	else
		H dump "$t" 2>/dev/null | lspci_bytes >"$WORK/orig"
	fi
	awk '$2 < 4 { id[$1] = id[$1] $3 } END { for (d in id) print d, id[d] }' \
		"$WORK/orig" | sort >"$WORK/ids"
	if [ ! -s "$WORK/ids" ]; then
		fail "$label: no functions found by lspci"
		continue
	fi
	awk '{ print "r", $1, "0 4" }' "$WORK/ids" >"$WORK/script"
	if ! H replay "$t" "$WORK/script" >"$WORK/out" 2>"$WORK/err"; then
		fail "$label: replay failed: $(head -1 "$WORK/err")"
		continue
	fi
	# lspci prints bytes little-endian: 86 80 05 34 is 0x34058086.
	paste -d' ' "$WORK/ids" "$WORK/out" | while read -r sbdf bytes val; do
		want=0x${bytes:6:2}${bytes:4:2}${bytes:2:2}${bytes:0:2}
		if [ "$want" != "$val" ]; then
			echo "FAIL: $label: $sbdf reads $val, lspci says $want" >&2
			exit 1
		fi
	done || fail "$label: IDs differ"
	pass

	for cmd in dump stats; do
		if H "$cmd" "$t" >"$WORK/out" 2>"$WORK/err"; then pass; else
			fail "$label: $cmd failed: $(head -1 "$WORK/err")"
		fi
	done
	rm -rf "$WORK/x"
	if H export-sysfs "$t" "$WORK/x" 2>"$WORK/err"; then pass; else
		fail "$label: export-sysfs failed: $(head -1 "$WORK/err")"
	fi
	# The input's functions, plus the VFs firmware enabled (a capture
	# taken with VFs enabled holds them already, so at most those).
	nr_exp=$(ls "$WORK/x/devices" | wc -l)
	nr_ids=$(wc -l <"$WORK/ids")
	[ "$nr_exp" -ge "$nr_ids" ] &&
		[ "$nr_exp" -le $((nr_ids + $(fw_vf_count "$t"))) ] ||
		fail "$label: export-sysfs wrote $nr_exp functions, lspci lists" \
			"$nr_ids and $(fw_vf_count "$t") firmware-enabled VFs"

	# A guest with the first endpoint: replay, dump and export run.
	first=""
	for sbdf in $(awk '{ print $1 }' "$WORK/ids"); do
		hdr=$(H replay "$t" - 2>/dev/null <<<"r $sbdf 0x0e 1")
		if [ $((hdr & 0x7f)) -eq 0 ]; then first=$sbdf; break; fi
	done
	if [ -n "$first" ]; then
		rm -rf "$WORK/g"
		if H replay --guest "$first" "$t" "$WORK/script" >"$WORK/out" \
			2>"$WORK/err" && H dump --guest "$first" "$t" >/dev/null \
			2>&1 && H export-sysfs --guest "$first" "$t" "$WORK/g" \
			2>/dev/null; then
			pass
		else
			fail "$label: guest with $first failed: $(head -1 "$WORK/err")"
		fi
		# Functions the guest was not given read all-ones.
		paste -d' ' "$WORK/ids" "$WORK/out" |
			awk -v g="$first" '$1 != g && $3 != "0xffffffff" {
				bad = 1 } END { exit bad }' ||
			fail "$label: a function not given to the guest is visible"
	fi
done < <(all_topologies)
[ "$nr" -gt 0 ] || fail "no topologies in $DATA"

# A BAR whose size the data does not give is unimplemented in the
# hardware domain's view: it reads 0 and sizes to 0; and the harness said
# so exactly once on stderr.
for t in "$DATA"/sysfs/* "$DATA"/lspci/* "$DATA"/devices/*; do
	[ -e "$t" ] || continue
	label=${t#"$DATA"/}
	expected_sizes "$t" |
		awk '{ print $1, $2; if ($3 == "mem64") print $1, $2 + 1 }' \
		>"$WORK/sized"
	H stats "$t" >"$WORK/stats" 2>"$WORK/err"
	unknown=$(awk -F': ' '/^bars with unknown size/ { print $2 }' \
		"$WORK/stats")
	if [ "$(grep -c "no size known" "$WORK/err")" -ne \
		"$([ "${unknown:-0}" -gt 0 ] && echo 1 || echo 0)" ]; then
		fail "$label: $unknown BARs of unknown size, but stderr said:" \
			"$(grep "no size known" "$WORK/err")"
	fi
	lspci_original "$t" | lspci_bytes |
		awk '$2 == 14 { print $1, $3 }' >"$WORK/hdrs"
	while read -r sbdf hdr; do
		case $((0x$hdr & 0x7f)) in
		0) n=6 ;;
		1) n=2 ;;
		*) n=0 ;;
		esac
		for ((i = 0; i < n; i++)); do
			grep -qx "$sbdf $i" "$WORK/sized" && continue
			printf 'r %s 0x%x 4\n' "$sbdf" $((0x10 + 4 * i))
			printf 'w %s 0x%x 4 0xffffffff\n' "$sbdf" $((0x10 + 4 * i))
			printf 'r %s 0x%x 4\n' "$sbdf" $((0x10 + 4 * i))
		done
	done <"$WORK/hdrs" >"$WORK/script"
	if H replay "$t" "$WORK/script" >"$WORK/out" 2>/dev/null &&
		! grep -qv '^0x00000000$' "$WORK/out"; then
		pass
	else
		fail "$label: a BAR without a size in the data did not read" \
			"and size as 0"
	fi
done

# Linux's configuration mechanism #1 probe and bus 0 scan, as port I/O
# (tests/data/portio): every read equals what the topology's bytes say,
# found by decoding each 0xCF8 value here, from the PCI spec layout.
probe=$DATA/portio/linux-conf1-probe.txt
expected_port_reads() { # ORIGINAL_BYTES SCRIPT
	awk '
	function hex(s,   i, v) {
		v = 0; s = tolower(s); sub(/^0x/, "", s)
		for (i = 1; i <= length(s); i++)
			v = v * 16 + index("0123456789abcdef", substr(s, i, 1)) - 1
		return v
	}
	function bits(v, lo, n) { return int(v / 2 ^ lo) % 2 ^ n }
	function ones(size) { return 2 ^ (8 * size) - 1 }
	function cfc(port, size,   off, sbdf, reg, v, i) {
		off = port - 3324 # 0xcfc
		if (off < 0 || off % size || off + size > 4) return ones(size)
		if (!bits(latch, 31, 1) || bits(latch, 24, 7)) return ones(size)
		sbdf = sprintf("0000:%02x:%02x.%d", bits(latch, 16, 8),
			bits(latch, 11, 5), bits(latch, 8, 3))
		if (!((sbdf, 0) in byte)) return ones(size)
		reg = bits(latch, 2, 6) * 4 + off
		v = 0
		for (i = size - 1; i >= 0; i--) v = v * 256 + byte[sbdf, reg + i]
		return v
	}
	FNR == NR { byte[$1, $2] = hex($3); next }
	{ sub(/#.*/, "") }
	NF == 0 { next }
	$1 == "outl" && hex($2) == 3320 { latch = hex($3); next }
	$1 ~ /^in/ {
		size = index("bwl", substr($1, 3, 1)); if (size == 3) size = 4
		port = hex($2)
		if (port == 3320 && size == 4) v = latch
		else v = cfc(port, size)
		printf "0x%0" 2 * size "x\n", v
	}' "$@"
}
while read -r t; do
	label=${t#"$DATA"/}
	if have_lspci; then
		lspci_original "$t" | lspci_bytes >"$WORK/orig"
	else
		H dump "$t" 2>/dev/null | lspci_bytes >"$WORK/orig"
	fi
	expected_port_reads "$WORK/orig" "$probe" >"$WORK/want"
	if ! H replay "$t" "$probe" >"$WORK/out" 2>"$WORK/err"; then
		fail "$label: port I/O probe failed: $(head -1 "$WORK/err")"
	elif ! diff -q "$WORK/want" "$WORK/out" >/dev/null; then
		fail "$label: port I/O probe reads differ from the data:" \
			"$(diff "$WORK/want" "$WORK/out" | head -3 | tr '\n' ' ')"
	else
		pass
	fi
done < <(all_topologies)
finish

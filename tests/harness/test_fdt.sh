#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# `vpci-harness fdt` and `vpci-harness boot` (built with libfdt; skipped,
# status 77, without them or without dtc/fdtget).
#  - fdt: for every topology in tests/data, a guest given every function
#    a guest may have: the tree dtc decompiles without a warning, the
#    node has what pci-host-ecam-generic needs, and its ranges can hold
#    the guest's BARs, whose sizes come from the data files (sizes.tsv,
#    resource files, lspci -vv text), not from the code under test. With
#    --into, every other node of the guest tree decompiles to the same
#    text. Or the harness refuses, in one line.
#  - boot: a dom0less configuration over the Firecracker capture creates
#    its domains, and the IDs each guest reads through its ECAM window
#    are the capture's vendor/device files; bad configurations are one
#    line on stderr naming the node, property and value, status 2.
#
# Usage: test_fdt.sh VPCI_HARNESS DATA_DIR
. "$(dirname "$0")/common.sh"

probe=$(H fdt /nonexistent /dev/null 2>&1)
if [[ "$probe" == *"not built"* ]] ||
	! command -v dtc >/dev/null || ! command -v fdtget >/dev/null; then
	echo "skipped: vpci-harness without fdt, or no dtc/fdtget"
	exit 77
fi

dtc -q -I dts -O dtb -o "$WORK/guest.dtb" "$DATA/fdt/guest-base.dts" ||
	{ echo "cannot compile guest-base.dts"; exit 1; }
PCIE=/pcie@10000000

# dtc prints nothing on stderr for FILE.
dtc_clean() {
	local out
	out=$(dtc -I dtb -O dts -o "$WORK/.dts" "$1" 2>&1) && [ -z "$out" ] ||
		{ echo "$out"; return 1; }
}

# The functions stats says a guest could be assigned, comma-separated.
assignable() {
	H stats "$1" 2>/dev/null |
		awk '/^assignable to a guest:/ { on = 1; next }
		     on && /^  / { print $1 }' | paste -sd, -
}

# ranges of the node as "SPACE SIZE" lines (io, mem32, mem64).
ranges_sizes() {
	fdtget -t u "$1" $PCIE ranges | tr ' ' '\n' | awk '
	NF { c[n++] = $1 }
	END {
		for (i = 0; i + 7 <= n; i += 7) {
			sp = int(c[i] / 16777216) % 4
			name = sp == 1 ? "io" : sp == 2 ? "mem32" : "mem64"
			printf "%s %.0f\n", name, c[i + 5] * 4294967296 + c[i + 6]
		}
	}'
}

# The tree as text without the bridge node.
without_bridge() {
	dtc -I dtb -O dts "$1" 2>/dev/null |
		awk '/^\tpcie@10000000 \{/ { skip = 1 }
		     gap && /^$/ { gap = 0; next }
		     { gap = 0 }
		     !skip { print }
		     skip && /^\t\};/ { skip = 0; gap = 1 }'
}

check_topology() {
	local t=$1 name guest out rc need
	name=$(basename "$t")
	guest=$(assignable "$t")
	[ -n "$guest" ] || return 0
	out=$(H fdt --guest "$guest" "$t" "$WORK/g.dtb" --into "$WORK/guest.dtb" 2>&1 >/dev/null)
	rc=$?
	out=$(echo "$out" | grep -v '^warning: ')
	if [ $rc -ne 0 ]; then
		if [ $rc -eq 2 ] && [ "$(echo "$out" | wc -l)" -eq 1 ] &&
			echo "$out" | grep -qE "cannot hold|needs a .* aperture"; then
			pass
		else
			fail "$name: fdt failed ($rc): $out"
		fi
		return
	fi
	dtc_clean "$WORK/g.dtb" || fail "$name: dtc warns"
	[ "$(fdtget -t s "$WORK/g.dtb" $PCIE compatible)" = pci-host-ecam-generic ] &&
		[ "$(fdtget -t s "$WORK/g.dtb" $PCIE device_type)" = pci ] &&
		[ "$(fdtget "$WORK/g.dtb" $PCIE '#address-cells')" = 3 ] &&
		[ "$(fdtget "$WORK/g.dtb" $PCIE '#size-cells')" = 2 ] ||
		fail "$name: binding properties"
	# reg covers the buses in bus-range, 1 MiB each.
	read -r first last < <(fdtget "$WORK/g.dtb" $PCIE bus-range)
	read -r _ base _ size < <(fdtget "$WORK/g.dtb" $PCIE reg)
	[ "$size" -eq $(((last - first + 1) << 20)) ] && [ "$base" -eq $((0x10000000)) ] ||
		fail "$name: reg $base/$size for buses $first-$last"
	# The ranges hold the data's BARs: I/O in the I/O window, memory
	# (each at least a 4 KiB frame) in the memory windows, the largest
	# in the largest window.
	ranges_sizes "$WORK/g.dtb" >"$WORK/ranges"
	expected_sizes "$t" | awk -v list="$guest" '
	BEGIN { n = split(list, g, ","); for (i = 1; i <= n; i++) want[g[i]] = 1 }
	# A 64-bit BAR cannot start in slot 5: the loader makes it
	# unimplemented (and says so), so the guest never gets it.
	$2 == 5 && $3 == "mem64" { next }
	$1 in want { print }' >"$WORK/bars"
	need=$(awk '
	FNR == NR { win[$1] = $2; next }
	{
		if ($3 == "io") { io += $4; next }
		fp = $4 < 4096 ? 4096 : $4
		mem += fp; if (fp > big) big = fp
	}
	END {
		m = win["mem32"] + win["mem64"]
		top = win["mem32"] > win["mem64"] ? win["mem32"] : win["mem64"]
		if (io > win["io"] + 0) print "io " io " > " win["io"] + 0
		if (mem > m) print "memory " mem " > " m
		if (big > top) print "largest BAR " big " > " top
	}' "$WORK/ranges" "$WORK/bars")
	[ -z "$need" ] || fail "$name: ranges too small: $need"
	# Every other node as before.
	diff <(without_bridge "$WORK/guest.dtb") <(without_bridge "$WORK/g.dtb") >/dev/null ||
		fail "$name: other nodes changed"
	pass
}

# Under a wrapper (valgrind) the machine-by-machine sweep is too slow for
# the test command's budget: the Firecracker capture stands for it there
# (the sweep itself runs unwrapped).
if [ -n "${HARNESS_WRAPPER:-}" ]; then
	topologies() { echo "$DATA/sysfs/firecracker-microvm"; }
else
	topologies() { all_topologies; }
fi
while read -r t; do
	check_topology "$t"
done < <(topologies)

# Standalone: a root with 2/2 cells and the node; no interrupts.
FC=$DATA/sysfs/firecracker-microvm
if H fdt --guest 00:01.0,00:02.0 "$FC" "$WORK/s.dtb" 2>/dev/null; then
	dtc_clean "$WORK/s.dtb" || fail "standalone: dtc warns"
	[ "$(fdtget "$WORK/s.dtb" / '#address-cells')" = 2 ] &&
		[ "$(fdtget "$WORK/s.dtb" / '#size-cells')" = 2 ] &&
		! fdtget "$WORK/s.dtb" $PCIE interrupt-map >/dev/null 2>&1 ||
		fail "standalone tree"
	pass
else
	fail "standalone fdt failed"
fi
# --into a file that is not a tree: one line, status 2.
echo garbage >"$WORK/bad.dtb"
out=$(H fdt "$FC" "$WORK/x.dtb" --into "$WORK/bad.dtb" 2>&1 >/dev/null)
[ $? -eq 2 ] && [ "$(echo "$out" | wc -l)" -eq 1 ] &&
	echo "$out" | grep -q "bad.dtb: device tree: not a valid" ||
	fail "fdt --into garbage: $out"

# ------------------------------------------------------------------ boot
cat >"$WORK/boot.dts" <<'DTS'
/dts-v1/;
/ {
	#address-cells = <2>;
	#size-cells = <2>;
	chosen {
		#address-cells = <2>;
		#size-cells = <2>;
		module@200000 {
			compatible = "multiboot,kernel", "multiboot,module";
			reg = <0x0 0x200000 0x0 0x1000000>;
		};
		domU1 {
			compatible = "xen,domain";
			memory = <0x0 0x80000>;
			cpus = <2>;
			xen,enhanced = "enabled";
			vpci,devices = "00:01.0@00:01.0", "0000:00:02.0@0000:00:02.0";
			vpci,external-devices = "00:03.0@00:03.0";
		};
		domU2 {
			compatible = "xen,domain";
			memory = <0x0 0x40000>;
			cpus = <1>;
			xen,enhanced = "no-xenstore";
			vpci,host-bridge;
			vpci,ecam-base = /bits/ 64 <0x30000000>;
			vpci,bus-range = <0 1>;
			vpci,msix = "no";
			vpci,devices = "00:05.0@01:1f.0";
		};
	};
};
DTS
dtc_out=$(dtc -I dts -O dtb -o "$WORK/boot.dtb" "$WORK/boot.dts" 2>&1)
[ -z "$dtc_out" ] || fail "boot.dts: $dtc_out"
ids() { # SBDF -> VENDOR:DEVICE from the capture's files
	printf '%04x:%04x' "$(cat "$FC/devices/$1/vendor")" "$(cat "$FC/devices/$1/device")"
}
cat >"$WORK/expected" <<EOF2
hardware domain 0: every function not given to a guest
domain 1 /chosen/domU1: memory 524288 KiB, cpus 2, xen,enhanced: grant-table event-channel xenstore
  ecam 0x10000000-0x100fffff segment 0000 buses 00-00, host bridge no, msi default, msix default
  0000:00:01.0 -> 0000:00:01.0 vpci, reads $(ids 0000:00:01.0)
  0000:00:02.0 -> 0000:00:02.0 vpci, reads $(ids 0000:00:02.0)
  0000:00:03.0 -> 0000:00:03.0 external, reads $(ids 0000:00:03.0)
domain 2 /chosen/domU2: memory 262144 KiB, cpus 1, xen,enhanced: grant-table event-channel
  ecam 0x30000000-0x301fffff segment 0000 buses 00-01, host bridge yes, msi default, msix no
  0000:00:05.0 -> 0000:01:1f.0 vpci, reads $(ids 0000:00:05.0)
EOF2
if H boot "$FC" "$WORK/boot.dtb" >"$WORK/boot.out" 2>"$WORK/boot.err" &&
	diff "$WORK/expected" "$WORK/boot.out" && [ ! -s "$WORK/boot.err" ]; then
	pass
else
	fail "boot output: $(cat "$WORK/boot.err")"
fi

# bad_boot NAME EXPECTED-PART [harness options] < edits: sed on boot.dts
# Under a wrapper only the cases marked "always" run (the in-process
# cmocka test covers every error path under valgrind already).
bad_boot() {
	local name=$1 part=$2 out rc
	shift 2
	if [ -n "${HARNESS_WRAPPER:-}" ] && [ "${ALWAYS:-}" != 1 ]; then
		return 0
	fi
	sed "$SED" "$WORK/boot.dts" >"$WORK/$name.dts"
	dtc -q -I dts -O dtb -o "$WORK/$name.dtb" "$WORK/$name.dts"
	out=$(H boot "$@" "$FC" "$WORK/$name.dtb" 2>&1 >"$WORK/$name.out")
	rc=$?
	if [ $rc -eq 2 ] && [ "$(echo "$out" | wc -l)" -eq 1 ] &&
		[ ! -s "$WORK/$name.out" ] && [[ "$out" == *"$part"* ]]; then
		pass
	else
		fail "boot $name ($rc): $out"
	fi
}
SED='s/"no-xenstore"/"no-xen-store"/'
ALWAYS=1 bad_boot enhanced "$WORK/enhanced.dtb: /chosen/domU2: xen,enhanced = \"no-xen-store\": expected"
SED='s/"00:05.0@01:1f.0"/"00:05.0@01:1f.1"/'
bad_boot function "/chosen/domU2: vpci,devices = \"00:05.0@01:1f.1\": a function keeps"
# The replay platform has the interrupt hooks, so "yes" would boot; a
# value that is no tri-state is the error here.
SED='s/vpci,msix = "no"/vpci,msix = "maybe"/'
bad_boot msix "/chosen/domU2: vpci,msix = \"maybe\": expected \"yes\", \"no\" or \"default\""
SED='s/00:03.0@00:03.0/00:01.0@00:03.0/'
bad_boot twice "/chosen/domU1: vpci,external-devices = \"00:01.0@00:03.0\": 0000:00:01.0 is assigned twice"
SED='s/"multiboot,kernel", //'
bad_boot no_hwdom "/chosen/domU1: xen,enhanced = \"enabled\": means xenstore, which needs a hardware domain"
SED='s/^//'
ALWAYS=1 bad_boot hidden "/chosen/domU2: vpci,devices = \"0000:00:05.0@0000:01:1f.0\": the function is hidden" --hide 00:05.0
bad_boot readonly "/chosen/domU1: vpci,devices = \"0000:00:02.0@0000:00:02.0\": the function is read-only" --ro 00:02.0
head -c 100 "$WORK/boot.dtb" >"$WORK/short.dtb"
out=$(H boot "$FC" "$WORK/short.dtb" 2>&1 >/dev/null)
[ $? -eq 2 ] && [[ "$out" == *"short.dtb: device tree: truncated: the header says"* ]] ||
	fail "boot truncated: $out"
finish

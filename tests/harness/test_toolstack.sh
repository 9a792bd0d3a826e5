#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The toolstack scenarios of docs/ownership.md, from the command line:
#  - an x86-like host (--no-guest-vpci): passthrough is refused with the
#    reason naming the host limit, a guest with only an emulator works;
#  - a hardware domain without vPCI (--no-hwdom-vpci) sees raw hardware
#    and maps nothing;
#  - the multi-function policies (--policy hide-slot|stub-fn0);
#  - a guest with its host bridge and no vPCI (--bridge-only): the bridge
#    passes Linux's x86 sanity check, passthrough is refused;
#  - a virtual function served by a scripted emulator (--emulate), at once
#    and asynchronously, next to a passed-through device (Arm-like host).
# Expected bytes come from the capture's config files and from the
# emulator file the test writes, never from the harness.
#
# Usage: test_toolstack.sh VPCI_HARNESS DATA_DIR
. "$(dirname "$0")/common.sh"

FC=$DATA/sysfs/firecracker-microvm
X99=$DATA/sysfs/MrArtemSid__huananzhi_x99-QD4

# The little-endian value of SIZE bytes at OFFSET of a config file, as the
# script prints it.
cfg() { # FILE OFFSET SIZE
	local bytes
	bytes=$(od -An -tx1 -j"$(($2))" -N"$3" "$1" | tr -d ' \n')
	local out="" i
	for ((i = ${#bytes} - 2; i >= 0; i -= 2)); do
		out+=${bytes:i:2}
	done
	echo "0x$out"
}

run() { # SCRIPT_TEXT OPTIONS... TOPOLOGY
	local text=$1
	shift
	printf '%b' "$text" | H replay "$@"
}

# ------------------------------------------------- an x86-like host
expect_error "passthrough on a host without guest vPCI" \
	"cannot create the guest.*vpci=yes.*VPCI_HOST_NO_GUEST_VPCI" \
	H replay --no-guest-vpci --guest 00:02.0 "$FC" /dev/null

# A virtio-net function as an emulator would serve it (bytes from a QEMU
# guest's lspci -x), written here so the expectations come from it.
cat >"$WORK/vnet.txt" <<'EOF'
# virtio-net, legacy
00:05.0 Ethernet controller: Red Hat, Inc. Virtio network device
00: f4 1a 00 10 07 05 10 00 00 00 00 02 00 00 00 00
10: 01 c0 00 00 00 10 bf fe 00 00 00 00 00 00 00 00
20: 0c 00 00 fe 00 00 00 00 00 00 00 00 f4 1a 01 00
30: 00 00 b8 fe 00 00 00 00 00 00 00 00 0b 01 00 00
EOF
# The same bytes as a binary config file, for cfg().
grep -E '^[0-9a-f]+: ' "$WORK/vnet.txt" | cut -d' ' -f2- | tr ' ' '\n' |
	while read -r byte; do printf "\\x$byte"; done >"$WORK/vnet.bin"

# Without guest vPCI the emulator-only guest still gets its host bridge
# (the default vpci=default is off there; the bridge is asked for by
# having emulators): the bridge and the virtual function answer, the
# assigned-device address space is empty.
expect_out "x86 guest with an emulator only" \
	"0x0600
0x00
$(cfg "$WORK/vnet.bin" 0 4)
$(cfg "$WORK/vnet.bin" 8 4)
0xffffffff" \
	run 'r 00:00.0 0x0a 2\nr 00:00.0 0x0e 1\nr 00:05.0 0 4\nr 00:05.0 8 4\nr 00:02.0 0 4\n' \
	--no-guest-vpci --guest-sbdf --emulate 00:05.0="$WORK/vnet.txt" "$FC"

# ------------------------------------- hardware domain without vPCI
# Raw hardware: the capture's bytes, and no BAR is mapped by vPCI.
expect_out "hardware domain without vPCI sees raw hardware, maps nothing" \
	"$(cfg "$FC/devices/0000:00:02.0/config" 0 4)
$(cfg "$FC/devices/0000:00:02.0/config" 0x10 4)" \
	run 'r 00:02.0 0 4\nr 00:02.0 0x10 4\n' --no-hwdom-vpci --trace "$FC"
# With vPCI (the default) the same command maps the decoding BARs.
if run '' --trace "$FC" | grep -q '^map '; then
	pass
else
	fail "hardware domain with vPCI: no map lines with --trace"
fi

# -------------------------------------------- multi-function policies
F0=$X99/devices/0000:05:00.0/config
F1=$X99/devices/0000:05:00.1/config
expect_out "default: a hidden function stays visible" \
	"$(cfg "$F0" 0 4)
$(cfg "$F1" 0 4)" \
	run 'r 05:00.0 0 4\nr 05:00.1 0 4\n' --hide 05:00.1 "$X99"
expect_out "hide-slot: the slot of a hidden function disappears" \
	"0xffffffff
0xffffffff
$(cfg "$X99/devices/0000:08:00.0/config" 0 4)" \
	run 'r 05:00.0 0 4\nr 05:00.1 0 4\nr 08:00.0 0 4\n' \
	--hide 05:00.1 --policy hide-slot "$X99"
expect_error "hide-slot: the slot cannot be assigned" \
	"--guest 0000:05:00.0: cannot assign:.*VPCI_POLICY_HIDE_SLOT" \
	H replay --hide 05:00.1 --policy hide-slot --guest 05:00.0 "$X99" \
	/dev/null
# A hidden function 0: a stub with its identity and class, the
# multi-function bit, no BARs; function 1 still enumerates.
expect_out "stub-fn0: function 0 is a stub, function 1 stays" \
	"$(cfg "$F0" 0 4)
$(cfg "$F0" 8 4)
0x80
0x00000000
$(cfg "$F1" 0 4)" \
	run 'r 05:00.0 0 4\nr 05:00.0 8 4\nr 05:00.0 0x0e 1\nr 05:00.0 0x10 4\nr 05:00.1 0 4\n' \
	--hide 05:00.0 --policy stub-fn0 "$X99"
expect_error "an unknown policy" "--policy takes hide-slot or stub-fn0" \
	H replay --policy both "$FC" /dev/null

# ------------------------------------------------- bridge, no vPCI
# Linux's pci_sanity_check(): a host-bridge class on bus 0; header type
# 0; no BARs (sizing reads 0).
expect_out "bridge-only guest: the host bridge" \
	"0x0600
0x00
0x00000000
0x00000000" \
	run 'r 00:00.0 0x0a 2\nr 00:00.0 0x0e 1\nw 00:00.0 0x10 4 0xffffffff\nr 00:00.0 0x10 4\nr 00:00.0 0x34 4\n' \
	--bridge-only --guest-sbdf "$FC"
# Without --guest-sbdf scripts name host SBDFs: the host's own 00:00.0,
# not given to the guest, reads all-ones.
expect_out "bridge-only guest: host SBDFs it was not given read all-ones" \
	"0xffffffff" run 'r 00:00.0 0 4\n' --bridge-only "$FC"
expect_error "bridge-only guest: no passthrough" \
	"--guest 0000:00:02.0: cannot assign: .*vPCI off" \
	H replay --bridge-only --guest 00:02.0 "$FC" /dev/null
if have_lspci; then
	if H dump --bridge-only "$FC" 2>/dev/null | lspci -F /dev/stdin 2>/dev/null |
		grep -q '^00:00.0 Host bridge'; then
		pass
	else
		fail "bridge-only guest: lspci does not see a host bridge at 00:00.0"
	fi
fi

# --------------------------------------------- emulators, sync and async
# Written bytes above 0x40 stay; identity and class are read-only.
expect_out "synchronous emulator: reads, writes" \
	"$(cfg "$WORK/vnet.bin" 0 2)
0x12345678
$(cfg "$WORK/vnet.bin" 8 4)" \
	run 'r 00:05.0 0 2\nw 00:05.0 0x40 4 0x12345678\nr 00:05.0 0x40 4\nw 00:05.0 8 4 0\nr 00:05.0 8 4\n' \
	--bridge-only --guest-sbdf --emulate 00:05.0="$WORK/vnet.txt" "$FC"

# delay=2: a request asked at step k is answered after step k+2; the
# other lines (the device passed through from host 00:02.0, at guest
# 00:01.0; the bridge) go on meanwhile. The write (request 2) lands before the read that asked
# after it (request 3) is answered, so that read sees it.
expect_out "asynchronous emulator: pending, then complete, in script steps" \
	"pending 1
$(cfg "$FC/devices/0000:00:02.0/config" 0 4)
pending 2
complete 1 $(cfg "$WORK/vnet.bin" 0 4)
pending 3
0x0600
complete 2
0x00
complete 3 0xcafe0001" \
	run 'r 00:05.0 0 4\nr 00:01.0 0 4\nw 00:05.0 0x40 4 0xcafe0001\nr 00:05.0 0x40 4\nr 00:00.0 0x0a 2\nr 00:00.0 0x0e 1\n' \
	--guest 00:02.0 --guest-sbdf --emulate 00:05.0="$WORK/vnet.txt,delay=2" "$FC"
# What is still owed when the script ends is answered then.
expect_out "asynchronous emulator: answered at the end of the script" \
	"pending 1
complete 1 $(cfg "$WORK/vnet.bin" 0x2c 4)" \
	run 'r 00:05.0 0x2c 4\n' \
	--guest-sbdf --emulate 00:05.0="$WORK/vnet.txt,delay=9" "$FC"

# Arm-like host: passthrough and a virtio-pci emulator in one guest, one
# ECAM view: the bridge, the device at 00:01.0, the emulated function.
if have_lspci; then
	got=$(H dump --guest 00:02.0 \
		--emulate 00:05.0="$WORK/vnet.txt,delay=1" "$FC" 2>/dev/null |
		lspci -F /dev/stdin -n 2>/dev/null | cut -d' ' -f1,3)
	want="00:00.0 1b36:0008
00:01.0 $(cfg "$FC/devices/0000:00:02.0/config" 0 2 | cut -c3-):$(cfg "$FC/devices/0000:00:02.0/config" 2 2 | cut -c3-)
00:05.0 1af4:1000"
	[ "$got" = "$want" ] && pass ||
		fail "Arm-like guest dump: got '$(tr '\n' '|' <<<"$got")', want '$(tr '\n' '|' <<<"$want")'"
fi

# ------------------------------------------------------------- errors
expect_error "--emulate without a file" "expected SBDF=FILE" \
	H replay --emulate 00:05.0 "$FC" /dev/null
expect_error "--emulate with a missing file" "--emulate /nonexistent.*No such file" \
	H replay --emulate 00:05.0=/nonexistent "$FC" /dev/null
printf '00: f4 1a zz\n' >"$WORK/bad.txt"
expect_error "--emulate with a bad byte" "bad.txt:1: bad byte 'zz'" \
	H replay --emulate 00:05.0="$WORK/bad.txt" "$FC" /dev/null
printf '# nothing\n' >"$WORK/empty.txt"
expect_error "--emulate with no bytes" "empty.txt: no 'OFFSET: BYTE" \
	H replay --emulate 00:05.0="$WORK/empty.txt" "$FC" /dev/null
expect_error "--emulate on the host bridge's slot" \
	"--emulate 0000:00:00.2: cannot register: .*host bridge" \
	H replay --emulate 00:00.2="$WORK/vnet.txt" "$FC" /dev/null
expect_error "--emulate where a device was assigned" \
	"--emulate 0000:00:01.0: cannot register: .*already has a function" \
	H replay --guest 00:02.0 --emulate 00:01.0="$WORK/vnet.txt" "$FC" \
	/dev/null
expect_error "--emulate with a bad delay" "bad delay" \
	H replay --emulate 00:05.0="$WORK/vnet.txt,delay=-1" "$FC" /dev/null
finish

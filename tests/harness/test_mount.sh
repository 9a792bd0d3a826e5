#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# `vpci-harness mount`: the live FUSE view, driven by real lspci and setpci
# over the Firecracker microVM capture.
#  - hardware domain: `lspci -vv` of the mount is the same text as of an
#    export-sysfs of the same view; setpci COMMAND=0x0 then COMMAND=0x2 on
#    00:01.0 reads back and makes the trace show unmap, then map, lines
#    inside that device's BAR (frames from the capture's resource file);
#    config reads at odd sizes and offsets give the exported bytes, reads
#    past the end are short, writes past the end fail;
#  - guest (--guest 00:02.0, at virtual 00:01.0, behind the guest's host
#    bridge at 00:00.0): the same lspci check;
#    setpci places BAR0 and turns decode on, the trace maps GFNs from that
#    address onto the BAR's frames and `resource` shows the new address.
# The first mount is ended by unmounting, the second by SIGTERM; either
# way the process must exit 0 (under HARNESS_WRAPPER=valgrind: leak-free).
#
# Skips (exit 77) when vpci-harness was built without libfuse3, there is
# no /dev/fuse, lspci/setpci are missing, or mounting is not permitted
# here (sandboxes). Every mount is undone in the EXIT trap (fusermount3
# -u, else umount -l) and every wait is bounded, so the test cannot hang.
#
# Usage: test_mount.sh VPCI_HARNESS DATA_DIR
. "$(dirname "$0")/common.sh"

FC=$DATA/sysfs/firecracker-microvm
SKIP=77
# Seconds to wait for a mount to appear or a process to end; valgrind
# needs far longer to start.
WAIT=5
[ -n "${HARNESS_WRAPPER:-}" ] && WAIT=60

skip() {
	echo "SKIP: $*"
	exit $SKIP
}

if "$H_BIN" mount --help 2>/dev/null | grep -q 'Not built'; then
	skip "vpci-harness was built without libfuse3"
fi
[ -c /dev/fuse ] || skip "no /dev/fuse"
command -v lspci >/dev/null && command -v setpci >/dev/null ||
	skip "lspci/setpci (pciutils) not installed"

# ------------------------------------------------ mounting and cleaning up
MOUNTS=() # mountpoints that may be mounted
PIDS=()   # harness processes that may be running

unmount() { # MNT: quietly, bounded
	timeout -s KILL 10 fusermount3 -u "$1" 2>/dev/null ||
		timeout -s KILL 10 umount -l "$1" 2>/dev/null
}

is_mounted() { # MNT
	grep -qF " $1 " /proc/mounts
}

# Wait (bounded) for process PID to end; REAPED is its exit status, or
# "timeout" after killing it.
reap() {
	local pid=$1 i
	for ((i = 0; i < WAIT * 10; i++)); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	if kill -0 "$pid" 2>/dev/null; then
		kill -KILL "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
		REAPED=timeout
		return
	fi
	wait "$pid"
	REAPED=$?
}

cleanup() {
	local m p
	for m in "${MOUNTS[@]}"; do
		is_mounted "$m" && unmount "$m"
	done
	for p in "${PIDS[@]}"; do
		kill -TERM "$p" 2>/dev/null && reap "$p"
	done
	for m in "${MOUNTS[@]}"; do # never rm -r through a live mount
		is_mounted "$m" && return
	done
	rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

# start_mount NAME [OPTIONS]: mount $FC at $WORK/NAME with --trace, its
# stdout in $WORK/NAME.out; sets MNT and MPID. Skips the test when the
# harness cannot mount here; fails when the mount never appears.
start_mount() {
	local name=$1 i
	shift
	MNT=$WORK/$name
	mkdir -p "$MNT"
	MOUNTS+=("$MNT")
	# shellcheck disable=SC2086
	${HARNESS_WRAPPER:-} "$H_BIN" mount --trace "$@" "$FC" "$MNT" \
		>"$WORK/$name.out" 2>"$WORK/$name.err" &
	MPID=$!
	PIDS+=("$MPID")
	for ((i = 0; i < WAIT * 10; i++)); do
		if is_mounted "$MNT" &&
			timeout -s KILL 10 test -d "$MNT/devices"; then
			return 0
		fi
		if ! kill -0 "$MPID" 2>/dev/null; then
			wait "$MPID"
			skip "cannot mount here (exit $?):" \
				"$(tail -1 "$WORK/$name.err")"
		fi
		sleep 0.1
	done
	fail "$name: $MNT/devices did not appear within ${WAIT}s"
	finish
}

# Run lspci/setpci against a tree, bounded (a hung server must not hang
# the test).
LSPCI() { # TREE ARGS
	local tree=$1
	shift
	timeout -s KILL 60 lspci -A linux-sysfs -O sysfs.path="$tree" "$@" \
		2>/dev/null
}
SETPCI() { # TREE ARGS
	local tree=$1
	shift
	timeout -s KILL 60 setpci -A linux-sysfs -O sysfs.path="$tree" "$@"
}

# The same view exported, read by lspci: must be the mount's text.
compare_with_export() { # LABEL [OPTIONS]
	local label=$1
	shift
	if ! H export-sysfs "$@" "$FC" "$WORK/$label.export" \
		2>"$WORK/$label.experr"; then
		fail "$label: export-sysfs: $(head -1 "$WORK/$label.experr")"
		return
	fi
	LSPCI "$WORK/$label.export" -vv >"$WORK/$label.want"
	LSPCI "$MNT" -vv >"$WORK/$label.got"
	if [ ! -s "$WORK/$label.want" ]; then
		fail "$label: lspci shows nothing in the export"
	elif cmp -s "$WORK/$label.want" "$WORK/$label.got"; then
		pass
	else
		fail "$label: lspci -vv differs between the mount and" \
			"export-sysfs: $(diff "$WORK/$label.want" \
				"$WORK/$label.got" | head -5 | tr '\n' '|')"
	fi
}

# Trace lines after line N of FILE, into $WORK/new.
trace_since() { # FILE N
	tail -n +"$(($2 + 1))" "$1" >"$WORK/new"
}

# check_events KIND GFN0 MFN0 NR: every line on stdin is KIND, inside the
# BAR [MFN0, MFN0+NR) with gfn - GFN0 == mfn - MFN0; prints the frames.
check_events() {
	awk -v kind="$1" -v gfn0="$2" -v mfn0="$3" -v nr="$4" '
	function hex(s,   i, v) {
		v = 0; s = tolower(substr(s, 3))
		for (i = 1; i <= length(s); i++)
			v = v * 16 + index("0123456789abcdef", substr(s, i, 1)) - 1
		return v
	}
	$1 != kind { print "unexpected " $0; bad = 1; next }
	{
		g = hex($2) - gfn0; m = hex($3) - mfn0
		if (g != m || m < 0 || m + $4 > nr) { print "outside: " $0; bad = 1 }
		total += $4
	}
	END { if (!bad) print total + 0; exit bad }'
}

expect_events() { # LABEL KIND GFN0 MFN0 NR (lines on stdin)
	local total
	if total=$(check_events "$2" "$3" "$4" "$5") && [ "$total" -gt 0 ]; then
		pass
	else
		fail "$1: want $2 lines inside [$(printf 0x%x "$4"), +$5)," \
			"got: ${total:-nothing}"
	fi
}

bar0_frames() { # SBDF: "MFN0 NR" of BAR0 from the capture
	local start end flags
	read -r start end flags <"$FC/devices/$1/resource"
	[ $((flags & 0x200)) -ne 0 ] && [ $((end)) -ne 0 ] ||
		fail "$1 BAR0 in the capture is not a memory BAR"
	echo $((start >> 12)) $(((end - start + 1) >> 12))
}

stop_mount() { # LABEL: unmount; the process must end with status 0
	unmount "$MNT"
	reap "$MPID"
	if [ "$REAPED" = 0 ] && ! is_mounted "$MNT"; then
		pass
	else
		fail "$1: after unmounting: exit $REAPED," \
			"$(is_mounted "$MNT" && echo still mounted)" \
			"$(head -3 "$WORK/$1.err" | tr '\n' '|')"
	fi
}

# ---------------------------------------------------- hardware domain
DEV=0000:00:01.0
read -r MFN0 NR <<<"$(bar0_frames $DEV)"
start_mount hw
compare_with_export hw

cmd=$(SETPCI "$MNT" -s 00:01.0 COMMAND)
want=$(od -An -tx2 -j4 -N2 "$FC/devices/$DEV/config" | tr -d ' ')
[ "$cmd" = "$want" ] && pass ||
	fail "hw: setpci COMMAND read '$cmd', the capture has '$want'"

n=$(wc -l <"$WORK/hw.out")
SETPCI "$MNT" -s 00:01.0 COMMAND=0x0 || fail "hw: setpci COMMAND=0x0 failed"
cmd=$(SETPCI "$MNT" -s 00:01.0 COMMAND)
[ "$cmd" = 0000 ] && pass || fail "hw: COMMAND reads '$cmd' after =0x0"
trace_since "$WORK/hw.out" "$n"
expect_events "hw: COMMAND=0x0" unmap "$MFN0" "$MFN0" "$NR" <"$WORK/new"

n=$(wc -l <"$WORK/hw.out")
SETPCI "$MNT" -s 00:01.0 COMMAND=0x2 || fail "hw: setpci COMMAND=0x2 failed"
cmd=$(SETPCI "$MNT" -s 00:01.0 COMMAND)
[ "$cmd" = 0002 ] && pass || fail "hw: COMMAND reads '$cmd' after =0x2"
trace_since "$WORK/hw.out" "$n"
expect_events "hw: COMMAND=0x2" map "$MFN0" "$MFN0" "$NR" <"$WORK/new"

# With COMMAND as captured again, reads of any size give the exported
# bytes; reads past the end are short, writes there fail.
SETPCI "$MNT" -s 00:01.0 COMMAND="$want" || fail "hw: restoring COMMAND"
CFG=$MNT/devices/$DEV/config
EXP=$WORK/hw.export/devices/$DEV/config
for bs in 1 3 7 4096 65536; do
	if timeout -s KILL 30 dd if="$CFG" bs=$bs 2>/dev/null |
		cmp -s - "$EXP"; then
		pass
	else
		fail "hw: config read in ${bs}-byte blocks differs from the export"
	fi
done
got=$(timeout -s KILL 30 dd if="$CFG" bs=1 skip=4094 count=10 2>/dev/null |
	wc -c)
[ "$got" -eq 2 ] && pass || fail "hw: 10 bytes at 4094 gave $got, want 2"
got=$(timeout -s KILL 30 dd if="$CFG" bs=4096 skip=1 2>/dev/null | wc -c)
[ "$got" -eq 0 ] && pass || fail "hw: read at 4096 gave $got bytes, want 0"
if printf x | timeout -s KILL 30 dd of="$CFG" bs=1 seek=4096 \
	conv=notrunc 2>/dev/null; then
	fail "hw: a write at offset 4096 succeeded"
else
	pass
fi
# A one-byte write to the interrupt line reaches config space; `irq`
# follows the interrupt pin, which this function does not have (0).
printf '\x0b' | timeout -s KILL 30 dd of="$CFG" bs=1 seek=$((0x3c)) \
	conv=notrunc 2>/dev/null
line=$(od -An -tx1 -j$((0x3c)) -N1 "$CFG" | tr -d ' ')
pin=$(od -An -tu1 -j$((0x3d)) -N1 "$CFG" | tr -d ' ')
irq=$(cat "$MNT/devices/$DEV/irq")
want=11
[ "$pin" = 0 ] && want=0
[ "$line" = 0b ] && [ "$irq" = $want ] && pass ||
	fail "hw: line '$line', irq '$irq' (pin $pin) after writing 0x0b"
stop_mount hw

# ---------------------------------------------------------------- guest
DEV=0000:00:02.0
GUEST_BAR=0xe0000000
read -r MFN0 NR <<<"$(bar0_frames $DEV)"
start_mount guest --guest 00:02.0
compare_with_export guest --guest 00:02.0
if [ -n "$(cat "$WORK/guest.out")" ]; then
	fail "guest: trace lines before the guest did anything:" \
		"$(head -1 "$WORK/guest.out")"
fi
SETPCI "$MNT" -s 00:01.0 BASE_ADDRESS_0=$GUEST_BAR BASE_ADDRESS_1=0 ||
	fail "guest: setpci BASE_ADDRESS_0 failed"
[ -z "$(cat "$WORK/guest.out")" ] && pass ||
	fail "guest: mapping before decode is on: $(head -1 "$WORK/guest.out")"
SETPCI "$MNT" -s 00:01.0 COMMAND=0x2 || fail "guest: setpci COMMAND failed"
expect_events "guest: COMMAND=0x2" map $((GUEST_BAR >> 12)) "$MFN0" "$NR" \
	<"$WORK/guest.out"
read -r start _ <"$MNT/devices/0000:00:01.0/resource"
[ $((start)) -eq $((GUEST_BAR)) ] && pass ||
	fail "guest: resource starts at $start after placing BAR0 at $GUEST_BAR"

# SIGTERM: the process unmounts and exits 0.
kill -TERM "$MPID"
reap "$MPID"
if [ "$REAPED" = 0 ] && ! is_mounted "$MNT"; then
	pass
else
	fail "guest: after SIGTERM: exit $REAPED, $(is_mounted "$MNT" &&
		echo still mounted) $(head -3 "$WORK/guest.err" | tr '\n' '|')"
fi
# Off a terminal the mount says nothing on stderr; on one (stdout to a
# file, so trace lines do not share it) it shows what it serves.
[ ! -s "$WORK/guest.err" ] && pass ||
	fail "guest: stderr off a terminal: $(head -2 "$WORK/guest.err" | tr '\n' '|')"
if command -v script >/dev/null 2>&1; then
	MNT=$WORK/tty
	mkdir -p "$MNT"
	MOUNTS+=("$MNT")
	script -qec "$(printf '%q ' "$H_BIN" mount --trace "$FC" "$MNT") >$(printf '%q' "$WORK/tty.out")" \
		/dev/null >"$WORK/tty.log" 2>&1 &
	SPID=$!
	for ((i = 0; i < WAIT * 10; i++)); do
		is_mounted "$MNT" && break
		sleep 0.1
	done
	timeout -s KILL 10 cat "$MNT/devices/0000:00:01.0/config" >/dev/null
	sleep 1.2 # the line is rewritten at most once a second
	timeout -s KILL 10 cat "$MNT/devices/0000:00:01.0/config" >/dev/null
	unmount "$MNT"
	wait "$SPID" 2>/dev/null
	grep -q "mount: serving $MNT: [1-9][0-9]* config reads" "$WORK/tty.log" &&
		pass || fail "no progress on a terminal: $(tr '\r\n' '  ' <"$WORK/tty.log" | head -c 200)"
fi
# ------------------------------------------------------------ selectors
# A mount given lspci's -s/-d serves exactly the functions real lspci's
# own -s/-d pick from the whole view.
if H export-sysfs "$FC" "$WORK/all.export" >/dev/null 2>&1; then
	nr_sel=0
	for sel in "-s 00:02.0" "-s .0" "-d 1af4:" "-d ::0200" "-s 00:1f"; do
		nr_sel=$((nr_sel + 1))
		# shellcheck disable=SC2086 # the selector is two words
		want=$(LSPCI "$WORK/all.export" -D $sel | awk '{ print $1 }' |
			sort | tr '\n' ' ')
		# shellcheck disable=SC2086
		start_mount "sel$nr_sel" $sel
		got=$(timeout -s KILL 10 ls "$MNT/devices" | sort | tr '\n' ' ')
		[ "$got" = "$want" ] && pass ||
			fail "mount $sel serves '$got', lspci $sel picks '$want'"
		stop_mount "sel$nr_sel"
	done
else
	fail "selectors: export-sysfs of the whole view failed"
fi

finish

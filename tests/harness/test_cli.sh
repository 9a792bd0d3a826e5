#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The vpci-harness command-line contract: help, output formats, stdin,
# all-ones for absent functions, --hide/--ro, and that every malformed
# input (script lines, topologies, options) is one line on stderr and exit
# status 2, never a crash.
#
# Usage: test_cli.sh VPCI_HARNESS DATA_DIR
. "$(dirname "$0")/common.sh"

FC=$DATA/sysfs/firecracker-microvm

# Script text ($1) to a file, named for messages.
script_file() {
	printf '%b' "$1" >"$WORK/s.txt"
	echo "$WORK/s.txt"
}

# ------------------------------------------------------------------ help
for c in "" capture replay dump export-sysfs stats mount help; do
	if H $c --help >"$WORK/out" 2>"$WORK/err" && [ -s "$WORK/out" ] &&
		[ ! -s "$WORK/err" ]; then
		pass
	else
		fail "'$c --help' did not print help on stdout with exit 0"
	fi
done
expect_out "help replay" "$(H replay --help)" H help replay
expect_error "no command" "no command given" H
expect_error "unknown command" "unknown command 'frobnicate'" H frobnicate
if H mount --help | grep -q 'Not built'; then
	expect_error "mount is not built" \
		"^vpci-harness: mount: not built \(libfuse3 not available\)$" H mount "$FC" /mnt
else # built with libfuse3: bad mountpoints (mounting: test_mount.sh)
	expect_error "mount without a mountpoint" "missing arguments" \
		H mount "$FC"
	expect_error "mount on a missing directory" \
		"^vpci-harness: $WORK/nowhere: No such file or directory$" \
		H mount "$FC" "$WORK/nowhere"
	expect_error "mount on a file" "^vpci-harness: $FC/devices/0000:00:01.0/config: not a directory$" \
		H mount "$FC" "$FC/devices/0000:00:01.0/config"
fi
expect_error "unknown option" "unknown option '--bogus'" H replay --bogus "$FC"
expect_error "option of another command" "'--trace' does not apply" \
	H dump --trace "$FC"
expect_error "missing argument" "missing argument" H replay --guest
expect_error "missing topology" "missing arguments" H replay
expect_error "too many arguments" "too many arguments" H dump "$FC" "$FC"

# ------------------------------------------------------- output formats
# The first dword of 00:01.0, from the capture's own config file.
id=$(od -An -tx4 -N4 "$FC/devices/0000:00:01.0/config" | tr -d ' ')
vendor=$(od -An -tx2 -N2 "$FC/devices/0000:00:01.0/config" | tr -d ' ')
byte2=$(od -An -tx1 -j2 -N1 "$FC/devices/0000:00:01.0/config" | tr -d ' ')
expect_out "r size 4/2/1, both SBDF forms, hex offsets with and without 0x" \
	"$(printf '0x%s\n0x%s\n0x%s\n0x%s' "$id" "$vendor" "$byte2" "$byte2")" \
	H replay "$FC" "$(script_file "# comment\n\nr 0000:00:01.0 0 4\n  r 00:01.0 0x0 2 # trailing\n\tr 00:01.0 2 1\nr 00:01.0 0x02 1\n")"
expect_out "w prints nothing; a write sticks" "0x5a" \
	H replay "$FC" "$(script_file "w 00:01.0 0x3c 1 0x5a\nr 00:01.0 3c 1\n")"
expect_out "absent functions read all-ones, writes are dropped" \
	"$(printf '0xffffffff\n0xffff\n0xff')" \
	H replay "$FC" "$(script_file "w 0000:42:00.0 0 4 0\nr 0000:42:00.0 0 4\nr 42:00.0 0 2\nr 0001:00:01.0 3 1\n")"
expect_out "script on stdin with -" "0x$vendor" \
	H replay "$FC" - <<<"r 00:01.0 0 2"
expect_out "script on stdin without SCRIPT" "0x$vendor" \
	H replay "$FC" <<<"r 00:01.0 0 2"
expect_out "empty script" "" H replay "$FC" /dev/null
expect_out "CRLF script" "0x$vendor" \
	H replay "$FC" "$(script_file "r 00:01.0 0 2\r\n")"

# ---------------------------------------------------- bad script lines
n=0
while IFS= read -r line; do
	n=$((n + 1))
	f=$(script_file "# line 1\n\nr 00:01.0 0 4\n$line\nr 00:01.0 0 4\n")
	expect_error "script line '$line'" "^vpci-harness: $f:4: " H replay "$FC" "$f"
done <<'EOF'
x 00:01.0 0 4
R 00:01.0 0 4
r 00:01.0 0 3
r 00:01.0 0 0
r 00:01.0 0x1000 4
r 00:01.0 4093 4
r 00:01.0 -1 4
r 00:01.0 0x 4
r 00:01.0 12abc 4
r 00:01.0 0 4 5
r 00:01.0 0
r
w 00:01.0 0 4
w 00:01.0 0 1 0x100
w 00:01.0 0 2 65536
w 00:01.0 0 4 0x100000000
w 00:01.0 0 4 -1
r zz:01.0 0 4
r 00:20.0 0 4
r 00:01.8 0 4
r 10000:00:01.0 0 4
r 0000:100:01.0 0 4
r 00:01 0 4
r 0000:00:01.0: 0 4
EOF
printf 'r 00:01.0 0 4\nr 00:01.0\0 0 4\n' >"$WORK/nul.txt"
expect_error "NUL byte in a script" "^vpci-harness: $WORK/nul.txt:2: " \
	H replay "$FC" "$WORK/nul.txt"
expect_error "bad line on stdin" "^vpci-harness: <stdin>:1: " H replay "$FC" <<<"bogus"
expect_error "missing script file" "^vpci-harness: $WORK/nope: " H replay "$FC" "$WORK/nope"

# ------------------------------------------------------ bad topologies
expect_error "missing topology file" "$WORK/nope" H dump "$WORK/nope"
for t in "$DATA"/bad/*; do
	[ -e "$t" ] || continue
	name=$(basename "$t")
	for c in replay dump stats; do
		if [ $c = replay ]; then
			expect_error "$c of bad/$name" "bad/$name" H $c "$t" /dev/null
		else
			expect_error "$c of bad/$name" "bad/$name" H $c "$t"
		fi
	done
	expect_error "export-sysfs of bad/$name" "bad/$name" \
		H export-sysfs "$t" "$WORK/x"
done
expect_error "dump of an empty file" "$WORK/empty" \
	bash -c ": >'$WORK/empty'; $(printf '%q ' "$H_BIN") dump '$WORK/empty'"
head -c 100000 /dev/urandom >"$WORK/random.bin"
expect_error "dump of random bytes" "$WORK/random.bin" H dump "$WORK/random.bin"

H export-sysfs "$FC" "$WORK/twice" 2>/dev/null
expect_error "export-sysfs into a used directory" "$WORK/twice/devices: already" \
	H export-sysfs "$FC" "$WORK/twice"

# ---------------------------------------------------- --guest, --hide, --ro
expect_error "--guest with an absent function" "0000:00:09.0.*no such function" \
	H replay --guest 00:01.0,00:09.0 "$FC" /dev/null
expect_error "--guest with a malformed SBDF" "--guest.*'00:01.0.1'" \
	H dump --guest 00:01.0.1 "$FC"
expect_error "--guest with an empty element" "--guest.*empty" \
	H dump --guest 00:01.0,,00:02.0 "$FC"
expect_error "--guest twice the same" "0000:00:01.0: given twice" \
	H dump --guest 00:01.0 --guest 00:01.0 "$FC"
expect_error "--hide of an absent function" "--hide 0000:00:09.0.*no such function" \
	H replay --hide 00:09.0 "$FC" /dev/null
expect_error "--ro of an absent function" "--ro 0000:00:09.0.*no such function" \
	H replay --ro 00:09.0 "$FC" /dev/null
expect_error "--hide takes one SBDF" "--hide takes one SBDF" \
	H replay --hide 00:01.0,00:02.0 "$FC" /dev/null
expect_error "--guest of a hidden function" "--guest 0000:00:02.0: cannot assign" \
	H replay --hide 00:02.0 --guest 00:02.0 "$FC" /dev/null
T2=$DATA/sysfs/3mdeb__openpower-talos2
expect_error "--guest of a bridge" "header type 1" \
	H replay --guest 0000:00:00.0 "$T2" /dev/null

# A hidden function: the hardware domain still reads it.
expect_out "hidden function reads" "0x$id" \
	H replay --hide 00:01.0 "$FC" - <<<"r 00:01.0 0 4"
# Read-only: hardware-domain writes are dropped.
line=$(od -An -tx1 -j60 -N1 "$FC/devices/0000:00:02.0/config" | tr -d ' ')
expect_out "read-only function drops writes" "0x$line" \
	H replay --ro 00:02.0 "$FC" - <<<"$(printf 'w 00:02.0 0x3c 1 0x%02x\nr 00:02.0 0x3c 1' $((0x$line ^ 0xff)))"
H stats --hide 00:01.0 --ro 00:02.0 "$FC" >"$WORK/out" 2>/dev/null
if grep -qx "hidden: 2 (read-only 1)" "$WORK/out" &&
	! grep -q "^  0000:00:0[12].0" "$WORK/out"; then
	pass
else
	fail "stats with --hide/--ro: $(grep hidden "$WORK/out")"
fi

# ------------------------------------------------------------ --trace
H replay --trace "$FC" - >"$WORK/out" 2>/dev/null <<'EOF'
r 00:01.0 0 4
w 00:01.0 4 2 0
w 00:01.0 4 2 6
r 00:01.0 0 2
EOF
if grep -Evq '^(0x[0-9a-f]+|(un)?map 0x[0-9a-f]+ 0x[0-9a-f]+ [0-9]+)$' \
	"$WORK/out"; then
	fail "--trace prints something else: $(grep -Ev '^(0x|map|unmap)' \
		"$WORK/out" | head -1)"
elif [ "$(grep -c '^0x' "$WORK/out")" -ne 2 ]; then
	fail "--trace: want 2 read lines, got $(grep -c '^0x' "$WORK/out")"
else
	pass
fi

# ---------------------------------------------- interactive (a terminal)
if command -v script >/dev/null 2>&1; then
	printf 'r 00:01.0 0 4\nbogus\nr 00:01.0 0 2\n' |
		script -qec "$(printf '%q ' "$H_BIN") replay $(printf '%q' "$FC")" \
			/dev/null >"$WORK/tty" 2>&1
	if grep -q "0x$id" "$WORK/tty" && grep -q "0x$vendor" "$WORK/tty" &&
		grep -q "<stdin>:2: unknown command 'bogus'" "$WORK/tty" &&
		grep -q "vpci> " "$WORK/tty"; then
		pass
	else
		fail "interactive mode: $(tr '\r\n' '  ' <"$WORK/tty" | head -c 300)"
	fi
fi
finish

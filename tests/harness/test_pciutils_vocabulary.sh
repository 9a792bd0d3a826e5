#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# vpci-harness speaks pciutils: setpci-syntax script lines (names, widths,
# capabilities, masks, several values) read what real setpci reads from an
# export of the same view; r/w numbers are hex; lspci's -s/-d selectors on
# dump, export-sysfs and stats pick what real lspci -s/-d picks; --guest
# takes whole slots and HOST@GUEST placements; --guest-sbdf scripts; the
# command line names the option at fault and prints --version.
# Expected values come from real setpci/lspci and the capture's files.
#
# Usage: test_pciutils_vocabulary.sh VPCI_HARNESS DATA_DIR
. "$(dirname "$0")/common.sh"

FC=$DATA/sysfs/firecracker-microvm
# Under a wrapper (valgrind) every run costs seconds: sample less.
SAMPLE=40
[ -n "${HARNESS_WRAPPER:-}" ] && SAMPLE=6
X99=$DATA/sysfs/MrArtemSid__huananzhi_x99-QD4

# Config bytes of a captured function: hexval DIR SBDF OFFSET SIZE.
cfg() {
	od -An -tx"$4" -j$(($3)) -N"$4" "$1/devices/$2/config" | tr -d ' '
}

check_eq() { # WHAT GOT WANT
	if [ "$2" = "$3" ]; then pass; else
		fail "$1: got '$(tr '\n' '|' <<<"$2")', want '$(tr '\n' '|' <<<"$3")'"
	fi
}

# expect_error WHAT PATTERN COMMAND...: exit 2, one line matching PATTERN
# (besides the loader's warnings about the topology).
expect_error() {
	local what=$1 pattern=$2 rc
	shift 2
	"$@" >/dev/null 2>"$WORK/err.all"
	rc=$?
	grep -v '^vpci-harness: warning: ' "$WORK/err.all" >"$WORK/err"
	if [ $rc -ne 2 ] || [ "$(wc -l <"$WORK/err")" -ne 1 ] ||
		! grep -Eq -- "$pattern" "$WORK/err"; then
		fail "$what: exit $rc, stderr '$(tr '\n' '|' <"$WORK/err")', want /$pattern/"
	else
		pass
	fi
}

# ------------------------------------------------ numbers are hex
check_eq "r OFFSET without 0x is hex (10 is BAR0)" \
	"$(H replay "$FC" - <<<"r 00:01.0 10 4" 2>/dev/null)" \
	"0x$(cfg "$FC" 0000:00:01.0 0x10 4)"
check_eq "w VALUE without 0x is hex" \
	"$(printf 'w 00:01.0 3c 1 10\nr 00:01.0 3c 1\n' | H replay "$FC" 2>/dev/null)" \
	"0x10"

# -------------------------------- setpci lines against real setpci
if have_lspci && command -v setpci >/dev/null 2>&1; then
	# Every name real setpci knows is one we know.
	H complete registers >"$WORK/ours"
	setpci --dumpregs | awk 'NR > 1 { print $NF }' >"$WORK/theirs"
	missing=$(grep -vxFf "$WORK/ours" "$WORK/theirs" | tr '\n' ' ')
	check_eq "every setpci register name is known" "$missing" ""

	for t in "$FC" "$X99"; do
		H export-sysfs "$t" "$WORK/exp" 2>/dev/null
		S() { setpci -A linux-sysfs -O sysfs.path="$WORK/exp" "$@"; }
		: >"$WORK/script"
		: >"$WORK/want"
		# (The X99's bus ff: 90 uncore functions alike; skipped.)
		for d in "$WORK"/exp/devices/*; do
			sbdf=$(basename "$d")
			case $sbdf in 0000:ff:*) continue ;; esac
			# Every register setpci reads without error, named as
			# setpci names it, as widths it gives, plus suffixes.
			for reg in VENDOR_ID COMMAND STATUS.B CLASS_DEVICE \
				BASE_ADDRESS_0 BASE_ADDRESS_5 HEADER_TYPE \
				SUBSYSTEM_ID SECONDARY_BUS BRIDGE_CONTROL \
				CAP_PM+2.W CAP_MSI.L CAP_MSIX+2.W CAP_EXP+8.W \
				CAP_EXP+c.L CAP10+2.W CAP_VNDR+3.B@1 \
				ECAP_AER+4.L ECAP_DSN+8.L ECAP_REBAR+8.L \
				ECAP_ACS.W ECAP_LTR+4.W ECAP19.L 3c.b 0.l 6.W; do
				if v=$(S -s "$sbdf" "$reg" 2>/dev/null); then
					echo "$sbdf $reg" >>"$WORK/script"
					echo "$v" >>"$WORK/want"
				else
					echo "$t $sbdf $reg" >>"$WORK/refused"
				fi
			done
		done
		H replay "$t" "$WORK/script" >"$WORK/got" 2>"$WORK/err"
		check_eq "$(basename "$t"): $(wc -l <"$WORK/script") setpci reads" \
			"$(cat "$WORK/got"; grep -v ': warning: ' "$WORK/err")" \
			"$(cat "$WORK/want")"
		rm -rf "$WORK/exp"
	done
	# What setpci refuses (missing capability, wrong header type) we
	# refuse too, each as one error line.
	n=0
	while read -r t sbdf reg && [ $n -lt $SAMPLE ]; do
		n=$((n + 1))
		expect_error "refused like setpci: $sbdf $reg" \
			"^vpci-harness: <stdin>:1: '$(sed 's/[.+@]/\\&/g' <<<"$reg")': " \
			H replay "$t" - <<<"$sbdf $reg"
	done < <(sort -R "$WORK/refused" 2>/dev/null || cat "$WORK/refused")
else
	echo "note: no pciutils; setpci comparison skipped"
fi

# Writes: VALUE, VALUE:MASK (only MASK bits change), several values.
cmd=$(cfg "$FC" 0000:00:01.0 4 2)
check_eq "COMMAND=VALUE:MASK changes only the mask's bits" \
	"$(H replay "$FC" - <<<"00:01.0 COMMAND=0:2 COMMAND" 2>/dev/null)" \
	"$(printf '%04x' $((0x$cmd & ~2)))"
bar0=$(cfg "$FC" 0000:00:01.0 0x10 4)
check_eq "several values go to consecutive registers" \
	"$(H replay "$FC" - <<<"00:01.0 3c.b=5a INTERRUPT_LINE COMMAND=0:2 10.L=e0000000,1 BASE_ADDRESS_0 BASE_ADDRESS_1" 2>/dev/null)" \
	"$(printf '5a\n%08x\n00000001' $((0xe0000000 | (0x$bar0 & 0xf))))"
check_eq "a width suffix overrides the name's" \
	"$(H replay "$FC" - <<<"00:01.0 COMMAND.B VENDOR_ID.L" 2>/dev/null)" \
	"$(printf '%s\n%s' "$(cfg "$FC" 0000:00:01.0 4 1)" "$(cfg "$FC" 0000:00:01.0 0 4)")"
n=0
while IFS='|' read -r line pattern && [ $((n += 1)) -le $SAMPLE ]; do
	expect_error "bad setpci line '$line'" "^vpci-harness: <stdin>:1: .*$pattern" \
		H replay "$FC" - <<<"$line"
done <<'EOF2'
00:01.0 3c|no width
00:01.0 2.L|not aligned
00:01.0 ffe.L|out of range
00:01.0 COMMAND.Q|bad width
00:01.0 NO_SUCH_REG|unknown register
00:01.0 COMMAND=10000|bad value
00:01.0 COMMAND=1:10000|bad mask
00:01.0 COMMAND=|missing value
00:01.0 COMMAND=1,,2|missing value
00:01.0 COMMAND@1|capabilities only
00:01.0 ECAP_AER.L|no ECAP_AER
00:01.0 PRIMARY_BUS|not in a header of type 0
00:01.0|expected 'SBDF REG
EOF2
# A bad operation leaves the line's earlier ones undone.
check_eq "a bad line does nothing" \
	"$(printf '00:01.0 3c.b=77 3c\n' | H replay "$FC" 2>/dev/null; H replay "$FC" - <<<"00:01.0 3c.b" 2>/dev/null)" \
	"$(cfg "$FC" 0000:00:01.0 0x3c 1)"

# ------------------------------------------------------- selectors
ids() { grep -E '^[0-9a-f]{4}:' | awk '{print $1}'; }
if have_lspci; then
	H export-sysfs "$X99" "$WORK/all" 2>/dev/null
	n=0
	for sel in "-s 00:" "-s 1f" "-s .1" "-s 0000:00:1f.3" "-s ff:0c." \
		"-s *:*.0" "-d 8086:" "-d :1533" "-d ::0c03" "-d ::0c03:20" \
		"-d ::0cxx" "-d 1002::0403" "-s 05: -d ::0403" "-s 7:"; do
		[ $((n += 1)) -gt $SAMPLE ] && break
		# shellcheck disable=SC2086
		want=$(lspci -D -A linux-sysfs -O sysfs.path="$WORK/all" $sel | awk '{print $1}')
		# shellcheck disable=SC2086
		check_eq "dump $sel" "$(H dump $sel "$X99" 2>/dev/null | ids)" "$want"
		rm -rf "$WORK/sel"
		# shellcheck disable=SC2086
		H export-sysfs $sel "$X99" "$WORK/sel" 2>/dev/null
		check_eq "export-sysfs $sel" "$(ls "$WORK/sel/devices" 2>/dev/null)" "$want"
		# shellcheck disable=SC2086
		check_eq "stats $sel" \
			"$(H stats $sel "$X99" 2>/dev/null | sed -n 's/^functions: \([0-9]*\) .*/\1/p')" \
			"$(grep -c . <<<"$want" | sed "s/^1$/$( [ -n "$want" ] && echo 1 || echo 0)/")"
	done
	# In a guest's view the selector sees the guest's addresses (its
	# host bridge at 00:00, 05:00.1 and its stub at 00:01, 08:00.0 at
	# 00:02).
	check_eq "dump --guest -s 00:02" \
		"$(H dump --guest 05:00.1,08:00.0 -s 00:02 "$X99" 2>/dev/null | ids)" \
		"0000:00:02.0"
fi
expect_error "-s with a bad slot names the option" "^vpci-harness: -s 00:40: bad slot" \
	H dump -s 00:40 "$FC"
expect_error "-d with too many fields" "^vpci-harness: -d 1:2:3:4:5: too many" \
	H dump -d 1:2:3:4:5 "$FC"
expect_error "-d needs VENDOR:DEVICE" "^vpci-harness: -d 8086: expected" \
	H dump -d 8086 "$FC"

# --------------------------------------------- --guest slots, placement
guest_ids() { # dump text -> "SBDF VENDOR:DEVICE"
	awk '/^[0-9a-f][0-9a-f][0-9a-f][0-9a-f]:/ {print $1, $3}'
}
id_of() { echo "$(cfg "$X99" "$1" 0 2):$(cfg "$X99" "$1" 2 2)"; }
# Every guest has its emulated host bridge at 00:00.0, with the default
# identity documented in vpci.h (VPCI_BRIDGE_DEFAULT_VENDOR/DEVICE).
BRIDGE="0000:00:00.0 1b36:0008"
check_eq "--guest with a whole slot gives all its functions" \
	"$(H dump --guest 05:00 "$X99" 2>/dev/null | guest_ids)" \
	"$(printf '%s\n0000:00:01.0 %s\n0000:00:01.1 %s' "$BRIDGE" "$(id_of 0000:05:00.0)" "$(id_of 0000:05:00.1)")"
check_eq "HOST@GUEST places a function (xl vslot)" \
	"$(H dump --guest 08:00.0@3 "$X99" 2>/dev/null | guest_ids)" \
	"$(printf '%s\n0000:00:03.0 %s' "$BRIDGE" "$(id_of 0000:08:00.0)")"
check_eq "placed and automatic slots together" \
	"$(H dump --guest 05:00@00:00:07,08:00.0,02:00.0@2 "$X99" 2>/dev/null | guest_ids)" \
	"$(printf '%s\n0000:00:01.0 %s\n0000:00:02.0 %s\n0000:00:07.0 %s\n0000:00:07.1 %s' \
		"$BRIDGE" "$(id_of 0000:08:00.0)" "$(id_of 0000:02:00.0)" "$(id_of 0000:05:00.0)" "$(id_of 0000:05:00.1)")"
expect_error "a placement at the host bridge's slot" \
	"--guest 0000:02:00.0: cannot assign: .*host bridge" \
	H dump --guest 02:00.0@0 "$X99"
expect_error "two hosts at one guest slot" "guest slot 0000:00:03 is already given" \
	H dump --guest 08:00.0@3,02:00.0@3 "$X99"
expect_error "one host slot at two guest slots" "placed at two guest slots" \
	H dump --guest 05:00.0@3,05:00.1@4 "$X99"
expect_error "a slot with no functions" "--guest 0000:09:00: no such slot" \
	H dump --guest 09:00 "$X99"
expect_error "a bad guest slot" "'20': bad guest slot" \
	H dump --guest 08:00.0@20 "$X99"

# ------------------------------------------------------ --guest-sbdf
check_eq "--guest-sbdf: the script uses the guest's addresses" \
	"$(printf 'r 00:04.0 0 4\nr 08:00.0 0 4\n00:04.0 VENDOR_ID\n' |
		H replay --guest 08:00.0@4 --guest-sbdf "$X99" 2>/dev/null)" \
	"$(printf '0x%s\n0xffffffff\n%s' "$(cfg "$X99" 0000:08:00.0 0 4)" "$(cfg "$X99" 0000:08:00.0 0 2)")"
check_eq "without it, host addresses" \
	"$(printf 'r 00:04.0 0 4\nr 08:00.0 0 4\n' | H replay --guest 08:00.0@4 "$X99" 2>/dev/null)" \
	"$(printf '0xffffffff\n0x%s' "$(cfg "$X99" 0000:08:00.0 0 4)")"
expect_error "--guest-sbdf needs --guest" "--guest-sbdf needs --guest" \
	H replay --guest-sbdf "$FC" /dev/null

# ------------------------------------------------ the command line
version=$(sed -n "s/^ *version : '\(.*\)',$/\1/p" "$(dirname "$0")/../../meson.build" | head -1)
check_eq "--version" "$(H --version)" "vpci-harness $version"
expect_error "an option another command takes is named, not its argument" \
	"^vpci-harness: stats: option '--guest' does not apply" \
	H stats --guest 00:01.0 "$FC"
expect_error "--guest=ARG is named without its argument" \
	"^vpci-harness: dump: option '--trace' does not apply" H dump --trace "$FC"
expect_error "an unknown short option" "unknown option '-x'" H dump -x "$FC"
expect_error "an unknown long option with =" "unknown option '--bogus'" \
	H dump --bogus=1 "$FC"
finish

#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The manual and the bash completion: both install; the manual formats
# without warnings and covers every command, option and script line kind
# the program itself lists (`vpci-harness complete ...`), the setpci form
# and the exit codes; the completion offers commands, a command's
# options, and a capture's SBDFs after --guest.
#
# Usage: test_man_completion.sh VPCI_HARNESS DATA_DIR
. "$(dirname "$0")/common.sh"

SRC=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=$(cd "$(dirname "$H_BIN")/../.." && pwd)
MAN=$SRC/docs/man/vpci-harness.1
COMPLETION=$SRC/src/harness/vpci-harness.bash-completion
# Word lists from the program itself (not worth a valgrind run each).
LIST() { "$H_BIN" complete "$@"; }

# ----------------------------------------------------------- installs
if meson install -C "$BUILD" --no-rebuild --destdir "$WORK/inst" \
	>"$WORK/install.log" 2>&1; then
	man1=$(find "$WORK/inst" -path '*/man1/vpci-harness.1*' | head -1)
	comp=$(find "$WORK/inst" -path '*/bash-completion/completions/vpci-harness' | head -1)
	[ -n "$man1" ] && pass || fail "the manual is not installed"
	[ -n "$comp" ] && cmp -s "$comp" "$COMPLETION" && pass ||
		fail "the bash completion is not installed"
else
	fail "meson install: $(tail -3 "$WORK/install.log" | tr '\n' '|')"
fi

# ------------------------------------------------------------ manual
if command -v groff >/dev/null 2>&1; then
	groff -man -Tutf8 -ww -z "$MAN" 2>"$WORK/groff"
	[ ! -s "$WORK/groff" ] && pass ||
		fail "groff warns about the manual: $(head -3 "$WORK/groff" | tr '\n' '|')"
	TEXT=$(groff -man -Tutf8 "$MAN" 2>/dev/null | col -bx 2>/dev/null ||
		groff -man -Tascii -P-cbou "$MAN")
else
	echo "note: no groff; checking the roff source as text"
	TEXT=$(sed 's/\\-/-/g; s/\\f[BIRP]//g' "$MAN")
fi
section() { # the lines of one .SH section of the formatted text
	awk -v s="$1" '/^[A-Z][A-Z ]*$/ { on = ($0 == s) } on' <<<"$TEXT"
}
commands=$(LIST | tr ' ' '\n' | grep -v '^-')
for c in $commands complete; do
	section COMMANDS | grep -Eq "^ +$c( |$)" && pass ||
		fail "the manual's COMMANDS has no '$c'"
done
for c in $commands; do
	for o in $(LIST "$c"); do
		section OPTIONS | grep -Eq -- "(^ +|, )$o( |,|$)" && pass ||
			fail "the manual's OPTIONS has no '$o' (of $c)"
	done
done
for k in $(LIST script); do
	section "SCRIPT LANGUAGE" | grep -Eq "(^ +|, )$k( |,|$)" && pass ||
		fail "the manual's SCRIPT LANGUAGE has no '$k' lines"
done
section "SCRIPT LANGUAGE" | grep -q 'SBDF REG\[+OFF\]' && pass ||
	fail "the manual has no setpci form"
for rc in 0 2; do
	section "EXIT STATUS" | grep -Eq "^ +$rc( |$)" && pass ||
		fail "the manual's EXIT STATUS has no $rc"
done

# -------------------------------------------------------- completion
# Complete LINE (words; the last one is completed) as bash would.
complete_line() {
	bash -c '
		. "$1"; shift
		COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1))
		_vpci_harness "$1" "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
		printf "%s\n" "${COMPREPLY[@]}"' _ "$COMPLETION" "$@" | sort | tr '\n' ' '
}
check_eq() {
	if [ "$2" = "$3" ]; then pass; else fail "$1: got '$2', want '$3'"; fi
}
check_eq "commands" "$(complete_line "$H_BIN" "")" \
	"$(printf '%s\n' $(LIST) | sort | tr '\n' ' ')"
check_eq "a command by prefix" "$(complete_line "$H_BIN" ex)" "export-sysfs "
check_eq "options by prefix" "$(complete_line "$H_BIN" replay --gu)" \
	"--guest --guest-sbdf "
check_eq "capture's options" "$(complete_line "$H_BIN" capture --)" \
	"$(printf '%s\n' $(LIST capture) | sort | tr '\n' ' ')"
FC=$DATA/sysfs/firecracker-microvm
check_eq "SBDFs of the capture after --guest" \
	"$(complete_line "$H_BIN" dump "$FC" --guest 0000:00:0)" \
	"$(cd "$FC/devices" && printf '%s\n' * | sort | tr '\n' ' ')"
finish

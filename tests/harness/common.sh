# SPDX-License-Identifier: MIT
# Shared helpers for the vpci-harness shell tests. Source it after setting
# nothing: it reads the harness binary and the data directory from the
# command line ($1, $2) and sets H, DATA and WORK.
#
# HARNESS_WRAPPER (optional) is put in front of every harness run, e.g.
#   HARNESS_WRAPPER="valgrind --error-exitcode=99 -q" bash tests/harness/...
# Expected values always come from the data files (sizes.tsv, resource
# files, lspci -vv text, real lspci), never from the code under test.

set -u
set -o pipefail

if [ $# -lt 2 ]; then
	echo "usage: $0 VPCI_HARNESS DATA_DIR" >&2
	exit 2
fi
H_BIN=$1
DATA=$2
WORK=$(mktemp -d "${TMPDIR:-/tmp}/vpci-harness-test.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
NR_FAILED=0
NR_CHECKS=0

# Run the harness (through HARNESS_WRAPPER when set).
H() {
	# shellcheck disable=SC2086
	${HARNESS_WRAPPER:-} "$H_BIN" "$@"
}

fail() {
	echo "FAIL: $*" >&2
	NR_FAILED=$((NR_FAILED + 1))
}

pass() {
	NR_CHECKS=$((NR_CHECKS + 1))
}

# Finish: exit 1 when any check failed.
finish() {
	if [ "$NR_FAILED" -ne 0 ]; then
		echo "$NR_FAILED check(s) failed ($NR_CHECKS passed)" >&2
		exit 1
	fi
	echo "all $NR_CHECKS checks passed"
	exit 0
}

# expect_out DESCRIPTION EXPECTED_STDOUT COMMAND... (exit 0 required)
expect_out() {
	local what=$1 want=$2 got rc
	shift 2
	got=$("$@" 2>"$WORK/err")
	rc=$?
	if [ $rc -ne 0 ]; then
		fail "$what: exit $rc: $(head -1 "$WORK/err")"
	elif [ "$got" != "$want" ]; then
		fail "$what: got '$(tr '\n' '|' <<<"$got")', want '$(tr '\n' '|' <<<"$want")'"
	else
		pass
	fi
}

# expect_error DESCRIPTION PATTERN COMMAND...: exit 2, exactly one line on
# stderr, matching the extended regex PATTERN.
expect_error() {
	local what=$1 pattern=$2 rc
	shift 2
	"$@" >/dev/null 2>"$WORK/err"
	rc=$?
	if [ $rc -ne 2 ]; then
		fail "$what: exit $rc, want 2 (stderr: $(head -1 "$WORK/err"))"
	elif [ "$(wc -l <"$WORK/err")" -ne 1 ]; then
		fail "$what: $(wc -l <"$WORK/err") lines on stderr, want 1:" \
			"$(tr '\n' '|' <"$WORK/err")"
	elif ! grep -Eq -- "$pattern" "$WORK/err"; then
		fail "$what: stderr '$(cat "$WORK/err")' does not match '$pattern'"
	else
		pass
	fi
}

have_lspci() {
	command -v lspci >/dev/null 2>&1
}

# Every topology the harness should load: capture dirs and dump files.
all_topologies() {
	local t
	for t in "$DATA"/sysfs/* "$DATA"/lspci/* "$DATA"/devices/* \
		"$DATA"/model/*; do
		[ -e "$t" ] && echo "$t"
	done
}

# lspci -xxxx text on stdin -> "SBDF OFFSET BYTE" lines (offset decimal).
lspci_bytes() {
	awk '
	function hex(s,   i, v) {
		v = 0; s = tolower(s)
		for (i = 1; i <= length(s); i++)
			v = v * 16 + index("0123456789abcdef", substr(s, i, 1)) - 1
		return v
	}
	/^[0-9a-f]+:[0-9a-f]+:[0-9a-f]+\.[0-7] / { dev = $1; next }
	/^[0-9a-f]+: / {
		off = hex(substr($1, 1, length($1) - 1))
		for (i = 2; i <= NF; i++) print dev, off + i - 2, $i
	}'
}

# Original bytes of a topology, as real lspci reads them. Some published
# -vv dumps hold lines `lspci -F` rejects; for NAME.vv.txt the plain
# NAME.lspci of the same machine stands in then.
# The original's lspci -vv text (as lspci_original, decoded).
lspci_vv_original() {
	local t=$1 plain
	if [ -d "$t" ]; then
		lspci -D -A linux-sysfs -O sysfs.path="$t" -vv 2>/dev/null
		return
	fi
	plain=${t%.vv.txt}.lspci
	if [ "$plain" != "$t" ] && [ -f "$plain" ]; then
		lspci -D -F "$plain" -vv 2>/dev/null
	else
		lspci -D -F "$t" -vv 2>/dev/null
	fi
}

# How many VFs the original's SR-IOV capabilities say firmware enabled
# (NumVFs of each PF with VF Enable+): the core and the model have them,
# so the hardware domain's view lists them beside the input's functions.
fw_vf_count() {
	lspci_vv_original "$1" | awk '
		/IOVCtl:/ { on = ($0 ~ /Enable\+/) }
		/Number of VFs:/ && on {
			s = $0; sub(/.*Number of VFs: /, "", s); sub(/,.*/, "", s)
			n += s; on = 0 }
		END { print n + 0 }'
}

lspci_original() {
	local t=$1 plain
	if [ -d "$t" ]; then
		lspci -D -A linux-sysfs -O sysfs.path="$t" -xxxx 2>/dev/null
		return
	fi
	if lspci -D -F "$t" -xxxx >"$WORK/.orig" 2>/dev/null &&
		[ -s "$WORK/.orig" ]; then
		cat "$WORK/.orig"
		return
	fi
	plain=${t%.vv.txt}.lspci
	if [ "$plain" != "$t" ] && [ -f "$plain" ]; then
		lspci -D -F "$plain" -xxxx 2>/dev/null
	else
		return 1
	fi
}

# Expected BAR sizes of a topology from its data files, as
# "SBDF INDEX KIND SIZE" (index 6 is the ROM; kinds mem32 mem64 io rom).
# Empty when the data gives none.
expected_sizes() {
	local t=$1
	if [ -d "$t" ] && [ -f "$t/sizes.tsv" ]; then
		awk 'NF == 4 { print $1, $2, $3, $4 }' "$t/sizes.tsv"
	elif [ -d "$t" ]; then
		sizes_from_resources "$t"
	else
		sizes_from_vv "$t" # nothing for a plain dump
	fi
}

# BAR sizes from sysfs resource files (start, end, IORESOURCE_* flags).
sizes_from_resources() {
	local dir line i start end flags size kind sbdf
	for dir in "$1"/devices/*; do
		sbdf=$(basename "$dir")
		i=0
		while read -r start end flags && [ $i -le 6 ]; do
			if [ $((end)) -ne 0 ]; then
				size=$((end - start + 1))
				if [ $i -eq 6 ]; then kind=rom
				elif [ $((flags & 0x100)) -ne 0 ]; then kind=io
				elif [ $((flags & 0x100000)) -ne 0 ]; then kind=mem64
				else kind=mem32; fi
				echo "$sbdf $i $kind $size"
			fi
			i=$((i + 1))
		done <"$dir/resource"
	done
}

# BAR sizes from lspci -vv text: "Region N: ... [size=X]" and
# "Expansion ROM at ... [size=X]" (not [virtual] shadow copies).
sizes_from_vv() {
	awk '
	function bytes(s,   n, u) {
		n = s + 0; u = substr(s, length(s), 1)
		if (u == "K") n *= 1024
		else if (u == "M") n *= 1048576
		else if (u == "G") n *= 1073741824
		else if (u == "T") n *= 1099511627776
		return n
	}
	/^([0-9a-f]+:)?[0-9a-f][0-9a-f]:[0-9a-f][0-9a-f]\.[0-7] / {
		dev = $1
		if (dev !~ /^[0-9a-f]+:[0-9a-f]+:/) dev = "0000:" dev
		next
	}
	# One level of indentation (a tab, or 8 spaces in re-indented
	# copies); deeper "Region" lines belong to capabilities.
	/^(\t|        )(Region [0-5]|Expansion ROM)/ && /\[size=/ {
		if ($0 ~ /\[virtual\]/) next
		s = $0; sub(/.*\[size=/, "", s); sub(/\].*/, "", s)
		if ($1 == "Region") {
			idx = $2; sub(/:/, "", idx)
			if ($0 ~ /I\/O ports/) kind = "io"
			else if ($0 ~ /64-bit/) kind = "mem64"
			else kind = "mem32"
		} else { idx = 6; kind = "rom" }
		printf "%s %s %s %.0f\n", dev, idx, kind, bytes(s)
	}' "$1"
}

#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Linux's BAR sizing sequence, generated as replay scripts for every sized
# BAR of every real topology in tests/data, run in one domain's view:
#   hwdom  the hardware domain (no --guest)
#   guest  a guest given the BARs' functions (--guest, host SBDFs)
# For each BAR, as __pci_read_base() does: memory/I/O decode off, read the
# BAR, write all-ones (the ROM: the address bits, keeping enable), read
# back, restore; the upper half of a 64-bit BAR the same; decode back on.
# The size decoded from what was read must be the one in the data files
# (sizes.tsv, resource files, lspci -vv [size=]), of the same kind, and
# every register must read as before once the sequence is over.
#
# Usage: test_bar_sizing.sh VPCI_HARNESS DATA_DIR hwdom|guest
. "$(dirname "$0")/common.sh"
MODE=${3:-hwdom}
MAX_SLOTS=32

# "0x…" from a replay line to a number.
num() { echo $(($1)); }

bar_offset() { # INDEX HEADER_TYPE
	if [ "$1" -eq 6 ]; then
		[ $(($2 & 0x7f)) -eq 1 ] && echo $((0x38)) || echo $((0x30))
	else
		echo $((0x10 + 4 * $1))
	fi
}

decode_size() { # KIND LO HI
	local v
	case $1 in
	io) v=$(($2 & 0xfffffffc)) ;;
	rom) v=$(($2 & 0xfffff800)) ;;
	mem64) v=$((($3 << 32) | ($2 & 0xfffffff0))) ;;
	*) v=$(($2 & 0xfffffff0)) ;;
	esac
	echo $((v & -v))
}

# Kind from the BAR register's read-only low bits.
decode_kind() { # INDEX VALUE
	if [ "$1" -eq 6 ]; then echo rom
	elif [ $(($2 & 1)) -eq 1 ]; then echo io
	elif [ $(($2 & 6)) -eq 4 ]; then echo mem64
	else echo mem32; fi
}

# Size the BARs listed in $WORK/entries (SBDF INDEX KIND SIZE) in one view;
# $@ are extra replay options (--guest …).
size_batch() {
	local t=$1 label=$2
	shift 2
	local sbdf idx kind size off hdr cmd lo hi n i
	local -A HDR CMD
	local -a E_SBDF E_IDX E_KIND E_SIZE E_OFF E_LO E_HI

	n=0
	while read -r sbdf idx kind size; do
		E_SBDF[n]=$sbdf E_IDX[n]=$idx E_KIND[n]=$kind E_SIZE[n]=$size
		n=$((n + 1))
	done <"$WORK/entries"
	[ "$n" -gt 0 ] || return 0

	# Pass 1: header types and command registers.
	awk '!seen[$1]++ { print "r", $1, "0x0e 1"; print "r", $1, "0x04 2" }' \
		"$WORK/entries" >"$WORK/p1"
	if ! H replay "$@" "$t" "$WORK/p1" >"$WORK/o1" 2>"$WORK/e1"; then
		fail "$label: pass 1 replay failed: $(head -1 "$WORK/e1")"
		return
	fi
	while read -r sbdf && read -r hdr <&3 && read -r cmd <&3; do
		HDR[$sbdf]=$(num "$hdr") CMD[$sbdf]=$(num "$cmd")
	done < <(awk '!seen[$1]++ { print $1 }' "$WORK/entries") 3<"$WORK/o1"

	# Pass 2: the BARs' values before sizing.
	: >"$WORK/p2"
	for ((i = 0; i < n; i++)); do
		E_OFF[i]=$(bar_offset "${E_IDX[i]}" "${HDR[${E_SBDF[i]}]}")
		printf 'r %s 0x%x 4\n' "${E_SBDF[i]}" "${E_OFF[i]}" >>"$WORK/p2"
		if [ "${E_KIND[i]}" = mem64 ]; then
			printf 'r %s 0x%x 4\n' "${E_SBDF[i]}" \
				$((E_OFF[i] + 4)) >>"$WORK/p2"
		fi
	done
	if ! H replay "$@" "$t" "$WORK/p2" >"$WORK/o2" 2>"$WORK/e2"; then
		fail "$label: pass 2 replay failed: $(head -1 "$WORK/e2")"
		return
	fi
	exec 3<"$WORK/o2"
	for ((i = 0; i < n; i++)); do
		read -r lo <&3
		E_LO[i]=$(num "$lo") E_HI[i]=0
		if [ "${E_KIND[i]}" = mem64 ]; then
			read -r hi <&3
			E_HI[i]=$(num "$hi")
		fi
	done
	exec 3<&-

	# Pass 3: the sizing sequence, then everything read again.
	: >"$WORK/p3"
	for ((i = 0; i < n; i++)); do
		sbdf=${E_SBDF[i]} off=${E_OFF[i]} cmd=${CMD[$sbdf]}
		{
			echo "# ${E_SBDF[i]} BAR ${E_IDX[i]} (${E_KIND[i]})"
			printf 'w %s 0x04 2 0x%x\n' "$sbdf" $((cmd & ~3 & 0xffff))
			if [ "${E_IDX[i]}" -eq 6 ]; then
				printf 'w %s 0x%x 4 0x%x\n' "$sbdf" "$off" \
					$((E_LO[i] | 0xfffff800))
			else
				printf 'w %s 0x%x 4 0xffffffff\n' "$sbdf" "$off"
			fi
			printf 'r %s 0x%x 4\n' "$sbdf" "$off"
			printf 'w %s 0x%x 4 0x%x\n' "$sbdf" "$off" "${E_LO[i]}"
			if [ "${E_KIND[i]}" = mem64 ]; then
				printf 'w %s 0x%x 4 0xffffffff\n' "$sbdf" $((off + 4))
				printf 'r %s 0x%x 4\n' "$sbdf" $((off + 4))
				printf 'w %s 0x%x 4 0x%x\n' "$sbdf" $((off + 4)) \
					"${E_HI[i]}"
			fi
			printf 'w %s 0x04 2 0x%x\n' "$sbdf" "$cmd"
		} >>"$WORK/p3"
	done
	cat "$WORK/p2" >>"$WORK/p3"
	awk '!seen[$1]++ { print "r", $1, "0x04 2" }' "$WORK/entries" \
		>>"$WORK/p3"
	if ! H replay "$@" "$t" "$WORK/p3" >"$WORK/o3" 2>"$WORK/e3"; then
		fail "$label: sizing replay failed: $(head -1 "$WORK/e3")"
		return
	fi
	exec 3<"$WORK/o3"
	for ((i = 0; i < n; i++)); do
		read -r lo <&3
		hi=
		if [ "${E_KIND[i]}" = mem64 ]; then read -r hi <&3; fi
		size=$(decode_size "${E_KIND[i]}" "$lo" "${hi:-0}")
		kind=$(decode_kind "${E_IDX[i]}" "${E_LO[i]}")
		if [ "$size" != "${E_SIZE[i]}" ]; then
			fail "$label: ${E_SBDF[i]} BAR ${E_IDX[i]}: sized" \
				"$size bytes (read $lo${hi:+ / $hi}), data says" \
				"${E_SIZE[i]} (${E_KIND[i]})"
		elif [ "$kind" != "${E_KIND[i]}" ]; then
			fail "$label: ${E_SBDF[i]} BAR ${E_IDX[i]}: type bits" \
				"say $kind, data says ${E_KIND[i]}"
		else
			pass
		fi
	done
	# The same registers again: the sequence must leave them as found.
	for ((i = 0; i < n; i++)); do
		read -r lo <&3
		[ "$(num "$lo")" = "${E_LO[i]}" ] ||
			fail "$label: ${E_SBDF[i]} BAR ${E_IDX[i]}: reads" \
				"$lo after sizing, ${E_LO[i]} before"
		if [ "${E_KIND[i]}" = mem64 ]; then
			read -r hi <&3
			[ "$(num "$hi")" = "${E_HI[i]}" ] ||
				fail "$label: ${E_SBDF[i]} BAR ${E_IDX[i]}:" \
					"upper half $hi after sizing, ${E_HI[i]} before"
		fi
	done
	while read -r sbdf; do
		read -r cmd <&3
		[ "$(num "$cmd")" = "${CMD[$sbdf]}" ] ||
			fail "$label: $sbdf: command $cmd after sizing," \
				"${CMD[$sbdf]} before"
	done < <(awk '!seen[$1]++ { print $1 }' "$WORK/entries")
	exec 3<&-
}

# Header type of each function through a hardware-domain replay (which
# functions a guest may take: type 0 only).
endpoints_of() { # TOPOLOGY ENTRIES_FILE
	local sbdf hdr
	awk '!seen[$1]++ { print "r", $1, "0x0e 1" }' "$2" >"$WORK/ph"
	H replay "$1" "$WORK/ph" 2>/dev/null >"$WORK/oh" || return 1
	paste -d' ' <(awk '!seen[$1]++ { print $1 }' "$2") "$WORK/oh" |
		while read -r sbdf hdr; do
			if [ $((hdr & 0x7f)) -eq 0 ]; then echo "$sbdf"; fi
		done
}

# Guest runs: all type-0 functions with sized BARs, at most MAX_SLOTS
# physical slots per guest.
size_in_guests() {
	local t=$1 label=$2 sbdf slot batch="" nslots=0 last=""
	endpoints_of "$t" "$WORK/all" >"$WORK/eps" || {
		fail "$label: cannot read header types"
		return
	}
	while read -r sbdf; do
		slot=${sbdf%.*}
		if [ "$slot" != "$last" ]; then
			if [ "$nslots" -eq "$MAX_SLOTS" ]; then
				run_guest_batch "$t" "$label" "$batch"
				batch="" nslots=0
			fi
			nslots=$((nslots + 1)) last=$slot
		fi
		batch=${batch:+$batch,}$sbdf
	done <"$WORK/eps"
	[ -n "$batch" ] && run_guest_batch "$t" "$label" "$batch"
}

run_guest_batch() { # TOPOLOGY LABEL SBDF_LIST
	tr ',' '\n' <<<"$3" | sort >"$WORK/batch"
	awk 'NR == FNR { want[$1] = 1; next } $1 in want' "$WORK/batch" \
		"$WORK/all" >"$WORK/entries"
	size_batch "$1" "$2 (guest)" --guest "$3"
}

nr_topologies=0
for t in "$DATA"/sysfs/* "$DATA"/lspci/* "$DATA"/devices/*; do
	[ -e "$t" ] || continue
	expected_sizes "$t" | sort -k1,1 -k2,2n >"$WORK/all"
	[ -s "$WORK/all" ] || continue
	nr_topologies=$((nr_topologies + 1))
	label=${t#"$DATA"/}
	if [ "$MODE" = guest ]; then
		size_in_guests "$t" "$label"
	else
		cp "$WORK/all" "$WORK/entries"
		size_batch "$t" "$label (hardware domain)"
	fi
done
[ "$nr_topologies" -gt 0 ] || fail "no topology with BAR sizes in $DATA"
finish

#!/usr/bin/env bash
# Prove the core is freestanding: every file compiles with -ffreestanding
# -nostdlib using only <stdint.h> <stddef.h> <stdbool.h> and our headers,
# and the objects linked together reference no symbol but memcpy, memset,
# memmove and memcmp (which compilers emit on their own).
#
# usage: check-freestanding.sh [--expect-fail] CC INCLUDE_DIR FILE.c...
set -u
expect_fail=0
if [ "${1:-}" = "--expect-fail" ]; then expect_fail=1; shift; fi
cc=$1 inc=$2; shift 2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
problems=()

for f in "$@"; do
	bad_includes=$(grep -E '^[[:space:]]*#[[:space:]]*include[[:space:]]*<' "$f" |
		grep -vE '<(stdint|stddef|stdbool)\.h>' || true)
	[ -n "$bad_includes" ] && problems+=("$f includes: $bad_includes")
	if ! "$cc" -std=gnu11 -ffreestanding -nostdlib -fno-stack-protector -O2 \
		-Wall -Wextra -Werror -I"$inc" -I"$(dirname "$f")" \
		-c "$f" -o "$tmp/$(basename "$f").o" 2>"$tmp/err"; then
		problems+=("$f does not compile freestanding: $(head -3 "$tmp/err")")
	fi
done
if ls "$tmp"/*.o >/dev/null 2>&1; then
	ld -r -o "$tmp/all.ro" "$tmp"/*.o
	ext=$(nm -u "$tmp/all.ro" | awk '{print $2}' |
		grep -vxE 'memcpy|memset|memmove|memcmp' | tr '\n' ' ')
	[ -n "$ext" ] && problems+=("external symbols: $ext")
fi

if [ ${#problems[@]} -eq 0 ]; then
	if [ $expect_fail = 1 ]; then
		echo "FAIL: expected a freestanding violation in: $*"
		exit 1
	fi
	echo "freestanding: $# files, no external symbols beyond mem*"
	exit 0
fi
printf '%s\n' "${problems[@]}"
if [ $expect_fail = 1 ]; then
	echo "ok: violation detected as expected"
	exit 0
fi
exit 1

#!/usr/bin/env bash
# Prove the core is freestanding for one target: every file compiles with
# -ffreestanding -nostdlib using only <stdint.h> <stddef.h> <stdbool.h> and
# our headers, and the objects linked together (by the target's own
# linker, through the compiler driver) reference no symbol but memcpy,
# memset, memmove and memcmp. A libgcc helper (__udivdi3 for a 64-bit
# division on a 32-bit target, say) counts as external: a hypervisor may
# not link libgcc.
#
# Everything that could make the check pass without checking is an error:
# a compile, the link or nm failing, or nm not reading the object.
#
# usage: check-freestanding.sh [--expect-fail] [--nm NM] [--flags "F..."]
#            INCLUDE_DIR FILE.c... -- CC [CC_ARGS...]
# CC with its arguments is the whole compiler command (e.g. `gcc -m32`,
# `clang --target=...`, a cross gcc); --flags adds target flags such as
# hypervisor-style -fno-pic -mgeneral-regs-only. NM defaults to the one the
# compiler names (`CC -print-prog-name=nm`), then TRIPLET-nm, then nm.
set -u -o pipefail
expect_fail=0 nm="" extra_flags=()
while [ $# -gt 0 ]; do
	case $1 in
	--expect-fail) expect_fail=1; shift ;;
	--nm) nm=$2; shift 2 ;;
	--flags) read -r -a extra_flags <<<"$2"; shift 2 ;;
	*) break ;;
	esac
done
inc=${1:?usage: see the comment at the top}; shift
files=()
while [ $# -gt 0 ] && [ "$1" != -- ]; do files+=("$1"); shift; done
[ "${1:-}" = -- ] && shift
cc=("$@")
if [ ${#cc[@]} -eq 0 ] || [ ${#files[@]} -eq 0 ]; then
	echo "usage: $0 [--expect-fail] [--nm NM] [--flags F] INC FILE.c... -- CC..." >&2
	exit 2
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
problems=()
# Infrastructure failures are never a pass, whatever was expected.
broken() { echo "check broken: $*" >&2; exit 2; }

target=$("${cc[@]}" "${extra_flags[@]}" -dumpmachine 2>/dev/null) ||
	broken "${cc[*]} -dumpmachine failed"
if [ -z "$nm" ]; then
	nm=$("${cc[@]}" -print-prog-name=nm 2>/dev/null)
	if [ "$nm" = nm ] && command -v "$target-nm" >/dev/null; then
		nm=$target-nm
	fi
	nm=${nm:-nm}
fi

for f in "${files[@]}"; do
	bad_includes=$(grep -E '^[[:space:]]*#[[:space:]]*include[[:space:]]*<' "$f" |
		grep -vE '<(stdint|stddef|stdbool)\.h>' || true)
	[ -n "$bad_includes" ] && problems+=("$f includes: $bad_includes")
	if ! "${cc[@]}" "${extra_flags[@]}" -std=gnu11 -ffreestanding -nostdlib \
		-fno-stack-protector -O2 -Wall -Wextra -Werror -I"$inc" \
		-I"$(dirname "$f")" -c "$f" -o "$tmp/$(basename "$f").o" 2>"$tmp/err"; then
		problems+=("$f does not compile freestanding: $(head -3 "$tmp/err")")
	fi
done

if ls "$tmp"/*.o >/dev/null 2>&1; then
	# The driver picks the target's linker and emulation; -nostdlib keeps
	# libgcc and the C library out, so their symbols stay undefined.
	"${cc[@]}" "${extra_flags[@]}" -nostdlib -r -o "$tmp/all.ro" "$tmp"/*.o \
		2>"$tmp/lderr" || broken "relocatable link failed for $target:
$(head -5 "$tmp/lderr")"
	# nm must understand the object: its list of defined symbols is never
	# empty, so an empty one means it read nothing.
	"$nm" "$tmp/all.ro" >"$tmp/syms" 2>"$tmp/nmerr" ||
		broken "$nm cannot read a $target object: $(head -3 "$tmp/nmerr")"
	grep -qE ' [TtDdBbRr] ' "$tmp/syms" ||
		broken "$nm lists no defined symbol in the $target object"
	# _GLOBAL_OFFSET_TABLE_ (PIC code on i386/s390) is made by the linker
	# of whatever links the core; nothing has to provide it.
	ext=$(awk '$1 == "U" {print $2}' "$tmp/syms" |
		grep -vxE 'memcpy|memset|memmove|memcmp|_GLOBAL_OFFSET_TABLE_' |
		sort -u | tr '\n' ' ')
	[ -n "$ext" ] && problems+=("external symbols ($target): $ext")
fi

desc="${#files[@]} files for $target (${cc[*]} ${extra_flags[*]})"
if [ ${#problems[@]} -eq 0 ]; then
	if [ $expect_fail = 1 ]; then
		echo "FAIL: expected a freestanding violation in $desc"
		exit 1
	fi
	echo "freestanding: $desc, no external symbols beyond mem*"
	exit 0
fi
printf '%s\n' "${problems[@]}"
if [ $expect_fail = 1 ]; then
	echo "ok: violation detected as expected in $desc"
	exit 0
fi
exit 1

#!/usr/bin/env bash
# The shared library exports exactly the functions its public headers
# declare: every defined dynamic symbol is one of them (no internal
# helper, no data), and each of them is exported. The declarations come
# from the compiler (gcc -aux-info), not from a list kept by hand. Every
# public header must wrap its declarations in VPCI_BEGIN/END_DECLS.
#
# usage: check-exports.sh [--prefix=P] CC NM LIBVPCI.SO INCLUDE_DIR HEADER.h...
# (P: the symbol_prefix the library was built with; exports are P<name>.)
set -u
prefix=
case ${1:-} in --prefix=*) prefix=${1#--prefix=}; shift ;; esac
cc=$1 nm=$2 lib=$3 inc=$4; shift 4
headers=()
for h in "$@"; do headers+=("$(realpath "$h")"); done
set -- "${headers[@]}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

for h in "$@"; do echo "#include \"$h\""; done >"$tmp/all.c"
"$cc" -std=gnu11 -fsyntax-only -aux-info "$tmp/decls" -I"$inc" "$tmp/all.c" ||
	{ echo "FAIL: the public headers do not compile"; exit 1; }
# "/* PATH:LINE:NC */ extern TYPE NAME (ARGS);" for each declaration in
# one of the headers; for "extern vpci_read_fn vpci_hw_read;" too.
for h in "$@"; do
	grep -F "/* $h:" "$tmp/decls"
done | grep -E '\*/ extern ' |
	sed -E 's/^.*\*\/ extern //; s/ *\(.*//; s/;$//; s/.*[ *]//' |
	sort -u >"$tmp/declared"
"$nm" -D --defined-only "$lib" | awk '{ print $2, $3 }' >"$tmp/dynsyms"
awk -v p="$prefix" '$1 ~ /^[TtWi]$/ {
	name = $2
	if (p != "" && index(name, p) == 1) name = substr(name, length(p) + 1)
	else if (p != "") name = "(no prefix) " name
	print name
}' "$tmp/dynsyms" | sort -u >"$tmp/exported"
awk '$1 !~ /^[TtWi]$/ { print }' "$tmp/dynsyms" >"$tmp/other"

status=0
# Every public header compiles on its own (includes what it uses).
for h in "$@"; do
	echo "#include \"$h\"" >"$tmp/alone.c"
	"$cc" -std=gnu11 -fsyntax-only -Wall -Werror -I"$inc" "$tmp/alone.c" ||
		{ echo "FAIL: $h does not compile on its own"; status=1; }
done
# Every public header gives C++ C linkage and the default visibility.
for h in "$inc"/vpci/*.h; do
	case $(basename "$h") in api.h | vpci_prefixed_names.h) continue ;; esac
	if ! grep -q '^VPCI_BEGIN_DECLS' "$h" || ! grep -q '^VPCI_END_DECLS' "$h"; then
		echo "FAIL: $h lacks VPCI_BEGIN_DECLS/VPCI_END_DECLS (vpci/api.h)"
		status=1
	fi
done
if [ ! -s "$tmp/declared" ]; then
	echo "FAIL: found no declarations in $*"; exit 1
fi
extra=$(comm -13 "$tmp/declared" "$tmp/exported" | tr '\n' ' ')
missing=$(comm -23 "$tmp/declared" "$tmp/exported" | tr '\n' ' ')
[ -n "$extra" ] && { echo "FAIL: exported but not in a public header: $extra"; status=1; }
[ -n "$missing" ] && { echo "FAIL: declared in a public header but not exported: $missing"; status=1; }
[ -s "$tmp/other" ] && { echo "FAIL: non-function symbols exported:"; cat "$tmp/other"; status=1; }
[ $status = 0 ] && echo "ok: $(wc -l <"$tmp/exported") functions exported, all declared in the public headers"
exit $status

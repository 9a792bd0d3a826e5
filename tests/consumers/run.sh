#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# libvpci as other builds consume it, in one step of scripts/test.sh:
#  - a release build (-O3, werror) of the library and harness, installed
#    into a scratch root;
#  - consumer.c against the installed pkg-config file, linked shared and
#    static (and the static one must not need libvpci.so);
#  - consumer.cpp (every public header as C++) against it, shared;
#  - a Meson project taking libvpci as a subproject, which must build only
#    the library.
# Prints "  ok   NAME" or "  FAIL NAME" per check; exit 1 if any failed.
#
# usage: tests/consumers/run.sh BUILD_DIR   (e.g. build/release)
set -u
src=$(cd "$(dirname "$0")/../.." && pwd)
here=$src/tests/consumers
build=$1
log=${VPCI_CONSUMER_LOG:-$build.consumers.log}
work=$(mktemp -d "${TMPDIR:-/tmp}/vpci-consumers.XXXXXX")
trap '[ -n "${KEEP:-}" ] || rm -rf "$work"' EXIT
failed=0
: >"$log"

ok() { echo "  ok   $1"; }
fail() { echo "  FAIL $1"; failed=1; tail -15 "$log" | sed 's/^/    /'; }
run() { "$@" >>"$log" 2>&1; }

# 1. Release build, warning-free under werror, installed.
if run meson setup --wipe "$build" "$src" -Dbuildtype=release \
	-Dtests=disabled -Dexamples=disabled --prefix=/usr ||
	run meson setup "$build" "$src" -Dbuildtype=release \
		-Dtests=disabled -Dexamples=disabled --prefix=/usr; then
	if run ninja -C "$build" && run env DESTDIR="$work/root" \
		meson install -C "$build" --no-rebuild; then
		ok "release build (-O3, werror) and install"
	else
		fail "release build (-O3, werror) and install"
	fi
else
	fail "release build: meson setup"
fi

# 2. pkg-config consumers.
pc=$(find "$work/root" -name libvpci.pc 2>/dev/null | head -1)
if [ -n "$pc" ]; then
	export PKG_CONFIG_PATH=$(dirname "$pc") PKG_CONFIG_SYSROOT_DIR=$work/root
	libdir=$(dirname "$(dirname "$pc")")
	cflags=$(pkg-config --cflags libvpci) libs=$(pkg-config --libs libvpci)
	# shellcheck disable=SC2086
	if run cc -std=c99 -Wall -Wextra -Werror $cflags "$here/consumer.c" \
		-o "$work/c-shared" $libs &&
		readelf -d "$work/c-shared" | grep -q 'NEEDED.*libvpci\.so' &&
		run env LD_LIBRARY_PATH="$libdir" "$work/c-shared"; then
		ok "pkg-config consumer, shared"
	else
		fail "pkg-config consumer, shared"
	fi
	# shellcheck disable=SC2086
	if run cc -std=c99 -Wall -Wextra -Werror $cflags "$here/consumer.c" \
		-o "$work/c-static" -Wl,-Bstatic \
		$(pkg-config --static --libs libvpci) -Wl,-Bdynamic &&
		! readelf -d "$work/c-static" | grep -q 'NEEDED.*libvpci' &&
		run "$work/c-static"; then
		ok "pkg-config consumer, static"
	else
		fail "pkg-config consumer, static"
	fi
	# shellcheck disable=SC2086
	if run c++ -std=c++11 -Wall -Wextra -Werror -pedantic $cflags \
		"$here/consumer.cpp" -o "$work/cxx" $libs &&
		run env LD_LIBRARY_PATH="$libdir" "$work/cxx"; then
		ok "C++ consumer"
	else
		fail "C++ consumer"
	fi
else
	fail "pkg-config consumers: no libvpci.pc installed"
fi

# 3. A parent project with libvpci as a subproject.
mkdir -p "$work/parent/subprojects"
cp "$here/subproject/meson.build" "$here/consumer.c" "$work/parent/"
ln -s "$src" "$work/parent/subprojects/libvpci"
unset PKG_CONFIG_PATH PKG_CONFIG_SYSROOT_DIR
# Forced: an installed libvpci must not stand in for the subproject.
if run meson setup "$work/parent/build" "$work/parent" \
	--force-fallback-for=libvpci &&
	run ninja -C "$work/parent/build" &&
	run meson test -C "$work/parent/build"; then
	ok "subproject consumer"
else
	fail "subproject consumer"
fi
sub=$work/parent/build/subprojects/libvpci
extra=$(find "$sub" -type f \( -name 'vpci-harness' -o -name 'test_*' \
	-o -name 'fuzz_*' -o -name 'minimal_platform' -o -name 'bench_*' \) \
	-perm -u+x 2>/dev/null | sed "s|$sub/||" | tr '\n' ' ')
if [ -d "$sub" ] && [ -z "$extra" ]; then
	ok "subproject builds only the library"
else
	echo "    built in the subproject: ${extra:-(no subproject build)}" >>"$log"
	fail "subproject builds only the library"
fi

exit $failed

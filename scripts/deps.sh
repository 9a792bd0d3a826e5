#!/usr/bin/env bash
# Install what building, testing and running libvpci needs, from Debian's
# packages, only when something is missing. Sourced by demo.sh and test.sh.
vpci_install_deps() {
	local pkgs=(meson ninja-build pkg-config gcc clang libclang-rt-14-dev
		libcmocka-dev libfdt-dev libpciaccess-dev pciutils
		device-tree-compiler valgrind libfuse3-dev fuse3 "$@")
	local missing=()
	local p
	for p in "${pkgs[@]}"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
			grep -q "install ok installed" || missing+=("$p")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	echo "installing: ${missing[*]}" >&2
	local sudo=""
	[ "$(id -u)" -ne 0 ] && sudo=sudo
	$sudo apt-get update -q >&2 &&
		DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q \
			--no-install-recommends "${missing[@]}" >&2
}

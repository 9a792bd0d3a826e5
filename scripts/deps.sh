#!/usr/bin/env bash
# Install what building, testing and running libvpci needs, from Debian's
# packages, only when something is missing. Sourced by demo.sh and test.sh.
vpci_install_deps() {
	local pkgs=(meson ninja-build pkg-config gcc clang libclang-rt-14-dev
		libcmocka-dev libfdt-dev libpciaccess-dev pciutils
		device-tree-compiler valgrind libfuse3-dev fuse3 groff-base "$@")
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
	# An index that failed to download (a foreign architecture the mirror
	# lacks, say) must not stop packages the other indexes have.
	$sudo apt-get -o DPkg::Lock::Timeout=600 update -q >&2 ||
		echo "apt-get update failed; installing from the lists there are" >&2
	DEBIAN_FRONTEND=noninteractive $sudo apt-get -o DPkg::Lock::Timeout=600 \
		install -y -q --no-install-recommends "${missing[@]}" >&2
}

# Cross builds (scripts/test.sh's other-targets step, cross/*.ini): Debian's
# cross compilers and binutils, their C libraries, cmocka for the two
# targets whose unit tests run (armhf: 32-bit; s390x: big-endian) as
# multiarch packages, and qemu-user to run them. Only on an x86-64 Debian
# host; returns 2 when the host is another one, 1 when installing failed.
vpci_cross_arches=(armhf s390x)
vpci_cross_pkgs=(qemu-user
	gcc-arm-linux-gnueabihf libc6-dev-armhf-cross libcmocka-dev:armhf
	gcc-s390x-linux-gnu libc6-dev-s390x-cross libcmocka-dev:s390x
	gcc-i686-linux-gnu libc6-dev-i386-cross
	gcc-aarch64-linux-gnu libc6-dev-arm64-cross
	gcc-riscv64-linux-gnu libc6-dev-riscv64-cross)
vpci_install_cross_deps() {
	command -v dpkg >/dev/null && [ "$(dpkg --print-architecture)" = amd64 ] ||
		return 2
	local sudo="" a p added=() missing=()
	[ "$(id -u)" -ne 0 ] && sudo=sudo
	for p in "${vpci_cross_pkgs[@]}"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
			grep -q "install ok installed" || missing+=("$p")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	echo "installing for cross builds: ${missing[*]}" >&2
	# Multiarch cmocka needs the architectures known to dpkg (idempotent).
	for a in "${vpci_cross_arches[@]}"; do
		dpkg --print-foreign-architectures | grep -qx "$a" && continue
		$sudo dpkg --add-architecture "$a" && added+=("$a")
	done
	# A foreign index that fails to download (a mirror mid-sync) is not
	# fatal: the install below says whether what is needed was found.
	$sudo apt-get -o DPkg::Lock::Timeout=600 update -q >&2 ||
		echo "apt-get update failed; installing from the lists there are" >&2
	if DEBIAN_FRONTEND=noninteractive $sudo apt-get \
		-o DPkg::Lock::Timeout=600 install -y -q \
		--no-install-recommends "${missing[@]}" >&2; then
		return 0
	fi
	# Leave apt as it was, so later native installs are not hampered by
	# the indexes of an architecture this mirror cannot serve.
	for a in "${added[@]}"; do
		$sudo dpkg --remove-architecture "$a" &&
			$sudo apt-get -o DPkg::Lock::Timeout=600 update -q >&2
	done
	return 1
}

# The VMM boot test (tests/vmm/run.sh): QEMU, only where there is no KVM
# to boot in directly. Quiet; returns non-zero when it could not install.
vpci_install_vmm_deps() {
	command -v qemu-system-x86_64 >/dev/null && return 0
	local sudo=""
	[ "$(id -u)" -ne 0 ] && sudo=sudo
	DEBIAN_FRONTEND=noninteractive $sudo apt-get -o DPkg::Lock::Timeout=600 \
		install -y -q --no-install-recommends qemu-system-x86 >&2
}

# Debian's cloud kernel for the VMM boot test, unpacked (not installed:
# nothing on the host changes) into DIR/VERSION; prints that directory.
# The package is whatever linux-image-cloud-amd64 depends on today.
vpci_fetch_cloud_kernel() {
	local dir=$1 pkg
	pkg=$(apt-cache depends linux-image-cloud-amd64 2>/dev/null |
		awk '/Depends: linux-image-/ {print $2; exit}')
	[ -n "$pkg" ] || return 1
	if [ ! -d "$dir/$pkg/boot" ]; then
		mkdir -p "$dir" && rm -f "$dir"/"$pkg"_*.deb || return 1
		(cd "$dir" && apt-get download -q "$pkg" >&2) || return 1
		dpkg-deb -x "$dir"/"$pkg"_*.deb "$dir/$pkg.tmp" &&
			mv "$dir/$pkg.tmp" "$dir/$pkg" || return 1
		rm -f "$dir"/"$pkg"_*.deb
	fi
	echo "$dir/$pkg"
}

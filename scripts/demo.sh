#!/usr/bin/env bash
# The main job: build libvpci and show what a guest sees of a real machine.
set -eu
cd "$(dirname "$0")/.."
. scripts/deps.sh
vpci_install_deps
mkdir -p build
if [ ! -f build/demo/build.ninja ]; then
	meson setup build/demo >build/demo-setup.log 2>&1 ||
		{ cat build/demo-setup.log; exit 1; }
fi
ninja -C build/demo >build/demo-ninja.log 2>&1 ||
	{ tail -40 build/demo-ninja.log; exit 1; }
exec build/demo/minimal_platform

#!/usr/bin/env bash
# The main job: replay a real machine (an X99 workstation's /sys/bus/pci,
# tests/data) behind libvpci, assign its NVMe controller to a guest, and
# show the function as the host and the guest see it (decoded by real
# lspci), then what the hypervisor maps when the guest enables it.
set -eu
cd "$(dirname "$0")/.."
. scripts/deps.sh
vpci_install_deps

topology=tests/data/sysfs/MrArtemSid__huananzhi_x99-QD4
device=${1:-0000:02:00.0}
out=build/demo
mkdir -p build
if [ ! -f $out/build.ninja ]; then
	meson setup $out >build/demo-setup.log 2>&1 ||
		{ cat build/demo-setup.log; exit 1; }
fi
ninja -C $out >build/demo-ninja.log 2>&1 || { tail -40 build/demo-ninja.log; exit 1; }
harness=$out/src/harness/vpci-harness

# The warning about one BAR of unknown size is the capture's, not news here.
$harness dump "$topology" >$out/host.lspci 2>/dev/null
$harness dump --guest "$device" "$topology" >$out/guest.lspci 2>/dev/null

echo "### $topology"
echo "### Hardware domain's view of $device (vpci-harness dump | lspci -F -vv)"
lspci -F $out/host.lspci -vv -s "$device" 2>/dev/null
echo "### The guest's view: its host bridge at 0000:00:00.0, the function at 0000:00:01.0"
lspci -F $out/guest.lspci -vv 2>/dev/null
cat <<SCRIPT >$out/guest-enables-bar.txt
# The guest sizes BAR0, places it at 0xe0000000 and turns decoding on.
r $device 0x10 4
w $device 0x10 4 0xffffffff
r $device 0x10 4
w $device 0x10 4 0xe0000000
w $device 0x14 4 0
w $device 0x04 2 0x0006
r $device 0x04 2
w $device 0x04 2 0x0000
SCRIPT
echo "### Guest script ($out/guest-enables-bar.txt) replayed with --trace:"
echo "### reads print values, map/unmap lines are the hypervisor's work"
sed -n 's/^\([rw] .*\)/    \1/p' $out/guest-enables-bar.txt
$harness replay --trace --guest "$device" "$topology" \
	$out/guest-enables-bar.txt 2>/dev/null | sed 's/^/  > /'

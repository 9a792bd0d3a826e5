#!/usr/bin/env bash
# Boot Debian's cloud kernel on libvpci with vpci-vmm (tools/vmm) and check
# what Linux found against the captures (check.py): the hardware domain's
# view and a guest's, of a small capture and of the X99 workstation.
# Directly under KVM where the host has it, else inside QEMU's emulated
# AMD CPU with SVM, KVM loaded in an outer VM (docs/vmm.md). Skips, saying
# why, when neither is possible. usage: run.sh BUILD_DIR [OUT_DIR]
#
# VPCI_VMM_BUDGET (seconds, default 600) bounds the boots in real time:
# runs not reached by then are reported as not run, not as failures (a
# boot inside emulated SVM takes 7-20 s of CPU, and far longer on a
# machine whose cores other jobs share); every run that finished is
# checked in full. outer.times (stamp.py) says where the time went.
set -u
cd "$(dirname "$0")/../.."
build=${1:?usage: run.sh BUILD_DIR [OUT_DIR]}
out=${2:-build/logs/vmm}
cache=${VPCI_VMM_CACHE:-build/vmm-kernel}
vmm=$build/tools/vmm/vpci-vmm
init=$build/tools/vmm/vpci-vmm-init
outer_init=$build/tools/vmm/vpci-vmm-outer-init
harness=$build/src/harness/vpci-harness
. scripts/deps.sh

skip() { echo "SKIP vmm boot test: $*"; exit 77; }

[ -x "$vmm" ] && [ -x "$init" ] || skip "vpci-vmm not built (needs x86-64 Linux)"

# The runs: NAME CAPTURE [--guest LIST]; VPCI_VMM_RUNS picks some by name.
all_runs=(
	"1-fc-hwdom tests/data/sysfs/firecracker-microvm"
	"2-fc-guest tests/data/sysfs/firecracker-microvm --guest 00:02.0,00:03.0"
	"3-x99-hwdom tests/data/sysfs/MrArtemSid__huananzhi_x99-QD4"
	"4-x99-guest tests/data/sysfs/MrArtemSid__huananzhi_x99-QD4 --guest 02:00.0,08:00.0"
)
runs=()
for r in "${all_runs[@]}"; do
	case " ${VPCI_VMM_RUNS:-all} " in
	*" all "* | *" ${r%% *} "*) runs+=("$r") ;;
	esac
done

# Real KVM (a kvm_amd or kvm_intel module behind /dev/kvm), or QEMU to
# make some. KVMs without either (shadow-paging ones such as PVM) take
# minutes to boot a stock kernel: they use the QEMU path too.
mode=""
if [ -r /dev/kvm ] && [ -w /dev/kvm ] &&
   { [ -d /sys/module/kvm_amd ] || [ -d /sys/module/kvm_intel ]; }; then
	mode=direct
else
	vpci_install_vmm_deps qemu >/dev/null 2>&1
	command -v qemu-system-x86_64 >/dev/null && mode=nested
fi
[ -n "$mode" ] || skip "no usable /dev/kvm and no qemu-system-x86_64"
kernel_dir=$(vpci_fetch_cloud_kernel "$cache") ||
	skip "cannot get Debian's linux-image-cloud-amd64"
bzimage=$(ls "$kernel_dir"/boot/vmlinuz-* | head -1)
rm -rf "$out"
mkdir -p "$out"
echo "mode: $mode; kernel: $bzimage"

budget=${VPCI_VMM_BUDGET:-600}
t0=$(date +%s)
if [ "$mode" = direct ]; then
	for r in "${runs[@]}"; do
		set -- $r
		name=$1 capture=$2; shift 2
		left=$((budget - ($(date +%s) - t0)))
		[ $left -gt 5 ] || break
		"$vmm" --kernel "$bzimage" --init "$init" --timeout $left \
			--append quiet --events "$out/$name.events" \
			--report "$out/$name.report" "$@" "$capture" \
			>"$out/$name.console" 2>&1
		echo "vpci-vmm $name: exit $?"
	done
else
	# One outer VM runs every boot; its init prints the files back. Its
	# clock runs fast under TCG: the real bound is the timeout on QEMU.
	modules=$(ls -d "$kernel_dir"/lib/modules/*/kernel)
	stage=$out/outer
	mkdir -p "$stage/runs"
	specs=()
	for r in "${runs[@]}"; do
		set -- $r
		name=$1 capture=$2; shift 2
		printf '%s\n' --kernel /bzImage --init /inner-init --timeout 900 \
			--progress ${VPCI_VMM_PROGRESS:-10} --append "${VPCI_VMM_APPEND:-quiet}" \
			--events "/out/$name.events" \
			--report "/out/$name.report" "$@" "/captures/$name" \
			>"$stage/runs/$name"
		specs+=("captures/$name=$capture")
	done
	libs=$(ldd "$vmm" | awk '/=> \// {print $3} /^\t\/lib/ {print $1}')
	for l in $libs; do specs+=("${l#/}=$l"); done
	python3 tests/vmm/mkinitramfs.py "$stage/initramfs.cpio" \
		init="$outer_init" vpci-vmm="$vmm" inner-init="$init" \
		bzImage="$bzimage" runs="$stage/runs" \
		modules/01-irqbypass.ko="$modules/virt/lib/irqbypass.ko" \
		modules/02-kvm.ko="$modules/arch/x86/kvm/kvm.ko" \
		modules/03-kvm-amd.ko="$modules/arch/x86/kvm/kvm-amd.ko" \
		"${specs[@]}" || skip "cannot build the outer initramfs"
	python3 tests/vmm/stamp.py "$out/outer.console" "$out/outer.times" \
		"$budget" qemu-system-x86_64 -accel tcg \
		-cpu EPYC,+svm,phys-bits=48 -m 1G \
		${VPCI_VMM_ICOUNT--icount shift=1,sleep=off} \
		-kernel "$bzimage" -initrd "$stage/initramfs.cpio" \
		-append "console=ttyS0 acpi=off reboot=t panic=-1 ${VPCI_VMM_OUTER_APPEND:-quiet}" \
		-nographic -no-reboot -net none \
		-device isa-debug-exit,iobase=0x501,iosize=4 \
		-chardev file,id=files,path="$out/outer.files" \
		-device isa-debugcon,iobase=0x402,chardev=files
	echo "qemu: exit $? (runs failed: $(awk '/^vpci-outer-done/ {print $2}' "$out/outer.console" | tr -d '\r'))"
	grep -q "vpci-outer: no KVM" "$out/outer.console" &&
		skip "KVM does not load in QEMU's emulated CPU"
	# Each run's time, wall clock and QEMU's CPU time (stamp.py); the
	# first marker shares a line with the firmware's last words.
	tr -d '\r' <"$out/outer.times" | awk '
		{ i = index($0, "vpci-outer-start "); j = index($0, "vpci-outer-run ") }
		i {
			if (!booted++) printf "outer boot: %.0f s (%.0f s CPU)\n", $1, $2
			w = $1; c = $2 }
		j {
			split(substr($0, j), r, " ")
			printf "vpci-vmm %s: exit %s, %.0f s (%.0f s CPU)\n", r[2], r[3], $1 - w, $2 - c }'
	# The files the runs wrote come back through QEMU's debug console.
	awk -v dir="$out" '
		/^vpci-outer-file / { f = dir "/" $2; printf "" > f; next }
		/^vpci-outer-end / { close(f); f = ""; next }
		f != "" { print >> f }' "$out/outer.files" 2>/dev/null
fi
echo "boots took $(( $(date +%s) - t0 )) s"

passed=0 failed=0 not_run=0
for r in "${runs[@]}"; do
	set -- $r
	name=$1 capture=$2; shift 2
	echo "--- $name"
	if [ ! -e "$out/$name.events" ]; then
		echo "  not run: the ${budget} s budget ran out first"
		not_run=$((not_run + 1))
		continue
	fi
	if python3 tests/vmm/check.py "$harness" "$capture" \
		"$out/$name.events" "$out/$name.report" "$@" \
		>"$out/$name.check" 2>&1; then
		passed=$((passed + 1))
	else
		failed=$((failed + 1))
	fi
	sed 's/^/  /' "$out/$name.check"
done
echo "vmm boots: $passed passed, $failed failed, $not_run not run"
[ "$failed" -eq 0 ]

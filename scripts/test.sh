#!/usr/bin/env bash
# Every test libvpci has: unit and replay tests (gcc), the same under
# valgrind, under ASan+UBSan (clang), the freestanding check, and a short
# run of each fuzzer over its corpus. Ends with "N passed, M failed".
set -u
cd "$(dirname "$0")/.."
. scripts/deps.sh
vpci_install_deps || { echo "0 passed, 1 failed"; exit 1; }

passed=0 failed=0
log_dir=build/logs
mkdir -p "$log_dir"

# Add meson's Ok/Fail counts of one run to the totals.
count_meson() {
	local out=$1 ok fail
	ok=$(awk '/^Ok:/ {print $2}' "$out" | tail -1)
	fail=$(awk '/^(Fail|Unexpected Pass|Timeout):/ {s += $2} END {print s+0}' "$out")
	passed=$((passed + ${ok:-0}))
	failed=$((failed + fail))
}

# Each step's header says how long the run has taken so far, so the
# 10-minute budget can be checked step by step.
t_start=$(date +%s)
step() { echo; echo "=== [$(( $(date +%s) - t_start )) s] $*"; }

run_meson_tests() { # NAME BUILDDIR [meson test args]
	local name=$1 dir=$2; shift 2
	local out="$log_dir/$name.txt"
	meson test -C "$dir" --print-errorlogs "$@" >"$out" 2>&1
	local rc=$?
	grep -E '^ *[0-9]+/[0-9]+ ' "$out" | sed 's/^/  /'
	count_meson "$out"
	if [ $rc -ne 0 ] && ! grep -qE '^Fail:' "$out"; then
		tail -20 "$out"; failed=$((failed + 1))
	fi
}

setup() { # DIR [meson setup args]
	local dir=$1; shift
	if ! meson setup --wipe "$dir" "$@" >"$log_dir/setup-$(basename "$dir").txt" 2>&1 &&
	   ! meson setup "$dir" "$@" >"$log_dir/setup-$(basename "$dir").txt" 2>&1; then
		cat "$log_dir/setup-$(basename "$dir").txt"; return 1
	fi
	ninja -C "$dir" >"$log_dir/ninja-$(basename "$dir").txt" 2>&1 ||
		{ tail -40 "$log_dir/ninja-$(basename "$dir").txt"; return 1; }
}

# The harness shell tests (suite harness-cli) run natively in the ASan
# build below, over every topology; here they run once more with the gcc
# binary under valgrind, for a representative subset only: the ones that
# sweep every topology (replay_all, export_sysfs_guest, the setpci
# vocabulary, the cli error matrix) would take most of the time budget
# under valgrind and exercise the same code ASan already watches.
harness_valgrind_tests=(harness_sh_dump_lspci harness_sh_export_sysfs_hwdom
	harness_sh_bar_sizing_hwdom harness_sh_trace harness_sh_caps
	harness_sh_capture harness_sh_capture_faithful harness_sh_mount
	harness_sh_fdt harness_sh_toolstack harness_sh_man_completion)

step "gcc build and tests"
if setup build/gcc; then
	run_meson_tests gcc build/gcc --no-suite harness-cli
	step "the same under valgrind"
	run_meson_tests valgrind build/gcc --setup valgrind --no-suite freestanding --no-suite harness-cli
	step "vpci-harness itself under valgrind, driven by a subset of the shell tests"
	run_meson_tests harness-valgrind build/gcc --setup harnessvalgrind \
		"${harness_valgrind_tests[@]}"
else
	failed=$((failed + 1))
fi

step "consumers: release build, pkg-config (shared, static), C++, subproject"
VPCI_CONSUMER_LOG="$log_dir/consumers-detail.txt" \
	tests/consumers/run.sh build/release >"$log_dir/consumers.txt" 2>&1
cat "$log_dir/consumers.txt"
passed=$((passed + $(grep -c '^  ok ' "$log_dir/consumers.txt")))
failed=$((failed + $(grep -c '^  FAIL ' "$log_dir/consumers.txt")))

step "clang build with ASan+UBSan and tests"
if CC=clang setup build/asan -Db_sanitize=address,undefined -Db_lundef=false; then
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
	UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
		run_meson_tests asan build/asan
else
	failed=$((failed + 1))
fi

# Cross builds: the core and its unit tests only (no harness, fdt, fuzzers),
# so the step stays short. Tests of other targets run under qemu-user
# (the cross file's exe_wrapper).
cross_targets_run=(armhf s390x)          # 32-bit; 64-bit big-endian
cross_targets_check=(i686 aarch64 riscv64) # freestanding check only
cross_build() { # TARGET
	local t=$1 dir=build/cross-$1 tests=enabled
	[[ " ${cross_targets_run[*]} " == *" $t "* ]] || tests=auto
	if ! { meson setup --wipe "$dir" --cross-file "cross/$t.ini" \
			-Dharness=disabled -Dfdt=disabled -Dtests=$tests \
			--wrap-mode=nodownload ||
		meson setup "$dir" --cross-file "cross/$t.ini" \
			-Dharness=disabled -Dfdt=disabled -Dtests=$tests \
			--wrap-mode=nodownload
		} >"$log_dir/setup-cross-$t.txt" 2>&1; then
		tail -20 "$log_dir/setup-cross-$t.txt"; return 1
	fi
	# -Dharness/-Dfdt=disabled leave the core, its unit tests and the
	# small programs beside them: build them all (a test may run a script
	# that needs the library itself, so building only test executables is
	# not enough).
	ninja -C "$dir" >"$log_dir/ninja-cross-$t.txt" 2>&1 ||
		{ tail -40 "$log_dir/ninja-cross-$t.txt"; return 1; }
}

step "other targets: unit tests on ${cross_targets_run[*]} under qemu-user," \
	"freestanding core on all of ${cross_targets_run[*]} ${cross_targets_check[*]}"
vpci_install_cross_deps
case $? in
0)
	for t in "${cross_targets_run[@]}" "${cross_targets_check[@]}"; do
		echo "  -- $t"
		suites=(--suite freestanding)
		[[ " ${cross_targets_run[*]} " == *" $t "* ]] &&
			suites+=(--suite unit)
		if cross_build "$t"; then
			run_meson_tests "cross-$t" "build/cross-$t" --no-rebuild \
				"${suites[@]}"
		else
			echo "  FAIL cross build for $t"; failed=$((failed + 1))
		fi
	done ;;
2) echo "  skipped: cross builds need an x86-64 Debian host" ;;
*) echo "  FAIL installing the cross toolchains (scripts/deps.sh)"
	failed=$((failed + 1)) ;;
esac

# An unmodified Linux booted on libvpci (docs/vmm.md): under KVM directly,
# or inside QEMU's emulated SVM CPU where the host has no usable KVM.
step "Linux booted on libvpci: vpci-vmm (tests/vmm/run.sh)"
# Bounded in real time: runs not reached in the budget are reported as
# not run (the four boots inside emulated SVM need about a minute of a
# whole core).
VPCI_VMM_BUDGET=${VPCI_VMM_BUDGET:-120} tests/vmm/run.sh build/gcc \
	>"$log_dir/vmm.txt" 2>&1
vmm_rc=$?
grep -E '^(mode|outer boot|boots took|vpci-vmm |qemu|SKIP|---|vmm boots|  (ok|FAIL|not run))' "$log_dir/vmm.txt" |
	sed 's/^/  /'
if [ $vmm_rc -eq 77 ]; then
	echo "  (skipped)"
else
	vmm_ok=$(awk '/^vmm boots:/ {print $3}' "$log_dir/vmm.txt")
	vmm_bad=$(awk '/^vmm boots:/ {print $5}' "$log_dir/vmm.txt")
	# No tally at all: the script itself failed.
	[ -z "$vmm_ok" ] && { tail -20 "$log_dir/vmm.txt"; vmm_bad=1; }
	passed=$((passed + ${vmm_ok:-0}))
	failed=$((failed + ${vmm_bad:-0}))
fi

step "fuzzers (libFuzzer, short runs over the seed corpora, two at a time)"
if CC=clang setup build/fuzz -Dfuzz=true -Dtests=disabled -Dharness=disabled; then
	fuzzers=()
	for f in build/fuzz/fuzz/fuzz_*; do
		[ -f "$f" ] && [ -x "$f" ] && fuzzers+=("$f")
	done
	for f in "${fuzzers[@]}"; do
		name=$(basename "$f")
		(
			corpus=fuzz/corpus/${name#fuzz_}
			scratch=$(mktemp -d) # new inputs land here, not in the tree
			"$f" -runs=20000 -max_total_time=15 "$scratch" "$corpus" \
				>"$log_dir/$name.txt" 2>&1
			echo $? >"$log_dir/$name.rc"
			rm -rf "$scratch"
		) &
		# One per core: each is single-threaded.
		while [ "$(jobs -rp | wc -l)" -ge 2 ]; do wait -n; done
	done
	wait
	for f in "${fuzzers[@]}"; do
		name=$(basename "$f")
		if [ "$(cat "$log_dir/$name.rc" 2>/dev/null)" = 0 ]; then
			echo "  ok   $name"; passed=$((passed + 1))
		else
			echo "  FAIL $name"; tail -30 "$log_dir/$name.txt"; failed=$((failed + 1))
		fi
	done
else
	failed=$((failed + 1))
fi

echo
echo "=== [$(( $(date +%s) - t_start )) s] done"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]

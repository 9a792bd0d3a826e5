#!/usr/bin/env bash
# Regenerate the figures of docs/PERFORMANCE.md: build the benchmarks
# (tests/bench/, -O2 -g), run each natively (nanoseconds) and under
# callgrind (exact instruction counts of each measured loop, dumped by the
# benchmark itself), join the two into data files in docs/perf/, rewrite
# the tables between the perf-report markers of docs/PERFORMANCE.md, and
# plot docs/perf-boot.png and docs/perf-access.png with gnuplot.
#
# usage: scripts/perf-report.sh [--quick]
#   --quick: smaller N and fewer iterations (checks the pipeline; the
#            figures are not the ones to publish).
# Needs valgrind, python3 and gnuplot (installed from Debian if missing).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/deps.sh
vpci_install_deps gnuplot-nox python3

quick=false
[ "${1:-}" = --quick ] && quick=true
build=build/perf
out=$build/report
data=docs/perf
mkdir -p "$out" "$data"

if [ ! -f "$build/build.ninja" ]; then
	meson setup "$build" -Dbuildtype=debugoptimized -Dharness=disabled \
		-Dfdt=disabled -Dexamples=disabled >/dev/null
fi
ninja -C "$build" tests/bench/bench_access tests/bench/bench_scale \
	tests/bench/bench_msix tests/bench/bench_sriov >/dev/null
# The revision the benchmarks are built from, taken now: the runs take
# long enough for the tree to move before the report is written.
revision="$(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src include || echo +changes)"

if $quick; then
	sizes=(16 256 4096) access_native=200000 access_cg=2000
	toggles_native=2000 toggles_cg=50 msix_sizes=(1 16)
else
	sizes=(16 64 256 1024 4096 16384 65536) access_native=5000000
	access_cg=20000 toggles_native=20000 toggles_cg=200
	msix_sizes=(1 16 256 4096)
fi

# native NAME ARGS...: the benchmark's rows, natively (the median of three
# runs is taken by perf-report.py).
native() {
	local name=$1; shift
	local r
	for r in 1 2 3; do
		"$build/tests/bench/$@" >"$out/$name.native.$r.txt"
	done
}

# callgrind NAME ARGS...: one run under callgrind, a dump per row.
callgrind() {
	local name=$1; shift
	rm -rf "$out/$name.cg"
	mkdir -p "$out/$name.cg"
	valgrind --tool=callgrind --instr-atstart=no --dump-instr=no \
		--compress-strings=no \
		--callgrind-out-file="$out/$name.cg/out" \
		"$build/tests/bench/$@" >"$out/$name.cg.txt" 2>"$out/$name.cg.log"
}

echo "access by register and domain" >&2
native access bench_access $access_native
callgrind access bench_access $access_cg

echo "access, every dword on its own" >&2
callgrind dwords bench_access --each-dword $((access_cg / 10))

for n in "${sizes[@]}"; do
	# One process per N: its first boot is on a heap that never held
	# the core's state ("cold"), its second on one that did ("warm").
	echo "boot and toggle, N=$n" >&2
	# Above 16384 functions callgrind takes minutes per boot: the warm
	# boot is measured natively only.
	cold_only=()
	[ "$n" -gt 16384 ] && cold_only=(--cold-only)
	native "scale-$n" bench_scale $toggles_native "$n"
	callgrind "scale-$n" bench_scale "${cold_only[@]}" $toggles_cg "$n"
done

for n in "${msix_sizes[@]}"; do
	echo "MSI-X table writes, $n devices" >&2
	native "msix-$n" bench_msix $access_native "$n"
	callgrind "msix-$n" bench_msix $access_cg "$n"
done

echo "SR-IOV VF enable and MSE cycles" >&2
native sriov bench_sriov 20
callgrind sriov bench_sriov 3

python3 scripts/perf-report.py "$out" "$data" docs/PERFORMANCE.md "$revision"

gnuplot -e "data='$data'; outdir='docs'" scripts/perf-plots.gp
echo "wrote $data/*.tsv, docs/perf-boot.png, docs/perf-access.png," \
	"docs/perf-dwords.png," \
	"docs/PERFORMANCE.md" >&2

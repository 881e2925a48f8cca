#!/usr/bin/env bash
# Run the full xpdk-bench benchmark against xpdk-devsim: MMIO fast path, trapped MMIO in both
# placements, host-exerciser DMA (copy, read, write) and edu DMA. Prints every table and writes
# the DMA plot. Ends with lib/poll's costs (xpdk-bench poll on lcores 0 and 1).
#
#   devtools/bench.sh [BUILD_DIR] [PLOT.png]     defaults: build, doc/performance.png
#   TIME=S (seconds per DMA size, default 2)  SIZES=LIST (default 64,256,4K,64K,1M,4M)
#
# Placement on a 2-core machine: the benchmark's main lcore is core 0 (-l 0). xpdk-devsim runs
# on core 1 (its device thread does the DMA work, and must not share a core with the host's
# polling loop), except for the "same core" trapped MMIO run, where it is moved to core 0 so
# that a vfio-user round trip is a same-core UNIX-socket ping-pong.
# Needs hugepages (devtools/hugepages.sh) and gnuplot (devtools/install-deps.sh).
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:-$top/build}" && pwd)
plot=${2:-$top/doc/performance.png}
time_per_size=${TIME:-2}
sizes=${SIZES:-64,256,4K,64K,1M,4M}
bench=$build/app/xpdk-bench/xpdk-bench
devsim=$build/app/xpdk-devsim/xpdk-devsim

if [ "$(nproc)" -lt 2 ]; then
	echo "bench: needs 2 CPUs (benchmark on core 0, device model on core 1)" >&2
	exit 1
fi
for b in "$bench" "$devsim"; do
	[ -x "$b" ] || { echo "bench: $b not built; run: meson setup build && ninja -C build" >&2; exit 1; }
done

sockdir=$(mktemp -d /tmp/xpdk-bench.XXXXXX)
cleanup() {
	[ -n "${pid:-}" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
	rm -rf "$sockdir"
}
trap cleanup EXIT

XPDK_DEVSIM_DIR=$sockdir taskset -c 1 "$devsim" -q --model dfl-fpga --model edu \
	--model-args dma_mask=0xffffffffffff >"$sockdir/devsim.log" 2>&1 &
pid=$!
for _ in $(seq 100); do
	[ -S "$sockdir/dfl-fpga0.sock" ] && [ -S "$sockdir/edu0.sock" ] && break
	sleep 0.05
done
fpga=vfio-user:$sockdir/dfl-fpga0.sock
edu=vfio-user:$sockdir/edu0.sock

place() { taskset -a -p -c "$1" "$pid" >/dev/null; }
section() { printf '\n## %s\n$ %s\n' "$1" "$2"; }
run() {
	local title=$1
	shift
	section "$title" "xpdk-bench $*"
	"$bench" "$@"
}

echo "# xpdk-bench full run, $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "# $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //'), $(nproc) CPUs," \
	"kernel $(uname -r), load average $(cut -d' ' -f1-3 /proc/loadavg)"

place 1
run "MMIO fast path (AFU memory), devsim on core 1" -l 0 -- mmio -d "$fpga" --time 2
run "MMIO fast path, 32-bit read/write" -l 0 -- mmio -d "$fpga" --width 32 --op rw --time 2
run "Trapped MMIO, devsim on core 1 (cross-core)" -l 0 -- mmio -d "$fpga" --trapped --time 2
place 0
run "Trapped MMIO, devsim on core 0 (same core)" -l 0 -- mmio -d "$fpga" --trapped --time 2
run "Trapped MMIO on edu, same core" -l 0 -- mmio -d "$edu" --trapped --time 1
place 1
run "Host exerciser DMA, copy" -l 0 -- dma -d "$fpga" --mode copy --sizes "$sizes" \
	--time "$time_per_size" --plot "$plot"
run "Host exerciser DMA, read" -l 0 -- dma -d "$fpga" --mode read --sizes "$sizes" \
	--time "$time_per_size"
run "Host exerciser DMA, write" -l 0 -- dma -d "$fpga" --mode write --sizes "$sizes" \
	--time "$time_per_size"
run "edu DMA (4 KiB engine; correctness and latency)" -l 0 -- dma -d "$edu" --sizes 64,1K,4K \
	--time 1 --dma-mask 0xffffffffffff
run "lib/poll: ring->handler, empty poll, wake-up, idle CPU (no device)" -l 0,1 -- poll \
	--time 2
echo
echo "# plot: $plot; load average at the end $(cut -d' ' -f1-3 /proc/loadavg)"

#!/usr/bin/env bash
# The main job on a fresh machine: install, build, reserve hugepages, then
#  1. dma_hello: the environment and DMA buffers;
#  2. xpdk-devsim serving a simulated edu device over vfio-user, driven by edu_hello through
#     XPDK's device layer and edu driver (registers, interrupt, DMA);
#  3. a simulated OPAE FPGA (dfl-fpga): xpdk-io walks its Device Feature List, fpga_hello reads
#     its FME and port, copies 4 MiB through its host exerciser, and swaps its AFU by partial
#     reconfiguration from a green bitstream; examples/pipeline then runs a three-stage
#     dataplane on lib/poll through the exerciser (interrupt mode), data checked;
#  4. the FPGA's port released to a virtual function: xpdk-fpga port release and sriov 1 make
#     devsim serve the VF's socket, xpdk-bench runs OPAE's HE-LB there (data checked), the PF
#     reads all ones at the AFU, then sriov 0 and port assign give the port back.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"

"$top/devtools/build.sh" build >/tmp/xpdk-build.log 2>&1 || {
	cat /tmp/xpdk-build.log >&2
	echo "demo: build failed (log above)" >&2
	exit 1
}
echo "== XPDK built in $top/build"
"$top/devtools/hugepages.sh"

echo
echo "== 1. dma_hello: environment, DMA buffers, memcpy check"
echo "\$ build/examples/dma_hello/dma_hello -l 0 -- --count 3 --size 2M"
build/examples/dma_hello/dma_hello -l 0 -- --count 3 --size 2M

echo
echo "== 2. a simulated edu device, driven through vfio-user"
sockdir=$(mktemp -d /tmp/xpdk-demo.XXXXXX)
export XPDK_DEVSIM_DIR=$sockdir
echo "\$ xpdk-devsim --model edu --model-args dma_mask=0xffffffffffff &"
build/app/xpdk-devsim/xpdk-devsim --model edu --model-args dma_mask=0xffffffffffff \
	>"$sockdir/devsim.log" 2>&1 &
devsim=$!
trap '[ -n "$devsim" ] && kill $devsim 2>/dev/null; wait 2>/dev/null; rm -rf "$sockdir"' EXIT
wait_socket() { # wait_socket PATH LOG: the device is up, or say why not
	for _ in $(seq 100); do [ -S "$1" ] && return 0; sleep 0.05; done
	echo "demo: xpdk-devsim did not start; its log:" >&2
	cat "$2" >&2
	exit 1
}
wait_socket "$sockdir/edu0.sock" "$sockdir/devsim.log"
echo "\$ build/examples/edu_hello/edu_hello -l 0 -- vfio-user:$sockdir/edu0.sock --dma-mask 0xffffffffffff"
build/examples/edu_hello/edu_hello -l 0 -- "vfio-user:$sockdir/edu0.sock" \
	--dma-mask 0xffffffffffff
kill "$devsim"
wait "$devsim" || true
devsim=
echo
echo "xpdk-devsim's log:"
sed 's/^/  /' "$sockdir/devsim.log"

echo
echo "== 3. a simulated OPAE FPGA: Device Feature List, host exerciser, partial reconfiguration"
echo "\$ xpdk-devsim --model dfl-fpga &"
build/app/xpdk-devsim/xpdk-devsim --model dfl-fpga >"$sockdir/fpga.log" 2>&1 &
devsim=$!
wait_socket "$sockdir/dfl-fpga0.sock" "$sockdir/fpga.log"
echo "\$ xpdk-io ls"
build/app/xpdk-io/xpdk-io ls
echo "\$ xpdk-io -d dfl-fpga0 walk"
build/app/xpdk-io/xpdk-io -d dfl-fpga0 walk
fpga=vfio-user:$sockdir/dfl-fpga0.sock
echo "\$ build/examples/fpga_hello/fpga_hello -l 0 -- $fpga --size 4M"
build/examples/fpga_hello/fpga_hello -l 0 -- "$fpga" --size 4M
echo "\$ devtools/make-devsim-gbs.py --afu counter -o counter.gbs"
devtools/make-devsim-gbs.py --afu counter -o "$sockdir/counter.gbs"
echo "\$ build/examples/fpga_hello/fpga_hello -l 0 -- $fpga --gbs counter.gbs"
build/examples/fpga_hello/fpga_hello -l 0 -- "$fpga" --gbs "$sockdir/counter.gbs"
devtools/make-devsim-gbs.py --afu he -o "$sockdir/he.gbs" >/dev/null
echo "\$ build/examples/fpga_hello/fpga_hello -l 0 -- $fpga --gbs he.gbs   # and back"
build/examples/fpga_hello/fpga_hello -l 0 -- "$fpga" --gbs "$sockdir/he.gbs" --size 4M
lcores=0; [ "$(nproc)" -ge 2 ] && lcores=0,1
echo "\$ build/examples/pipeline/pipeline -l $lcores -- $fpga --count 5000 --interrupt"
build/examples/pipeline/pipeline -l "$lcores" -- "$fpga" --count 5000 --interrupt
kill "$devsim"
wait "$devsim" || true
devsim=

echo
echo "== 4. the FPGA's port handed to a virtual function (SR-IOV), and back"
echo "\$ xpdk-devsim --model dfl-fpga --model-args afu=he-lb &"
build/app/xpdk-devsim/xpdk-devsim --model dfl-fpga --model-args afu=he-lb \
	>"$sockdir/virt.log" 2>&1 &
devsim=$!
wait_socket "$sockdir/dfl-fpga0.sock" "$sockdir/virt.log"
pf=vfio-user:$sockdir/dfl-fpga0.sock
vf=vfio-user:$sockdir/dfl-fpga0-vf0.sock
for step in "port release 0" "sriov 1"; do
	echo "\$ xpdk-fpga -d $pf $step"
	# shellcheck disable=SC2086 # the step is words
	build/app/xpdk-fpga/xpdk-fpga -d "$pf" $step
done
echo "\$ xpdk-fpga -d $vf port"
build/app/xpdk-fpga/xpdk-fpga -d "$vf" port
echo "\$ xpdk-bench -l 0 -- dma -d $vf --engine he-lb --mode lpbk --sizes 64K --time 0.2 --no-skeleton"
build/app/xpdk-bench/xpdk-bench -l 0 -- dma -d "$vf" --engine he-lb --mode lpbk --sizes 64K \
	--time 0.2 --no-skeleton
echo "\$ xpdk-io -d $pf peek 0x80008    # the AFU's GUID_L, seen from the PF: nothing answers"
build/app/xpdk-io/xpdk-io -d "$pf" peek 0x80008
for step in "sriov 0" "port assign 0"; do
	echo "\$ xpdk-fpga -d $pf $step"
	# shellcheck disable=SC2086 # the step is words
	build/app/xpdk-fpga/xpdk-fpga -d "$pf" $step
done
kill "$devsim"
wait "$devsim" || true
devsim=
echo
echo "Next: doc/getting-started.md, doc/devices.md, doc/devsim.md, doc/fpga-dfl.md, doc/xpdk-io.md"

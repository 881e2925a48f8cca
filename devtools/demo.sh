#!/usr/bin/env bash
# The main job on a fresh machine: install, build, reserve hugepages, then
#  1. dma_hello: the environment and DMA buffers;
#  2. xpdk-devsim serving a simulated edu device over vfio-user, driven by edu_hello through
#     XPDK's device layer and edu driver (registers, interrupt, DMA).
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
trap 'kill $devsim 2>/dev/null; wait $devsim 2>/dev/null; rm -rf "$sockdir"' EXIT
for _ in $(seq 100); do [ -S "$sockdir/edu0.sock" ] && break; sleep 0.05; done
echo "\$ build/examples/edu_hello/edu_hello -l 0 -- vfio-user:$sockdir/edu0.sock --dma-mask 0xffffffffffff"
build/examples/edu_hello/edu_hello -l 0 -- "vfio-user:$sockdir/edu0.sock" \
	--dma-mask 0xffffffffffff
kill "$devsim"
wait "$devsim" || true
echo
echo "xpdk-devsim's log:"
sed 's/^/  /' "$sockdir/devsim.log"
echo
echo "Next: doc/getting-started.md, doc/devices.md, doc/devsim.md, doc/vfio-user.md"

#!/usr/bin/env bash
# The main job on a fresh machine: install, build, reserve hugepages, and run the demo.
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
echo "== dma_hello: environment, DMA buffers, memcpy check"
echo "\$ build/examples/dma_hello/dma_hello -l 0 -- --count 3 --size 2M"
build/examples/dma_hello/dma_hello -l 0 -- --count 3 --size 2M

#!/usr/bin/env bash
# Every test tier on a fresh machine: install, build, reserve hugepages, run all meson suites
# (unit, integration, vm, fuzz). Extra arguments go to 'meson test' (e.g. --suite unit).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"

"$top/devtools/build.sh" build
"$top/devtools/hugepages.sh"
meson test -C build --print-errorlogs --num-processes 2 "$@"

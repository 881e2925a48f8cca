#!/usr/bin/env bash
# Install XPDK's Debian packages (when missing), configure and build.
#
#   devtools/build.sh [BUILD_DIR] [MESON_SETUP_OPTIONS...]     default BUILD_DIR: build
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
builddir=${1:-build}
[ $# -gt 0 ] && shift
cd "$top"

"$top/devtools/install-deps.sh"
if [ ! -f "$builddir/build.ninja" ]; then
	meson setup "$builddir" "$@"
elif [ $# -gt 0 ]; then
	meson configure "$builddir" "$@"
fi
ninja -C "$builddir"

#!/usr/bin/env bash
# Build the API reference with Doxygen (doc/Doxyfile.in, configured by meson into the build
# directory) and fail on any warning: an undocumented public function, struct member, macro,
# parameter or return value. Skipped (exit 77, meson's "skip") when doxygen is not installed.
#
#   devtools/api-doc.sh [DOXYFILE]      default: build/doc/Doxyfile
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
doxyfile=${1:-$top/build/doc/Doxyfile}

if ! command -v doxygen >/dev/null; then
	echo "api-doc: SKIPPED: doxygen is not installed (devtools/install-deps.sh installs it)"
	exit 77
fi
[ -f "$doxyfile" ] || { echo "api-doc: no $doxyfile (meson setup first)" >&2; exit 1; }
if ! doxygen "$doxyfile"; then
	echo "api-doc: the public headers have undocumented parts (above); document them" >&2
	exit 1
fi
echo "api-doc: every public header is documented ($(dirname "$doxyfile")/api/html)"

#!/usr/bin/env bash
# Check that XPDK's shared libraries export only xpdk_* symbols (and the XPDK_<version> node of
# the version script): `nm -D --defined-only` on every libxpdk_*.so in the build directory.
# Exits 1 listing each offending symbol and its library, or when no library is found.
#
# The documented exceptions (doc/sdk.md): a compatibility API keeps its owner's names, in the
# one library that implements it and nowhere else (COMPAT below, as in its version script).
#
#   devtools/check-exports.sh [BUILD_DIR]      default BUILD_DIR: build
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
builddir=$(cd "${1:-$top/build}" && pwd)

mapfile -t libs < <(find "$builddir" -name 'libxpdk_*.so' \( -type l -o -type f \) \
	-not -path '*/meson-private/*' | sort)
if [ ${#libs[@]} -eq 0 ]; then
	echo "check-exports: no libxpdk_*.so under $builddir (build it first)" >&2
	exit 1
fi

# library (file name without .so) -> the other prefixes it may export
declare -A COMPAT=(
	[libxpdk_flexio]='flexio_'
	[libxpdk_drv_aws]='fpga_ aws_clkgen_'
)

status=0
for lib in "${libs[@]}"; do
	base=$(basename "$lib" .so)
	allowed='xpdk_|XPDK_'
	for p in ${COMPAT[$base]:-}; do
		allowed="$allowed|$p"
	done
	syms=$(nm -D --defined-only "$lib" | awk '{ print $NF }' | sed 's/@.*//')
	if [ -z "$syms" ]; then
		echo "check-exports: ${lib#"$builddir"/} exports nothing" >&2
		status=1
		continue
	fi
	bad=$(grep -v -E "^($allowed)" <<<"$syms" || true)
	if [ -n "$bad" ]; then
		sed "s|^|check-exports: ${lib#"$builddir"/}: unprefixed export: |" <<<"$bad" >&2
		status=1
	fi
done
if [ $status -eq 0 ]; then
	echo "check-exports: ${#libs[@]} libraries export only xpdk_ symbols" \
		"(and their compatibility APIs: ${COMPAT[*]})"
else
	echo "check-exports: give the symbols an xpdk_ prefix, or keep them out of public" \
		"headers' XPDK_API_BEGIN/END (doc/sdk.md)" >&2
fi
exit $status

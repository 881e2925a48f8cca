#!/usr/bin/env bash
# Static checks on XPDK's C sources: cppcheck and clang-tidy (not tests), with the project's
# compile_commands.json, and clang-format (devtools/format.sh, tests included). Exits non-zero
# on any finding.
#
#   devtools/lint.sh [BUILD_DIR]      default BUILD_DIR: build
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
builddir=$(cd "${1:-$top/build}" && pwd)
cd "$top"

mapfile -t srcs < <(git ls-files 'lib/*.c' 'drivers/*.c' 'app/*.c' 'examples/*.c')
[ ${#srcs[@]} -gt 0 ] || { echo "lint: no sources"; exit 0; }
incs=()
for d in $(git ls-files 'include/*.h' 'lib/*.h' 'drivers/*.h' 'app/*.h' | xargs -n1 dirname | sort -u); do
	incs+=(-I "$d")
done

status=0
"$top/devtools/format.sh" || status=1

echo "lint: cppcheck on ${#srcs[@]} files"
cppcheck --quiet --error-exitcode=1 --enable=warning,portability,performance --std=c11 \
	--inline-suppr -D__linux__ "${incs[@]}" "${srcs[@]}" || status=1

checks='-*,bugprone-*,-bugprone-easily-swappable-parameters,-bugprone-reserved-identifier'
checks+=',clang-analyzer-*'
checks+=',-clang-analyzer-security.insecureAPI.DeprecatedOrUnsafeBufferHandling'
echo "lint: clang-tidy on ${#srcs[@]} files"
out=$(clang-tidy -p "$builddir" --quiet --checks="$checks" "${srcs[@]}" 2>/dev/null || true)
if grep -qE '(warning|error):' <<<"$out"; then
	grep -E -A3 '(warning|error):' <<<"$out"
	status=1
fi
[ $status -eq 0 ] && echo "lint: clean"
exit $status

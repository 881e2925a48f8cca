#!/usr/bin/env bash
# Check that XPDK's C sources are formatted as the project's .clang-format says: every tracked
# .c/.h file under lib/ drivers/ app/ examples/ test/ include/. Lists each file that differs and
# exits 1; exits 0 when all are formatted. devtools/lint.sh runs it.
#
#   devtools/format.sh            check
#   devtools/format.sh --diff     check, and show what clang-format would change
#   devtools/format.sh FILE...    check these files only
#
# Files listed in devtools/format-pending.txt were written before the check existed and are
# skipped until the one-time formatting of the tree empties that list; a new file is never
# added to it. Fix a file with `clang-format -i FILE`, or only the lines you changed with
# `git clang-format`.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"

diff=0
if [ "${1:-}" = "--diff" ]; then
	diff=1
	shift
fi
if ! command -v clang-format >/dev/null; then
	echo "format: clang-format is not installed (devtools/install-deps.sh installs it)" >&2
	exit 1
fi

if [ $# -gt 0 ]; then
	files=("$@")
	pending=()
else
	mapfile -t files < <(git ls-files 'lib/*.[ch]' 'drivers/*.[ch]' 'app/*.[ch]' \
		'examples/*.[ch]' 'test/*.[ch]' 'include/*.[ch]')
	mapfile -t pending < <(grep -v -E '^(#|$)' devtools/format-pending.txt 2>/dev/null || true)
fi

declare -A skip=()
for f in "${pending[@]}"; do
	skip[$f]=1
done

bad=()
checked=0
for f in "${files[@]}"; do
	if [ -n "${skip[$f]:-}" ]; then
		if clang-format --style=file "$f" | cmp -s - "$f"; then
			echo "format: note: $f is formatted now; remove it from devtools/format-pending.txt"
		fi
		continue
	fi
	checked=$((checked + 1))
	if ! clang-format --style=file "$f" | cmp -s - "$f"; then
		bad+=("$f")
		[ $diff -eq 1 ] && clang-format --style=file "$f" | diff -u "$f" - || true
	fi
done

if [ ${#bad[@]} -gt 0 ]; then
	echo "format: ${#bad[@]} of $checked files differ from .clang-format:" >&2
	printf '  %s\n' "${bad[@]}" >&2
	echo "format: fix with 'clang-format -i FILE' (or 'git clang-format' for changed lines)" >&2
	exit 1
fi
echo "format: $checked files formatted (${#pending[@]} pending the one-time formatting)"

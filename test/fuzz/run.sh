#!/usr/bin/env bash
# Build XPDK's libFuzzer targets with clang (ASan + UBSan) in a build dir of their own, and run
# each for its share of a time budget. Fails on any crash, leak or timeout; the reproducer is
# kept in the corpus directory and printed.
#
#   test/fuzz/run.sh [SECONDS]          total budget, default $XPDK_FUZZ_SECONDS or 60
#
# A longer run: test/fuzz/run.sh 3600 (corpora persist in build-fuzz/corpus/<target>).
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
budget=${1:-${XPDK_FUZZ_SECONDS:-60}}
bdir=$top/build-fuzz

if [ ! -f "$bdir/build.ninja" ]; then
	CC=clang meson setup "$bdir" "$top" -Dfuzz=true -Dtests=disabled \
		-Db_lundef=false >/dev/null
fi
ninja -C "$bdir" $(cd "$bdir" && ninja -t targets all | grep -o '^test/fuzz/fuzz_[a-z_]*:' |
	tr -d ':' | sort -u) >/dev/null

mapfile -t targets < <(find "$bdir/test/fuzz" -maxdepth 1 -type f -name 'fuzz_*' -executable | sort)
[ ${#targets[@]} -gt 0 ] || { echo "fuzz: no targets built" >&2; exit 1; }
each=$((budget / ${#targets[@]}))
[ "$each" -ge 1 ] || each=1
status=0
for t in "${targets[@]}"; do
	name=$(basename "$t")
	corpus=$bdir/corpus/$name
	mkdir -p "$corpus" "$bdir/artifacts"
	echo "fuzz: $name for ${each}s"
	seeds=$top/test/fuzz/corpus/$name # kept in the tree (nightly.sh grows it), read only here
	[ -d "$seeds" ] || seeds=
	if ! "$t" -max_total_time="$each" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
		-artifact_prefix="$bdir/artifacts/$name-" "$corpus" $seeds >"$bdir/$name.log" 2>&1; then
		echo "fuzz: $name FAILED; reproducer and log:" >&2
		ls "$bdir/artifacts/$name-"* >&2 || true
		tail -50 "$bdir/$name.log" >&2
		status=1
	else
		grep -E 'stat::number_of_executed_units|stat::peak_rss_mb' "$bdir/$name.log" |
			sed "s/^/fuzz: $name /"
	fi
done
exit $status

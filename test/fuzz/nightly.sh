#!/usr/bin/env bash
# Nightly-style fuzzing: each libFuzzer target runs at least RUNS executions (default 1000000)
# from the corpus kept in the tree (test/fuzz/corpus/<target>), then the corpus is minimised
# back into the tree with -merge=1, so that what a run found is kept by committing it.
# Fails on any crash, leak or timeout; the reproducer is kept in build-fuzz/artifacts.
#
#   test/fuzz/nightly.sh [RUNS]          default $XPDK_FUZZ_RUNS or 1000000
#
# The tree keeps the hand-written seeds and a minimal set of generated inputs of at most
# $XPDK_FUZZ_KEEP_LEN bytes (default 1024) with the same coverage (tens of KB at most).
#
# CI runs the short, time-bounded test/fuzz/run.sh instead (about a minute in all).
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
runs=${1:-${XPDK_FUZZ_RUNS:-1000000}}
keep_len=${XPDK_FUZZ_KEEP_LEN:-1024} # largest generated input kept in the tree
bdir=$top/build-fuzz
corpus_top=$top/test/fuzz/corpus

[[ $runs =~ ^[0-9]+$ ]] || { echo "nightly: RUNS '$runs' is not a number" >&2; exit 2; }
if [ ! -f "$bdir/build.ninja" ]; then
	CC=clang meson setup "$bdir" "$top" -Dfuzz=true -Dtests=disabled \
		-Db_lundef=false >/dev/null
fi
ninja -C "$bdir" $(cd "$bdir" && ninja -t targets all | grep -o '^test/fuzz/fuzz_[a-z_]*:' |
	tr -d ':' | sort -u) >/dev/null

mapfile -t targets < <(find "$bdir/test/fuzz" -maxdepth 1 -type f -name 'fuzz_*' -executable | sort)
[ ${#targets[@]} -gt 0 ] || { echo "nightly: no targets built" >&2; exit 1; }
status=0
for t in "${targets[@]}"; do
	name=$(basename "$t")
	work=$bdir/corpus/$name
	mkdir -p "$corpus_top/$name" "$work" "$bdir/artifacts"
	echo "nightly: $name, $runs executions"
	if ! "$t" -runs="$runs" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
		-artifact_prefix="$bdir/artifacts/$name-" "$work" "$corpus_top/$name" \
		>"$bdir/$name.nightly.log" 2>&1; then
		echo "nightly: $name FAILED; reproducer and log:" >&2
		ls "$bdir/artifacts/$name-"* >&2 || true
		tail -50 "$bdir/$name.nightly.log" >&2
		status=1
		continue
	fi
	grep -E 'stat::number_of_executed_units' "$bdir/$name.nightly.log" | sed "s/^/nightly: $name /"
	# minimise back into the tree: the hand-written seeds (named), then the fewest generated
	# inputs (named by their SHA-1) of at most $keep_len bytes that keep the coverage
	fresh=$bdir/corpus-min/$name
	rm -rf "$fresh" && mkdir -p "$fresh"
	find "$corpus_top/$name" -type f -regextype posix-extended ! -regex '.*/[0-9a-f]{40}' -exec cp {} "$fresh/" \;
	if "$t" -merge=1 -max_len="$keep_len" "$fresh" "$corpus_top/$name" "$work" \
		>"$bdir/$name.merge.log" 2>&1; then
		find "$corpus_top/$name" -type f -regextype posix-extended -regex '.*/[0-9a-f]{40}' -delete
		cp -n "$fresh"/* "$corpus_top/$name/"
	else
		echo "nightly: $name: merge failed, corpus unchanged (see $bdir/$name.merge.log)" >&2
	fi
	echo "nightly: $name corpus: $(find "$corpus_top/$name" -type f | wc -l) inputs," \
		"$(du -sb "$corpus_top/$name" | cut -f1) bytes"
done
exit $status

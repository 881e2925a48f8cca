#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# Runs inside the vm tier's guest: xpdk-bench qp against perftest on the same two Soft-RoCE
# devices (test/vm/rxe-net.sh), same sizes, iterations, TX depth and CQ moderation, same inline
# size (read from perftest's header), server on rxea pinned to CPU 0, client on rxeb pinned to
# CPU 1, rounds alternating which tool goes first. Not a test: prints every run and a summary
# of medians (doc/performance.md has the figures). Not in CI (it takes several minutes).
#
# Under TCG one run's latency median moves by up to ±40 % from run to run for either tool
# (both vCPUs busy-poll, and QEMU's own threads share the host's cores), so the latency rows
# run more rounds (LAT_ROUNDS, default 9) than the bandwidth rows (ROUNDS, default 3); the
# summary (qp-bench-summary.py, which can also pool several boots' outputs) gives each tool's
# median and range, the ratio of the medians and the paired ratio (each round's two runs share
# the host's state), each with a bootstrap interval.
#
#   test/vm/run-vm.sh --edu 0 --timeout 3000 test/vm/guest-qp-bench.sh BUILD_DIR [ROUNDS
#                     [LAT_ROUNDS]]
set -u
build=${1:?usage: guest-qp-bench.sh BUILD_DIR [ROUNDS [LAT_ROUNDS]]}
rounds=${2:-3}
lat_rounds=${3:-9}
here=$(dirname "$0")
X=$build/app/xpdk-bench/xpdk-bench
. "$here/rxe-net.sh"
rxe_net_up || { echo "rxe set-up failed"; exit 1; }
echo 256 >/sys/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages
echo "# kernel $(uname -r), QEMU ${XPDK_VM_QEMU_VERSION:-?} (TCG), perftest $(dpkg-query -W -f='${Version}' perftest 2>/dev/null)"
echo "# $(rdma link | tr '\n' ';')"
res=/tmp/qp-bench.results
: >"$res"

# iterations per size (the same for both tools)
iters_for() {
	case "$1" in 64) echo 5000 ;; 8) echo 3000 ;; 4096) echo 2000 ;; *) echo 300 ;; esac
}

run_perftest() { # TEST SIZE ITERS -> value (MiB/s or usec)
	tool=ib_$1
	timeout 120 taskset -c 0 $tool -d $RXE_A -x 1 -s "$2" -n "$3" -F >/tmp/pt-s.out 2>&1 &
	sleep 1
	timeout 110 taskset -c 1 $tool -d $RXE_B -x 1 -s "$2" -n "$3" -F $IP_A >/tmp/pt-c.out 2>&1
	wait
	case "$1" in
	*_lat) awk -v s="$2" '$1 == s && NF >= 9 { print $5 }' /tmp/pt-c.out | tail -1 ;;
	*) awk -v s="$2" '$1 == s && NF >= 5 { print $4 }' /tmp/pt-c.out | tail -1 ;;
	esac
}

pt_inline() { # the inline size the last perftest client used
	sed -n 's/.*Max inline data *: *\([0-9]*\).*/\1/p' /tmp/pt-c.out | head -1
}

run_xpdk() { # TEST SIZE ITERS INLINE -> value
	t=${1%_bw}
	timeout 120 "$X" -l 0 -- qp "$t" -d $RXE_A -p 18516 >/tmp/x-s.out 2>&1 &
	sleep 1
	timeout 110 "$X" -l 1 -- qp "$t" -d $RXE_B -p 18516 -s "$2" -n "$3" -I "$4" --csv $IP_A \
		>/tmp/x-c.out 2>&1
	wait
	case "$1" in
	*_lat) awk -F, -v s="$2" '$2 == s { print $6 }' /tmp/x-c.out ;;
	*) awk -F, -v s="$2" '$2 == s { print $4 }' /tmp/x-c.out ;;
	esac
}

one() { # TEST SIZE ROUND
	n=$(iters_for "$2")
	if [ $(($3 % 2)) = 1 ]; then
		p=$(run_perftest "$1" "$2" "$n")
		PT_INLINE=$(pt_inline)
		x=$(run_xpdk "$1" "$2" "$n" "${PT_INLINE:-0}")
	else
		[ -n "${PT_INLINE:-}" ] || { run_perftest "$1" "$2" "$n" >/dev/null; PT_INLINE=$(pt_inline); }
		x=$(run_xpdk "$1" "$2" "$n" "${PT_INLINE:-0}")
		p=$(run_perftest "$1" "$2" "$n")
	fi
	echo "RESULT $1 $2 $n round$3 inline${PT_INLINE:-?} perftest=${p:-FAIL} xpdk=${x:-FAIL}" |
		tee -a "$res"
	[ -n "$p" ] || sed 's/^/#   perftest: /' /tmp/pt-c.out | tail -5
	[ -n "$x" ] || sed 's/^/#   xpdk: /' /tmp/x-c.out | tail -5
}

for r in $(seq "$((rounds > lat_rounds ? rounds : lat_rounds))"); do
	[ "$r" -gt "$rounds" ] || for t in ${QP_BENCH_TESTS:-write_bw read_bw send_bw}; do
		for s in 64 4096 65536; do
			one $t $s "$r"
		done
	done
	[ "$r" -gt "$lat_rounds" ] || for t in ${QP_BENCH_LAT:-send_lat write_lat}; do
		for s in 8 4096; do
			one $t $s "$r"
		done
	done
done

python3 "$here/qp-bench-summary.py" "$res"

#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# Runs inside the vm tier's guest (test/vm/run-vm.sh): lib/qp on real verbs devices, two
# Soft-RoCE (rdma_rxe) devices joined by a veth pair (test/vm/rxe-net.sh). Prints TAP; exits 0
# when every check passes.
#
#   guest-qp.sh BUILD_DIR
#
# Steps: before any RDMA module is loaded, opening a device says the kernel has no RDMA and how
# to get a device; load rdma_rxe (crc32 first) and build the topology; the error sentences for a
# wrong device, address, port and GID; then two processes, server on rxea (192.0.2.1) and
# client on rxeb (192.0.2.2), connect through rdma_cm and run qp_peer's phases (SEND/RECV, WRITE,
# READ with data checked, selective signalling, completion channel, UD, out-of-band RC, wrong
# rkey, peer gone); the traffic crossed the veth pair; then the Python examples and the
# xpdk-bench qp smoke run.
set -u

build=${1:?usage: guest-qp.sh BUILD_DIR}
here=$(dirname "$0")
peer=$build/test/qp/qp_peer
bench=$build/app/xpdk-bench/xpdk-bench
n=0
failed=0

. "$(dirname "$0")/guest-lib.sh"

t0=$(cut -d' ' -f1 /proc/uptime)
"$peer" nodev >/tmp/nodev.out 2>&1
rc=$?
tap_through_lines </tmp/nodev.out
ok $rc "qp_peer nodev (no RDMA module loaded yet) exits 0"

. "$here/rxe-net.sh"
out=$(rxe_net_up 2>&1)
ok $? "rdma_rxe loaded; rxea on va ($IP_A) and rxeb on vb ($IP_B) with IPv4 GIDs" "$out" \
	"$(rdma link 2>&1)"
echo "$(rdma link)" | sed 's/^/# /'
hp=/sys/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages
[ "$(cat $hp)" -ge 128 ] || echo 256 >$hp
[ "$(cat $hp)" -ge 128 ]
ok $? "hugepages reserved ($(cat $hp) x 2 MiB)"

"$peer" errors "$RXE_A" >/tmp/errors.out 2>&1
rc=$?
tap_through_lines </tmp/errors.out
ok $rc "qp_peer errors $RXE_A exits 0"

# the traffic test: server and client as two processes
tx0=$(cat /sys/class/net/va/statistics/tx_packets)
rx0=$(cat /sys/class/net/va/statistics/rx_packets)
timeout 120 "$peer" server $IP_A 7471 >/tmp/server.out 2>&1 &
spid=$!
for _ in $(seq 50); do grep -q "listening" /tmp/server.out && break; sleep 0.2; done
timeout 100 "$peer" client $IP_A 7471 $IP_B >/tmp/client.out 2>&1
crc=$?
wait $spid
src=$?
tap_through_lines </tmp/client.out
tap_through_lines </tmp/server.out
ok $crc "qp_peer client exits 0" "exit status $crc"
ok $src "qp_peer server exits 0 (after the client vanished)" "exit status $src"
tx=$(($(cat /sys/class/net/va/statistics/tx_packets) - tx0))
rx=$(($(cat /sys/class/net/va/statistics/rx_packets) - rx0))
[ "$tx" -gt 50 ] && [ "$rx" -gt 50 ]
ok $? "the RoCE traffic crossed the veth pair ($tx packets out of va, $rx in)"

# xpdk.verbs: pyverbs' examples, RC traffic and errors; pyverbs' CMID example in two processes
if [ -f "$build/python/xpdk/verbs/__init__.py" ]; then
	export PYTHONPATH=$build/python PYTHONDONTWRITEBYTECODE=1
	timeout 120 /usr/bin/python3 "$here/verbs_examples.py" $RXE_A >/tmp/verbs.out 2>&1
	rc=$?
	tap_through_lines </tmp/verbs.out
	ok $rc "verbs_examples.py exits 0" "exit status $rc"
	timeout 60 /usr/bin/python3 "$here/verbs_examples.py" cm-server $IP_A 7472 \
		>/tmp/cms.out 2>&1 &
	spid=$!
	for _ in $(seq 50); do grep -q "listening" /tmp/cms.out && break; sleep 0.2; done
	timeout 50 /usr/bin/python3 "$here/verbs_examples.py" cm-client $IP_B $IP_A 7472 \
		>/tmp/cmc.out 2>&1
	crc=$?
	wait $spid
	src=$?
	tap_through_lines </tmp/cms.out
	tap_through_lines </tmp/cmc.out
	[ $crc -eq 0 ] && [ $src -eq 0 ]
	ok $? "the CMID example's two sides exit 0 (server $src, client $crc)"
fi

# xpdk-bench qp smoke: each test, two sizes, few iterations, JSON checked
for t in write read send write_lat send_lat; do
	timeout 60 "$bench" -l 0 -- qp $t -d $RXE_A -p 18517 >/tmp/bs.out 2>&1 &
	spid=$!
	sleep 1
	out=$(timeout 50 "$bench" -l 1 -- qp $t -d $RXE_B -p 18517 -s 64,4K -n 50 --json $IP_A \
		2>&1)
	rc=$?
	wait $spid
	src=$?
	echo "$out" | grep -q '"bytes":4096' && echo "$out" | grep -Eq '"(bw_avg|t_typical)":[0-9]'
	ok $((rc + src + $?)) "xpdk-bench qp $t (64 B and 4 KiB, 50 iterations) gives figures" \
		"$out" "server: $(cat /tmp/bs.out)"
	echo "$out" | grep -o '"bytes":[0-9]*,[^}]*' | sed 's/^/# /'
done

t1=$(cut -d' ' -f1 /proc/uptime)
echo "# guest-qp.sh: $(echo "$t1 - $t0" | bc 2>/dev/null || echo "?") s"
echo "1..$n"
echo "# $((n - failed)) passed, $failed failed"
[ $failed -eq 0 ]

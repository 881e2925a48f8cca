#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# Runs inside the vm tier's guest (test/vm/run-vm.sh): FlexIO programs on a real verbs device's
# ibv_context (Soft-RoCE, test/vm/rxe-net.sh) whose processes run on an emulated DPA served by
# xpdk-devsim in the guest (doc/dpa.md, "A verbs device's context"). Prints TAP; exits 0 when
# every check passes.
#
#   guest-flexio.sh BUILD_DIR
#
# Steps: load rdma_rxe and make rxea; start xpdk-devsim --model dpa; test_flexio --verbs (the
# unit test of the binding: ibv_alloc_pd, ibv_reg_mr before and after the process, windows
# reaching exactly each MR, an access past one fatal); dpa_event on rxea without XPDK_DPA_DEVICE
# (refused with the sentence), then with it (1000 CQEs, every result checked by the example);
# and dpa_event on the emulated DPA's own context, unchanged.
set -u

build=${1:?usage: guest-flexio.sh BUILD_DIR}
here=$(dirname "$0")
devsim=$build/app/xpdk-devsim/xpdk-devsim
event=$build/examples/dpa_event/dpa_event
unit=$build/test/unit/test_flexio
sock=/tmp/xpdk-vm-dpa0.sock
n=0
failed=0

. "$(dirname "$0")/guest-lib.sh"

t0=$(cut -d' ' -f1 /proc/uptime)
. "$here/rxe-net.sh"
out=$(rxe_net_up 2>&1)
ok $? "rdma_rxe loaded; $RXE_A on va ($IP_A)" "$out" "$(rdma link 2>&1)"
hp=/sys/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages
[ "$(cat $hp)" -ge 128 ] || echo 256 >$hp
[ "$(cat $hp)" -ge 128 ]
ok $? "hugepages reserved ($(cat $hp) x 2 MiB)"

"$devsim" --model dpa --model-args eus=4 --socket-path $sock -q >/tmp/devsim.out 2>&1 &
dpid=$!
for _ in $(seq 50); do [ -S $sock ] && break; sleep 0.1; done
[ -S $sock ]
ok $? "xpdk-devsim --model dpa listens on $sock" "$(cat /tmp/devsim.out)"

# the binding's unit test, on the first verbs device (rxea)
timeout 120 "$unit" -l 0 --verbs >/tmp/unit.out 2>&1
rc=$?
sed 's/^/# /' /tmp/unit.out
ok $rc "test_flexio --verbs: a verbs context bound to the emulated DPA (exit $rc; 77 = skipped)"

# a FlexIO program on rxea's context: refused without a DPA to run on, with the sentence
out=$(env -u XPDK_DPA_DEVICE timeout 60 "$event" $RXE_A 10 2>&1)
rc=$?
[ $rc -ne 0 ] && echo "$out" | grep -q "$RXE_A is a verbs device with no DPA: set XPDK_DPA_DEVICE"
ok $? "dpa_event $RXE_A without XPDK_DPA_DEVICE fails with the sentence" "exit $rc" "$out"

out=$(XPDK_DPA_DEVICE=vfio-user:$sock timeout 120 "$event" $RXE_A 1000 2>&1)
rc=$?
echo "$out" | sed 's/^/# /'
[ $rc -eq 0 ] && echo "$out" | grep -q "1000 CQEs processed by the DPA handler through a window"
ok $? "dpa_event $RXE_A 1000 (ibv_open_device, ibv_reg_mr) on the emulated DPA: all results" \
	"exit $rc"

# the emulated DPA's own context: unchanged
out=$(timeout 60 "$event" vfio-user:$sock 100 2>&1)
rc=$?
[ $rc -eq 0 ] && echo "$out" | grep -q "100 CQEs processed"
ok $? "dpa_event vfio-user:$sock 100 (xpdk_flexio_open) still runs" "exit $rc" "$out"

kill $dpid 2>/dev/null
wait $dpid 2>/dev/null
t1=$(cut -d' ' -f1 /proc/uptime)
echo "# guest-flexio.sh: $(echo "$t1 - $t0" | bc 2>/dev/null || echo "?") s"
echo "1..$n"
echo "# $((n - failed)) passed, $failed failed"
[ $failed -eq 0 ]

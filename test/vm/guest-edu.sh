#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# Runs inside the vm tier's guest (test/vm/run-vm.sh): QEMU's edu through the kernel's vfio-pci
# and the emulated IOMMU, driven by the unchanged edu conformance program over lib/dev's vfio
# transport. Prints TAP; exits 0 when every check passes.
#
#   guest-edu.sh BUILD_DIR
#
# Steps, as a new user would take them: load vfio-pci and vfio_iommu_type1, reserve hugepages,
# find every edu function (1234:11e8) with `xpdk-io ls`, bind it with `xpdk-io init -d ADDR
# nobody` (the group's device node then belongs to nobody), peek and poke it with xpdk-io (as
# that user too), run edu_conformance against it, check the IOMMU blocked the test's stray DMA,
# `xpdk-io release` it and check that it is back as it was (no driver, no override, no state
# file), and that opening it now fails clearly.
set -u

build=${1:?usage: guest-edu.sh BUILD_DIR}
xio=$build/app/xpdk-io/xpdk-io
conformance=$build/test/edu/edu_conformance
mask=0xffffffffffff
n=0
failed=0

. "$(dirname "$0")/guest-lib.sh"


hp=/sys/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages
echo 256 >$hp
[ "$(cat $hp)" -ge 64 ]
ok $? "hugepages reserved ($(cat $hp) x 2 MiB)"

edus=
for d in /sys/bus/pci/devices/*; do
	[ "$(cat "$d/vendor")" = 0x1234 ] && [ "$(cat "$d/device")" = 0x11e8 ] &&
		edus="$edus ${d##*/}"
done
[ -n "$edus" ]
ok $? "edu functions found:${edus:- none}" "$(ls /sys/bus/pci/devices)"
out=$("$xio" ls 2>&1)
for addr in $edus; do
	echo "$out" | grep -q "^$addr  *1234:11e8 "
	ok $? "xpdk-io ls lists $addr as 1234:11e8" "$out"
done

first=$(echo $edus | cut -d' ' -f1)
if [ -n "$first" ]; then
	out=$("$conformance" -l 0 -- "$first" 2>&1)
	[ $? -ne 0 ] && echo "$out" | grep -q "VFIO was not available"
	ok $? "without vfio loaded, opening $first says to load vfio-pci" "$out"
fi

out=$(modprobe -d "${XPDK_VM_MODROOT:-/}" -a vfio-pci vfio_iommu_type1 2>&1)
ok $? "modprobe vfio-pci vfio_iommu_type1" "$out"
[ -d /sys/bus/pci/drivers/vfio-pci ] && [ -d /sys/module/vfio_iommu_type1 ]
ok $? "vfio-pci and vfio_iommu_type1 are loaded"
[ -n "$(ls /sys/class/iommu 2>/dev/null)" ]
ok $? "the guest has an IOMMU (intel_iommu=on)" "$(dmesg | grep -i -m5 'dmar\|iommu')"

# QEMU before 8.2.1 aborts on an edu DMA ending at the buffer's last byte (edu_conformance.c)
quirks=
case "${XPDK_VM_QEMU_VERSION:-0}" in
[0-7].* | 8.[01].* | 8.2.0) quirks=--avoid-buffer-end ;;
esac
[ -n "$quirks" ] && echo "# QEMU ${XPDK_VM_QEMU_VERSION:-?}: edu_conformance $quirks"

for addr in $edus; do
	dev=/sys/bus/pci/devices/$addr
	before=$(sysfs_driver "$addr")
	[ -z "$before" ]
	ok $? "$addr has no kernel driver before binding" "driver: $before"

	out=$("$xio" init -d "$addr" nobody 2>&1)
	ok $? "xpdk-io init -d $addr nobody" "$out"
	echo "$out" | sed 's/^/# /'
	group=$(basename "$(readlink "$dev/iommu_group")")
	[ "$(sysfs_driver "$addr")" = vfio-pci ] && [ -c "/dev/vfio/$group" ] &&
		[ "$(cat "$dev/driver_override")" = vfio-pci ]
	ok $? "$addr is on vfio-pci, /dev/vfio/$group exists, driver_override is vfio-pci"
	[ "$(stat -c %U "/dev/vfio/$group")" = nobody ]
	ok $? "/dev/vfio/$group belongs to nobody" "$(ls -l "/dev/vfio/$group")"

	out=$("$xio" -d "$addr" peek -w 32 0x0 2>&1)
	[ "$out" = 0x010000ed ]
	ok $? "xpdk-io peek -w 32 0x0 reads the identification 0x010000ed" "$out"
	out=$("$xio" -d "$addr" poke -w 32 0x4 0x12345678 2>&1 &&
		"$xio" -d "$addr" peek -w 32 0x4 2>&1)
	[ "$out" = 0xedcba987 ]
	ok $? "xpdk-io poke/peek of the liveness register inverts" "$out"
	# as that user: vfio pins the process's DMA memory, which needs a locked-memory limit
	# above it (root has no such limit)
	out=$(prlimit --memlock=65536 setpriv --reuid=nobody --regid=nogroup --clear-groups \
		"$xio" -d "$addr" peek -w 32 0x0 2>&1)
	[ $? -eq 1 ] && echo "$out" | grep -q "locked-memory limit is 64 KiB; raise it"
	ok $? "as nobody with a 64 KiB memlock limit, xpdk-io says to raise the limit" "$out"
	out=$(prlimit --memlock=unlimited setpriv --reuid=nobody --regid=nogroup --clear-groups \
		"$xio" -d "$addr" peek -w 32 0x0 2>&1)
	[ "$out" = 0x010000ed ]
	ok $? "as nobody with memlock raised, xpdk-io peek reads 0x010000ed" "$out"

	dmesg -c >/dev/null
	"$conformance" -l 0 -- "$addr" --dma-mask $mask $quirks >/tmp/conformance.out 2>&1
	rc=$?
	tap_through </tmp/conformance.out
	ok $rc "edu_conformance over kernel vfio on $addr exits 0" "exit status $rc"
	# the benchmark on real hardware: edu's slow engine (data checked per size; sizes that
	# stay clear of the buffer's end, see above) and its registers through the mapped BAR
	out=$("$build/app/xpdk-bench/xpdk-bench" -l 0 -- dma -d "$addr" --engine edu \
		--sizes 64,1K --time 0.3 --dma-mask $mask --no-skeleton --json 2>&1)
	rc=$?
	echo "$out" | grep -Eq '"p50":[0-9]' && echo "$out" | grep -q '"bytes":1024'
	ok $((rc + $?)) "xpdk-bench dma --engine edu on $addr gives latencies" "$out"
	echo "$out" | grep -o '"bytes":[0-9]*,"iterations":[0-9]*\|"p50":[0-9.e+]*' | sed 's/^/# /'
	# the fast path (a pointer from xpdk_region_ptr) against the raw loop on the same register;
	# the ratio is a benchmark figure (doc/performance.md), printed, not asserted
	for reg in "0x4 32" "0x80 64"; do
		set -- $reg
		out=$("$build/app/xpdk-bench/xpdk-bench" -l 0 -- mmio -d "$addr" --offset "$1" \
			--width "$2" --time 0.3 2>&1)
		rc=$?
		echo "$out" | grep -q "^xpdk-fast" && echo "$out" | grep -Eq "^# ratio .*: [0-9]"
		ok $((rc + $?)) "xpdk-bench mmio $2-bit at $1 on $addr's mapped BAR runs against the raw loop" "$out"
		echo "$out" | grep "^# ratio" | sed "s/^/# $2-bit at $1: /"
	done

	# the Python package on the real device (the build tree's, as a user's PYTHONPATH)
	if [ -f "$build/python/xpdk/__init__.py" ]; then
		PYTHONPATH=$build/python /usr/bin/python3 "$(dirname "$0")/edu_python.py" "$addr" \
			>/tmp/python.out 2>&1
		rc=$?
		tap_through_lines </tmp/python.out
		ok $rc "edu_python.py (xpdk package) on $addr exits 0" "exit status $rc"
	fi

	# the conformance set's DMA to an unmapped address must be stopped by the IOMMU
	dmesg | grep -Eq "DMAR: \[DMA (Read|Write).*device \[$(echo "$addr" | cut -c6-)\]"
	ok $? "the IOMMU blocked and reported the stray DMA" "$(dmesg | tail -20)"

	out=$("$xio" release -d "$addr" 2>&1)
	ok $? "xpdk-io release -d $addr" "$out"
	echo "$out" | sed 's/^/# /'
	after=$(sysfs_driver "$addr")
	ovr=$(cat "$dev/driver_override")
	[ -z "$after" ] && [ "$ovr" = "(null)" ] && [ ! -e "/run/xpdk/pci/$addr.state" ]
	ok $? "$addr is back as before: no driver, no override, no state file" \
		"driver: $after" "driver_override: $ovr"

	out=$("$conformance" -l 0 -- "$addr" 2>&1)
	[ $? -ne 0 ] && echo "$out" | grep -q "not bound to vfio-pci"
	ok $? "opening $addr after release fails with a clear message" "$out"
done

echo "1..$n"
echo "# $((n - failed)) passed, $failed failed"
[ $failed -eq 0 ]

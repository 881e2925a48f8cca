#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# Runs inside the vm tier's guest (test/vm/run-vm.sh --nvme-vfs 2): SR-IOV for real, on QEMU's
# nvme controller (a physical function with two VFs) behind the kernel's vfio-pci. Prints TAP;
# exits 0 when every check passes.
#
#   guest-sriov.sh BUILD_DIR
#
# Steps: load vfio-pci with enable_sriov=1; `xpdk-io init -e -d PF nobody` binds the PF, sets
# its VF token, enables the VFs and binds them; the VFs are on vfio-pci and belong to nobody;
# lib/dev opens a VF with the token (xpdk-io --vf-token) and reads its config space and BAR0;
# without the token, and with a wrong one, the open fails saying so (and the kernel said the
# same in dmesg); `xpdk-io release` turns the VFs off and gives the PF back. Then once more
# with vfio-pci loaded without enable_sriov and the kernel's VF autoprobe off: init -e turns the
# parameter on, binds the VF itself, with a token the user chose, and release turns the
# parameter off again.
set -u

build=${1:?usage: guest-sriov.sh BUILD_DIR}
xio=$build/app/xpdk-io/xpdk-io
online=$build/test/vm/nvme_vf_online
n=0
failed=0

. "$(dirname "$0")/guest-lib.sh"

param=/sys/module/vfio_pci/parameters/enable_sriov
run=/run/xpdk/pci

hp=/sys/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages
echo 64 >$hp
[ "$(cat $hp)" -ge 32 ]
ok $? "hugepages reserved ($(cat $hp) x 2 MiB, for the PF's admin queue)"

# QEMU's nvme PF: 1b36:0010 with an SR-IOV capability
pf=
for d in /sys/bus/pci/devices/*; do
	[ "$(cat "$d/vendor")" = 0x1b36 ] && [ "$(cat "$d/device")" = 0x0010 ] &&
		[ -e "$d/sriov_totalvfs" ] && pf=${d##*/}
done
[ -n "$pf" ]
ok $? "QEMU's nvme physical function found: ${pf:-none}" "$(ls /sys/bus/pci/devices)"
[ -n "$pf" ] || { echo "1..$n"; exit 1; }
dev=/sys/bus/pci/devices/$pf
total=$(cat "$dev/sriov_totalvfs")
[ "$total" = 2 ] && [ "$(cat "$dev/sriov_numvfs")" = 0 ]
ok $? "$pf offers 2 VFs (sriov_totalvfs $total) and has none enabled"
[ -z "$(sysfs_driver "$pf")" ]
ok $? "$pf has no kernel driver before init" "driver: $(sysfs_driver "$pf")"

out=$(modprobe -d "${XPDK_VM_MODROOT:-/}" vfio_iommu_type1 2>&1 &&
	modprobe -d "${XPDK_VM_MODROOT:-/}" vfio-pci enable_sriov=1 2>&1)
ok $? "modprobe vfio-pci enable_sriov=1" "$out"
[ "$(cat $param)" = Y ]
ok $? "vfio-pci's enable_sriov reads Y" "$(cat $param)"

# --- init -e: the PF, its VF token, its VFs --------------------------------------------------
dmesg -c >/dev/null
out=$("$xio" init -e -d "$pf" nobody 2>&1)
ok $? "xpdk-io init -e -d $pf nobody" "$out"
echo "$out" | sed 's/^/# /'
token=$(echo "$out" | sed -n 's/.*VF token \([0-9a-f-]\{36\}\) (generated)$/\1/p')
[ -n "$token" ]
ok $? "init -e printed the VF token it generated: ${token:-none}" "$out"
[ "$(sysfs_driver "$pf")" = vfio-pci ] && [ "$(cat "$dev/sriov_numvfs")" = 2 ]
ok $? "$pf is on vfio-pci with sriov_numvfs 2" "driver: $(sysfs_driver "$pf")" \
	"sriov_numvfs: $(cat "$dev/sriov_numvfs")"
vfs=
for i in 0 1; do
	vf=$(basename "$(readlink "$dev/virtfn$i" 2>/dev/null)" 2>/dev/null)
	vfs="$vfs $vf"
	vdev=/sys/bus/pci/devices/$vf
	[ -n "$vf" ] && [ "$(cat "$vdev/vendor"):$(cat "$vdev/device")" = 0x1b36:0x0010 ] &&
		[ "$(basename "$(readlink "$vdev/physfn")")" = "$pf" ]
	ok $? "VF $i is ${vf:-missing}, 1b36:0010, physfn $pf"
	group=$(basename "$(readlink "$vdev/iommu_group" 2>/dev/null)" 2>/dev/null)
	[ "$(sysfs_driver "$vf")" = vfio-pci ] && [ "$(cat "$vdev/driver_override")" = vfio-pci ] &&
		[ "$(stat -c %U "/dev/vfio/$group" 2>/dev/null)" = nobody ]
	ok $? "VF $vf is on vfio-pci (driver_override too) and /dev/vfio/$group belongs to nobody" \
		"driver: $(sysfs_driver "$vf")" "$(ls -l "/dev/vfio/$group" 2>&1)"
	echo "$out" | grep -q "^$vf: VF $i, on vfio-pci, IOMMU group $group,"
	ok $? "init -e reported VF $i as $vf in IOMMU group $group"
done
set -- $vfs
vf0=$1
out=$("$xio" ls 2>&1)
echo "$out" | grep -q "^$vf0  *1b36:0010  *vfio-pci "
ok $? "xpdk-io ls lists $vf0 as 1b36:0010 on vfio-pci" "$out"

# --- lib/dev opens a VF with the token ------------------------------------------------------
out=$("$xio" -d "$vf0" --vf-token "$token" -r 7 peek -w 32 0x0 2>&1)
[ "$out" = 0x00101b36 ]
ok $? "with the token, $vf0's config space (region 7) reads vendor:device 0x00101b36" "$out"
out=$("$xio" -d "$vf0" --vf-token "$token" -r 7 peek -w 32 0x8 2>&1)
[ "$(echo "$out" | cut -c1-8)" = 0x010802 ]
ok $? "with the token, $vf0's class is NVMe (0x010802)" "$out"
# BAR0: an NVMe controller's registers; a VF's secondary controller stays offline until the PF
# assigns it queues and brings it online (Virtualization Management), so QEMU reads its
# registers as 0 except CSTS, which says Controller Fatal Status
out=$("$xio" -d "$vf0" --vf-token "$token" peek -w 32 0x1c 2>&1)
[ "$out" = 0x00000002 ]
ok $? "with the token, $vf0's BAR0 CSTS reads 0x00000002 (offline secondary controller: CFS)" \
	"$out"
out=$("$xio" -d "$vf0" --vf-token "$token" --json peek -w 64 0x0 2>&1)
echo "$out" | grep -q '"value":"0x0000000000000000"'
ok $? "with the token, $vf0's BAR0 CAP reads 0 while offline (QEMU 7.2's nvme)" "$out"

# --- the PF brings VF 0's secondary controller online ------------------------------------------
# Opening and closing the PF resets it (FLR), and QEMU 7.2 then drops the VFs: turn the PF's
# reset methods off for this, and back on afterwards
methods=$(cat "$dev/reset_method")
echo >"$dev/reset_method"
[ -z "$(cat "$dev/reset_method")" ]
ok $? "$pf's reset methods are off (QEMU 7.2 drops VFs on a PF reset)" "$(cat "$dev/reset_method")"
out=$("$online" -l 0 --vfio-vf-token="$token" -- "$pf" 1 2>&1)
rc=$?
echo "$out" | sed 's/^/# /'
[ $rc -eq 0 ] && echo "$out" | grep -q "^secondary controller [0-9]*: VF 1, online, 2 queues, 1 interrupts$" &&
	echo "$out" | grep -q "^secondary controller [0-9]*: VF 2, offline, 0 queues, 0 interrupts$"
ok $? "nvme_vf_online (lib/dev on the PF, admin queue, Virtualization Management) brought VF 1's controller online, VF 2's stays offline" \
	"exit $rc"
[ "$(cat "$dev/sriov_numvfs")" = 2 ] && [ "$(sysfs_driver "$vf0")" = vfio-pci ]
ok $? "the VFs survived the PF's open and close (sriov_numvfs 2, $vf0 on vfio-pci)"
out=$("$xio" -d "$vf0" --vf-token "$token" --json peek -w 64 0x0 2>&1)
cap=$(echo "$out" | sed -n 's/.*"value":"\(0x[0-9a-f]*\)".*/\1/p')
[ -n "$cap" ] && [ $(((cap >> 37) & 1)) = 1 ] && [ $((cap & 0xffff)) -gt 0 ]
ok $? "online, $vf0's BAR0 CAP reads ${cap:-nothing}: NVM command set (bit 37), MQES $((${cap:-0} & 0xffff))" "$out"
out=$("$xio" -d "$vf0" --vf-token "$token" peek -w 32 0x8 2>&1)
[ "$out" = 0x00010400 ]
ok $? "online, $vf0's BAR0 VS reads 0x00010400 (NVMe 1.4)" "$out"
out=$("$xio" -d "$vf0" --vf-token "$token" peek -w 32 0x1c 2>&1)
[ "$out" = 0x00000000 ]
ok $? "online, $vf0's BAR0 CSTS reads 0 (no fatal status, not enabled)" "$out"
vf1=$2
out=$("$xio" -d "$vf1" --vf-token "$token" peek -w 32 0x1c 2>&1)
[ "$out" = 0x00000002 ]
ok $? "$vf1, still offline, reads CSTS 0x00000002" "$out"
# the kernel's default set: with VFs on the PF's bus, a bus reset is no longer one of them
echo default >"$dev/reset_method"
[ -n "$(cat "$dev/reset_method")" ]
ok $? "$pf's reset methods are the kernel's default again ($(cat "$dev/reset_method"))"

# --- without the token, and with a wrong one -------------------------------------------------
dmesg -c >/dev/null
out=$("$xio" -d "$vf0" peek -w 32 0x1c 2>&1)
rc=$?
[ $rc -eq 1 ] && echo "$out" | grep -q "refused to open $vf0 without a VF token" &&
	echo "$out" | grep -q -- "--vf-token UUID" && echo "$out" | grep -q -- "--vfio-vf-token"
ok $? "without a token, opening $vf0 fails saying it needs the VF token (--vf-token)" \
	"exit $rc" "$out"
dmesg | grep -q "$vf0: VF token required to access device"
ok $? "the kernel said so too: 'VF token required to access device'" "$(dmesg | tail -5)"
wrong=01234567-89ab-cdef-0123-456789abcdef
[ "$wrong" != "$token" ]
dmesg -c >/dev/null
out=$("$xio" -d "$vf0" --vf-token "$wrong" peek -w 32 0x1c 2>&1)
rc=$?
[ $rc -eq 1 ] && echo "$out" | grep -q "refused the VF token $wrong for $vf0" &&
	echo "$out" | grep -q "not the token set on its PF $pf"
ok $? "with a wrong token, opening $vf0 fails saying the token is not the PF's" "exit $rc" "$out"
dmesg | grep -q "$vf0: Incorrect VF token provided for device"
ok $? "the kernel said so too: 'Incorrect VF token provided for device'" "$(dmesg | tail -5)"
out=$("$xio" -d "$vf0" --vf-token not-a-uuid peek 0x0 2>&1)
[ $? -eq 2 ] && echo "$out" | grep -q "is not a VF token"
ok $? "a malformed --vf-token is a usage error (exit 2)" "$out"

# --- release: VFs off, the PF back as it was -------------------------------------------------
out=$("$xio" release -d "$pf" 2>&1)
ok $? "xpdk-io release -d $pf" "$out"
echo "$out" | sed 's/^/# /'
echo "$out" | grep -q "^$pf: 2 SR-IOV VFs turned off"
ok $? "release reported the 2 VFs turned off" "$out"
gone=0
for vf in $vfs; do
	[ -e "/sys/bus/pci/devices/$vf" ] || [ -e "$run/$vf.state" ] && gone=1
done
[ "$(cat "$dev/sriov_numvfs")" = 0 ] && [ ! -e "$dev/virtfn0" ] && [ $gone = 0 ]
ok $? "sriov_numvfs is 0 and the VFs ($vfs ) are gone, with their state files"
[ -z "$(sysfs_driver "$pf")" ] && [ "$(cat "$dev/driver_override")" = "(null)" ] &&
	[ ! -e "$run/$pf.state" ] && [ ! -e "$run/$pf.sriov" ]
ok $? "$pf is back as before: no driver, no override, no state files" \
	"driver: $(sysfs_driver "$pf")" "override: $(cat "$dev/driver_override")" "$(ls $run 2>&1)"
[ "$(cat $param)" = Y ]
ok $? "enable_sriov stays Y (it was on before init)"
echo default >"$dev/reset_method"
[ "$(cat "$dev/reset_method")" = "$methods" ]
ok $? "without VFs, $pf's default reset methods are those it started with ($methods)" \
	"$(cat "$dev/reset_method")"

# --- once more, vfio-pci without enable_sriov, a token of the user's, one VF -----------------
rmmod vfio-pci 2>/dev/null
out=$(modprobe -d "${XPDK_VM_MODROOT:-/}" vfio-pci 2>&1)
[ $? -eq 0 ] && [ "$(cat $param)" = N ]
ok $? "vfio-pci reloaded without enable_sriov (N)" "$out"
mine=6f1d2c3b-4a59-4e87-9d6c-0b1a2f3e4d5c
# and with the kernel's autoprobe of new VFs off: init -e binds them itself
echo 0 >"$dev/sriov_drivers_autoprobe"
out=$("$xio" init -e --num-vfs 1 --vf-token "$mine" -d "$pf" nobody --json 2>&1)
ok $? "xpdk-io init -e --num-vfs 1 --vf-token UUID -d $pf nobody --json" "$out"
echo "$out" | grep -q "\"vf_token\":\"$mine\"" &&
	echo "$out" | grep -q '"vf_token_generated":false' &&
	echo "$out" | grep -q '"enable_sriov_turned_on":true' && [ "$(cat $param)" = Y ] &&
	[ "$(cat "$dev/sriov_numvfs")" = 1 ]
ok $? "init -e turned enable_sriov on, set the given token and enabled 1 VF" "$out" \
	"enable_sriov: $(cat $param)"
vf=$(basename "$(readlink "$dev/virtfn0" 2>/dev/null)" 2>/dev/null)
[ -n "$vf" ] && [ "$(sysfs_driver "$vf")" = vfio-pci ]
ok $? "with sriov_drivers_autoprobe 0, init -e bound ${vf:-the VF} to vfio-pci itself" \
	"driver: $(sysfs_driver "$vf")"
echo 1 >"$dev/sriov_drivers_autoprobe"
out=$("$xio" -d "$vf" --vf-token "$mine" -r 7 peek -w 32 0x0 2>&1)
[ "$out" = 0x00101b36 ]
ok $? "with the user's token, $vf reads 0x00101b36" "$out"
out=$("$xio" release -d "$pf" --json 2>&1)
ok $? "xpdk-io release -d $pf --json" "$out"
echo "$out" | grep -q '"vfs_disabled":1' && [ "$(cat $param)" = N ] &&
	[ "$(cat "$dev/sriov_numvfs")" = 0 ] && [ -z "$(sysfs_driver "$pf")" ]
ok $? "release turned the VF and enable_sriov off and unbound $pf" "$out" \
	"enable_sriov: $(cat $param)"

echo "1..$n"
echo "# $((n - failed)) passed, $failed failed"
[ $failed -eq 0 ]

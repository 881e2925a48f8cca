#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Run a script as root inside a QEMU guest that has an emulated IOMMU and QEMU's edu device(s).
#
#   test/vm/run-vm.sh [--edu N] [--nvme-vfs N] [--timeout S] [--keep-log DIR] [--mem M] SCRIPT
#                     [ARGS...]
#
#   --edu N          number of edu devices (default 1), at PCI 0000:00:0a.0, 0000:00:0b.0, ...
#                    with a 48-bit DMA mask (-device edu,dma_mask=0xffffffffffff)
#   --nvme-vfs N     add QEMU's nvme controller with SR-IOV (N VFs at most, 1 to 4; default
#                    none) behind a PCIe root port: the PF at 0000:01:00.0, no namespace
#   --timeout S      hard limit in seconds (default 300) for QEMU, which is then killed, and for
#                    waiting on the cache lock (the kernel download itself is apt's)
#   --keep-log DIR   copy the serial console log to DIR/console.log (kept on failure anyway)
#   --mem M          guest memory in MiB (default 2048)
#
# The guest runs Debian's own kernel (linux-image-*-amd64, downloaded with apt-get and unpacked
# into $XPDK_VM_CACHE, default /var/cache/xpdk-vm; never installed on this machine) with a small
# busybox initramfs, sees this machine's root read-only over 9p, and runs SCRIPT in the same
# working directory as here. Its output streams to stdout; the exit status is SCRIPT's, 1 when
# the guest did not boot, panicked or timed out (the console log path is printed).
# When stdin is a terminal the guest console is interactive (Ctrl-A x quits QEMU), e.g.
#   test/vm/run-vm.sh /bin/sh
# Environment: XPDK_VM_CACHE, XPDK_VM_KERNEL_PKG (a linux-image-* package to use instead of the
# one linux-image-amd64 depends on), XPDK_VM_MODULES (more kernel modules for the initramfs).
set -euo pipefail

usage() { sed -n '3,25p' "$0" | sed 's/^# \{0,1\}//'; }
die() {
	echo "run-vm: $*" >&2
	exit 1
}

nedu=1
nvme_vfs=0
timeout_s=300
keep_dir=
mem=2048
while [ $# -gt 0 ]; do
	case "$1" in
	-h | --help) usage; exit 0 ;;
	--edu) nedu=${2:?--edu needs a count}; shift 2 ;;
	--nvme-vfs) nvme_vfs=${2:?--nvme-vfs needs a count}; shift 2 ;;
	--timeout) timeout_s=${2:?--timeout needs seconds}; shift 2 ;;
	--keep-log) keep_dir=${2:?--keep-log needs a directory}; shift 2 ;;
	--mem) mem=${2:?--mem needs MiB}; shift 2 ;;
	--) shift; break ;;
	-*) echo "run-vm: unknown option $1" >&2; usage >&2; exit 2 ;;
	*) break ;;
	esac
done
[ $# -ge 1 ] || { usage >&2; exit 2; }
[[ $nedu =~ ^[0-9]$ ]] || die "--edu: '$nedu' is not a count from 0 to 9"
[[ $nvme_vfs =~ ^[0-4]$ ]] || die "--nvme-vfs: '$nvme_vfs' is not a count from 0 to 4"
[[ $timeout_s =~ ^[1-9][0-9]*$ ]] || die "--timeout: '$timeout_s' is not a number of seconds"
[[ $mem =~ ^[1-9][0-9]*$ ]] || die "--mem: '$mem' is not a number of MiB"

for tool in qemu-system-x86_64:qemu-system-x86 busybox:busybox-static depmod:kmod cpio:cpio \
	apt-get:apt dpkg:dpkg flock:util-linux; do
	bin=${tool%%:*}
	if ! command -v "$bin" >/dev/null && ! [ -x "/bin/$bin" ] && ! [ -x "/sbin/$bin" ]; then
		die "$bin not found (Debian package ${tool#*:}); run devtools/install-deps.sh"
	fi
done
busybox=$(command -v busybox || echo /bin/busybox)
! command -v file >/dev/null || ! file -L "$busybox" | grep -q 'dynamically linked' ||
	die "$busybox is dynamically linked; install busybox-static (devtools/install-deps.sh)"

script=$1
shift
if [[ $script != /* ]]; then
	[ -e "$script" ] || die "$script: no such file"
	script=$(realpath "$script")
fi
cwd=$(pwd -P)

cache=${XPDK_VM_CACHE:-/var/cache/xpdk-vm}
mkdir -p "$cache" 2>/dev/null || die "cannot create the cache $cache (run as root or set XPDK_VM_CACHE)"
exec 9>"$cache/lock"
flock -w "$timeout_s" 9 || die "the VM cache $cache stayed locked by another run for ${timeout_s} s"

# --- kernel: Debian's linux-image-*-amd64, downloaded and unpacked once -----------------------
resolve_kernel_pkg() {
	if [ -n "${XPDK_VM_KERNEL_PKG:-}" ]; then
		echo "$XPDK_VM_KERNEL_PKG"
		return
	fi
	apt-cache depends linux-image-amd64 2>/dev/null |
		sed -n 's/^ *Depends: \(linux-image-[0-9][^ ]*-amd64\)$/\1/p' | sort -V | tail -1
}
kpkg=$(resolve_kernel_pkg)
if [ -z "$kpkg" ]; then
	# no package lists (offline): the newest kernel already in the cache
	kpkg=$(cd "$cache" && ls -d kernel-linux-image-* 2>/dev/null | sed 's/^kernel-//; s/_.*//' |
		sort -V | tail -1)
	[ -n "$kpkg" ] || die "cannot find a linux-image-*-amd64 package (apt-get update?)"
fi
kver_pkg=$(apt-cache show --no-all-versions "$kpkg" 2>/dev/null | sed -n 's/^Version: //p' | head -1)
kdir=$(ls -d "$cache/kernel-${kpkg}_${kver_pkg}" 2>/dev/null ||
	ls -d "$cache/kernel-${kpkg}"_* 2>/dev/null | sort -V | tail -1 || true)
if [ -z "$kdir" ] || [ ! -f "$kdir/PACKAGE" ]; then
	[ -n "$kver_pkg" ] || die "apt-cache does not know $kpkg"
	kdir=$cache/kernel-${kpkg}_${kver_pkg}
	echo "run-vm: fetching $kpkg $kver_pkg into $kdir" >&2
	tmp=$(mktemp -d "$cache/fetch.XXXXXX")
	(cd "$tmp" && apt-get download -q "$kpkg=$kver_pkg" >/dev/null 2>"$tmp/apt.log") ||
		{ cat "$tmp/apt.log" >&2; rm -rf "$tmp"; die "apt-get download $kpkg failed"; }
	dpkg -x "$tmp"/*.deb "$tmp/root"
	rm -rf "$kdir"
	mkdir -p "$kdir"
	mv "$tmp"/root/boot/vmlinuz-* "$kdir/vmlinuz"
	mv "$tmp"/root/boot/config-* "$kdir/config"
	mkdir -p "$kdir/lib"
	mv "$tmp"/root/lib/modules "$kdir/lib/modules"
	rm -rf "$tmp"
	kver=$(ls "$kdir/lib/modules")
	depmod -b "$kdir" "$kver"
	printf '%s=%s\nkernel=%s\n' "$kpkg" "$kver_pkg" "$kver" >"$kdir/PACKAGE"
fi
kver=$(sed -n 's/^kernel=//p' "$kdir/PACKAGE")

# --- initramfs: busybox, the modules below with their dependencies, /init; rebuilt on change ----
# 9p over virtio reaches the host root; vfio and Soft-RoCE for the tests (loaded by them with
# modprobe -d).
read -r -a extra_modules <<<"${XPDK_VM_MODULES:-}"
# Soft-RoCE for lib/qp's tests (test/vm/rxe-net.sh): crc32 first, rdma_rxe needs it at load
modules=(virtio_pci 9pnet_virtio 9p vfio-pci vfio_iommu_type1
	crc32_generic crc32-pclmul veth rdma_rxe ib_uverbs rdma_ucm "${extra_modules[@]}")
boot_modules=(virtio_pci 9pnet_virtio 9p)
moddir=$kdir/lib/modules/$kver

# Paths (relative to moddir) of @modules and everything they need, in load order.
module_closure() {
	local m line deps
	for m in "$@"; do
		m=${m//-/_}
		line=$(awk -v want="$m" -F: '{ n = $1; sub(".*/", "", n); sub("\\.ko.*", "", n);
			gsub("-", "_", n); if (n == want) { print; exit } }' "$moddir/modules.dep")
		if [ -z "$line" ]; then
			grep -qE "/${m//_/[-_]}\.ko" "$moddir/modules.builtin" ||
				die "kernel module $m is neither in $kpkg nor built in"
			continue
		fi
		read -r -a deps <<<"${line#*:}"
		# modules.dep lists every dependency, the deepest last
		for ((i = ${#deps[@]} - 1; i >= 0; i--)); do echo "${deps[i]}"; done
		echo "${line%%:*}"
	done | awk '!seen[$0]++'
}

init_script() {
	cat <<'EOF'
#!/bin/busybox sh
# XPDK vm tier guest init: mount the host root read-only, run the job, power off.
/bin/busybox --install -s /bin
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
echo "xpdk-vm: kernel $(uname -r) up after $(cut -d' ' -f1 /proc/uptime) s" >/dev/console
fail() {
	echo "xpdk-vm: $*" >/dev/console
	echo "XPDK-VM-EXIT 125" >/dev/console
	poweroff -f
}
while read -r mod; do
	insmod "/lib/modules/$(uname -r)/$mod" || fail "insmod $mod failed"
done </boot-modules
h=/mnt/host
mkdir -p $h /job
mount -t 9p -o trans=virtio,version=9p2000.L,ro,cache=loose,msize=512000 hostroot $h ||
	fail "cannot mount the host root over 9p"
mount -t 9p -o trans=virtio,version=9p2000.L,ro xpdkjob /job || fail "cannot mount the job"
mount -t proc proc $h/proc
mount -t sysfs sys $h/sys
mount -t devtmpfs dev $h/dev
mkdir -p $h/dev/pts $h/dev/shm $h/dev/hugepages
mount -t devpts devpts $h/dev/pts
. /job/job
# writable tmpfs over the host's scratch directories, but the job's own directories (a clone
# in /tmp, say) stay visible through bind mounts taken before they are covered
mkdir -p /mnt/keep
for d in /dev/shm /tmp /run /var/tmp /root; do
	[ -d $h$d ] && [ ! -L $h$d ] || continue
	mkdir -p /mnt/keep$d
	mount --bind $h$d /mnt/keep$d
	mount -t tmpfs -o mode=1777 tmpfs $h$d
	for p in $XPDK_VM_KEEP; do
		case "$p" in
		"$d"/*) mkdir -p "$h$p" && mount --bind "/mnt/keep$p" "$h$p" ;;
		esac
	done
done
mount -t hugetlbfs -o pagesize=2M nodev $h/dev/hugepages
# the guest kernel's modules, for 'modprobe -d $XPDK_VM_MODROOT'
mkdir -p "$h/run/xpdk-vm/lib/modules/$(uname -r)"
mount --bind "/lib/modules/$(uname -r)" "$h/run/xpdk-vm/lib/modules/$(uname -r)"
cd /
if [ "$XPDK_VM_INTERACTIVE" = 1 ]; then
	in=/dev/console
	run="setsid cttyhack"
else
	in=/dev/null
	run=
fi
echo "xpdk-vm: running $1 in $XPDK_VM_CWD ($(cut -d' ' -f1 /proc/uptime) s)" >/dev/console
$run env -i HOME=/root TERM="${XPDK_VM_TERM:-dumb}" LANG=C.UTF-8 XPDK_VM=1 \
	XPDK_VM_MODROOT=/run/xpdk-vm XPDK_VM_QEMU_VERSION="$XPDK_VM_QEMU_VERSION" \
	PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
	chroot $h /bin/sh -c 'cd "$0" && exec "$@"' "$XPDK_VM_CWD" "$@" <$in >/dev/console 2>&1
rc=$?
sync
echo "" >/dev/console
echo "XPDK-VM-EXIT $rc" >/dev/console
poweroff -f
EOF
}

closure_txt=$(module_closure "${modules[@]}")
boot_txt=$(module_closure "${boot_modules[@]}")
mapfile -t closure <<<"$closure_txt"
mapfile -t boot_closure <<<"$boot_txt"
key=$( {
	echo "$kpkg $kver_pkg $kver"
	printf '%s\n' "${closure[@]}"
	init_script
	sha256sum "$busybox"
} | sha256sum | cut -c1-16)
initrd=$cache/initramfs-$key.cpio
if [ ! -f "$initrd" ]; then
	echo "run-vm: building $initrd" >&2
	stage=$(mktemp -d "$cache/stage.XXXXXX")
	mkdir -p "$stage"/{bin,proc,sys,dev,mnt,job,lib/modules/$kver}
	cp "$busybox" "$stage/bin/busybox"
	for m in "${closure[@]}"; do
		mkdir -p "$stage/lib/modules/$kver/$(dirname "$m")"
		cp "$moddir/$m" "$stage/lib/modules/$kver/$m"
	done
	cp "$moddir"/modules.{builtin,builtin.modinfo,order} "$stage/lib/modules/$kver/"
	depmod -b "$stage" "$kver"
	printf '%s\n' "${boot_closure[@]}" >"$stage/boot-modules"
	init_script >"$stage/init"
	chmod 755 "$stage/init"
	(cd "$stage" && find . -mindepth 1 | LC_ALL=C sort | cpio -o -H newc --quiet) >"$initrd.tmp"
	mv "$initrd.tmp" "$initrd"
	rm -rf "$stage"
	# keep only the current image
	# other images may be in use by a concurrent run with other inputs: drop only old ones
	find "$cache" -maxdepth 1 -name 'initramfs-*.cpio' ! -name "${initrd##*/}" -mmin +1440 \
		-delete
fi
flock -u 9

# --- the run ---------------------------------------------------------------------------------
work=$(mktemp -d "${TMPDIR:-/tmp}/xpdk-vm.XXXXXX")
log=$work/console.log
mkdir "$work/job"
quote() { printf "'%s' " "$(printf '%s' "$1" | sed "s/'/'\\\\''/g")"; }
interactive=0
qemu_version=$(qemu-system-x86_64 --version | sed -n '1s/.*version \([0-9.]*\).*/\1/p')
[ -t 0 ] && [ -t 1 ] && interactive=1
# directories the job names that the guest covers with tmpfs: shown through bind mounts
keep=
for p in "$cwd" "$script" "$@"; do
	[ -e "$p" ] || continue
	p=$(realpath "$p")
	[ -d "$p" ] || p=$(dirname "$p")
	case "$p" in
	/tmp/* | /run/* | /var/tmp/* | /root/* | /dev/shm/*) keep="$keep $p" ;;
	esac
done
{
	echo "XPDK_VM_CWD=$(quote "$cwd")"
	echo "XPDK_VM_KEEP=$(quote "$keep")"
	echo "XPDK_VM_INTERACTIVE=$interactive"
	echo "XPDK_VM_TERM=$(quote "${TERM:-dumb}")"
	echo "XPDK_VM_QEMU_VERSION=$(quote "$qemu_version")"
	printf 'set -- '
	quote "$script"
	for a in "$@"; do quote "$a"; done
	echo
} >"$work/job/job"

# shellcheck disable=SC2054 # commas are QEMU's option syntax
qemu=(qemu-system-x86_64 -nodefaults -display none -no-reboot
	-machine q35,kernel-irqchip=split -accel tcg -cpu max -smp 2 -m "$mem"
	-device intel-iommu,intremap=on,caching-mode=on,aw-bits=48
	-kernel "$kdir/vmlinuz" -initrd "$initrd"
	-append "console=ttyS0,115200 intel_iommu=on panic=-1 loglevel=4 mitigations=off tsc=reliable"
	-virtfs local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap
	-virtfs "local,path=$work/job,mount_tag=xpdkjob,security_model=none,readonly=on")
for ((i = 0; i < nedu; i++)); do
	qemu+=(-device "edu,addr=0x$(printf '%x' $((10 + i))),dma_mask=0xffffffffffff")
done
if [ "$nvme_vfs" -gt 0 ]; then
	# QEMU's checks (refs: qemu-sriov.md): vq_flexible >= 2 per VF, ioqpairs - vq_flexible >= 2,
	# vi_flexible >= 1 per VF, msix_qsize - vi_flexible >= 1
	qemu+=(-device pcie-root-port,id=rp0,chassis=1,slot=1
		-device nvme-subsys,id=subsys0
		-device "nvme,serial=xpdk-sriov,subsys=subsys0,bus=rp0,sriov_max_vfs=$nvme_vfs,sriov_vq_flexible=$((2 * nvme_vfs)),sriov_vi_flexible=$nvme_vfs,max_ioqpairs=$((2 * nvme_vfs + 2)),msix_qsize=$((nvme_vfs + 2))")
fi

start=$(date +%s%N)
set +e
if [ $interactive = 1 ]; then
	echo "run-vm: interactive console; Ctrl-A x quits QEMU" >&2
	timeout --foreground -k 5 "$timeout_s" "${qemu[@]}" \
		-chardev "stdio,id=con,mux=on,signal=off,logfile=$log" -serial chardev:con \
		-mon chardev=con
	qrc=$?
else
	# --foreground keeps timeout (and QEMU) in our process group, so that whoever kills the
	# test's group (meson on its own timeout, CI on cancel) kills QEMU too
	timeout --foreground -k 5 "$timeout_s" "${qemu[@]}" -chardev "stdio,id=con,logfile=$log" \
		-serial chardev:con </dev/null 2>"$work/qemu.err" | sed -u 's/\r$//'
	qrc=${PIPESTATUS[0]}
	if [ -s "$work/qemu.err" ]; then
		echo "run-vm: QEMU's stderr ($work/qemu.err):" >&2
		head -5 "$work/qemu.err" | sed 's/^/  /' >&2
	fi
fi
set -e
ms=$((($(date +%s%N) - start) / 1000000))
secs=$((ms / 1000)).$(printf '%03d' $((ms % 1000)))

rc=$(tr -d '\r' <"$log" 2>/dev/null | sed -n 's/^XPDK-VM-EXIT \([0-9]\{1,3\}\)$/\1/p' | tail -1)
why=
if [ "$qrc" = 124 ] || [ "$qrc" = 137 ]; then
	why="timed out after $timeout_s s (QEMU killed)"
elif grep -aq 'Kernel panic' "$log" 2>/dev/null; then
	why="the guest kernel panicked: $(grep -a -m1 'Kernel panic' "$log" | tr -d '\r')"
elif [ -z "$rc" ] && [ "$qrc" != 0 ]; then
	why="QEMU exited with status $qrc before the guest reported an exit status"
elif [ -z "$rc" ]; then
	why="the guest powered off without reporting an exit status (boot failure?)"
fi
if [ -n "$keep_dir" ]; then
	mkdir -p "$keep_dir"
	cp "$log" "$keep_dir/console.log"
fi
if [ -n "$why" ]; then
	echo "run-vm: FAILED: $why; console log: $log" >&2
	exit 1
fi
echo "run-vm: $(basename "$script") exited $rc in the guest; ${secs} s in all" >&2
if [ "$rc" != 0 ]; then
	echo "run-vm: console log kept: $log" >&2
else
	rm -rf "$work"
fi
exit "$rc"

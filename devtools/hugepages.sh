#!/usr/bin/env bash
# Reserve and mount hugepages for XPDK (uses dpdk-hugepages.py from Debian's 'dpdk' package).
#
#   devtools/hugepages.sh [SIZE]      reserve at least SIZE of 2 MiB pages (default 512M), mount
#                                     hugetlbfs at /dev/hugepages
#   devtools/hugepages.sh --show      print the current reservation
#   devtools/hugepages.sh --clear     release the reservation (fails if pages are in use)
#
# Idempotent: when at least SIZE is already reserved it only makes sure of the mount.
set -euo pipefail

usage() { sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'; }

size=512M
case "${1:-}" in
	-h | --help) usage; exit 0 ;;
	--show) exec dpdk-hugepages.py --show ;;
	--clear) exec dpdk-hugepages.py --clear --unmount ;;
	"") ;;
	*) size=$1 ;;
esac

if [ "$(id -u)" -ne 0 ]; then
	echo "hugepages: must run as root to reserve hugepages; try: sudo $0 $*" >&2
	exit 1
fi
if ! command -v dpdk-hugepages.py >/dev/null; then
	echo "hugepages: dpdk-hugepages.py not found; run devtools/install-deps.sh first" >&2
	exit 1
fi

want_kb=$(numfmt --from=iec "${size%B}" 2>/dev/null) || {
	echo "hugepages: '$size' is not a size (e.g. 512M, 1G)" >&2
	exit 2
}
want_kb=$((want_kb / 1024))
sysdir=/sys/kernel/mm/hugepages/hugepages-2048kB
have_kb=$(($(cat "$sysdir/nr_hugepages") * 2048))

if [ "$have_kb" -lt "$want_kb" ]; then
	# dpdk-hugepages.py sets the total; keep pages other programs already hold
	dpdk-hugepages.py --pagesize 2M --reserve "$((want_kb / 1024))M"
	have_kb=$(($(cat "$sysdir/nr_hugepages") * 2048))
	if [ "$have_kb" -lt "$want_kb" ]; then
		echo "hugepages: asked for $size but the kernel gave $((have_kb / 1024)) MiB" \
			"(memory too fragmented or too small); try a smaller size" >&2
		exit 1
	fi
fi
if ! grep -qs ' /dev/hugepages hugetlbfs ' /proc/mounts; then
	mkdir -p /dev/hugepages
	mount -t hugetlbfs -o pagesize=2M nodev /dev/hugepages
fi
echo "hugepages: $((have_kb / 1024)) MiB of 2 MiB pages reserved" \
	"($(($(cat "$sysdir/free_hugepages") * 2)) MiB free), hugetlbfs at /dev/hugepages"

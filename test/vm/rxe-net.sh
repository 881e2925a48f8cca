# SPDX-License-Identifier: BSD-3-Clause
# Sourced by the vm tier's RDMA scripts (guest-qp.sh, guest-qp-bench.sh): two Soft-RoCE devices
# on the two ends of a veth pair, with traffic between them crossing the pair.
#
#   rxe_net_up      load the modules, build the topology; sets RXE_A RXE_B IP_A IP_B
#
#   rxea  on  va  192.0.2.1/24  <-- veth -->  vb  192.0.2.2/24  on  rxeb
#
# Why not one network namespace per end (the first plan): on the guest's 6.1 kernel rxe opens
# its UDP socket (port 4791) and looks up routes only in the initial namespace, so an rxe
# device on an interface in another namespace sends nothing that arrives (rdma_cm reports
# RDMA_CM_EVENT_UNREACHABLE, error -110; Debian 12's 6.12 kernel is the same: its rdma_rxe.ko
# still creates its sockets in init_net and has no per-namespace operations). Both ends
# therefore stay in the initial namespace, and policy routing makes the kernel send from one
# address to the other through the veth pair instead of delivering locally through lo: rules
# for locally generated packets (iif lo) pick per-destination tables before the local table,
# which moves from priority 0 to 100, and accept_local lets each end accept packets whose
# source address is local. The addresses exist only on the pair; QEMU has no network device.

RXE_A=rxea
RXE_B=rxeb
IP_A=192.0.2.1
IP_B=192.0.2.2

rxe_net_up() {
	modprobe -d "${XPDK_VM_MODROOT:-/}" -a crc32_generic crc32-pclmul veth rdma_rxe \
		ib_uverbs rdma_ucm || return 1
	ip link add va type veth peer name vb || return 1
	# a 4096-byte RoCE MTU (rxe: largest of 256..4096 <= netdev MTU - 80)
	ip link set va mtu 9000 && ip link set vb mtu 9000
	ip addr add $IP_A/24 dev va && ip addr add $IP_B/24 dev vb || return 1
	ip link set lo up && ip link set va up && ip link set vb up || return 1
	for d in all va vb; do
		sysctl -qw net.ipv4.conf.$d.accept_local=1 net.ipv4.conf.$d.rp_filter=0 || return 1
	done
	ip rule add pref 10 iif lo to $IP_B lookup 101 &&
		ip rule add pref 11 iif lo to $IP_A lookup 102 &&
		ip route add $IP_B dev va src $IP_A table 101 &&
		ip route add $IP_A dev vb src $IP_B table 102 &&
		ip rule add pref 100 lookup local && ip rule del pref 0 lookup local || return 1
	rdma link add $RXE_A type rxe netdev va && rdma link add $RXE_B type rxe netdev vb || return 1
	# the IPv4-mapped GIDs appear once the links are up
	for _ in 1 2 3 4 5 6 7 8 9 10; do
		grep -q "c000:0201" /sys/class/infiniband/$RXE_A/ports/1/gids/* 2>/dev/null &&
			grep -q "c000:0202" /sys/class/infiniband/$RXE_B/ports/1/gids/* 2>/dev/null &&
			return 0
		sleep 0.2
	done
	return 1
}

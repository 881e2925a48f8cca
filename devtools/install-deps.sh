#!/usr/bin/env bash
# Install every Debian 12 package XPDK needs to build, test and benchmark.
# Idempotent and non-interactive: safe to run again; does nothing when all is present, as any
# user. Only installing needs root: a user without it is told which packages are missing.
set -euo pipefail

PKGS=(
	# build
	build-essential pkg-config meson ninja-build
	# libraries (dpdk-dev: dpdk-telemetry.py, which the telemetry test uses)
	libdpdk-dev dpdk dpdk-dev libjson-c-dev libibverbs-dev rdma-core
	# tests, sanitizers, fuzzing
	libcmocka-dev python3 python3-pytest clang llvm libclang-rt-dev
	# Python bindings (python/) and their tests
	cython3 python3-dev python3-numpy python3-pexpect
	# lint suite: static analysis, formatting, API documentation, man pages
	cppcheck clang-tidy clang-format doxygen groff-base
	# real-hardware tier (QEMU guest)
	qemu-system-x86 busybox-static kmod cpio zstd
	# benchmark plots
	gnuplot-nox
	# lib/qp, xpdk-bench qp, xpdk.verbs and the vm tier's Soft-RoCE (guest tools come from here)
	librdmacm-dev ibverbs-providers perftest iproute2 rdmacm-utils
)

missing=()
for p in "${PKGS[@]}"; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
		missing+=("$p")
	fi
done

if [ ${#missing[@]} -eq 0 ]; then
	echo "install-deps: all ${#PKGS[@]} packages present, nothing to install"
	exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
	echo "install-deps: missing ${missing[*]}; installing needs root: sudo $0" >&2
	exit 1
fi

echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-install-recommends "${missing[@]}" </dev/null

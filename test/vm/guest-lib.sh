# SPDX-License-Identifier: BSD-3-Clause
# Sourced by the vm tier's guest scripts (guest-*.sh): TAP output and sysfs helpers. The caller
# sets n=0 and failed=0 first; `ok` and the tap_through functions count into them.

ok() { # ok STATUS DESCRIPTION [DETAIL...]: one TAP line
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $n - $2"
	else
		failed=$((failed + 1))
		echo "not ok $n - $2"
		shift 2
		[ $# -gt 0 ] && printf '%s\n' "$@" | sed 's/^/#   /'
	fi
}

# Pass a program's TAP through, numbered after ours; its plan line is dropped.
tap_through() {
	while IFS= read -r line; do
		case "$line" in
		"ok "[0-9]*) n=$((n + 1)); echo "ok $n ${line#ok [0-9]* }" ;;
		"not ok "[0-9]*)
			n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n ${line#not ok [0-9]* }" ;;
		1..[0-9]*) ;;
		*) echo "# $line" ;;
		esac
	done
}

# Lines "ok - X" / "not ok - X" from a program or script, as numbered TAP lines.
tap_through_lines() {
	while IFS= read -r line; do
		case "$line" in
		"ok - "*) n=$((n + 1)); echo "ok $n ${line#ok - }" ;;
		"not ok - "*) n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n ${line#not ok - }" ;;
		*) echo "# $line" ;;
		esac
	done
}

# The driver PCI function $1 is bound to, or nothing (status 1).
sysfs_driver() {
	[ -e "/sys/bus/pci/devices/$1/driver" ] &&
		basename "$(readlink "/sys/bus/pci/devices/$1/driver")"
}

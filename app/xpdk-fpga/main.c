/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 XPDK authors
 */

/*
 * xpdk-fpga: OPAE's fpgainfo and fpgaconf for XPDK devices, a thin front end over the DFL
 * driver. fpgainfo's subcommands print its "%-32s : value" lines (or JSON with --json); conf
 * loads a GBS as fpgaconf does (the bitstream's interface ID must be the FPGA's, -n stops
 * before programming) with fpgaconf's exit codes.
 */

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xpdk_fpga.h"

/* fpgaconf's exit codes; fpgainfo's are 0 and 1 (2 for usage, as every XPDK tool) */
enum { EX_OK = 0, EX_FAIL = 1, EX_USAGE = 2 };
enum { CONF_ARGS = 1, CONF_LOAD = 2, CONF_ENUM = 3, CONF_NO_SLOT = 4, CONF_PROGRAM = 5 };

#define EAL_ARGS_DEFAULT "-l 0 --no-huge -m 16 --no-telemetry"

struct opts {
	const char *dev;
	bool json, clear, dry_run;
	int verbose;
};

static void usage(FILE *o)
{
	fprintf(
	    o,
	    "Usage: xpdk-fpga [--json] -d DEV COMMAND [ARGS]\n"
	    "\n"
	    "OPAE's fpgainfo and fpgaconf for an FPGA an XPDK driver serves (a PCI address bound\n"
	    "to vfio-pci, or vfio-user:PATH of xpdk-devsim).\n"
	    "\n"
	    "Commands:\n"
	    "  info                   the PCI function and where its DFLs are\n"
	    "  fme                    the FME: ports, bitstream ID and version, PR interface ID\n"
	    "  port                   each port: its AFU ID, MMIO, interrupts, reset state\n"
	    "  temp                   FPGA temperature\n"
	    "  power                  FPGA power\n"
	    "  perf                   fabric performance counters\n"
	    "  errors fme|port|all    error registers (--clear: write them back)\n"
	    "  port reset [N]         soft-reset port N (default 0)\n"
	    "  port release [N]       release port N (default 0) from the PF for a VF (the\n"
	    "                         kernel's DFL_FPGA_FME_PORT_RELEASE)\n"
	    "  port assign [N]        give port N back to the PF (DFL_FPGA_FME_PORT_ASSIGN)\n"
	    "  sriov [N]              enable N VFs, one per released port (0: disable them);\n"
	    "                         without N, show the SR-IOV state and the VFs' names\n"
	    "  conf GBS               load a green bitstream into port 0 (fpgaconf); exit codes 1\n"
	    "                         bad arguments, 2 bitstream unreadable, 3 device, 4 "
	    "interface\n"
	    "                         ID mismatch (no slot), 5 programming failed\n"
	    "\n"
	    "Options:\n"
	    "  -d, --device DEV       the device\n"
	    "      --json             machine-readable output\n"
	    "  -c, --clear            errors: clear what is set\n"
	    "  -n, --dry-run          conf: check everything, program nothing\n"
	    "  -V, --verbose          conf: progress and both interface IDs\n"
	    "  -h, --help             this text\n");
}

static void kv(const struct opts *o, bool *first, const char *key, const char *jkey,
	       const char *fmt, ...) XPDK_PRINTF(5, 6);

/* one field: "%-32s : value", or "key": "value" in the JSON object being printed */
static void kv(const struct opts *o, bool *first, const char *key, const char *jkey,
	       const char *fmt, ...)
{
	char v[256];
	va_list ap;

	va_start(ap, fmt);
	/* NOLINTNEXTLINE(clang-analyzer-valist.Uninitialized) */
	vsnprintf(v, sizeof(v), fmt, ap);
	va_end(ap);
	if (!o->json) {
		printf("%-32s : %s\n", key, v);
		return;
	}
	printf("%s\"%s\": \"", *first ? "" : ", ", jkey);
	for (const char *p = v; *p != '\0'; p++)
		printf(*p == '"' || *p == '\\' ? "\\%c" : "%c", *p);
	printf("\"");
	*first = false;
}

static void begin(const struct opts *o, const char *title, bool *first)
{
	*first = true;
	if (o->json)
		printf("{");
	else
		printf("//****** %s ******//\n", title);
}

static void end(const struct opts *o)
{
	if (o->json)
		printf("}\n");
}

static void common(const struct opts *o, struct xpdk_fpga *f, bool *first)
{
	const struct xpdk_dev_info *di = xpdk_dev_info(xpdk_fpga_dev(f));

	kv(o, first, "Interface", "interface", "%s", di->transport);
	kv(o, first, "Device", "device", "%s", di->name);
	kv(o, first, "Vendor Id", "vendor_id", "0x%04X", di->vendor);
	kv(o, first, "Device Id", "device_id", "0x%04X", di->device);
	kv(o, first, "SubVendor Id", "subvendor_id", "0x%04X", di->subsystem_vendor);
	kv(o, first, "SubDevice Id", "subdevice_id", "0x%04X", di->subsystem_device);
}

static int fail(const char *what)
{
	fprintf(stderr, "xpdk-fpga: %s: %s\n", what, xpdk_strerror_last());
	return EX_FAIL;
}

static int cmd_info(const struct opts *o, struct xpdk_fpga *f)
{
	struct xpdk_dfl_loc locs[XPDK_DFL_MAX_LISTS];
	bool vsec = false, first;
	int n = xpdk_fpga_dfl_lists(f, locs, XPDK_DFL_MAX_LISTS, &vsec);
	char buf[160] = "";
	size_t len = 0;

	for (int i = 0; i < n && len < sizeof(buf); i++)
		len += (size_t)snprintf(buf + len, sizeof(buf) - len, "%sBAR %u + 0x%" PRIx64,
					i ? ", " : "", locs[i].bar, locs[i].offset);
	begin(o, "INFO", &first);
	common(o, f, &first);
	kv(o, &first, "DFL Lists", "dfl_lists", "%s", buf);
	kv(o, &first, "DFL Found By", "dfl_found_by", "%s", vsec ? "PCIe VSEC 0x43" : "BAR 0");
	kv(o, &first, "Ports Num", "ports_num", "%02u", xpdk_fpga_num_ports(f));
	end(o);
	return EX_OK;
}

static int cmd_fme(const struct opts *o, struct xpdk_fpga *f)
{
	struct xpdk_fpga_fme_info fi;
	char g[XPDK_GUID_STR_LEN + 1];
	bool first;

	if (xpdk_fpga_fme_info(f, &fi) < 0)
		return fail("fme");
	if (!fi.present) {
		fprintf(stderr, "xpdk-fpga: fme: %s has no FME (a virtual function)\n",
			xpdk_dev_info(xpdk_fpga_dev(f))->name);
		return EX_FAIL;
	}
	xpdk_guid_format(&fi.pr_interface_id, g, sizeof(g));
	begin(o, "FME", &first);
	common(o, f, &first);
	kv(o, &first, "Socket Id", "socket_id", "0x%02X", fi.socket_id);
	kv(o, &first, "Ports Num", "ports_num", "%02u", fi.num_ports);
	kv(o, &first, "Bitstream Id", "bitstream_id", "0x%" PRIX64, fi.bitstream_id);
	kv(o, &first, "Bitstream Version", "bitstream_version", "%u.%u.%u", fi.bs_major,
	   fi.bs_minor, fi.bs_patch);
	kv(o, &first, "Pr Interface Id", "pr_interface_id", "%s", g);
	end(o);
	return EX_OK;
}

static int cmd_port(const struct opts *o, struct xpdk_fpga *f)
{
	unsigned int n = xpdk_fpga_num_ports(f);

	if (o->json)
		printf("[");
	for (unsigned int p = 0; p < n; p++) {
		struct xpdk_fpga_port_info pi;
		char g[XPDK_GUID_STR_LEN + 1];
		bool first;

		if (xpdk_fpga_port_info(f, p, &pi) < 0)
			return fail("port");
		xpdk_guid_format(&pi.afu_id, g, sizeof(g));
		if (o->json && p > 0)
			printf(", ");
		begin(o, "PORT", &first);
		common(o, f, &first);
		kv(o, &first, "Port Num", "port_num", "%u", pi.number);
		kv(o, &first, "Released", "released", "%s", pi.released ? "yes (to a VF)" : "no");
		if (pi.released) {
			if (o->json)
				printf("}");
			continue; /* the PF does not reach the rest */
		}
		kv(o, &first, "Accelerator GUID", "accelerator_guid", "%s",
		   pi.afu_offset ? g : "none");
		kv(o, &first, "MMIO Size", "mmio_size", "0x%" PRIx64, pi.mmio_size);
		kv(o, &first, "Interrupts", "interrupts", "%u", pi.num_irqs);
		kv(o, &first, "In Reset", "in_reset", "%s", pi.in_reset ? "yes" : "no");
		if (o->json)
			printf("}");
	}
	printf(o->json ? "]\n" : "");
	return EX_OK;
}

static int cmd_sensor(const struct opts *o, struct xpdk_fpga *f, bool temp)
{
	unsigned int v = 0;
	bool first;
	int rc = temp ? xpdk_fpga_temperature(f, &v) : xpdk_fpga_power(f, &v);

	if (rc < 0)
		return fail(temp ? "temp" : "power");
	begin(o, temp ? "TEMP" : "POWER", &first);
	common(o, f, &first);
	if (temp)
		kv(o, &first, "FPGA Temperature", "fpga_temperature", "%u Celsius", v);
	else
		kv(o, &first, "FPGA Power", "fpga_power", "%u Watts", v);
	end(o);
	return EX_OK;
}

static int cmd_perf(const struct opts *o, struct xpdk_fpga *f)
{
	static const struct {
		unsigned int event;
		const char *key, *jkey;
	} ev[] = { { 0, "PCIe0 Read", "pcie0_read" },
		   { 1, "PCIe0 Write", "pcie0_write" },
		   { 6, "MMIO Read", "mmio_read" },
		   { 7, "MMIO Write", "mmio_write" } };
	uint64_t v, clk;
	bool first;

	if (xpdk_fpga_perf_clock(f, &clk) < 0)
		return fail("perf");
	begin(o, "PERF", &first);
	common(o, f, &first);
	kv(o, &first, "Clock", "clock", "%" PRIu64, clk);
	for (size_t i = 0; i < XPDK_ARRAY_SIZE(ev); i++) {
		if (xpdk_fpga_perf_fabric(f, ev[i].event, &v) < 0)
			return fail("perf");
		kv(o, &first, ev[i].key, ev[i].jkey, "%" PRIu64, v);
	}
	end(o);
	return EX_OK;
}

static bool port_released(struct xpdk_fpga *f, unsigned int port)
{
	struct xpdk_fpga_port_info pi;

	return xpdk_fpga_port_info(f, port, &pi) == 0 && pi.released;
}

static int cmd_errors(const struct opts *o, struct xpdk_fpga *f, const char *which)
{
	bool fme = strcmp(which, "fme") == 0 || strcmp(which, "all") == 0;
	bool port = strcmp(which, "port") == 0 || strcmp(which, "all") == 0;
	struct xpdk_fpga_errors e;
	bool first;

	if (!fme && !port) {
		fprintf(stderr, "xpdk-fpga: errors: '%s' is not fme, port or all\n", which);
		return EX_USAGE;
	}
	if (o->clear) {
		if (fme && xpdk_fpga_errors_clear(f) < 0)
			return fail("errors --clear");
		for (unsigned int p = 0; port && p < xpdk_fpga_num_ports(f); p++)
			if (!port_released(f, p) && xpdk_fpga_port_errors_clear(f, p) < 0)
				return fail("errors --clear");
	}
	begin(o, "ERRORS", &first);
	common(o, f, &first);
	if (fme) {
		if (xpdk_fpga_errors(f, &e) < 0)
			return fail("errors");
		kv(o, &first, "FME Errors", "fme_errors", "0x%" PRIx64, e.fme);
		kv(o, &first, "PCIe0 Errors", "pcie0_errors", "0x%" PRIx64, e.pcie0);
		kv(o, &first, "PCIe1 Errors", "pcie1_errors", "0x%" PRIx64, e.pcie1);
		kv(o, &first, "Nonfatal Errors", "nonfatal_errors", "0x%" PRIx64, e.nonfatal);
		kv(o, &first, "Catfatal Errors", "catfatal_errors", "0x%" PRIx64, e.catfatal);
		kv(o, &first, "First Error", "first_error", "0x%" PRIx64, e.first);
		kv(o, &first, "Next Error", "next_error", "0x%" PRIx64, e.next);
	}
	for (unsigned int p = 0; port && p < xpdk_fpga_num_ports(f); p++) {
		uint64_t v = 0;
		char key[40], jkey[40];

		snprintf(key, sizeof(key), "Port %u Errors", p);
		snprintf(jkey, sizeof(jkey), "port%u_errors", p);
		if (port_released(f, p)) {
			kv(o, &first, key, jkey, "released to a VF");
			continue;
		}
		if (xpdk_fpga_port_errors(f, p, &v) < 0)
			return fail("errors");
		kv(o, &first, key, jkey, "0x%" PRIx64, v);
	}
	end(o);
	return EX_OK;
}

/* port reset|release|assign [N] */
static int cmd_port_op(const struct opts *o, struct xpdk_fpga *f, const char *op, const char *arg)
{
	uint64_t p = 0;
	int rc;

	if (arg != NULL && (xpdk_parse_u64(arg, &p) < 0 || p >= xpdk_fpga_num_ports(f))) {
		fprintf(stderr, "xpdk-fpga: port %s: port '%s' does not exist (%u ports)\n", op,
			arg, xpdk_fpga_num_ports(f));
		return EX_USAGE;
	}
	if (strcmp(op, "reset") == 0)
		rc = xpdk_fpga_port_reset(f, (unsigned int)p);
	else if (strcmp(op, "release") == 0)
		rc = xpdk_fpga_port_release(f, (unsigned int)p);
	else
		rc = xpdk_fpga_port_assign(f, (unsigned int)p);
	if (rc < 0) {
		fprintf(stderr, "xpdk-fpga: port %s: %s\n", op, xpdk_strerror_last());
		return EX_FAIL;
	}
	if (o->json && strcmp(op, "reset") == 0)
		printf("{\"port\": %u, \"reset\": true}\n", (unsigned int)p);
	else if (o->json)
		printf("{\"port\": %u, \"released\": %s}\n", (unsigned int)p,
		       strcmp(op, "release") == 0 ? "true" : "false");
	else if (strcmp(op, "reset") == 0)
		printf("port %u reset\n", (unsigned int)p);
	else
		printf("port %u %s\n", (unsigned int)p,
		       strcmp(op, "release") == 0 ? "released from the PF" : "assigned to the PF");
	return EX_OK;
}

/* sriov [N]: configure, then show the state and the names to open the VFs by */
static int cmd_sriov(const struct opts *o, struct xpdk_fpga *f, const char *arg)
{
	struct xpdk_fpga_sriov s;
	uint64_t n = 0;

	if (arg != NULL && (xpdk_parse_u64(arg, &n) < 0 || n > UINT16_MAX)) {
		fprintf(stderr, "xpdk-fpga: sriov: '%s' is not a number of VFs\n", arg);
		return EX_USAGE;
	}
	if (arg != NULL && xpdk_fpga_sriov_configure(f, (unsigned int)n) < 0)
		return fail("sriov");
	if (xpdk_fpga_sriov_info(f, &s) < 0)
		return fail("sriov");
	n = s.enabled ? s.num_vfs : 0;
	if (o->json)
		printf("{\"total_vfs\": %u, \"num_vfs\": %u, \"released_ports\": %u, "
		       "\"vf_device_id\": \"0x%04x\", \"vfs\": [",
		       s.total_vfs, (unsigned int)n, s.released, s.vf_device);
	else
		printf("%u of %u VFs enabled (VF device ID 0x%04x, %u port%s released)\n",
		       (unsigned int)n, s.total_vfs, s.vf_device, s.released,
		       s.released == 1 ? "" : "s");
	for (unsigned int i = 0; i < n; i++) {
		char name[600];

		if (xpdk_fpga_vf_name(f, i, name, sizeof(name)) < 0)
			return fail("sriov");
		if (o->json)
			printf("%s\"%s\"", i ? ", " : "", name);
		else
			printf("VF %u: %s\n", i, name);
	}
	if (o->json)
		printf("]}\n");
	return EX_OK;
}

/* fpgaconf: the GBS's interface ID must be the FME's PR interface ID */
static int cmd_conf(const struct opts *o, struct xpdk_fpga *f, const char *path)
{
	struct xpdk_fpga_fme_info fi;
	struct xpdk_gbs_info gi;
	char want[XPDK_GUID_STR_LEN + 1], have[XPDK_GUID_STR_LEN + 1];
	void *img = NULL;
	size_t len = 0;
	int rc;

	if (o->verbose)
		printf("Reading bitstream\n");
	if (xpdk_gbs_load(path, &img, &len, &gi) < 0) {
		fprintf(stderr, "Error locating GBS file specified: \"%s\": %s\n", path,
			xpdk_strerror_last());
		return CONF_LOAD;
	}
	if (o->verbose)
		printf("Looking for slot\n");
	if (xpdk_fpga_fme_info(f, &fi) < 0 || !fi.present || !fi.has_pr) {
		fprintf(stderr, "xpdk-fpga: conf: %s\n",
			fi.present ? "the FPGA has no PR feature" : xpdk_strerror_last());
		free(img);
		return CONF_ENUM;
	}
	xpdk_guid_format(&gi.interface_id, want, sizeof(want));
	xpdk_guid_format(&fi.pr_interface_id, have, sizeof(have));
	if (!xpdk_guid_equal(&gi.interface_id, &fi.pr_interface_id)) {
		fprintf(stderr, "No suitable slots found.\n");
		if (o->verbose)
			fprintf(stderr, "Expected Interface id:  %s\nActual Interface id:    %s\n",
				want, have);
		free(img);
		return CONF_NO_SLOT;
	}
	if (o->verbose)
		printf("Found slot\n");
	if (o->dry_run) {
		if (o->json)
			printf(
			    "{\"gbs\": \"%s\", \"interface_id\": \"%s\", \"programmed\": false}\n",
			    path, want);
		else
			printf("Dry run: %s would be programmed into port 0 (interface %s)\n", path,
			       want);
		free(img);
		return EX_OK;
	}
	if (o->verbose)
		printf("Programming bitstream\n");
	rc = xpdk_fpga_pr(f, 0, img, len, NULL, NULL);
	free(img);
	if (rc < 0) {
		fprintf(stderr, "Error writing bitstream to FPGA: %s\n", xpdk_strerror_last());
		return CONF_PROGRAM;
	}
	if (o->json)
		printf("{\"gbs\": \"%s\", \"interface_id\": \"%s\", \"programmed\": true}\n", path,
		       want);
	else if (o->verbose)
		printf("Done\n");
	return EX_OK;
}

static int start_env(void)
{
	static char args[512];
	char *argv[32] = { "xpdk-fpga" };
	const char *user = getenv("XPDK_EAL_ARGS");
	int argc = 1;

	snprintf(args, sizeof(args), "%s", user != NULL && *user ? user : EAL_ARGS_DEFAULT);
	for (char *save = NULL, *t = strtok_r(args, " \t", &save); t != NULL && argc < 31;
	     t = strtok_r(NULL, " \t", &save))
		argv[argc++] = t;
	argv[argc] = NULL;
	return xpdk_env_init(argc, argv);
}

int main(int argc, char **argv)
{
	static const struct option lo[] = { { "device", required_argument, NULL, 'd' },
					    { "json", no_argument, NULL, 'j' },
					    { "clear", no_argument, NULL, 'c' },
					    { "dry-run", no_argument, NULL, 'n' },
					    { "verbose", no_argument, NULL, 'V' },
					    { "help", no_argument, NULL, 'h' },
					    { NULL, 0, NULL, 0 } };
	struct opts o = { 0 };
	struct xpdk_fpga *f;
	const char *cmd, *arg, *arg2;
	bool conf;
	int c, rc;

	while ((c = getopt_long(argc, argv, "+d:cnVh", lo, NULL)) != -1) {
		switch (c) {
		case 'd':
			o.dev = optarg;
			break;
		case 'j':
			o.json = true;
			break;
		case 'c':
			o.clear = true;
			break;
		case 'n':
			o.dry_run = true;
			break;
		case 'V':
			o.verbose++;
			break;
		case 'h':
			usage(stdout);
			return EX_OK;
		default:
			usage(stderr);
			return EX_USAGE;
		}
	}
	/* options may also follow the command (fpgainfo errors all -c) */
	cmd = optind < argc ? argv[optind++] : NULL;
	arg = optind < argc && argv[optind][0] != '-' ? argv[optind++] : NULL;
	arg2 = arg != NULL && optind < argc && argv[optind][0] != '-' ? argv[optind++] : NULL;
	while ((c = getopt_long(argc, argv, "d:cnVh", lo, NULL)) != -1) {
		if (c == 'c')
			o.clear = true;
		else if (c == 'n')
			o.dry_run = true;
		else if (c == 'V')
			o.verbose++;
		else if (c == 'j')
			o.json = true;
		else if (c == 'd')
			o.dev = optarg;
		else {
			usage(stderr);
			return EX_USAGE;
		}
	}
	conf = cmd != NULL && strcmp(cmd, "conf") == 0;
	if (cmd == NULL || o.dev == NULL || optind < argc || (arg2 != NULL && conf)) {
		usage(stderr);
		return conf ? CONF_ARGS : EX_USAGE;
	}
	if (conf && arg == NULL) {
		fprintf(stderr, "No GBS file\n");
		return CONF_ARGS;
	}
	if (strncmp(o.dev, "vfio-user:", 10) != 0 && start_env() < 0) {
		fprintf(stderr, "xpdk-fpga: cannot start the environment: %s\n",
			xpdk_strerror_last());
		return conf ? CONF_ENUM : EX_FAIL;
	}
	f = xpdk_fpga_open(o.dev);
	if (f == NULL) {
		fprintf(stderr, "xpdk-fpga: %s: %s\n", o.dev, xpdk_strerror_last());
		return conf ? CONF_ENUM : EX_FAIL;
	}
	if (strcmp(cmd, "info") == 0)
		rc = cmd_info(&o, f);
	else if (strcmp(cmd, "fme") == 0)
		rc = cmd_fme(&o, f);
	else if (strcmp(cmd, "port") == 0 && arg != NULL &&
		 (strcmp(arg, "reset") == 0 || strcmp(arg, "release") == 0 ||
		  strcmp(arg, "assign") == 0))
		rc = cmd_port_op(&o, f, arg, arg2);
	else if (strcmp(cmd, "sriov") == 0 && arg2 == NULL)
		rc = cmd_sriov(&o, f, arg);
	else if (strcmp(cmd, "port") == 0 && arg == NULL)
		rc = cmd_port(&o, f);
	else if (strcmp(cmd, "temp") == 0)
		rc = cmd_sensor(&o, f, true);
	else if (strcmp(cmd, "power") == 0)
		rc = cmd_sensor(&o, f, false);
	else if (strcmp(cmd, "perf") == 0)
		rc = cmd_perf(&o, f);
	else if (strcmp(cmd, "errors") == 0)
		rc = cmd_errors(&o, f, arg != NULL ? arg : "all");
	else if (conf)
		rc = cmd_conf(&o, f, arg);
	else {
		fprintf(stderr, "xpdk-fpga: unknown command '%s' (see --help)\n", cmd);
		rc = EX_USAGE;
	}
	xpdk_fpga_close(f);
	return rc;
}

/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 XPDK authors
 */

/*
 * AWS's FPGA management tools on XPDK's fpga_mgmt/fpga_pci/fpga_clkgen: one program that acts
 * as the tool named by argv[0] (installed as links: fpga-describe-local-image, …) or by its
 * first argument (xpdk-fpga-tools fpga-describe-local-image -S 0). AWS's flags and text output;
 * --json for machines. Exit codes: 0 done, 1 failed, 2 bad usage. doc/man/fpga-tools.1.
 */

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fpga_clkgen.h"
#include "fpga_mgmt.h"
#include "xpdk_common.h"

#define EXIT_USAGE 2

struct opts {
	int slot;
	bool headers, metrics, clear_metrics, clear_cache, rescan, async, force, prefetch, json,
	    mbox;
	const char *afi, *dip;
	long clk[4]; /* -a -b -c -m: recipe indices or MHz, -1 unset */
	int reset;
};

static const char *prog;

static int fail(int rc)
{
	fprintf(stderr, "%s: %s (%s)\n", prog, xpdk_strerror_last(), fpga_mgmt_strerror(rc));
	return 1;
}

static void json_str(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			printf("\\%c", *s);
		else if ((unsigned char)*s < 0x20)
			printf("\\u%04x", *s);
		else
			putchar(*s);
	}
	putchar('"');
}

/* ---- describe ---- */

static void print_afi(const struct fpga_mgmt_image_info *in, bool hdr)
{
	const struct fpga_pci_resource_map *m = &in->spec.map[FPGA_APP_PF];
	const char *id = strcmp(in->ids.afi_id, "none") == 0 ? "No AFI" : in->ids.afi_id;

	if (hdr)
		printf("Type  FpgaImageSlot  FpgaImageId             StatusName    StatusCode   "
		       "ErrorName    ErrorCode   ShVersion\n");
	printf("%-13s%-8d%-24s%-18s%-9d%-17s%-8d0x%08x\n", "AFI", in->slot_id, id,
	       fpga_mgmt_get_status_name(in->status), in->status, fpga_mgmt_strerror(in->status_q),
	       in->status_q, in->sh_version);
	if (hdr)
		printf("Type  FpgaImageSlot  VendorId    DeviceId    DBDF\n");
	printf("%-13s%-8d0x%04x      0x%04x      %04x:%02x:%02x.%x\n", "AFIDEVICE", in->slot_id,
	       m->vendor_id, m->device_id, m->domain, m->bus, m->dev, m->func);
}

static void print_metrics(const struct f2_metrics_common *f)
{
	static const char *const grp[3] = { "A", "B", "C" };

	printf("sdacl-slave-timeout=%d\n", f->sda_slave_timeout_count ? 1 : 0);
	printf("virtual-jtag-slave-timeout=%d\n", f->virtual_jtag_slave_timeout_count ? 1 : 0);
	printf("ocl-slave-timeout=%d\n", f->ocl_slave_timeout_count ? 1 : 0);
	printf("dma-pcis-timeout=%d\n", f->dma_pcis_timeout_count ? 1 : 0);
	printf("pcim-range-error=%d\n", f->pcim_range_error_count ? 1 : 0);
	printf("pcim-axi-protocol-error=%d\n", f->pcim_axi_protocol_error_count ? 1 : 0);
	printf("sdacl-slave-timeout-addr=0x%" PRIx64 "\n", f->sda_slave_timeout_addr);
	printf("sdacl-slave-timeout-count=%u\n", f->sda_slave_timeout_count);
	printf("ocl-slave-timeout-addr=0x%x\n", f->ocl_slave_timeout_addr);
	printf("ocl-slave-timeout-count=%u\n", f->ocl_slave_timeout_count);
	printf("dma-pcis-timeout-addr=0x%" PRIx64 "\n", f->dma_pcis_timeout_addr);
	printf("dma-pcis-timeout-count=%u\n", f->dma_pcis_timeout_count);
	printf("pcim-range-error-addr=0x%" PRIx64 "\n", f->pcim_range_error_addr);
	printf("pcim-range-error-count=%u\n", f->pcim_range_error_count);
	printf("pcim-write-count=%" PRIu64 "\n", f->pcim_write_count);
	printf("pcim-read-count=%" PRIu64 "\n", f->pcim_read_count);
	printf("DDR0\n   write-count=%" PRIu64 "\n   read-count=%" PRIu64 "\n",
	       f->ddr_ifs[0].write_count, f->ddr_ifs[0].read_count);
	for (int g = 0; g < 3; g++) {
		printf("Clock Group %s Frequency (Mhz)\n", grp[g]);
		for (int o = 0; o < FPGA_MMCM_OUT_CLKS_MAX; o++)
			if (f->clocks[g].frequency[o] != 0)
				printf("%" PRIu64 "  ", f->clocks[g].frequency[o] / 1000000);
		printf("\n");
	}
	printf("Power consumption (Vccint):\n   Last measured: %" PRIu64
	       " watts\n   Average: %" PRIu64 " watts\n   Max measured: %" PRIu64 " watts\n",
	       f->power, f->power_mean, f->power_max);
	printf("Cached agfis:\n");
	for (int i = 0; i < FPGA_CACHED_AGFIS_MAX; i++)
		if (f->cached_agfis[i] != 0)
			printf("   agfi-%017" PRIx64 "\n", f->cached_agfis[i]);
}

static void json_afi(const struct fpga_mgmt_image_info *in, bool metrics)
{
	const struct fpga_pci_resource_map *m = &in->spec.map[FPGA_APP_PF];
	const struct f2_metrics_common *f = &in->metrics.f2_metrics;

	printf("{\"slot\":%d,\"afi_id\":", in->slot_id);
	json_str(in->ids.afi_id);
	printf(",\"status\":\"%s\",\"status_code\":%d,\"error\":\"%s\",\"error_code\":%d,"
	       "\"sh_version\":%u,\"vendor_id\":%u,\"device_id\":%u,\"dbdf\":\"%04x:%02x:%02x.%x\"",
	       fpga_mgmt_get_status_name(in->status), in->status, fpga_mgmt_strerror(in->status_q),
	       in->status_q, in->sh_version, m->vendor_id, m->device_id, m->domain, m->bus, m->dev,
	       m->func);
	if (metrics) {
		printf(",\"metrics\":{\"ocl_slave_timeout_count\":%u,\"ocl_slave_timeout_addr\":%u,"
		       "\"dma_pcis_timeout_count\":%u,\"dma_pcis_timeout_addr\":%" PRIu64
		       ",\"sda_slave_timeout_count\":%u,\"power\":%" PRIu64 ",\"cached_agfis\":[",
		       f->ocl_slave_timeout_count, f->ocl_slave_timeout_addr,
		       f->dma_pcis_timeout_count, f->dma_pcis_timeout_addr,
		       f->sda_slave_timeout_count, f->power);
		for (int i = 0, n = 0; i < FPGA_CACHED_AGFIS_MAX; i++)
			if (f->cached_agfis[i] != 0)
				printf("%s\"agfi-%017" PRIx64 "\"", n++ ? "," : "",
				       f->cached_agfis[i]);
		printf("]}");
	}
	printf("}\n");
}

static int describe(const struct opts *o)
{
	struct fpga_mgmt_image_info in;
	uint32_t flags = (o->metrics ? FPGA_CMD_GET_HW_METRICS : 0) |
			 (o->clear_metrics ? FPGA_CMD_CLEAR_HW_METRICS : 0) |
			 (o->clear_cache ? FPGA_CMD_CLEAR_AFI_CACHE : 0);
	int rc = fpga_mgmt_describe_local_image(o->slot, &in, flags);

	if (rc == 0 && o->rescan)
		rc = fpga_pci_rescan_slot_app_pfs(o->slot);
	if (rc != 0)
		return fail(rc);
	if (o->json) {
		json_afi(&in, o->metrics);
		return 0;
	}
	print_afi(&in, o->headers);
	if (o->metrics)
		print_metrics(&in.metrics.f2_metrics);
	return 0;
}

static int describe_slots(const struct opts *o)
{
	struct fpga_slot_spec specs[FPGA_SLOT_MAX];
	int rc = fpga_pci_get_all_slot_specs(specs, FPGA_SLOT_MAX), n = 0;

	if (rc != 0)
		return fail(rc);
	if (o->json)
		printf("{\"slots\":[");
	else if (o->headers)
		printf("Type  FpgaImageSlot  VendorId    DeviceId    DBDF\n");
	for (int s = 0; s < FPGA_SLOT_MAX; s++) {
		for (int pf = 0; pf < (o->mbox ? 2 : 1); pf++) {
			const struct fpga_pci_resource_map *m = &specs[s].map[pf];

			if (specs[s].map[FPGA_MGMT_PF].vendor_id == 0)
				continue;
			if (o->json)
				printf("%s{\"slot\":%d,\"pf\":%d,\"vendor_id\":%u,\"device_id\":%u,"
				       "\"dbdf\":\"%04x:%02x:%02x.%x\"}",
				       n++ ? "," : "", s, pf, m->vendor_id, m->device_id, m->domain,
				       m->bus, m->dev, m->func);
			else
				printf("%-13s%-8d0x%04x      0x%04x      %04x:%02x:%02x.%x\n",
				       pf ? "MBOXDEVICE" : "AFIDEVICE", s, m->vendor_id,
				       m->device_id, m->domain, m->bus, m->dev, m->func);
		}
	}
	if (o->json)
		printf("]}\n");
	return 0;
}

/* ---- load and clear ---- */

static int load(const struct opts *o)
{
	struct fpga_mgmt_image_info in;
	uint32_t flags =
	    (o->force ? FPGA_CMD_FORCE_SHELL_RELOAD : 0) | (o->prefetch ? FPGA_CMD_PREFETCH : 0);
	char afi[AFI_ID_STR_MAX];
	int rc;

	snprintf(afi, sizeof(afi), "%s", o->afi);
	if (o->async || o->prefetch)
		rc = fpga_mgmt_load_local_image_flags(o->slot, afi, flags);
	else
		rc = fpga_mgmt_load_local_image_sync_flags(
		    o->slot, afi, flags, FPGA_MGMT_SYNC_TIMEOUT, FPGA_MGMT_SYNC_DELAY_MSEC, &in);
	if (rc != 0)
		return fail(rc);
	if (o->async || o->prefetch)
		return 0;
	if (o->json)
		json_afi(&in, false);
	else
		print_afi(&in, o->headers);
	return 0;
}

static int clear(const struct opts *o)
{
	struct fpga_mgmt_image_info in;
	int rc = o->async ? fpga_mgmt_clear_local_image(o->slot)
			  : fpga_mgmt_clear_local_image_sync(o->slot, FPGA_MGMT_SYNC_TIMEOUT,
							     FPGA_MGMT_SYNC_DELAY_MSEC, &in);

	if (rc != 0)
		return fail(rc);
	if (o->async)
		return 0;
	if (o->json)
		json_afi(&in, false);
	else
		print_afi(&in, o->headers);
	return 0;
}

/* ---- virtual LEDs and DIP switches ---- */

static void print_bits(uint16_t v)
{
	for (int b = 15; b >= 0; b--)
		printf("%d%s", (v >> b) & 1, b && b % 4 == 0 ? "-" : "");
	printf("\n");
}

static int vled(const struct opts *o)
{
	uint16_t v;
	int rc = fpga_mgmt_get_vLED_status(o->slot, &v);

	if (rc != 0)
		return fail(rc);
	if (o->json) {
		printf("{\"slot\":%d,\"vled\":%u}\n", o->slot, v);
		return 0;
	}
	printf("FPGA slot id %d have the following Virtual LED:\n", o->slot);
	print_bits(v);
	return 0;
}

static int get_vdip(const struct opts *o)
{
	uint16_t v;
	int rc = fpga_mgmt_get_vDIP_status(o->slot, &v);

	if (rc != 0)
		return fail(rc);
	if (o->json) {
		printf("{\"slot\":%d,\"vdip\":%u}\n", o->slot, v);
		return 0;
	}
	printf("FPGA slot id %d has the following Virtual DIP Switches:\n", o->slot);
	print_bits(v);
	return 0;
}

static int set_vdip(const struct opts *o)
{
	uint16_t v = 0;
	int rc;

	if (o->dip == NULL || strlen(o->dip) != 16 || strspn(o->dip, "01") != 16) {
		fprintf(stderr,
			"%s: -D takes 16 switches, 0 or 1, first the highest (e.g. "
			"0000000000000101)\n",
			prog);
		return EXIT_USAGE;
	}
	for (int i = 0; i < 16; i++)
		v = (uint16_t)(v << 1 | (o->dip[i] == '1'));
	rc = fpga_mgmt_set_vDIP(o->slot, v);
	return rc ? fail(rc) : 0;
}

/* ---- clock generator ---- */

static int describe_clkgen(const struct opts *o)
{
	static const char *const names[4] = { "A", "B", "C", "HBM" };
	struct fpga_clkgen_info in;
	const struct fpga_clkgen_group *g[4] = { &in.clock_group_a, &in.clock_group_b,
						 &in.clock_group_c, &in.clock_group_hbm };
	int rc = aws_clkgen_get_dynamic(o->slot, &in);

	if (rc != 0)
		return fail(rc);
	if (o->json)
		printf("{\"slot\":%d", o->slot);
	else if (o->headers)
		printf("SLOT  GROUP  CLOCK0(MHz)  CLOCK1(MHz)  CLOCK2(MHz)\n");
	for (int i = 0; i < 4; i++) {
		if (o->json) {
			printf(",\"clock_group_%s\":[%.4f,%.4f,%.4f]",
			       i == 3 ? "hbm"
				      : (i == 0	  ? "a"
					 : i == 1 ? "b"
						  : "c"),
			       g[i]->clocks[0], g[i]->clocks[1], g[i]->clocks[2]);
			continue;
		}
		printf("%-6d%-7s", o->slot, names[i]);
		for (int c = 0; c < FPGA_CLKGEN_GROUP_CLKS_MAX; c++)
			printf("%-13.4f", g[i]->clocks[c]);
		printf("\n");
	}
	if (o->json)
		printf("}\n");
	return 0;
}

static int load_clkgen(const struct opts *o, bool dynamic)
{
	uint32_t v[4];
	int rc;

	for (int i = 0; i < 4; i++) {
		if (o->clk[i] < 0 && !dynamic) {
			fprintf(stderr, "%s: give every group's recipe: -a A -b B -c C -m HBM\n",
				prog);
			return EXIT_USAGE;
		}
		v[i] = o->clk[i] < 0 ? 0 : (uint32_t)o->clk[i];
	}
	rc = dynamic ? aws_clkgen_set_dynamic(o->slot, v[0], v[1], v[2], v[3], (uint32_t)o->reset)
		     : aws_clkgen_set_recipe(o->slot, v[0], v[1], v[2], v[3], (uint32_t)o->reset);
	if (rc != 0)
		return fail(rc);
	return describe_clkgen(o);
}

/* ---- command line ---- */

struct tool {
	const char *name;
	const char *usage;
	const char *shortopts;
	int (*run)(const struct opts *o);
	bool needs_slot;
};

static int load_recipe(const struct opts *o)
{
	return load_clkgen(o, false);
}

static int load_dynamic(const struct opts *o)
{
	return load_clkgen(o, true);
}

static const struct tool tools[] = {
	{ "fpga-describe-local-image", "-S SLOT [-H] [-M] [-C] [-L] [-R] [--json]", "S:HMCLR",
	  describe, true },
	{ "fpga-describe-local-image-slots", "[-H] [-M] [--json]", "HM", describe_slots, false },
	{ "fpga-load-local-image", "-S SLOT -I AGFI [-A] [-F] [-P] [-H] [--json]", "S:I:AFPH", load,
	  true },
	{ "fpga-clear-local-image", "-S SLOT [-A] [-H] [--json]", "S:AH", clear, true },
	{ "fpga-get-virtual-led", "-S SLOT [--json]", "S:", vled, true },
	{ "fpga-get-virtual-dip-switch", "-S SLOT [--json]", "S:", get_vdip, true },
	{ "fpga-set-virtual-dip-switch", "-S SLOT -D 0101010101010101", "S:D:", set_vdip, true },
	{ "fpga-describe-clkgen", "-S SLOT [-H] [--json]", "S:H", describe_clkgen, true },
	{ "fpga-load-clkgen-recipe", "-S SLOT -a A -b B -c C -m HBM [-r] [-H] [--json]",
	  "S:a:b:c:m:rH", load_recipe, true },
	{ "fpga-load-clkgen-dynamic",
	  "-S SLOT [-a MHz] [-b MHz] [-c MHz] [-m MHz] [-r] [-H] "
	  "[--json]",
	  "S:a:b:c:m:rH", load_dynamic, true },
};

static void usage(const struct tool *t, FILE *f)
{
	fprintf(f, "Usage: %s %s\n(AWS F2 slot tool on XPDK; see man fpga-tools)\n", t->name,
		t->usage);
}

static int parse_num(const char *s, long max, long *out)
{
	uint64_t v;

	if (xpdk_parse_u64(s, &v) < 0 || v > (uint64_t)max)
		return -1;
	*out = (long)v;
	return 0;
}

static int run_tool(const struct tool *t, int argc, char **argv)
{
	static const struct option lo[] = { { "json", no_argument, NULL, 'j' },
					    { "help", no_argument, NULL, 'h' },
					    { NULL, 0, NULL, 0 } };
	struct opts o = { .slot = -1, .clk = { -1, -1, -1, -1 } };
	long v;
	int c;

	prog = t->name;
	optind = 1;
	while ((c = getopt_long(argc, argv, t->shortopts, lo, NULL)) != -1) {
		switch (c) {
		case 'S':
			if (parse_num(optarg, FPGA_SLOT_MAX - 1, &v) < 0)
				goto bad;
			o.slot = (int)v;
			break;
		case 'H':
			o.headers = true;
			break;
		case 'M':
			o.metrics = o.mbox = true;
			break;
		case 'C':
			o.clear_metrics = o.metrics = true;
			break;
		case 'L':
			o.clear_cache = true;
			break;
		case 'R':
			o.rescan = true;
			break;
		case 'A':
			o.async = true;
			break;
		case 'F':
			o.force = true;
			break;
		case 'P':
			o.prefetch = true;
			break;
		case 'I':
			o.afi = optarg;
			break;
		case 'D':
			o.dip = optarg;
			break;
		case 'a':
		case 'b':
		case 'c':
		case 'm':
			if (parse_num(optarg, 100000, &v) < 0)
				goto bad;
			o.clk[c == 'a' ? 0 : c == 'b' ? 1 : c == 'c' ? 2 : 3] = v;
			break;
		case 'r':
			o.reset = 1;
			break;
		case 'j':
			o.json = true;
			break;
		case 'h':
			usage(t, stdout);
			return 0;
		default:
			usage(t, stderr);
			return EXIT_USAGE;
		}
	}
	if (optind != argc || (t->needs_slot && o.slot < 0) || (t->run == load && o.afi == NULL)) {
		usage(t, stderr);
		return EXIT_USAGE;
	}
	if (t->name == tools[0].name && o.metrics && !o.json)
		o.mbox = false;
	fpga_mgmt_init();
	return t->run(&o);
bad:
	fprintf(stderr, "%s: bad value '%s' for -%c\n", t->name, optarg, c);
	return EXIT_USAGE;
}

int main(int argc, char **argv)
{
	const char *base = strrchr(argv[0], '/');

	base = base ? base + 1 : argv[0];
	for (int pass = 0; pass < 2; pass++) {
		for (size_t i = 0; i < XPDK_ARRAY_SIZE(tools); i++)
			if (strcmp(base, tools[i].name) == 0)
				return run_tool(&tools[i], pass ? argc - 1 : argc,
						pass ? argv + 1 : argv);
		if (argc < 2)
			break;
		base = argv[1];
	}
	{
		/* asked for help: the usage goes to stdout and the exit status is 0 */
		bool help =
		    argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0);
		FILE *out = help ? stdout : stderr;

		fprintf(out, "Usage: xpdk-fpga-tools TOOL [options]   (or run a tool by its name)\n"
			     "Tools:\n");
		for (size_t i = 0; i < XPDK_ARRAY_SIZE(tools); i++)
			fprintf(out, "  %s %s\n", tools[i].name, tools[i].usage);
		return help ? 0 : EXIT_USAGE;
	}
}

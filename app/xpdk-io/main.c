/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 XPDK authors
 */

/*
 * xpdk-io: the CSR tool, with the command line of OPAE's opae.io.
 *
 *   xpdk-io ls [-v VID:DID] [--all]
 *   xpdk-io init [-d ADDR] [-e [--num-vfs N] [--vf-token UUID]] USER[:GROUP]
 *   xpdk-io release [-d ADDR]
 *   xpdk-io [-d ADDR] [-r REGION] walk [OFFSET] [-u]
 *   xpdk-io [-d ADDR] [-r REGION] peek OFFSET [-w WIDTH] [--vf-token UUID]
 *   xpdk-io [-d ADDR] [-r REGION] poke OFFSET VALUE [-w WIDTH] [--vf-token UUID]
 *   xpdk-io [-d ADDR] [-r REGION] [script] SCRIPT ARGS...   (io_py.c)
 *   xpdk-io [-d ADDR] [-r REGION]                            (interactive, io_py.c)
 *
 * This file parses the command line, prints help, and sends each command to its file; errors
 * leave through io_fail() with exit code 1 (device or I/O) or 2 (usage).
 */

#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "xpdk_io.h"

struct io_command {
	const char *name;
	int (*run)(const struct io_opts *o);
	const char *options; /* option letters it accepts besides --json and -h */
	int min_pos, max_pos;
	const char *help;
};

static const char general_help[] =
    "Usage: xpdk-io ls [-v VID:DID] [--all] [--json]\n"
    "       xpdk-io init [-d ADDR] [-e [--num-vfs N] [--vf-token UUID]] USER[:GROUP] [--json]\n"
    "       xpdk-io release [-d ADDR] [--json]\n"
    "       xpdk-io [-d ADDR] [-r REGION] walk [OFFSET] [-u] [--json]\n"
    "       xpdk-io [-d ADDR] [-r REGION] peek OFFSET [-w 8|16|32|64] [--json]\n"
    "       xpdk-io [-d ADDR] [-r REGION] poke OFFSET VALUE [-w 8|16|32|64] [--json]\n"
    "       xpdk-io [-d ADDR] [-r REGION] [script] SCRIPT [ARGS...]\n"
    "       xpdk-io [-d ADDR] [-r REGION]\n"
    "\n"
    "Read and write the registers (CSRs) of accelerators, as OPAE's opae.io does.\n"
    "\n"
    "  -d, --device ADDR   a PCI address (0000:3f:00.0 or 3f:00.0), vfio-user:PATH, or the name\n"
    "                      of a devsim device (edu0: $XPDK_DEVSIM_DIR/edu0.sock); without -d,\n"
    "                      the one device present (see 'xpdk-io ls')\n"
    "  -r, --region N      region (BAR) index, default 0\n"
    "      --vf-token UUID the VF token of an SR-IOV VF whose PF is on vfio-pci (walk, peek,\n"
    "                      poke; EAL's --vfio-vf-token)\n"
    "      --json          machine-readable output (errors too, on stdout)\n"
    "  -h, --help          this text; 'xpdk-io COMMAND -h' for a command\n"
    "\n"
    "Numbers (offsets, values, regions) are read as Python's int(x, 0): 0x1f, 31, 0o37, 0b11111.\n"
    "Exit status: 0 success, 1 device or I/O error, 2 usage error.\n"
    "Environment: XPDK_DEVSIM_DIR (devsim sockets, default " IO_DEVSIM_DIR_DEFAULT "),\n"
    "XPDK_EAL_ARGS (EAL arguments for PCI devices, default '" IO_EAL_ARGS_DEFAULT "').\n"
    "\n"
    "SCRIPT runs as Python's __main__ with sys.argv = [SCRIPT, ARGS...] and opae.io's built-ins\n"
    "(the_device, the_region, device(), region(), peek, poke, read_csr, write_csr,\n"
    "allocate_buffer, version()); with no command, a Python console with the same built-ins.\n"
    "Both need XPDK's Python package (doc/python.md).\n";

static const struct io_command commands[] = {
	{ "ls", io_cmd_ls, "va", 0, 0,
	  "Usage: xpdk-io ls [-v VID:DID] [--all] [--json]\n"
	  "\n"
	  "List accelerators: PCI functions an XPDK driver knows or that are bound to vfio-pci,\n"
	  "and the simulated devices in $XPDK_DEVSIM_DIR (default " IO_DEVSIM_DIR_DEFAULT "),\n"
	  "one per line: address, VID:DID, kernel driver, IOMMU group, description.\n"
	  "\n"
	  "  -v, --viddid VID:DID  only devices with these IDs (hex; either may be empty or *)\n"
	  "      --all             every PCI function, accelerator or not\n"
	  "      --json            one JSON document\n" },
	{ "init", io_cmd_init, "deNT", 1, 1,
	  "Usage: xpdk-io init [-d ADDR] [-e [--num-vfs N] [--vf-token UUID]] USER[:GROUP] "
	  "[--json]\n"
	  "\n"
	  "Bind PCI function ADDR to vfio-pci and give its /dev/vfio/GROUP file to USER (and "
	  "GROUP,\n"
	  "default USER's group), so that USER can use it without root. Records the driver it had\n"
	  "so that 'xpdk-io release' restores it. Needs root. Without -d: the one accelerator not\n"
	  "yet bound to vfio-pci.\n"
	  "\n"
	  "  -e, --enable-sriov  also give ADDR (an SR-IOV physical function) its VFs: turn on\n"
	  "                      vfio-pci's enable_sriov, set the PF's VF token, enable the VFs\n"
	  "                      and bind each to vfio-pci for USER; prints the token, which the\n"
	  "                      VFs' users give with --vf-token (EAL: --vfio-vf-token)\n"
	  "      --num-vfs N     with -e: enable N VFs (default: all, TotalVFs)\n"
	  "      --vf-token UUID with -e: the VF token to set (default: a random one)\n" },
	{ "release", io_cmd_release, "d", 0, 0,
	  "Usage: xpdk-io release [-d ADDR] [--json]\n"
	  "\n"
	  "Unbind PCI function ADDR from vfio-pci and give it back to the driver it had before\n"
	  "'xpdk-io init'. A physical function's SR-IOV VFs are turned off first (refused while\n"
	  "one is in use), and vfio-pci's enable_sriov back off if 'init -e' turned it on.\n"
	  "Needs root. Without -d: the one accelerator bound to vfio-pci.\n" },
	{ "walk", io_cmd_walk, "druT", 0, 1,
	  "Usage: xpdk-io [-d ADDR] [-r REGION] walk [OFFSET] [-u] [--json]\n"
	  "\n"
	  "Walk the Device Feature List of the region. Without OFFSET on region 0, the whole\n"
	  "device as Linux's dfl-pci sees it (FME, its ports, their AFUs; nested features are\n"
	  "indented); with OFFSET, the one chain starting there (NEXT until EOL). A broken list\n"
	  "prints what was walked, then the error, and exits with 1.\n"
	  "\n"
	  "  -u, --show-uuid   show each feature's GUID\n"
	  "      --vf-token UUID  the VF token of an SR-IOV VF whose PF is on vfio-pci\n" },
	{ "peek", io_cmd_peek, "drwT", 1, 1,
	  "Usage: xpdk-io [-d ADDR] [-r REGION] peek OFFSET [-w 8|16|32|64] [--json]\n"
	  "\n"
	  "Read the register at OFFSET of the region and print it as 0x followed by WIDTH/4 hex\n"
	  "digits. OFFSET must be a multiple of the access size.\n"
	  "\n"
	  "  -w, --width BITS   access width, default 64\n"
	  "      --vf-token UUID  the VF token of an SR-IOV VF whose PF is on vfio-pci\n" },
	{ "poke", io_cmd_poke, "drwT", 2, 2,
	  "Usage: xpdk-io [-d ADDR] [-r REGION] poke OFFSET VALUE [-w 8|16|32|64] [--json]\n"
	  "\n"
	  "Write VALUE to the register at OFFSET of the region. VALUE must fit in WIDTH bits.\n"
	  "\n"
	  "  -w, --width BITS   access width, default 64\n"
	  "      --vf-token UUID  the VF token of an SR-IOV VF whose PF is on vfio-pci\n" },
};

static const struct option longopts[] = {
	{ "device", required_argument, NULL, 'd' },
	{ "region", required_argument, NULL, 'r' },
	{ "width", required_argument, NULL, 'w' },
	{ "viddid", required_argument, NULL, 'v' },
	{ "all", no_argument, NULL, 'a' },
	{ "show-uuid", no_argument, NULL, 'u' },
	{ "enable-sriov", no_argument, NULL, 'e' },
	{ "num-vfs", required_argument, NULL, 'N' },
	{ "vf-token", required_argument, NULL, 'T' },
	{ "json", no_argument, NULL, 'j' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

/* ---- errors and JSON -------------------------------------------------------------------- */

int io_fail(const struct io_opts *o, int code, const char *fmt, ...)
{
	char msg[2048];
	va_list ap;

	va_start(ap, fmt);
	/* clang-analyzer 14 does not see the va_start above */
	/* NOLINTNEXTLINE(clang-analyzer-valist.Uninitialized) */
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fprintf(stderr, "xpdk-io: %s\n", msg);
	if (o != NULL && o->json) {
		struct json_object *doc = json_object_new_object();

		json_object_object_add(doc, "error", json_object_new_string(msg));
		json_object_object_add(doc, "exit_code", json_object_new_int(code));
		io_json_print(doc);
	}
	return code;
}

void io_json_print(struct json_object *doc)
{
	puts(json_object_to_json_string_ext(doc, JSON_C_TO_STRING_PLAIN |
						     JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(doc);
}

struct json_object *io_json_hex(uint64_t v, unsigned int digits)
{
	char buf[24];

	snprintf(buf, sizeof(buf), "0x%0*llx", (int)digits, (unsigned long long)v);
	return json_object_new_string(buf);
}

/* ---- command line ----------------------------------------------------------------------- */

static const struct io_command *find_command(const char *name)
{
	for (size_t i = 0; i < XPDK_ARRAY_SIZE(commands); i++)
		if (strcmp(commands[i].name, name) == 0)
			return &commands[i];
	return NULL;
}

static bool takes_value(const char *arg)
{
	static const char *const with_value[] = { "-d",	       "-r",	    "-w",      "-v",
						  "--device",  "--region",  "--width", "--viddid",
						  "--num-vfs", "--vf-token" };

	for (size_t i = 0; i < XPDK_ARRAY_SIZE(with_value); i++)
		if (strcmp(arg, with_value[i]) == 0)
			return true;
	return false;
}

/* The first argument that is not an option or an option's value, or NULL. */
static const char *first_word(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (strcmp(a, "--") == 0)
			return i + 1 < argc ? argv[i + 1] : NULL;
		if (a[0] != '-' || a[1] == '\0')
			return a;
		if (takes_value(a))
			i++;
	}
	return NULL;
}

/* Where first_word() found @word. */
static int word_index(int argc, char **argv, const char *word)
{
	for (int i = 1; i < argc; i++)
		if (argv[i] == word)
			return i;
	return argc;
}

/* "-w/--width", or "--all" for options without a short form. */
static const char *option_name(int c)
{
	static char buf[32];

	for (const struct option *lo = longopts; lo->name != NULL; lo++) {
		if (lo->val != c)
			continue;
		if (strchr("aNT", c) != NULL) /* long only */
			snprintf(buf, sizeof(buf), "--%s", lo->name);
		else
			snprintf(buf, sizeof(buf), "-%c/--%s", c, lo->name);
		return buf;
	}
	return "?";
}

static int parse_uint(const struct io_opts *o, const char *what, const char *s, uint64_t max,
		      uint64_t *out)
{
	if (xpdk_parse_u64(s, out) < 0)
		return io_fail(o, IO_EXIT_USAGE, "%s '%s': %s", what, s, xpdk_strerror_last());
	if (*out > max)
		return io_fail(o, IO_EXIT_USAGE, "%s '%s' is out of range (at most %llu)", what, s,
			       (unsigned long long)max);
	return 0;
}

static int parse_options(int argc, char **argv, const struct io_command *cmd, struct io_opts *o)
{
	uint64_t v;
	int c;

	opterr = 0;
	while ((c = getopt_long(argc, argv, ":d:r:w:v:aueh", longopts, NULL)) != -1) {
		if (c == '?' || c == ':') {
			const char *bad = argv[optind - 1];

			return io_fail(o, IO_EXIT_USAGE, "%s '%s'; try 'xpdk-io %s -h'",
				       c == ':' ? "missing value for option" : "unknown option",
				       bad, cmd->name);
		}
		if (c != 'j' && c != 'h' && strchr(cmd->options, c) == NULL)
			return io_fail(o, IO_EXIT_USAGE,
				       "%s does not take option %s; try 'xpdk-io %s -h'", cmd->name,
				       option_name(c), cmd->name);
		switch (c) {
		case 'd':
			o->dev_arg = optarg;
			break;
		case 'r':
			if (parse_uint(o, "region", optarg, XPDK_DEV_MAX_REGIONS - 1, &v) != 0)
				return IO_EXIT_USAGE;
			o->region = (unsigned int)v;
			o->region_set = true;
			break;
		case 'w':
			if (xpdk_parse_u64(optarg, &v) < 0 ||
			    (v != 8 && v != 16 && v != 32 && v != 64))
				return io_fail(o, IO_EXIT_USAGE,
					       "width '%s' is not 8, 16, 32 or 64 (bits)", optarg);
			o->width = (unsigned int)v;
			o->width_set = true;
			break;
		case 'v':
			o->viddid = optarg;
			break;
		case 'a':
			o->all = true;
			break;
		case 'u':
			o->show_uuid = true;
			break;
		case 'e':
			o->enable_sriov = true;
			break;
		case 'N':
			if (parse_uint(o, "--num-vfs", optarg, XPDK_PCI_MAX_VFS, &v) != 0)
				return IO_EXIT_USAGE;
			if (v == 0)
				return io_fail(
				    o, IO_EXIT_USAGE,
				    "--num-vfs 0 enables no VF: give 1 or more, or leave "
				    "it out for all");
			o->num_vfs = (unsigned int)v;
			break;
		case 'T':
			if (xpdk_pci_uuid_parse(optarg, NULL) < 0)
				return io_fail(o, IO_EXIT_USAGE, "--vf-token: %s",
					       xpdk_strerror_last());
			o->vf_token = optarg;
			break;
		default: /* --json and -h were seen before */
			break;
		}
	}
	if (strcmp(cmd->name, "init") == 0 && !o->enable_sriov && (o->num_vfs || o->vf_token))
		return io_fail(o, IO_EXIT_USAGE, "%s goes with -e (enable SR-IOV)",
			       o->num_vfs ? "--num-vfs" : "--vf-token");
	/* getopt moved the non-options to the end, in order: the command word comes first */
	o->pos = argv + optind + 1;
	o->npos = argc - optind - 1;
	if (o->npos < cmd->min_pos || o->npos > cmd->max_pos) {
		if (o->npos < cmd->min_pos)
			return io_fail(o, IO_EXIT_USAGE, "%s needs %s; try 'xpdk-io %s -h'",
				       cmd->name,
				       strcmp(cmd->name, "init") == 0	? "USER[:GROUP]"
				       : strcmp(cmd->name, "poke") == 0 ? "OFFSET and VALUE"
									: "OFFSET",
				       cmd->name);
		return io_fail(o, IO_EXIT_USAGE, "unexpected argument '%s'; try 'xpdk-io %s -h'",
			       o->pos[cmd->max_pos], cmd->name);
	}
	return 0;
}

/* @flag anywhere before "--"; a long flag also as the unambiguous abbreviation getopt_long
 * accepts ("--hel", "--js": no other long option shares their first letter). */
static bool has_flag(int argc, char **argv, const char *flag)
{
	for (int i = 1; i < argc && argv[i] != NULL && strcmp(argv[i], "--") != 0; i++) {
		size_t n = strlen(argv[i]);

		if (strcmp(argv[i], flag) == 0 ||
		    (flag[1] == '-' && n >= 3 && strncmp(argv[i], "--", 2) == 0 &&
		     strncmp(argv[i], flag, n) == 0))
			return true;
	}
	return false;
}

int main(int argc, char **argv)
{
	struct io_opts o = { .width = 64 };
	const struct io_command *cmd;
	const char *word = first_word(argc, argv);
	int end = word != NULL && find_command(word) == NULL ? word_index(argc, argv, word) : argc;
	/* in script mode, -h after the script is the script's */
	bool help = has_flag(end, argv, "-h") || has_flag(end, argv, "--help");
	struct stat st;

	o.json = has_flag(argc, argv, "--json");
	if (word == NULL) {
		if (help) {
			fputs(general_help, stdout);
			return IO_EXIT_OK;
		}
		return io_python(argc, argv, argc); /* interactive */
	}
	cmd = find_command(word);
	if (cmd == NULL) {
		/* script mode: xpdk-io's options end at the script; the rest is the script's */
		if (strcmp(word, "script") == 0 || stat(word, &st) == 0 ||
		    strstr(word, ".py") != NULL)
			return io_python(argc, argv, word_index(argc, argv, word));
		return io_fail(&o, IO_EXIT_USAGE,
			       "unknown command '%s': use ls, init, release, walk, peek or poke "
			       "(xpdk-io -h)",
			       word);
	}
	if (help) {
		fputs(cmd->help, stdout);
		return IO_EXIT_OK;
	}
	if (parse_options(argc, argv, cmd, &o) != 0)
		return IO_EXIT_USAGE;
	return cmd->run(&o);
}

/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 XPDK authors
 */

/*
 * EAL bring-up with XPDK's safe defaults, log types and the hugepage pre-check.
 */

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_log.h>

#include "env_priv.h"

RTE_LOG_REGISTER(xpdk_logtype_env, xpdk.env, NOTICE);
RTE_LOG_REGISTER(xpdk_logtype_dev, xpdk.dev, NOTICE);
RTE_LOG_REGISTER(xpdk_logtype_app, xpdk.app, NOTICE);

#define HUGEPAGES_SYSFS "/kernel/mm/hugepages"
#define MAX_DEFAULTS 8

static struct {
	bool ready;
	bool done; /* EAL was initialised once already: it cannot be restarted */
	bool hugepages;
	char file_prefix[64]; /* set when XPDK chose the prefix, so cleanup may remove its dir */
	char runtime_dir[256];
} env;

/* What the user said on the EAL command line, as far as the defaults care. */
struct eal_args_seen {
	bool pci_list;   /* -a/--allow/-b/--block/--no-pci */
	bool shconf;     /* --file-prefix/--in-memory/--no-shconf */
	bool no_huge;    /* --no-huge */
	bool legacy_mem; /* --legacy-mem */
	bool huge_unlink; /* --huge-unlink */
	bool iova_mode;  /* --iova-mode */
	bool log_level;  /* --log-level */
};

static bool opt_is(const char *arg, const char *name)
{
	size_t n = strlen(name);

	return strncmp(arg, name, n) == 0 && (arg[n] == '\0' || arg[n] == '=');
}

static void scan_eal_args(int argc, char **argv, struct eal_args_seen *seen)
{
	memset(seen, 0, sizeof(*seen));
	for (int i = 1; i < argc && strcmp(argv[i], "--") != 0; i++) {
		const char *a = argv[i];

		if (strncmp(a, "-a", 2) == 0 || strncmp(a, "-b", 2) == 0 || opt_is(a, "--allow") ||
		    opt_is(a, "--block") || opt_is(a, "--no-pci"))
			seen->pci_list = true;
		else if (opt_is(a, "--file-prefix") || opt_is(a, "--in-memory") ||
			 opt_is(a, "--no-shconf"))
			seen->shconf = true;
		else if (opt_is(a, "--no-huge"))
			seen->no_huge = true;
		else if (opt_is(a, "--legacy-mem"))
			seen->legacy_mem = true;
		else if (opt_is(a, "--huge-unlink"))
			seen->huge_unlink = true;
		else if (opt_is(a, "--iova-mode"))
			seen->iova_mode = true;
		else if (opt_is(a, "--log-level"))
			seen->log_level = true;
	}
}

const char *xpdk_sysfs_root(void)
{
	const char *root = getenv("XPDK_SYSFS");

	return root != NULL && root[0] != '\0' ? root : "/sys";
}

uint64_t xpdk_env_hugepages_free(void)
{
	char dir[512];
	DIR *d;
	struct dirent *de;
	uint64_t total = 0;

	snprintf(dir, sizeof(dir), "%s" HUGEPAGES_SYSFS, xpdk_sysfs_root());
	d = opendir(dir);
	if (d == NULL)
		return 0;
	while ((de = readdir(d)) != NULL) {
		char path[1024], line[32];
		unsigned long long kib;
		char *end;
		FILE *f;

		if (strncmp(de->d_name, "hugepages-", 10) != 0)
			continue;
		kib = strtoull(de->d_name + 10, &end, 10);
		if (strcmp(end, "kB") != 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s/free_hugepages", dir, de->d_name);
		f = fopen(path, "r");
		if (f == NULL)
			continue;
		if (fgets(line, sizeof(line), f) != NULL)
			total += strtoull(line, NULL, 10) * kib * 1024;
		fclose(f);
	}
	closedir(d);
	return total;
}

int xpdk_env_init(int argc, char **argv)
{
	struct eal_args_seen seen;
	char *defaults[MAX_DEFAULTS];
	char prefix_arg[96];
	char **eal_argv;
	int ndef = 0;
	int eal_argc;
	int ret;

	if (env.ready)
		return xpdk_err(EALREADY, "the environment is already initialised");
	if (env.done)
		return xpdk_err(EALREADY, "the environment can be initialised only once per "
					  "process (DPDK's EAL cannot be restarted)");
	if (argc < 1 || argv == NULL || argv[0] == NULL)
		return xpdk_err(EINVAL, "xpdk_env_init needs argv[0] (the program name)");

	scan_eal_args(argc, argv, &seen);
	if (!seen.pci_list)
		defaults[ndef++] = "--no-pci";
	if (!seen.shconf) {
		if (seen.no_huge || seen.legacy_mem) {
			defaults[ndef++] = "--no-shconf";
			/* legacy memory cannot be --in-memory: unlink its hugepage files */
			if (!seen.no_huge && !seen.huge_unlink)
				defaults[ndef++] = "--huge-unlink";
		} else {
			defaults[ndef++] = "--in-memory";
			defaults[ndef++] = "--single-file-segments";
		}
		/* a per-process prefix keeps each process's telemetry socket apart */
		snprintf(env.file_prefix, sizeof(env.file_prefix), "xpdk-%ld", (long)getpid());
		snprintf(prefix_arg, sizeof(prefix_arg), "--file-prefix=%s", env.file_prefix);
		defaults[ndef++] = prefix_arg;
	}
	if (!seen.iova_mode)
		defaults[ndef++] = "--iova-mode=va";
	if (!seen.log_level) {
		defaults[ndef++] = "--log-level=lib.eal:error";
		defaults[ndef++] = "--log-level=lib.telemetry:error";
	}

	if (!seen.no_huge && xpdk_env_hugepages_free() == 0) {
		env.file_prefix[0] = '\0';
		return xpdk_err(ENOMEM,
				"no free hugepages: reserve some with 'devtools/hugepages.sh' (as "
				"root, default 512 MiB of 2 MiB pages), or pass --no-huge to run "
				"without them (DMA buffers are then ordinary 4 KiB pages)");
	}

	/* argv[0], XPDK's defaults, then the user's arguments unchanged */
	eal_argc = argc + ndef;
	eal_argv = calloc((size_t)eal_argc + 1, sizeof(*eal_argv));
	if (eal_argv == NULL)
		return xpdk_err(ENOMEM, "out of memory building the EAL command line");
	eal_argv[0] = argv[0];
	for (int i = 0; i < ndef; i++)
		eal_argv[1 + i] = defaults[i];
	for (int i = 1; i < argc; i++)
		eal_argv[ndef + i] = argv[i];

	ret = rte_eal_init(eal_argc, eal_argv);
	free(eal_argv);
	if (ret < 0) {
		int err = rte_errno ? rte_errno : EINVAL;

		env.file_prefix[0] = '\0';
		return xpdk_err(err, "EAL initialisation failed: %s (see the EAL messages above)",
				rte_strerror(err));
	}
	env.ready = true;
	env.hugepages = !seen.no_huge;
	xpdk_env_mem_start();
	snprintf(env.runtime_dir, sizeof(env.runtime_dir), "%s", rte_eal_get_runtime_dir());

	/* rte_eal_init counted our defaults too; the caller skips only its own arguments */
	ret -= ndef;
	if (ret > 0 && ret < argc)
		argv[ret] = argv[0];
	return ret;
}

/* Remove the runtime directory XPDK chose for this process, and the sockets EAL left in it. */
static void remove_runtime_dir(void)
{
	DIR *d;
	struct dirent *de;

	if (env.file_prefix[0] == '\0' || strstr(env.runtime_dir, env.file_prefix) == NULL)
		return;
	d = opendir(env.runtime_dir);
	if (d == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] != '.')
			(void)unlinkat(dirfd(d), de->d_name, 0);
	}
	closedir(d);
	(void)rmdir(env.runtime_dir);
}

void xpdk_env_cleanup(void)
{
	if (!env.ready)
		return;
	xpdk_env_mem_stop();
	rte_eal_cleanup();
	remove_runtime_dir();
	memset(&env, 0, sizeof(env));
	env.done = true;
}

bool xpdk_env_ready(void)
{
	return env.ready;
}

bool xpdk_env_hugepages(void)
{
	return env.hugepages;
}

/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 XPDK authors
 */

/*
 * Script and interactive modes: xpdk-io resolves the device as its other commands do (-d, or
 * the one device present), then replaces itself with Python running xpdk.io_shell from XPDK's
 * Python package, which installs opae.io's built-ins and runs the script or a console.
 *
 *   xpdk-io [-d ADDR] [-r REGION] SCRIPT ARGS...         (opae.io 0.2)
 *   xpdk-io [-d ADDR] [-r REGION] script SCRIPT ARGS...  (opae.io 1.0)
 *   xpdk-io [-d ADDR] [-r REGION]                        (interactive)
 *
 * The package is taken from the build tree when this binary is the build tree's, else from
 * the directory meson installed it to; a missing package is said plainly.
 */

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "xpdk_io.h"

#define MAX_PY_ARGS 16

/* "--device X", "--device=X", "-d X" (and -r) before the command word. */
static int parse_py_options(int word, char **argv, struct io_opts *o)
{
	for (int i = 1; i < word; i++) {
		const char *a = argv[i], *val = NULL;
		bool dev = false, reg = false;
		uint64_t v;

		if (strcmp(a, "-d") == 0 || strcmp(a, "--device") == 0)
			dev = true;
		else if (strcmp(a, "-r") == 0 || strcmp(a, "--region") == 0)
			reg = true;
		else if (strncmp(a, "--device=", 9) == 0)
			dev = true, val = a + 9;
		else if (strncmp(a, "--region=", 9) == 0)
			reg = true, val = a + 9;
		if (!dev && !reg)
			return io_fail(
			    o, IO_EXIT_USAGE,
			    "option '%s' is not one of script and interactive modes' (-d "
			    "ADDR, -r REGION); try 'xpdk-io -h'",
			    a);
		if (val == NULL) {
			if (++i >= word)
				return io_fail(o, IO_EXIT_USAGE, "missing value for option '%s'",
					       a);
			val = argv[i];
		}
		if (dev) {
			o->dev_arg = val;
			continue;
		}
		if (xpdk_parse_u64(val, &v) < 0 || v >= XPDK_DEV_MAX_REGIONS)
			return io_fail(o, IO_EXIT_USAGE, "region '%s' is not 0 to %d", val,
				       XPDK_DEV_MAX_REGIONS - 1);
		o->region = (unsigned int)v;
	}
	return IO_EXIT_OK;
}

/* Without -d: the one usable device, or none (and a note saying why) - not an error here. */
static void pick_device(struct io_target *t, char *note, size_t len)
{
	struct io_list l = { 0 };
	size_t count = 0, pick = 0;

	if (io_enumerate(&l, false) < 0) {
		snprintf(note, len, "%s", xpdk_strerror_last());
		return;
	}
	for (size_t i = 0; i < l.n; i++) {
		const struct io_entry *e = &l.v[i];

		if (e->state == IO_STATE_OK && (!e->is_pci || strcmp(e->driver, "vfio-pci") == 0)) {
			pick = i;
			count++;
		}
	}
	if (count == 1)
		snprintf(t->name, sizeof(t->name), "%s", l.v[pick].name);
	else if (count == 0)
		snprintf(note, len,
			 "no accelerator bound to vfio-pci and no running devsim device");
	else
		snprintf(note, len, "%zu devices present ('xpdk-io ls')", count);
	io_list_free(&l);
}

/* The directory holding the xpdk package: the build tree's for the build tree's binary. */
static const char *package_dir(void)
{
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	size_t root = strlen(XPDK_BUILD_ROOT);

	if (n > 0 && (size_t)n > root && strncmp(exe, XPDK_BUILD_ROOT, root) == 0 &&
	    exe[root] == '/')
		return XPDK_PY_BUILD_DIR;
	return XPDK_PY_INSTALL_DIR;
}

/* Run python3 -P -m xpdk.io_shell ARGS with the package's directory first on PYTHONPATH. */
static int exec_shell(const struct io_opts *o, const char *dir, char **args)
{
	const char *python = getenv("XPDK_PYTHON"), *old = getenv("PYTHONPATH");
	char path[PATH_MAX * 2];

	snprintf(path, sizeof(path), "%s%s%s", dir, old && old[0] ? ":" : "", old ? old : "");
	setenv("PYTHONPATH", path, 1);
	if (python == NULL || python[0] == '\0')
		python = XPDK_PY_PYTHON;
	execv(python, args);
	return io_fail(o, IO_EXIT_DEVICE, "cannot run %s: %s", python, strerror(errno));
}

int io_python(int argc, char **argv, int word)
{
	struct io_opts o = { .width = 64 };
	struct io_target t = { 0 };
	const char *dir = package_dir();
	char shell[PATH_MAX], region[16], note[512] = "";
	char **args;
	int n = 0, rc;
	struct stat st;

	rc = parse_py_options(word, argv, &o);
	if (rc != IO_EXIT_OK)
		return rc;
	if (XPDK_PY_PYTHON[0] == '\0')
		return io_fail(&o, IO_EXIT_DEVICE,
			       "this xpdk-io was built without XPDK's Python package (cython3 and "
			       "python3-dev were missing: run devtools/install-deps.sh and build "
			       "again); script and interactive modes need it");
	snprintf(shell, sizeof(shell), "%s/xpdk/io_shell.py", dir);
	if (stat(shell, &st) < 0)
		return io_fail(&o, IO_EXIT_DEVICE,
			       "script and interactive modes need XPDK's Python package, which is "
			       "not in %s (%s): run 'meson install' (or use the build tree's "
			       "xpdk-io)",
			       dir, strerror(errno));
	if (o.dev_arg != NULL) {
		rc = io_target_get(&o, "open", &t);
		if (rc != IO_EXIT_OK)
			return rc;
	} else {
		pick_device(&t, note, sizeof(note));
	}

	args = calloc((size_t)(MAX_PY_ARGS + argc + 1), sizeof(char *));
	if (args == NULL)
		return io_fail(&o, IO_EXIT_DEVICE, "out of memory");
	args[n++] = (char *)"python3";
	args[n++] = (char *)"-P"; /* no cwd on sys.path: a local xpdk.py cannot stand in */
	args[n++] = (char *)"-m";
	args[n++] = (char *)"xpdk.io_shell";
	if (t.name[0] != '\0') {
		snprintf(region, sizeof(region), "%u", o.region);
		args[n++] = (char *)"--device";
		args[n++] = t.name;
		args[n++] = (char *)"--display";
		args[n++] = (char *)(o.dev_arg != NULL ? o.dev_arg : t.name);
		args[n++] = (char *)"--region";
		args[n++] = region;
	}
	if (note[0] != '\0') {
		args[n++] = (char *)"--note";
		args[n++] = note;
	}
	if (word >= argc) {
		args[n++] = (char *)"interactive";
	} else {
		args[n++] = (char *)"script";
		if (strcmp(argv[word], "script") == 0)
			word++; /* opae.io 1.0's spelling */
		for (int i = word; i < argc; i++)
			args[n++] = argv[i];
	}
	args[n] = NULL;
	rc = exec_shell(&o, dir, args);
	free(args);
	return rc;
}

/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 XPDK authors
 */

/*
 * xpdk-devsim: serve simulated PCIe devices over vfio-user.
 *
 *   xpdk-devsim --model NAME [--model-args ARGS] [--name N] [--socket-path PATH | --fd FD] …
 *
 * Each --model starts a device; the options after it, up to the next --model, configure it.
 * Runs in the foreground (vfio-user backend conventions), stops on SIGTERM or SIGINT and removes
 * its sockets. Sockets default to $XPDK_DEVSIM_DIR or /run/xpdk/devsim, named <name>.sock,
 * where tools (xpdk-io ls) find them.
 */

#include <errno.h>
#include <getopt.h>
#include <grp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "xpdk_devsim.h"

#define MAX_DEVICES 16
#define DEFAULT_DIR "/run/xpdk/devsim"

struct dev_opts {
	const char *model;
	const char *args;
	const char *name;
	const char *socket_path;
	const char *pci_id;
	long socket_gid; /* -1: the process's group */
	int fd;
	int socket_mode; /* -1: the default, 0600 */
	char auto_name[64];
	char auto_path[512];
};

#define STOP_TIMEOUT_S 5 /* a stop that takes longer than this is forced */

static volatile sig_atomic_t stop_requested;
/* socket paths to remove if a stop has to be forced (written before the signal handlers run) */
static const char *socket_paths[MAX_DEVICES];

static void on_signal(int sig)
{
	(void)sig;
	stop_requested = 1;
}

/* The orderly stop did not finish (a device thread stuck where it cannot see the request):
 * remove our sockets and exit anyway, so that SIGTERM works in every state. */
static void on_stop_timeout(int sig)
{
	static const char msg[] = "xpdk-devsim: stopping took too long; exiting anyway\n";

	(void)sig;
	for (int i = 0; i < MAX_DEVICES; i++)
		if (socket_paths[i] != NULL)
			unlink(socket_paths[i]);
	(void)!write(STDERR_FILENO, msg, sizeof(msg) - 1);
	_exit(1);
}

static void usage(FILE *out)
{
	fprintf(
	    out,
	    "Usage: xpdk-devsim --model NAME [--model-args ARGS] [--name NAME]\n"
	    "                   [--socket-path PATH | --fd FD] [--pci-id VID:DID]\n"
	    "                   [--model NAME …] [-v|-q]\n"
	    "       xpdk-devsim --list-models [--json]\n"
	    "\n"
	    "Serve simulated PCIe devices over vfio-user (one client per device at a time).\n"
	    "Each --model starts a device; the options after it configure that device.\n"
	    "\n"
	    "  -m, --model NAME        device model (see --list-models)\n"
	    "  -a, --model-args ARGS   model arguments, key=value[,key=value…]\n"
	    "  -n, --name NAME         device name (default: model name and index, e.g. edu0)\n"
	    "  -s, --socket-path PATH  listen on this UNIX socket (default:\n"
	    "                          $XPDK_DEVSIM_DIR/NAME.sock, XPDK_DEVSIM_DIR defaults to\n"
	    "                          " DEFAULT_DIR ")\n"
	    "      --fd FD             serve the already-connected socket FD instead, and exit\n"
	    "                          when its client leaves\n"
	    "      --socket-mode MODE  permissions of the socket in octal (default 0600: only\n"
	    "                          this user may connect), e.g. 0660 with --socket-group\n"
	    "      --socket-group GRP  group of the socket (name or number)\n"
	    "  -p, --pci-id VID:DID    present these PCI vendor and device IDs (hex) instead of\n"
	    "                          the model's, e.g. 8086:0b2b for a dfl-fpga D5005\n"
	    "  -l, --list-models       list the models and their arguments\n"
	    "      --json              with --list-models: one JSON document\n"
	    "  -v, --verbose           more log (repeat for debug)\n"
	    "  -q, --quiet             errors only\n"
	    "  -h, --help              this text\n"
	    "\n"
	    "Runs in the foreground; SIGTERM or SIGINT stops it and removes its sockets.\n"
	    "A socket path holding a live server or a file that is not a socket is refused.\n"
	    "Example: xpdk-devsim --model edu --model dfl-fpga --model-args seed=7\n");
}

struct list_ctx {
	int json;
	int n;
};

static void print_json_string(const char *s)
{
	putchar('"');
	for (; *s != '\0'; s++) {
		if (*s == '"' || *s == '\\')
			printf("\\%c", *s);
		else if (*s == '\n')
			printf("\\n");
		else if ((unsigned char)*s < 0x20)
			printf("\\u%04x", *s);
		else
			putchar(*s);
	}
	putchar('"');
}

static void list_one(const struct xpdk_devsim_model *m, void *arg)
{
	struct list_ctx *ctx = arg;

	if (ctx->json) {
		printf("%s{\"name\":", ctx->n ? "," : "");
		print_json_string(m->name);
		printf(",\"summary\":");
		print_json_string(m->summary ? m->summary : "");
		printf(",\"args\":");
		print_json_string(m->args_help ? m->args_help : "");
		printf("}");
	} else {
		printf("%-10s %s\n", m->name, m->summary ? m->summary : "");
		if (m->args_help != NULL && m->args_help[0] != '\0') {
			const char *p = m->args_help;

			/* one argument per line, indented */
			while (*p != '\0') {
				const char *nl = strchr(p, '\n');
				int len = nl ? (int)(nl - p) : (int)strlen(p);

				printf("           %.*s\n", len, p);
				p += len + (nl ? 1 : 0);
			}
		}
	}
	ctx->n++;
}

static int list_models(int json)
{
	struct list_ctx ctx = { .json = json };

	if (json)
		printf("{\"models\":[");
	xpdk_devsim_model_foreach(list_one, &ctx);
	if (json)
		printf("]}\n");
	return 0;
}

static int make_dir(const char *path)
{
	char tmp[512];

	snprintf(tmp, sizeof(tmp), "%s", path);
	for (char *p = tmp + 1; *p != '\0'; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(tmp, 0755) < 0 && errno != EEXIST)
			return -errno;
		*p = '/';
	}
	if (mkdir(tmp, 0755) < 0 && errno != EEXIST)
		return -errno;
	return 0;
}

/* Fill in default names and socket paths. */
static int complete_opts(struct dev_opts *devs, int ndev)
{
	const char *dir = getenv("XPDK_DEVSIM_DIR");

	if (dir == NULL || dir[0] == '\0')
		dir = DEFAULT_DIR;
	for (int i = 0; i < ndev; i++) {
		struct dev_opts *d = &devs[i];

		if (d->name != NULL && (d->name[0] == '\0' || strchr(d->name, '/') != NULL)) {
			fprintf(stderr, "xpdk-devsim: device name '%s' is empty or has a '/'\n",
				d->name);
			return 2;
		}
		if (d->name == NULL) {
			int idx = 0;

			for (int j = 0; j < i; j++)
				idx += strcmp(devs[j].model, d->model) == 0;
			snprintf(d->auto_name, sizeof(d->auto_name), "%s%d", d->model, idx);
			d->name = d->auto_name;
		}
		if (d->socket_path == NULL && d->fd < 0) {
			int rc = make_dir(dir);

			if (rc < 0) {
				fprintf(stderr, "xpdk-devsim: cannot create %s: %s\n", dir,
					strerror(-rc));
				return 1;
			}
			snprintf(d->auto_path, sizeof(d->auto_path), "%s/%s.sock", dir, d->name);
			d->socket_path = d->auto_path;
		}
		for (int j = 0; j < i; j++) {
			if (strcmp(devs[j].name, d->name) == 0) {
				fprintf(stderr, "xpdk-devsim: two devices are named '%s'\n",
					d->name);
				return 2;
			}
			if (d->socket_path != NULL && devs[j].socket_path != NULL &&
			    strcmp(devs[j].socket_path, d->socket_path) == 0) {
				fprintf(stderr,
					"xpdk-devsim: devices '%s' and '%s' both use socket %s\n",
					devs[j].name, d->name, d->socket_path);
				return 2;
			}
			if (d->fd >= 0 && devs[j].fd == d->fd) {
				fprintf(stderr,
					"xpdk-devsim: devices '%s' and '%s' both use fd %d\n",
					devs[j].name, d->name, d->fd);
				return 2;
			}
		}
	}
	return 0;
}

static int parse_fd(const char *s, int *fd)
{
	struct stat st;
	uint64_t v;
	int type = 0;
	socklen_t len = sizeof(type);

	if (xpdk_parse_u64(s, &v) < 0 || v > 65535) {
		fprintf(stderr, "xpdk-devsim: --fd '%s' is not a file descriptor number\n", s);
		return 2;
	}
	if (fstat((int)v, &st) < 0) {
		fprintf(stderr, "xpdk-devsim: --fd %d: %s\n", (int)v, strerror(errno));
		return 2;
	}
	if (!S_ISSOCK(st.st_mode) || getsockopt((int)v, SOL_SOCKET, SO_TYPE, &type, &len) < 0 ||
	    type != SOCK_STREAM) {
		fprintf(stderr, "xpdk-devsim: --fd %d is not a connected stream socket\n", (int)v);
		return 2;
	}
	*fd = (int)v;
	return 0;
}

static int parse_mode(const char *s, int *mode)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 8);
	if (s[0] < '0' || s[0] > '7' || *end != '\0' || errno != 0 || v < 0 || v > 0777) {
		fprintf(stderr,
			"xpdk-devsim: --socket-mode '%s' is not a mode in octal (0 to 0777)\n", s);
		return 2;
	}
	*mode = (int)v;
	return 0;
}

static int parse_group(const char *s, long *gid)
{
	struct group grp, *res = NULL;
	char buf[4096];
	uint64_t v;

	if (s[0] == '\0') {
		fprintf(stderr, "xpdk-devsim: --socket-group is empty\n");
		return 2;
	}
	if (getgrnam_r(s, &grp, buf, sizeof(buf), &res) == 0 && res != NULL) {
		*gid = (long)res->gr_gid;
		return 0;
	}
	if (xpdk_parse_u64(s, &v) == 0 && v < 0x7fffffff) {
		*gid = (long)v;
		return 0;
	}
	fprintf(stderr, "xpdk-devsim: --socket-group '%s': no such group\n", s);
	return 2;
}

static int parse_args(int argc, char **argv, struct dev_opts *devs, int *ndev, int *list, int *json,
		      int *verbosity)
{
	static const struct option longopts[] = {
		{ "model", required_argument, NULL, 'm' },
		{ "model-args", required_argument, NULL, 'a' },
		{ "name", required_argument, NULL, 'n' },
		{ "socket-path", required_argument, NULL, 's' },
		{ "fd", required_argument, NULL, 'f' },
		{ "pci-id", required_argument, NULL, 'p' },
		{ "socket-mode", required_argument, NULL, 'M' },
		{ "socket-group", required_argument, NULL, 'G' },
		{ "list-models", no_argument, NULL, 'l' },
		{ "json", no_argument, NULL, 'j' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct dev_opts *cur = NULL;
	int c;

	while ((c = getopt_long(argc, argv, "m:a:n:s:p:lvqh", longopts, NULL)) != -1) {
		if (c == 'a' || c == 'n' || c == 's' || c == 'f' || c == 'p' || c == 'M' ||
		    c == 'G') {
			if (cur == NULL) {
				fprintf(stderr, "xpdk-devsim: %s must follow a --model\n",
					argv[optind - 1]);
				return 2;
			}
			if (c == 'a')
				cur->args = optarg;
			else if (c == 'n')
				cur->name = optarg;
			else if (c == 's' && optarg[0] == '\0') {
				fprintf(stderr, "xpdk-devsim: --socket-path is empty\n");
				return 2;
			} else if (c == 's')
				cur->socket_path = optarg;
			else if (c == 'p')
				cur->pci_id = optarg;
			else if (c == 'M') {
				if (parse_mode(optarg, &cur->socket_mode) != 0)
					return 2;
			} else if (c == 'G') {
				if (parse_group(optarg, &cur->socket_gid) != 0)
					return 2;
			} else if (parse_fd(optarg, &cur->fd) != 0)
				return 2;
			continue;
		}
		switch (c) {
		case 'm':
			if (*ndev == MAX_DEVICES) {
				fprintf(stderr, "xpdk-devsim: at most %d devices per process\n",
					MAX_DEVICES);
				return 2;
			}
			cur = &devs[(*ndev)++];
			memset(cur, 0, sizeof(*cur));
			cur->model = optarg;
			cur->args = "";
			cur->fd = -1;
			cur->socket_mode = -1;
			cur->socket_gid = -1;
			break;
		case 'l':
			*list = 1;
			break;
		case 'j':
			*json = 1;
			break;
		case 'v':
			(*verbosity)++;
			break;
		case 'q':
			*verbosity = 0;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		default:
			fprintf(stderr, "Try 'xpdk-devsim --help'.\n");
			return 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "xpdk-devsim: unexpected argument '%s'\n", argv[optind]);
		return 2;
	}
	for (int i = 0; i < *ndev; i++) {
		if (devs[i].socket_path != NULL && devs[i].fd >= 0) {
			fprintf(stderr, "xpdk-devsim: --socket-path and --fd exclude each other\n");
			return 2;
		}
		if ((devs[i].socket_mode >= 0 || devs[i].socket_gid >= 0) && devs[i].fd >= 0) {
			fprintf(stderr,
				"xpdk-devsim: --socket-mode and --socket-group need a socket "
				"path, not --fd\n");
			return 2;
		}
	}
	if (!*list && *ndev == 0) {
		fprintf(stderr, "xpdk-devsim: no --model given (see --list-models)\n");
		return 2;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct dev_opts devs[MAX_DEVICES];
	struct xpdk_devsim_dev *inst[MAX_DEVICES] = { 0 };
	struct sigaction sa;
	int ndev = 0, list = 0, json = 0, verbosity = 2;
	int rc;

	rc = parse_args(argc, argv, devs, &ndev, &list, &json, &verbosity);
	if (rc != 0)
		return rc;
	if (list)
		return list_models(json);
	rc = complete_opts(devs, ndev);
	if (rc != 0)
		return rc;
	xpdk_devsim_set_log_level(verbosity);

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);

	rc = 0;
	for (int i = 0; i < ndev; i++) {
		const struct dev_opts *d = &devs[i];
		unsigned int vfs;

		inst[i] = xpdk_devsim_create(d->model, d->args, d->name, d->socket_path, d->fd);
		if (inst[i] != NULL)
			socket_paths[i] = d->socket_path;
		if (inst[i] == NULL ||
		    (d->pci_id != NULL && xpdk_devsim_set_pci_id(inst[i], d->pci_id) < 0) ||
		    ((d->socket_mode >= 0 || d->socket_gid >= 0) &&
		     xpdk_devsim_socket_access(inst[i], d->socket_mode, d->socket_gid) < 0) ||
		    xpdk_devsim_start(inst[i]) < 0) {
			fprintf(stderr, "xpdk-devsim: %s: %s\n", d->name, xpdk_strerror_last());
			rc = 1;
			goto out;
		}
		vfs = 0;
		for (unsigned int f = 0; f < xpdk_devsim_function_count(inst[i]); f++) {
			struct xpdk_devsim_dev *fn = xpdk_devsim_function(inst[i], f);

			if (xpdk_devsim_is_vf(fn))
				vfs++;
			else
				printf("%s: model %s function %d on %s\n", d->name, d->model,
				       xpdk_devsim_function_index(fn), xpdk_devsim_socket_path(fn));
		}
		if (xpdk_devsim_function_count(inst[i]) > vfs)
			; /* served only through its functions */
		else if (d->socket_path != NULL)
			printf("%s: model %s on %s\n", d->name, d->model, d->socket_path);
		else
			printf("%s: model %s on fd %d\n", d->name, d->model, d->fd);
		/* SR-IOV VFs: their sockets exist while the PF's VF Enable is set */
		for (unsigned int f = 0; f < xpdk_devsim_function_count(inst[i]); f++) {
			struct xpdk_devsim_dev *fn = xpdk_devsim_function(inst[i], f);

			if (xpdk_devsim_is_vf(fn))
				printf("%s: virtual function %s on %s (while VF Enable is set)\n",
				       d->name, xpdk_devsim_name(fn), xpdk_devsim_socket_path(fn));
		}
	}
	printf("xpdk-devsim: %d device%s ready (SIGTERM or Ctrl-C to stop)\n", ndev,
	       ndev == 1 ? "" : "s");
	fflush(stdout);

	while (!stop_requested) {
		bool all_done = true;

		for (int i = 0; i < ndev; i++)
			all_done = all_done && xpdk_devsim_finished(inst[i]);
		if (all_done)
			break;
		usleep(50 * 1000);
	}
out:
	/* a device that cannot stop (it should not happen) must not make SIGTERM useless */
	sa.sa_handler = on_stop_timeout;
	sigaction(SIGALRM, &sa, NULL);
	alarm(STOP_TIMEOUT_S);
	for (int i = 0; i < ndev; i++)
		xpdk_devsim_destroy(inst[i]);
	alarm(0);
	return rc;
}

/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 XPDK authors
 */

/*
 * xpdk-io's private interface between its files: the parsed command line, how errors leave the
 * tool (a sentence on stderr, and with --json a document on stdout, and an exit code), the
 * device list shared by `ls` and by choosing a device when -d is not given, and opening a device.
 */

#ifndef XPDK_IO_H
#define XPDK_IO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <json-c/json.h>

#include "xpdk_dev.h"

/** Exit codes. */
#define IO_EXIT_OK     0
#define IO_EXIT_DEVICE 1 /**< device or I/O error */
#define IO_EXIT_USAGE  2 /**< usage error: a bad argument, or one the device refuses */

#define IO_DEVSIM_DIR_DEFAULT "/run/xpdk/devsim"
/** EAL arguments for PCI functions unless $XPDK_EAL_ARGS is set. */
#define IO_EAL_ARGS_DEFAULT "-l 0 --no-huge -m 16 --no-telemetry"
#define IO_NAME_LEN	    300

/** The command line, parsed. */
struct io_opts {
	const char *cmd;     /**< ls, init, release, walk, peek, poke */
	const char *dev_arg; /**< -d, or NULL */
	unsigned int region; /**< -r, default 0 */
	bool region_set;
	unsigned int width; /**< -w, default 64 */
	bool width_set;
	const char *viddid;   /**< ls -v */
	bool all;	      /**< ls --all */
	bool show_uuid;	      /**< walk -u */
	bool enable_sriov;    /**< init -e */
	unsigned int num_vfs; /**< init --num-vfs, 0: all */
	const char *vf_token; /**< init -e --vf-token; walk/peek/poke: EAL's --vfio-vf-token */
	bool json;	      /**< --json */
	char **pos;	      /**< positional arguments after the command */
	int npos;
};

/** State of a listed device. */
enum io_state {
	IO_STATE_OK,	/**< reachable (a PCI function, or a devsim socket that answered) */
	IO_STATE_STALE, /**< a socket file nobody listens on */
	IO_STATE_BUSY,	/**< a devsim device serving another client */
	IO_STATE_ERROR, /**< could not be asked (see note) */
};

/** One device as `ls` shows it. */
struct io_entry {
	char name[IO_NAME_LEN]; /**< what -d accepts: PCI address or vfio-user:PATH */
	bool is_pci;
	uint16_t vendor, device, subsystem_vendor, subsystem_device;
	uint32_t class_code;
	char description[128];	 /**< pci.ids, else the XPDK driver table's */
	char driver[64];	 /**< kernel driver, or "vfio-user" */
	int iommu_group;	 /**< -1: none */
	const char *xpdk_driver; /**< XPDK driver whose ID table matches, or NULL */
	enum io_state state;
	char note[256]; /**< why the state is not OK */
};

/** A growable list of entries. */
struct io_list {
	struct io_entry *v;
	size_t n, cap;
};

/** @name Errors and output (main.c) */
/**@{*/
/** Print "xpdk-io: <sentence>" on stderr (and a JSON error document with --json); return @p code.
 */
int io_fail(const struct io_opts *o, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/** Print @p doc (taking it) as one line of JSON on stdout. */
void io_json_print(struct json_object *doc);
/** "0x%llx" as a JSON string object. */
struct json_object *io_json_hex(uint64_t v, unsigned int digits);
/**@}*/

/** @name Device list (io_ls.c) */
/**@{*/
/** The devsim runtime directory ($XPDK_DEVSIM_DIR or the default). */
const char *io_devsim_dir(void);
/**
 * Fill @p l with accelerator PCI functions (every function with @p all) and devsim devices.
 * @return 0, or a negative errno with the last-error sentence.
 */
int io_enumerate(struct io_list *l, bool all);
void io_list_free(struct io_list *l);
/** Probe one devsim socket into @p e. */
void io_probe_socket(const char *path, struct io_entry *e);
/** `xpdk-io ls`. */
int io_cmd_ls(const struct io_opts *o);
/**@}*/

/** @name Choosing and opening a device (io_dev.c) */
/**@{*/
/** What a -d argument names. */
struct io_target {
	char name[IO_NAME_LEN]; /**< for xpdk_dev_open(): canonical PCI address or vfio-user:PATH */
	bool is_pci;
	const char *sock; /**< vfio-user: the socket path inside name */
};

/**
 * Resolve -d (or, without it, the one device that fits @p want: "open", "init" or "release").
 * @return IO_EXIT_OK, or an exit code after printing the error.
 */
int io_target_get(const struct io_opts *o, const char *want, struct io_target *t);

/** Open the target (EAL only for PCI functions). @return IO_EXIT_OK or an exit code. */
int io_dev_open(const struct io_opts *o, const struct io_target *t, struct xpdk_dev **dev);

/** Close the device and the environment, if it was started. */
void io_dev_close(struct xpdk_dev *dev);

/**
 * The region asked with -r, checked to hold [off, off + bytes).
 * @return IO_EXIT_OK or an exit code after printing the error.
 */
int io_region_get(const struct io_opts *o, struct xpdk_dev *dev, uint64_t off, uint64_t bytes,
		  const struct xpdk_region **r);
/**@}*/

/** @name Commands */
/**@{*/
int io_cmd_init(const struct io_opts *o);    /* io_bind.c */
int io_cmd_release(const struct io_opts *o); /* io_bind.c */
int io_cmd_peek(const struct io_opts *o);    /* io_csr.c */
int io_cmd_poke(const struct io_opts *o);    /* io_csr.c */
int io_cmd_walk(const struct io_opts *o);    /* io_walk.c */
/**
 * Script mode (argv[@p word] is the script, or "script" then the script) and interactive mode
 * (@p word == @p argc): Python with opae.io's built-ins (io_py.c). Returns only on failure.
 */
int io_python(int argc, char **argv, int word);
/**@}*/

#endif /* XPDK_IO_H */

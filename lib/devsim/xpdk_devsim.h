/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 XPDK authors
 */

/**
 * @file
 * The device-simulation framework: device models registered by name, each instance served to
 * one client at a time over vfio-user.
 *
 * A *model* (e.g. `edu`, `dfl-fpga`) is an ops table registered with XPDK_DEVSIM_MODEL(). An
 * *instance* (struct xpdk_devsim_dev) owns an emulated PCI configuration space, up to six BARs
 * and a device thread. BARs are either *trapped* (every access reaches the model's mmio_read /
 * mmio_write, split into naturally aligned 1/2/4/8-byte accesses as kernel vfio-pci does) or
 * have *memory* parts that the client maps and uses with plain loads and stores (the fast path;
 * the model sees those bytes in the same shared memory).
 *
 * Threads and locking: the server thread calls mmio_read, mmio_write and reset with the
 * instance lock held. The device thread calls work() without it; a model takes it with
 * xpdk_devsim_lock() around state it shares with its register callbacks. DMA and interrupt
 * helpers may be called from either thread, without the lock.
 */

#ifndef XPDK_DEVSIM_H
#define XPDK_DEVSIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "xpdk_common.h"
#include "xpdk_pci_cfg.h"
#include "xpdk_vfio_user.h"

#ifdef __cplusplus
extern "C" {
#endif
XPDK_API_BEGIN

struct xpdk_devsim_dev;

/** work() return value meaning "nothing to do until kicked". */
#define XPDK_DEVSIM_IDLE UINT64_MAX

/** A device model. All callbacks except init are optional. */
struct xpdk_devsim_model {
	const char *name;      /**< what users type after --model */
	const char *summary;   /**< one line for --list-models */
	const char *args_help; /**< model arguments, "key=value,…" syntax, for --help */
	size_t priv_size;      /**< bytes of model state, zeroed, at xpdk_devsim_priv() */

	/**
	 * Set up the instance: parse @p args ("key=value,…", may be "" but never NULL), fill the
	 * configuration space (xpdk_devsim_cfg()), declare BARs, start state.
	 * @return 0, or a negative errno with the last-error sentence set.
	 */
	int (*init)(struct xpdk_devsim_dev *dev, const char *args);
	/** Release what init acquired. The device thread has stopped. */
	void (*fini)(struct xpdk_devsim_dev *dev);
	/** Read @p size (1, 2, 4 or 8) bytes at @p off, naturally aligned, of trapped BAR @p bar.
	 */
	uint64_t (*mmio_read)(struct xpdk_devsim_dev *dev, unsigned int bar, uint64_t off,
			      unsigned int size);
	/** Write the low @p size bytes of @p val at @p off of trapped BAR @p bar. */
	void (*mmio_write)(struct xpdk_devsim_dev *dev, unsigned int bar, uint64_t off,
			   unsigned int size, uint64_t val);
	/** Device reset (vfio-user DEVICE_RESET): back to power-on register state. */
	void (*reset)(struct xpdk_devsim_dev *dev);
	/**
	 * Run engines on the device thread, after xpdk_devsim_kick() or when the delay returned
	 * last time expires.
	 * @return nanoseconds until the model wants to run again, or XPDK_DEVSIM_IDLE.
	 */
	uint64_t (*work)(struct xpdk_devsim_dev *dev);
	/** The client went away: abandon in-flight DMA (its memory is no longer mapped). */
	void (*detach)(struct xpdk_devsim_dev *dev);
	/**
	 * A client writes @p len bytes at @p off of the configuration space of @p dev (the
	 * instance or one of its functions), with the lock held. Without this callback the write
	 * goes through the write masks (xpdk_pci_cfg_write()); with it the model applies it
	 * itself (usually with xpdk_pci_cfg_write()) and acts on what changed.
	 * @return 0, or a negative errno to refuse the write: the client's REGION_WRITE fails
	 *         with it, as a device may refuse a configuration write (e.g. -EBUSY).
	 */
	int (*cfg_write)(struct xpdk_devsim_dev *dev, uint64_t off, const void *buf, size_t len);
	/** xpdk_devsim_set_pci_id() changed the instance's IDs: update what follows from them
	 *  (e.g. the device ID of its virtual functions). */
	void (*ids_changed)(struct xpdk_devsim_dev *dev);
	/**
	 * The instance is a multi-function device: init() adds its PCI functions with
	 * xpdk_devsim_function_add() and the instance itself is not served (see "Functions").
	 */
	bool multi_function;
};

/** @name Model registry */
/**@{*/
/**
 * Register a model (done at load time by XPDK_DEVSIM_MODEL).
 * @param model the model, which must outlive the program.
 */
void xpdk_devsim_model_register(const struct xpdk_devsim_model *model);
/**
 * Find a model by name; NULL with the last-error sentence listing the known ones.
 * @param name the model name.
 * @return the model, or NULL.
 */
const struct xpdk_devsim_model *xpdk_devsim_model_find(const char *name);
/**
 * Call @p cb for every registered model, in name order.
 * @param cb called with each model and @p arg.
 * @param arg passed to @p cb.
 */
void xpdk_devsim_model_foreach(void (*cb)(const struct xpdk_devsim_model *m, void *arg), void *arg);

/** Register @p m when the program loads. */
#define XPDK_DEVSIM_MODEL(m)                                                                       \
	__attribute__((constructor)) static void xpdk_devsim_register_##m(void)                    \
	{                                                                                          \
		xpdk_devsim_model_register(&(m));                                                  \
	}
/**@}*/

/** @name Instances: create, serve, stop */
/**@{*/
/**
 * Create an instance of model @p model with model arguments @p args ("" for defaults), to be
 * served on the UNIX socket @p socket_path (the server listens there; a stale socket file is
 * replaced) or, when @p socket_path is NULL, on the already-connected socket @p fd (one client,
 * as the vfio-user backend convention `--fd` describes).
 *
 * @param name  the instance's name for messages (e.g. "edu0").
 * @param model the model name (see xpdk_devsim_model_foreach()).
 * @param args model arguments, "key=value,…", or "".
 * @param socket_path where to listen, or NULL to serve @p fd.
 * @param fd a connected socket (ownership is taken) when @p socket_path is NULL.
 * @return the instance, or NULL with the last-error sentence set.
 */
struct xpdk_devsim_dev *xpdk_devsim_create(const char *model, const char *args, const char *name,
					   const char *socket_path, int fd);

/**
 * Start serving: the server thread accepts clients (one at a time) and the device thread runs
 * @param dev the instance.
 * the model's engines. @return 0 or a negative errno.
 */
int xpdk_devsim_start(struct xpdk_devsim_dev *dev);

/**
 * Present other PCI vendor and device IDs than the model's: @p ids is "VID:DID" in hex (e.g.
 * "8086:0b2b"). Call between xpdk_devsim_create() and xpdk_devsim_start().
 * @param dev the instance.
 * @param ids "VID:DID" in hex.
 * @return 0 or -EINVAL with the last-error sentence set.
 */
int xpdk_devsim_set_pci_id(struct xpdk_devsim_dev *dev, const char *ids);

/**
 * Let other users reach the instance's socket: @p mode (e.g. 0660; -1 keeps 0600) and group
 * @p gid (-1 keeps the creator's). Call after xpdk_devsim_create(), before clients are expected;
 * the socket is created 0600, so it is never wider than asked. A multi-function instance
 * applies them to every function's socket.
 * @param dev the instance.
 * @param mode the socket's permission bits, or -1.
 * @param gid the socket's group, or -1.
 * @return 0, or a negative errno with the last-error sentence (-EINVAL for an fd instance).
 */
int xpdk_devsim_socket_access(struct xpdk_devsim_dev *dev, int mode, long gid);

/**
 * True once the instance stopped on its own (its `--fd` client left, or a fatal error).
 * @param dev the instance.
 * @return true when it stopped on its own.
 */
bool xpdk_devsim_finished(const struct xpdk_devsim_dev *dev);

/**
 * Stop the threads, drop the client, remove the socket file and free the instance.
 * NULL is ignored.
 * @param dev the instance, or NULL.
 */
void xpdk_devsim_destroy(struct xpdk_devsim_dev *dev);

/**
 * Verbosity of xpdk_devsim_log() for all instances: 0 errors, 1 warnings, 2 info (default),
 * 3 debug. Lines go to stderr with a timestamp and the instance name.
 * @param level 0 to 3.
 */
void xpdk_devsim_set_log_level(int level);
/**@}*/

/** @name For models: the instance */
/**@{*/
/**
 * The model's private state (priv_size bytes).
 * @param dev the instance.
 * @return the model state, zeroed at creation.
 */
void *xpdk_devsim_priv(struct xpdk_devsim_dev *dev);
/**
 * The instance's configuration space, to fill in init().
 * @param dev the instance.
 * @return its configuration space.
 */
struct xpdk_pci_cfg *xpdk_devsim_cfg(struct xpdk_devsim_dev *dev);
/**
 * The instance's name (socket base name), for messages.
 * @param dev the instance.
 * @return its name, valid while the instance lives.
 */
const char *xpdk_devsim_name(const struct xpdk_devsim_dev *dev);

/**
 * Declare BAR @p bar of @p size bytes (power of two) in the configuration space and as a
 * vfio-user region. Every access is trapped unless parts are given memory with
 * xpdk_devsim_bar_mem().
 * @param dev the instance.
 * @param bar BAR index, 0 to 5.
 * @param size bytes, a power of two.
 * @param mem64 a 64-bit memory BAR (it takes BAR @p bar and @p bar + 1).
 * @return 0 or a negative errno.
 */
int xpdk_devsim_bar(struct xpdk_devsim_dev *dev, unsigned int bar, uint64_t size, bool mem64);

/**
 * Back [@p off, @p off + @p len) of BAR @p bar (page-aligned) with shared memory that the client
 * maps: its loads and stores there never reach the model's callbacks.
 * @param dev the instance.
 * @param bar a BAR declared with xpdk_devsim_bar().
 * @param off offset in the BAR, page-aligned.
 * @param len bytes, a multiple of the page size.
 * @return the model's pointer to that memory (zeroed), or NULL with the last-error sentence.
 */
void *xpdk_devsim_bar_mem(struct xpdk_devsim_dev *dev, unsigned int bar, uint64_t off,
			  uint64_t len);

/**
 * The memory file behind BAR @p bar's memory areas (each lives at its BAR offset in it), for a
 * model that shares those areas with a process of its own (mmap the file at the area's offset).
 * The instance owns the descriptor (close-on-exec; dup it to pass it on).
 * @param dev the instance.
 * @param bar the BAR.
 * @return the descriptor, or -ENOENT when the BAR has no memory areas.
 */
int xpdk_devsim_bar_mem_fd(struct xpdk_devsim_dev *dev, unsigned int bar);

/**
 * Serialise with the register callbacks (used from work()).
 * @param dev the instance.
 */
void xpdk_devsim_lock(struct xpdk_devsim_dev *dev);
/**
 * Counterpart of xpdk_devsim_lock().
 * @param dev the instance.
 */
void xpdk_devsim_unlock(struct xpdk_devsim_dev *dev);

/**
 * Wake the device thread so that work() runs soon (callable with or without the lock).
 * @param dev the instance.
 */
void xpdk_devsim_kick(struct xpdk_devsim_dev *dev);

/**
 * Split model arguments "key=value,…" (keys up to 31 bytes, values up to 127) and call @p cb
 * for each pair, in order. Messages name @p model.
 * @param model the model name, for messages.
 * @param args the arguments (not NULL).
 * @param cb called with each key, value and @p arg.
 * @param arg passed to @p cb.
 * @return 0; the first non-zero value of @p cb; or -EINVAL for a malformed argument, with the
 *         last-error sentence set.
 */
int xpdk_devsim_args(const char *model, const char *args,
		     int (*cb)(const char *key, const char *val, void *arg), void *arg);

/**
 * Log a line prefixed with the instance name (level: 0 error, 1 warning, 2 info, 3 debug).
 * @param dev the instance.
 * @param level 0 error, 1 warning, 2 info, 3 debug.
 * @param fmt printf-style format, no trailing newline.
 * @param ... its arguments.
 */
void xpdk_devsim_log(const struct xpdk_devsim_dev *dev, int level, const char *fmt, ...)
    XPDK_PRINTF(3, 4);
/**@}*/

/**
 * @name For models: several PCI functions of one device
 * A multi-function model (xpdk_devsim_model.multi_function) serves several PCI functions from
 * one instance, as a PCIe device with a physical function per role (an AWS F2 slot's
 * management and application PFs) or SR-IOV virtual functions do. Each function has its own
 * configuration space, BARs, socket and client; all share the instance's model state
 * (xpdk_devsim_priv() on a function returns the instance's), its lock and its device thread
 * (work() runs once per instance, with the instance). Register callbacks, reset and detach
 * receive the function, so a model tells its functions apart with xpdk_devsim_function_index().
 * DMA and interrupt helpers called on a function reach that function's client.
 *
 * A function's socket is the instance's socket path without its ".sock" suffix, then "-",
 * the function's name and ".sock": instance f20 at /run/xpdk/devsim/f20.sock with a function
 * "00.1" serves /run/xpdk/devsim/f20-00.1.sock.
 */
/**@{*/
/** Most functions of one instance. */
#define XPDK_DEVSIM_MAX_FUNCTIONS 16

/**
 * Add a function named @p fn_name (1 to 15 characters of [A-Za-z0-9._], e.g. "00.1") to
 * instance @p dev, from init(). Fill its configuration space with xpdk_devsim_cfg() and declare
 * its BARs with xpdk_devsim_bar() on the returned function, as for a single-function instance.
 * @param dev the instance.
 * @param fn_name the function's name.
 * @return the function, or NULL with the last-error sentence set.
 */
struct xpdk_devsim_dev *xpdk_devsim_function_add(struct xpdk_devsim_dev *dev, const char *fn_name);

/**
 * Add an SR-IOV virtual function named @p fn_name (as xpdk_devsim_function_add()) to the
 * instance @p dev of a single-function model, from init(). The instance stays served on its
 * own socket; the function is a function of it (its socket, configuration space, BARs, client;
 * the instance's state, lock and device thread) whose socket exists only while the model says
 * it is enabled (xpdk_devsim_vf_enable()), as a VF exists only while its PF's VF Enable bit is
 * set. Needs a socket path (not --fd): the VF's socket is named from it.
 * @param dev the instance.
 * @param fn_name the function's name (e.g. "vf0").
 * @return the function, or NULL with the last-error sentence set.
 */
struct xpdk_devsim_dev *xpdk_devsim_vf_add(struct xpdk_devsim_dev *dev, const char *fn_name);

/**
 * Serve (@p on) or remove virtual function @p vf (from xpdk_devsim_vf_add()). Callable from a
 * register or configuration callback with the lock held: the socket is created or removed
 * when that access is over, outside the lock. Removing a VF drops its client, if any, as a
 * hot-unplug does (a model that wants to refuse that checks xpdk_devsim_connected() first).
 * @param vf the virtual function.
 * @param on true to serve it, false to remove it.
 */
void xpdk_devsim_vf_enable(struct xpdk_devsim_dev *vf, bool on);

/**
 * Whether function @p dev is a virtual function (xpdk_devsim_vf_add()).
 * @param dev the function or instance.
 * @return true for a virtual function.
 */
bool xpdk_devsim_is_vf(const struct xpdk_devsim_dev *dev);

/**
 * Whether function (or instance) @p dev has a client connected now.
 * @param dev the function or instance.
 * @return true when a client is connected.
 */
bool xpdk_devsim_connected(const struct xpdk_devsim_dev *dev);

/**
 * Position of function @p fn in its instance.
 * @param fn the function.
 * @return 0 for the first added, …; -1 for an instance.
 */
int xpdk_devsim_function_index(const struct xpdk_devsim_dev *fn);

/**
 * Number of functions of instance @p dev.
 * @param dev the instance.
 * @return the number (0 for a single-function instance).
 */
unsigned int xpdk_devsim_function_count(const struct xpdk_devsim_dev *dev);

/**
 * Function @p index of instance @p dev.
 * @param dev the instance.
 * @param index the position.
 * @return the function, or NULL.
 */
struct xpdk_devsim_dev *xpdk_devsim_function(struct xpdk_devsim_dev *dev, unsigned int index);

/**
 * The UNIX socket path a function or single-function instance is served on.
 * @param dev the function or instance.
 * @return the path ("" for --fd).
 */
const char *xpdk_devsim_socket_path(const struct xpdk_devsim_dev *dev);

/**
 * Hot-unplug: drop the client of function (or instance) @p dev, as the kernel does when a PCI
 * function is removed under its driver. The client's next message fails (its connection is
 * closed: -ENOTCONN or -EPIPE) and its mappings of the function's memory BARs no longer reach
 * the device; a new client may connect at once and sees the configuration space as it is then
 * (IDs changed by the model included): a "remove and rescan". Callable from any thread, with
 * or without the lock; the disconnect happens on the function's server thread.
 * @param dev the function or instance.
 */
void xpdk_devsim_unplug(struct xpdk_devsim_dev *dev);
/**@}*/

/** @name For models: DMA and interrupts (either thread, no lock needed) */
/**@{*/
/**
 * Copy @p len bytes from client memory at @p iova into @p dst.
 * @param dev the instance.
 * @param iova the client address.
 * @param[out] dst where to copy.
 * @param len bytes.
 * @return 0; -EPERM when bus mastering is off; -EFAULT when any byte of the range is not in
 *         memory the client mapped for reading (nothing is copied); -ENOTCONN without a client.
 */
int xpdk_devsim_dma_read(struct xpdk_devsim_dev *dev, uint64_t iova, void *dst, size_t len);
/**
 * Copy @p len bytes from @p src to client memory at @p iova; errors as xpdk_devsim_dma_read.
 * @param dev the instance.
 * @param iova the client address.
 * @param src what to copy.
 * @param len bytes.
 * @return as xpdk_devsim_dma_read().
 */
int xpdk_devsim_dma_write(struct xpdk_devsim_dev *dev, uint64_t iova, const void *src, size_t len);
/**
 * Zero-copy DMA: the local address of client memory [@p iova, @p iova + @p len), pinned until
 * xpdk_devsim_dma_unmap() (the client cannot unmap it meanwhile; keep pins short).
 * @param dev the instance.
 * @param iova the client address.
 * @param len bytes.
 * @param write true when the model will write there.
 * @param[out] ptr the local address.
 * @return 0, or an error as xpdk_devsim_dma_read (nothing is pinned then).
 */
int xpdk_devsim_dma_map(struct xpdk_devsim_dev *dev, uint64_t iova, size_t len, bool write,
			void **ptr);
/**
 * Zero-copy DMA over a range that may span several client mappings (one per hugepage, say): pin
 * the start of [@p iova, @p iova + @p len) up to the end of the mapping holding @p iova, its
 * local address in @p ptr and its length in @p run. Each success is one pin, ended by one
 * xpdk_devsim_dma_unmap(); call again from @p iova + @p run for the rest.
 * @param dev the instance.
 * @param iova the client address.
 * @param len bytes wanted (not 0).
 * @param write true when the model will write there.
 * @param[out] ptr the local address.
 * @param[out] run bytes pinned from @p iova (1 to @p len).
 * @return 0, or an error as xpdk_devsim_dma_read (nothing is pinned then).
 */
int xpdk_devsim_dma_map_run(struct xpdk_devsim_dev *dev, uint64_t iova, size_t len, bool write,
			    void **ptr, size_t *run);
/**
 * End a pin from xpdk_devsim_dma_map() or xpdk_devsim_dma_map_run().
 * @param dev the instance.
 */
void xpdk_devsim_dma_unmap(struct xpdk_devsim_dev *dev);

/**
 * Start a burst of zero-copy DMA (an engine working through a batch of descriptors): the
 * client's memory stays mapped until xpdk_devsim_dma_release() (DMA_UNMAP and disconnects
 * wait, as for a pin: keep bursts bounded), and xpdk_devsim_dma_lookup() translates addresses
 * through the caller's window caches without a lock. Touch the memory only inside
 * xpdk_devsim_dma_guarded(): the client may truncate it.
 * @param dev the instance.
 * @return 0 (held; release it), -EPERM when bus mastering is off, -ENOTCONN without a client
 *         (not held).
 */
int xpdk_devsim_dma_hold(struct xpdk_devsim_dev *dev);
/**
 * Translate client address @p iova inside a hold: the local address and how many bytes from it
 * lie in one window; a longer range continues with another lookup at @p iova + @p avail.
 * @param dev the instance (held).
 * @param c a window cache, zeroed at the hold; one per stream of addresses (source, destination,
 *        records) keeps each hit a compare.
 * @param iova the client address.
 * @param write true when the model will write there.
 * @param[out] ptr the local address.
 * @param[out] avail bytes accessible from @p ptr (at least 1).
 * @return 0; -EFAULT when @p iova is not in memory the client mapped for this direction, or an
 *         injected DMA fault (faults=dma-fault, drawn per lookup).
 */
int xpdk_devsim_dma_lookup(struct xpdk_devsim_dev *dev, struct xpdk_vfu_dma_cache *c, uint64_t iova,
			   bool write, void **ptr, uint64_t *avail);
/**
 * End a burst from xpdk_devsim_dma_hold(); its caches are stale from now on.
 * @param dev the instance.
 */
void xpdk_devsim_dma_release(struct xpdk_devsim_dev *dev);

/**
 * Client memory [@p iova, @p iova + @p len) as a file, for a model's own child process to map:
 * a new close-on-exec descriptor the caller closes, and the offset of @p iova in it.
 * @param dev the instance.
 * @param iova start of the range.
 * @param len its length in bytes.
 * @param write whether the range must be writable.
 * @param fd receives the new descriptor.
 * @param offset receives the offset of @p iova in it.
 * @return 0, or an error as xpdk_devsim_dma_read (-EFAULT also when the client mapped that
 *         memory without an fd).
 */
int xpdk_devsim_dma_fd(struct xpdk_devsim_dev *dev, uint64_t iova, size_t len, bool write, int *fd,
		       uint64_t *offset);

/**
 * Run @p fn(@p arg), which touches memory pinned with xpdk_devsim_dma_map(), so that a client
 * that truncated the file behind that memory makes the access fail (-EFAULT, the faulting
 * address in @p fault) instead of killing the process with SIGBUS: report it to the driver as
 * the device reports a DMA fault. @p fn is abandoned at the fault: it must take no lock and
 * allocate nothing. xpdk_devsim_dma_read() and xpdk_devsim_dma_write() are guarded already.
 * @param dev the instance.
 * @param fn the access.
 * @param arg its argument.
 * @param fault receives the faulting address (may be NULL).
 * @return 0 or -EFAULT.
 */
int xpdk_devsim_dma_guarded(struct xpdk_devsim_dev *dev, void (*fn)(void *arg), void *arg,
			    void **fault);

/**
 * Signal interrupt vector @p vector: over MSI when the client set MSI eventfds, otherwise INTx
 * (vector 0 only). An interrupt with no eventfd behind it is dropped, as on a device whose
 * driver did not enable it.
 * @param dev the instance.
 * @param vector the vector (0 for INTx).
 */
void xpdk_devsim_irq_raise(struct xpdk_devsim_dev *dev, unsigned int vector);
/**@}*/

XPDK_API_END
#ifdef __cplusplus
}
#endif

#endif /* XPDK_DEVSIM_H */

/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 XPDK authors
 */

/**
 * @file
 * The vfio-user protocol (QEMU docs/interop/vfio-user.rst, version 0.2): wire layouts, a client
 * core and a server core sharing one codec.
 *
 * The library depends only on libc, json-c and lib/common. Integers on the wire are host-endian.
 * Structures that the spec borrows from <linux/vfio.h> unchanged (region info and its sparse-mmap
 * capability, IRQ info, IRQ set) are used from that header.
 *
 * Client: xpdk_vfu_client_connect() negotiates, then the calls mirror kernel VFIO ioctls; every
 * call waits for its reply at most the configured timeout and, while waiting, serves the
 * server's DMA_READ/DMA_WRITE on memory registered without an fd. A client is used by one thread
 * at a time.
 *
 * Server: xpdk_vfu_server_create() listens on a path (or serves a connected fd); the server
 * thread runs xpdk_vfu_server_run(), which accepts one client at a time and dispatches its
 * commands to the device description's callbacks. Device threads reach client memory with
 * xpdk_vfu_server_dma_read()/write() and interrupt with xpdk_vfu_server_irq_trigger(), both
 * thread-safe against the server thread's DMA_UNMAP and disconnect handling.
 */

#ifndef XPDK_VFIO_USER_H
#define XPDK_VFIO_USER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <linux/vfio.h>

#include "xpdk_common.h"

#ifdef __cplusplus
extern "C" {
#endif
XPDK_API_BEGIN

/** @name Wire format */
/**@{*/
#define XPDK_VFU_MAJOR 0 /**< protocol major version */
#define XPDK_VFU_MINOR 2 /**< protocol minor version */

/** Commands (spec table "Commands"). */
enum xpdk_vfu_cmd {
	XPDK_VFU_VERSION = 1,
	XPDK_VFU_DMA_MAP = 2,
	XPDK_VFU_DMA_UNMAP = 3,
	XPDK_VFU_DEVICE_GET_INFO = 4,
	XPDK_VFU_DEVICE_GET_REGION_INFO = 5,
	XPDK_VFU_DEVICE_GET_REGION_IO_FDS = 6,
	XPDK_VFU_DEVICE_GET_IRQ_INFO = 7,
	XPDK_VFU_DEVICE_SET_IRQS = 8,
	XPDK_VFU_REGION_READ = 9,
	XPDK_VFU_REGION_WRITE = 10,
	XPDK_VFU_DMA_READ = 11,
	XPDK_VFU_DMA_WRITE = 12,
	XPDK_VFU_DEVICE_RESET = 13,
	XPDK_VFU_CMD_MAX = 18,
};

/** Message header, 16 bytes, on every command and reply. */
struct xpdk_vfu_hdr {
	uint16_t msg_id;   /**< matches a reply to its command */
	uint16_t cmd;	   /**< enum xpdk_vfu_cmd */
	uint32_t msg_size; /**< whole message, header included */
	uint32_t flags;	   /**< XPDK_VFU_F_* */
	uint32_t error;	   /**< errno, in a reply with XPDK_VFU_F_ERROR */
} __attribute__((packed));

#define XPDK_VFU_F_TYPE_MASK	0xfu  /**< header flags: message type */
#define XPDK_VFU_F_TYPE_COMMAND 0x0u  /**< type: command */
#define XPDK_VFU_F_TYPE_REPLY	0x1u  /**< type: reply */
#define XPDK_VFU_F_NO_REPLY	0x10u /**< the command wants no reply */
#define XPDK_VFU_F_ERROR	0x20u /**< the reply carries an error */

/** VERSION payload; NUL-terminated JSON capabilities follow. */
struct xpdk_vfu_version {
	uint16_t major; /**< protocol major version */
	uint16_t minor; /**< protocol minor version */
	char caps[];	/**< NUL-terminated JSON capabilities */
} __attribute__((packed));

/** DMA_MAP payload (32 bytes); one fd may accompany it. */
struct xpdk_vfu_dma_map {
	uint32_t argsz;	 /**< size of this payload */
	uint32_t flags;	 /**< XPDK_VFU_DMA_READ_OK | XPDK_VFU_DMA_WRITE_OK */
	uint64_t offset; /**< in the fd */
	uint64_t addr;	 /**< IOVA */
	uint64_t size;	 /**< bytes */
} __attribute__((packed));

#define XPDK_VFU_DMA_F_READ  (1u << 0) /**< DMA_MAP: the device may read */
#define XPDK_VFU_DMA_F_WRITE (1u << 1) /**< DMA_MAP: the device may write */

/** DMA_UNMAP payload (24 bytes), echoed in the reply. */
struct xpdk_vfu_dma_unmap {
	uint32_t argsz; /**< size of this payload */
	uint32_t flags; /**< XPDK_VFU_UNMAP_F_ALL: address and size 0, unmap everything */
	uint64_t addr;	/**< IOVA */
	uint64_t size;	/**< bytes */
} __attribute__((packed));

#define XPDK_VFU_UNMAP_F_ALL (1u << 1) /**< DMA_UNMAP: unmap everything */

/** REGION_READ/REGION_WRITE head (16 bytes); data follows in READ replies and WRITE requests. */
struct xpdk_vfu_region_access {
	uint64_t offset; /**< in the region */
	uint32_t region; /**< region index */
	uint32_t count;	 /**< bytes */
} __attribute__((packed));

/** DMA_READ/DMA_WRITE head (16 bytes, count is 64-bit as in the spec and libvfio-user). */
struct xpdk_vfu_dma_access {
	uint64_t addr;	/**< IOVA */
	uint64_t count; /**< bytes */
} __attribute__((packed));

/**
 * DEVICE_GET_INFO payload (16 bytes). The spec's layout, which is the first 16 bytes of the
 * kernel's struct vfio_device_info (newer kernels append cap_offset there).
 */
struct xpdk_vfu_device_info {
	uint32_t argsz;	      /**< size of this payload */
	uint32_t flags;	      /**< VFIO_DEVICE_FLAGS_RESET | VFIO_DEVICE_FLAGS_PCI */
	uint32_t num_regions; /**< regions (9 for PCI) */
	uint32_t num_irqs;    /**< IRQ types (5 for PCI) */
} __attribute__((packed));

/** Largest message either side accepts: 1 MiB of data plus heads. */
#define XPDK_VFU_MAX_MSG_SIZE ((1u << 20) + 64)
/** Default and largest data transfer (REGION_*, DMA_*) we announce. */
#define XPDK_VFU_MAX_DATA_XFER (1u << 20)
/** Most fds we accept in one message. */
#define XPDK_VFU_MAX_FDS 16
/** Most DMA windows a server keeps at once. */
#define XPDK_VFU_MAX_DMA_MAPS 1024
/** Regions and IRQ types we handle (PCI: 9 regions, 5 IRQ types). */
#define XPDK_VFU_MAX_REGIONS   16
#define XPDK_VFU_MAX_IRQ_TYPES 8  /**< IRQ types we handle */
#define XPDK_VFU_MAX_AREAS     8  /**< mappable areas per region */
#define XPDK_VFU_MAX_VECTORS   64 /**< vectors per IRQ type */
/**@}*/

/** Limits negotiated with the peer (what the peer announced, or the spec's defaults). */
struct xpdk_vfu_caps {
	uint32_t max_msg_fds;	     /**< fds the peer accepts per message (default 1) */
	uint64_t max_data_xfer_size; /**< default 1 MiB */
	uint32_t max_dma_maps;	     /**< default 65535 */
	uint64_t pgsizes;	     /**< default 4096 */
};

/**
 * Parse VERSION JSON capabilities into @p caps (defaults for what is absent; unknown members
 * ignored). @p json may be NULL or "" (all defaults).
 * @param json the capabilities, or NULL.
 * @param[out] caps the limits.
 * @return 0, or -EINVAL for malformed JSON or bad values, with the last-error sentence.
 */
int xpdk_vfu_caps_parse(const char *json, struct xpdk_vfu_caps *caps);

/** @name Client */
/**@{*/
struct xpdk_vfu_client;

/**
 * Client options. Zero-initialise them (`= {0}` or designated initialisers): zero means the
 * default. The struct grows as rdma-core's _ex structs do: a member added after XPDK 0.1 is read
 * only when its bit is set in @p comp_mask, so a program built against an older XPDK keeps
 * working, and a bit this library does not know is refused with -EINVAL (doc/sdk.md).
 */
struct xpdk_vfu_client_opts {
	uint32_t comp_mask; /**< which extension members are set (XPDK_VFU_CLIENT_OPTS_KNOWN) */
	int timeout_ms; /**< per call (connect, and each command with its whole reply), default 5000
			 */
};

/** The comp_mask bits struct xpdk_vfu_client_opts knows in this version: none yet. */
#define XPDK_VFU_CLIENT_OPTS_KNOWN 0u

/**
 * Connect to the server at @p path and negotiate the version, all within the timeout.
 * @param path the socket.
 * @param opts options, or NULL for the defaults.
 * @return the client, or NULL with errno and the last-error sentence (-ECONNREFUSED with "stale
 *         socket" when the path exists but nobody listens; -ENOTSOCK when it is not a socket;
 *         -ETIMEDOUT when the server's backlog stays full or it does not answer VERSION;
 *         -EINVAL for unknown comp_mask bits in @p opts, before connecting).
 */
struct xpdk_vfu_client *xpdk_vfu_client_connect(const char *path,
						const struct xpdk_vfu_client_opts *opts);

/**
 * Like xpdk_vfu_client_connect() over an already connected socket (ownership is taken).
 * @param sock a connected socket; closed on failure.
 * @param opts options, or NULL for the defaults.
 * @return as xpdk_vfu_client_connect().
 */
struct xpdk_vfu_client *xpdk_vfu_client_attach(int sock, const struct xpdk_vfu_client_opts *opts);

/**
 * Close the connection, unmap mapped regions, free. NULL is ignored.
 * @param c the client, or NULL.
 */
void xpdk_vfu_client_close(struct xpdk_vfu_client *c);

/**
 * What the server announced.
 * @param c the client.
 * @return the server's limits, valid while the client lives.
 */
const struct xpdk_vfu_caps *xpdk_vfu_client_caps(const struct xpdk_vfu_client *c);
/**
 * Negotiated protocol minor version.
 * @param c the client.
 * @return the minor version.
 */
unsigned int xpdk_vfu_client_minor(const struct xpdk_vfu_client *c);

/**
 * DEVICE_GET_INFO.
 * @param c the client.
 * @param[out] info the server's answer.
 * @return 0, or a negative errno with the last-error sentence (the server's error, -ETIMEDOUT,
 * -ENOTCONN).
 */
int xpdk_vfu_client_device_info(struct xpdk_vfu_client *c, struct xpdk_vfu_device_info *info);

/** A region as the client sees it after DEVICE_GET_REGION_INFO (and mapping). */
struct xpdk_vfu_region {
	uint64_t size;	     /**< bytes; 0: absent */
	uint32_t flags;	     /**< VFIO_REGION_INFO_FLAG_READ/WRITE/MMAP/CAPS */
	unsigned int nareas; /**< mappable areas */
	/** The mappable areas. */
	struct {
		uint64_t offset; /**< within the region */
		uint64_t size;	 /**< bytes */
		void *ptr;	 /**< mapped by the client; NULL when mmap failed */
	} areas[XPDK_VFU_MAX_AREAS];
};

/**
 * DEVICE_GET_REGION_INFO for @p index; when the server passes an fd, map the sparse areas (or
 * the whole region when it sends no sparse capability). The mappings live until the client is
 * closed; asking again returns the same ones.
 * @param c the client.
 * @param index the region index.
 * @param[out] region the region, valid while the client lives.
 * @return 0, or a negative errno with the last-error sentence (the server's error, -ETIMEDOUT,
 * -ENOTCONN).
 */
int xpdk_vfu_client_region(struct xpdk_vfu_client *c, unsigned int index,
			   const struct xpdk_vfu_region **region);

/**
 * REGION_READ of @p count bytes (split into max_data_xfer_size pieces).
 * @param c the client.
 * @param index the region index.
 * @param off offset in the region.
 * @param[out] buf where to read.
 * @param count bytes.
 * @return 0, or a negative errno with the last-error sentence (the server's error, -ETIMEDOUT,
 * -ENOTCONN).
 */
int xpdk_vfu_client_region_read(struct xpdk_vfu_client *c, unsigned int index, uint64_t off,
				void *buf, size_t count);
/**
 * REGION_WRITE of @p count bytes (split into max_data_xfer_size pieces).
 * @param c the client.
 * @param index the region index.
 * @param off offset in the region.
 * @param buf what to write.
 * @param count bytes.
 * @return 0, or a negative errno with the last-error sentence (the server's error, -ETIMEDOUT,
 * -ENOTCONN).
 */
int xpdk_vfu_client_region_write(struct xpdk_vfu_client *c, unsigned int index, uint64_t off,
				 const void *buf, size_t count);

/**
 * DEVICE_GET_IRQ_INFO.
 * @param c the client.
 * @param index the IRQ type.
 * @param[out] info the server's answer.
 * @return 0, or a negative errno with the last-error sentence (the server's error, -ETIMEDOUT,
 * -ENOTCONN).
 */
int xpdk_vfu_client_irq_info(struct xpdk_vfu_client *c, unsigned int index,
			     struct vfio_irq_info *info);

/**
 * DEVICE_SET_IRQS, ACTION_TRIGGER: bind vectors start..start+count-1 of IRQ type @p index to the
 * eventfds @p fds (sent in chunks of the server's max_msg_fds); @p fds NULL with count 0
 * disables every vector of the type.
 * @param c the client.
 * @param index the IRQ type.
 * @param start the first vector.
 * @param count how many.
 * @param fds @p count eventfds, or NULL.
 * @return 0, or a negative errno with the last-error sentence (the server's error, -ETIMEDOUT,
 * -ENOTCONN).
 */
int xpdk_vfu_client_set_irqs(struct xpdk_vfu_client *c, unsigned int index, unsigned int start,
			     unsigned int count, const int *fds);

/**
 * DMA_MAP of [@p iova, @p iova + @p size) backed by (@p fd, @p offset); @p prot READ|WRITE.
 * @param c the client.
 * @param iova the device address.
 * @param size bytes.
 * @param fd the backing file (sent; stays the caller's).
 * @param offset where the range starts in @p fd.
 * @param prot XPDK_VFU_DMA_F_READ | XPDK_VFU_DMA_F_WRITE.
 * @return 0, or a negative errno with the last-error sentence (the server's error, -ETIMEDOUT,
 * -ENOTCONN).
 */
int xpdk_vfu_client_dma_map_fd(struct xpdk_vfu_client *c, uint64_t iova, uint64_t size, int fd,
			       uint64_t offset, uint32_t prot);

/**
 * DMA_MAP without an fd: the server reaches [@p iova, @p iova + @p size) with DMA_READ and
 * DMA_WRITE messages, which this client serves from @p vaddr while it waits for replies (and in
 * xpdk_vfu_client_poll()).
 * @param c the client.
 * @param iova the device address.
 * @param size bytes.
 * @param vaddr the local memory, valid until the range is unmapped.
 * @param prot XPDK_VFU_DMA_F_READ | XPDK_VFU_DMA_F_WRITE.
 * @return 0, or a negative errno with the last-error sentence (the server's error, -ETIMEDOUT,
 * -ENOTCONN).
 */
int xpdk_vfu_client_dma_map_mem(struct xpdk_vfu_client *c, uint64_t iova, uint64_t size,
				void *vaddr, uint32_t prot);

/**
 * DMA_UNMAP of a range mapped before (exactly), or all with @p all.
 * @param c the client.
 * @param iova the device address.
 * @param size bytes.
 * @param all unmap everything (@p iova and @p size 0).
 * @return 0, or a negative errno with the last-error sentence (the server's error, -ETIMEDOUT,
 * -ENOTCONN).
 */
int xpdk_vfu_client_dma_unmap(struct xpdk_vfu_client *c, uint64_t iova, uint64_t size, bool all);

/**
 * DEVICE_RESET.
 * @param c the client.
 * @return 0, or a negative errno with the last-error sentence (the server's error, -ETIMEDOUT,
 * -ENOTCONN).
 */
int xpdk_vfu_client_reset(struct xpdk_vfu_client *c);

/**
 * Serve server-to-client commands (DMA_READ/WRITE) that arrive within @p timeout_ms, without
 * @param c the client.
 * @param timeout_ms how long to wait, in milliseconds.
 * sending anything. @return the number served, or a negative errno (-ENOTCONN when the server
 * left).
 */
int xpdk_vfu_client_poll(struct xpdk_vfu_client *c, int timeout_ms);

/**
 * The socket (for poll()), e.g. to serve DMA messages from an event loop.
 * @param c the client.
 * @return the socket, owned by the client.
 */
int xpdk_vfu_client_fd(const struct xpdk_vfu_client *c);
/**@}*/

/** @name Server */
/**@{*/
struct xpdk_vfu_server;

/** One region of a served device. */
struct xpdk_vfu_region_desc {
	uint64_t size;	     /**< 0: absent */
	uint32_t flags;	     /**< VFIO_REGION_INFO_FLAG_READ/WRITE (MMAP is set when fd >= 0) */
	int fd;		     /**< backing file the client may map, or -1 */
	uint64_t fd_offset;  /**< where the region starts in the fd */
	unsigned int nareas; /**< mappable parts; 0 with an fd: the whole region */
	/** The mappable parts. */
	struct {
		uint64_t offset; /**< within the region */
		uint64_t size;	 /**< bytes */
	} areas[XPDK_VFU_MAX_AREAS];
};

/**
 * Fault injection: what a server does with a client's command instead of (or besides) handling
 * it, as the device description's @c fault hook decides. All zero: handle it normally.
 */
enum xpdk_vfu_fault_action {
	XPDK_VFU_FAULT_NONE = 0, /**< handle the command */
	XPDK_VFU_FAULT_STOP,	 /**< answer neither it nor any later command of this client */
	XPDK_VFU_FAULT_CLOSE,	 /**< close the connection without answering */
	XPDK_VFU_FAULT_ERROR,	 /**< answer with the error @c err, without handling it */
	XPDK_VFU_FAULT_CORRUPT,	 /**< handle it, and corrupt one field of the reply */
};

/** The reply field XPDK_VFU_FAULT_CORRUPT changes. */
enum xpdk_vfu_corrupt {
	XPDK_VFU_CORRUPT_ID = 1, /**< the message ID (off by one) */
	XPDK_VFU_CORRUPT_CMD,	 /**< the command (another one) */
	XPDK_VFU_CORRUPT_SIZE,	 /**< the payload: one byte short, or 4 bytes of junk when empty */
	XPDK_VFU_CORRUPT_DATA, /**< every payload byte inverted (a REGION_READ's data: its bits) */
};

/** A fault hook's decision. */
struct xpdk_vfu_fault {
	unsigned int delay_ms; /**< wait this long before going on (stop requests still work) */
	enum xpdk_vfu_fault_action action; /**< what to do with the command */
	int err;		       /**< XPDK_VFU_FAULT_ERROR: the positive errno to answer */
	enum xpdk_vfu_corrupt corrupt; /**< XPDK_VFU_FAULT_CORRUPT: which field */
	unsigned int irq_storm_hz;     /**< non-zero: from now until the client leaves, signal every
					 interrupt eventfd it set this many times a second */
	int next_ms;		       /**< call the hook again after this many ms without a command
					 (a timed fault); negative: on commands only */
};

/** What a server serves: a PCI device. Callbacks run on the server thread. */
struct xpdk_vfu_device_desc {
	unsigned int num_regions;				   /**< 9 for PCI */
	unsigned int num_irqs;					   /**< 5 for PCI */
	struct xpdk_vfu_region_desc regions[XPDK_VFU_MAX_REGIONS]; /**< by index */
	uint32_t irq_count[XPDK_VFU_MAX_IRQ_TYPES];		   /**< vectors per IRQ type */
	bool can_reset;						   /**< DEVICE_RESET is supported */
	void *arg;						   /**< passed to every callback */
	/** REGION_READ/WRITE on @p index; @return 0 or a negative errno (sent as the error). */
	int (*region_access)(void *arg, unsigned int index, uint64_t off, void *buf, size_t count,
			     bool write);
	/** DEVICE_RESET (DMA maps and IRQ eventfds are kept). Optional. */
	void (*reset)(void *arg);
	/** A client connected. Optional. */
	void (*attach)(void *arg);
	/** A client left (after its DMA maps and eventfds were dropped). Optional. */
	void (*detach)(void *arg);
	/**
	 * Fault injection (optional, for simulators): decide @p f (zeroed) for the client's
	 * command @p cmd (NULL when called because the last decision's @c next_ms expired), the
	 * @p nreq th of this client (1 for its VERSION), @p elapsed_ms after it connected.
	 */
	void (*fault)(void *arg, const struct xpdk_vfu_hdr *cmd, uint64_t nreq, uint64_t elapsed_ms,
		      struct xpdk_vfu_fault *f);
};

/**
 * Create a server for @p desc listening on @p path, mode 0600. A stale socket there (nobody
 * listening) is replaced; a live one, or anything that is not a socket, is left alone and
 * refused. The description is copied; fds in it stay the caller's.
 * @param path the socket to listen on.
 * @param desc the device.
 * @return the server, or NULL with the last-error sentence (-EADDRINUSE: another server listens
 *         there; -EEXIST: the path is not a socket).
 */
struct xpdk_vfu_server *xpdk_vfu_server_create(const char *path,
					       const struct xpdk_vfu_device_desc *desc);

/**
 * Serve one client already connected on @p sock (ownership taken): the `--fd` convention.
 * @param sock the connected socket.
 * @param desc the device.
 * @return as xpdk_vfu_server_create().
 */
struct xpdk_vfu_server *xpdk_vfu_server_create_fd(int sock,
						  const struct xpdk_vfu_device_desc *desc);

/**
 * Accept and serve clients one at a time until xpdk_vfu_server_stop() (or, for a server from
 * xpdk_vfu_server_create_fd(), until its client leaves). A client's disconnect drops its DMA
 * maps and eventfds and keeps the device state.
 * @param s the server.
 * @return 0 when stopped, or a negative errno on a fatal error.
 */
int xpdk_vfu_server_run(struct xpdk_vfu_server *s);

/**
 * Ask xpdk_vfu_server_run() to return soon. Async-signal-safe; callable from any thread.
 * @param s the server.
 */
void xpdk_vfu_server_stop(struct xpdk_vfu_server *s);

/**
 * Close the client, remove the socket file, free. The run loop must have returned.
 * @param s the server, or NULL.
 */
void xpdk_vfu_server_destroy(struct xpdk_vfu_server *s);

/**
 * True while a client is connected.
 * @param s the server.
 * @return whether a client is connected.
 */
bool xpdk_vfu_server_connected(const struct xpdk_vfu_server *s);

/**
 * Drop the connected client, if any, as if it had left: the server thread closes the
 * connection after the request it is serving (DMA windows and eventfds are dropped, detach
 * runs) and goes on accepting clients. Callable from any thread; async-signal-safe.
 * @param s the server.
 */
void xpdk_vfu_server_disconnect(struct xpdk_vfu_server *s);

/**
 * Copy @p len bytes between @p buf and client memory at @p iova (dma_write: into client memory).
 * The range may run over several adjacent DMA_MAP windows (clients map memory file by file).
 * Thread-safe: a DMA_UNMAP or a disconnect waits until the copy has finished.
 * @param s the server.
 * @param iova the client address.
 * @param[out] buf where to copy.
 * @param len bytes.
 * @return 0; -EFAULT when any byte of the range is not mapped by the client with the needed
 *         permission (nothing is copied), or when the client truncated the file behind it (part
 *         may be copied); -ENOTCONN without a client.
 */
int xpdk_vfu_server_dma_read(struct xpdk_vfu_server *s, uint64_t iova, void *buf, size_t len);
/**
 * Copy @p len bytes from @p buf into client memory at @p iova; as xpdk_vfu_server_dma_read().
 * @param s the server.
 * @param iova the client address.
 * @param buf what to copy.
 * @param len bytes.
 * @return as xpdk_vfu_server_dma_read().
 */
int xpdk_vfu_server_dma_write(struct xpdk_vfu_server *s, uint64_t iova, const void *buf,
			      size_t len);

/**
 * Zero-copy access: pin client memory [@p iova, @p iova + @p len) and return its local address
 * in @p ptr. Until xpdk_vfu_server_dma_unpin(), DMA_UNMAP and disconnects wait. Pins nest.
 * The range must lie in one window (one local mapping); copy with dma_read/dma_write otherwise.
 * @param s the server.
 * @param iova the client address.
 * @param len bytes.
 * @param write true when the caller will write there.
 * @param[out] ptr the local address.
 * @return 0, -EFAULT (not mapped with @p write permission, or over two windows), or -ENOTCONN.
 */
int xpdk_vfu_server_dma_pin(struct xpdk_vfu_server *s, uint64_t iova, size_t len, bool write,
			    void **ptr);
/**
 * Zero-copy access to the start of a range that may run over several windows (a client maps its
 * memory file by file, e.g. one window per hugepage): pin the part of [@p iova, @p iova + @p len)
 * that lies in the window holding @p iova, return its local address in @p ptr and its length in
 * @p run (1 to @p len). Call again from @p iova + @p run for the rest; each success is one pin,
 * ended by one xpdk_vfu_server_dma_unpin().
 * @param s the server.
 * @param iova the client address.
 * @param len bytes wanted (not 0).
 * @param write true when the caller will write there.
 * @param[out] ptr the local address.
 * @param[out] run bytes pinned from @p iova.
 * @return 0, -EFAULT (@p iova not mapped with @p write permission), -EINVAL (@p len 0), or
 *         -ENOTCONN; nothing is pinned on failure.
 */
int xpdk_vfu_server_dma_pin_run(struct xpdk_vfu_server *s, uint64_t iova, size_t len, bool write,
				void **ptr, size_t *run);
/**
 * End a pin from xpdk_vfu_server_dma_pin() or xpdk_vfu_server_dma_pin_run().
 * @param s the server.
 */
void xpdk_vfu_server_dma_unpin(struct xpdk_vfu_server *s);

/**
 * One DMA window remembered by xpdk_vfu_server_dma_lookup(), so that a run of accesses to the
 * same buffers searches the client's windows once. Valid only while the server's windows are
 * held (xpdk_vfu_server_dma_hold()); zero it before each hold. Members are private.
 */
struct xpdk_vfu_dma_cache {
	uint64_t iova;	/**< first client address of the window */
	uint64_t size;	/**< its length (0: nothing cached) */
	uint8_t *vaddr; /**< its local address */
	uint32_t prot;	/**< XPDK_VFU_DMA_F_READ / XPDK_VFU_DMA_F_WRITE */
};

/**
 * Hold the client's DMA windows for a burst of zero-copy accesses: until
 * xpdk_vfu_server_dma_release(), DMA_UNMAP and disconnects wait (as for a pin; keep bursts
 * short), and xpdk_vfu_server_dma_lookup() translates addresses without a lock. Holds nest with
 * pins. One lock acquisition per burst instead of one per access.
 * @param s the server.
 * @return 0 (held), or -ENOTCONN (not held).
 */
int xpdk_vfu_server_dma_hold(struct xpdk_vfu_server *s);

/**
 * End a hold from xpdk_vfu_server_dma_hold(); caches filled under it are stale from now on.
 * @param s the server.
 */
void xpdk_vfu_server_dma_release(struct xpdk_vfu_server *s);

/**
 * Slow path of xpdk_vfu_server_dma_lookup(): search the windows and fill @p c.
 * @param s the server (held).
 * @param c the cache to fill.
 * @param iova the client address.
 * @param write true when the caller will write there.
 * @param[out] ptr the local address of @p iova.
 * @param[out] avail bytes from @p iova to the end of its window (at least 1).
 * @return 0, or -EFAULT (the last-error sentence names the address and why).
 */
int xpdk_vfu_server_dma_find(struct xpdk_vfu_server *s, struct xpdk_vfu_dma_cache *c, uint64_t iova,
			     bool write, void **ptr, uint64_t *avail);

/**
 * Translate client address @p iova under a hold (xpdk_vfu_server_dma_hold()): its local address
 * and how many bytes from there lie in the same window (one local mapping); a range longer than
 * that continues at the next lookup. A hit in @p c costs two compares, no lock, no search.
 * @param s the server (held).
 * @param c the caller's cache (zeroed at the hold).
 * @param iova the client address.
 * @param write true when the caller will write there.
 * @param[out] ptr the local address of @p iova.
 * @param[out] avail bytes accessible from @p ptr in that window (at least 1).
 * @return 0, or -EFAULT when @p iova is not in a window the client mapped with an fd for this
 *         direction. Touch the memory under xpdk_vfu_guarded(): the client may truncate it.
 */
static inline int xpdk_vfu_server_dma_lookup(struct xpdk_vfu_server *s,
					     struct xpdk_vfu_dma_cache *c, uint64_t iova,
					     bool write, void **ptr, uint64_t *avail)
{
	uint32_t need = write ? XPDK_VFU_DMA_F_WRITE : XPDK_VFU_DMA_F_READ;
	uint64_t at = iova - c->iova;

	if (at < c->size && (c->prot & need)) {
		*ptr = c->vaddr + at;
		*avail = c->size - at;
		return 0;
	}
	return xpdk_vfu_server_dma_find(s, c, iova, write, ptr, avail);
}

/**
 * The client's memory behind [@p iova, @p iova + @p len) as a file: a new descriptor (close-on-
 * exec, the caller closes it) and the offset of @p iova in it, so that another process (e.g. a
 * device model's child) can map exactly that memory. The range must lie in one window the client
 * mapped with an fd and with @p write permission when asked.
 * @param s the server.
 * @param iova start of the range.
 * @param len its length in bytes.
 * @param write whether the range must be writable.
 * @param fd receives the new descriptor.
 * @param offset receives the offset of @p iova in it.
 * @return 0, -EFAULT, or a negative errno.
 */
int xpdk_vfu_server_dma_fd(struct xpdk_vfu_server *s, uint64_t iova, size_t len, bool write,
			   int *fd, uint64_t *offset);

/**
 * Run @p fn(@p arg), which touches client memory pinned with xpdk_vfu_server_dma_pin(), so that
 * a client that truncated the file behind that memory makes it fail instead of killing the
 * process with SIGBUS. @p fn is abandoned at the faulting access (it must hold no lock and
 * allocate nothing that the abandonment would leak).
 * @param fn the access.
 * @param arg its argument.
 * @param fault receives the faulting address (may be NULL).
 * @return 0; or -EFAULT, with the faulting address in @p fault (may be NULL).
 */
int xpdk_vfu_guarded(void (*fn)(void *arg), void *arg, void **fault);

/**
 * memcpy() under xpdk_vfu_guarded().
 * @param dst destination.
 * @param src source.
 * @param len bytes.
 * @return 0, or -EFAULT when the memory behind either side is gone.
 */
int xpdk_vfu_guarded_copy(void *dst, const void *src, size_t len);

/**
 * Install the SIGBUS handler that xpdk_vfu_guarded() relies on (done by every server; a SIGBUS
 * outside a guarded access goes to the handler installed before, or takes the default action).
 * @return 0 or a negative errno.
 */
int xpdk_vfu_guard_init(void);

/**
 * Signal vector @p vector of IRQ type @p index on the client's eventfd, without ever blocking: an
 * eventfd whose counter is full already has an interrupt pending.
 * @param s the server.
 * @param index the IRQ type.
 * @param vector the vector.
 * @return 0; -ENOENT when the client set no eventfd for it (the interrupt is dropped); -EAGAIN
 *         when its counter is full.
 */
int xpdk_vfu_server_irq_trigger(struct xpdk_vfu_server *s, unsigned int index, unsigned int vector);
/**@}*/

XPDK_API_END
#ifdef __cplusplus
}
#endif

#endif /* XPDK_VFIO_USER_H */

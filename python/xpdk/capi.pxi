# SPDX-License-Identifier: BSD-3-Clause
# The C API the bindings use: declarations from XPDK's public headers only (lib/common,
# lib/env, lib/dev, lib/dfl, lib/devsim, drivers/fpga/dfl). Included by _xpdk.pyx.

from libc.stdint cimport uint8_t, uint16_t, uint32_t, uint64_t
from posix.types cimport off_t

cdef extern from "xpdk_common.h" nogil:
    const char *xpdk_strerror_last()
    void xpdk_err_clear()

cdef extern from "xpdk_env.h" nogil:
    int xpdk_env_init(int argc, char **argv)
    void xpdk_env_cleanup()
    bint xpdk_env_ready()
    bint xpdk_env_hugepages()
    uint64_t xpdk_env_hugepages_free()
    unsigned int XPDK_DMA_F_ZERO
    uint64_t XPDK_DMA_MAX_SIZE
    struct xpdk_dma_buf:
        void *va
        uint64_t iova
        size_t size
        size_t align
        uint64_t page_size
    xpdk_dma_buf *xpdk_dma_alloc(size_t size, size_t align, unsigned int flags)
    void xpdk_dma_free(xpdk_dma_buf *buf)
    int xpdk_dma_fd(const xpdk_dma_buf *buf, int *fd, off_t *offset)

cdef extern from "xpdk_dev.h" nogil:
    struct xpdk_dev:
        pass
    int XPDK_DEV_MAX_REGIONS
    int XPDK_REGION_CONFIG
    unsigned int XPDK_REGION_F_READ
    unsigned int XPDK_REGION_F_WRITE
    unsigned int XPDK_REGION_F_MMAP
    int XPDK_REGION_MAX_AREAS
    struct xpdk_region_area:
        uint64_t offset
        uint64_t size
        uint8_t *ptr
    struct xpdk_region:
        xpdk_dev *dev
        unsigned int index
        uint64_t size
        uint32_t flags
        uint8_t *map
        unsigned int nareas
        xpdk_region_area areas[8]
    uint32_t xpdk_region_read32(const xpdk_region *r, uint64_t off)
    uint64_t xpdk_region_read64(const xpdk_region *r, uint64_t off)
    void xpdk_region_write32(const xpdk_region *r, uint64_t off, uint32_t v)
    void xpdk_region_write64(const xpdk_region *r, uint64_t off, uint64_t v)
    int xpdk_region_read(const xpdk_region *r, uint64_t off, unsigned int width, uint64_t *val)
    int xpdk_region_write(const xpdk_region *r, uint64_t off, unsigned int width, uint64_t val)
    struct dev_info_t "xpdk_dev_info":
        char name[280]
        const char *transport
        uint16_t vendor, device, subsystem_vendor, subsystem_device
        uint32_t class_code
        unsigned int num_regions
        unsigned int num_irqs
        bint can_reset
    xpdk_dev *xpdk_dev_open(const char *name)
    void xpdk_dev_close(xpdk_dev *dev)
    const dev_info_t *xpdk_dev_info(const xpdk_dev *dev)
    const xpdk_region *xpdk_dev_region(const xpdk_dev *dev, unsigned int index)
    int xpdk_dev_reset(xpdk_dev *dev)
    int xpdk_dev_cfg_read(xpdk_dev *dev, uint64_t off, void *buf, size_t len)
    int xpdk_dev_cfg_write(xpdk_dev *dev, uint64_t off, const void *buf, size_t len)
    int XPDK_IRQ_INTX
    int XPDK_IRQ_MSI
    int XPDK_IRQ_MSIX
    int xpdk_dev_irq_count(xpdk_dev *dev, unsigned int type)
    int xpdk_dev_irq_enable(xpdk_dev *dev, unsigned int type, unsigned int count)
    void xpdk_dev_irq_disable(xpdk_dev *dev)
    int xpdk_dev_irq_fd(const xpdk_dev *dev, unsigned int vector)
    int xpdk_dev_irq_wait(xpdk_dev *dev, unsigned int vector, int timeout_ms)
    void xpdk_dev_set_dma_mask(xpdk_dev *dev, uint64_t mask)
    int xpdk_dev_dma_check(const xpdk_dev *dev, uint64_t iova, uint64_t len)
    struct xpdk_driver:
        const char *name
    int xpdk_dev_probe(xpdk_dev *dev)
    const xpdk_driver *xpdk_dev_driver(const xpdk_dev *dev)

# The loads and stores of lib/dev's fast path (rte_io.h, with its barriers) on a pointer into a
# mapped part of a region; Cython has no volatile.
cdef extern from *:
    """
    #include <rte_io.h>
    static inline uint32_t xpdk_py_mmio_read32(const uint8_t *p) { return rte_read32(p); }
    static inline uint64_t xpdk_py_mmio_read64(const uint8_t *p) { return rte_read64(p); }
    static inline void xpdk_py_mmio_write32(uint8_t *p, uint32_t v) { rte_write32(v, p); }
    static inline void xpdk_py_mmio_write64(uint8_t *p, uint64_t v) { rte_write64(v, p); }
    """
    uint32_t xpdk_py_mmio_read32(const uint8_t *p) nogil
    uint64_t xpdk_py_mmio_read64(const uint8_t *p) nogil
    void xpdk_py_mmio_write32(uint8_t *p, uint32_t v) nogil
    void xpdk_py_mmio_write64(uint8_t *p, uint64_t v) nogil

cdef extern from "xpdk_dfl.h" nogil:
    int XPDK_DFL_MAX_PARAMS
    int XPDK_GUID_STR_LEN
    uint64_t XPDK_DFL_NO_PARENT
    struct xpdk_guid:
        uint8_t b[16]
    struct xpdk_dfl_region:
        uint64_t size
        int (*read64)(void *ctx, uint64_t off, uint64_t *val)
        void *ctx
    struct xpdk_dfl_error:
        int code
        uint64_t offset
        char msg[160]
    struct xpdk_dfl_param:
        uint16_t id
        uint16_t version
        uint64_t offset
        uint64_t size
    struct xpdk_dfl_feature:
        uint64_t offset
        uint64_t dfh
        unsigned int type
        unsigned int id
        unsigned int revision
        unsigned int version
        uint64_t next
        uint64_t next_abs
        bint eol
        bint last
        uint64_t size
        uint64_t header_size
        bint has_guid
        xpdk_guid guid
        uint64_t next_afu
        uint64_t csr_addr
        bint csr_abs
        uint64_t csr_size
        uint16_t instance_id
        uint16_t group_id
        bint has_params
        unsigned int num_params
        xpdk_dfl_param params[16]
        unsigned int depth
        uint64_t parent
    const char *xpdk_dfl_feature_name(unsigned int type, unsigned int id)
    int xpdk_guid_format(const xpdk_guid *g, char *buf, size_t len)

# the walk calls back into Python (a list append): not nogil
cdef extern from "xpdk_dfl.h":
    ctypedef int (*xpdk_dfl_cb)(const xpdk_dfl_feature *f, void *arg)
    int xpdk_dfl_walk(const xpdk_dfl_region *r, uint64_t start, xpdk_dfl_cb cb, void *arg,
                      xpdk_dfl_error *err)
    int xpdk_dfl_enumerate(const xpdk_dfl_region *r, xpdk_dfl_cb cb, void *arg,
                           xpdk_dfl_error *err)

cdef extern from "xpdk_fpga.h" nogil:
    struct xpdk_fpga:
        pass
    xpdk_fpga *xpdk_fpga_get(xpdk_dev *dev)
    struct fme_info_t "xpdk_fpga_fme_info":
        bint present
        unsigned int fabric_version
        unsigned int socket_id
        unsigned int num_ports
        unsigned int addr_width
        bint iommu, pcie0_link, pcie1_link, coherent_link
        uint64_t bitstream_id
        uint64_t bitstream_md
        unsigned int bs_major, bs_minor, bs_patch, bs_debug
        uint32_t bs_hash
        unsigned int synth_year, synth_month, synth_day, synth_seed
        xpdk_guid pr_interface_id
        bint has_thermal, has_power, has_errors, has_perf, has_pr
    int xpdk_fpga_fme_info(xpdk_fpga *fpga, fme_info_t *info)
    int xpdk_fpga_temperature(xpdk_fpga *fpga, unsigned int *celsius)
    int xpdk_fpga_power(xpdk_fpga *fpga, unsigned int *watts)
    struct fpga_errors_t "xpdk_fpga_errors":
        uint64_t fme, pcie0, pcie1, nonfatal, catfatal
        uint64_t first, next
    int xpdk_fpga_errors(xpdk_fpga *fpga, fpga_errors_t *e)
    int xpdk_fpga_errors_clear(xpdk_fpga *fpga)
    int xpdk_fpga_errors_format(const fpga_errors_t *e, char *buf, size_t len)
    unsigned int xpdk_fpga_num_ports(const xpdk_fpga *fpga)
    struct port_info_t "xpdk_fpga_port_info":
        uint64_t offset
        unsigned int number
        uint64_t mmio_size
        unsigned int num_irqs
        bint in_reset
        uint64_t afu_offset
        xpdk_guid afu_id
        bint released
    int xpdk_fpga_port_info(xpdk_fpga *fpga, unsigned int port, port_info_t *pi)
    int xpdk_fpga_port_release(xpdk_fpga *fpga, unsigned int port)
    int xpdk_fpga_port_assign(xpdk_fpga *fpga, unsigned int port)
    struct sriov_t "xpdk_fpga_sriov":
        uint16_t total_vfs
        uint16_t num_vfs
        bint enabled
        uint16_t vf_device
        uint16_t first_offset
        uint16_t stride
        unsigned int released
    int xpdk_fpga_sriov_info(xpdk_fpga *fpga, sriov_t *s)
    int xpdk_fpga_sriov_configure(xpdk_fpga *fpga, unsigned int num_vfs)
    int xpdk_fpga_vf_name(xpdk_fpga *fpga, unsigned int vf, char *buf, size_t len)
    int xpdk_fpga_port_reset(xpdk_fpga *fpga, unsigned int port)
    int xpdk_fpga_port_errors(xpdk_fpga *fpga, unsigned int port, uint64_t *errors)
    int xpdk_fpga_port_errors_clear(xpdk_fpga *fpga, unsigned int port)
    struct afu_t "xpdk_fpga_afu":
        const xpdk_region *region
        uint64_t base
        uint64_t size
    int xpdk_fpga_afu(xpdk_fpga *fpga, unsigned int port, afu_t *afu)
    struct xpdk_gbs_info:
        xpdk_guid interface_id
        unsigned int num_afus
        xpdk_guid afu_id[8]
        char afu_name[8][64]
        uint64_t magic_no
        unsigned int version
        char platform[64]
        size_t bitstream_len
        size_t metadata_len
    int xpdk_gbs_load(const char *path, void **image, size_t *len, xpdk_gbs_info *info)
    int xpdk_fpga_pr(xpdk_fpga *fpga, unsigned int port, const void *gbs, size_t len,
                     void (*progress)(size_t done, size_t total, void *arg), void *arg)
    struct xpdk_he_cfg:
        unsigned int mode
        const xpdk_dma_buf *src
        xpdk_dma_buf *dst
        uint64_t lines
        uint32_t repeat
        uint64_t pattern
        bint irq
        int timeout_ms
    struct xpdk_he_result:
        uint64_t lines_read, lines_written
        uint64_t bytes
        uint64_t device_ns
        uint64_t host_ns
        uint64_t checksum
        unsigned int error
        uint64_t error_addr
    int xpdk_he_attach(xpdk_fpga *fpga, unsigned int port)
    int xpdk_he_run(xpdk_fpga *fpga, const xpdk_he_cfg *cfg, xpdk_he_result *res)
    const char *xpdk_he_strerror(unsigned int code)
    unsigned int XPDK_HE_MODE_READ
    unsigned int XPDK_HE_MODE_WRITE
    unsigned int XPDK_HE_MODE_COPY
    unsigned int XPDK_HE_MAX_LINES

cdef extern from "xpdk_devsim.h" nogil:
    struct xpdk_devsim_dev:
        pass
    struct xpdk_devsim_model:
        const char *name
        const char *summary
    xpdk_devsim_dev *xpdk_devsim_create(const char *model, const char *args, const char *name,
                                        const char *socket_path, int fd)
    int xpdk_devsim_start(xpdk_devsim_dev *dev)
    int xpdk_devsim_set_pci_id(xpdk_devsim_dev *dev, const char *ids)
    bint xpdk_devsim_finished(const xpdk_devsim_dev *dev)
    void xpdk_devsim_destroy(xpdk_devsim_dev *dev)
    void xpdk_devsim_set_log_level(int level)

# calls back into Python: not nogil
cdef extern from "xpdk_devsim.h":
    void xpdk_devsim_model_foreach(void (*cb)(const xpdk_devsim_model *m, void *arg), void *arg)

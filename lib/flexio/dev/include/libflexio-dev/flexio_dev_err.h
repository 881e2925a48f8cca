/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 XPDK authors
 */

/**
 * @file
 * Fatal errors raised by device code (libflexio-dev's flexio_dev_err.h names).
 */

#ifndef XPDK_FLEXIO_DEV_ERR_H
#define XPDK_FLEXIO_DEV_ERR_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/** The status a process ends with after an illegal call (e.g. an error code below 0x80). */
#define FLEXIO_DEV_ERROR_ILLEGAL_ERR 0x42

/**
 * End the process with @p error_code (0x80 … 0xff; other values end it with
 * FLEXIO_DEV_ERROR_ILLEGAL_ERR). The host sees flexio_err_status() != 0, its error fd becomes
 * readable, and flexio_err_display() prints the code. The process's error handler, when set
 * (flexio_process_error_handler_set()), runs first on this thread with the code as argument.
 * @param error_code the code.
 */
void flexio_dev_error(uint8_t error_code) __attribute__((noreturn));

#ifdef __cplusplus
}
#endif

#endif /* XPDK_FLEXIO_DEV_ERR_H */

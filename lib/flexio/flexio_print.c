/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 XPDK authors
 */

/*
 * Device prints: the process writes flexio_dev_print() output into the ring of its slot; the
 * host drains it to the FILE* of flexio_print_init(), from a thread (synchronous mode) or on
 * flexio_print_flush() (asynchronous mode). What the device could not fit is counted and
 * reported in the stream.
 */

#include <errno.h>

#include "flexio_priv.h"

/* Copy what the ring holds to the stream. Caller holds print_lock. */
static void drain(struct flexio_process *p)
{
	struct xpdk_dpa_slot *s = p->slot;
	const uint8_t *ring = (const uint8_t *)s + XPDK_DPA_PRINT_OFF;
	uint32_t size = s->print_size;
	uint64_t tail = s->print_tail;
	uint64_t head = __atomic_load_n(&s->print_head, __ATOMIC_ACQUIRE);
	uint64_t lost = __atomic_load_n(&s->print_lost, __ATOMIC_ACQUIRE);

	if (head - tail > size) /* the device's counter is not to be trusted */
		tail = head - size;
	while (tail != head) {
		uint64_t at = tail & (size - 1);
		size_t n = (size_t)(head - tail);

		if (n > size - at)
			n = size - at;
		fwrite(ring + at, 1, n, p->print_out);
		tail += n;
	}
	__atomic_store_n(&s->print_tail, tail, __ATOMIC_RELEASE);
	if (lost != p->print_lost_seen) {
		fprintf(p->print_out,
			"[flexio: %llu bytes of device prints lost: the buffer was "
			"full]\n",
			(unsigned long long)(lost - p->print_lost_seen));
		p->print_lost_seen = lost;
	}
	fflush(p->print_out);
}

static void *print_thread(void *arg)
{
	struct flexio_process *p = arg;
	struct xpdk_dpa_slot *s = p->slot;

	while (!p->print_stop) {
		uint32_t seq = __atomic_load_n(&s->print_seq, __ATOMIC_SEQ_CST);

		pthread_mutex_lock(&p->print_lock);
		drain(p);
		pthread_mutex_unlock(&p->print_lock);
		__atomic_store_n(&s->print_host_waiting, 1, __ATOMIC_SEQ_CST);
		if (__atomic_load_n(&s->print_seq, __ATOMIC_SEQ_CST) == seq && !p->print_stop)
			xpdk_dpa_futex_wait(&s->print_seq, seq, 50000000ULL);
		__atomic_store_n(&s->print_host_waiting, 0, __ATOMIC_SEQ_CST);
	}
	return NULL;
}

flexio_status flexio_print_init(flexio_process *process, flexio_uar *puar, size_t data_bsize,
				FILE *out, int is_async, pthread_t *ppthread)
{
	struct xpdk_dpa_slot *s;
	int rc;

	if (process == NULL || out == NULL || (puar != NULL && puar->proc != process))
		return FLEXIO_STATUS_FAILED;
	if (!XPDK_IS_POW2(data_bsize) || data_bsize < 2048 || data_bsize > XPDK_DPA_PRINT_MAX) {
		xpdk_err(EINVAL,
			 "flexio_print_init: the buffer must be a power of two from 2 KiB "
			 "to %u bytes, not %zu",
			 XPDK_DPA_PRINT_MAX, data_bsize);
		return FLEXIO_STATUS_FAILED;
	}
	if (process->print_on) {
		xpdk_err(EBUSY, "flexio_print_init: printing is set up already");
		return FLEXIO_STATUS_FAILED;
	}
	s = process->slot;
	process->print_out = out;
	process->print_async = is_async != 0;
	process->print_stop = false;
	process->print_lost_seen = __atomic_load_n(&s->print_lost, __ATOMIC_ACQUIRE);
	__atomic_store_n(&s->print_tail, __atomic_load_n(&s->print_head, __ATOMIC_ACQUIRE),
			 __ATOMIC_RELEASE);
	__atomic_store_n(&s->print_size, (uint32_t)data_bsize, __ATOMIC_RELEASE);
	process->print_on = true;
	if (!process->print_async) {
		rc = pthread_create(&process->print_thread, NULL, print_thread, process);
		if (rc != 0) {
			__atomic_store_n(&s->print_size, 0, __ATOMIC_RELEASE);
			process->print_on = false;
			xpdk_err(rc, "flexio_print_init: cannot start the print thread");
			return FLEXIO_STATUS_FAILED;
		}
		process->print_thread_on = true;
		if (ppthread != NULL)
			*ppthread = process->print_thread;
	}
	return FLEXIO_STATUS_SUCCESS;
}

flexio_status flexio_print_flush(flexio_process *process)
{
	if (process == NULL || !process->print_on)
		return FLEXIO_STATUS_FAILED;
	pthread_mutex_lock(&process->print_lock);
	drain(process);
	pthread_mutex_unlock(&process->print_lock);
	return FLEXIO_STATUS_SUCCESS;
}

void xpdk_flexio_print_stop(struct flexio_process *p)
{
	if (!p->print_on)
		return;
	if (p->print_thread_on) {
		p->print_stop = true;
		xpdk_dpa_futex_wake(&p->slot->print_seq);
		pthread_join(p->print_thread, NULL);
		p->print_thread_on = false;
	}
	pthread_mutex_lock(&p->print_lock);
	drain(p);
	pthread_mutex_unlock(&p->print_lock);
	__atomic_store_n(&p->slot->print_size, 0, __ATOMIC_RELEASE);
	p->print_on = false;
}

flexio_status flexio_print_destroy(flexio_process *process)
{
	if (process == NULL)
		return FLEXIO_STATUS_FAILED;
	xpdk_flexio_print_stop(process);
	return FLEXIO_STATUS_SUCCESS;
}

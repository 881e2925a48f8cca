/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 XPDK authors
 */

/*
 * Fault injection that any model can be given: the `faults=` model argument's framework faults
 * (stop answering, answer slowly, close the connection, refuse DMA_MAP, fail the device's DMA,
 * corrupt a reply, storm the interrupts), each from a number of requests or a time after the
 * client connected, with a probability from a seeded generator for reproducible runs. They are
 * taken out of the model arguments before the model sees them; the model's own faults
 * (dfl-fpga's port-reset-ack, pr-complete) pass through. The vfio-user server core carries the
 * decisions out (lib/vfio_user/vfu_fault.c).
 */

#include <errno.h>
#include <inttypes.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "devsim_priv.h"

#define MAX_FAULTS 16

enum fault_kind { F_HANG, F_SLOW, F_CLOSE, F_DMA_MAP_ERROR, F_DMA_FAULT, F_CORRUPT, F_IRQ_STORM };

static const struct {
	const char *name;
	unsigned int def; /* the argument when none is given; 0: takes none */
} kinds[] = {
	[F_HANG] = { "hang", 0 },
	[F_SLOW] = { "slow", 100 }, /* ms per request */
	[F_CLOSE] = { "close", 0 },
	[F_DMA_MAP_ERROR] = { "dma-map-error", 0 },
	[F_DMA_FAULT] = { "dma-fault", 0 },
	[F_CORRUPT] = { "corrupt", XPDK_VFU_CORRUPT_ID }, /* field */
	[F_IRQ_STORM] = { "irq-storm", 1000 },		  /* interrupts a second */
};

static const char *const corrupt_names[] = {
	[XPDK_VFU_CORRUPT_ID] = "id",
	[XPDK_VFU_CORRUPT_CMD] = "cmd",
	[XPDK_VFU_CORRUPT_SIZE] = "size",
	[XPDK_VFU_CORRUPT_DATA] = "data",
};

struct fault {
	enum fault_kind kind;
	unsigned int arg;
	uint64_t after; /* the first this many requests of a connection are spared */
	uint64_t at_ms; /* and the first this many ms of it */
	uint64_t prob;	/* fires with probability prob / 2^32 each time it applies; 2^32: always */
};

struct devsim_faults {
	unsigned int n;
	struct fault f[MAX_FAULTS];
	pthread_mutex_t lock; /* rng, from the server and the device thread */
	uint64_t rng;
	_Atomic uint64_t t0_ns; /* when the client connected (0: none yet) */
	_Atomic uint64_t nreq;	/* its requests so far */
};

#define PROB_ONE (1ull << 32)

/* splitmix64: one draw of the seeded sequence, in [0, 2^32) */
static uint64_t draw(struct devsim_faults *fs)
{
	uint64_t z;

	pthread_mutex_lock(&fs->lock);
	z = (fs->rng += 0x9e3779b97f4a7c15ull);
	pthread_mutex_unlock(&fs->lock);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return (z ^ (z >> 31)) >> 32;
}

/* Whether @p f applies at request @p nreq, @p ms into the connection (drawing its chance). */
static bool fires(struct devsim_faults *fs, const struct fault *f, uint64_t nreq, uint64_t ms)
{
	if (nreq <= f->after || ms < f->at_ms)
		return false;
	return f->prob >= PROB_ONE || draw(fs) < f->prob;
}

static int parse_number(const char *dev, const char *item, const char *s, uint64_t *v,
			const char *what)
{
	if (xpdk_parse_u64(s, v) < 0)
		return xpdk_err(EINVAL, "%s: fault '%s': %s '%s' is not a number", dev, item, what,
				s);
	return 0;
}

/* One item: KIND[=ARG][@N|@Nms|@Ns][~P]. Returns 0, 1 when KIND is not ours, or -EINVAL. */
static int parse_item(struct xpdk_devsim_dev *dev, struct devsim_faults *fs, char *item)
{
	char orig[128], *at, *tilde, *eq;
	struct fault f = { .prob = PROB_ONE };
	unsigned int k;
	uint64_t v;

	snprintf(orig, sizeof(orig), "%s", item);
	tilde = strchr(item, '~');
	if (tilde != NULL)
		*tilde++ = '\0';
	at = strchr(item, '@');
	if (at != NULL)
		*at++ = '\0';
	eq = strchr(item, '=');
	if (eq != NULL)
		*eq++ = '\0';
	for (k = 0; k < XPDK_ARRAY_SIZE(kinds); k++)
		if (strcmp(item, kinds[k].name) == 0)
			break;
	if (k == XPDK_ARRAY_SIZE(kinds))
		return 1;
	f.kind = (enum fault_kind)k;
	f.arg = kinds[k].def;
	if (eq != NULL && kinds[k].def == 0)
		return xpdk_err(EINVAL, "%s: fault '%s' takes no argument", dev->name, orig);
	if (eq != NULL && f.kind == F_CORRUPT) {
		for (f.arg = XPDK_VFU_CORRUPT_ID; f.arg <= XPDK_VFU_CORRUPT_DATA; f.arg++)
			if (strcmp(eq, corrupt_names[f.arg]) == 0)
				break;
		if (f.arg > XPDK_VFU_CORRUPT_DATA)
			return xpdk_err(EINVAL,
					"%s: fault '%s': corrupt what? (id, cmd, size, data)",
					dev->name, orig);
	} else if (eq != NULL) {
		if (parse_number(dev->name, orig, eq, &v, "argument") < 0)
			return -EINVAL;
		if (v == 0 || v > 1000000)
			return xpdk_err(EINVAL, "%s: fault '%s': argument out of range (1-1000000)",
					dev->name, orig);
		f.arg = (unsigned int)v;
	}
	if (at != NULL) {
		size_t len = strlen(at);
		uint64_t scale = 0; /* 0: a number of requests */

		if (len > 2 && strcmp(at + len - 2, "ms") == 0)
			scale = 1, at[len - 2] = '\0';
		else if (len > 1 && at[len - 1] == 's')
			scale = 1000, at[len - 1] = '\0';
		if (parse_number(dev->name, orig, at, &v, "trigger") < 0)
			return -EINVAL;
		if (scale != 0 && v > UINT64_MAX / scale)
			return xpdk_err(EINVAL, "%s: fault '%s': time out of range", dev->name,
					orig);
		if (scale != 0)
			f.at_ms = v * scale;
		else
			f.after = v;
	}
	if (tilde != NULL) {
		char *end = NULL;
		double p = strtod(tilde, &end);

		if (end == tilde || *end != '\0' || !(p > 0.0 && p <= 1.0))
			return xpdk_err(EINVAL, "%s: fault '%s': probability '%s' is not in (0, 1]",
					dev->name, orig, tilde);
		f.prob = p >= 1.0 ? PROB_ONE : (uint64_t)(p * (double)PROB_ONE);
	}
	if (fs->n == MAX_FAULTS)
		return xpdk_err(EINVAL, "%s: more than %d faults", dev->name, MAX_FAULTS);
	fs->f[fs->n++] = f;
	return 0;
}

/* Append "s" of length @p len to @p out (capacity @p cap), with a separator when not first. */
static void append(char *out, size_t cap, const char *sep, const char *s, size_t len)
{
	size_t used = strlen(out);

	snprintf(out + used, cap - used, "%s%.*s", used ? sep : "", (int)len, s);
}

int xpdk_devsim_faults_parse(struct xpdk_devsim_dev *dev, const char *args, char **model_args)
{
	size_t cap = strlen(args) + 16;
	char *rest = calloc(1, cap), *theirs = calloc(1, cap);
	struct devsim_faults *fs = calloc(1, sizeof(*fs));
	const char *p = args;
	uint64_t seed = 1;
	int rc = 0;

	if (rest == NULL || theirs == NULL || fs == NULL) {
		rc = xpdk_err(ENOMEM, "out of memory");
		goto out;
	}
	while (*p != '\0' && rc == 0) {
		const char *end = strchr(p, ',');
		size_t len = end ? (size_t)(end - p) : strlen(p);

		if (strncmp(p, "faults=", 7) == 0) {
			char *list = strndup(p + 7, len - 7), *save = NULL;

			if (list == NULL) {
				rc = xpdk_err(ENOMEM, "out of memory");
				break;
			}
			for (char *t = strtok_r(list, "+", &save); t != NULL && rc == 0;
			     t = strtok_r(NULL, "+", &save)) {
				char item[128];

				snprintf(item, sizeof(item), "%s", t);
				rc = parse_item(dev, fs, item);
				if (rc == 1) { /* the model's own */
					append(theirs, cap, "+", t, strlen(t));
					rc = 0;
				}
			}
			free(list);
		} else if (strncmp(p, "fault_seed=", 11) == 0) {
			char num[32];

			snprintf(num, sizeof(num), "%.*s", (int)(len - 11), p + 11);
			rc = parse_number(dev->name, "fault_seed", num, &seed, "seed");
		} else {
			append(rest, cap, ",", p, len);
		}
		p = end ? end + 1 : p + len;
	}
	if (rc == 0 && theirs[0] != '\0') {
		if (dev->model->args_help == NULL ||
		    strstr(dev->model->args_help, "faults=") == NULL) {
			rc = xpdk_err(EINVAL,
				      "%s: fault '%s' is unknown (hang, slow[=MS], close, "
				      "dma-map-error, dma-fault, corrupt[=id|cmd|size|data], "
				      "irq-storm[=HZ]; model %s has none of its own)",
				      dev->name, theirs, dev->model->name);
			goto out;
		}
		append(rest, cap, ",", "faults=", 7);
		append(rest, cap, "", theirs, strlen(theirs));
	}
	if (rc == 0 && fs->n > 0) {
		pthread_mutex_init(&fs->lock, NULL);
		fs->rng = seed;
		dev->faults = fs;
		fs = NULL;
		xpdk_devsim_log(dev, 2, "fault injection: %u fault(s), seed %" PRIu64,
				dev->faults->n, seed);
	}
out:
	free(fs);
	free(theirs);
	if (rc < 0) {
		free(rest);
		return rc;
	}
	*model_args = rest;
	return 0;
}

void xpdk_devsim_faults_free(struct xpdk_devsim_dev *dev)
{
	if (dev->faults == NULL)
		return;
	pthread_mutex_destroy(&dev->faults->lock);
	free(dev->faults);
	dev->faults = NULL;
}

void xpdk_devsim_faults_decide(void *arg, const struct xpdk_vfu_hdr *cmd, uint64_t nreq,
			       uint64_t elapsed_ms, struct xpdk_vfu_fault *out)
{
	struct xpdk_devsim_dev *dev = arg;
	struct devsim_faults *fs = dev->faults;
	const char *what = NULL;
	int level = 2;

	atomic_store(&fs->t0_ns, xpdk_now_ns() - elapsed_ms * 1000000);
	atomic_store(&fs->nreq, nreq);
	out->next_ms = -1;
	for (unsigned int i = 0; i < fs->n; i++) {
		const struct fault *f = &fs->f[i];
		bool timed = f->kind == F_HANG || f->kind == F_CLOSE || f->kind == F_IRQ_STORM;

		/* a fault due at a time comes then, even if no request does */
		if (timed && elapsed_ms < f->at_ms && nreq >= f->after &&
		    (out->next_ms < 0 || f->at_ms - elapsed_ms < (uint64_t)out->next_ms))
			out->next_ms = (int)(f->at_ms - elapsed_ms);
		if (cmd == NULL && !timed)
			continue;
		if (f->kind == F_DMA_FAULT ||
		    (f->kind == F_DMA_MAP_ERROR && cmd->cmd != XPDK_VFU_DMA_MAP) ||
		    !fires(fs, f, cmd == NULL ? nreq + 1 : nreq, elapsed_ms))
			continue;
		switch (f->kind) {
		case F_HANG:
			out->action = XPDK_VFU_FAULT_STOP;
			what = "stops answering";
			break;
		case F_SLOW:
			out->delay_ms += f->arg;
			what = "answers late", level = 3;
			break;
		case F_CLOSE:
			out->action = XPDK_VFU_FAULT_CLOSE;
			what = "closes the connection";
			break;
		case F_DMA_MAP_ERROR:
			out->action = XPDK_VFU_FAULT_ERROR;
			out->err = EPERM;
			what = "refuses DMA_MAP";
			break;
		case F_CORRUPT:
			if (out->action == XPDK_VFU_FAULT_NONE) {
				out->action = XPDK_VFU_FAULT_CORRUPT;
				out->corrupt = (enum xpdk_vfu_corrupt)f->arg;
			}
			what = "corrupts a reply";
			break;
		case F_IRQ_STORM:
			out->irq_storm_hz = f->arg;
			what = "storms the interrupts";
			level = 3;
			break;
		default:
			break;
		}
		xpdk_devsim_log(dev, level,
				"fault injection: %s (%s, request %" PRIu64 ", %" PRIu64
				" ms after the client connected)",
				what, kinds[f->kind].name, nreq, elapsed_ms);
	}
}

int xpdk_devsim_faults_dma(struct xpdk_devsim_dev *dev)
{
	struct devsim_faults *fs = dev->faults;
	uint64_t t0;

	if (fs == NULL)
		return 0;
	t0 = atomic_load(&fs->t0_ns);
	for (unsigned int i = 0; i < fs->n; i++) {
		if (fs->f[i].kind == F_DMA_FAULT && t0 != 0 &&
		    fires(fs, &fs->f[i], atomic_load(&fs->nreq), (xpdk_now_ns() - t0) / 1000000)) {
			xpdk_devsim_log(dev, 3, "fault injection: DMA fails (dma-fault)");
			return xpdk_err(EFAULT, "%s: DMA failed (fault injection: dma-fault)",
					dev->name);
		}
	}
	return 0;
}

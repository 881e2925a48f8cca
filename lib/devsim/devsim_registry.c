/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 XPDK authors
 */

/*
 * The model registry (filled by XPDK_DEVSIM_MODEL constructors) and devsim's log.
 */

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "devsim_priv.h"

#define MAX_MODELS 32

static const struct xpdk_devsim_model *models[MAX_MODELS];
static unsigned int nmodels;
static int log_level = 2;

void xpdk_devsim_model_register(const struct xpdk_devsim_model *model)
{
	unsigned int i;

	if (nmodels == MAX_MODELS || model == NULL || model->name == NULL || model->init == NULL)
		return;
	/* keep the table sorted by name */
	for (i = nmodels; i > 0 && strcmp(models[i - 1]->name, model->name) > 0; i--)
		models[i] = models[i - 1];
	models[i] = model;
	nmodels++;
}

const struct xpdk_devsim_model *xpdk_devsim_model_find(const char *name)
{
	char known[256] = "";
	size_t len = 0;

	for (unsigned int i = 0; i < nmodels; i++)
		if (strcmp(models[i]->name, name) == 0)
			return models[i];
	for (unsigned int i = 0; i < nmodels && len < sizeof(known); i++)
		len += (size_t)snprintf(known + len, sizeof(known) - len, "%s%s", i ? ", " : "",
					models[i]->name);
	xpdk_err(ENOENT, "no device model named '%s' (known: %s)", name, known);
	return NULL;
}

void xpdk_devsim_model_foreach(void (*cb)(const struct xpdk_devsim_model *m, void *arg), void *arg)
{
	for (unsigned int i = 0; i < nmodels; i++)
		cb(models[i], arg);
}

void xpdk_devsim_set_log_level(int level)
{
	log_level = level;
}

void xpdk_devsim_log(const struct xpdk_devsim_dev *dev, int level, const char *fmt, ...)
{
	static const char *const tags[] = { "error", "warning", "info", "debug" };
	char line[1024];
	struct timespec ts;
	struct tm tm;
	va_list ap;

	if (level > log_level)
		return;
	va_start(ap, fmt);
	/* clang-analyzer 14 does not see the va_start above */
	/* NOLINTNEXTLINE(clang-analyzer-valist.Uninitialized) */
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	/* one fprintf per line so that lines from several threads do not interleave */
	fprintf(stderr, "%02d:%02d:%02d.%03ld [%s] %s: %s\n", tm.tm_hour, tm.tm_min, tm.tm_sec,
		ts.tv_nsec / 1000000, dev ? xpdk_devsim_name(dev) : "devsim",
		tags[level < 0	 ? 0
		     : level > 3 ? 3
				 : level],
		line);
}

int xpdk_devsim_args(const char *model, const char *args,
		     int (*cb)(const char *key, const char *val, void *arg), void *arg)
{
	const char *p = args;

	while (*p != '\0') {
		const char *eq = strchr(p, '=');
		const char *end = strchr(p, ',');
		char key[32], val[128];
		size_t klen, vlen;
		int rc;

		if (end == NULL)
			end = p + strlen(p);
		if (eq == NULL || eq > end || eq == p)
			return xpdk_err(EINVAL, "%s: model argument '%.*s' is not key=value", model,
					(int)(end - p), p);
		klen = (size_t)(eq - p);
		vlen = (size_t)(end - eq - 1);
		if (klen >= sizeof(key) || vlen >= sizeof(val))
			return xpdk_err(EINVAL, "%s: model argument '%.*s' is too long", model,
					(int)(end - p), p);
		memcpy(key, p, klen);
		key[klen] = '\0';
		memcpy(val, eq + 1, vlen);
		val[vlen] = '\0';
		rc = cb(key, val, arg);
		if (rc != 0)
			return rc;
		p = *end == ',' ? end + 1 : end;
	}
	return 0;
}

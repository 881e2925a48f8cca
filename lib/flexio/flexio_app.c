/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 XPDK authors
 */

/*
 * FlexIO apps (a DPA program's image and its registered functions) and their registry, and the
 * registry of DPA backends (drivers) that lib/flexio drives devices through.
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "flexio_priv.h"

static pthread_mutex_t apps_lock = PTHREAD_MUTEX_INITIALIZER;
static struct flexio_app *apps;

flexio_status flexio_app_create(const char *name, void *elf, size_t elf_size, flexio_app **app)
{
	struct flexio_app *a;

	if (app != NULL)
		*app = NULL;
	if (name == NULL || elf == NULL || app == NULL || elf_size == 0 ||
	    strnlen(name, FLEXIO_MAX_NAME_LEN) >= FLEXIO_MAX_NAME_LEN) {
		xpdk_err(EINVAL,
			 "flexio_app_create: a name (< %d bytes), an ELF and a result "
			 "pointer are needed",
			 FLEXIO_MAX_NAME_LEN);
		return FLEXIO_STATUS_FAILED;
	}
	a = calloc(1, sizeof(*a));
	if (a == NULL || (a->elf = malloc(elf_size)) == NULL) {
		free(a);
		xpdk_err(ENOMEM, "flexio_app_create: out of memory for a %zu-byte ELF", elf_size);
		return FLEXIO_STATUS_FAILED;
	}
	memcpy(a->elf, elf, elf_size);
	a->elf_size = elf_size;
	snprintf(a->name, sizeof(a->name), "%s", name);
	pthread_mutex_lock(&apps_lock);
	a->next = apps;
	apps = a;
	pthread_mutex_unlock(&apps_lock);
	*app = a;
	return FLEXIO_STATUS_SUCCESS;
}

flexio_status flexio_app_destroy(flexio_app *app)
{
	struct flexio_app **pp;

	if (app == NULL)
		return FLEXIO_STATUS_SUCCESS;
	pthread_mutex_lock(&apps_lock);
	if (app->users > 0) {
		pthread_mutex_unlock(&apps_lock);
		xpdk_err(EBUSY, "flexio_app_destroy: app '%s' still runs in %d process(es)",
			 app->name, app->users);
		return FLEXIO_STATUS_FAILED;
	}
	for (pp = &apps; *pp != NULL && *pp != app; pp = &(*pp)->next)
		;
	if (*pp == app)
		*pp = app->next;
	pthread_mutex_unlock(&apps_lock);
	while (app->funcs != NULL) {
		struct xpdk_flexio_func *f = app->funcs;

		app->funcs = f->next;
		free(f);
	}
	free(app->elf);
	free(app);
	return FLEXIO_STATUS_SUCCESS;
}

void xpdk_flexio_app_use(struct flexio_app *app, int delta)
{
	pthread_mutex_lock(&apps_lock);
	app->users += delta;
	pthread_mutex_unlock(&apps_lock);
}

flexio_status flexio_app_get_elf(flexio_app *app, uint64_t *bin_buff, size_t bin_size)
{
	if (app == NULL || bin_buff == NULL || bin_size < app->elf_size) {
		xpdk_err(EINVAL, "flexio_app_get_elf: the buffer is smaller than the ELF");
		return FLEXIO_STATUS_FAILED;
	}
	memcpy(bin_buff, app->elf, app->elf_size);
	return FLEXIO_STATUS_SUCCESS;
}

const char *flexio_app_get_name(flexio_app *app)
{
	return app != NULL ? app->name : NULL;
}

flexio_status flexio_app_get_list(flexio_app ***app_list, uint32_t *num_apps)
{
	uint32_t n = 0;

	if (app_list == NULL || num_apps == NULL)
		return FLEXIO_STATUS_FAILED;
	pthread_mutex_lock(&apps_lock);
	for (struct flexio_app *a = apps; a != NULL; a = a->next)
		n++;
	*app_list = calloc(n + 1, sizeof(flexio_app *));
	if (*app_list != NULL) {
		n = 0;
		for (struct flexio_app *a = apps; a != NULL; a = a->next)
			(*app_list)[n++] = a;
	}
	pthread_mutex_unlock(&apps_lock);
	*num_apps = *app_list != NULL ? n : 0;
	return *app_list != NULL ? FLEXIO_STATUS_SUCCESS : FLEXIO_STATUS_FAILED;
}

flexio_status flexio_app_list_free(flexio_app **apps_list)
{
	free(apps_list);
	return FLEXIO_STATUS_SUCCESS;
}

static flexio_status add_func(flexio_app *app, const char *name, const char *unpack,
			      flexio_func_t *stub, size_t argbuf_size,
			      flexio_func_arg_pack_fn_t *pack, flexio_func_t **out)
{
	struct xpdk_flexio_func *f;

	if (app == NULL || name == NULL ||
	    strnlen(name, FLEXIO_MAX_NAME_LEN) >= FLEXIO_MAX_NAME_LEN || name[0] == '\0' ||
	    argbuf_size > XPDK_DPA_RPC_ARGBUF ||
	    (unpack != NULL && strnlen(unpack, FLEXIO_MAX_NAME_LEN) >= FLEXIO_MAX_NAME_LEN)) {
		xpdk_err(EINVAL,
			 "registering a function: bad app, name, or an argument buffer "
			 "over %u bytes",
			 XPDK_DPA_RPC_ARGBUF);
		return FLEXIO_STATUS_FAILED;
	}
	f = calloc(1, sizeof(*f));
	if (f == NULL) {
		xpdk_err(ENOMEM, "out of memory");
		return FLEXIO_STATUS_FAILED;
	}
	snprintf(f->name, sizeof(f->name), "%s", name);
	snprintf(f->unpack, sizeof(f->unpack), "%s", unpack ? unpack : "");
	f->argbuf_size = argbuf_size;
	f->pack = pack;
	/* without a host stub, the handle is an address of our own (never called) */
	f->stub = stub != NULL ? stub : (flexio_func_t *)(void *)&f->handle_byte;
	pthread_mutex_lock(&apps_lock);
	f->next = app->funcs;
	app->funcs = f;
	pthread_mutex_unlock(&apps_lock);
	if (out != NULL)
		*out = f->stub;
	return FLEXIO_STATUS_SUCCESS;
}

flexio_status flexio_func_register(flexio_app *app, const char *dev_func_name,
				   flexio_func_t **out_func)
{
	if (out_func == NULL)
		return FLEXIO_STATUS_FAILED;
	return add_func(app, dev_func_name, NULL, NULL, 0, NULL, out_func);
}

flexio_status flexio_func_pup_register(flexio_app *app, const char *dev_func_name,
				       const char *dev_unpack_func_name,
				       flexio_func_t *host_stub_func_addr, size_t argbuf_size,
				       flexio_func_arg_pack_fn_t *host_pack_func)
{
	if (host_stub_func_addr == NULL || host_pack_func == NULL || dev_unpack_func_name == NULL)
		return xpdk_err(EINVAL, "flexio_func_pup_register: stub, pack and unpack functions "
					"are needed"),
		       FLEXIO_STATUS_FAILED;
	return add_func(app, dev_func_name, dev_unpack_func_name, host_stub_func_addr, argbuf_size,
			host_pack_func, NULL);
}

flexio_status xpdk_flexio_func_register_stub(flexio_app *app, const char *name, flexio_func_t *stub)
{
	if (stub == NULL)
		return FLEXIO_STATUS_FAILED;
	return add_func(app, name, NULL, stub, 0, NULL, NULL);
}

const struct xpdk_flexio_func *xpdk_flexio_func_find(const struct flexio_app *app,
						     flexio_func_t *stub)
{
	const struct xpdk_flexio_func *f;

	pthread_mutex_lock(&apps_lock);
	for (f = app->funcs; f != NULL && f->stub != stub; f = f->next)
		;
	pthread_mutex_unlock(&apps_lock);
	return f;
}

/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 XPDK authors
 */

/*
 * Model "f2": AWS F2 FPGA slots. One instance serves slots=N slots (1 to 8), each as two PCI
 * functions of one device, the way the F2 shell presents them:
 *
 *   <name>-SS.1.sock  management PF 1d0f:9248: BAR0 mailbox (LOAD/METRICS/CLEAR, vLED/vDIP),
 *                     BAR2 tools (reads 0), BAR4 the clock generator;
 *   <name>-SS.0.sock  application PF: 1d0f:9048 while cleared, the AFI's IDs once loaded;
 *                     BAR0 OCL, BAR2, BAR4 PCIS (the SDE's descriptor windows and 64 MiB of CL
 *                     memory are shared memory the client maps; the rest is trapped).
 *
 * (SS is the slot in two hex digits, as a PCI device number.) When a load or clear completes,
 * the application PF's IDs change and its client is unplugged (it sees the device go away, as
 * after AWS's remove and rescan); the next client finds the new IDs. The shell, clock
 * generator, CL registers and SDE are in model_f2_{mbox,clkgen,cl,sde}.c.
 */

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "model_f2.h"
#include "xpdk_devsim.h"

/*
 * The device thread polls a cl_sde slot adaptively, as DPDK's dma_skeleton polls its ring:
 * without sleeping while work arrives and for SPIN_NS after the last, then in naps of NAP_NS
 * (a CPU shared with other work gets it back, and a thread that slept is scheduled at once
 * when it wakes) until NAP_UNTIL_NS, then less and less often, at least every MAX_SLEEP_NS.
 */
#define SDE_BATCH     XPDK_SDE_DESC_DEPTH /* descriptors per burst: the whole ring */
#define SPIN_NS	      100000ull
#define NAP_NS	      20000ull
#define NAP_UNTIL_NS  20000000ull
#define MAX_SLEEP_NS  1000000ull
#define WORK_SLICE_NS 1000000ull /* return to the device thread's loop this often */
#define CL_MEM_OFF    0x4000
#define CL_MEM_SIZE   (64ull << 20)

struct f2_args {
	struct f2 *f;
	const char *afi;
	char afi_buf[80];
};

static int f2_arg(const char *key, const char *val, void *arg)
{
	struct f2_args *a = arg;
	struct f2 *f = a->f;
	uint64_t v;

	if (strcmp(key, "slots") == 0) {
		if (xpdk_parse_u64(val, &v) < 0 || v < 1 || v > XPDK_F2_SLOT_MAX)
			return xpdk_err(EINVAL, "f2: slots '%s' is not 1 to %d", val,
					XPDK_F2_SLOT_MAX);
		f->nslots = (unsigned int)v;
	} else if (strcmp(key, "load_ms") == 0) {
		if (xpdk_parse_u64(val, &v) < 0 || v > 600000)
			return xpdk_err(EINVAL, "f2: load_ms '%s' is not 0 to 600000", val);
		f->load_ns = v * 1000000ull;
	} else if (strcmp(key, "afi") == 0) {
		if (xpdk_f2m_afi_find(val) == NULL)
			return xpdk_err(EINVAL,
					"f2: afi '%s' is not in the catalogue "
					"(xpdk-devsim --list-models lists it)",
					val);
		snprintf(a->afi_buf, sizeof(a->afi_buf), "%s", val);
		a->afi = a->afi_buf;
	} else if (strcmp(key, "faults") == 0) {
		char buf[128], *save = NULL;

		snprintf(buf, sizeof(buf), "%s", val);
		for (char *t = strtok_r(buf, "+", &save); t; t = strtok_r(NULL, "+", &save)) {
			if (strcmp(t, "load-fail") == 0)
				f->faults |= F2_FAULT_LOAD_FAIL;
			else if (strcmp(t, "power-violation") == 0)
				f->faults |= F2_FAULT_POWER;
			else if (strcmp(t, "mbox-silent") == 0)
				f->faults |= F2_FAULT_MBOX_SILENT;
			else if (strcmp(t, "clk-no-lock") == 0)
				f->faults |= F2_FAULT_CLK_NO_LOCK;
			else
				return xpdk_err(EINVAL,
						"f2: fault '%s' is unknown (load-fail, "
						"power-violation, mbox-silent, clk-no-lock)",
						t);
		}
	} else {
		return xpdk_err(EINVAL,
				"f2: unknown model argument '%s' (known: slots, "
				"load_ms, afi, faults)",
				key);
	}
	return 0;
}

static void set_app_ids(struct xpdk_devsim_dev *app, const struct f2_afi *afi)
{
	uint8_t *c = xpdk_devsim_cfg(app)->data;
	uint16_t did = afi ? afi->device : XPDK_F2_APP_CLEARED;
	uint16_t svid = afi ? afi->ssvid : XPDK_F2_VENDOR;
	uint16_t ssid = afi ? afi->ssid : XPDK_F2_CL_SSID;

	c[PCI_DEVICE_ID] = (uint8_t)did;
	c[PCI_DEVICE_ID + 1] = (uint8_t)(did >> 8);
	c[PCI_SUBSYSTEM_VENDOR_ID] = (uint8_t)svid;
	c[PCI_SUBSYSTEM_VENDOR_ID + 1] = (uint8_t)(svid >> 8);
	c[PCI_SUBSYSTEM_ID] = (uint8_t)ssid;
	c[PCI_SUBSYSTEM_ID + 1] = (uint8_t)(ssid >> 8);
}

/* After the shell moved: when the CL the application PF presents changed, present the new
 * one (IDs, power-on registers) and unplug the old one's client. Lock held. */
static void follow_shell(struct f2_slot *sl)
{
	const struct f2_afi *now = sl->shell.status == XPDK_F2_STATUS_LOADED ? sl->shell.afi : NULL;

	if (now == sl->presented)
		return;
	sl->presented = now;
	xpdk_f2m_cl_reset(sl);
	set_app_ids(sl->app, now);
	xpdk_devsim_unplug(sl->app);
	xpdk_devsim_log(sl->mgmt, 2, "slot %u: %s%s; application PF is now 1d0f:%04x", sl->index,
			now ? "loaded " : "cleared", now ? now->agfi : "",
			now ? now->device : XPDK_F2_APP_CLEARED);
}

static int add_slot(struct xpdk_devsim_dev *dev, struct f2 *f, unsigned int s, const char *afi)
{
	struct f2_slot *sl = &f->slot[s];
	struct xpdk_pci_ids mgmt = { .vendor = XPDK_F2_VENDOR,
				     .device = XPDK_F2_MBOX_DEVICE,
				     .subsystem_vendor = XPDK_F2_VENDOR,
				     .subsystem = XPDK_F2_MBOX_DEVICE,
				     .class_code = 0x058000 };
	struct xpdk_pci_ids app = { .vendor = XPDK_F2_VENDOR,
				    .device = XPDK_F2_APP_CLEARED,
				    .subsystem_vendor = XPDK_F2_VENDOR,
				    .subsystem = XPDK_F2_CL_SSID,
				    .class_code = 0x058000 };
	char name[16];
	void *mem;

	sl->index = s;
	snprintf(name, sizeof(name), "%02x.0", s);
	sl->app = xpdk_devsim_function_add(dev, name);
	snprintf(name, sizeof(name), "%02x.1", s);
	sl->mgmt = sl->app ? xpdk_devsim_function_add(dev, name) : NULL;
	if (sl->mgmt == NULL)
		return -errno;
	xpdk_pci_cfg_init(xpdk_devsim_cfg(sl->app), &app, true);
	xpdk_pci_cfg_init(xpdk_devsim_cfg(sl->mgmt), &mgmt, true);
	if (xpdk_devsim_bar(sl->app, 0, XPDK_F2_APP_BAR0_SIZE, true) < 0 ||
	    xpdk_devsim_bar(sl->app, 2, XPDK_F2_APP_BAR2_SIZE, true) < 0 ||
	    xpdk_devsim_bar(sl->app, 4, XPDK_F2_APP_BAR4_SIZE, true) < 0 ||
	    xpdk_devsim_bar(sl->mgmt, 0, XPDK_F2_MGMT_BAR0_SIZE, true) < 0 ||
	    xpdk_devsim_bar(sl->mgmt, 2, XPDK_F2_MGMT_BAR2_SIZE, true) < 0 ||
	    xpdk_devsim_bar(sl->mgmt, 4, XPDK_F2_MGMT_BAR4_SIZE, true) < 0)
		return -EINVAL;
	sl->sde.c2h_win = xpdk_devsim_bar_mem(sl->app, 4, XPDK_SDE_C2H_DESC_WIN, XPDK_SDE_WIN_SIZE);
	sl->sde.h2c_win = xpdk_devsim_bar_mem(sl->app, 4, XPDK_SDE_H2C_DESC_WIN, XPDK_SDE_WIN_SIZE);
	mem = xpdk_devsim_bar_mem(sl->app, 4, CL_MEM_OFF, CL_MEM_SIZE);
	if (sl->sde.c2h_win == NULL || sl->sde.h2c_win == NULL || mem == NULL)
		return -ENOMEM;
	xpdk_f2m_shell_init(&sl->shell, f->faults, f->load_ns);
	sl->cg.no_lock = f->faults & F2_FAULT_CLK_NO_LOCK;
	xpdk_f2m_clkgen_reset(&sl->cg);
	xpdk_f2m_cl_reset(sl);
	if (afi != NULL) { /* loaded at power-on */
		sl->shell.afi = xpdk_f2m_afi_find(afi);
		sl->shell.status = XPDK_F2_STATUS_LOADED;
		sl->presented = sl->shell.afi;
		set_app_ids(sl->app, sl->shell.afi);
	}
	return 0;
}

static int f2_init(struct xpdk_devsim_dev *dev, const char *args)
{
	struct f2 *f = xpdk_devsim_priv(dev);
	struct f2_args a = { .f = f };
	int rc;

	f->nslots = 1;
	f->load_ns = 20000000ull; /* a load or clear is busy for 20 ms */
	rc = xpdk_devsim_args("f2", args, f2_arg, &a);
	if (rc < 0)
		return rc;
	for (unsigned int s = 0; s < f->nslots; s++) {
		rc = add_slot(dev, f, s, a.afi);
		if (rc < 0)
			return rc;
	}
	return 0;
}

static struct f2_slot *slot_of(struct xpdk_devsim_dev *fn, bool *mgmt)
{
	struct f2 *f = xpdk_devsim_priv(fn);
	int i = xpdk_devsim_function_index(fn);

	*mgmt = i & 1;
	return &f->slot[i / 2];
}

static uint64_t mgmt_read(struct f2_slot *sl, unsigned int bar, uint64_t off)
{
	if (bar == 0) {
		if (off == XPDK_F2_MB_VLED) /* the hello world's LEDs, through the DIP mask */
			return sl->shell.afi && sl->shell.afi->cl == CL_HELLO &&
				       sl->shell.status == XPDK_F2_STATUS_LOADED
				   ? (sl->hello & sl->shell.vdip & 0xffff)
				   : 0;
		return xpdk_f2m_mbox_read(&sl->shell, off);
	}
	if (bar == 4) {
		if (off >= XPDK_F2_CG_MMCM_B && off < XPDK_F2_CG_MMCM_LOCK + 4)
			return xpdk_f2m_clkgen_read(&sl->cg, off);
		sl->shell.m.sda_slave_timeout_addr = off;
		sl->shell.m.sda_slave_timeout_count++;
		sl->shell.m.int_status |= XPDK_F2_INT_PCI_SLAVE_SDA_TIMEOUT;
		return 0xffffffffu;
	}
	return 0;
}

static uint64_t f2_mmio_read(struct xpdk_devsim_dev *dev, unsigned int bar, uint64_t off,
			     unsigned int size)
{
	bool mgmt;
	struct f2_slot *sl = slot_of(dev, &mgmt);

	if (!mgmt)
		return xpdk_f2m_app_read(sl, bar, off, size);
	if (size != 4 || (off & 3))
		return ~0ull; /* the mailbox and clock generator are 32-bit registers */
	return mgmt_read(sl, bar, off);
}

static void f2_mmio_write(struct xpdk_devsim_dev *dev, unsigned int bar, uint64_t off,
			  unsigned int size, uint64_t val)
{
	bool mgmt;
	struct f2_slot *sl = slot_of(dev, &mgmt);

	if (!mgmt) {
		xpdk_f2m_app_write(sl, bar, off, size, val);
		xpdk_devsim_kick(dev); /* the SDE may have work */
		return;
	}
	if (size != 4 || (off & 3))
		return;
	if (bar == 0) {
		if (xpdk_f2m_mbox_write(&sl->shell, &sl->cg, off, (uint32_t)val, xpdk_now_ns()))
			xpdk_devsim_kick(dev); /* a load or clear completes on the device thread */
		follow_shell(sl);
	} else if (bar == 4) {
		xpdk_f2m_clkgen_write(&sl->cg, off, (uint32_t)val);
	}
}

static void f2_reset(struct xpdk_devsim_dev *dev)
{
	bool mgmt;
	struct f2_slot *sl = slot_of(dev, &mgmt);

	/* a function-level reset keeps the loaded AFI, as on F2 */
	if (mgmt) {
		sl->shell.status_bits = 0;
		sl->shell.wr_index = sl->shell.rd_index = sl->shell.rd_len = 0;
	} else {
		xpdk_f2m_cl_reset(sl);
	}
}

static void f2_detach(struct xpdk_devsim_dev *dev)
{
	bool mgmt;
	struct f2_slot *sl = slot_of(dev, &mgmt);

	if (mgmt)
		return;
	/* the SDE stops moving data into memory that is going away */
	xpdk_devsim_lock(dev);
	xpdk_f2m_sde_reset(&sl->sde);
	xpdk_devsim_unlock(dev);
}

static bool sde_active(struct f2_slot *sl)
{
	return sl->shell.status == XPDK_F2_STATUS_LOADED && sl->shell.afi &&
	       sl->shell.afi->cl == CL_SDE;
}

static uint64_t f2_work(struct xpdk_devsim_dev *dev)
{
	struct f2 *f = xpdk_devsim_priv(dev);
	uint64_t start = xpdk_now_ns(), now = start, next = XPDK_DEVSIM_IDLE;
	bool any_sde = false, kicked_run = true;

	for (;;) {
		int moved = 0;

		xpdk_devsim_lock(dev);
		for (unsigned int s = 0; s < f->nslots; s++) {
			struct f2_slot *sl = &f->slot[s];

			if (xpdk_f2m_shell_settle(&sl->shell, now))
				follow_shell(sl);
			if (sl->shell.status == XPDK_F2_STATUS_BUSY) {
				uint64_t d =
				    sl->shell.load_done_ns > now ? sl->shell.load_done_ns - now : 0;

				next = d < next ? d : next;
			}
			if (sde_active(sl)) {
				int n = xpdk_f2m_sde_run(sl->app, &sl->sde, SDE_BATCH);

				any_sde = true;
				if (n > 0) {
					moved += n;
					sl->sde.idle_since_ns = now;
				} else if (kicked_run) {
					if (sl->sde.idle_since_ns == 0)
						sl->sde.idle_since_ns = now;
				}
			}
		}
		xpdk_devsim_unlock(dev);
		kicked_run = false;
		now = xpdk_now_ns();
		if (!any_sde || now - start >= WORK_SLICE_NS)
			break;
		if (moved == 0) {
			bool spin = false;

			for (unsigned int s = 0; s < f->nslots; s++)
				spin |= sde_active(&f->slot[s]) &&
					now - f->slot[s].sde.idle_since_ns < SPIN_NS;
			if (!spin)
				break;
			__builtin_ia32_pause();
		}
	}
	if (any_sde) {
		uint64_t idle = UINT64_MAX;

		for (unsigned int s = 0; s < f->nslots; s++)
			if (sde_active(&f->slot[s]))
				idle = now - f->slot[s].sde.idle_since_ns < idle
					   ? now - f->slot[s].sde.idle_since_ns
					   : idle;
		/* busy: run again at once; idle: nap, then poll less often the longer it idles */
		idle = idle < SPIN_NS		 ? 0
		       : idle < NAP_UNTIL_NS	 ? NAP_NS
		       : idle / 8 > MAX_SLEEP_NS ? MAX_SLEEP_NS
						 : idle / 8;
		next = idle < next ? idle : next;
	}
	return next;
}

static const struct xpdk_devsim_model f2_model = {
	.name = "f2",
	.summary = "AWS F2 FPGA slots: mailbox, AFI loads, clock generator, CL examples, SDE",
	.args_help =
	    "slots=N      slots, 1 to 8 (default 1); sockets NAME-SS.0 (app PF), "
	    "NAME-SS.1 (mgmt PF)\n"
	    "load_ms=N    how long a load or clear is busy (default 20)\n"
	    "afi=AGFI     loaded at power-on: agfi-0fcf87119b8e97bf3 (F1-compatible hello "
	    "world), agfi-080817d089f3cd2ed (cl_mem_perf), agfi-0925b211f5a81b071 (cl_sde)\n"
	    "faults=F[+F] load-fail, power-violation, mbox-silent, clk-no-lock",
	.priv_size = sizeof(struct f2),
	.init = f2_init,
	.mmio_read = f2_mmio_read,
	.mmio_write = f2_mmio_write,
	.reset = f2_reset,
	.work = f2_work,
	.detach = f2_detach,
	.multi_function = true,
};

XPDK_DEVSIM_MODEL(f2_model)

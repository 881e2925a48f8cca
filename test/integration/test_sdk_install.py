# SPDX-License-Identifier: BSD-3-Clause
"""The SDK as installed: `meson install` into a temporary root, then programs built out of the
tree with `pkg-config --cflags --libs libxpdk` only, run against devsim's edu. Fails when a
public header, a library or an entry of libxpdk.pc is missing (doc/sdk.md)."""
import glob
import os
import re
import shutil

import pytest

from conftest import BUILD, SOURCE, run
from devsim import Devsim

WIDE = "0xffffffffffff"

# Every public header the SDK promises (doc/sdk.md); the probe program includes them all.
HEADERS = ["xpdk_common.h", "xpdk_env.h", "xpdk_vfio_user.h", "xpdk_dev.h", "xpdk_pci.h",
           "xpdk_dfl.h", "xpdk_devsim.h", "xpdk_devsim_dfl.h", "xpdk_pci_cfg.h", "xpdk_edu.h",
           "xpdk_fpga.h", "xpdk_dfl_regs.h", "xpdk_edu_regs.h", "xpdk_he_regs.h",
           "xpdk_flexio.h", "libflexio/flexio.h", "xpdk_dpa_regs.h", "xpdk_sde.h", "xpdk_opae_he_regs.h"]
# AWS's F2 headers, under the folder libxpdk.pc names aws_includedir
AWS_HEADERS = ["fpga_common.h", "fpga_pci.h", "fpga_mgmt.h", "fpga_clkgen.h", "hal/fpga_common.h"]
# the device side of FlexIO, under the folder libxpdk.pc names dpa_includedir
DPA_HEADERS = ["dpaintrin.h", "libflexio-dev/flexio_dev.h", "libflexio-dev/flexio_dev_err.h",
               "libflexio-dev/flexio_dev_queue_access.h"]
LIBS = ["common", "env", "vfio_user", "dev", "dfl", "devsim", "flexio", "qp", "drv_edu", "drv_fpga",
        "drv_dpa", "drv_aws"]

# Calls one function of every library and none of a driver's: the edu driver must be registered
# by linking alone (libxpdk.pc links the drivers --no-as-needed).
PROBE = "".join('#include "%s"\n' % h for h in HEADERS) + r"""
#include <stdio.h>
int main(int argc, char **argv)
{
	struct xpdk_vfu_caps caps;
	struct xpdk_dev *dev;
	int n = xpdk_env_init(argc, argv);

	if (n < 0 || argc - n < 2)
		return 2;
	if (xpdk_vfu_caps_parse(NULL, &caps) < 0 || xpdk_devsim_model_find("edu") == NULL ||
	    xpdk_dfl_feature_name(0, 0) == NULL)
		return 3;
	dev = xpdk_dev_open(argv[n + 1]);
	if (dev == NULL || xpdk_dev_probe(dev) < 0) {
		fprintf(stderr, "probe: %s\n", xpdk_strerror_last());
		return 1;
	}
	printf("driver %s\n", xpdk_dev_driver(dev)->name);
	xpdk_dev_close(dev);
	xpdk_env_cleanup();
	return 0;
}
"""


def pkg_config(env, *args):
    r = run(["pkg-config", *args, "libxpdk"], env=env)
    assert r.returncode == 0, r.stderr
    return r.stdout.split()


@pytest.fixture(scope="module")
def sdk(tmp_path_factory):
    """Install the build into a temporary root; return (root, environment for pkg-config)."""
    root = tmp_path_factory.mktemp("sdk")
    r = run(["meson", "install", "-C", BUILD, "--no-rebuild", "--destdir", str(root)],
            timeout=120)
    assert r.returncode == 0, r.stdout + r.stderr
    pcs = glob.glob(str(root) + "/**/pkgconfig/libxpdk.pc", recursive=True)
    assert len(pcs) == 1, "libxpdk.pc not installed"
    # Relocate: the .pc names the configured prefix, the files are under the destdir.
    with open(pcs[0]) as f:
        pc = f.read()
    prefix = re.search(r"^prefix=(.*)$", pc, re.M).group(1)
    with open(pcs[0], "w") as f:
        f.write(pc.replace("prefix=" + prefix, "prefix=" + str(root) + prefix, 1))
    env = dict(os.environ, PKG_CONFIG_PATH=os.path.dirname(pcs[0]))
    return root, env


def build(sdk, tmp_path, name, src):
    """Compile @src (a file or a list of files) out of the tree with pkg-config's flags only
    (and an rpath to the SDK)."""
    root, env = sdk
    libdir = pkg_config(env, "--variable=libdir")[0]
    exe = str(tmp_path / name)
    srcs = [src] if isinstance(src, str) else list(src)
    r = run(["cc", "-std=c11", "-D_GNU_SOURCE", "-Wall", "-Wextra", "-Werror", "-o", exe, *srcs,
             *pkg_config(env, "--cflags", "--libs"), "-Wl,-rpath," + libdir], env=env,
            cwd=str(tmp_path))
    assert r.returncode == 0, r.stdout + r.stderr
    # the SDK's libraries, never the build tree's
    r = run(["ldd", exe])
    xpdk = [line for line in r.stdout.splitlines() if "libxpdk_" in line]
    assert xpdk and all(libdir in line for line in xpdk), r.stdout
    return exe


@pytest.fixture
def edu(tmp_path):
    d = Devsim(tmp_path, "--model", "edu", "--model-args", "dma_mask=" + WIDE)
    yield d
    d.stop()


def test_installed_files(sdk):
    root, env = sdk
    cflags = pkg_config(env, "--cflags-only-I")
    incdir = [f[2:] for f in cflags if f.endswith("/include/xpdk")]
    assert len(incdir) == 1, cflags
    for h in HEADERS:
        assert os.path.isfile(os.path.join(incdir[0], h)), h + " not installed"
    libdir = pkg_config(env, "--variable=libdir")[0]
    libs = pkg_config(env, "--libs")
    for lib in LIBS:
        assert os.path.exists(os.path.join(libdir, "libxpdk_%s.so" % lib)), lib
        assert "-lxpdk_" + lib in libs, lib + " not in libxpdk.pc"
    # drivers are linked even when unreferenced
    i = libs.index("-Wl,--push-state,--no-as-needed")
    assert "-lxpdk_drv_edu" in libs[i:libs.index("-Wl,--pop-state")]
    assert "-lxpdk_drv_dpa" in libs[i:libs.index("-Wl,--pop-state")]
    dpa_inc = pkg_config(env, "--variable=dpa_includedir")[0]
    for h in DPA_HEADERS:
        assert os.path.isfile(os.path.join(dpa_inc, h)), h + " not installed"
    assert glob.glob(str(root) + "/**/libexec/xpdk/xpdk-dpa-child", recursive=True)
    aws_inc = pkg_config(env, "--variable=aws_includedir")[0]
    for h in AWS_HEADERS:
        assert os.path.isfile(os.path.join(aws_inc, h)), h + " not installed"
    assert glob.glob(str(root) + "/**/bin/fpga-describe-local-image", recursive=True)
    for tool in ["xpdk-io", "xpdk-bench", "xpdk-devsim", "xpdk-dpacc", "xpdk-fpga-tools"]:
        assert glob.glob(str(root) + "/**/bin/" + tool, recursive=True), tool
        page = "fpga-tools" if tool == "xpdk-fpga-tools" else tool
        assert glob.glob(str(root) + "/**/man1/%s.1" % page, recursive=True), page + ".1"


def test_edu_hello_out_of_tree(sdk, tmp_path, edu):
    src = tmp_path / "edu_hello.c"
    shutil.copy(os.path.join(SOURCE, "examples/edu_hello/main.c"), src)
    hello = build(sdk, tmp_path, "edu_hello", str(src))
    r = run([hello, "-l", "0", "--", "vfio-user:" + edu.sock("edu0"), "--dma-mask", WIDE])
    assert r.returncode == 0, r.stdout + r.stderr + edu.output()
    assert "id 0x010000ed, 10! = 3628800" in r.stdout
    assert "4096 bytes identical" in r.stdout


def test_drivers_register_by_linking(sdk, tmp_path, edu):
    src = tmp_path / "probe.c"
    src.write_text(PROBE)
    probe = build(sdk, tmp_path, "probe", str(src))
    r = run([probe, "-l", "0", "--no-huge", "--", "vfio-user:" + edu.sock("edu0")])
    assert r.returncode == 0, r.stdout + r.stderr + edu.output()
    assert r.stdout.strip() == "driver edu"


def test_dpa_hello_out_of_tree(sdk, tmp_path):
    """A FlexIO program built as doc/dpa.md says, with the installed device headers, the
    installed xpdk-dpacc and libxpdk.pc only, runs on devsim's emulated DPA."""
    root, env = sdk
    dpa_inc = pkg_config(env, "--variable=dpa_includedir")[0]
    dpacc = glob.glob(str(root) + "/**/bin/xpdk-dpacc", recursive=True)[0]
    for f in ["main.c", "dev.c"]:
        shutil.copy(os.path.join(SOURCE, "examples/dpa_hello", f), tmp_path / f)
    r = run(["cc", "-shared", "-fPIC", "-Wall", "-Werror", "-I" + dpa_inc, "-o",
             "dpa_hello_dev.so", "dev.c"], cwd=str(tmp_path))
    assert r.returncode == 0, r.stdout + r.stderr
    r = run([dpacc, "--app-name", "dpa_hello_app", "dpa_hello_dev.so", "dpa_hello_app.c"],
            cwd=str(tmp_path))
    assert r.returncode == 0, r.stdout + r.stderr
    hello = build(sdk, tmp_path, "dpa_hello",
                  [str(tmp_path / "main.c"), str(tmp_path / "dpa_hello_app.c")])
    d = Devsim(tmp_path, "--model", "dpa")
    try:
        r = run([hello, "vfio-user:" + d.sock("dpa0")], timeout=60)
        assert r.returncode == 0, r.stdout + r.stderr + d.output()
        assert "dpa_hello returned 41" in r.stdout, r.stdout
    finally:
        d.stop()


AWS_PROBE = r"""
#include <fpga_pci.h>
#include <fpga_mgmt.h>
#include <fpga_clkgen.h>
#include <hal/fpga_common.h>
#include <stdio.h>
int main(void)
{
	struct fpga_slot_spec specs[FPGA_SLOT_MAX];

	if (fpga_mgmt_init() != 0 || fpga_pci_get_all_slot_specs(specs, FPGA_SLOT_MAX) != 0)
		return 1;
	printf("%s %s\n", fpga_mgmt_strerror(FPGA_ERR_AFI_CMD_BUSY),
	       specs[0].map[FPGA_MGMT_PF].vendor_id == 0 ? "no-slot" : "slot");
	return 0;
}
"""


def test_aws_program_out_of_tree(sdk, tmp_path):
    """An AWS F2 program's includes (<fpga_pci.h>, <hal/fpga_common.h>) unchanged, with
    libxpdk.pc's aws_includedir: AWS's names are exported by the installed library."""
    root, env = sdk
    aws_inc = pkg_config(env, "--variable=aws_includedir")[0]
    src = tmp_path / "aws_probe.c"
    src.write_text(AWS_PROBE)
    libdir = pkg_config(env, "--variable=libdir")[0]
    exe = str(tmp_path / "aws_probe")
    r = run(["cc", "-std=c11", "-D_GNU_SOURCE", "-Wall", "-Wextra", "-Werror", "-I" + aws_inc,
             "-o", exe, str(src), *pkg_config(env, "--cflags", "--libs"),
             "-Wl,-rpath," + libdir], env=env, cwd=str(tmp_path))
    assert r.returncode == 0, r.stdout + r.stderr
    r = run([exe], env=dict(env, XPDK_DEVSIM_DIR=str(tmp_path), XPDK_F2_SLOTS="devsim"))
    assert r.returncode == 0, r.stdout + r.stderr
    assert r.stdout.split() == ["busy", "no-slot"], r.stdout

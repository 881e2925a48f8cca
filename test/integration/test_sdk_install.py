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
           "xpdk_opae_he_regs.h"]
LIBS = ["common", "env", "vfio_user", "dev", "dfl", "devsim", "drv_edu", "drv_fpga"]

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
    """Compile @src out of the tree with pkg-config's flags only (and an rpath to the SDK)."""
    root, env = sdk
    libdir = pkg_config(env, "--variable=libdir")[0]
    exe = str(tmp_path / name)
    r = run(["cc", "-std=c11", "-D_GNU_SOURCE", "-Wall", "-Wextra", "-Werror", "-o", exe, src,
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
    for tool in ["xpdk-io", "xpdk-bench", "xpdk-devsim", "xpdk-fpga"]:
        assert glob.glob(str(root) + "/**/bin/" + tool, recursive=True), tool
        assert glob.glob(str(root) + "/**/man1/%s.1" % tool, recursive=True), tool + ".1"


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

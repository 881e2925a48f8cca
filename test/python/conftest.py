# SPDX-License-Identifier: BSD-3-Clause
"""Fixtures of the Python package's tests: the package from the build tree (PYTHONPATH set by
meson), one environment per test process (EAL starts once per process), simulated devices
served from the test process itself (xpdk.devsim)."""
import os
import subprocess

import pytest

BUILD = os.environ.get("XPDK_BUILD_DIR", os.path.join(os.path.dirname(__file__), "../../build"))
SOURCE = os.environ.get("XPDK_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "../.."))
XPDK_IO = os.path.join(BUILD, "app/xpdk-io/xpdk-io")
DEVSIM = os.path.join(BUILD, "app/xpdk-devsim/xpdk-devsim")
EAL_ARGS = ["-l", "0", "--in-memory", "--no-telemetry"]
WIDE = "dma_mask=0xffffffffffff"


def run(args, timeout=60, **kw):
    """Run a command, capture text output; never hang the suite."""
    return subprocess.run(args, capture_output=True, text=True, timeout=timeout,
                          stdin=subprocess.DEVNULL, **kw)


@pytest.fixture(scope="session")
def env():
    import xpdk.env
    xpdk.env.init(EAL_ARGS)
    return xpdk.env


@pytest.fixture
def edu_sim(env):
    import xpdk.devsim
    with xpdk.devsim.start("edu", WIDE) as sim:
        yield sim


@pytest.fixture
def edu(edu_sim):
    import xpdk.dev
    with xpdk.dev.Device(edu_sim.address) as d:
        yield d


@pytest.fixture
def fpga_sim(env):
    import xpdk.devsim
    with xpdk.devsim.start("dfl-fpga") as sim:
        yield sim

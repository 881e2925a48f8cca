# SPDX-License-Identifier: BSD-3-Clause
"""Shared fixtures: where the build is, and running XPDK binaries with a timeout."""
import os
import subprocess

import pytest

BUILD = os.environ.get("XPDK_BUILD_DIR", os.path.join(os.path.dirname(__file__), "../../build"))
SOURCE = os.environ.get("XPDK_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "../.."))


def run(args, timeout=60, **kw):
    """Run a command, capture text output; never hang the suite."""
    return subprocess.run(args, capture_output=True, text=True, timeout=timeout,
                          stdin=subprocess.DEVNULL, **kw)


@pytest.fixture
def build_dir():
    return BUILD

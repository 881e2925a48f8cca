# SPDX-License-Identifier: BSD-3-Clause
"""Every tool has --help and a man page that documents every option --help lists, and the man
page renders without groff warnings. The pages are installed (test_sdk_install.py checks that)."""
import os
import re
import shutil

import pytest

from conftest import BUILD, SOURCE, run

TOOLS = {
    # tool: (binary, man page, the --help invocations whose options the page must cover)
    "xpdk-io": ("app/xpdk-io/xpdk-io", "app/xpdk-io/xpdk-io.1",
                [["--help"]] + [[c, "--help"] for c in
                                ["ls", "init", "release", "walk", "peek", "poke"]]),
    "xpdk-bench": ("app/xpdk-bench/xpdk-bench", "app/xpdk-bench/xpdk-bench.1",
                   [["--help"]] + [["--", c, "--help"] for c in
                                ["mmio", "dma", "poll", "dpa", "dpa-net", "sde"]]),
    "xpdk-devsim": ("app/xpdk-devsim/xpdk-devsim", "app/xpdk-devsim/xpdk-devsim.1",
                    [["--help"]]),
    "xpdk-dpacc": ("lib/flexio/dev/xpdk-dpacc", "lib/flexio/dev/xpdk-dpacc.1", [["--help"]]),
    "xpdk-fpga-tools": ("app/fpga-tools/xpdk-fpga-tools", "app/fpga-tools/fpga-tools.1",
                        [["--help"]] + [[t, "--help"] for t in
                                        ["fpga-describe-local-image",
                                         "fpga-describe-local-image-slots",
                                         "fpga-load-local-image", "fpga-clear-local-image",
                                         "fpga-get-virtual-led", "fpga-get-virtual-dip-switch",
                                         "fpga-set-virtual-dip-switch", "fpga-describe-clkgen",
                                         "fpga-load-clkgen-recipe",
                                         "fpga-load-clkgen-dynamic"]]),
    "xpdk-fpga": ("app/xpdk-fpga/xpdk-fpga", "app/xpdk-fpga/xpdk-fpga.1", [["--help"]]),
}


def man_text(page):
    """The page's source with roff's escaped hyphens made plain."""
    with open(os.path.join(SOURCE, page)) as f:
        return f.read().replace("\\-", "-")


@pytest.mark.parametrize("tool", sorted(TOOLS))
def test_help_exits_0_with_usage(tool):
    exe, _, helps = TOOLS[tool]
    for args in helps:
        r = run([os.path.join(BUILD, exe), *args])
        assert r.returncode == 0, (args, r.stderr)
        assert "Usage:" in r.stdout, (args, r.stdout)


@pytest.mark.parametrize("tool", sorted(TOOLS))
def test_man_page_covers_every_option(tool):
    exe, page, helps = TOOLS[tool]
    text = man_text(page)
    assert ".SH SYNOPSIS" in text and ".SH OPTIONS" in text and ".SH EXIT STATUS" in text
    missing = set()
    for args in helps:
        out = run([os.path.join(BUILD, exe), *args]).stdout
        for opt in set(re.findall(r"(?<![\w-])--[a-z][a-z0-9-]*", out)):
            if not re.search(re.escape(opt) + r"(?![a-z0-9-])", text):
                missing.add(opt)
    assert not missing, "%s does not document %s" % (page, sorted(missing))


@pytest.mark.skipif(shutil.which("groff") is None, reason="groff is not installed")
@pytest.mark.parametrize("tool", sorted(TOOLS))
def test_man_page_renders_cleanly(tool):
    page = os.path.join(SOURCE, TOOLS[tool][1])
    r = run(["groff", "-man", "-Tutf8", "-ww", "-z", page])
    assert r.returncode == 0 and r.stderr == "", r.stderr

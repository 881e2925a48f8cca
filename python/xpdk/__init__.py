# SPDX-License-Identifier: BSD-3-Clause
"""XPDK from Python: thin typed bindings over XPDK's C libraries.

Modules, one per library:

- ``xpdk.env``    the environment (DPDK's EAL) and DMA buffers (buffer protocol, opae.io's
                  system_buffer methods)
- ``xpdk.dev``    devices by PCI address or ``vfio-user:PATH``: regions, config space,
                  interrupts, reset
- ``xpdk.dfl``    the Device Feature List walk
- ``xpdk.fpga``   the DFL FPGA driver: FME, sensors, errors, ports, PR, host exerciser
- ``xpdk.devsim`` simulated devices (edu, dfl-fpga) served from this process
- ``xpdk.aws``    AWS F2's bindings (FpgaMgmt, FpgaPCI, FpgaClkgen) with AWS's names, also
                  as AWS's top-level modules (``from fpga_mgmt_wrapper import FpgaMgmt``;
                  not imported by ``import xpdk``)
- ``xpdk.verbs``  RDMA verbs with pyverbs' modules and classes (``import xpdk.verbs.device``;
                  built with lib/qp, not imported by ``import xpdk``)

Every failure raises ``xpdk.Error``, an OSError with the C library's errno and sentence.
``xpdk-io SCRIPT`` and ``xpdk-io`` (interactive) run Python with opae.io's built-ins
(xpdk.opae_builtins). Guide: doc/python.md.
"""

from ._xpdk import Error
from . import env, dev, dfl, fpga, devsim  # noqa: E402  (the per-library modules)

__version__ = "0.1.0"
__all__ = ["Error", "env", "dev", "dfl", "fpga", "devsim", "__version__"]

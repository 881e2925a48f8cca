# SPDX-License-Identifier: BSD-3-Clause
"""pyverbs.cmid: rdma_cm identities (synchronous, rdma_create_ep) and address information."""
from .._xpdk import CMID, AddrInfo, CMMR

__all__ = ["CMID", "AddrInfo", "CMMR"]

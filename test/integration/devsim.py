# SPDX-License-Identifier: BSD-3-Clause
"""Start and stop xpdk-devsim for a test, in a private socket directory."""
import os
import signal
import subprocess
import time

from conftest import BUILD

DEVSIM = os.path.join(BUILD, "app/xpdk-devsim/xpdk-devsim")


class Devsim:
    """xpdk-devsim running in the background with the given arguments."""

    def __init__(self, sockdir, *args, env=None):
        self.sockdir = str(sockdir)
        # devsim's environment, for clients to reuse: its socket directory and @p env
        self.env = dict(os.environ, XPDK_DEVSIM_DIR=self.sockdir, **(env or {}))
        self.log = open(os.path.join(self.sockdir, "devsim.log"), "w+")
        self.proc = subprocess.Popen(
            [DEVSIM, *args], stdout=self.log, stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL, env=self.env)
        deadline = time.time() + 10
        while time.time() < deadline:
            self.log.seek(0)
            if "ready" in self.log.read():
                return
            if self.proc.poll() is not None:
                break
            time.sleep(0.02)
        raise RuntimeError("xpdk-devsim did not start:\n" + self.output())

    def sock(self, name):
        return os.path.join(self.sockdir, name + ".sock")

    def output(self):
        self.log.flush()
        self.log.seek(0)
        return self.log.read()

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        return self.proc.returncode

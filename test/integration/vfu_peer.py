# SPDX-License-Identifier: BSD-3-Clause
"""A hand-driven vfio-user peer for the reliability tests: a client that does what XPDK's never
does (truncates what it was given, passes full eventfds, trickles), and a server that answers
as a hostile one would. Only the few commands the tests need; the layouts are the spec's."""
import array
import json
import os
import socket
import struct

VERSION, DMA_MAP, DMA_UNMAP, DEVICE_GET_INFO, DEVICE_GET_REGION_INFO = 1, 2, 3, 4, 5
DEVICE_GET_IRQ_INFO, DEVICE_SET_IRQS, REGION_READ, REGION_WRITE = 7, 8, 9, 10
F_REPLY, F_ERROR = 0x1, 0x20
HDR = struct.Struct("<HHIII")  # msg_id, cmd, msg_size, flags, error
CONFIG_REGION = 7


class VfuError(Exception):
    def __init__(self, cmd, err):
        super().__init__("command %d refused: %s" % (cmd, os.strerror(err)))
        self.err = err


def recv_msg(sock):
    """One message: (header tuple, payload, fds)."""
    fds = array.array("i")
    data, anc, _, _ = sock.recvmsg(HDR.size, socket.CMSG_LEN(16 * fds.itemsize))
    for level, typ, cdata in anc:
        if level == socket.SOL_SOCKET and typ == socket.SCM_RIGHTS:
            fds.frombytes(cdata[:len(cdata) - len(cdata) % fds.itemsize])
    if not data:
        raise ConnectionError("peer closed")
    while len(data) < HDR.size:
        more = sock.recv(HDR.size - len(data))
        if not more:
            raise ConnectionError("peer closed")
        data += more
    hdr = HDR.unpack(data)
    payload = b""
    while len(payload) < hdr[2] - HDR.size:
        more = sock.recv(hdr[2] - HDR.size - len(payload))
        if not more:
            raise ConnectionError("peer closed")
        payload += more
    return hdr, payload, list(fds)


def send_msg(sock, msg_id, cmd, payload=b"", fds=(), flags=0, error=0):
    data = HDR.pack(msg_id, cmd, HDR.size + len(payload), flags, error) + payload
    anc = [(socket.SOL_SOCKET, socket.SCM_RIGHTS, array.array("i", fds))] if fds else []
    sock.sendmsg([data], anc)


class Client:
    """A vfio-user client with no manners."""

    def __init__(self, path, timeout=10):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(timeout)
        self.sock.connect(path)
        self.next_id = 1
        caps = json.dumps({"capabilities": {"max_msg_fds": 8}}).encode() + b"\0"
        self.call(VERSION, struct.pack("<HH", 0, 2) + caps)

    def call(self, cmd, payload=b"", fds=()):
        mid = self.next_id
        self.next_id += 1
        send_msg(self.sock, mid, cmd, payload, fds)
        hdr, reply, rfds = recv_msg(self.sock)
        if hdr[3] & F_ERROR:
            for fd in rfds:
                os.close(fd)
            raise VfuError(cmd, hdr[4])
        return reply, rfds

    def region_info(self, index):
        """(size, flags, offset, fd or None)"""
        reply, fds = self.call(DEVICE_GET_REGION_INFO, struct.pack("<IIIIQQ", 4096, 0, index, 0, 0, 0))
        _, flags, _, _, size, offset = struct.unpack_from("<IIIIQQ", reply)
        return size, flags, offset, (fds[0] if fds else None)

    def read(self, region, off, count):
        reply, _ = self.call(REGION_READ, struct.pack("<QII", off, region, count))
        return reply[16:]

    def write(self, region, off, data):
        self.call(REGION_WRITE, struct.pack("<QII", off, region, len(data)) + data)

    def read32(self, region, off):
        return struct.unpack("<I", self.read(region, off, 4))[0]

    def write32(self, region, off, val):
        self.write(region, off, struct.pack("<I", val))

    def write64(self, region, off, val):
        self.write(region, off, struct.pack("<Q", val))

    def dma_map(self, iova, size, fd, offset=0):
        self.call(DMA_MAP, struct.pack("<IIQQQ", 32, 3, offset, iova, size), [fd])

    def set_irq(self, index, fd):
        # DATA_EVENTFD (1 << 2) | ACTION_TRIGGER (1 << 5), vector 0
        self.call(DEVICE_SET_IRQS, struct.pack("<IIIII", 20, (1 << 2) | (1 << 5), index, 0, 1),
                  [fd])

    def bus_master(self):
        cmd = struct.unpack("<H", self.read(CONFIG_REGION, 4, 2))[0]
        self.write(CONFIG_REGION, 4, struct.pack("<H", cmd | 0x6))

    def close(self):
        self.sock.close()


class HostileServer:
    """A vfio-user server on @path that looks like a small PCI device (BAR0 of 4 KiB, config
    space with edu's IDs) and misbehaves as told:
      trickle_s   send every reply one byte per trickle_s seconds
      short_fd    offer BAR0 as mappable with an fd far smaller than BAR0
      einval_bar0 refuse every BAR0 access with EINVAL
    It serves one client after another on a thread until stop()."""

    def __init__(self, path, trickle_s=0.0, short_fd=False, einval_bar0=False):
        import threading
        self.path, self.trickle_s = path, trickle_s
        self.short_fd, self.einval_bar0 = short_fd, einval_bar0
        self.lsock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.lsock.bind(path)
        self.lsock.listen(8)
        self.lsock.settimeout(0.2)
        self.cfg = bytearray(256)
        struct.pack_into("<HH", self.cfg, 0, 0x1234, 0x11e8)
        self.stopping = False
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _send(self, conn, mid, cmd, payload=b"", fds=(), error=0):
        flags = F_REPLY | (F_ERROR if error else 0)
        if error:
            payload = b""
        if not self.trickle_s:
            send_msg(conn, mid, cmd, payload, fds, flags, error)
            return
        import time
        data = HDR.pack(mid, cmd, HDR.size + len(payload), flags, error) + payload
        for i in range(len(data)):
            if self.stopping:
                return
            conn.send(data[i:i + 1])
            time.sleep(self.trickle_s)

    def _answer(self, conn, hdr, payload):
        mid, cmd = hdr[0], hdr[1]
        if cmd == VERSION:
            self._send(conn, mid, cmd, struct.pack("<HH", 0, 2) + b'{"capabilities":{}}\0')
        elif cmd == DEVICE_GET_INFO:
            self._send(conn, mid, cmd, struct.pack("<IIII", 16, 2, 9, 5))
        elif cmd == DEVICE_GET_REGION_INFO:
            index = struct.unpack_from("<IIII", payload)[2]
            size = {0: 4096, CONFIG_REGION: 256}.get(index, 0)
            flags = 3 if size else 0
            if index == 0 and self.short_fd:
                fd = os.memfd_create("short")
                os.ftruncate(fd, 16)
                self._send(conn, mid, cmd, struct.pack("<IIIIQQ", 32, flags | 4, index, 0,
                                                       size, 0), [fd])
                os.close(fd)
            else:
                self._send(conn, mid, cmd, struct.pack("<IIIIQQ", 32, flags, index, 0, size, 0))
        elif cmd == DEVICE_GET_IRQ_INFO:
            index = struct.unpack_from("<IIII", payload)[2]
            self._send(conn, mid, cmd, struct.pack("<IIII", 16, 1, index, 0))
        elif cmd in (REGION_READ, REGION_WRITE):
            off, region, count = struct.unpack_from("<QII", payload)
            if region == 0 and self.einval_bar0:
                self._send(conn, mid, cmd, error=22)
            elif cmd == REGION_READ:
                data = bytes(self.cfg[off:off + count]) if region == CONFIG_REGION else b""
                self._send(conn, mid, cmd, payload[:16] + data.ljust(count, b"\0"))
            else:
                self._send(conn, mid, cmd, payload[:16])
        else:
            self._send(conn, mid, cmd, error=95)

    def _run(self):
        while not self.stopping:
            try:
                conn, _ = self.lsock.accept()
            except socket.timeout:
                continue
            except OSError:
                return
            conn.settimeout(30)
            try:
                while not self.stopping:
                    hdr, payload, fds = recv_msg(conn)
                    for fd in fds:
                        os.close(fd)
                    self._answer(conn, hdr, payload)
            except (OSError, ConnectionError):
                pass
            conn.close()

    def stop(self):
        self.stopping = True
        self.lsock.close()
        self.thread.join(timeout=10)
        try:
            os.unlink(self.path)
        except FileNotFoundError:
            pass

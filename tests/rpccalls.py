#!/usr/bin/env python3
"""A TCP proxy on loopback that notes the calls an RPC client makes.

usage: rpccalls.py LISTEN-PORT TARGET-PORT LOG

Forwards every connection to 127.0.0.1:LISTEN-PORT to 127.0.0.1:TARGET-PORT
as it is (plain TCP only: libvirt's RPC without TLS) and appends to LOG,
for each call frame the client sends, a line "CONNECTION PROCEDURE" (the
connection's number from 1, the procedure's number), flushed at once. A
frame is a 4-byte big-endian length that counts itself, then the header:
program, version, procedure, type (0: call), serial, status.
Prints "ready" on stdout once it listens. Runs until killed.
"""
import socket
import struct
import sys
import threading

lock = threading.Lock()


def note(log, conn, proc):
    with lock:
        log.write("%d %d\n" % (conn, proc))
        log.flush()


def pump(src, dst, frames=None):
    """Copies src to dst; with frames (log, conn), notes each call frame."""
    buf = b""
    try:
        while True:
            data = src.recv(65536)
            if not data:
                break
            dst.sendall(data)
            if frames is None:
                continue
            buf += data
            while len(buf) >= 28:
                length = struct.unpack(">I", buf[:4])[0]
                if length < 28 or len(buf) < length:
                    break
                proc, mtype = struct.unpack(">iI", buf[12:20])
                if mtype == 0:
                    note(frames[0], frames[1], proc)
                buf = buf[length:]
    except OSError:
        pass
    for s in (src, dst):
        try:
            s.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass


def main():
    listen_port, target_port, path = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
    log = open(path, "a")
    srv = socket.socket()
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(("127.0.0.1", listen_port))
    srv.listen(16)
    print("ready", flush=True)
    count = 0
    while True:
        client, _ = srv.accept()
        count += 1
        server = socket.create_connection(("127.0.0.1", target_port))
        for s in (client, server):
            s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        threading.Thread(target=pump, args=(client, server, (log, count)), daemon=True).start()
        threading.Thread(target=pump, args=(server, client), daemon=True).start()


if __name__ == "__main__":
    main()

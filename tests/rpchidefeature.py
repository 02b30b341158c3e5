#!/usr/bin/python3
"""A UNIX-socket relay between a libvirt client and a daemon that answers
CONNECT_SUPPORTS_FEATURE (REMOTE procedure 60) for one feature with 0, so
that an unmodified client takes the path it uses with servers that lack
it. Everything else is passed through unchanged.

Usage: rpchidefeature.py LISTEN-SOCKET DAEMON-SOCKET FEATURE
(serves until killed)"""
import os
import socket
import struct
import sys
import threading

REMOTE_PROGRAM = 0x20008086
SUPPORTS_FEATURE = 60


def frames(sock):
    buf = b''
    while True:
        data = sock.recv(65536)
        if not data:
            return
        buf += data
        while len(buf) >= 4:
            (length,) = struct.unpack('>I', buf[:4])
            if len(buf) < length:
                break
            yield bytearray(buf[:length])
            buf = buf[length:]


def relay(src, dst, asked, feature, replies):
    try:
        for m in frames(src):
            prog, _, proc, mtype, serial, status = struct.unpack('>IIiIII', m[4:28])
            if prog == REMOTE_PROGRAM and proc == SUPPORTS_FEATURE:
                if not replies and mtype == 0 and struct.unpack('>i', m[28:32])[0] == feature:
                    asked.add(serial)
                elif replies and mtype == 1 and status == 0 and serial in asked:
                    m[28:32] = struct.pack('>i', 0)
            dst.sendall(bytes(m))
    except OSError:
        pass
    for s in (dst, src):
        try:
            s.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass


def main():
    listen, target, feature = sys.argv[1], sys.argv[2], int(sys.argv[3])
    if os.path.exists(listen):
        os.unlink(listen)
    ls = socket.socket(socket.AF_UNIX)
    ls.bind(listen)
    ls.listen(16)
    while True:
        client, _ = ls.accept()
        daemon = socket.socket(socket.AF_UNIX)
        daemon.connect(target)
        asked = set()
        threading.Thread(target=relay, args=(client, daemon, asked, feature, False),
                         daemon=True).start()
        threading.Thread(target=relay, args=(daemon, client, asked, feature, True),
                         daemon=True).start()


main()

#!/usr/bin/python3
"""portclient.py MODE PORT [ARGS]: TCP clients for published-port tests.

Every connection goes to 127.0.0.1 only and every socket has a timeout.
The container side is busybox `nc -ll -p PORT -e PROG` (one PROG a
connection, stdin/stdout the socket). Modes, each printing one result line:

  ready PORT              until an empty upload gets md5sum's reply (5 s)
  upload PORT MB          send MB MiB of random bytes, shutdown(SHUT_WR),
                          read md5sum's reply: "ok" if it matches
  halfclose PORT          send a few bytes, SHUT_WR, still read the reply
  download PORT MD5       read until EOF: "ok BYTES" if the md5 matches
  echo PORT MB            full duplex through `cat`: send and read at once
  concurrent PORT N KB    N uploads at the same time: "ok N" if all match
  reset PORT KIND N       N clients reset (SO_LINGER 0) mid-transfer:
                          KIND upload or download
  peer PORT CTRPORT       the foreign address the container's netstat shows
                          for this connection
  refused PORT            a port nothing listens on inside: "closed" when
                          the connection ends (EOF or reset) within 5 s
"""
import hashlib
import os
import socket
import struct
import sys
import threading
import time

HOST = "127.0.0.1"
CHUNK = 1 << 16


def conn(port, timeout=20):
    s = socket.create_connection((HOST, port), 5)
    s.settimeout(timeout)
    return s


def read_all(s):
    out = []
    while True:
        d = s.recv(CHUNK)
        if not d:
            return b"".join(out)
        out.append(d)


def upload(port, nbytes):
    h = hashlib.md5()
    s = conn(port)
    left = nbytes
    while left:
        d = os.urandom(min(CHUNK, left))
        h.update(d)
        s.sendall(d)
        left -= len(d)
    s.shutdown(socket.SHUT_WR)
    reply = read_all(s).decode(errors="replace").split()
    s.close()
    return bool(reply) and reply[0] == h.hexdigest()


def ready(port):
    end = time.time() + 5
    while time.time() < end:
        try:
            if upload(port, 0):
                return "ok"
        except OSError:
            pass
        time.sleep(0.05)
    return "not ready"


def halfclose(port):
    s = conn(port)
    s.sendall(b"half-closed request\n")
    s.shutdown(socket.SHUT_WR)
    time.sleep(0.2)  # the reply comes well after our FIN
    reply = read_all(s).decode().split()
    s.close()
    want = hashlib.md5(b"half-closed request\n").hexdigest()
    return "ok" if reply and reply[0] == want else "bad reply %r" % reply


def download(port, md5):
    s = conn(port)
    h = hashlib.md5()
    n = 0
    while True:
        d = s.recv(CHUNK)
        if not d:
            break
        h.update(d)
        n += len(d)
    s.close()
    return ("ok %d" % n) if h.hexdigest() == md5 else "mismatch %d" % n


def echo(port, nbytes):
    s = conn(port)
    sent = hashlib.md5()
    got = hashlib.md5()
    count = [0]

    def reader():
        while True:
            d = s.recv(CHUNK)
            if not d:
                return
            got.update(d)
            count[0] += len(d)

    t = threading.Thread(target=reader)
    t.start()
    left = nbytes
    while left:
        d = os.urandom(min(CHUNK, left))
        sent.update(d)
        s.sendall(d)
        left -= len(d)
    s.shutdown(socket.SHUT_WR)
    t.join(30)
    s.close()
    ok = not t.is_alive() and count[0] == nbytes and sent.digest() == got.digest()
    return ("ok %d" % count[0]) if ok else "mismatch %d" % count[0]


def concurrent(port, n, nbytes):
    res = []

    def one():
        try:
            res.append(upload(port, nbytes))
        except OSError as e:
            res.append(str(e))

    ts = [threading.Thread(target=one) for _ in range(n)]
    for t in ts:
        t.start()
    for t in ts:
        t.join(60)
    good = sum(1 for r in res if r is True)
    return "ok %d" % good if good == n else "only %d of %d: %r" % (good, n, [r for r in res if r is not True][:3])


def reset(port, kind, n):
    rst = struct.pack("ii", 1, 0)
    for _ in range(n):
        s = conn(port)
        if kind == "upload":
            for _ in range(64):  # 4 MiB of a transfer that never ends
                s.sendall(os.urandom(CHUNK))
        else:
            got = 0
            while got < 1 << 20:
                d = s.recv(CHUNK)
                if not d:
                    return "ended early"
                got += len(d)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, rst)
        s.close()
    return "ok"


def peer(port, ctr_port):
    s = conn(port)
    text = read_all(s).decode()
    s.close()
    for line in text.splitlines():
        f = line.split()
        if len(f) >= 6 and f[0] == "tcp" and f[3].endswith(":%d" % ctr_port) and f[5] in ("ESTABLISHED", "CLOSE_WAIT"):
            return f[4].rsplit(":", 1)[0].replace("::ffff:", "")
    return "none in %r" % text


def refused(port):
    try:
        s = conn(port, timeout=5)
    except (ConnectionResetError, ConnectionRefusedError):
        return "closed"  # the reset came before connect() returned
    try:
        s.sendall(b"x")
        d = s.recv(100)
        return "closed" if not d else "data %r" % d
    except (ConnectionResetError, BrokenPipeError):
        return "closed"
    except socket.timeout:
        return "hangs"


if __name__ == "__main__":
    mode, port = sys.argv[1], int(sys.argv[2])
    a = sys.argv[3:]
    if mode == "ready":
        print(ready(port))
    elif mode == "upload":
        print("ok" if upload(port, int(a[0]) << 20) else "mismatch")
    elif mode == "halfclose":
        print(halfclose(port))
    elif mode == "download":
        print(download(port, a[0]))
    elif mode == "echo":
        print(echo(port, int(a[0]) << 20))
    elif mode == "concurrent":
        print(concurrent(port, int(a[0]), int(a[1]) << 10))
    elif mode == "reset":
        print(reset(port, a[0], int(a[1])))
    elif mode == "peer":
        print(peer(port, int(a[0])))
    elif mode == "refused":
        print(refused(port))
    else:
        sys.exit("unknown mode " + mode)

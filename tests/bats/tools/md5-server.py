#!/usr/bin/python3
"""md5-server.py PORT: a threaded TCP server that replies to each connection
with the md5sum of what it read until EOF (as `md5sum` prints it). For tests
that open many connections at once; busybox `nc -ll` resets some of a burst.
Run inside a container's network namespace (nsenter -U -n)."""
import hashlib
import socketserver
import sys


class Handler(socketserver.BaseRequestHandler):
    def handle(self):
        self.request.settimeout(30)
        h = hashlib.md5()
        while True:
            d = self.request.recv(65536)
            if not d:
                break
            h.update(d)
        self.request.sendall((h.hexdigest() + "  -\n").encode())


class Server(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = True
    request_queue_size = 256


Server(("0.0.0.0", int(sys.argv[1])), Handler).serve_forever()

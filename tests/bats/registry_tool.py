#!/usr/bin/env python3
"""Test helper for tests/bats/registry.bats (and scripts/bench-pull).

  registry_tool.py push REGISTRY REPO:TAG [--base TAR] [--file PATH=TEXT]...
        [--layer-tar TAR]... [--compress gzip|zstd|none] [--platforms a/b,c/d]
        [--user U --password P] [--docker]
      build an image (layer 1: the base rootfs tarball, then one layer per
      --file/--layer-tar) and push it with the distribution API; with
      --platforms, push an OCI index of one image per platform. Prints the
      manifest (or index) digest.
  registry_tool.py hostile OUT.tar KIND
      write a hostile layer tarball (abs, dotdot, symlink-escape, hardlink-escape,
      device, setuid, big)
  registry_tool.py proxy LISTEN_PORT UPSTREAM_PORT MODE
      an HTTP proxy to the registry: MODE cut = the first blob answer is cut
      mid-body; cut-norange = the same, and Range headers are dropped (the
      resumed request gets the whole blob again); corrupt = blob bodies get a
      flipped byte; log = forwarded as is, each blob answer logged (Range
      asked, status, bytes sent); norange = logged too, Range headers dropped;
      signal = the first half of a blob over 4 MiB at full speed, then the
      signal named in $VOLT_TEST_SIGNAL_FILE ("INT PID") is sent to PID,
      then nothing (a fast registry, and a pull stopped in mid-layer)
  registry_tool.py token PORT KEY CERT
      a Bearer token server (RS256 JWT with x5c, signed by `openssl dgst`)
Connections go to 127.0.0.1 only; every socket has a timeout.
"""
import base64
import gzip
import hashlib
import http.client
import http.server
import io
import json
import os
import re
import socketserver
import subprocess
import sys
import tarfile
import threading
import time
import urllib.parse

TIMEOUT = 30


def sha(b):
    return "sha256:" + hashlib.sha256(b).hexdigest()


class Registry:
    def __init__(self, host, user=None, password=None):
        self.host = host
        self.auth = None
        self.user, self.password = user, password

    def req(self, method, path, body=None, headers=None, retry=True):
        h, p = self.host.rsplit(":", 1)
        c = http.client.HTTPConnection(h, int(p), timeout=TIMEOUT)
        hd = dict(headers or {})
        if self.auth:
            hd["Authorization"] = self.auth
        c.request(method, path, body=body, headers=hd)
        r = c.getresponse()
        data = r.read()
        if r.status == 401 and retry:
            ch = r.getheader("WWW-Authenticate", "")
            if ch.startswith("Basic"):
                tok = base64.b64encode(f"{self.user}:{self.password}".encode()).decode()
                self.auth = "Basic " + tok
            else:
                params = dict(re.findall(r'(\w+)="([^"]*)"', ch))
                q = urllib.parse.urlencode({"service": params.get("service", ""),
                                            "scope": params.get("scope", "")})
                u = urllib.parse.urlparse(params["realm"])
                tc = http.client.HTTPConnection(u.hostname, u.port, timeout=TIMEOUT)
                th = {}
                if self.user:
                    th["Authorization"] = "Basic " + base64.b64encode(
                        f"{self.user}:{self.password}".encode()).decode()
                tc.request("GET", u.path + "?" + q, headers=th)
                tr = tc.getresponse()
                self.auth = "Bearer " + json.loads(tr.read())["token"]
            return self.req(method, path, body, headers, retry=False)
        return r, data

    def blob(self, repo, data):
        d = sha(data)
        r, _ = self.req("HEAD", f"/v2/{repo}/blobs/{d}")
        if r.status == 200:
            return d
        r, _ = self.req("POST", f"/v2/{repo}/blobs/uploads/")
        assert r.status == 202, r.status
        loc = r.getheader("Location")
        u = urllib.parse.urlparse(loc)
        path = u.path + "?" + (u.query + "&" if u.query else "") + "digest=" + urllib.parse.quote(d)
        r, body = self.req("PUT", path, body=data, headers={"Content-Type": "application/octet-stream"})
        assert r.status == 201, (r.status, body)
        return d

    def manifest(self, repo, ref, data, mt):
        r, body = self.req("PUT", f"/v2/{repo}/manifests/{ref}", body=data, headers={"Content-Type": mt})
        assert r.status == 201, (r.status, body)
        return sha(data)


def compress(raw, how):
    if how == "gzip":
        return gzip.compress(raw, compresslevel=1, mtime=0), "application/vnd.oci.image.layer.v1.tar+gzip"
    if how == "zstd":
        p = subprocess.run(["zstd", "-q", "-c", "-1"], input=raw, capture_output=True, check=True)
        return p.stdout, "application/vnd.oci.image.layer.v1.tar+zstd"
    return raw, "application/vnd.oci.image.layer.v1.tar"


def tar_of_files(files):
    bio = io.BytesIO()
    with tarfile.open(fileobj=bio, mode="w", format=tarfile.PAX_FORMAT) as t:
        for path, text in files:
            data = text.encode()
            ti = tarfile.TarInfo(path)
            ti.size, ti.mode, ti.mtime = len(data), 0o644, 1700000000
            t.addfile(ti, io.BytesIO(data))
    return bio.getvalue()


DOCKER = False  # --docker: Docker schema 2 media types instead of OCI ones


def push_image(reg, repo, tag, layers_raw, how, arch="amd64", variant=None, put_tag=True):
    layers, diff_ids = [], []
    for raw in layers_raw:
        blob, mt = compress(raw, how)
        if DOCKER:
            mt = "application/vnd.docker.image.rootfs.diff.tar.gzip"
        diff_ids.append(sha(raw))
        layers.append({"mediaType": mt, "digest": reg.blob(repo, blob), "size": len(blob)})
    plat = {"architecture": arch, "os": "linux"}
    if variant:
        plat["variant"] = variant
    cfg = dict(plat)
    cfg.update({"config": {"Cmd": ["/bin/sh"], "Env": ["PATH=/bin", f"VOLT_ARCH={arch}"]},
                "rootfs": {"type": "layers", "diff_ids": diff_ids}, "created": "2026-01-01T00:00:00Z"})
    cfgb = json.dumps(cfg).encode()
    man = {"schemaVersion": 2,
           "mediaType": "application/vnd.docker.distribution.manifest.v2+json" if DOCKER
           else "application/vnd.oci.image.manifest.v1+json",
           "config": {"mediaType": "application/vnd.docker.container.image.v1+json" if DOCKER
                      else "application/vnd.oci.image.config.v1+json",
                      "digest": reg.blob(repo, cfgb), "size": len(cfgb)},
           "layers": layers}
    mb = json.dumps(man).encode()
    d = reg.manifest(repo, tag if put_tag else sha(mb), mb, man["mediaType"])
    return d, len(mb), plat


def cmd_push(argv):
    import argparse
    ap = argparse.ArgumentParser()
    ap.add_argument("registry")
    ap.add_argument("ref")
    ap.add_argument("--base")
    ap.add_argument("--file", action="append", default=[])
    ap.add_argument("--layer-tar", action="append", default=[])
    ap.add_argument("--compress", default="gzip")
    ap.add_argument("--platforms")
    ap.add_argument("--user")
    ap.add_argument("--password")
    ap.add_argument("--docker", action="store_true")
    a = ap.parse_args(argv)
    global DOCKER
    DOCKER = a.docker
    repo, tag = a.ref.rsplit(":", 1)
    reg = Registry(a.registry, a.user, a.password)
    raws = []
    if a.base:
        raws.append(open(a.base, "rb").read())
    if a.file:
        raws.append(tar_of_files([f.split("=", 1) for f in a.file]))
    for lt in a.layer_tar:
        raws.append(open(lt, "rb").read())
    if not a.platforms:
        print(push_image(reg, repo, tag, raws, a.compress)[0])
        return
    entries = []
    for p in a.platforms.split(","):
        parts = p.split("/")
        arch, variant = parts[1], parts[2] if len(parts) > 2 else None
        extra = tar_of_files([("etc/arch", f"{arch}\n")])
        d, size, plat = push_image(reg, repo, tag, raws + [extra], a.compress, arch, variant, put_tag=False)
        entries.append({"mediaType": "application/vnd.docker.distribution.manifest.v2+json" if DOCKER
                        else "application/vnd.oci.image.manifest.v1+json", "digest": d,
                        "size": size, "platform": plat})
    idx = {"schemaVersion": 2,
           "mediaType": "application/vnd.docker.distribution.manifest.list.v2+json" if DOCKER
           else "application/vnd.oci.image.index.v1+json", "manifests": entries}
    print(reg.manifest(repo, tag, json.dumps(idx).encode(), idx["mediaType"]))


def cmd_bench_images(registry, repo):
    """The benchmark's images: REPO/big:1, 5 layers of ~40 MB each (half
    random, half repetitive text: ~100 MB gzip-compressed); REPO/second:1 =
    layer 1 of big plus a layer holding an 8 MiB file of big under another
    name. Deterministic (seeded), so reruns push nothing new."""
    import random
    reg = Registry(registry)
    rnd = random.Random(42)
    raws, eight = [], None
    for li in range(5):
        files = []
        for fi in range(40):
            if fi % 2 == 0:
                data = rnd.randbytes(1 << 20)
            else:
                line = ("layer %d file %d " % (li, fi)).encode() + rnd.randbytes(16).hex().encode() + b"\n"
                data = (line * ((1 << 20) // len(line) + 1))[: 1 << 20]
            files.append(("data/l%d/f%03d" % (li, fi), data))
        if li == 2:
            eight = rnd.randbytes(8 << 20)
            files.append(("data/l2/eight-mib", eight))
        bio = io.BytesIO()
        with tarfile.open(fileobj=bio, mode="w", format=tarfile.PAX_FORMAT) as t:
            for path, data in files:
                ti = tarfile.TarInfo(path)
                ti.size, ti.mode, ti.mtime = len(data), 0o644, 1700000000
                t.addfile(ti, io.BytesIO(data))
        raws.append(bio.getvalue())
    print("big", push_image(reg, repo + "/big", "1", raws, "gzip")[0])
    bio = io.BytesIO()
    with tarfile.open(fileobj=bio, mode="w", format=tarfile.PAX_FORMAT) as t:
        ti = tarfile.TarInfo("opt/same-content-other-name")
        ti.size, ti.mode, ti.mtime = len(eight), 0o644, 1700000000
        t.addfile(ti, io.BytesIO(eight))
    print("second", push_image(reg, repo + "/second", "1", [raws[0], bio.getvalue()], "gzip")[0])


def cmd_hostile(out, kind):
    bio = io.BytesIO()
    with tarfile.open(fileobj=bio, mode="w", format=tarfile.GNU_FORMAT) as t:
        def add(name, typ=tarfile.REGTYPE, data=b"x", **kw):
            ti = tarfile.TarInfo(name)
            ti.type = typ
            ti.size = len(data) if typ == tarfile.REGTYPE else 0
            ti.mode = kw.get("mode", 0o644)
            for k in ("linkname", "devmajor", "devminor", "uid"):
                if k in kw:
                    setattr(ti, k, kw[k])
            t.addfile(ti, io.BytesIO(data) if typ == tarfile.REGTYPE else None)
        if kind == "abs":
            add("/etc/volt-abs-escape", data=b"abs\n")
        elif kind == "dotdot":
            add("etc/../../volt-dotdot-escape", data=b"dotdot\n")
        elif kind == "symlink-escape":
            add("escape", tarfile.SYMTYPE, linkname="/tmp")
            add("escape/volt-symlink-escape", data=b"through a symlink\n")
        elif kind == "hardlink-escape":
            add("passwd-link", tarfile.LNKTYPE, linkname="../../../../etc/passwd")
        elif kind == "device":
            add("dev/volt-null", tarfile.CHRTYPE, devmajor=1, devminor=3)
            add("etc/after-device", data=b"ok\n")
        elif kind == "setuid":
            add("bin/volt-suid", data=b"#!/bin/sh\n", mode=0o4755)
        elif kind == "big":
            add("big", data=b"\0" * (2 << 20))
    open(out, "wb").write(bio.getvalue())


def sig_at_half(path, size):
    """signal mode: send the signal the test names to its pull (once the
    test has written the file, which it does right after starting it)"""
    import signal as sg
    f = os.environ.get("VOLT_TEST_SIGNAL_FILE", "")
    for _ in range(100):
        if f and os.path.exists(f) and open(f).read().strip():
            break
        time.sleep(0.05)
    else:
        print("no signal file", path, file=sys.stderr, flush=True)
        return
    name, pid = open(f).read().split()
    os.unlink(f)
    # the bytes are in the socket buffer or in the pull: wait until the
    # kernel has handed them over, so the pull has them when it stops
    time.sleep(0.3)
    os.kill(int(pid), getattr(sg, "SIG" + name))
    print("signal", name, pid, path, size, file=sys.stderr, flush=True)


class Proxy(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    upstream = 0
    mode = "cut"
    cut_done = set()
    lock = threading.Lock()

    def log_message(self, *a):
        pass

    def forward(self):
        n = int(self.headers.get("Content-Length", 0) or 0)
        body = self.rfile.read(n) if n else None
        c = http.client.HTTPConnection("127.0.0.1", self.upstream, timeout=TIMEOUT)
        drop = ("host", "connection") + (("range",) if self.mode in ("cut-norange", "norange") else ())
        hd = {k: v for k, v in self.headers.items() if k.lower() not in drop}
        c.request(self.command, self.path, body=body, headers=hd)
        r = c.getresponse()
        data = r.read()
        is_blob = "/blobs/sha256:" in self.path and self.command == "GET" and r.status in (200, 206)
        cut = False
        if is_blob and self.mode.startswith("cut") and len(data) > 1024:
            with self.lock:
                if self.path not in self.cut_done:
                    self.cut_done.add(self.path)
                    cut = True
        if is_blob and self.mode in ("log", "norange"):
            print("blob", self.path, "range=%s" % self.headers.get("Range", "-"), "status=%d" % r.status,
                  "bytes=%d" % len(data), file=sys.stderr, flush=True)
        if is_blob and self.mode == "corrupt" and len(data) > 4096:
            data = bytearray(data)
            data[len(data) // 2] ^= 0xFF
            data = bytes(data)
        self.send_response(r.status)
        for k, v in r.getheaders():
            if k.lower() not in ("content-length", "connection", "transfer-encoding"):
                self.send_header(k, v)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if is_blob and self.mode == "stall" and len(data) > (1 << 20):
            # half the blob, then nothing: a pull hangs mid-layer until
            # interrupted (volt's stall timeout is 30 s)
            print("stall", self.path, len(data), file=sys.stderr, flush=True)
            self.wfile.write(data[: len(data) // 2])
            self.wfile.flush()
            time.sleep(40)
            self.close_connection = True
            return
        if is_blob and self.mode == "signal" and len(data) > (4 << 20):
            self.wfile.write(data[: len(data) // 2])
            self.wfile.flush()
            sig_at_half(self.path, len(data))
            time.sleep(40)
            self.close_connection = True
            return
        if cut:
            print("cut", self.path, len(data), file=sys.stderr, flush=True)
            self.wfile.write(data[: len(data) // 2])
            self.wfile.flush()
            self.close_connection = True
            self.connection.shutdown(2)
            return
        if self.command != "HEAD":
            self.wfile.write(data)

    do_GET = do_HEAD = do_PUT = do_POST = do_PATCH = do_DELETE = forward


def b64url(b):
    return base64.urlsafe_b64encode(b).rstrip(b"=").decode()


class Token(http.server.BaseHTTPRequestHandler):
    key = cert_der = None

    def log_message(self, *a):
        pass

    def do_GET(self):
        q = urllib.parse.parse_qs(urllib.parse.urlparse(self.path).query)
        auth = self.headers.get("Authorization", "")
        ok_user = auth == "Basic " + base64.b64encode(b"tokuser:tokpass").decode()
        if not ok_user:
            self.send_response(401)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        access = []
        for s in q.get("scope", []):
            parts = s.split(":")
            if len(parts) == 3 and parts[0] == "repository":
                access.append({"type": "repository", "name": parts[1], "actions": parts[2].split(",")})
        now = int(time.time())
        hdr = {"typ": "JWT", "alg": "RS256", "x5c": [base64.b64encode(self.cert_der).decode()]}
        claims = {"iss": "volt-test", "sub": "tokuser", "aud": q.get("service", [""])[0], "exp": now + 600,
                  "nbf": now - 10, "iat": now, "jti": os.urandom(8).hex(), "access": access}
        signing = (b64url(json.dumps(hdr).encode()) + "." + b64url(json.dumps(claims).encode())).encode()
        sig = subprocess.run(["openssl", "dgst", "-sha256", "-sign", self.key], input=signing,
                             capture_output=True, check=True).stdout
        tok = signing.decode() + "." + b64url(sig)
        body = json.dumps({"token": tok, "expires_in": 600}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True


def main():
    cmd = sys.argv[1]
    if cmd == "push":
        cmd_push(sys.argv[2:])
    elif cmd == "bench-images":
        cmd_bench_images(sys.argv[2], sys.argv[3])
    elif cmd == "hostile":
        cmd_hostile(sys.argv[2], sys.argv[3])
    elif cmd == "proxy":
        Proxy.upstream = int(sys.argv[3])
        Proxy.mode = sys.argv[4]
        Server(("127.0.0.1", int(sys.argv[2])), Proxy).serve_forever()
    elif cmd == "token":
        Token.key = sys.argv[3]
        pem = open(sys.argv[4]).read()
        b = pem.split("-----BEGIN CERTIFICATE-----")[1].split("-----END CERTIFICATE-----")[0]
        Token.cert_der = base64.b64decode("".join(b.split()))
        Server(("127.0.0.1", int(sys.argv[2])), Token).serve_forever()
    else:
        sys.exit("unknown command " + cmd)


if __name__ == "__main__":
    main()

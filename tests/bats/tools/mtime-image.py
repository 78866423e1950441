#!/usr/bin/env python3
"""mtime-image.py BUSYBOX_TAR OUT.tar [CREATED [SHIFT]]: a docker-archive (the
`docker save` layout) of busybox plus a layer whose files, directories,
symlinks and hardlinks carry old mtimes (some with nanoseconds, in pax
headers), for tests/bats/mtimes.bats. The config's "created" is CREATED, or
absent when CREATED is "-"; SHIFT seconds are added to every mtime (the same
files at other times)."""
import hashlib, io, json, sys, tarfile

busybox, out = sys.argv[1], sys.argv[2]
created = sys.argv[3] if len(sys.argv) > 3 else "2001-02-03T04:05:06Z"
shift = int(sys.argv[4]) if len(sys.argv) > 4 else 0


def member(tar, name):
    with tarfile.open(tar) as t:
        return t.extractfile(name).read()


motd = member(busybox, "./etc/motd")


def layer():
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as t:
        def add(name, kind, mtime, data=b"", target="", mode=0o644):
            ti = tarfile.TarInfo(name)
            ti.type, ti.mode = kind, mode
            ti.mtime = 0 if isinstance(mtime, str) else mtime
            if kind == tarfile.REGTYPE:
                ti.size = len(data)
            if kind in (tarfile.SYMTYPE, tarfile.LNKTYPE):
                ti.linkname = target
            if isinstance(mtime, str):  # sub-second: a pax "mtime" record
                sec, frac = mtime.split(".")
                ti.pax_headers = {"mtime": "%d.%s" % (int(sec) + shift, frac)}
                ti.mtime = int(sec) + shift
            else:
                ti.mtime += shift
            t.addfile(ti, io.BytesIO(data) if data else None)
        add("old", tarfile.DIRTYPE, 1000000000, mode=0o755)
        add("old/sub", tarfile.DIRTYPE, 1000000100, mode=0o755)
        add("old/a.txt", tarfile.REGTYPE, 1000000200, b"same content\n")
        # same content as a.txt, another time: cannot share a.txt's inode
        add("old/b.txt", tarfile.REGTYPE, 1000000300, b"same content\n")
        add("old/sub/exe", tarfile.REGTYPE, 1000000400, b"#!/bin/sh\necho hi\n", mode=0o755)
        add("old/empty", tarfile.REGTYPE, 1000000500, b"")
        add("old/ns.txt", tarfile.REGTYPE, "1000000600.123456789", b"nanoseconds\n")
        add("old/link", tarfile.SYMTYPE, 1000000700, target="a.txt")
        add("old/hard", tarfile.LNKTYPE, 1000000200, target="old/a.txt")
        # same content, another mode: a variant of its own
        add("old/private", tarfile.REGTYPE, 1000000800, b"same content\n", mode=0o600)
        # content the first layer also has (/etc/motd), at another time
        add("old/motd", tarfile.REGTYPE, 1000000900, motd)
    return buf.getvalue()


base = open(busybox, "rb").read()
top = layer()
diff = ["sha256:" + hashlib.sha256(x).hexdigest() for x in (base, top)]
cfg = {"architecture": "amd64", "os": "linux",
       "config": {"Env": ["PATH=/bin:/usr/bin"], "Cmd": ["/bin/sh"]},
       "rootfs": {"type": "layers", "diff_ids": diff}}
if created != "-":
    cfg["created"] = created
cfgb = json.dumps(cfg, sort_keys=True).encode()
cname = hashlib.sha256(cfgb).hexdigest() + ".json"
man = [{"Config": cname, "RepoTags": ["mtimes:latest"], "Layers": ["base.tar", "top.tar"]}]
with tarfile.open(out, "w") as t:
    for name, data in (("manifest.json", json.dumps(man).encode()), (cname, cfgb),
                       ("base.tar", base), ("top.tar", top)):
        ti = tarfile.TarInfo(name)
        ti.size = len(data)
        t.addfile(ti, io.BytesIO(data))

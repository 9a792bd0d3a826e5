#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Write an uncompressed newc initramfs (the format the kernel unpacks).

usage: mkinitramfs.py OUT DEST=SRC...   (SRC a file or a directory, copied
whole; parent directories of DEST are made). /dev/console, /proc and /sys
are always there. Written here so the test needs no cpio(1).
"""
import os
import stat
import sys


class Archive:
    def __init__(self, out):
        self.out = out
        self.ino = 1
        self.dirs = set()

    def entry(self, name, mode, data=b"", rdev=(0, 0)):
        raw = name.encode() + b"\0"
        fields = (self.ino, mode, 0, 0, 1, 0, len(data), 0, 0, rdev[0],
                  rdev[1], len(raw), 0)
        self.ino += 1
        buf = ("070701" + "".join("%08X" % f for f in fields)).encode() + raw
        buf += b"\0" * (-len(buf) % 4)
        buf += data + b"\0" * (-len(data) % 4)
        self.out.write(buf)

    def mkdir(self, name):
        parts = name.strip("/").split("/")
        for i in range(1, len(parts) + 1):
            d = "/".join(parts[:i])
            if d and d not in self.dirs:
                self.dirs.add(d)
                self.entry(d, stat.S_IFDIR | 0o755)

    def add(self, dest, src):
        dest = dest.strip("/")
        if os.path.isdir(src):
            self.mkdir(dest)
            for name in sorted(os.listdir(src)):
                self.add(dest + "/" + name, os.path.join(src, name))
            return
        self.mkdir(os.path.dirname(dest))
        mode = 0o755 if os.access(src, os.X_OK) else 0o644
        with open(src, "rb") as f:
            self.entry(dest, stat.S_IFREG | mode, f.read())


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    with open(sys.argv[1], "wb") as out:
        a = Archive(out)
        a.mkdir("dev")
        a.entry("dev/console", stat.S_IFCHR | 0o600, rdev=(5, 1))
        a.mkdir("proc")
        a.mkdir("sys")
        for spec in sys.argv[2:]:
            dest, src = spec.split("=", 1)
            a.add(dest, src)
        a.entry("TRAILER!!!", 0)


if __name__ == "__main__":
    main()

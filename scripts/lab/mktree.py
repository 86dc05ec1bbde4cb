#!/usr/bin/env python3
"""Writes a deterministic content tree for scripts/bench: mktree.py DIR KIND [SEED].

KIND: small (20,000 files of 1-8 KiB in 700 directories, 123 MB), web (3,000 mixed files, 314 MB,
names with spaces: 70% 1-16 KiB pages, 27% 16-256 KiB images, 3% 256 KiB-4 MiB archives),
big (4 files of 256 MiB). The same SEED gives the same bytes, names and mtimes.
"""
import os
import random
import sys


def main():
    if len(sys.argv) < 3 or sys.argv[2] not in ("small", "web", "big"):
        sys.exit("usage: mktree.py DIR small|web|big [SEED]")
    root, kind = sys.argv[1], sys.argv[2]
    rnd = random.Random(int(sys.argv[3]) if len(sys.argv) > 3 else 1)

    def put(path, size):
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            while size > 0:
                n = min(size, 1 << 20)
                f.write(rnd.randbytes(n))
                size -= n
        t = 1_700_000_000 + rnd.randrange(10_000_000)
        os.utime(path, (t, t))

    if kind == "small":
        for i in range(20_000):
            put(f"{root}/s{i % 100:02d}/t{i % 7}/f{i}.html", rnd.randrange(1024, 8192))
    elif kind == "web":
        for i in range(3_000):
            r = rnd.random()
            if r < .7:
                size, ext = rnd.randrange(1024, 16384), "html"
            elif r < .97:
                size, ext = rnd.randrange(16384, 262144), "png"
            else:
                size, ext = rnd.randrange(262144, 4 << 20), "zip"
            put(f"{root}/sec{i % 30}/page{i % 11}/item {i}.{ext}", size)
    else:
        for i in range(4):
            put(f"{root}/downloads/iso{i}.bin", 256 << 20)


if __name__ == "__main__":
    main()

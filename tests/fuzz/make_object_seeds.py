#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Seeds for the gadget_object fuzzer from the BPF objects built in the tree: each object as is,
truncated at several points (inside the ELF header, the section headers, the BTF...) and with
single bits flipped at deterministic positions. Deterministic, so regressions are reproducible.

usage: make_object_seeds.py OUT_DIR OBJECT...
"""
import os
import random
import sys


def main():
    out, objects = sys.argv[1], sys.argv[2:]
    os.makedirs(out, exist_ok=True)
    for old in os.listdir(out):
        os.remove(os.path.join(out, old))
    for path in objects:
        name = os.path.basename(os.path.dirname(path))
        data = open(path, "rb").read()
        variants = {"whole": data}
        for cut in (16, 63, 64, len(data) // 4, len(data) // 2, 3 * len(data) // 4, len(data) - 1):
            variants["cut%d" % cut] = data[:cut]
        rng = random.Random(name)  # the same flips on every build
        for i in range(12):
            pos = rng.randrange(len(data))
            flipped = bytearray(data)
            flipped[pos] ^= 1 << rng.randrange(8)
            variants["flip%d_%d" % (i, pos)] = bytes(flipped)
        for label, blob in variants.items():
            with open(os.path.join(out, "%s-%s" % (name, label)), "wb") as f:
                f.write(blob)


if __name__ == "__main__":
    main()

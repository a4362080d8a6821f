#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Hostile and broken gadgets: each case must end in a clear one-line error (plus, for the
verifier, its key lines) and a normal non-zero exit, never a crash, a hang or a wall of text.

usage: failure_modes_test.py CASE   (see CASES at the bottom)
"""
import errno
import hashlib
import json
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile

from ig_harness import IG, check, fail, require_root

FIXTURES = os.environ.get("IG_FIXTURES_DIR", "")

# Signs that ig died instead of refusing: sanitizer reports, uncaught exceptions, libstdc++ checks.
CRASH_MARKERS = ("Sanitizer", "runtime error:", "terminate called", "Segmentation fault",
                 "Assertion", "core dumped")


def run_ig(*args, timeout=60):
    try:
        p = subprocess.run([IG, *args], capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        fail("ig %s hung for more than %ds" % (" ".join(args), timeout))
    return p


def expect_refusal(p, what, tools_may_print=False):
    """ig exited on its own with an error (exit code 1), no crash marker, a short message. With
    tools_may_print, a tool ig ran (clang) may have printed before ig's final 'Error:' line."""
    err = p.stderr
    check(p.returncode == 1,
          "%s: expected exit code 1 (a refusal), got %d; stderr: %r" % (what, p.returncode, err))
    for marker in CRASH_MARKERS:
        check(marker not in err, "%s: ig crashed (%s): %r" % (what, marker, err))
    if tools_may_print:
        check(err.strip().splitlines()[-1].startswith("Error: "),
              "%s: the last line is not 'Error: ...': %r" % (what, err))
    else:
        check(err.startswith("Error: "), "%s: no 'Error: ' line: %r" % (what, err))
    return err


def copy_fixture(name, tmp):
    dst = os.path.join(tmp, name)
    shutil.copytree(os.path.join(FIXTURES, name), dst)
    return dst, os.path.join(dst, "program.bpf.o")


def elf_sections(data):
    """{name: (header offset, sh_offset, sh_size)} of a 64-bit little-endian ELF file."""
    shoff, = struct.unpack_from("<Q", data, 0x28)
    shentsize, shnum, shstrndx = struct.unpack_from("<HHH", data, 0x3A)
    headers = []
    for i in range(shnum):
        at = shoff + i * shentsize
        name, _type, _flags, _addr, off, size = struct.unpack_from("<IIQQQQ", data, at)
        headers.append((name, at, off, size))
    strtab_off = headers[shstrndx][2]
    out = {}
    for name, at, off, size in headers:
        end = data.index(b"\0", strtab_off + name)
        out[data[strtab_off + name:end].decode()] = (at, off, size)
    return out


def btf_first_member_type_offset(data, btf_off):
    """File offset of the `type` of the first struct member in the .BTF section."""
    magic, _ver, _flags, hdr_len, type_off, type_len = struct.unpack_from("<HBBIII", data, btf_off)
    check(magic == 0xEB9F, "not BTF")
    pos = btf_off + hdr_len + type_off
    end = pos + type_len
    while pos < end:
        _name, info, _size = struct.unpack_from("<III", data, pos)
        kind, vlen = (info >> 24) & 0x1F, info & 0xFFFF
        pos += 12
        if kind in (4, 5) and vlen:  # STRUCT, UNION: members are {name_off, type, offset}
            return pos + 4
        extra = {1: 4, 3: 12, 4: 12 * vlen, 5: 12 * vlen, 6: 8 * vlen, 13: 8 * vlen, 14: 4,
                 15: 12 * vlen, 17: 4, 19: 12 * vlen}.get(kind, 0)
        pos += extra
    fail("no struct with members in .BTF")


# --- cases -----------------------------------------------------------------------------------

def verifier_rejection():
    """The verifier's verdict is shown as key lines: program, source line, instruction, message."""
    p = run_ig("run", os.path.join(FIXTURES, "verifier_reject_gadget"), "--host", "--timeout", "5")
    err = expect_refusal(p, "verifier rejection")
    check("invalid mem access" in err, "the verifier's message is missing: %r" % err)
    check("read_unchecked_lookup" in err, "the failing program is not named: %r" % err)
    check(re.search(r"instruction \d+: \([0-9a-f]{2}\) ", err),
          "the failing instruction is missing: %r" % err)
    check("counter" in err, "the failing source line is missing: %r" % err)
    lines = err.strip().splitlines()
    check(len(lines) <= 8, "%d lines of stderr: a wall of text, not key lines: %r" %
          (len(lines), err))
    check("R10=fp0" not in err and "processed " not in err,
          "register states or statistics leaked into the summary: %r" % err)
    # --verbose still gives the whole log.
    p = run_ig("run", os.path.join(FIXTURES, "verifier_reject_gadget"), "--host", "--verbose",
               "--timeout", "5")
    check(p.returncode == 1 and "R10=fp0" in p.stderr,
          "--verbose does not show the whole verifier log: %r" % p.stderr[-2000:])
    print("PASS: %s" % " | ".join(lines))


def corrupt_object():
    """Truncated, non-ELF, empty and structurally corrupt objects are refused, never crash."""
    with tempfile.TemporaryDirectory() as tmp:
        src = open(os.path.join(FIXTURES, "types_gadget", "program.bpf.o"), "rb").read()
        sections = elf_sections(src)
        btf_at, btf_off, _ = sections[".BTF"]
        member_type = btf_first_member_type_offset(src, btf_off)

        def patched(offset, fmt, value):
            b = bytearray(src)
            struct.pack_into(fmt, b, offset, value)
            return bytes(b)

        shoff_beyond = patched(0x28, "<Q", len(src) * 4)
        btf_beyond = patched(btf_at + 24, "<Q", len(src) + 4096)  # .BTF sh_offset
        bad_type_id = patched(member_type, "<I", 0x00FFFFFF)
        cases = {
            "empty": (b"", "empty"),
            "not ELF": (b"#!/bin/sh\necho hello\n" * 10, "not an ELF file"),
            "truncated header": (src[:40], "not an ELF file"),
            "truncated at half": (src[:len(src) // 2], "corrupt BPF object"),
            "section headers beyond the file": (shoff_beyond, "corrupt BPF object"),
            ".BTF beyond the file": (btf_beyond, "corrupt BPF object"),
            "BTF type id out of range": (bad_type_id, "refers to type 16777215"),
        }
        results = []
        for label, (blob, expected) in cases.items():
            gadget, obj = copy_fixture("types_gadget", os.path.join(tmp, label.replace(" ", "_")))
            with open(obj, "wb") as f:
                f.write(blob)
            p = run_ig("run", gadget, "--timeout", "2")
            err = expect_refusal(p, label)
            check(expected in err, "%s: expected %r in %r" % (label, expected, err))
            check(gadget in err, "%s: the message does not name the gadget: %r" % (label, err))
            check(len(err.strip().splitlines()) <= 4, "%s: too many lines: %r" % (label, err))
            results.append("%s -> %s" % (label, err.strip().splitlines()[0]))
    print("PASS:\n  " + "\n  ".join(results))


def oversized_record():
    """An event struct larger than the record bound is refused before anything is loaded."""
    p = run_ig("run", os.path.join(FIXTURES, "oversized_record_gadget"), "--timeout", "2")
    err = expect_refusal(p, "oversized record")
    check("huge_event" in err and "1048576" in err,
          "the message does not name the struct and the bound: %r" % err)
    print("PASS: " + err.strip())


def store_is_valid(root):
    """index.json and oci-layout parse; every blob's name is its sha256; every image the index
    names is complete. Returns the references in the index."""
    with open(os.path.join(root, "oci-layout")) as f:
        check(json.load(f).get("imageLayoutVersion") == "1.0.0", "bad oci-layout")
    with open(os.path.join(root, "index.json")) as f:
        index = json.load(f)
    blob_dir = os.path.join(root, "blobs", "sha256")
    for name in os.listdir(blob_dir):
        check(re.fullmatch(r"[0-9a-f]{64}", name), "stray file in the blob directory: %s" % name)
        with open(os.path.join(blob_dir, name), "rb") as f:
            check(hashlib.sha256(f.read()).hexdigest() == name, "blob %s is corrupt" % name)

    def complete(digest):
        path = os.path.join(blob_dir, digest.split(":", 1)[1])
        check(os.path.exists(path), "missing blob %s" % digest)
        with open(path, "rb") as f:
            doc = json.load(f)
        for child in doc.get("manifests", []):
            complete(child["digest"])
        for child in [doc["config"]] + doc.get("layers", []) if "config" in doc else []:
            check(os.path.exists(os.path.join(blob_dir, child["digest"].split(":", 1)[1])),
                  "missing blob %s" % child["digest"])

    refs = []
    for m in index.get("manifests", []):
        complete(m["digest"])
        refs.append(m.get("annotations", {}).get("io.containerd.image.name") or
                    m.get("annotations", {}).get("org.opencontainers.image.ref.name"))
    return refs


def fill(path):
    """Writes to `path` until the filesystem is full; returns the bytes written."""
    written = 0
    with open(path, "wb", buffering=0) as f:
        chunk = b"\0" * 4096
        while True:
            try:
                written += f.write(chunk)
            except OSError as e:
                check(e.errno == errno.ENOSPC, "filling the disk: %s" % e)
                return written


def full_disk():
    """A store on a full filesystem: `ig image build` and `tag` fail with a clear message, the
    store stays valid (old images intact, no torn blobs or index), and works once space is back."""
    source = os.environ["IG_SOURCE_DIR"]
    with tempfile.TemporaryDirectory() as tmp:
        mnt = os.path.join(tmp, "small")
        os.mkdir(mnt)
        subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", mnt], check=True)
        try:
            env = dict(os.environ, IG_STORE=os.path.join(mnt, "store"))

            def ig(*args):
                try:
                    return subprocess.run([IG, *args], capture_output=True, text=True,
                                          timeout=180, env=env)
                except subprocess.TimeoutExpired:
                    fail("ig %s hung" % " ".join(args))

            first = "localhost:5000/hostile/trace_tcp:v1"
            second = "localhost:5000/hostile/trace_open:v1"
            # An archive of another image, built in a roomy store, to import later.
            archive = os.path.join(tmp, "trace_open.tar")
            roomy = dict(env, IG_STORE=os.path.join(tmp, "roomy"))
            for args in (("image", "build", os.path.join(source, "gadgets", "trace_open"), "-t",
                          second, "--platform", "linux/amd64"),
                         ("image", "export", second, archive)):
                p = subprocess.run([IG, *args], capture_output=True, text=True, timeout=180,
                                   env=roomy)
                check(p.returncode == 0, "ig %s: %s" % (" ".join(args), p.stderr))

            p = ig("image", "build", os.path.join(source, "gadgets", "trace_tcp"), "-t", first,
                   "--platform", "linux/amd64")
            check(p.returncode == 0, "building into the empty small store failed: " + p.stderr)
            before = store_is_valid(env["IG_STORE"])
            with open(os.path.join(env["IG_STORE"], "index.json")) as f:
                index_before = f.read()
            fill(os.path.join(mnt, "filler"))

            results = []
            for what, args in (
                    ("import", ("image", "import", archive)),
                    ("build", ("image", "build", os.path.join(source, "gadgets", "trace_open"),
                               "-t", second, "--platform", "linux/amd64"))):
                p = ig(*args)
                err = expect_refusal(p, what + " on a full disk", tools_may_print=what == "build")
                check("No space left on device" in err,
                      "%s: nothing says the disk is full: %r" % (what, err))
                # ig's own line (the last one, below any compiler output) must say it too.
                check("no space left" in err.strip().splitlines()[-1].lower(),
                      "%s: ig's error does not say the disk is full: %r" % (what, err))
                check(store_is_valid(env["IG_STORE"]) == before, what + ": the index changed")
                tmp_dir = os.path.join(env["IG_STORE"], ".tmp")
                left = os.listdir(tmp_dir) if os.path.isdir(tmp_dir) else []
                check(not left, "%s: temp files left behind (space not given back): %r" %
                      (what, left))
                results.append("%s -> %s" % (what, err.strip().splitlines()[-1]))

            p = ig("image", "tag", first, "localhost:5000/hostile/again:v1")
            if p.returncode == 0:
                tag_result = "tag fitted in the last free block"
                check(len(store_is_valid(env["IG_STORE"])) == len(before) + 1, "tag lost")
            else:
                tag_err = expect_refusal(p, "tag on a full disk")
                check("No space left on device" in tag_err, "unclear tag error: %r" % tag_err)
                with open(os.path.join(env["IG_STORE"], "index.json")) as f:
                    check(f.read() == index_before, "a failed tag changed index.json")
                tag_result = tag_err.strip()

            os.remove(os.path.join(mnt, "filler"))
            p = ig("image", "import", archive)
            check(p.returncode == 0, "the store did not recover once space was back: " + p.stderr)
            after = store_is_valid(env["IG_STORE"])
            check(len(after) >= 2, "images after recovery: %r" % after)
            p = ig("image", "list")
            check(p.returncode == 0 and "trace_open" in p.stdout and "trace_tcp" in p.stdout,
                  "list after recovery: %r" % (p.stdout + p.stderr))
            print("PASS: %s | tag -> %s | recovered: %d images" %
                  (" | ".join(results), tag_result, len(after)))
        finally:
            subprocess.run(["umount", "-l", mnt], check=False)


CASES = {f.__name__: f for f in (verifier_rejection, corrupt_object, oversized_record,
                                   full_disk)}

if __name__ == "__main__":
    require_root()
    if len(sys.argv) != 2 or sys.argv[1] not in CASES:
        fail("usage: failure_modes_test.py {%s}" % ",".join(CASES))
    CASES[sys.argv[1]]()

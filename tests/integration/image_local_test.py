#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""`ig image` on the local store, end to end with the real binary, clang and (for `run`) the kernel.

Usage: image_local_test.py CASE   (each case is one ctest test)
Every case uses its own store (IG_STORE in a temp dir) and never touches /var/lib/ig.
"""
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tarfile
import tempfile
import time

from ig_harness import IG, IgRun, check, fail, require_root

SOURCE = os.environ["IG_SOURCE_DIR"]
TRACE_TCP = os.path.join(SOURCE, "gadgets", "trace_tcp")
REF = "localhost:5000/x/trace_tcp:v1"


class Store:
    def __init__(self, root):
        self.root = root
        self.env = dict(os.environ, IG_STORE=root)
        self.env.pop("SOURCE_DATE_EPOCH", None)

    def ig(self, *args, ok=True, env=None, timeout=120):
        p = subprocess.run([IG, *args], capture_output=True, text=True, timeout=timeout,
                           env=env or self.env)
        if ok:
            check(p.returncode == 0, "ig %s failed (%d): %s" % (" ".join(args), p.returncode,
                                                                  p.stderr.strip()))
        return p

    def build(self, path=TRACE_TCP, ref=REF, *flags, env=None):
        p = self.ig("image", "build", path, "-t", ref, *flags, env=env)
        line = p.stdout.strip().splitlines()[-1]
        check(line.startswith("Successfully built ") and "@sha256:" in line,
              "unexpected build output: %r" % p.stdout)
        return line.split("@", 1)[1]

    def list(self):
        return json.loads(self.ig("image", "list", "-o", "json").stdout)

    def blobs(self):
        d = os.path.join(self.root, "blobs", "sha256")
        return sorted(os.listdir(d)) if os.path.isdir(d) else []

    def snapshot(self):
        """Everything that matters in the store: index.json and the blob names."""
        with open(os.path.join(self.root, "index.json")) as f:
            return f.read(), self.blobs()

    def check_valid(self):
        """The store is a valid OCI layout whose every tagged image is complete and intact."""
        with open(os.path.join(self.root, "oci-layout")) as f:
            check(json.load(f) == {"imageLayoutVersion": "1.0.0"}, "bad oci-layout")
        with open(os.path.join(self.root, "index.json")) as f:
            json.load(f)
        for e in self.list():
            info = json.loads(self.ig("image", "inspect", e["reference"], "-o", "json").stdout)
            check(info["digest"] == e["digest"], "inspect and list disagree")
        for name in self.blobs():
            p = subprocess.run(["sha256sum", os.path.join(self.root, "blobs", "sha256", name)],
                               capture_output=True, text=True)
            check(p.stdout.split()[0] == name, "blob %s is corrupt" % name)


def one_line_error(p, what, diagnostics=False):
    """The failure is one 'Error:' line; with diagnostics, clang's messages may precede it."""
    check(p.returncode != 0, "%s: expected a failure" % what)
    err = p.stderr.strip()
    if diagnostics:
        err = err.splitlines()[-1] if err else ""
    check(err.startswith("Error: ") and "\n" not in err,
          "%s: expected one 'Error:' line, got %r" % (what, p.stderr))
    return err


def case_build_list_inspect(tmp):
    s = Store(os.path.join(tmp, "store"))
    digest = s.build()
    entries = s.list()
    check(len(entries) == 1, "list: %r" % entries)
    e = entries[0]
    check(e["reference"] == REF and e["repository"] == "localhost:5000/x/trace_tcp" and
          e["tag"] == "v1" and e["digest"] == digest, "list entry: %r" % e)
    check(e["created"] == "1970-01-01T00:00:00Z", "default created: %r" % e["created"])
    check(e["size"] > 10000, "size %r" % e["size"])
    cols = s.ig("image", "list").stdout.splitlines()
    check(cols[0].split() == ["REPOSITORY", "TAG", "DIGEST", "CREATED", "SIZE"], cols[0])
    check(cols[1].split()[:3] == ["localhost:5000/x/trace_tcp", "v1", digest[7:19]], cols[1])

    info = json.loads(s.ig("image", "inspect", REF, "-o", "json").stdout)
    check(info["mediaType"] == "application/vnd.oci.image.index.v1+json", "index media type")
    ann = info["annotations"]
    check(ann["org.opencontainers.image.title"] == "trace tcp", "title: %r" % ann)
    check(ann["org.opencontainers.image.source"].endswith("gadgets/trace_tcp"), "source")
    check("io.ig.builder.version" in ann, "builder version annotation")
    check(len(info["manifests"]) == 1, "one platform by default")
    m = info["manifests"][0]
    check(m["descriptor"]["platform"] == {"os": "linux", "architecture": "amd64"} or
          m["descriptor"]["platform"]["architecture"] == "arm64", "platform %r" % m["descriptor"])
    check(m["manifest"]["artifactType"] == "application/vnd.gadget.v1+binary", "artifactType")
    check(m["config"]["mediaType"] == "application/vnd.gadget.config.v1+yaml", "config type")
    check([l["mediaType"] for l in m["layers"]] ==
          ["application/vnd.gadget.ebpf.program.v1+binary"], "layers %r" % m["layers"])
    with open(os.path.join(TRACE_TCP, "gadget.yaml")) as f:
        check(m["metadata"] == f.read(), "metadata is gadget.yaml verbatim")
    text = s.ig("image", "inspect", REF).stdout
    check("program.o" in text and "Metadata (gadget.yaml):" in text, "text inspect: " + text)
    # Short names resolve to Inspektor Gadget's registry.
    s.ig("image", "tag", REF, "trace_tcp")
    names = {e["reference"] for e in s.list()}
    check("ghcr.io/inspektor-gadget/gadget/trace_tcp:latest" in names, "short name %r" % names)
    p = s.ig("image", "inspect", "Bad/Ref", ok=False)
    check("lowercase" in one_line_error(p, "bad reference"), p.stderr)


def case_reproducible(tmp):
    a, b = Store(os.path.join(tmp, "a")), Store(os.path.join(tmp, "b"))
    copy = os.path.join(tmp, "elsewhere", "trace_tcp")
    shutil.copytree(TRACE_TCP, copy)
    t0 = time.monotonic()
    d1 = a.build()
    elapsed = time.monotonic() - t0
    d2 = b.build(copy)
    check(d1 == d2, "same sources, other directory: %s != %s" % (d1, d2))
    check(a.build() == d1, "rebuild changed the digest")
    d3 = a.build(TRACE_TCP, REF, "--created", "2024-05-01T12:00:00Z")
    check(d3 != d1, "--created did not change the digest")
    env = dict(a.env, SOURCE_DATE_EPOCH="1700000000")
    d4 = a.build(TRACE_TCP, REF, env=env)
    created = [e["created"] for e in a.list()]
    check(created == ["2023-11-14T22:13:20Z"], "SOURCE_DATE_EPOCH: %r" % created)
    check(d4 != d1, "SOURCE_DATE_EPOCH did not change the digest")
    print("trace_tcp image build: %.2fs" % elapsed)


def case_tag_remove_gc(tmp):
    s = Store(os.path.join(tmp, "store"))
    s.build()
    s.ig("image", "tag", REF, "localhost:5000/x/copy:v2")
    blobs = s.blobs()
    check(len(blobs) == 4, "index, manifest, gadget.yaml, object: %r" % blobs)
    before = s.snapshot()
    # A name that does not exist: one-line error, nothing removed (even the valid one given).
    p = s.ig("image", "remove", "localhost:5000/x/copy:v2", "localhost:5000/x/absent:v1", ok=False)
    check("absent" in one_line_error(p, "remove of a missing image"), p.stderr)
    check(s.snapshot() == before, "a failed remove changed the store")
    s.ig("image", "remove", REF)
    check(s.blobs() == blobs, "blobs still used by copy:v2 were deleted")
    check([e["reference"] for e in s.list()] == ["localhost:5000/x/copy:v2"], "list after rm")
    s.ig("image", "rm", "localhost:5000/x/copy:v2")
    check(s.blobs() == [], "GC left blobs behind: %r" % s.blobs())
    check(s.list() == [], "store not empty")
    p = s.ig("image", "tag", "localhost:5000/x/nothing:v1", "x:y", ok=False)
    one_line_error(p, "tag of a missing image")


def case_export_import(tmp):
    a = Store(os.path.join(tmp, "a"))
    d = a.build()
    a.ig("image", "tag", REF, "other:v9")
    tar1, tar2 = os.path.join(tmp, "1.tar"), os.path.join(tmp, "2.tar")
    a.ig("image", "export", REF, "other:v9", tar1)
    a.ig("image", "export", REF, "other:v9", tar2)
    with open(tar1, "rb") as f1, open(tar2, "rb") as f2:
        check(f1.read() == f2.read(), "export is not deterministic")
    with tarfile.open(tar1) as t:
        names = t.getnames()
        check("oci-layout" in names and "index.json" in names, "layout files: %r" % names)
        index = json.load(t.extractfile("index.json"))
    refs = sorted(m["annotations"]["org.opencontainers.image.ref.name"] for m in index["manifests"])
    check(refs == ["ghcr.io/inspektor-gadget/gadget/other:v9", REF], "ref names %r" % refs)

    b = Store(os.path.join(tmp, "b"))
    out = b.ig("image", "import", tar1).stdout
    check(REF + "@" + d in out, "import output: %r" % out)
    check(sorted((e["reference"], e["digest"]) for e in b.list()) ==
          sorted((e["reference"], e["digest"]) for e in a.list()), "round trip lost something")
    b.check_valid()

    # A tampered archive is refused and changes nothing.
    bad = os.path.join(tmp, "bad.tar")
    with tarfile.open(tar1) as src, tarfile.open(bad, "w") as dst:
        for member in src.getmembers():
            data = src.extractfile(member).read() if member.isfile() else None
            if data and data.startswith(b"\x7fELF"):
                data = data[:-1] + bytes([data[-1] ^ 1])
            dst.addfile(member, None if data is None else __import__("io").BytesIO(data))
    c = Store(os.path.join(tmp, "c"))
    c.build(TRACE_TCP, "mine:v1")
    before = c.snapshot()
    p = c.ig("image", "import", bad, ok=False)
    check("does not match its digest" in one_line_error(p, "tampered import"), p.stderr)
    check(c.snapshot() == before, "a refused import changed the store")
    # Path traversal in the archive.
    evil = os.path.join(tmp, "evil.tar")
    with tarfile.open(evil, "w") as t:
        info = tarfile.TarInfo("../../escape")
        info.size = 1
        t.addfile(info, __import__("io").BytesIO(b"x"))
    p = c.ig("image", "import", evil, ok=False)
    check("escapes" in one_line_error(p, "traversal import"), p.stderr)
    check(c.snapshot() == before, "a refused import changed the store")
    check(not os.path.exists(os.path.join(tmp, "escape")), "traversal wrote a file")

    # skopeo reads our archive and writes a layout (no top-level mediaType, ref name "copy")
    # that we import: the digest survives both tools.
    if shutil.which("skopeo"):
        layout = os.path.join(tmp, "skopeo-layout")
        p = subprocess.run(["skopeo", "--insecure-policy", "copy", "--all", "--preserve-digests",
                            "oci-archive:%s:%s" % (tar1, REF), "oci:%s:copy" % layout],
                           capture_output=True, text=True)
        check(p.returncode == 0, "skopeo copy: " + p.stderr)
        raw = subprocess.run(["skopeo", "inspect", "--raw", "oci:%s:copy" % layout],
                             capture_output=True, text=True)
        check(json.loads(raw.stdout)["mediaType"] == "application/vnd.oci.image.index.v1+json",
              "skopeo sees: " + raw.stdout)
        sk_tar = os.path.join(tmp, "skopeo.tar")
        with tarfile.open(sk_tar, "w") as t:
            for name in os.listdir(layout):
                t.add(os.path.join(layout, name), arcname=name)
        out = b.ig("image", "import", sk_tar).stdout
        check("ghcr.io/inspektor-gadget/gadget/copy:latest@" + d in out, "skopeo import: " + out)
    elif os.environ.get("CI") == "true":
        fail("skopeo is missing and CI=true")


def case_bad_input_is_rejected(tmp):
    s = Store(os.path.join(tmp, "store"))
    s.build(TRACE_TCP, "good:v1")
    before = s.snapshot()
    bad = os.path.join(tmp, "bad")
    shutil.copytree(TRACE_TCP, bad)
    with open(os.path.join(bad, "gadget.yaml"), "a") as f:
        f.write("    not_in_the_object:\n      key: nope\n      description: a param the object lacks\n")
    p = s.ig("image", "build", bad, "-t", "bad:v1", ok=False)
    err = one_line_error(p, "param not in the object")
    check("not_in_the_object" in err and "GADGET_PARAM" in err, err)
    check(s.snapshot() == before, "a rejected build changed the store")

    shutil.copy(os.path.join(TRACE_TCP, "gadget.yaml"), os.path.join(bad, "gadget.yaml"))
    with open(os.path.join(bad, "gadget.yaml")) as f:
        text = f.read()
    with open(os.path.join(bad, "gadget.yaml"), "w") as f:
        f.write(text.replace("      accept_fd:\n", "      no_such_field:\n", 1))
    err = one_line_error(s.ig("image", "build", bad, "-t", "bad:v1", ok=False), "unknown field")
    check("no_such_field" in err, err)
    check(s.snapshot() == before, "a rejected build changed the store")

    with open(os.path.join(bad, "program.bpf.c"), "a") as f:
        f.write("\nthis does not compile\n")
    err = one_line_error(s.ig("image", "build", bad, "-t", "bad:v1", ok=False), "compile error",
                         diagnostics=True)
    check("clang failed" in err, err)
    check(s.snapshot() == before, "a failed compile changed the store")
    for args, what in [(["image", "build", TRACE_TCP, "-t", "Bad:v1"], "bad tag"),
                       (["image", "build", TRACE_TCP, "--platform", "linux/s390x"], "platform"),
                       (["image", "build", TRACE_TCP, "--created", "yesterday"], "created"),
                       (["image", "build", os.path.join(tmp, "nowhere")], "missing dir"),
                       (["image", "build", TRACE_TCP, "--frobnicate"], "unknown flag"),
                       (["image", "import", os.path.join(tmp, "nowhere.tar")], "missing tar"),
                       (["image", "frob"], "unknown subcommand")]:
        one_line_error(s.ig(*args, ok=False), what)
        check(s.snapshot() == before, "%s changed the store" % what)


def case_interrupted_build_leaves_a_valid_store(tmp):
    s = Store(os.path.join(tmp, "store"))
    good = s.build(TRACE_TCP, "good:v1")
    for sig in (signal.SIGINT, signal.SIGKILL):
        for delay in (0.05, 0.3, 0.6, 0.9, 1.2):
            proc = subprocess.Popen([IG, "image", "build", TRACE_TCP, "-t", "victim:v1",
                                     "--created", "2020-01-01T00:00:%02dZ" % int(delay * 10)],
                                    env=s.env, stdout=subprocess.DEVNULL,
                                    stderr=subprocess.DEVNULL, start_new_session=True)
            time.sleep(delay)
            try:
                os.killpg(proc.pid, sig)  # ig and its clang, like Ctrl-C in a terminal
            except ProcessLookupError:
                pass
            proc.wait(timeout=30)
            s.check_valid()
            names = {e["reference"]: e["digest"] for e in s.list()}
            check(names.get("ghcr.io/inspektor-gadget/gadget/good:v1") == good,
                  "the existing image changed: %r" % names)
    # The store still works: a build, then a removal whose GC also clears leftovers.
    s.build(TRACE_TCP, "after:v1")
    s.ig("image", "remove", "after:v1")
    s.ig("image", "remove", "victim:v1", ok=False)  # may or may not exist: must not crash
    leftovers = os.listdir(os.path.join(s.root, ".tmp"))
    check(leftovers == [], "GC left temp files: %r" % leftovers)
    s.check_valid()


def case_run_from_store(tmp):
    require_root()
    s = Store(os.path.join(tmp, "store"))
    d = s.build()
    os.environ["IG_STORE"] = s.root

    def probe():
        srv = socket.socket()
        srv.bind(("127.0.0.1", 0))
        port = srv.getsockname()[1]
        srv.close()  # nothing listens: the connect is refused, which trace_tcp reports
        socket.socket().connect_ex(("127.0.0.1", port))
        return lambda e: e.get("dst", {}).get("port") == port

    for ref in (REF, REF.split(":v1")[0] + "@" + d):  # by tag, then pinned by digest
        # --host: this test's own process is not in a container (the containers operator
        # otherwise narrows events to containers whenever a container runtime is present).
        # Built here and unsigned: verification (on for a registry host) is turned off.
        run = IgRun(ref, "--pull", "never", "--host", "--verify-image=false")
        try:
            run.wait_attached(probe)
            events = run.events()
        finally:
            if run.proc.poll() is None:  # a failed check must not leave ig attached
                run.proc.kill()
                run.proc.wait()
        mine = [e for e in events if e.get("proc", {}).get("pid") == os.getpid()]
        check(mine, "no events of this process from %s" % ref)
        e = mine[0]
        check(e["type"] == "connect" and e["error"] == "ECONNREFUSED" and
              e["dst"]["addr"] == "127.0.0.1", "event %r" % e)
    p = subprocess.run([IG, "run", "localhost:5000/x/absent:v1", "--pull", "never"],
                       capture_output=True, text=True, env=s.env, timeout=30)
    check(p.returncode != 0 and "not in the local store" in p.stderr, p.stderr)


def case_multi_platform(tmp):
    """--platform linux/amd64,linux/arm64: one index, one manifest per platform, each with its
    own object compiled for that target; an unsupported platform is refused."""
    vmlinux = os.environ["IG_VMLINUX_H"]
    headers = os.path.join(tmp, "vmlinux")
    for arch in ("amd64", "arm64"):
        # This machine has only its own kernel's BTF; CO-RE relocates at load time, so the
        # header only has to declare the types the gadget uses.
        os.makedirs(os.path.join(headers, arch))
        shutil.copy(vmlinux, os.path.join(headers, arch, "vmlinux.h"))
    s = Store(os.path.join(tmp, "store"))
    s.build(TRACE_TCP, REF, "--platform", "linux/amd64,linux/arm64", "--vmlinux-dir", headers)
    info = json.loads(s.ig("image", "inspect", REF, "-o", "json").stdout)
    platforms = sorted(m["descriptor"]["platform"]["architecture"] for m in info["manifests"])
    check(platforms == ["amd64", "arm64"], "platforms %r" % platforms)
    for m in info["manifests"]:
        check(m["descriptor"]["platform"]["os"] == "linux", "os %r" % m["descriptor"])
        check(m["manifest"]["artifactType"] == "application/vnd.gadget.v1+binary", "artifactType")
        layer = m["layers"][0]
        with open(os.path.join(s.root, "blobs", "sha256", layer["digest"][7:]), "rb") as f:
            elf = f.read(20)
        check(elf[:4] == b"\x7fELF" and int.from_bytes(elf[18:20], "little") == 247,
              "the %s layer is not a BPF ELF object" % m["descriptor"]["platform"])
    p = s.ig("image", "build", TRACE_TCP, "-t", REF, "--platform", "linux/s390x", ok=False)
    check("linux/s390x" in one_line_error(p, "an unsupported platform"), p.stderr)


def main():
    if len(sys.argv) != 2:
        fail(__doc__)
    case = globals().get("case_" + sys.argv[1])
    if not case:
        fail("unknown case " + sys.argv[1])
    tmp = tempfile.mkdtemp(prefix="ig-image-test-")
    try:
        case(tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print("PASS")


if __name__ == "__main__":
    main()

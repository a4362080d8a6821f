#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Gadget images against real registries: Debian's docker-registry (open, htpasswd, TLS, token
auth) and a hostile one, cross-checked with skopeo; images run with real trace_tcp events.

Usage: registry_test.py CASE   (each case is one ctest test)
Every case uses its own store (IG_STORE), credentials files and registry, all in a temp dir.
"""
import hashlib
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time

from ig_harness import IG, IgRun, check, fail, require_root

SOURCE_DIR = os.environ.get("IG_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "..", ".."))
sys.path.insert(0, os.path.join(SOURCE_DIR, "tools", "testing"))
from registry_fixture import Registry, missing_tools  # noqa: E402

TRACE_TCP_SRC = os.path.join(SOURCE_DIR, "gadgets", "trace_tcp")
OTHER_SRC = os.path.join(SOURCE_DIR, "tests", "fixtures", "tables_gadget")
HOSTILE = os.path.join(SOURCE_DIR, "tools", "testing", "hostile_registry.py")


def require(tools):
    if not tools:
        return
    msg = "missing " + ", ".join(tools)
    if os.environ.get("CI") == "true":
        fail(msg + " and CI=true: refusing to skip")
    print("SKIP: " + msg)
    sys.exit(77)


class Env:
    """A temp dir with its own store and credential files, exported to every ig we start."""

    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="ig-registry-test-")
        self.store = os.path.join(self.dir, "store")
        os.environ["IG_STORE"] = self.store
        os.environ["REGISTRY_AUTH_FILE"] = os.path.join(self.dir, "ig-auth.json")
        os.environ["DOCKER_CONFIG"] = os.path.join(self.dir, "docker")
        # These images are unsigned: a host config that turns signature verification off (it is
        # on by default for references with a registry host; signing_test.py covers it).
        self.config = os.path.join(self.dir, "ig-config.yaml")
        with open(self.config, "w") as f:
            f.write("operator:\n  oci:\n    verify-image: false\n")
        os.environ["IG_CONFIG"] = self.config
        self.cleanups = []

    def close(self):
        for c in reversed(self.cleanups):
            try:
                c()
            except Exception as e:  # keep cleaning up
                print("cleanup: %s" % e, file=sys.stderr)
        shutil.rmtree(self.dir, ignore_errors=True)


def ig(*args, ok=True, stdin=None, timeout=120):
    p = subprocess.run([IG, *args], capture_output=True, text=True, input=stdin, timeout=timeout)
    if ok and p.returncode != 0:
        fail("ig %s failed (%d): %s" % (" ".join(args), p.returncode, p.stderr.strip()))
    if not ok and p.returncode == 0:
        fail("ig %s succeeded but should have failed: %s" % (" ".join(args), p.stdout))
    return p


def expect_error(args, *needles, **kw):
    p = ig(*args, ok=False, **kw)
    err = p.stderr.strip()
    check(err.count("\n") == 0, "expected a one-line error from ig %s, got: %r" % (args, err))
    check(err.startswith("Error: "), "error does not start with 'Error: ': %r" % err)
    for n in needles:
        check(n.lower() in err.lower(), "error of ig %s lacks %r: %r" % (args, n, err))
    return err


def build(src, ref):
    ig("image", "build", src, "-t", ref, timeout=300)


def image_list():
    out = ig("image", "list", "-o", "json").stdout
    return sorted((e.get("repository"), e.get("tag"), e.get("digest")) for e in json.loads(out))


def digest_of(ref):
    for e in json.loads(ig("image", "list", "-o", "json", "--no-trunc").stdout):
        name = "%s:%s" % (e.get("repository"), e.get("tag"))
        if name == ref or ref.endswith("/" + name) or name.endswith(ref):
            return e["digest"]
    fail("%s not in ig image list" % ref)


def store_blobs_verify(store):
    """Every blob in the store matches its name, and no temp file was left behind. Returns the
    set of blob names."""
    blobs = os.path.join(store, "blobs", "sha256")
    names = set()
    for name in os.listdir(blobs):
        with open(os.path.join(blobs, name), "rb") as f:
            check(hashlib.sha256(f.read()).hexdigest() == name, "blob %s is corrupt" % name)
        names.add(name)
    tmp = os.path.join(store, ".tmp")
    if os.path.isdir(tmp):
        check(os.listdir(tmp) == [], "temp files left in the store: %s" % os.listdir(tmp))
    return names


def probe_connect():
    """A refused loopback connect to a fresh port, as in trace_tcp_test.py."""
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    socket.socket().connect_ex(("127.0.0.1", port))
    return lambda e: e.get("dst", {}).get("port") == port and e.get("type") == "connect"


def run_with_events(ref, *flags):
    run = IgRun(ref, "--host", *flags)  # host processes: ig shows only containers by default
    run.wait_attached(probe_connect, timeout=60)
    events = run.events()
    check(any(e.get("type") == "connect" for e in events), "no connect event from %s" % ref)
    return events


def push_rm_pull_run(reg_flags, ref):
    """The round trip every registry flavour must support."""
    build(TRACE_TCP_SRC, ref)
    digest = digest_of(ref)
    out = ig("image", "push", ref, *reg_flags).stdout
    check(digest in out, "push output lacks the digest %s: %s" % (digest, out))
    ig("image", "remove", ref)
    check(all(d != digest for _, _, d in image_list()), "image still listed after remove")
    out = ig("image", "pull", ref, *reg_flags).stdout
    check(digest in out, "pull output lacks the digest: %s" % out)
    check(digest_of(ref) == digest, "pulled digest differs from the pushed one")
    store_blobs_verify(os.environ["IG_STORE"])
    run_with_events(ref, *reg_flags_for_run(reg_flags))
    name = ref.rsplit(":", 1)[0]
    run_with_events("%s@%s" % (name, digest), *reg_flags_for_run(reg_flags))
    return digest


def reg_flags_for_run(flags):
    """`ig run` spells the registry timeout --pull-timeout (--timeout is its own duration)."""
    out = list(flags)
    for i, f in enumerate(out):
        if f == "--timeout":
            out[i] = "--pull-timeout"
    return out


# ---- cases against docker-registry ---------------------------------------------------------

def case_open(env):
    require(missing_tools("open"))
    with Registry(env.dir, "open") as reg:
        flags = ["--insecure-registries", reg.addr]
        ref = reg.addr + "/team/trace_tcp:v1"
        digest = push_rm_pull_run(flags, ref)
        # A digest-pinned reference that is not in the store is fetched by digest, never by
        # tag: move the tag on the registry to another image and pull the pinned one.
        build(OTHER_SRC, reg.addr + "/team/trace_tcp:v1")
        ig("image", "push", reg.addr + "/team/trace_tcp:v1", *flags)
        ig("image", "remove", reg.addr + "/team/trace_tcp:v1")
        pinned = "%s/team/trace_tcp@%s" % (reg.addr, digest)
        ig("image", "pull", pinned, *flags)
        run_with_events(pinned, "--pull", "never")
        measure_times(env, reg, flags)


def measure_times(env, reg, flags):
    """Push and pull times of the trace_tcp image, cold (nothing there) and warm (all there)."""
    ref = reg.addr + "/timing/trace_tcp:v1"
    build(TRACE_TCP_SRC, ref)
    timings = {}

    def timed(key, *args):
        t = time.monotonic()
        ig(*args)
        timings[key] = round((time.monotonic() - t) * 1000, 1)

    # cold push: a fresh repository in a registry that has none of the blobs
    with Registry(tempfile.mkdtemp(dir=env.dir), "open") as fresh:
        ref2 = fresh.addr + "/timing/trace_tcp:v1"
        ig("image", "tag", ref, ref2)
        f2 = ["--insecure-registries", fresh.addr]
        timed("push_cold_ms", "image", "push", ref2, *f2)
        timed("push_warm_ms", "image", "push", ref2, *f2)
        # cold pull: an empty store
        os.environ["IG_STORE"] = os.path.join(env.dir, "timing-store")
        timed("pull_cold_ms", "image", "pull", ref2, *f2)
        timed("pull_warm_ms", "image", "pull", ref2, *f2)
        os.environ["IG_STORE"] = env.store
    size = sum(os.path.getsize(os.path.join(dp, f)) for dp, _, fs in
               os.walk(os.path.join(env.dir, "timing-store", "blobs")) for f in fs)
    timings["image_bytes"] = size
    print("TIMING " + json.dumps(timings))


def case_htpasswd(env):
    require(missing_tools("htpasswd"))
    with Registry(env.dir, "htpasswd") as reg:
        flags = ["--insecure-registries", reg.addr]
        ref = reg.addr + "/private/trace_tcp:v1"
        build(TRACE_TCP_SRC, ref)
        expect_error(["image", "push", ref, *flags], "requires authentication", "ig login")
        expect_error(["login", reg.addr, "-u", reg.user, "--password-stdin", *flags],
                     "401", stdin="wrong\n")
        check(not os.path.exists(os.environ["REGISTRY_AUTH_FILE"]),
              "a rejected login wrote credentials")
        ig("login", reg.addr, "-u", reg.user, "--password-stdin", *flags,
           stdin=reg.password + "\n")
        push_rm_pull_run(flags, ref)
        ig("logout", reg.addr)
        ig("image", "remove", ref)
        expect_error(["image", "pull", ref, *flags], "requires authentication")
        # docker's config.json is read too
        os.makedirs(os.environ["DOCKER_CONFIG"], exist_ok=True)
        import base64
        with open(os.path.join(os.environ["DOCKER_CONFIG"], "config.json"), "w") as f:
            auth = base64.b64encode(("%s:%s" % (reg.user, reg.password)).encode()).decode()
            json.dump({"auths": {"http://%s/" % reg.addr: {"auth": auth}}}, f)
        ig("image", "pull", ref, *flags)


def case_tls_ca_file(env):
    require(missing_tools("tls"))
    with Registry(env.dir, "tls") as reg:
        ref = reg.addr + "/secure/trace_tcp:v1"
        build(TRACE_TCP_SRC, ref)
        expect_error(["image", "push", ref], "certificate")
        push_rm_pull_run(["--ca-file", reg.ca_file], ref)


def case_tls_insecure(env):
    require(missing_tools("tls"))
    with Registry(env.dir, "tls") as reg:
        push_rm_pull_run(["--insecure-registries", reg.addr], reg.addr + "/insecure/trace_tcp:v1")


def case_token(env):
    require(missing_tools("token"))
    with Registry(env.dir, "token") as reg:
        flags = ["--insecure-registries", reg.addr]
        ref = reg.addr + "/tok/trace_tcp:v1"
        build(TRACE_TCP_SRC, ref)
        # anonymous tokens only carry pull: the registry refuses the push
        expect_error(["image", "push", ref, *flags], "401")
        expect_error(["login", reg.addr, "-u", reg.user, "-p", "nope", *flags], "refused")
        ig("login", reg.addr, "-u", reg.user, "-p", reg.password, *flags)
        digest = digest_of(ref)
        ig("image", "push", ref, *flags)
        ig("logout", reg.addr)
        ig("image", "remove", ref)
        # anonymous pull through the token flow, then run
        run_with_events(ref, *reg_flags_for_run(flags))
        check(digest_of(ref) == digest, "pulled digest differs")
        log = reg.token_requests()
        check(any(r["who"] == reg.user and any(s.endswith(":pull,push") for s in r["scopes"])
                  for r in log), "no credentialed push token was requested: %s" % log)
        check(any(r["who"] == "anonymous" and r["scopes"] == ["repository:tok/trace_tcp:pull"]
                  for r in log), "no anonymous pull token was requested: %s" % log)
        check(any(r["who"] == "rejected" for r in log), "the bad login never reached the realm")


# ---- skopeo cross-checks -----------------------------------------------------------------

def skopeo(*args):
    p = subprocess.run(["skopeo", *args], capture_output=True, text=True, timeout=120)
    check(p.returncode == 0, "skopeo %s failed: %s" % (" ".join(args), p.stderr.strip()))
    return p.stdout


def case_skopeo(env):
    require(missing_tools("open") + ([] if shutil.which("skopeo") else ["skopeo"]))
    with Registry(env.dir, "open") as reg:
        flags = ["--insecure-registries", reg.addr]
        ref = reg.addr + "/team/trace_tcp:v1"
        build(TRACE_TCP_SRC, ref)
        digest = digest_of(ref)
        ig("image", "push", ref, *flags)
        index = json.loads(skopeo("inspect", "--raw", "--tls-verify=false", "docker://" + ref))
        check(index.get("mediaType") == "application/vnd.oci.image.index.v1+json",
              "skopeo sees index mediaType %r" % index.get("mediaType"))
        archs = [m["platform"]["architecture"] for m in index["manifests"]]
        check("amd64" in archs or "arm64" in archs, "no platform in index: %s" % archs)
        for m in index["manifests"]:
            raw = skopeo("inspect", "--raw", "--tls-verify=false",
                         "docker://%s/team/trace_tcp@%s" % (reg.addr, m["digest"]))
            man = json.loads(raw)
            check(man.get("mediaType") == "application/vnd.oci.image.manifest.v1+json",
                  "manifest mediaType %r" % man.get("mediaType"))
            check(man.get("artifactType") == "application/vnd.gadget.v1+binary",
                  "artifactType %r" % man.get("artifactType"))
            check(man["config"]["mediaType"] == "application/vnd.gadget.config.v1+yaml",
                  "config mediaType %r" % man["config"]["mediaType"])
            check(any(l["mediaType"] == "application/vnd.gadget.ebpf.program.v1+binary"
                      for l in man["layers"]), "no eBPF program layer")
            check(hashlib.sha256(raw.encode()).hexdigest() == m["digest"].split(":")[1],
                  "skopeo's bytes do not hash to the index's digest")
        layout = os.path.join(env.dir, "layout")
        skopeo("--insecure-policy", "copy", "--preserve-digests", "--multi-arch", "all",
               "--src-tls-verify=false", "docker://" + ref, "oci:%s:v1" % layout)
        copy = reg.addr + "/copy/trace_tcp:v1"
        skopeo("--insecure-policy", "copy", "--preserve-digests", "--multi-arch", "all",
               "--dest-tls-verify=false", "oci:%s:v1" % layout, "docker://" + copy)
        # ig pulls skopeo's copy on demand and runs it: the same bytes, so the same digest
        run_with_events(copy, *reg_flags_for_run(flags))
        check(digest_of(copy) == digest, "skopeo's copy has another digest")


# ---- more protocol paths against docker-registry -----------------------------------------

def case_chunked_and_mount(env):
    require(missing_tools("open"))
    with Registry(env.dir, "open") as reg:
        flags = ["--insecure-registries", reg.addr]
        ref = reg.addr + "/chunks/trace_tcp:v1"
        build(TRACE_TCP_SRC, ref)
        digest = digest_of(ref)
        out = ig("image", "push", ref, "--chunk-size", "4096", *flags).stdout
        check(" 0 mounted" in out and "blobs uploaded" in out, out)
        os.environ["IG_STORE"] = os.path.join(env.dir, "store2")
        ig("image", "pull", ref, *flags)
        check(digest_of(ref) == digest, "chunked upload changed the image")
        check(len(store_blobs_verify(os.environ["IG_STORE"])) >= 4, "too few blobs pulled")
        # same registry, another repository: blobs are mounted, not uploaded again
        other = reg.addr + "/mounted/trace_tcp:v1"
        ig("image", "tag", ref, other)
        out = ig("image", "push", other, *flags).stdout
        check("0 blobs uploaded" in out and " 0 mounted" not in out, "no mount: " + out)
        out = ig("image", "push", other, *flags).stdout
        check("0 blobs uploaded" in out and "0 mounted" in out, "second push not a no-op: " + out)


def case_pull_policy(env):
    require(missing_tools("open") + ([] if os.geteuid() == 0 else ["root"]))
    with Registry(env.dir, "open") as reg:
        flags = ["--insecure-registries", reg.addr]
        ref = reg.addr + "/policy/trace_tcp:v1"
        build(TRACE_TCP_SRC, ref)
        ig("image", "push", ref, *flags)
        ig("image", "remove", ref)
        expect_error(["run", ref, "--pull", "never", "-t", "1"], "not in the local store")
        run_with_events(ref, "--pull", "missing", *flags)
    # the registry is gone: "missing" runs from the store, "always" must fail
    run_with_events(ref, "--pull", "missing", *flags)
    expect_error(["run", ref, "--pull", "always", "-t", "1", *flags], ref.split("/")[0])


# ---- hostile registry ----------------------------------------------------------------------

HOSTILE_CASES = {
    "digest_mismatch": ["does not match its digest"],
    "truncated": ["blob"],
    "oversized_manifest": ["larger than the limit"],
    "redirect_loop": ["too many redirects"],
    "status_404": ["404"],
    "status_401": ["requires authentication"],
    "status_500": ["500"],
    "wrong_content_type": ["content type", "text/html"],
    "malformed_json": ["manifest", "malformed JSON"],
    "hang": ["timed out"],
}


def case_hostile(env, mode):
    # The store under test already holds another image, which must survive untouched.
    src_store, ref_name, _ = served_image(env)
    before = image_list()
    blobs_before = store_blobs_verify(env.store)

    _, addr = serve(env, mode, src_store, ref_name)
    flags = ["--insecure-registries", addr, "--timeout", "2"]
    ref = addr + "/hostile/trace_tcp:latest"
    t = time.monotonic()
    err = expect_error(["image", "pull", ref, *flags], *HOSTILE_CASES[mode], timeout=60)
    took = time.monotonic() - t
    print("%s: %r in %.1fs" % (mode, err, took))
    check(took < 30, "the failure took %.0fs" % took)
    check(image_list() == before, "ig image list changed: %s vs %s" % (image_list(), before))
    # Verified blobs of the failed pull may stay (unreferenced, collectable, and a head start for
    # a retry); nothing that was there may change and nothing unverified may appear.
    check(blobs_before <= store_blobs_verify(env.store), "blobs of the store disappeared")
    # ig run's pull on demand fails the same way, before anything is loaded
    expect_error(["run", ref, "--pull-timeout", "2", "--insecure-registries", addr, "-t", "1"],
                 *HOSTILE_CASES[mode], timeout=60)
    check(image_list() == before, "ig image list changed after ig run")


def served_image(env):
    """trace_tcp built into a store of its own for the hostile server; the store under test
    (IG_STORE afterwards) already holds another image. Returns (source store, its ref name,
    the served digest)."""
    src_store = os.path.join(env.dir, "src-store")
    os.environ["IG_STORE"] = src_store
    build(TRACE_TCP_SRC, "served/trace_tcp:v1")
    digest = digest_of("served/trace_tcp:v1")
    ref_name = json.load(open(os.path.join(src_store, "index.json")))["manifests"][0][
        "annotations"]["org.opencontainers.image.ref.name"]
    os.environ["IG_STORE"] = env.store
    build(OTHER_SRC, "local/tables:v1")
    return src_store, ref_name, digest


def serve(env, mode, src_store, ref_name):
    server = subprocess.Popen([sys.executable, HOSTILE, mode, src_store, ref_name,
                               "hostile/trace_tcp"], stdout=subprocess.PIPE, text=True)
    env.cleanups.append(lambda: (server.kill(), server.wait()))
    return server, "127.0.0.1:%s" % server.stdout.readline().strip()


def case_killed_mid_pull(env):
    """SIGKILL while a blob is half downloaded: the store stays valid, the image is absent, and
    a later pull and garbage collection leave a clean store."""
    src_store, ref_name, digest = served_image(env)
    before = image_list()
    blobs_before = store_blobs_verify(env.store)

    _, addr = serve(env, "stall_blob", src_store, ref_name)
    ref = addr + "/hostile/trace_tcp:latest"
    pull = subprocess.Popen([IG, "image", "pull", ref, "--insecure-registries", addr,
                             "--timeout", "60"], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    tmp = os.path.join(env.store, ".tmp")

    def partial_download():
        """A temp file that stays, at the same size, for a while: the stalled blob, not one of
        the small documents written and renamed on the way."""
        def sizes():
            try:
                return {f: os.path.getsize(os.path.join(tmp, f)) for f in os.listdir(tmp)}
            except FileNotFoundError:
                return {}
        first = sizes()
        time.sleep(0.3)
        return any(size > 0 and sizes().get(f) == size for f, size in first.items())

    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and pull.poll() is None and not partial_download():
        pass
    if pull.poll() is not None or not partial_download():
        pull.kill()
        fail("no stalled partial download was seen in the store: %r" % (pull.communicate(),))
    pull.kill()
    pull.wait()

    check(image_list() == before, "ig image list changed: %s vs %s" % (image_list(), before))
    blobs = os.path.join(env.store, "blobs", "sha256")
    for name in os.listdir(blobs):
        with open(os.path.join(blobs, name), "rb") as f:
            check(hashlib.sha256(f.read()).hexdigest() == name, "blob %s is corrupt" % name)
    check(blobs_before <= set(os.listdir(blobs)), "blobs of the store disappeared")

    # The same pull from a registry that answers completes, and GC clears the killed one's debris.
    _, good = serve(env, "ok", src_store, ref_name)
    ig("image", "pull", good + "/hostile/trace_tcp:latest", "--insecure-registries", good)
    check(digest_of(good + "/hostile/trace_tcp:latest") == digest, "re-pull got another image")
    ig("image", "remove", "local/tables:v1")
    store_blobs_verify(env.store)  # also: no temp file left


def case_hostile_ok(env):
    """The hostile server's correct mode: proves the failures above come from each breakage."""
    src_store, ref_name, digest = served_image(env)
    _, addr = serve(env, "ok", src_store, ref_name)
    ig("image", "pull", addr + "/hostile/trace_tcp:latest", "--insecure-registries", addr)
    check(digest_of(addr + "/hostile/trace_tcp:latest") == digest, "ok mode served another image")


def main():
    case = sys.argv[1]
    require_root()
    env = Env()
    try:
        if case.startswith("hostile_") and case != "hostile_ok":
            case_hostile(env, case[len("hostile_"):])
        else:
            globals()["case_" + case](env)
    finally:
        env.close()
    print("PASS " + case)


if __name__ == "__main__":
    main()

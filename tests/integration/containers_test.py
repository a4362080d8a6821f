#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Containers end to end: real runc, Docker, containerd (+CRI) and podman containers connect to a server
on the host's loopback (they share the host network namespace); ig must filter them in the
kernel by name, label every event with its container, and see a container whose very first
action is a connect.

Usage: containers_test.py CASE   (each case is one ctest test; daemons are started and stopped
by the case itself)
"""
import http.server
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time

from ig_harness import GADGETS, IG, IgRun, check, fail, require_root

sys.path.insert(0, os.environ.get("IG_CONTAINER_TOOLS", os.path.join(
    os.path.dirname(os.path.abspath(__file__)), "..", "..", "tools", "testing", "containers")))
import runtimes  # noqa: E402

TRACE_TCP = os.path.join(GADGETS, "trace_tcp")


class Server:
    """An HTTP server on 127.0.0.1 in a thread: the containers' wget target."""

    def __init__(self):
        class Quiet(http.server.SimpleHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                self.send_response(200)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Quiet)
        self.port = self.httpd.server_address[1]
        self.url = "http://127.0.0.1:%d/" % self.port
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def loop_cmd(self):
        return ["sh", "-c", "while true; do wget -q -O /dev/null %s; sleep 0.2; done" % self.url]

    def once_cmd(self):
        return ["wget", "-q", "-O", "/dev/null", self.url]

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()


def host_probe(server):
    """A connect from this (host) process; returns a predicate for its event."""
    def probe():
        c = socket.create_connection(("127.0.0.1", server.port))
        port = c.getsockname()[1]
        c.close()
        return lambda e: e.get("type") == "connect" and e["src"]["port"] == port
    return probe


def waiting_for(pred):
    return lambda: pred


def mntns_of(pid):
    return os.stat("/proc/%d/ns/mnt" % pid).st_ino


def runtime_name(e):
    return e.get("runtime", {}).get("runtimeName", None)


def cname(e):
    return e.get("runtime", {}).get("containerName", None)


class Env:
    """Workspace, server and one runtime; everything is removed on exit, even on failure."""

    def __init__(self, kind):
        require_root()
        self.ws = runtimes.Workspace()
        self.server = Server()
        self.rt = None
        self.containerd = None
        try:
            if kind == "runc":
                self.rt = runtimes.Runc(self.ws)
            elif kind == "docker":
                self.rt = runtimes.Dockerd(self.ws)
            elif kind == "podman":
                self.rt = runtimes.Podman(self.ws)
            else:
                self.rt = self.containerd = runtimes.Containerd(self.ws)
        except runtimes.Unavailable as e:
            self.close()
            if os.environ.get("CI") == "true":
                fail("%s (CI=true: refusing to skip)" % e)
            print("SKIP: %s" % e)
            sys.exit(77)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self):
        if self.rt:
            self.rt.stop()
        self.server.stop()
        self.ws.cleanup()


def run_ig(*flags, wait=None, settle=1.5):
    ig = IgRun(TRACE_TCP, *flags)
    ig.wait_attached(wait, timeout=20)
    return ig.events(settle=settle)


def case_filter(kind):
    with Env(kind) as env:
        web = env.rt.start("web", env.server.loop_cmd())
        other = env.rt.start("other", env.server.loop_cmd())
        web_ns, other_ns = mntns_of(web), mntns_of(other)
        check(web_ns != other_ns, "web and other share a mount namespace")
        is_web = lambda e: cname(e) == "web"
        # Only web's events: every one labelled web, from a wget whose parent is web's init.
        events = run_ig("--containername", "web", wait=waiting_for(is_web))
        check(events, "no events")
        for e in events:
            check(cname(e) == "web", "event of another container or the host: %r" % e)
            check(runtime_name(e) == env.rt.runtime, "runtime name %r, expected %s" %
                  (runtime_name(e), env.rt.runtime))
            check(e["proc"]["mntns_id"] == web_ns, "mntns %r is not web's" % e["proc"])
            check(e["proc"]["comm"] == "wget" and e["proc"]["parent"]["pid"] == web,
                  "event not from web's wget (init pid %d): %r" % (web, e["proc"]))
            check(e["runtime"]["containerId"], "no container id: %r" % e)
            if kind in ("docker", "podman"):  # the image comes from the engine's API
                check(runtimes.IMAGE in e["runtime"]["containerImageName"],
                      "image %r" % e["runtime"])
        check(any(e["type"] == "connect" and e["dst"]["port"] == env.server.port
                  for e in events), "no connect of web to the server")
        # Exclusion: everything in containers but web.
        events = run_ig("--containername", "!web", wait=waiting_for(lambda e: cname(e) == "other"))
        check(all(cname(e) != "web" for e in events), "--containername !web let web through")
        check(all(e["proc"]["mntns_id"] != web_ns for e in events), "web's mntns got through")
        # --host adds the host's events (empty container fields), still without other.
        probe = host_probe(env.server)
        events = run_ig("--containername", "web", "--host", wait=probe)
        host = [e for e in events if cname(e) == ""]
        check(host, "--host showed no host event")
        check(all(e["runtime"]["runtimeName"] == "" and e["runtime"]["containerId"] == ""
                  for e in host), "host events carry container fields")
        check(any(cname(e) == "web" for e in events), "--host lost web's events")
        check(not any(cname(e) == "other" or e["proc"]["mntns_id"] == other_ns
                      for e in events), "--containername web --host let other through")
        print("ok: %s web/other filtered in the kernel, --host adds the host" % kind)


def case_start_race(kind):
    """A container started while ig runs, whose first action is a connect, is seen."""
    with Env(kind) as env:
        ig = IgRun(TRACE_TCP, "--containername", "race", "--host")
        ig.wait_attached(host_probe(env.server), timeout=20)
        t = time.time()
        if kind == "runc":
            pid = env.rt.start("race", env.server.once_cmd())  # runc create + runc start
        elif kind in ("docker", "podman"):
            env.rt.start("race", env.server.once_cmd(), detach=False)
            pid = None
        else:
            pid = env.rt.start("race", env.server.once_cmd())
        start_ms = (time.time() - t) * 1000
        events = ig.events(settle=2.0)
        mine = [e for e in events if cname(e) == "race"]
        check(mine, "the connect of a container started under ig was missed (start race); "
              "events: %r" % events[:5])
        e = mine[0]
        check(e["type"] == "connect" and e["proc"]["comm"] == "wget", "first event %r" % e)
        check(runtime_name(e) == env.rt.runtime, "runtime %r" % runtime_name(e))
        if pid:
            check(e["proc"]["pid"] == pid, "pid %d, container init was %d" % (e["proc"]["pid"], pid))
        check(not any(e["proc"]["comm"] == "wget" and cname(e) == "" for e in events),
              "a wget event arrived without its container name")
        print("ok: %s container connecting at once was seen (start took %.0f ms)" %
              (kind, start_ms))


def case_runc_run_oneshot():
    """`runc run` (create and start in one process) starting while ig runs."""
    with Env("runc") as env:
        ig = IgRun(TRACE_TCP, "--containername", "race", "--host")
        ig.wait_attached(host_probe(env.server), timeout=20)
        # The first action waits 0.2 s: a one-shot `runc run` is seen through inotify on
        # runc's state directory, a few milliseconds after it starts (see discovery.h).
        env.rt.start("race", ["sh", "-c", "sleep 0.2; exec wget -q -O /dev/null " +
                              env.server.url], two_step=False)
        events = ig.events(settle=2.0)
        check(any(cname(e) == "race" and e["proc"]["comm"] == "wget" for e in events),
              "a runc run container was not seen")
        print("ok: runc run container seen")


def case_docker_seed_scenario():
    """The seed's guide: docker run --name test-trace-tcp … wget, ig prints the line."""
    with Env("docker") as env:
        proc = subprocess.Popen([IG, "run", TRACE_TCP, "--containername", "test-trace-tcp"],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            header = proc.stdout.readline()
            check(header.split()[:1] == ["RUNTIME.CONTAINERNAME"], "header %r" % header)
            for col in ("SRC", "DST", "COMM", "PID", "TID", "UID", "GID", "TYPE"):
                check(col in header.split(), "column %s missing in %r" % (col, header))
            env.rt.start("test-trace-tcp", ["wget", "-q", "-O", "-", env.server.url],
                         detach=False)
            time.sleep(1.0)
        finally:
            proc.send_signal(signal.SIGINT)
            out, err = proc.communicate(timeout=15)
        check(proc.returncode == 0, "ig failed: " + err)
        lines = [l for l in out.splitlines() if l.startswith("test-trace-tcp ")]
        check(any(" wget " in l and " connect" in l and
                  "127.0.0.1:%d" % env.server.port in l for l in lines),
              "no wget connect line in:\n" + header + out)
        print(header + "\n".join(lines))


def case_cri_pod():
    """A pod through containerd's CRI plugin: k8s columns and --podname."""
    with Env("containerd") as env:
        env.containerd.run_pod("pod-a", "probe-ns", "web", env.server.loop_cmd())
        env.containerd.start("other", env.server.loop_cmd())
        in_pod = lambda e: e.get("k8s", {}).get("podName") == "pod-a"
        events = run_ig("--podname", "pod-a", wait=waiting_for(in_pod))
        for e in events:
            check(e["k8s"] == {"namespace": "probe-ns", "podName": "pod-a",
                               "containerName": "web"}, "k8s fields %r" % e.get("k8s"))
            check(cname(e) == "web" and runtime_name(e) == "containerd", "runtime %r" %
                  e["runtime"])
        events = run_ig("--namespace", "probe-ns", wait=waiting_for(in_pod))
        check(all(in_pod(e) for e in events), "--namespace let other pods through")
        proc = subprocess.Popen([IG, "run", TRACE_TCP, "--podname", "pod-a"],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        time.sleep(3)
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=15)
        lines = out.splitlines()
        check(lines and lines[0].split()[:4] == ["K8S.NAMESPACE", "K8S.PODNAME",
                                                  "K8S.CONTAINERNAME", "RUNTIME.CONTAINERNAME"],
              "header: %r (%s)" % (lines[:1], err))
        check(any(l.split()[:4] == ["probe-ns", "pod-a", "web", "web"] for l in lines[1:]),
              "no pod-a line in:\n" + out)
        print("ok: CRI pod columns and --podname/--namespace")


def case_filter_expression():
    """--filter on the container fields, with the kernel filter off (--host)."""
    with Env("runc") as env:
        env.rt.start("web", env.server.loop_cmd())
        env.rt.start("other", env.server.loop_cmd())
        events = run_ig("--host", "--filter", "runtime.containerName==web,type==connect",
                        wait=waiting_for(lambda e: cname(e) == "web"))
        check(events and all(cname(e) == "web" and e["type"] == "connect" for e in events),
              "--filter let other events through")
        events = run_ig("--host", "--filter", "runtime.containerName~^oth",
                        wait=waiting_for(lambda e: cname(e) == "other"))
        check(all(cname(e) == "other" for e in events), "--filter ~ failed")
        p = subprocess.run([IG, "run", TRACE_TCP, "--filter", "runtime.containerName=~web"],
                           capture_output=True, text=True, timeout=30)
        check(p.returncode != 0 and len(p.stderr.strip().splitlines()) == 1,
              "bad expression: rc %d, stderr %r" % (p.returncode, p.stderr))
        # Switched off: no discovery, no container fields, host events flow.
        events = run_ig("--containers=false", wait=host_probe(env.server))
        check(all("runtime" not in e for e in events), "--containers=false still enriches")
        print("ok: --filter on container fields; bad expression: " + p.stderr.strip())


def case_list_containers():
    with Env("runc") as env:
        web = env.rt.start("web", ["sleep", "60"], annotations={"io.kubernetes.pod.name": "p1"})
        p = subprocess.run([IG, "list-containers", "-o", "json"], capture_output=True,
                           text=True, timeout=30)
        check(p.returncode == 0, p.stderr)
        found = [c for c in json.loads(p.stdout) if c["name"] == "web"]
        check(found and found[0]["pid"] == web and found[0]["runtime"] == "runc" and
              found[0]["mntns_id"] == mntns_of(web) and found[0]["k8s"]["podName"] == "p1",
              "list-containers: %r" % found)
        watch = subprocess.Popen([IG, "list-containers", "--watch", "-o", "json"],
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            time.sleep(1.0)
            late = env.rt.start("late", ["sleep", "60"])
            time.sleep(0.5)
            env.rt.remove("late")
            time.sleep(1.0)
        finally:
            watch.send_signal(signal.SIGINT)
            out, err = watch.communicate(timeout=15)
        events = [(j["event"], j["container"]["name"]) for j in map(json.loads, out.split("\n")[:-1])]
        check(("running", "web") in events and ("added", "late") in events and
              ("removed", "late") in events, "watch events %r (%s)" % (events, err))
        print("ok: list-containers (pid %d), --watch %r" % (late, events))


CASES = {
    "runc_filter": lambda: case_filter("runc"),
    "docker_filter": lambda: case_filter("docker"),
    "containerd_filter": lambda: case_filter("containerd"),
    "podman_filter": lambda: case_filter("podman"),
    "runc_start_race": lambda: case_start_race("runc"),
    "docker_start_race": lambda: case_start_race("docker"),
    "containerd_start_race": lambda: case_start_race("containerd"),
    "podman_start_race": lambda: case_start_race("podman"),
    "runc_run_oneshot": case_runc_run_oneshot,
    "docker_seed_scenario": case_docker_seed_scenario,
    "cri_pod": case_cri_pod,
    "filter_expression": case_filter_expression,
    "list_containers": case_list_containers,
}

if __name__ == "__main__":
    if len(sys.argv) != 2 or sys.argv[1] not in CASES:
        sys.exit("usage: containers_test.py {%s}" % ",".join(CASES))
    CASES[sys.argv[1]]()

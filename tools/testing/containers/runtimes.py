# SPDX-License-Identifier: Apache-2.0
"""Real container runtimes for tests: runc bundles, dockerd, containerd (+CRI), rootful podman
(+ its API service), all offline.

Daemons are started here in the background with their state under a temporary directory and
stopped (by pid) with everything they left behind. The commands follow
../shared/reference/containers.md, which measured them on this machine kind.
"""
import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time

import mkimage

HERE = os.path.dirname(os.path.abspath(__file__))
IMAGE = "probe/busybox:1"
DOCKER_SOCK = "/run/docker.sock"
CONTAINERD_SOCK = "/run/containerd/containerd.sock"
PODMAN_SOCK = "/run/podman/podman.sock"


class Unavailable(Exception):
    """A runtime that cannot run here (binary missing, daemon does not come up)."""


def _wait(cond, timeout, what):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if cond():
            return
        time.sleep(0.05)
    raise Unavailable(what + " not ready after %.0fs" % timeout)


def _unix_ping(path):
    """True if something accepts connections on the unix socket `path`."""
    s = socket.socket(socket.AF_UNIX)
    try:
        s.settimeout(1)
        s.connect(path)
        return True
    except OSError:
        return False
    finally:
        s.close()


def _run(*cmd, timeout=60, check=True, env=None):
    p = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True, text=True,
                       timeout=timeout, env=env)
    if check and p.returncode != 0:
        raise RuntimeError("%s failed (%d): %s" % (" ".join(cmd), p.returncode,
                                                   p.stderr.strip()[-500:]))
    return p.stdout


class Workspace:
    """A temporary directory with a busybox rootfs and an image tar built from it."""

    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="ig-containers-")
        self.rootfs = mkimage.make_rootfs(os.path.join(self.dir, "rootfs"))
        self.image_tar = mkimage.make_image(self.rootfs, os.path.join(self.dir, "image.tar"),
                                            IMAGE)
        self.pause_tar = mkimage.make_image(self.rootfs, os.path.join(self.dir, "pause.tar"),
                                            "probe/pause:1", ["sleep", "2147483647"])

    def cleanup(self):
        shutil.rmtree(self.dir, ignore_errors=True)


class Runc:
    """Plain runc containers from OCI bundles (no daemon), sharing the host network."""
    runtime = "runc"

    def __init__(self, ws):
        if not shutil.which("runc"):
            raise Unavailable("runc is not installed")
        self.ws = ws
        self.ids = []

    def _bundle(self, name, args, annotations):
        bundle = os.path.join(self.ws.dir, "bundle-" + name)
        os.makedirs(bundle, exist_ok=True)
        if os.path.exists(os.path.join(bundle, "config.json")):  # a name used again
            os.unlink(os.path.join(bundle, "config.json"))
        _run("runc", "spec", "--bundle", bundle)
        path = os.path.join(bundle, "config.json")
        with open(path) as f:
            spec = json.load(f)
        spec["root"] = {"path": self.ws.rootfs, "readonly": True}
        spec["process"]["terminal"] = False
        spec["process"]["args"] = args
        spec["process"]["env"] = ["PATH=/bin"]
        spec["annotations"] = annotations or {}
        # Host network: the container reaches the test's server on the host's loopback.
        spec["linux"]["namespaces"] = [n for n in spec["linux"]["namespaces"]
                                       if n["type"] != "network"]
        with open(path, "w") as f:
            json.dump(spec, f)
        return bundle

    def start(self, name, args, annotations=None, two_step=True):
        """Starts container `name`; returns its init pid. two_step: `runc create` then `runc
        start` (what every daemon does); otherwise one `runc run -d`."""
        bundle = self._bundle(name, args, annotations)
        pidfile = os.path.join(self.ws.dir, name + ".pid")
        self.ids.append(name)
        # The container inherits runc's stdio: a pipe would keep the caller waiting for EOF.
        with open(os.path.join(self.ws.dir, name + ".out"), "w") as out:
            cmd = (["runc", "create"] if two_step else ["runc", "run", "-d"]) + \
                ["--bundle", bundle, "--pid-file", pidfile, name]
            p = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=out, stderr=out,
                               timeout=60)
        if p.returncode != 0:
            with open(os.path.join(self.ws.dir, name + ".out")) as f:
                raise RuntimeError("%s failed: %s" % (" ".join(cmd), f.read()[-500:]))
        if two_step:
            _run("runc", "start", name)
        with open(pidfile) as f:
            return int(f.read())

    def remove(self, name):
        _run("runc", "delete", "-f", name, check=False)

    def stop(self):
        for i in self.ids:
            self.remove(i)


class _DockerCliEngine:
    """What Docker and podman share: a CLI taking `docker run`'s flags. Subclasses define
    cli(*args, timeout=60, check=True)."""

    def start(self, name, args, labels=None, detach=True):
        """Starts container `name` on the host network; returns its init pid (0 when not
        detached: the call returns once the container has exited)."""
        flags = ["--name", name, "--network", "host"]
        for k, v in (labels or {}).items():
            flags += ["--label", "%s=%s" % (k, v)]
        if detach:
            cid = self.cli("run", "-d", *flags, IMAGE, *args).strip()
            return int(self.cli("inspect", "-f", "{{.State.Pid}}", cid).strip())
        self.cli("run", *flags, IMAGE, *args)
        return 0

    def remove_all(self):
        try:
            for cid in self.cli("ps", "-aq", check=False, timeout=20).split():
                self.remove(cid)
        except Exception:
            pass  # the daemon is going away anyway; its containers die with it


class Dockerd(_DockerCliEngine):
    """dockerd with its own data root, no iptables and no bridge; images from the image tar."""
    runtime = "docker"

    def __init__(self, ws):
        if not shutil.which("dockerd") or not shutil.which("docker"):
            raise Unavailable("dockerd is not installed (Debian package docker.io)")
        if os.path.exists(DOCKER_SOCK) and _unix_ping(DOCKER_SOCK):
            raise Unavailable("a Docker daemon already runs on " + DOCKER_SOCK)
        self.ws = ws
        self.root = os.path.join(ws.dir, "docker")
        self.log = open(os.path.join(ws.dir, "dockerd.log"), "w")
        self.proc = subprocess.Popen(
            ["dockerd", "--data-root", self.root, "--exec-root", "/run/docker",
             "--iptables=false", "--ip6tables=false", "--bridge=none",
             "-H", "unix://" + DOCKER_SOCK, "--pidfile", os.path.join(ws.dir, "dockerd.pid")],
            stdin=subprocess.DEVNULL, stdout=self.log, stderr=subprocess.STDOUT,
            start_new_session=True)
        try:
            _wait(lambda: self.proc.poll() is None and os.path.exists(DOCKER_SOCK) and
                  self._docker_ok(), 30, "dockerd")
            self.cli("load", "-i", ws.image_tar)
        except Exception:
            self.stop()
            raise

    def _docker_ok(self):
        return subprocess.run(["docker", "-H", "unix://" + DOCKER_SOCK, "version"],
                              capture_output=True).returncode == 0

    def cli(self, *args, timeout=60, check=True):
        return _run("docker", "-H", "unix://" + DOCKER_SOCK, *args, timeout=timeout,
                    check=check)

    def remove(self, name):
        self.cli("rm", "-f", name, check=False)

    def stop(self):
        self.remove_all()
        _stop_daemon(self.proc, self.log)
        subprocess.run(["umount", "/run/docker/netns/default"], capture_output=True)
        _unmount_under(self.root, "/run/docker")
        shutil.rmtree("/run/docker", ignore_errors=True)
        shutil.rmtree(self.root, ignore_errors=True)


class Podman(_DockerCliEngine):
    """Rootful podman with its state under the workspace, run by runc (crun refuses this
    machine's hybrid cgroups) with the lower ulimits conmon can grant, and its API service on
    the default socket, where ig looks for names, images and labels."""
    runtime = "podman"

    def __init__(self, ws):
        if not shutil.which("podman") or not shutil.which("runc"):
            raise Unavailable("podman (or runc) is not installed")
        if os.path.exists(PODMAN_SOCK) and _unix_ping(PODMAN_SOCK):
            raise Unavailable("a podman service already runs on " + PODMAN_SOCK)
        self.ws = ws
        self.root = os.path.join(ws.dir, "podman")
        conf = os.path.join(ws.dir, "containers.conf")
        with open(conf, "w") as f:
            f.write("""[containers]
default_ulimits = ["nofile=20000:20000", "nproc=4096:4096"]
[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"
""")
        self.env = dict(os.environ, CONTAINERS_CONF=conf)
        self.base = ["podman", "--root", self.root + "/root", "--runroot", self.root + "/run",
                     "--tmpdir", self.root + "/tmp"]
        self.log = open(os.path.join(ws.dir, "podman-service.log"), "w")
        os.makedirs(os.path.dirname(PODMAN_SOCK), exist_ok=True)
        self.proc = subprocess.Popen(self.base + ["system", "service", "--time=0",
                                                  "unix://" + PODMAN_SOCK],
                                     stdin=subprocess.DEVNULL, stdout=self.log,
                                     stderr=subprocess.STDOUT, env=self.env,
                                     start_new_session=True)
        try:
            _wait(lambda: self.proc.poll() is None and _unix_ping(PODMAN_SOCK), 30,
                  "podman system service")
            self.cli("load", "-i", ws.image_tar)
        except Exception:
            self.stop()
            raise

    def cli(self, *args, timeout=60, check=True):
        return _run(*self.base, *args, timeout=timeout, check=check, env=self.env)

    def remove(self, name):
        self.cli("rm", "-f", "-t", "0", name, check=False)

    def stop(self):
        self.remove_all()  # podman needs no service for this
        _stop_daemon(self.proc, self.log)
        # Storage mounts (overlay, shm) can outlive podman; the root goes with the workspace.
        _unmount_under(self.root)
        if os.path.exists(PODMAN_SOCK):
            os.unlink(PODMAN_SOCK)
        shutil.rmtree(self.root, ignore_errors=True)


def _stop_daemon(proc, log):
    """SIGTERM, then SIGKILL after 20 s."""
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    log.close()


def _unmount_under(*prefixes):
    """Lazily unmounts every mount below the prefixes, deepest first."""
    mounts = []
    with open("/proc/self/mounts") as f:
        for line in f:
            mp = line.split()[1]
            if any(mp.startswith(p + "/") for p in prefixes):
                mounts.append(mp)
    for m in sorted(mounts, reverse=True):
        subprocess.run(["umount", "-l", m], capture_output=True)


class Containerd:
    """containerd with the CRI plugin (restrict_oom_score_adj: no CAP_SYS_RESOURCE here)."""
    runtime = "containerd"

    def __init__(self, ws):
        if not shutil.which("containerd") or not shutil.which("ctr"):
            raise Unavailable("containerd is not installed")
        if os.path.exists(CONTAINERD_SOCK):
            raise Unavailable("a containerd already runs on " + CONTAINERD_SOCK)
        self.ws = ws
        self.root = os.path.join(ws.dir, "containerd")
        os.makedirs(self.root)
        cfg = os.path.join(ws.dir, "containerd.toml")
        with open(cfg, "w") as f:
            f.write("""version = 2
root = "%s"
state = "/run/containerd"
[grpc]
  address = "%s"
[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "docker.io/probe/pause:1"
  restrict_oom_score_adj = true
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "/usr/lib/cni"
    conf_dir = "%s/cni"
""" % (self.root, CONTAINERD_SOCK, ws.dir))
        self.log = open(os.path.join(ws.dir, "containerd.log"), "w")
        self.proc = subprocess.Popen(["containerd", "--config", cfg], stdin=subprocess.DEVNULL,
                                     stdout=self.log, stderr=subprocess.STDOUT,
                                     start_new_session=True)
        self.ids = []
        self.sandboxes = []
        try:
            _wait(lambda: self.proc.poll() is None and os.path.exists(CONTAINERD_SOCK), 30,
                  "containerd")
            for ns in ("default", "k8s.io"):
                self.ctr(ns, "image", "import", ws.image_tar)
            self.ctr("k8s.io", "image", "import", ws.pause_tar)
        except Exception:
            self.stop()
            raise

    def ctr(self, ns, *args, timeout=60, check=True):
        return _run("ctr", "--address", CONTAINERD_SOCK, "-n", ns, *args, timeout=timeout,
                    check=check)

    def start(self, name, args, labels=None):
        flags = ["--net-host"]
        for k, v in (labels or {}).items():
            flags += ["--label", "%s=%s" % (k, v)]
        self.ids.append(name)
        self.ctr("default", "run", "-d", *flags, "docker.io/" + IMAGE, name, *args)
        for line in self.ctr("default", "task", "ls").splitlines()[1:]:
            parts = line.split()
            if parts and parts[0] == name:
                return int(parts[1])
        raise RuntimeError("ctr task ls does not list " + name)

    def remove(self, name):
        self.ctr("default", "task", "kill", "-s", "KILL", name, check=False)
        for _ in range(50):
            self.ctr("default", "task", "delete", name, check=False)
            if name not in self.ctr("default", "task", "ls", check=False).split():
                break
            time.sleep(0.1)
        self.ctr("default", "container", "delete", name, check=False)

    def run_pod(self, pod, namespace, container, args):
        """A CRI pod (host network) with one container, through containerd's CRI plugin."""
        logdir = os.path.join(self.ws.dir, "pod-logs", pod)
        os.makedirs(logdir, exist_ok=True)
        out = _run("/usr/bin/python3", os.path.join(HERE, "cri_client.py"), "run",
                   CONTAINERD_SOCK, pod, namespace, container, "docker.io/" + IMAGE, logdir,
                   "--", *args, timeout=120)
        ids = json.loads(out)
        self.sandboxes.append(ids["sandbox_id"])
        return ids

    def stop(self):
        for sid in self.sandboxes:
            _run("/usr/bin/python3", os.path.join(HERE, "cri_client.py"), "remove",
                 CONTAINERD_SOCK, sid, check=False, timeout=120)
        for i in self.ids:
            self.remove(i)
        _stop_daemon(self.proc, self.log)
        _unmount_under(self.root, "/run/containerd")
        shutil.rmtree("/run/containerd", ignore_errors=True)
        shutil.rmtree(self.root, ignore_errors=True)

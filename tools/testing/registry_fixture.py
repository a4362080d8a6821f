# SPDX-License-Identifier: Apache-2.0
"""Start a real docker-registry (Debian's /usr/bin/docker-registry) on loopback for tests.

    with Registry(workdir, "open"|"htpasswd"|"tls"|"token") as reg:
        reg.addr            # "127.0.0.1:PORT"
        reg.ca_file         # tls: the CA that signed the registry's certificate
        reg.user, reg.password   # htpasswd, token
        reg.token_requests()     # token: the token service's request log

Each registry has its own config, storage and port; the machine-wide instance on :5000 is never
touched. Stopped (and its files removed with the workdir) on exit, even on failure.
"""
import json
import os
import shutil
import socket
import ssl
import subprocess
import sys
import time
import urllib.error
import urllib.request

DOCKER_REGISTRY = "/usr/bin/docker-registry"
SYSTEM_PYTHON = "/usr/bin/python3"  # has python3-jwt and python3-cryptography
HERE = os.path.dirname(os.path.abspath(__file__))


class FixtureError(Exception):
    pass


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def run(*cmd, **kw):
    p = subprocess.run(cmd, capture_output=True, text=True, **kw)
    if p.returncode != 0:
        raise FixtureError("%s failed: %s" % (" ".join(cmd), p.stderr.strip()))
    return p.stdout


def missing_tools(mode):
    need = [DOCKER_REGISTRY]
    if mode == "htpasswd":
        need.append("/usr/bin/htpasswd")
    if mode in ("tls", "token"):
        need.append("/usr/bin/openssl")
    missing = [t for t in need if not os.access(t, os.X_OK)]
    if mode == "token":
        p = subprocess.run([SYSTEM_PYTHON, "-c", "import jwt, cryptography"],
                           capture_output=True)
        if p.returncode != 0:
            missing.append("python3-jwt/python3-cryptography for " + SYSTEM_PYTHON)
    return missing


def make_tls_files(d):
    """A throw-away CA and a server certificate for 127.0.0.1/localhost signed by it."""
    ca_key, ca_crt = os.path.join(d, "ca.key"), os.path.join(d, "ca.crt")
    key, csr, crt = (os.path.join(d, n) for n in ("server.key", "server.csr", "server.crt"))
    ext = os.path.join(d, "server.ext")
    run("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
        "-nodes", "-keyout", ca_key, "-out", ca_crt, "-subj", "/CN=ig test CA", "-days", "2")
    run("openssl", "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
        "-keyout", key, "-out", csr, "-subj", "/CN=127.0.0.1")
    with open(ext, "w") as f:
        f.write("subjectAltName=IP:127.0.0.1,DNS:localhost\n"
                "extendedKeyUsage=serverAuth\n")
    run("openssl", "x509", "-req", "-in", csr, "-CA", ca_crt, "-CAkey", ca_key,
        "-CAcreateserial", "-out", crt, "-days", "2", "-extfile", ext)
    return ca_crt, crt, key


class Registry:
    def __init__(self, workdir, mode="open", user="ig-tester", password="s3cret:with colon"):
        if mode not in ("open", "htpasswd", "tls", "token"):
            raise ValueError(mode)
        self.dir = os.path.join(workdir, "registry-" + mode)
        os.makedirs(self.dir)
        self.mode = mode
        self.user, self.password = user, password
        self.port = free_port()
        self.addr = "127.0.0.1:%d" % self.port
        self.ca_file = None
        self.token_log = os.path.join(self.dir, "token-requests.jsonl")
        self.procs = []

    def __enter__(self):
        try:
            self.start()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc):
        self.stop()

    def start(self):
        lines = ["version: 0.1", "log: {level: error}",
                 "storage:",
                 "  filesystem: {rootdirectory: %s}" % os.path.join(self.dir, "data"),
                 "  delete: {enabled: true}",
                 "http:",
                 "  addr: %s" % self.addr,
                 "  relativeurls: true"]
        if self.mode == "tls":
            self.ca_file, crt, key = make_tls_files(self.dir)
            lines.append("  tls: {certificate: %s, key: %s}" % (crt, key))
        if self.mode == "htpasswd":
            htpasswd = os.path.join(self.dir, "htpasswd")
            with open(htpasswd, "w") as f:
                f.write(run("htpasswd", "-Bbn", self.user, self.password).strip() + "\n")
            lines += ["auth:", "  htpasswd: {realm: ig-test-realm, path: %s}" % htpasswd]
        if self.mode == "token":
            tok_key, tok_crt = os.path.join(self.dir, "tok.key"), os.path.join(self.dir, "tok.crt")
            run("openssl", "ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", tok_key)
            run("openssl", "req", "-new", "-x509", "-key", tok_key, "-out", tok_crt,
                "-subj", "/CN=ig test token issuer", "-days", "2")
            tport = free_port()
            self.realm = "http://127.0.0.1:%d/token" % tport
            self.procs.append(subprocess.Popen(
                [SYSTEM_PYTHON, os.path.join(HERE, "token_server.py"), str(tport), tok_key,
                 tok_crt, "ig-test-issuer", "%s:%s" % (self.user, self.password),
                 self.token_log], stderr=open(os.path.join(self.dir, "token.err"), "w")))
            self._wait_port(tport)
            lines += ["auth:",
                      "  token: {realm: \"%s\", service: ig-test-registry, issuer: ig-test-issuer,"
                      " rootcertbundle: %s}" % (self.realm, tok_crt)]
        config = os.path.join(self.dir, "config.yml")
        with open(config, "w") as f:
            f.write("\n".join(lines) + "\n")
        self.log = os.path.join(self.dir, "registry.log")
        env = {k: v for k, v in os.environ.items() if not k.startswith("REGISTRY_")}
        self.procs.append(subprocess.Popen([DOCKER_REGISTRY, "serve", config], env=env,
                                           stdout=open(self.log, "w"), stderr=subprocess.STDOUT))
        self._wait_api()

    def _wait_port(self, port, timeout=15):
        deadline = time.time() + timeout
        while time.time() < deadline:
            for p in self.procs:
                if p.poll() is not None:
                    raise FixtureError("a registry fixture process exited (%d); see %s"
                                       % (p.returncode, self.dir))
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                return
            except OSError:
                time.sleep(0.05)
        raise FixtureError("port %d did not open within %ds" % (port, timeout))

    def _wait_api(self):
        self._wait_port(self.port)
        scheme = "https" if self.mode == "tls" else "http"
        ctx = ssl.create_default_context(cafile=self.ca_file) if self.ca_file else None
        deadline = time.time() + 15
        while True:
            try:
                urllib.request.urlopen("%s://%s/v2/" % (scheme, self.addr), timeout=2,
                                       context=ctx)
                return
            except urllib.error.HTTPError as e:
                if e.code == 401:  # up, and asking for credentials as configured
                    return
                err = e
            except OSError as e:
                err = e
            if time.time() > deadline:
                raise FixtureError("registry on %s not answering: %s (log: %s)"
                                   % (self.addr, err, open(self.log).read()[-2000:]))
            time.sleep(0.1)

    def token_requests(self):
        if not os.path.exists(self.token_log):
            return []
        with open(self.token_log) as f:
            return [json.loads(l) for l in f if l.strip()]

    def stop(self):
        for p in reversed(self.procs):
            if p.poll() is None:
                p.terminate()
                try:
                    p.wait(timeout=5)
                except subprocess.TimeoutExpired:
                    p.kill()
                    p.wait()
        self.procs = []

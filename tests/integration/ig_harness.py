# SPDX-License-Identifier: Apache-2.0
"""Shared harness for integration tests: run `ig` for real, cause events, read its JSON output.

Tests that need root or BPF fail (never skip) when CI=true and the capability is missing.
"""
import json
import os
import signal
import socket
import subprocess
import sys
import time

IG = os.environ.get("IG_BIN", "ig")
GADGETS = os.environ.get("IG_GADGETS_DIR", "")


def require_root():
    if os.geteuid() == 0:
        return
    msg = "integration tests need root (BPF)"
    if os.environ.get("CI") == "true":
        fail(msg + " and CI=true: refusing to skip")
    print("SKIP: " + msg)
    sys.exit(77)  # ctest SKIP_RETURN_CODE


def fail(msg):
    print("FAIL: " + msg, file=sys.stderr)
    sys.exit(1)


def check(cond, msg):
    if not cond:
        fail(msg)


class IgRun:
    """`ig run ... -o json` in the background; events() stops it and returns parsed lines."""

    def __init__(self, gadget, *flags):
        self.proc = subprocess.Popen(
            [IG, "run", gadget, "-o", "json", *flags],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self.lines = []
        self.partial = b""
        self.stderr = ""

    def _read_available(self):
        fd = self.proc.stdout.fileno()
        while True:
            try:
                chunk = os.read(fd, 65536)
            except BlockingIOError:
                return
            if not chunk:
                return
            data = self.partial + chunk
            *complete, self.partial = data.split(b"\n")
            self.lines.extend(l.decode() for l in complete if l.strip())

    def wait_attached(self, probe, timeout=15.0):
        """Calls probe() until ig reports an event for it: proof that the gadget is attached."""
        os.set_blocking(self.proc.stdout.fileno(), False)
        deadline = time.time() + timeout
        marker = probe()
        while time.time() < deadline:
            if self.proc.poll() is not None:
                fail("ig exited early (%d): %s" % (self.proc.returncode,
                                                    self.proc.stderr.read().decode()))
            time.sleep(0.1)
            self._read_available()
            if any(marker(json.loads(l)) for l in self.lines):
                return
            marker = probe()
        fail("ig did not report the probe event within %.0fs" % timeout)

    def events(self, settle=0.5):
        time.sleep(settle)
        self.proc.send_signal(signal.SIGINT)
        os.set_blocking(self.proc.stdout.fileno(), True)
        try:
            out, err = self.proc.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            fail("ig did not stop on SIGINT within 10s")
        err = err.decode(errors="replace")
        check(self.proc.returncode == 0, "ig exited with %d: %s" % (self.proc.returncode, err))
        self.stderr = err
        data = self.partial + (out or b"")
        self.lines.extend(l.decode() for l in data.split(b"\n") if l.strip())
        events = []
        for l in self.lines:
            try:
                events.append(json.loads(l))
            except json.JSONDecodeError:
                fail("ig printed a line that is not JSON: %r" % l)
        return events


def run_python(code, *args):
    """Runs `code` in a fresh python3 process; returns (pid, stdout)."""
    p = subprocess.run([sys.executable, "-c", code, *map(str, args)],
                       capture_output=True, text=True, timeout=20)
    check(p.returncode == 0, "helper failed: " + p.stderr)
    return p.stdout.strip()

#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""trace_open end to end: a child process opens files with known flags and modes; the test
checks the path, decoded flags, mode, fd and error ig reports for it.

Usage: trace_open_test.py CASE
"""
import os
import subprocess
import sys
import tempfile

from ig_harness import GADGETS, IgRun, check, require_root

TRACE_OPEN = os.path.join(GADGETS, "trace_open")

# Opens argv[1] for writing (created, mode 0640) and argv[2] (missing); prints pid and fd.
OPENER = r"""
import os, sys
fd = os.open(sys.argv[1], os.O_WRONLY | os.O_CREAT | os.O_CLOEXEC, 0o640)
try:
    os.open(sys.argv[2], os.O_RDONLY)
except FileNotFoundError:
    pass
print(os.getpid(), fd, flush=True)
"""


def probe(path):
    """Opens a fresh missing path until ig reports it: proof that the gadget is attached."""
    counter = [0]

    def once():
        counter[0] += 1
        name = "%s.probe%d" % (path, counter[0])
        try:
            os.open(name, os.O_RDONLY)
        except FileNotFoundError:
            pass
        return lambda e: e.get("fname") == name
    return once


def open_files(tmp):
    created = os.path.join(tmp, "created.txt")
    missing = os.path.join(tmp, "missing.txt")
    out = subprocess.run([sys.executable, "-c", OPENER, created, missing], check=True,
                         capture_output=True, text=True, timeout=20).stdout
    pid, fd = map(int, out.split())
    return created, missing, pid, fd


def traced(*flags):
    tmp = tempfile.mkdtemp(prefix="ig-open-")
    run = IgRun(TRACE_OPEN, "--host", *flags)
    run.wait_attached(probe(os.path.join(tmp, "p")))
    created, missing, pid, fd = open_files(tmp)
    events = run.events()
    mine = [e for e in events if e["proc"]["pid"] == pid]
    return run, created, missing, pid, fd, mine


def case_flags_mode_fd_and_errors():
    _, created, missing, pid, fd, mine = traced()
    ok = [e for e in mine if e["fname"] == created]
    check(len(ok) == 1, "want one event for %s, got %r" % (created, ok))
    e = ok[0]
    check(set(e["flags"].split("|")) == {"O_WRONLY", "O_CREAT", "O_CLOEXEC"},
          "flags %r" % e["flags"])
    check(e["mode"] == "-rw-r-----", "mode %r, want -rw-r----- (0640)" % e["mode"])
    check(e["mode_raw"] & 0o777 == 0o640, "mode_raw %o" % e["mode_raw"])
    check(e["fd"] == fd, "fd %d, want %d" % (e["fd"], fd))
    check(e["error"] == "" and e["error_raw"] == 0, "error %r" % e["error"])
    check(e["proc"]["comm"].startswith("python"), "comm %r" % e["proc"]["comm"])
    check(e["proc"]["parent"]["pid"] == os.getpid(), "parent %r" % e["proc"]["parent"])
    bad = [e for e in mine if e["fname"] == missing]
    check(len(bad) == 1, "want one event for %s, got %r" % (missing, bad))
    check(bad[0]["error"] == "ENOENT" and bad[0]["fd"] == -1, "failed open %r" % bad[0])
    # Python opens with O_CLOEXEC unless told otherwise (PEP 446).
    check(bad[0]["flags"] == "O_RDONLY|O_CLOEXEC" and bad[0]["mode_raw"] == 0, "flags %r" % bad[0])


def case_failed_only():
    _, created, missing, pid, fd, mine = traced("--failed")
    check(not [e for e in mine if e["fname"] == created], "--failed showed a successful open")
    check(len([e for e in mine if e["fname"] == missing and e["error"] == "ENOENT"]) == 1,
          "--failed lost the failed open: %r" % mine)
    check(all(e["error"] for e in mine), "--failed showed successes: %r" % mine)


def case_fallback_is_reported():
    # Kernels with fentry use the fexit program; the others (this machine: EPERM) its fallback.
    # Either way the events are the same, and a fallback is always announced.
    run, created, _, pid, fd, mine = traced()
    check([e for e in mine if e["fname"] == created and e["fd"] == fd], "open not reported")
    notes = [l for l in run.stderr.splitlines() if l.startswith("NOTE:")]
    for n in notes:
        check("fexit/do_sys_openat2 (program ig_open_fexit)" in n, "unexpected note %r" % n)
        for tp in ("open", "openat", "openat2"):
            for side in ("enter", "exit"):
                check("tracepoint/syscalls/sys_%s_%s" % (side, tp) in n, "note %r" % n)
    print("fexit used" if not notes else "fallback used: " + notes[0])


CASES = {k[5:]: v for k, v in globals().items() if k.startswith("case_")}

if __name__ == "__main__":
    require_root()
    CASES[sys.argv[1]]()
    print("PASS")

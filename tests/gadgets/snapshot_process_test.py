#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""snapshot_process end to end: a child process with known parent, uid, gid and threads must be
in the one table ig prints, with the values /proc gives for it.

Usage: snapshot_process_test.py CASE
"""
import json
import os
import subprocess
import sys

from ig_harness import GADGETS, IG, check, require_root

SNAPSHOT = os.path.join(GADGETS, "snapshot_process")

# A process with 3 extra threads, running as uid/gid 4242 so that its credentials are known.
SLEEPER = r"""
import os, sys, threading
os.setgid(4242); os.setuid(4242)
ev = threading.Event()
for _ in range(3):
    threading.Thread(target=ev.wait, daemon=True).start()
print(os.getpid(), flush=True)
sys.stdin.readline()
"""


def snapshot(*flags):
    p = subprocess.run([IG, "run", SNAPSHOT, "--host", "-o", "json", *flags],
                       capture_output=True, text=True, timeout=60)
    check(p.returncode == 0, "ig failed: " + p.stderr)
    lines = [l for l in p.stdout.splitlines() if l.strip()]
    check(len(lines) == 1, "a snapshot is one table, got %d lines" % len(lines))
    return json.loads(lines[0])


def with_sleeper(fn):
    child = subprocess.Popen([sys.executable, "-c", SLEEPER], stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, text=True)
    try:
        pid = int(child.stdout.readline())
        fn(pid)
    finally:
        child.communicate("\n", timeout=20)


def mntns_of(pid):
    return os.stat("/proc/%d/ns/mnt" % pid).st_ino


def case_processes_with_parent_and_creds():
    def check_table(pid):
        table = snapshot()
        rows = [r for r in table if r["pid"] == pid]
        check(len(rows) == 1, "one row per process, got %r" % rows)
        r = rows[0]
        check(r["tid"] == pid and r["ppid"] == os.getpid(), "pid/tid/ppid %r" % r)
        check(r["uid"] == 4242 and r["gid"] == 4242, "creds %r" % r)
        check(r["comm"].startswith("python"), "comm %r" % r["comm"])
        check(r["mntns_id"] == mntns_of(pid), "mntns_id %r, want %d" % (r, mntns_of(pid)))
        me = [x for x in table if x["pid"] == os.getpid()]
        check(me and me[0]["uid"] == os.getuid(), "this test process is missing: %r" % me)
        pids = [x["pid"] for x in table]
        check(pids == sorted(pids), "rows are sorted by pid by default")
        live = {int(d) for d in os.listdir("/proc") if d.isdigit()}
        check(len(set(pids) & live) >= 0.9 * len(live),
              "the table has %d of the %d processes in /proc" % (len(set(pids) & live), len(live)))
    with_sleeper(check_table)


def case_threads_param_and_sort_limit():
    def check_table(pid):
        table = snapshot("--threads")
        tids = sorted(r["tid"] for r in table if r["pid"] == pid)
        want = sorted(int(t) for t in os.listdir("/proc/%d/task" % pid))
        check(tids == want, "--threads: tids %r, want %r" % (tids, want))
        top = snapshot("--sort", "-pid", "--max-entries", "3")
        check(len(top) == 3, "--max-entries 3 printed %d rows" % len(top))
        check([r["pid"] for r in top] == sorted((r["pid"] for r in top), reverse=True),
              "--sort -pid: %r" % [r["pid"] for r in top])
    with_sleeper(check_table)


CASES = {k[5:]: v for k, v in globals().items() if k.startswith("case_")}

if __name__ == "__main__":
    require_root()
    CASES[sys.argv[1]]()
    print("PASS")

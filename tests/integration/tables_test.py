#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Array data sources end to end with the tables fixture gadget: an iterator snapshot, a map read
and reset every interval, a parameter switching data sources, and list parameters.

Usage: tables_test.py CASE
"""
import json
import os
import subprocess
import sys
import time

from ig_harness import IG, check, require_root

FIXTURE = os.path.join(os.environ["IG_FIXTURES_DIR"], "tables_gadget")


def json_tables(out):
    return [json.loads(l) for l in out.splitlines() if l.startswith("[")]


def case_snapshot_lists_this_process():
    # The stream data source keeps ig running; the snapshot is the first array printed.
    p = subprocess.run([IG, "run", FIXTURE, "-o", "json", "--timeout", "1"],
                       capture_output=True, text=True, timeout=30)
    check(p.returncode == 0, p.stderr)
    tables = json_tables(p.stdout)
    check(len(tables) == 1, "want one snapshot table, got %d" % len(tables))
    me = [t for t in tables[0] if t["pid"] == os.getpid()]
    check(me and me[0]["comm"].startswith("python"), "this process is missing: %r" % me)
    ig_rows = [t for t in tables[0] if t["comm"] == "ig"]
    check(len(ig_rows) >= 1, "ig itself is missing from the task snapshot")


def case_map_is_read_and_reset_every_interval():
    ig = subprocess.Popen([IG, "run", FIXTURE, "--count", "--interval", "300ms", "-o", "json"],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    time.sleep(1.0)
    worker = subprocess.Popen([sys.executable, "-c",
                               "import os,sys\nfor _ in range(4321): os.getppid()\n"
                               "sys.stdin.read()"], stdin=subprocess.PIPE, text=True)
    time.sleep(1.2)  # several intervals: the count must show once, then be reset
    worker.communicate("")
    ig.send_signal(2)
    out, err = ig.communicate(timeout=15)
    check(ig.returncode == 0, err)
    tables = json_tables(out)[1:]  # the first is the task snapshot
    check(len(tables) >= 4, "want a table per 300ms interval, got %d" % len(tables))
    rows = [r for t in tables for r in t if r["pid"] == worker.pid]
    check(sum(r["calls"] for r in rows) == 4321,
          "the worker's 4321 getppid calls counted as %r" % rows)
    check(len(rows) == 1, "a reset map reports the calls once, got %r" % rows)
    check(all(set(t[0]) == {"pid", "comm", "calls"} for t in tables if t),
          "row keys are the map's key and value fields")


def case_param_switches_data_sources():
    p = subprocess.run([IG, "run", FIXTURE, "--count", "--timeout", "1", "--interval", "200ms"],
                       capture_output=True, text=True, timeout=30)
    check(p.returncode == 0, p.stderr)
    # count on: the stream is off, so its lone PID header must not appear.
    headers = [l.split() for l in p.stdout.splitlines() if l.strip().startswith("PID")]
    check(["PID"] not in headers, "the disabled stream printed a header: %r" % headers)
    check(["PID", "COMM", "CALLS"] in headers, "no header for the map table: %r" % headers)


def case_list_params():
    ok = subprocess.run([IG, "run", FIXTURE, "--ports", "80,443", "--timeout", "1", "-o",
                         "none"], capture_output=True, text=True, timeout=30)
    check(ok.returncode == 0, ok.stderr)
    bad = subprocess.run([IG, "run", FIXTURE, "--ports", "1,2,3,4,5"], capture_output=True,
                         text=True, timeout=30)
    check(bad.returncode != 0 and "more than 4 values" in bad.stderr, bad.stderr)
    bad = subprocess.run([IG, "run", FIXTURE, "--ports", "80,x"], capture_output=True,
                         text=True, timeout=30)
    check(bad.returncode != 0 and "--ports" in bad.stderr, bad.stderr)
    bad = subprocess.run([IG, "run", FIXTURE, "--interval", "soon"], capture_output=True,
                         text=True, timeout=30)
    check(bad.returncode != 0 and "--interval" in bad.stderr, bad.stderr)


CASES = {k[5:]: v for k, v in globals().items() if k.startswith("case_")}

if __name__ == "__main__":
    require_root()
    CASES[sys.argv[1]]()
    print("PASS")

#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""trace_tcpconnect end to end: connects on loopback from child processes, checked against
the events (or, with --count, the tables) ig prints.

Usage: trace_tcpconnect_test.py CASE
"""
import json
import os
import socket
import subprocess
import sys
import time

from ig_harness import GADGETS, IG, IgRun, check, require_root

TCPCONNECT = os.path.join(GADGETS, "trace_tcpconnect")

# Connects to argv[2] (an address) on each port of argv[3] (comma list), blocking unless argv[4]
# is "nonblock"; prints its pid, then "port local_port errno" per attempt.
CLIENT = r"""
import errno, os, select, socket, sys
host, ports, mode = sys.argv[1], sys.argv[2], sys.argv[3]
fam = socket.AF_INET6 if ":" in host else socket.AF_INET
print(os.getpid(), flush=True)
for p in map(int, ports.split(",")):
    c = socket.socket(fam)
    if mode == "nonblock":
        c.setblocking(False)
    err = c.connect_ex((host, p))
    local = c.getsockname()[1]
    if mode == "nonblock":
        select.select([], [c], [], 5)
    print(p, local, err, flush=True)
    c.close()
"""


def listener(host):
    s = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET)
    s.bind((host, 0))
    s.listen(64)
    return s


def free_port(host="127.0.0.1"):
    s = listener(host)
    port = s.getsockname()[1]
    s.close()  # nothing listens on it now: connects to it are refused
    return port


def connect_from_child(host, ports, mode="block"):
    out = subprocess.run([sys.executable, "-c", CLIENT, host, ",".join(map(str, ports)), mode],
                         check=True, capture_output=True, text=True, timeout=30).stdout
    lines = out.split("\n")
    pid = int(lines[0])
    attempts = [tuple(map(int, l.split())) for l in lines[1:] if l.strip()]
    return pid, attempts


def probe():
    port = free_port()
    socket.socket().connect_ex(("127.0.0.1", port))
    return lambda e: e.get("dst", {}).get("port") == port


def case_connects_with_errors_and_ports():
    srv4, srv6 = listener("127.0.0.1"), listener("::1")
    ok4, ok6 = srv4.getsockname()[1], srv6.getsockname()[1]
    refused = free_port()
    run = IgRun(TCPCONNECT, "--host")
    run.wait_attached(probe)
    pid4, att4 = connect_from_child("127.0.0.1", [ok4, refused])
    pid6, att6 = connect_from_child("::1", [ok6], "nonblock")
    events = run.events()
    srv4.close(); srv6.close()
    for pid, attempts, host, version in ((pid4, att4, "127.0.0.1", 4), (pid6, att6, "::1", 6)):
        mine = [e for e in events if e["proc"]["pid"] == pid]
        check(len(mine) == len(attempts), "pid %d: want %d events, got %r" %
              (pid, len(attempts), mine))
        for (port, local, err), e in zip(attempts, mine):
            check(e["dst"]["port"] == port and e["dst"]["addr"] == host, "dst %r" % e["dst"])
            check(e["src"]["port"] == local and e["src"]["addr"] == host,
                  "src %r, want local port %d" % (e["src"], local))
            check(e["dst"]["version"] == version and e["dst"]["proto"] == "TCP", "dst %r" % e)
            check(e["error_raw"] == err, "error %r, connect_ex said %d" % (e["error"], err))
            check(e["proc"]["tid"] == pid and e["proc"]["comm"].startswith("python"), "%r" % e)
            check(e["proc"]["creds"] == {"uid": os.getuid(), "gid": os.getgid()}, "creds %r" % e)
            check(e["timestamp_raw"] > 0 and e["timestamp"][:4].isdigit(), "timestamp %r" % e)
    check([e["error"] for e in events if e["proc"]["pid"] == pid4] == ["", "ECONNREFUSED"],
          "blocking connect errors")
    check([e["error"] for e in events if e["proc"]["pid"] == pid6] == ["EINPROGRESS"],
          "a non-blocking connect reports EINPROGRESS")


def case_port_and_family_params():
    a, b, c = free_port(), free_port(), free_port()
    run = IgRun(TCPCONNECT, "--host", "--ports", "%d,%d" % (a, b), "--ipv4-only")
    # The probe must pass the filters too: it connects to port a.
    run.wait_attached(lambda: (socket.socket().connect_ex(("127.0.0.1", a)),
                               lambda e: e["dst"]["port"] == a)[1])
    pid4, _ = connect_from_child("127.0.0.1", [a, b, c])
    pid6, _ = connect_from_child("::1", [a, b])
    events = run.events()
    ports4 = [e["dst"]["port"] for e in events if e["proc"]["pid"] == pid4]
    check(ports4 == [a, b], "--ports %d,%d kept %r of %r" % (a, b, ports4, [a, b, c]))
    check(not [e for e in events if e["proc"]["pid"] == pid6], "--ipv4-only showed IPv6")
    run = IgRun(TCPCONNECT, "--host", "--ipv6-only")
    run.wait_attached(lambda: (socket.socket(socket.AF_INET6).connect_ex(("::1", a)),
                               lambda e: e["dst"]["port"] == a)[1])
    pid4, _ = connect_from_child("127.0.0.1", [a])
    pid6, _ = connect_from_child("::1", [a])
    events = run.events()
    check(not [e for e in events if e["proc"]["pid"] == pid4], "--ipv6-only showed IPv4")
    check(len([e for e in events if e["proc"]["pid"] == pid6]) == 1, "--ipv6-only lost IPv6")


def case_filter_by_pid_and_uid():
    port = free_port()
    # The filter names a pid before it exists: run the client first under a held start.
    holder = subprocess.Popen([sys.executable, "-c",
                               "import os,sys\nprint(os.getpid(), flush=True)\nsys.stdin.readline()\n"
                               "import socket\nsocket.socket().connect_ex(('127.0.0.1', %d))\n"
                               "socket.socket().connect_ex(('127.0.0.1', %d))" % (port, port)],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    pid = int(holder.stdout.readline())
    run = IgRun(TCPCONNECT, "--host", "--filter", "proc.pid==%d,proc.creds.uid==%d" %
                (pid, os.getuid()))
    time.sleep(1.5)  # no probe can pass this filter; give ig time to attach
    other, _ = connect_from_child("127.0.0.1", [port])
    holder.communicate("go\n", timeout=20)
    events = run.events()
    check(events and all(e["proc"]["pid"] == pid for e in events),
          "--filter proc.pid==%d: %r" % (pid, [e["proc"]["pid"] for e in events]))
    check(len(events) == 2, "want the held client's two connects, got %d" % len(events))
    check(other not in [e["proc"]["pid"] for e in events], "filtered pid shown")


def case_count_mode_tables():
    port, port2 = free_port(), free_port()
    ig = subprocess.Popen([IG, "run", TCPCONNECT, "--host", "--count", "--interval", "500ms",
                           "-o", "json"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          text=True)
    try:
        time.sleep(2.0)
        connect_from_child("127.0.0.1", [port] * 7 + [port2] * 2)
        connect_from_child("::1", [port] * 3)
        time.sleep(1.2)
    finally:
        ig.send_signal(2)
        out, err = ig.communicate(timeout=20)
    check(ig.returncode == 0, err)
    lines = [l for l in out.splitlines() if l.strip()]
    check(all(l.startswith("[") for l in lines), "count mode prints only tables: %r" % lines[:3])
    tables = [json.loads(l) for l in lines]
    check(len(tables) >= 5, "want a table every 500ms, got %d" % len(tables))
    total = {}
    for t in tables:
        for r in t:
            key = (r["saddr"]["addr"], r["daddr"]["addr"], r["dport"])
            total[key] = total.get(key, 0) + r["connects"]
    check(total.get(("127.0.0.1", "127.0.0.1", port)) == 7, "counts %r" % total)
    check(total.get(("127.0.0.1", "127.0.0.1", port2)) == 2, "counts %r" % total)
    check(total.get(("::1", "::1", port)) == 3, "counts %r" % total)
    for t in tables:
        check([r["connects"] for r in t] == sorted((r["connects"] for r in t), reverse=True),
              "rows sorted by connects, descending: %r" % t)


CASES = {k[5:]: v for k, v in globals().items() if k.startswith("case_")}

if __name__ == "__main__":
    require_root()
    CASES[sys.argv[1]]()
    print("PASS")

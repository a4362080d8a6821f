#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""trace_tcp end to end: real sockets on loopback, assertions on ig's JSON events.

Usage: trace_tcp_test.py CASE   (each case is one ctest test)
"""
import os
import socket
import subprocess
import sys
import time

from ig_harness import GADGETS, IG, IgRun, check, fail, require_root, run_python

TRACE_TCP = os.path.join(GADGETS, "trace_tcp")

# A server process and a client process, so the test can tell whose pid each event carries.
SERVER = r"""
import os, socket, sys
fam = socket.AF_INET6 if sys.argv[1] == "6" else socket.AF_INET
s = socket.socket(fam); s.bind((sys.argv[2], 0)); s.listen()
print(os.getpid(), s.getsockname()[1], flush=True)
a, _ = s.accept(); a.recv(1); a.close(); s.close()
"""
CLIENT = r"""
import os, socket, sys
fam = socket.AF_INET6 if ":" in sys.argv[1] else socket.AF_INET
c = socket.socket(fam); c.connect((sys.argv[1], int(sys.argv[2])))
print(os.getpid(), c.getsockname()[1], flush=True)
c.send(b"x"); c.close()
"""
REFUSED = r"""
import os, socket, sys
c = socket.socket()
if sys.argv[2] == "nonblock":
    c.setblocking(False)
err = c.connect_ex(("127.0.0.1", int(sys.argv[1])))
if sys.argv[2] == "nonblock":
    import select; select.select([], [c], [], 5)
print(os.getpid(), err, flush=True)
c.close()
"""


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()  # nothing listens on it now: connects to it are refused
    return port


def probe_connect():
    """A refused connect to a fresh port: an event every filter combination below reports."""
    port = free_port()
    socket.socket().connect_ex(("127.0.0.1", port))
    return lambda e: e.get("dst", {}).get("port") == port


def probe_accept():
    port_box = {}
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen()
    port = srv.getsockname()[1]
    c = socket.create_connection(("127.0.0.1", port))
    a, _ = srv.accept()
    a.close(); c.close(); srv.close()
    return lambda e: e.get("type") == "accept" and e["src"]["port"] == port


def connection(version):
    host = "::1" if version == 6 else "127.0.0.1"
    server = subprocess.Popen([sys.executable, "-c", SERVER, str(version), host],
                              stdout=subprocess.PIPE, text=True)
    spid, sport = map(int, server.stdout.readline().split())
    cpid, cport = map(int, run_python(CLIENT, host, sport).split())
    server.wait(timeout=10)
    return host, spid, sport, cpid, cport


def find(events, **want):
    out = []
    for e in events:
        ok = True
        for k, v in want.items():
            cur = e
            for part in k.split("__"):
                cur = cur.get(part, {}) if isinstance(cur, dict) else {}
            ok &= cur == v
        if ok:
            out.append(e)
    return out


def check_connection(version):
    run = IgRun(TRACE_TCP, "--host")
    run.wait_attached(probe_connect)
    host, spid, sport, cpid, cport = connection(version)
    events = run.events()
    conn = find(events, type="connect", dst__port=sport, src__port=cport)
    check(len(conn) == 1, "want one connect event, got %r" % conn)
    e = conn[0]
    check(e["proc"]["pid"] == cpid, "connect pid %d, want client %d" % (e["proc"]["pid"], cpid))
    check(e["proc"]["comm"].startswith("python"), "connect comm %r" % e["proc"]["comm"])
    check(e["src"]["addr"] == host and e["dst"]["addr"] == host, "addresses %r" % e)
    check(e["src"]["version"] == version and e["src"]["proto"] == "TCP", "endpoint %r" % e)
    check(e["error"] == "" and e["error_raw"] == 0, "connect error %r" % e["error"])
    check(e["proc"]["parent"]["pid"] == os.getpid(), "parent pid %r" % e["proc"]["parent"])
    acc = find(events, type="accept", src__port=sport, dst__port=cport)
    check(len(acc) == 1, "want one accept event, got %r" % acc)
    check(acc[0]["proc"]["pid"] == spid,
          "accept pid %d, want server %d (not softirq context)" % (acc[0]["proc"]["pid"], spid))
    check(acc[0]["accept_fd"] >= 0, "accept_fd %r" % acc[0]["accept_fd"])
    closes = find(events, type="close")
    mine = [c for c in closes if {c["src"]["port"], c["dst"]["port"]} == {sport, cport}]
    check(len(mine) == 2, "want a close from each side, got %r" % mine)
    check({c["proc"]["pid"] for c in mine} == {spid, cpid}, "close pids %r" % mine)
    check(all(e["netns_id"] > 0 and e["proc"]["mntns_id"] > 0 for e in conn + acc + mine),
          "namespace ids missing")
    check(all(e["timestamp"].startswith(time.strftime("%Y-")) for e in events), "timestamps")


def case_ipv4():
    check_connection(4)


def case_ipv6():
    check_connection(6)


def case_refused():
    run = IgRun(TRACE_TCP, "--host")
    run.wait_attached(probe_connect)
    port = free_port()
    pid, err = map(int, run_python(REFUSED, port, "block").split())
    check(err == 111, "the connect was not refused: %d" % err)
    events = run.events()
    got = find(events, type="connect", dst__port=port)
    check(len(got) == 1, "want one refused connect, got %r" % got)
    check(got[0]["error"] == "ECONNREFUSED" and got[0]["proc"]["pid"] == pid, "event %r" % got)
    check(got[0]["src"]["port"] != 0, "the source port of a refused connect is known")


def case_nonblocking_refused():
    run = IgRun(TRACE_TCP, "--host")
    run.wait_attached(probe_connect)
    port = free_port()
    pid, err = map(int, run_python(REFUSED, port, "nonblock").split())
    check(err == 115, "non-blocking connect should return EINPROGRESS, got %d" % err)
    events = run.events()
    errors = [e["error"] for e in find(events, type="connect", dst__port=port)]
    check(errors == ["EINPROGRESS", "ECONNREFUSED"],
          "want the syscall's EINPROGRESS then the final ECONNREFUSED, got %r" % errors)


def only_flag(flag, want_types):
    run = IgRun(TRACE_TCP, "--host", flag)
    run.wait_attached(probe_accept if flag == "--accept-only" else probe_connect)
    _, _, sport, _, _ = connection(4)
    refused = free_port()
    run_python(REFUSED, refused, "block")
    events = run.events()
    seen = {e["type"] for e in events}
    check(seen <= want_types, "%s let through %r" % (flag, seen - want_types))
    mine = [e for e in events if sport in (e["src"]["port"], e["dst"]["port"])]
    if flag != "--failure-only":
        check({e["type"] for e in mine} == want_types,
              "%s: want %r for the connection, got %r" % (flag, want_types, mine))
    return events, refused


def case_connect_only():
    only_flag("--connect-only", {"connect"})


def case_accept_only():
    only_flag("--accept-only", {"accept"})


def case_failure_only():
    events, refused = only_flag("--failure-only", {"connect"})
    check(all(e["error_raw"] != 0 for e in events), "--failure-only printed a success")
    check(find(events, dst__port=refused, error="ECONNREFUSED"), "the refused connect is missing")


def expect_error(args, needle):
    p = subprocess.run([IG, *args], capture_output=True, text=True, timeout=30)
    check(p.returncode != 0, "%r should fail" % args)
    lines = [l for l in p.stderr.splitlines() if l.strip()]
    check(len(lines) >= 1 and needle in lines[0], "%r: want %r in %r" % (args, needle, p.stderr))
    check("Segmentation" not in p.stderr and "terminate called" not in p.stderr, p.stderr)


def case_bad_input(tmp=None):
    import tempfile, shutil
    tmp = tempfile.mkdtemp()
    try:
        empty = os.path.join(tmp, "empty")
        os.mkdir(empty)
        expect_error(["run", empty], "has no gadget.yaml")

        corrupt = os.path.join(tmp, "corrupt")
        shutil.copytree(TRACE_TCP, corrupt)
        with open(os.path.join(corrupt, "program.bpf.o"), "r+b") as f:
            f.truncate(2000)
        expect_error(["run", corrupt], "corrupt BPF object")

        badparam = os.path.join(tmp, "badparam")
        shutil.copytree(TRACE_TCP, badparam)
        with open(os.path.join(badparam, "gadget.yaml"), "a") as f:
            f.write("    no_such_param:\n      key: nope\n")
        expect_error(["run", badparam], "params.ebpf.no_such_param")

        expect_error(["run", TRACE_TCP, "--no-such-flag"], "no-such-flag")
        expect_error(["run", TRACE_TCP, "--pid", "abc"], "--pid")
        expect_error(["run", TRACE_TCP, "-o", "xml"], "--output")
        expect_error(["run", TRACE_TCP, "--fields", "nope"], "no field 'nope'")
    finally:
        shutil.rmtree(tmp)


def case_help_lists_gadget_flags():
    p = subprocess.run([IG, "run", TRACE_TCP, "--help"], capture_output=True, text=True,
                       timeout=30)
    check(p.returncode == 0, p.stderr)
    for needle in ("--accept-only", "Show only accept events", "--connect-only",
                   "--failure-only", "Don't show successful events", "default: false"):
        check(needle in p.stdout, "help lacks %r:\n%s" % (needle, p.stdout))


def case_columns_output():
    run_proc = subprocess.Popen([IG, "run", TRACE_TCP, "--host", "--connect-only", "--timeout",
                                 "4"],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    time.sleep(2)
    port = free_port()
    run_python(REFUSED, port, "block")
    out, err = run_proc.communicate(timeout=15)
    check(run_proc.returncode == 0, err)
    lines = out.splitlines()
    header = lines[0].split()
    check(header == ["RUNTIME.CONTAINERNAME", "COMM", "PID", "TID", "UID", "GID", "SRC", "DST",
                     "TYPE", "ERROR"],
          "header %r" % header)
    check(any(("127.0.0.1:%d" % port) in l and "ECONNREFUSED" in l for l in lines[1:]),
          "no refused line in %r" % out)


def case_filter():
    port = free_port()
    run = IgRun(TRACE_TCP, "--host", "--filter", "dst.port==%d,error==ECONNREFUSED" % port)
    run.wait_attached(lambda: (socket.socket().connect_ex(("127.0.0.1", port)),
                               lambda e: e["dst"]["port"] == port)[1])
    connection(4)  # not matching: other port, no error
    events = run.events()
    check(events and all(e["dst"]["port"] == port and e["error"] == "ECONNREFUSED"
                         for e in events), "--filter let through %r" % events)


CASES = {k[5:]: v for k, v in globals().items() if k.startswith("case_")}

if __name__ == "__main__":
    if len(sys.argv) != 2 or sys.argv[1] not in CASES:
        print("usage: %s {%s}" % (sys.argv[0], ",".join(CASES)))
        sys.exit(2)
    if sys.argv[1] not in ("help_lists_gadget_flags",):
        require_root()
    CASES[sys.argv[1]]()
    print("PASS")

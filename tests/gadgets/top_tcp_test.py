#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""top_tcp end to end: a loopback transfer of a known size in each direction, between two child
processes; the bytes ig counts per connection and process must be exactly those.

Usage: top_tcp_test.py CASE
"""
import json
import os
import pty
import select
import subprocess
import sys
import time

from ig_harness import GADGETS, IG, check, require_root

TOP_TCP = os.path.join(GADGETS, "top_tcp")
UP, DOWN = 1234567, 76543  # client -> server, server -> client

# Server: accepts one connection, reads UP bytes, answers DOWN bytes. Prints pid and port.
SERVER = r"""
import os, socket, sys
up, down = int(sys.argv[1]), int(sys.argv[2])
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen()
print(os.getpid(), s.getsockname()[1], flush=True)
a, _ = s.accept(); n = 0
while n < up:
    n += len(a.recv(65536))
a.sendall(b"d" * down); a.close()
"""
CLIENT = r"""
import os, socket, sys
up, down, port = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
c = socket.create_connection(("127.0.0.1", port))
print(os.getpid(), c.getsockname()[1], flush=True)
c.sendall(b"u" * up); n = 0
while n < down:
    n += len(c.recv(65536))
c.close()
"""


def transfer():
    server = subprocess.Popen([sys.executable, "-c", SERVER, str(UP), str(DOWN)],
                              stdout=subprocess.PIPE, text=True)
    spid, sport = map(int, server.stdout.readline().split())
    client = subprocess.Popen([sys.executable, "-c", CLIENT, str(UP), str(DOWN), str(sport)],
                              stdout=subprocess.PIPE, text=True)
    cpid, cport = map(int, client.stdout.readline().split())
    client.wait(timeout=30)
    server.wait(timeout=30)
    return spid, sport, cpid, cport


def totals(tables, pid):
    rows = [r for t in tables for r in t if r["pid"] == pid]
    return rows, sum(r["sent"] for r in rows), sum(r["received"] for r in rows)


def case_bytes_per_connection_and_process():
    ig = subprocess.Popen([IG, "run", TOP_TCP, "--host", "--interval", "500ms", "-o", "json"],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        time.sleep(2.0)
        spid, sport, cpid, cport = transfer()
        time.sleep(1.0)
    finally:
        ig.send_signal(2)
        out, err = ig.communicate(timeout=20)
    check(ig.returncode == 0, err)
    lines = [l for l in out.splitlines() if l.strip()]
    check(all(l.startswith("[") for l in lines), "one JSON array per interval: %r" % lines[:2])
    tables = [json.loads(l) for l in lines]
    check(len(tables) >= 5, "want a table every 500ms, got %d" % len(tables))
    rows, sent, received = totals(tables, cpid)
    check((sent, received) == (UP, DOWN), "client sent/received %d/%d, want %d/%d: %r" %
          (sent, received, UP, DOWN, rows))
    check(all(r["src"]["port"] == cport and r["dst"]["port"] == sport and
              r["src"]["addr"] == "127.0.0.1" for r in rows), "client endpoints %r" % rows)
    rows, sent, received = totals(tables, spid)
    check((sent, received) == (DOWN, UP), "server sent/received %d/%d, want %d/%d: %r" %
          (sent, received, DOWN, UP, rows))
    check(all(r["src"]["port"] == sport and r["dst"]["port"] == cport for r in rows),
          "server endpoints %r" % rows)
    for t in tables:
        key = [(r["sent"], r["received"]) for r in t]
        check(key == sorted(key, reverse=True), "default sort -sent,-received: %r" % key)


def case_sort_and_max_entries():
    ig = subprocess.Popen([IG, "run", TOP_TCP, "--host", "--interval", "3s", "-o", "json",
                           "--sort", "-received", "--max-entries", "1"],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        time.sleep(1.0)
        spid, _, cpid, _ = transfer()
    finally:
        time.sleep(0.3)
        ig.send_signal(2)
        out, err = ig.communicate(timeout=20)
    check(ig.returncode == 0, err)
    tables = [json.loads(l) for l in out.splitlines() if l.strip()]
    check(tables and all(len(t) <= 1 for t in tables), "--max-entries 1: %r" % tables)
    check(any(t and t[0]["pid"] == spid and t[0]["received"] == UP for t in tables),
          "the server's %d received bytes lead the table: %r" % (UP, tables))


def case_terminal_redraws_in_place():
    # On a terminal each interval clears the screen and reprints the header; in a pipe tables
    # are appended (the other cases).
    master, slave = pty.openpty()
    ig = subprocess.Popen([IG, "run", TOP_TCP, "--host", "--interval", "300ms"],
                          stdout=slave, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL)
    os.close(slave)
    data = b""
    deadline = time.time() + 3
    while time.time() < deadline:
        r, _, _ = select.select([master], [], [], 0.2)
        if r:
            try:
                data += os.read(master, 65536)
            except OSError:
                break
    ig.send_signal(2)
    ig.communicate(timeout=20)
    os.close(master)
    clears = data.count(b"\x1b[H\x1b[2J")
    headers = data.count(b"COMM")
    check(clears >= 5, "want a redraw per 300ms interval, got %d" % clears)
    check(headers == clears, "the header is printed after each clear (%d, %d)" % (headers, clears))


CASES = {k[5:]: v for k, v in globals().items() if k.startswith("case_")}

if __name__ == "__main__":
    require_root()
    CASES[sys.argv[1]]()
    print("PASS")

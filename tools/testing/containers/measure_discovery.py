#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Measures what container discovery costs and whether starts race, with plain runc.

  measure_discovery.py IG GADGET_DIR [N]

Prints JSON: container start time (runc create+start) without ig and with `ig run` following
containers, ig's CPU while idle with and without the containers operator, and how many of N
containers whose first action is a connect were seen (two-step create/start, and one-shot
`runc run`).
"""
import json
import os
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import runtimes  # noqa: E402

IG, GADGET = sys.argv[1], sys.argv[2]
N = int(sys.argv[3]) if len(sys.argv) > 3 else 20
TICK = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid):
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK


def start_ig(*flags):
    p = subprocess.Popen([IG, "run", GADGET, "-o", "json", *flags], stdout=subprocess.PIPE,
                         stderr=subprocess.DEVNULL, text=True)
    time.sleep(2.0)  # loaded and attached
    return p


def stop_ig(p):
    p.send_signal(signal.SIGINT)
    out, _ = p.communicate(timeout=20)
    return [json.loads(l) for l in out.splitlines() if l.strip()]


def start_times(rt, prefix):
    times = []
    for i in range(N):
        name = "%s-%d" % (prefix, i)
        t = time.time()
        rt.start(name, ["true"])
        times.append((time.time() - t) * 1000)
        rt.remove(name)
    times.sort()
    return {"median_ms": round(times[len(times) // 2], 1), "max_ms": round(times[-1], 1)}


def race(rt, server_url, two_step):
    p = start_ig("--containername", ",".join("race-%d" % i for i in range(N)))
    for i in range(N):
        rt.start("race-%d" % i, ["wget", "-q", "-O", "/dev/null", server_url], two_step=two_step)
    time.sleep(1.0)
    events = stop_ig(p)
    for i in range(N):
        rt.remove("race-%d" % i)
    seen = {e["runtime"]["containerName"] for e in events if e["proc"]["comm"] == "wget"}
    return "%d/%d" % (len(seen), N)


def main():
    import http.server
    import threading
    ws = runtimes.Workspace()
    rt = runtimes.Runc(ws)
    class Quiet(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args):
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Quiet)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    url = "http://127.0.0.1:%d/" % httpd.server_address[1]
    result = {}
    try:
        result["start_without_ig"] = start_times(rt, "base")
        p = start_ig()
        result["start_with_ig"] = start_times(rt, "held")
        stop_ig(p)
        for flags, key in ((["--containers=false"], "idle_cpu_pct_operator_off"),
                           ([], "idle_cpu_pct_operator_on")):
            p = start_ig(*flags)
            c0, t0 = cpu_seconds(p.pid), time.time()
            time.sleep(10)
            result[key] = round(100 * (cpu_seconds(p.pid) - c0) / (time.time() - t0), 2)
            stop_ig(p)
        result["race_create_start_seen"] = race(rt, url, True)
        result["race_runc_run_seen"] = race(rt, url, False)
    finally:
        rt.stop()
        httpd.shutdown()
        ws.cleanup()
    print(json.dumps(result))


if __name__ == "__main__":
    main()

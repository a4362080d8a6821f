#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""ig against the limit and its peers, side by side. Run through run.sh; see README.md.

Each round runs the workload alone and with every tracer, interleaved (A B A C A …, the order of
the tracers rotating each round), so a tracer's slowdown is taken against the runs of the
workload alone just before and after it. Medians and min–max over the rounds are printed."""
import argparse
import glob
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
NO_CONTAINER = "ig-bench-no-such-container"


def log(msg):
    print(msg, file=sys.stderr, flush=True)


# --- measuring a process -------------------------------------------------------------------

def attach_fds(pid):
    """BPF links and perf events the process holds: how far it is through attaching."""
    n = 0
    try:
        for fd in os.listdir("/proc/%d/fd" % pid):
            try:
                target = os.readlink("/proc/%d/fd/%s" % (pid, fd))
            except OSError:
                continue
            if target in ("anon_inode:bpf_link", "anon_inode:[perf_event]"):
                n += 1
    except OSError:
        pass
    return n


def cpu_ns(pid):
    """Time on CPU of all threads of the process (schedstat: nanoseconds, not clock ticks)."""
    total = 0
    for path in glob.glob("/proc/%d/task/*/schedstat" % pid):
        try:
            with open(path) as f:
                total += int(f.read().split()[0])
        except (OSError, ValueError, IndexError):
            pass
    return total


def vm_hwm_kb(pid):
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def wait_attached(proc, t0, timeout=30.0, settle=0.3):
    """Seconds from spawn to the last new link, once the count has been still for `settle` s."""
    count, changed_at = 0, None
    deadline = t0 + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            return None
        now = time.monotonic()
        n = attach_fds(proc.pid)
        if n != count:
            count, changed_at = n, now
        elif count > 0 and now - changed_at >= settle:
            return changed_at - t0
        time.sleep(0.002)
    return None


# --- tracers -------------------------------------------------------------------------------

class Tracer:
    """How to start one tracer and read what it delivered and lost."""

    def __init__(self, key, label, argv, stdout=None, stats="none", count_lines=False,
                 skip_lines=0, expected_per_cycle=None, na=None, env=None):
        self.key, self.label, self.argv, self.env = key, label, argv, env
        self.stdout = stdout          # None: /dev/null; "file": a file counted afterwards
        self.stats = stats            # "json": a {"stats":…} line on stderr
        self.count_lines = count_lines
        self.skip_lines = skip_lines  # header lines in the output that are not events
        self.expected_per_cycle = expected_per_cycle  # {mode: events per workload cycle}
        self.na = na                  # why this tracer cannot run here, or None


def parse_stats(stderr_text):
    for line in stderr_text.splitlines():
        if line.startswith('{"stats"'):
            return json.loads(line)["stats"]
    return None


def lost_from_text(text):
    """Peers print their own loss notices: bpftrace "Lost N events", libbpf-tools "lost N events"."""
    return sum(int(m) for m in re.findall(r"[Ll]ost (\d+) events", text))


def run_workload(storm, cycles, mode):
    argv = [storm, "--cycles", str(cycles)] + (["--refused"] if mode == "refused" else [])
    out = subprocess.run(argv, check=True, capture_output=True, text=True).stdout
    m = re.search(r"in ([\d.]+) s: (\d+) cycles/s", out)
    if not m:
        raise RuntimeError("tcp_storm printed %r" % out)
    return float(m.group(1)), float(m.group(2))


def run_one(tracer, storm, cycles, mode, workdir):
    """Start the tracer, wait until attached, run the workload, stop it; return one sample."""
    sample = {"tracer": tracer.key, "mode": mode}
    if tracer.argv is None:
        sample["secs"], sample["cps"] = run_workload(storm, cycles, mode)
        return sample
    out_path = os.path.join(workdir, tracer.key + ".out")
    err_path = os.path.join(workdir, tracer.key + ".err")
    out_f = open(out_path if tracer.stdout == "file" else os.devnull, "w")
    err_f = open(err_path, "w")
    t0 = time.monotonic()
    proc = subprocess.Popen(tracer.argv, stdout=out_f, stderr=err_f, stdin=subprocess.DEVNULL,
                            env=tracer.env)
    try:
        attached = wait_attached(proc, t0)
        if attached is None:
            raise RuntimeError("%s did not attach: %s" % (tracer.label, open(err_path).read()[-500:]))
        sample["attached_ms"] = attached * 1000
        time.sleep(0.3)
        cpu0 = cpu_ns(proc.pid)
        sample["secs"], sample["cps"] = run_workload(storm, cycles, mode)
        time.sleep(0.3)  # let the tracer drain what the last wake-up left in its buffers
        sample["cpu_ms"] = (cpu_ns(proc.pid) - cpu0) / 1e6
        sample["rss_kb"] = vm_hwm_kb(proc.pid)
        proc.send_signal(signal.SIGINT)
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
    finally:
        if proc.returncode is None:
            proc.kill()
            proc.wait()
        out_f.close()
        err_f.close()
    # Not ru_maxrss: Linux carries the forked Python's peak across exec into it.
    sample["cpu_total_ms"] = (usage.ru_utime + usage.ru_stime) * 1000
    err_text = open(err_path).read()
    if proc.returncode not in (0, -signal.SIGINT, 130):
        raise RuntimeError("%s exited with %s: %s" % (tracer.label, proc.returncode, err_text[-500:]))
    if tracer.stats == "json":
        stats = parse_stats(err_text)
        if stats is None:
            raise RuntimeError("%s printed no stats line: %s" % (tracer.label, err_text[-500:]))
        sample["events"] = stats["records"]
        sample["lost"] = stats["lost"]
        sample["reserve_failures"] = stats.get("reserve_failures")
        sample["self_attached_ms"] = stats.get("start_to_attached_ms")
    if tracer.count_lines:
        with open(out_path, "rb") as f:
            lines = sum(1 for _ in f)
        sample["events"] = max(0, lines - tracer.skip_lines)
        sample["lost"] = lost_from_text(err_text + open(out_path, errors="replace").read()[-4096:])
        os.unlink(out_path)
    if tracer.expected_per_cycle and mode in tracer.expected_per_cycle:
        expected = tracer.expected_per_cycle[mode] * cycles
        sample["missing"] = max(0, expected - sample["events"])
    return sample


# --- the table -----------------------------------------------------------------------------

def med_range(values, fmt):
    values = [v for v in values if v is not None]
    if not values:
        return "–"
    med = statistics.median(values)
    if len(values) == 1 or min(values) == max(values):
        return fmt(med)
    return "%s (%s–%s)" % (fmt(med), fmt(min(values)), fmt(max(values)))


def summarize(tracers, samples, mode):
    """Per tracer: lists of slowdown, events/s, lost, … over the rounds."""
    rows = {}
    for rnd in samples:
        seq = [s for s in rnd if s["mode"] == mode]
        for i, s in enumerate(seq):
            if s["tracer"] == "alone":
                r = rows.setdefault("alone", {})
                r.setdefault("cps", []).append(s["cps"])
                continue
            alone = [seq[j]["cps"] for j in (i - 1, i + 1)
                     if 0 <= j < len(seq) and seq[j]["tracer"] == "alone"]
            r = rows.setdefault(s["tracer"], {})
            r.setdefault("cps", []).append(s["cps"])
            r.setdefault("slowdown", []).append(statistics.mean(alone) / s["cps"])
            if "events" in s:
                r.setdefault("eps", []).append(s["events"] / s["secs"])
                r.setdefault("events", []).append(s["events"])
                if s["events"]:
                    r.setdefault("cpu_us", []).append(s["cpu_ms"] * 1000 / s["events"])
            for k in ("lost", "reserve_failures", "missing", "cpu_ms", "cpu_total_ms",
                      "rss_kb", "attached_ms", "self_attached_ms"):
                if s.get(k) is not None:
                    r.setdefault(k, []).append(s[k])
    return rows


def table(tracers, rows, mode, cycles):
    f0 = lambda v: "%.0f" % v
    f2 = lambda v: "%.2f" % v
    f1 = lambda v: "%.1f" % v
    out = ["| tracer | slowdown | events/s delivered | lost (own count) | lost (kernel reserve"
           " failures) | missing vs expected | tracer CPU during load (ms) | CPU per event (µs)"
           " | peak RSS (MB) | start → attached (ms) |",
           "|---|---|---|---|---|---|---|---|---|---|"]
    alone = rows.get("alone", {})
    out.append("| workload alone (%s, %d cycles): %s cycles/s | 1.00 | | | | | | | | |" % (
        mode, cycles, med_range(alone.get("cps", []), f0)))
    for t in tracers:
        if t.argv is None:
            continue
        if t.na:
            out.append("| %s | n/a: %s | | | | | | | | |" % (t.label, t.na))
            continue
        r = rows.get(t.key)
        if not r:
            continue
        out.append("| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |" % (
            t.label, med_range(r.get("slowdown", []), f2), med_range(r.get("eps", []), f0),
            med_range(r.get("lost", []), f0), med_range(r.get("reserve_failures", []), f0),
            med_range(r.get("missing", []), f0), med_range(r.get("cpu_ms", []), f0),
            med_range(r.get("cpu_us", []), f2),
            med_range([k / 1024 for k in r.get("rss_kb", [])], f1),
            med_range(r.get("attached_ms", []), f0)))
    return "\n".join(out)


def check_targets(rows):
    """The issue's targets, from the medians of this run."""
    def med(key, field):
        vals = rows.get(key, {}).get(field)
        return statistics.median(vals) if vals else None

    lines = []

    def verdict(name, ok, detail):
        lines.append("- %s: %s (%s)" % (name, "n/a" if ok is None else "PASS" if ok else "MISS",
                                          detail))

    ig_eps, ref_eps = med("ig_json", "eps"), med("ref_json", "eps")
    ref_lost = sum(rows.get("ref_json", {}).get("lost", [1]))
    ig_lost = sum(rows.get("ig_json", {}).get("lost", [1]))
    if ig_eps and ref_eps:
        verdict("ig -o json delivers ≥ 90% of the reference (b)'s events/s",
                ig_eps >= 0.9 * ref_eps, "%.0f vs %.0f: %.0f%%" % (ig_eps, ref_eps,
                                                                  100 * ig_eps / ref_eps))
        verdict("zero loss where (b) loses none", ig_lost == 0 if ref_lost == 0 else None,
                "ig lost %d, (b) lost %d over all rounds" % (ig_lost, ref_lost))
    ig_sd, ref_sd = med("ig_json", "slowdown"), med("ref_json", "slowdown")
    if ig_sd and ref_sd:
        verdict("workload slowdown within 5% of (b)'s", ig_sd <= ref_sd * 1.05,
                "%.3f vs %.3f" % (ig_sd, ref_sd))
    bt_eps, bt_sd = med("bpftrace", "eps"), med("bpftrace", "slowdown")
    if ig_eps and bt_eps:
        verdict("ig beats bpftrace on events/s", ig_eps > bt_eps, "%.0f vs %.0f" % (ig_eps, bt_eps))
    if ig_sd and bt_sd:
        verdict("ig beats bpftrace on workload slowdown", ig_sd < bt_sd,
                "%.3f vs %.3f" % (ig_sd, bt_sd))
    att = med("ig_json", "attached_ms")
    if att is not None:
        verdict("start → attached ≤ 150 ms", att <= 150, "%.0f ms" % att)
    rss = med("ig_json", "rss_kb")
    if rss is not None:
        verdict("peak RSS ≤ 30 MB", rss <= 30 * 1024, "%.1f MB" % (rss / 1024))
    return "\n".join(lines)


# --- image pull from a loopback registry -----------------------------------------------------

def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def ig_cmd(ig, args, env):
    r = subprocess.run([ig] + list(args), capture_output=True, text=True, env=env)
    if r.returncode != 0:
        raise RuntimeError("ig %s: %s" % (" ".join(args), r.stderr.strip()[-300:]))
    return r.stdout


def has_image_commands(ig):
    return all(subprocess.run([ig, "image", sub, "--help"], capture_output=True).returncode == 0
               for sub in ("build", "push", "pull"))


def prepare_store(ig, build, workdir):
    """trace_tcp built into a store of the bench's own, as `ig image build` (setup.sh) does."""
    env = dict(os.environ, IG_STORE=os.path.join(workdir, "store"))
    ig_cmd(ig, ["image", "build", os.path.join(REPO, "gadgets", "trace_tcp"), "-t", "trace_tcp",
                "--sdk-include", os.path.join(REPO, "sdk", "include"),
                "--vmlinux-dir", os.path.join(build, "sdk", "include", "vmlinux")], env)
    return env


def image_pull_rows(ig, store_env, workdir):
    """`ig image pull` of trace_tcp from a loopback docker-registry into an empty store (cold),
    then again (warm: everything already there)."""
    na = "| ig image pull trace_tcp, cold | n/a: %s |\n| ig image pull trace_tcp, warm | n/a: %s |"
    if store_env is None:
        return na % (("`ig image build/push/pull` missing",) * 2)
    registry = shutil.which("docker-registry")
    if not registry:
        return na % (("docker-registry not installed",) * 2)
    port = free_port()
    config = os.path.join(workdir, "registry.yml")
    with open(config, "w") as f:
        f.write("version: 0.1\nstorage:\n  filesystem:\n    rootdirectory: %s\n"
                "http:\n  addr: 127.0.0.1:%d\n" % (os.path.join(workdir, "registry"), port))
    reg = subprocess.Popen([registry, "serve", config], stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL)
    host = "127.0.0.1:%d" % port
    ref = host + "/bench/trace_tcp:latest"
    insecure = ["--insecure-registries", host]
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.1).close()
                break
            except OSError:
                time.sleep(0.05)
        ig_cmd(ig, ["image", "tag", "trace_tcp", ref], store_env)
        ig_cmd(ig, ["image", "push", ref] + insecure, store_env)
        # Pulls from a named registry verify signatures by default: sign with a throw-away key,
        # so the timed pull includes fetching and checking the signature, as a user's would.
        key, pub = os.path.join(workdir, "cosign.key"), os.path.join(workdir, "cosign.pub")
        for cmd in (["openssl", "ecparam", "-genkey", "-name", "prime256v1", "-noout",
                     "-out", key + ".sec1"],
                    ["openssl", "pkcs8", "-topk8", "-nocrypt", "-in", key + ".sec1", "-out", key],
                    ["openssl", "ec", "-in", key, "-pubout", "-out", pub]):
            subprocess.run(cmd, check=True, capture_output=True)
        ig_cmd(ig, ["image", "sign", ref, "--key", key] + insecure, store_env)
        pull_env = dict(os.environ, IG_STORE=os.path.join(workdir, "pull-store"))
        times = []
        for _ in range(2):
            t0 = time.monotonic()
            ig_cmd(ig, ["image", "pull", ref, "--public-keys", pub] + insecure, pull_env)
            times.append((time.monotonic() - t0) * 1000)
        return ("| ig image pull trace_tcp + signature check, cold (empty store) | %.0f ms |\n"
                "| ig image pull trace_tcp + signature check, warm (already stored) | %.0f ms |"
                % tuple(times))
    except RuntimeError as e:
        return "| ig image pull trace_tcp | failed: %s |" % str(e).replace("|", "/").replace(
            "\n", " ")
    finally:
        reg.terminate()
        reg.wait()


# --- main ----------------------------------------------------------------------------------

def find_build(explicit):
    candidates = [explicit] if explicit else [os.path.join(REPO, "build")] + sorted(
        glob.glob(os.path.join(REPO, "build-*")))
    for c in candidates:
        if c and os.access(os.path.join(c, "tools", "ig"), os.X_OK) and os.path.exists(
                os.path.join(c, "gadgets", "trace_tcp", "program.bpf.o")):
            return os.path.abspath(c)
    raise SystemExit("no build directory with tools/ig and gadgets/trace_tcp/program.bpf.o "
                     "(build it, or pass --build DIR)")


def ig_accepts(ig, gadget_dir, flags):
    """Whether `ig run` knows these flags (it rejects unknown ones before printing --help)."""
    return subprocess.run([ig, "run", gadget_dir] + flags + ["--help"],
                          capture_output=True).returncode == 0


def make_tracers(build, ig, gadget_dir, store_env):
    obj = os.path.join(gadget_dir, "program.bpf.o")
    ref = os.path.join(build, "tools", "bench", "ref_consumer")
    per_cycle = {"accept": 4, "refused": 1}  # connect, accept, close ×2 / one refused connect
    # From the local store when it can be built, as users run it; else the build's directory.
    image = "trace_tcp" if store_env else gadget_dir
    ig_run = [ig, "run", image] + (["--pull", "never"] if store_env else [])
    # ig traces only containers by default (like Inspektor Gadget): --host for tcp_storm.
    host = ["--host"] if ig_accepts(ig, gadget_dir, ["--host"]) else []
    has_containername = ig_accepts(ig, gadget_dir, ["--containername", NO_CONTAINER])
    tracers = [
        Tracer("alone", "workload alone", None),
        Tracer("ref_count", "reference consumer (a): libbpf, count only",
               [ref, obj, "--mode", "count"], stats="json", expected_per_cycle=per_cycle),
        Tracer("ref_json", "reference consumer (b): libbpf, a JSON line per event",
               [ref, obj, "--mode", "json"], stats="json", expected_per_cycle=per_cycle),
        Tracer("ig_json", "ig run trace_tcp --host -o json",
               ig_run + host + ["-o", "json", "--stats"], stats="json",
               expected_per_cycle=per_cycle, env=store_env),
        Tracer("ig_columns", "ig run trace_tcp --host -o columns",
               ig_run + host + ["-o", "columns", "--stats"], stats="json",
               expected_per_cycle=per_cycle, env=store_env),
        Tracer("ig_container", "ig run trace_tcp --containername (matches nothing)",
               ig_run + ["-o", "json", "--stats", "--containername", NO_CONTAINER],
               stats="json", na=None if has_containername else "flag missing", env=store_env),
    ]
    bpftrace = shutil.which("bpftrace")
    tracers.append(Tracer("bpftrace", "bpftrace, equivalent script (trace_tcp.bt)",
                          [bpftrace, os.path.join(HERE, "trace_tcp.bt")] if bpftrace else [],
                          stdout="file", count_lines=True, skip_lines=1,
                          expected_per_cycle=per_cycle,
                          na=None if bpftrace else "bpftrace not installed"))
    # libbpf-tools (Debian): the tools on sock:inet_sock_set_state; they report other events
    # than trace_tcp (every state change / one line per finished connection).
    for tool, label in (("tcpstates", "libbpf-tools tcpstates (every TCP state change)"),
                        ("tcplife", "libbpf-tools tcplife (a line per closed connection)")):
        path = "/usr/sbin/" + tool
        ok = os.access(path, os.X_OK)
        tracers.append(Tracer(tool, label, [path] if ok else [], stdout="file", count_lines=True,
                              skip_lines=1, na=None if ok else "libbpf-tools not installed"))
    return tracers


def probe_bcc(workdir):
    """bcc's Python tools compile at start-up against kernel headers: say why they cannot run."""
    tool = shutil.which("tcpstates-bpfcc")
    if not tool:
        return "not installed (Debian bpfcc-tools)"
    try:
        r = subprocess.run([tool], capture_output=True, text=True, timeout=20)
    except subprocess.TimeoutExpired:
        return None  # it ran
    text = r.stdout + r.stderr
    reason = [l for l in text.splitlines() if "kernel headers" in l] or [
        l for l in text.splitlines() if "rror" in l]
    return reason[0].strip() if reason else "exited with %d" % r.returncode


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--build", help="build directory (default: build, then build-*)")
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--cycles", type=int, default=30000, help="connect/accept/close cycles per run")
    ap.add_argument("--refused-rounds", type=int, default=3)
    ap.add_argument("--refused-cycles", type=int, default=100000)
    ap.add_argument("--only", help="comma-separated tracer keys to run (default: all)")
    ap.add_argument("--json", help="write every sample to this file")
    args = ap.parse_args()
    if os.geteuid() != 0:
        raise SystemExit("run.sh needs root (BPF)")

    build = find_build(args.build)
    ig = os.path.join(build, "tools", "ig")
    storm = os.path.join(build, "tools", "bench", "tcp_storm")
    gadget_dir = os.path.join(build, "gadgets", "trace_tcp")
    for p in (storm, os.path.join(build, "tools", "bench", "ref_consumer")):
        if not os.access(p, os.X_OK):
            raise SystemExit("%s missing: cmake --build %s --target tcp_storm ref_consumer"
                             % (p, build))
    started = time.monotonic()
    workdir = tempfile.mkdtemp(prefix="ig-bench-")
    try:
        store_env = None
        if has_image_commands(ig):
            try:
                store_env = prepare_store(ig, build, workdir)
            except RuntimeError as e:
                log("running ig from %s: cannot build the image into a store: %s" % (gadget_dir, e))
        tracers = make_tracers(build, ig, gadget_dir, store_env)
        if args.only:
            keep = set(args.only.split(",")) | {"alone"}
            tracers = [t for t in tracers if t.key in keep]
        runnable = [t for t in tracers if t.argv is not None and not t.na]
        samples = []
        plan = [("accept", args.cycles, args.rounds, runnable)]
        stress = [t for t in runnable if t.key in ("ref_count", "ref_json", "ig_json", "bpftrace")]
        if args.refused_rounds > 0 and stress:
            plan.append(("refused", args.refused_cycles, args.refused_rounds, stress))
        for mode, cycles, rounds, subjects in plan:
            for rnd in range(rounds):
                k = rnd % len(subjects)
                order = subjects[k:] + subjects[:k]  # rotate: no tracer always runs first
                seq = []
                alone = next(t for t in tracers if t.key == "alone")
                seq.append(run_one(alone, storm, cycles, mode, workdir))
                for t in order:
                    seq.append(run_one(t, storm, cycles, mode, workdir))
                    seq.append(run_one(alone, storm, cycles, mode, workdir))
                samples.append(seq)
                log("%s round %d/%d done (%.0f s)" % (mode, rnd + 1, rounds,
                                                      time.monotonic() - started))
        bcc = probe_bcc(workdir)
        pull = image_pull_rows(ig, store_env, workdir)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)

    cpu = "?"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    print("# ig benchmark, %s" % time.strftime("%Y-%m-%d %H:%M"))
    print("machine: %d CPUs (%s), kernel %s; build %s; ig runs trace_tcp from %s" % (
        os.cpu_count(), cpu, os.uname().release, build,
        "the local store" if store_env else gadget_dir))
    print("rounds: %d × %d connect/accept/close cycles, %d × %d refused connects; "
          "medians (min–max)\n" % (args.rounds, args.cycles, args.refused_rounds,
                                   args.refused_cycles))
    rows = summarize(tracers, samples, "accept")
    print("## loopback connect/accept/close\n")
    print(table(tracers, rows, "accept", args.cycles))
    if bcc:
        print("| bcc tcpstates-bpfcc | n/a: %s | | | | | | | | |" % bcc.replace("|", "/"))
    if args.refused_rounds > 0:
        print("\n## refused connects (higher event rate)\n")
        print(table([t for t in tracers if t.key in ("alone", "ref_count", "ref_json", "ig_json",
                                                      "bpftrace")],
                    summarize(tracers, samples, "refused"), "refused", args.refused_cycles))
    print("\n## image pull from a loopback registry\n")
    print("| operation | time |\n|---|---|")
    print(pull)
    print("\n## targets\n")
    print(check_targets(rows))
    print("\ntotal time: %.0f s" % (time.monotonic() - started))
    if args.json:
        with open(args.json, "w") as f:
            json.dump(samples, f, indent=1)


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""trace_exec end to end: the test starts programs with known arguments and working
directories and checks the args list, cwd, executable, parent and result ig reports.

Usage: trace_exec_test.py CASE
"""
import os
import subprocess
import sys
import tempfile
import uuid

from ig_harness import GADGETS, IgRun, check, require_root

TRACE_EXEC = os.path.join(GADGETS, "trace_exec")
TRUE = "/bin/true"


def probe():
    tag = uuid.uuid4().hex
    subprocess.run([TRUE, "probe", tag], check=True)
    return lambda e: e.get("args", [])[-1:] == [tag]


def case_args_cwd_parent():
    run = IgRun(TRACE_EXEC, "--host")
    run.wait_attached(probe)
    cwd = tempfile.mkdtemp(prefix="ig-exec-")
    tag = uuid.uuid4().hex
    args = ["/bin/echo", "hello world", "", "tag=" + tag, "x" * 200]
    child = subprocess.Popen(args, cwd=cwd, stdout=subprocess.DEVNULL)
    child.wait()
    events = run.events()
    mine = [e for e in events if e["proc"]["pid"] == child.pid]
    check(len(mine) == 1, "want one exec of pid %d, got %r" % (child.pid, mine))
    e = mine[0]
    check(e["args"] == args, "args %r, want %r" % (e["args"], args))
    check(e["args_count"] == len(args), "args_count %r" % e["args_count"])
    check(e["cwd"] == os.path.realpath(cwd), "cwd %r, want %r" % (e["cwd"], cwd))
    check(e["exepath"] == os.path.realpath("/bin/echo"), "exepath %r" % e["exepath"])
    check(e["proc"]["comm"] == "echo", "comm %r" % e["proc"]["comm"])
    check(e["proc"]["parent"]["pid"] == os.getpid(), "parent %r" % e["proc"]["parent"])
    check(e["proc"]["parent"]["comm"].startswith("python"), "pcomm %r" % e["proc"]["parent"])
    check(e["proc"]["creds"]["uid"] == os.getuid(), "uid %r" % e["proc"]["creds"])
    check(e["error"] == "" and e["retval"] == 0, "result %r/%r" % (e["error"], e["retval"]))


def case_failed_exec():
    # By default failed execs are ignored; --ignore-failed=false shows them with their error.
    missing = "/nonexistent-" + uuid.uuid4().hex
    for flags, want in (((), 0), (("--ignore-failed=false",), 1)):
        run = IgRun(TRACE_EXEC, "--host", *flags)
        run.wait_attached(probe)
        try:
            child = subprocess.Popen([sys.executable, "-c",
                                      "import os,sys\ntry: os.execv(sys.argv[1], [sys.argv[1], 'a1'])"
                                      "\nexcept FileNotFoundError: print(os.getpid())", missing],
                                     stdout=subprocess.PIPE, text=True)
            pid = int(child.communicate(timeout=20)[0])
        finally:
            events = run.events()
        failed = [e for e in events if e["proc"]["pid"] == pid and e["args"] == [missing, "a1"]]
        check(len(failed) == want, "flags %r: want %d failed exec events, got %r" %
              (flags, want, failed))
        if want:
            e = failed[0]
            check(e["error"] == "ENOENT" and e["retval"] == -2, "result %r" % e)
            check(e["proc"]["comm"].startswith("python"), "comm %r" % e["proc"]["comm"])
            check(e["exepath"] == "", "a failed exec has no new executable: %r" % e["exepath"])


CASES = {k[5:]: v for k, v in globals().items() if k.startswith("case_")}

if __name__ == "__main__":
    require_root()
    CASES[sys.argv[1]]()
    print("PASS")

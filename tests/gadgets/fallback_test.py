#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""GADGET_FALLBACK end to end: a preferred program that fails to load, and one that fails to
attach, are replaced by their fallbacks, and ig says so on stderr.

Usage: fallback_test.py CASE
"""
import os
import sys

from ig_harness import IgRun, check, require_root

FIXTURE = os.environ["IG_FALLBACK_FIXTURE"]


def run_and_trigger(call, via):
    run = IgRun(FIXTURE, "--host")
    me = os.getpid()
    run.wait_attached(lambda: (call(), lambda e: e["pid"] == me and e["via"] == via)[1])
    events = run.events()
    return run, [e for e in events if e["pid"] == me]


def case_load_failure_uses_fallback():
    run, mine = run_and_trigger(os.getppid, "fallback_load")
    check(all(e["via"] != "preferred_load" for e in mine), "the preferred program ran: %r" % mine)
    notes = [l for l in run.stderr.splitlines() if l.startswith("NOTE:")]
    check(any("tp_btf/ig_no_such_event (program ig_fails_to_load) does not load" in n and
              "using its fallback tracepoint/syscalls/sys_enter_getppid" in n for n in notes),
          "no note about the load fallback: %r" % run.stderr)


def case_attach_failure_uses_fallback():
    run, mine = run_and_trigger(lambda: os.getpgid(0), "fallback_attach")
    check(all(e["via"] != "preferred_attach" for e in mine), "the preferred program ran")
    notes = [l for l in run.stderr.splitlines() if l.startswith("NOTE:")]
    check(any("tracepoint/ig_no_such_group/ig_no_such_event (program ig_fails_to_attach) does "
              "not attach" in n and "using its fallback tracepoint/syscalls/sys_enter_getpgid"
              in n for n in notes), "no note about the attach fallback: %r" % run.stderr)
    check(len(notes) == 2, "want one note per group, got %r" % notes)


CASES = {k[5:]: v for k, v in globals().items() if k.startswith("case_")}

if __name__ == "__main__":
    require_root()
    CASES[sys.argv[1]]()
    print("PASS")

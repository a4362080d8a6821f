#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""A ring buffer overrun is counted and reported, never silent: the fixture gadget has a 4 KiB
ring and emits one record per getppid(); a tight loop of getppid() calls overruns it."""
import json
import os
import subprocess
import sys
import time

from ig_harness import IG, check, require_root

FIXTURE = os.path.join(os.environ["IG_FIXTURES_DIR"], "types_gadget")
CALLS = 200000


def main():
    require_root()
    ig = subprocess.Popen([IG, "run", FIXTURE, "-o", "json", "--stats"],
                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    time.sleep(1.5)
    subprocess.run([sys.executable, "-c",
                    "import os\nfor _ in range(%d): os.getppid()" % CALLS], check=True)
    time.sleep(1.5)  # past one lost-counter check
    ig.send_signal(2)
    _, err = ig.communicate(timeout=15)
    check(ig.returncode == 0, "ig failed: " + err)
    stats = None
    for line in err.splitlines():
        if line.startswith('{"stats"'):
            stats = json.loads(line)["stats"]
    check(stats is not None, "no stats line in %r" % err)
    check(stats["lost"] > 0, "a 4 KiB ring cannot hold %d records, yet none lost: %r" %
          (CALLS, stats))
    check(stats["records"] + stats["lost"] >= CALLS,
          "records + lost = %d < %d calls: events vanished uncounted" %
          (stats["records"] + stats["lost"], CALLS))
    check(stats["reserve_failures"] == stats["lost"],
          "a ring-buffer gadget loses records only to failed reserves: %r" % stats)
    check("events were lost in total" in err, "no loss summary on stderr: %r" % err)
    check("WARNING: " in err and "data source alltypes were lost" in err,
          "no loss warning naming the data source: %r" % err)
    print("PASS", stats)


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Run the outer VM, keep its console, and note when its lines arrive.

usage: stamp.py CONSOLE TIMES SECONDS CMD [ARG...]

Runs CMD with its output (stdout and stderr) going to CONSOLE unchanged,
killing it after SECONDS (then exits 124, as timeout(1) does; else with
CMD's status). TIMES gets "WALL CPU LINE" for every console line: seconds
since the start, and seconds of CPU CMD has used by then. On a machine
whose cores other jobs share the wall clock says little; the CPU time is
what a boot step costs.
"""
import os
import subprocess
import sys
import threading
import time


def cpu_seconds(pid):
    try:
        with open("/proc/%d/stat" % pid) as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return 0.0


def main():
    if len(sys.argv) < 5:
        sys.exit(__doc__)
    console, times_path, limit = sys.argv[1], sys.argv[2], float(sys.argv[3])
    t0 = time.monotonic()
    proc = subprocess.Popen(sys.argv[4:], stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    timed_out = []

    def kill():
        if proc.poll() is None:
            timed_out.append(True)
            proc.kill()

    # The console may fall silent while the VM works: a timer ends it.
    timer = threading.Timer(limit, kill)
    timer.start()
    with open(console, "wb") as con, open(times_path, "w") as times:
        for raw in proc.stdout:
            con.write(raw)
            line = raw.decode(errors="replace").rstrip("\r\n")
            times.write("%7.2f %7.2f %s\n" % (time.monotonic() - t0,
                                              cpu_seconds(proc.pid), line[:160]))
            times.flush()
        proc.wait()
        timer.cancel()
        times.write("%7.2f %7.2f %s\n" % (time.monotonic() - t0, cpu_seconds(proc.pid),
                    "timed out" if timed_out else "exit %d" % proc.returncode))
    sys.exit(124 if timed_out else proc.returncode)


if __name__ == "__main__":
    main()

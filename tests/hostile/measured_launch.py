"""Runs a command as its own child and writes that child's peak memory (KiB) to the file named first."""

# Linux gives a forked process its parent's memory high-water mark and keeps it across exec, so a kehoach forked
# straight from a test process grown large by earlier tests reports the test process's size, not its own. Forked
# from this small launcher, the command's peak is its own.
import os
import sys

pid = os.fork()
if pid == 0:
    os.execvp(sys.argv[2], sys.argv[2:])
_, status, usage = os.wait4(pid, 0)
with open(sys.argv[1], "w", encoding="ascii") as out:
    out.write(str(usage.ru_maxrss))
code = os.waitstatus_to_exitcode(status)
if code < 0:
    os.kill(os.getpid(), -code)
sys.exit(code)

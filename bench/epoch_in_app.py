#!/usr/bin/python3
"""How long a lesson's epoch takes in the real app, seen on the screen.

    bench/epoch_in_app.py [-n RUNS] [-w WAIT] [-p POLL] [-b COURSE_TEST] LESSON BIN [BIN2 ...]

For each run, and for each binary in turn (so that A/B comparisons share
the machine's load), it starts `BIN lesson LESSON --no-questions` in a
detached 120x40 tmux session with a fresh DLEARN_HOME, waits until the
lesson shows, then until WAIT seconds after the start (8: the app has
settled; 2: right after launch), presses e (one epoch at a time) and
space, and polls the first line of the screen every POLL seconds (0.02)
until it shows "epoch 1/N" without the busy mark "⋯". The time from the
key to that screen is the epoch as the learner sees it. It also reports
the process's CPU time (all threads, user + system) and its minor page
faults over that interval, and the load average.

The screen is read through one tmux client in control mode (tmux -C): a
poll is a command on its pipe, costing the tmux server well under a
millisecond, instead of a `tmux capture-pane` process per poll (about
10 ms of CPU and 24 ms of wall time each on a 2-core machine, which
competes with an epoch that uses both cores).

With -b (a test binary of lessons/course: `go test -c -o /tmp/course.test
./lessons/course`), each round also runs BenchmarkEpoch/LESSON/first
(-benchtime 3x) between the apps, so that the benchmark shares their load.

Each run uses its own tmux server (-L), so it does not touch the user's.
Environment variables for the app go in APPENV ("DLEARN_TRACE=/tmp/t.out").
"""
import argparse, os, re, shutil, subprocess, sys, tempfile, time


class Ctl:
    """One tmux server and one control-mode client for a run."""

    def __init__(self, sock, cmd):
        self.sock = sock
        self.p = subprocess.Popen(
            ["tmux", "-L", sock, "-C", "new-session", "-x", "120", "-y", "40", "-s", "m", cmd],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, bufsize=1)
        while not self.p.stdout.readline().startswith("%end"):  # new-session's own reply
            pass
        self.cmd("refresh-client -f no-output")  # no %output notifications
        self.cmd("refresh-client -C 120x40")

    def cmd(self, c):
        """Runs a tmux command and returns its output."""
        self.p.stdin.write(c + "\n")
        self.p.stdin.flush()
        out, inblock = [], False
        while True:
            l = self.p.stdout.readline()
            if not l:
                raise SystemExit("tmux ended (did the app fail to start?)")
            l = l.rstrip("\n")
            if l.startswith("%begin"):
                inblock, out = True, []
            elif l.startswith("%end") or l.startswith("%error"):
                if inblock:
                    return "\n".join(out)
            elif inblock:
                out.append(l)

    def header(self, process=False):
        if process:  # the costly way: a tmux client process per poll
            return subprocess.run(["tmux", "-L", self.sock, "capture-pane", "-p", "-t", "m", "-S", "0", "-E", "0"],
                                  capture_output=True, text=True).stdout
        return self.cmd("capture-pane -p -t m -S 0 -E 0")

    def close(self):
        try:
            self.p.stdin.write("kill-server\n")
            self.p.stdin.flush()
        except BrokenPipeError:
            pass
        self.p.wait()


def pstat(pid):
    """Minor page faults, and CPU seconds (user + system) and system CPU
    seconds, of process pid."""
    f = open("/proc/%s/stat" % pid).read().rsplit(")", 1)[1].split()
    hz = os.sysconf("SC_CLK_TCK")
    return int(f[7]), (int(f[11]) + int(f[12])) / hz, int(f[12]) / hz


def one(binp, lesson, wait, poll, process=False):
    home = tempfile.mkdtemp(prefix="dlearn-apptime-")
    c = Ctl("apptime%d" % os.getpid(), "exec env DLEARN_HOME=%s %s %s lesson %s --no-questions" % (
        home, os.environ.get("APPENV", ""), binp, lesson))
    try:
        t0 = time.time()
        while "step 0/" not in c.header():
            time.sleep(0.05)
            if time.time() - t0 > 120:
                raise SystemExit("%s: the lesson did not open" % binp)
        time.sleep(max(0, wait - (time.time() - t0)))
        c.cmd("send-keys -t m e")
        time.sleep(0.3)
        if "by epoch" not in c.header():
            raise SystemExit("%s: e did not switch to epochs: %s" % (binp, c.header()))
        pid = c.cmd("display -p -t m '#{pane_pid}'").strip()
        f0, c0, s0 = pstat(pid)
        start = time.time()
        c.cmd("send-keys -t m Space")
        while True:
            h = c.header(process)
            if re.search(r"epoch 1/\d", h) and "⋯" not in h:
                break
            time.sleep(poll)
            if time.time() - start > 120:
                raise SystemExit("%s: the epoch did not end: %s" % (binp, h))
        el = time.time() - start
        f1, c1, s1 = pstat(pid)
        return el, c1 - c0, f1 - f0, s1 - s0
    finally:
        c.close()
        shutil.rmtree(home, ignore_errors=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("-n", type=int, default=5, help="runs per binary")
    ap.add_argument("-w", type=float, default=8, help="seconds from launch to the key")
    ap.add_argument("-p", type=float, default=0.02, help="poll interval, seconds")
    ap.add_argument("--process-polls", action="store_true",
                    help="poll with a `tmux capture-pane` process each time (to see what that costs)")
    ap.add_argument("-b", help="lessons/course test binary: run its epoch benchmark in each round too")
    ap.add_argument("lesson")
    ap.add_argument("bins", nargs="+")
    a = ap.parse_args()
    load0 = open("/proc/loadavg").read().split()[:3]
    res = {b: [] for b in a.bins}
    bench = []
    for _ in range(a.n):
        for b in a.bins:
            res[b].append(one(b, a.lesson, a.w, a.p, a.process_polls))
            time.sleep(0.3)
        if a.b:
            out = subprocess.run([a.b, "-test.run", "^$", "-test.bench", "^BenchmarkEpoch/%s/first$" % a.lesson,
                                  "-test.benchtime", "3x"], capture_output=True, text=True).stdout
            m = re.search(r"\s(\d+) ns/op\s+([\d.]+) cpu-ms/op", out)
            if not m:
                raise SystemExit("benchmark: no result in\n" + out)
            bench.append((int(m.group(1)) / 1e9, float(m.group(2)) / 1e3, 0, 0))
            time.sleep(0.3)
    load1 = open("/proc/loadavg").read().split()[:3]
    med = lambda v: sorted(v)[len(v) // 2]
    print("%s, key %g s after launch, %d runs each, polls every %g s%s, load %s -> %s" % (
        a.lesson, a.w, a.n, a.p, " (a process each)" if a.process_polls else "", " ".join(load0), " ".join(load1)))
    if bench:
        res["benchmark (warm, 3x)"] = bench
    for b in res:
        r = res[b]
        t, cpu, flt, sy = [x[0] for x in r], [x[1] for x in r], [x[2] for x in r], [x[3] for x in r]
        app = b in a.bins
        print("  %-28s %.3f s [%.3f-%.3f]  cpu %.2f s [%.2f-%.2f]%s  faults %s   (%s)" % (
            b, med(t), min(t), max(t), med(cpu), min(cpu), max(cpu),
            " of it system %.2f" % med(sy) if app else "", med(flt) if app else "-",
            " ".join("%.3f" % x for x in t)))


if __name__ == "__main__":
    main()

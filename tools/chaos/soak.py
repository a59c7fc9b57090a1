#!/usr/bin/env python3
"""The soak (issue 23): thousands of mode switches against the headless app and the simulated Ollama, with an event
stream subscriber and a 20 Hz status poller alongside, and optionally Ollama killed and started again every few
seconds. Threads, file descriptors and heap after GC of the manager's process must stay flat.

- Switches: POST /api/v1/mode to a mode other than the current one, drawn with --seed, one after the other until
  --switches are done or --minutes have passed (whichever comes first; 0 turns a limit off). A failure is no
  answer, an answer other than 200, or an answer whose execution_mode is not the one asked. Without --ollama-flap an
  answer whose VLM is not where the mode puts it (RECORDING: loaded, AUTOPILOT: unloaded) is a failure too.
- The subscriber reads GET /api/v1/events (Server-Sent Events) on its own connection, counts the events and its
  reconnects; drops are the mode_changed events it should have seen (one per switch) and did not.
- The poller reads GET /api/v1/status 20 times a second on a kept-alive connection and times each answer.
- Samples, after --warmup switches (class loading, caches and the 500-event ring filled) and at the end: the
  process's threads (/proc/PID/status), open fds (/proc/PID/fd), and heap used after a full GC (jcmd PID GC.run,
  then GC.heap_info).
- At the end, RECORDING once more: the status must say loaded while /api/ps lists the VLM ready (truthful).

    python3 tools/chaos/soak.py [--switches 2000] [--minutes 0] [--ollama-flap SECONDS] [--seed 23]
"""
import argparse
import http.client
import json
import os
import pathlib
import random
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent))
from manager_harness import JAR, App, Simulator, pct, ps_state, require_jar, vlm_entry, wait_until  # noqa: E402

MODES = ("idle", "recording", "autopilot")
SETTLED = {"recording": "loaded", "autopilot": "unloaded"}


class Client:
    """One kept-alive connection to the control API that answers (HTTP status, JSON)."""

    def __init__(self, app, timeout=120):
        self.app, self.timeout = app, timeout
        self.conn = None

    def call(self, method, path, body=None):
        headers = {"Authorization": "Bearer " + self.app.token}
        if body is not None:
            headers["Content-Type"] = "application/json"
        try:
            if self.conn is None:
                self.conn = http.client.HTTPConnection("127.0.0.1", self.app.port, timeout=self.timeout)
            self.conn.request(method, path, None if body is None else json.dumps(body), headers)
            answer = self.conn.getresponse()
            raw = answer.read()
            return answer.status, json.loads(raw or b"{}")
        except (OSError, http.client.HTTPException, ValueError) as e:
            if self.conn is not None:
                self.conn.close()
            self.conn = None
            return None, {"error": type(e).__name__}


class Subscriber(threading.Thread):
    """The event stream on its own connection: events by type, reconnects (a stream that ended or broke)."""

    def __init__(self, app):
        super().__init__(daemon=True, name="sse")
        self.app = app
        self.by_type = {}
        self.total = 0
        self.reconnects = -1  # the first connection is not a reconnect
        self.lock = threading.Lock()
        self.stopped = False
        self.connected = threading.Event()

    def count(self, kind):
        with self.lock:
            return self.by_type.get(kind, 0)

    def run(self):
        while not self.stopped:
            self.reconnects += 1
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.app.port, timeout=60)
                conn.request("GET", "/api/v1/events", headers={"Authorization": "Bearer " + self.app.token})
                answer = conn.getresponse()
                while not self.stopped:
                    line = answer.fp.readline()
                    if not line:
                        break
                    if line.startswith(b": connected"):
                        self.connected.set()
                    elif line.startswith(b"data: "):
                        kind = json.loads(line[6:]).get("type")
                        with self.lock:
                            self.total += 1
                            self.by_type[kind] = self.by_type.get(kind, 0) + 1
                conn.close()
            except (OSError, http.client.HTTPException, ValueError):
                if not self.stopped:
                    time.sleep(0.1)


class Poller(threading.Thread):
    """GET /api/v1/status at 20 Hz: the latency of each answer in ms, and the polls that got none."""

    def __init__(self, app, hz=20):
        super().__init__(daemon=True, name="poller")
        self.client = Client(app, timeout=10)
        self.period = 1.0 / hz
        self.latencies = []
        self.errors = 0
        self.stopped = False

    def run(self):
        due = time.monotonic()
        while not self.stopped:
            start = time.monotonic()
            code, _ = self.client.call("GET", "/api/v1/status")
            took = time.monotonic() - start
            if code == 200:
                self.latencies.append(took * 1000.0)
            else:
                self.errors += 1
            due += self.period
            wait = due - time.monotonic()
            if wait > 0:
                time.sleep(wait)
            else:
                due = time.monotonic()  # late: the next poll now, no burst to catch up


class Flapper(threading.Thread):
    """Ollama's process killed and started again on the same port every `every` seconds."""

    def __init__(self, sim, every):
        super().__init__(daemon=True, name="flapper")
        self.sim, self.every = sim, every
        self.flaps = 0
        self.stop_event = threading.Event()

    def run(self):
        while not self.stop_event.wait(self.every):
            self.sim.restart_process()
            self.flaps += 1


def jcmd():
    home = os.environ.get("JAVA_HOME")
    if home and pathlib.Path(home, "bin", "jcmd").exists():
        return str(pathlib.Path(home, "bin", "jcmd"))
    return shutil.which("jcmd")


def heap_after_gc_mb(pid):
    """Heap used after a full GC, in MB (the sum of the heap's spaces in GC.heap_info); None if jcmd cannot tell."""
    tool = jcmd()
    if tool is None:
        return None
    try:
        subprocess.run([tool, str(pid), "GC.run"], capture_output=True, timeout=60, check=True)
        info = subprocess.run([tool, str(pid), "GC.heap_info"], capture_output=True, text=True, timeout=60,
                              check=True).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    used = [int(m.group(1)) for line in info.splitlines() if not re.match(r"\s*(Metaspace|class space)", line)
            for m in [re.search(r"total \d+K, used (\d+)K", line)] if m]
    return sum(used) / 1024.0 if used else None


def sample(pid):
    threads = int(re.search(r"^Threads:\s+(\d+)", pathlib.Path("/proc/%d/status" % pid).read_text(), re.M).group(1))
    fds = len(os.listdir("/proc/%d/fd" % pid))
    return {"threads": threads, "fds": fds, "heap": heap_after_gc_mb(pid)}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--switches", type=int, default=2000, help="switches to make (0: no limit)")
    parser.add_argument("--minutes", type=float, default=0, help="stop after this long (0: no limit)")
    parser.add_argument("--warmup", type=int, default=200, help="switches before the first sample")
    parser.add_argument("--ollama-flap", type=float, default=0, metavar="SECONDS",
                        help="kill Ollama's process and start it again every SECONDS (0: never)")
    parser.add_argument("--load-ms", type=int, default=100, help="the simulator's load time")
    parser.add_argument("--seed", type=int, default=23)
    parser.add_argument("--max-thread-growth", type=int, default=2)
    parser.add_argument("--max-fd-growth", type=int, default=3)
    parser.add_argument("--max-heap-growth-mb", type=float, default=3.0)
    parser.add_argument("--max-poll-ms", type=float, default=1000.0, help="the longest status answer allowed")
    args = parser.parse_args()
    if args.switches <= 0 and args.minutes <= 0:
        parser.error("give --switches or --minutes")
    require_jar()
    rng = random.Random(args.seed)
    sim = app = subscriber = poller = flapper = None
    with tempfile.TemporaryDirectory(prefix="gpurm-chaos-") as scratch:
        try:
            sim = Simulator(JAR, args.load_ms, "100", 24_000)
            app = App(JAR, sim.port, 1000, scratch, mode="idle", name="soak")
            app.events.stopped = True  # the harness's own stream is not needed: the subscriber counts
            subscriber = Subscriber(app)
            subscriber.start()
            if not subscriber.connected.wait(10):
                raise SystemExit("the event stream did not connect")
            poller = Poller(app)
            poller.start()
            switcher = Client(app)
            current = "idle"

            def switch():
                nonlocal current
                target = rng.choice([m for m in MODES if m != current])
                start = time.monotonic()
                code, answer = switcher.call("POST", "/api/v1/mode", {"mode": target})
                took = time.monotonic() - start
                current = target
                failed = code != 200 or answer.get("execution_mode") != target
                unsettled = not failed and target in SETTLED and answer.get("vlm_state") != SETTLED[target]
                return took, failed, unsettled, (code, answer.get("execution_mode"), answer.get("vlm_state"),
                                                 answer.get("error"))

            for _ in range(args.warmup):
                switch()
            before = sample(app.proc.pid)
            events_before, changes_before = subscriber.total, subscriber.count("mode_changed")
            reconnects_before, polls_before = subscriber.reconnects, len(poller.latencies)
            poll_errors_before = poller.errors
            if args.ollama_flap > 0:
                flapper = Flapper(sim, args.ollama_flap)
                flapper.start()
            began = time.monotonic()
            took, failures, unsettled, examples = [], 0, 0, []
            while (args.switches <= 0 or len(took) < args.switches) and \
                    (args.minutes <= 0 or time.monotonic() - began < args.minutes * 60):
                t, failed, loose, what = switch()
                took.append(t * 1000.0)
                failures += failed
                unsettled += loose
                if (failed or loose) and len(examples) < 5:
                    examples.append(what)
            elapsed = time.monotonic() - began
            if flapper is not None:
                flapper.stop_event.set()
                flapper.join(60)
            time.sleep(1.0)  # the last events reach the subscriber
            polls = poller.latencies[polls_before:]
            poll_errors = poller.errors - poll_errors_before
            events = subscriber.total - events_before
            drops = max(0, len(took) - (subscriber.count("mode_changed") - changes_before))
            reconnects = subscriber.reconnects - reconnects_before
            after = sample(app.proc.pid)
            # truthful at the end: RECORDING, the status says loaded exactly when Ollama lists the VLM ready
            code, answer = switcher.call("POST", "/api/v1/mode", {"mode": "recording"})
            try:
                wait_until(lambda: app.status().get("vlm_state") == "loaded"
                           and ps_state(vlm_entry(sim.ps())) == "loaded", "RECORDING with the VLM loaded", 30, 0.1)
                truthful = app.status().get("vlm_state") == "loaded" and ps_state(vlm_entry(sim.ps())) == "loaded"
            except TimeoutError:
                truthful = False
        finally:
            for worker in (subscriber, poller):
                if worker is not None:
                    worker.stopped = True
            if flapper is not None:
                flapper.stop_event.set()
                flapper.join(60)
            if app is not None:
                app.kill()
            if sim is not None:
                sim.stop()

    def growth(key, unit="", digits=0):
        a, b = before[key], after[key]
        if a is None or b is None:
            return "not measured (jcmd)"
        return "%.*f → %.*f%s (%+.*f)" % (digits, a, digits, b, unit, digits, b - a)

    flap = "every %.0f s, %d restarts" % (args.ollama_flap, flapper.flaps) if flapper else "no"
    print("soak: %d switches in %.1f min (after %d warm-up switches), Ollama flapping: %s, seed %d"
          % (len(took), elapsed / 60, args.warmup, flap, args.seed))
    print("| measure | result | goal |")
    print("|---|---|---|")
    print("| switches, failures | %d, %d (%.1f/s) | 0 failures |" % (len(took), failures, len(took) / elapsed))
    print("| answers with the VLM not yet where the mode puts it | %d | %s |"
          % (unsettled, "counted, not a failure, while Ollama flaps" if flapper else "0"))
    print("| switch latency p50 / p99 / max | %.0f / %.0f / %.0f ms | |" % (pct(took, 0.5), pct(took, 0.99), max(took)))
    print("| SSE events, drops, reconnects | %d, %d, %d | 0 drops, 0 reconnects |" % (events, drops, reconnects))
    print("| status poller (20 Hz): polls, errors | %d, %d | 0 errors%s |"
          % (len(polls), poll_errors, "" if not flapper else " (Ollama's restarts must not reach the status)"))
    print("| status p50 / p99 / max | %.1f / %.1f / %.0f ms | max ≤ %.0f ms |"
          % (pct(polls, 0.5), pct(polls, 0.99), max(polls), args.max_poll_ms))
    print("| threads | %s | growth ≤ %d |" % (growth("threads"), args.max_thread_growth))
    print("| open fds | %s | growth ≤ %d |" % (growth("fds"), args.max_fd_growth))
    print("| heap after GC | %s | growth ≤ %.0f MB |" % (growth("heap", " MB", 1), args.max_heap_growth_mb))
    print("| status truthful at the end (RECORDING, loaded = listed ready) | %s | yes |" % ("yes" if truthful else "NO"))
    for what in examples:
        print("  e.g. HTTP %s, execution_mode %s, vlm_state %s, error %s" % what)
    ok = failures == 0 and (flapper is not None or unsettled == 0) and drops == 0 and reconnects == 0 \
        and poll_errors == 0 and max(polls) <= args.max_poll_ms and truthful \
        and after["threads"] - before["threads"] <= args.max_thread_growth \
        and after["fds"] - before["fds"] <= args.max_fd_growth \
        and (before["heap"] is None or after["heap"] is None
             or after["heap"] - before["heap"] <= args.max_heap_growth_mb)
    print("goal:", "met" if ok else "NOT met")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

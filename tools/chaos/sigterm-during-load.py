#!/usr/bin/env python3
"""SIGTERM during a load (issue 23), as a service manager sends it: the headless app, against the simulated Ollama
with a 20 s load, is asked for RECORDING; 3 s into the load it gets SIGTERM. Reports how long it took to exit, its
exit code, whether the mode request in flight got an answer, and what Ollama holds afterwards: the VLM must never be
pinned (keep_alive -1), and must leave within one lease (vlm_lease_seconds) of the load landing.

    python3 tools/chaos/sigterm-during-load.py [--runs 3] [--load-ms 20000] [--after 3,0.2,0]

--after takes several moments (seconds after the mode request, 3 by default): each is run --runs times. 0.2 s
caught a load started after the stop had begun (exit after 11.4 s), 0 a SIGTERM before the app's handler was in
place (exit 143); both fixed.
"""
import argparse
import datetime
import http.client
import json
import pathlib
import signal
import sys
import tempfile
import threading
import time

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent))
from manager_harness import JAR, VLM, App, Simulator, go_time, require_jar  # noqa: E402

LEASE_S = 180


def vlm_entry(sim):
    return next((m for m in sim.ps() if m.get("name") == VLM or m.get("model") == VLM), None)


def one_run(scratch, load_ms, run, after=3.0):
    sim = Simulator(JAR, load_ms, "300", 24_000)
    app = App(JAR, sim.port, 1000, scratch, mode="idle", name="run%d-%s" % (run, after))
    answer = {}

    def ask_recording():
        conn = http.client.HTTPConnection("127.0.0.1", app.port, timeout=60)
        try:
            conn.request("POST", "/api/v1/mode", json.dumps({"mode": "recording"}),
                         {"Authorization": "Bearer " + app.token, "Content-Type": "application/json"})
            response = conn.getresponse()
            answer["status"] = response.status
            answer["body"] = response.read()[:200].decode("utf-8", "replace")
        except (OSError, http.client.HTTPException) as e:
            answer["error"] = type(e).__name__
    asker = threading.Thread(target=ask_recording)
    asker.start()
    time.sleep(after)
    sent = time.monotonic()
    app.proc.send_signal(signal.SIGTERM)
    code = app.proc.wait(30)
    exit_s = time.monotonic() - sent
    asker.join(30)
    time.sleep(load_ms / 1000.0)  # the load Ollama was given lands (or was given up)
    entry = vlm_entry(sim)
    held = "absent"
    if entry is not None:
        expires = go_time(entry.get("expires_at"))
        left = (expires - datetime.datetime.now(datetime.timezone.utc)).total_seconds() if expires else None
        held = "forever" if expires is not None and expires.year > 2200 else "%.0f s left" % left
    app.events.stopped = True
    app.log.close()
    sim.stop()
    return exit_s, code, answer, held


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--load-ms", type=int, default=20_000)
    parser.add_argument("--after", default="3", help="seconds after the mode request to send SIGTERM, comma-separated")
    args = parser.parse_args()
    require_jar()
    moments = [float(a) for a in args.after.split(",")]
    print("| SIGTERM after | run | exit after SIGTERM | exit code | in-flight mode request | VLM in Ollama after the load time |")
    print("|---|---|---|---|---|---|")
    ok = True
    with tempfile.TemporaryDirectory() as scratch:
        for after in moments:
            for run in range(1, args.runs + 1):
                exit_s, code, answer, held = one_run(scratch, args.load_ms, run, after)
                got = ("%d %s" % (answer["status"], answer["body"][:60].replace("|", "/"))) if "status" in answer \
                    else answer.get("error", "no answer")
                print("| %.1f s | %d | %.2f s | %d | %s | %s |" % (after, run, exit_s, code, got, held))
                ok &= exit_s <= 2.0 and code == 0 and "status" in answer and held != "forever"
    print("goal (exit <= 2 s, code 0, the request answered, never pinned):", "met" if ok else "NOT met")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""kill -9 with the VLM loaded, no manager started again (issue 23): the headless app in RECORDING holds the VLM on
the simulated Ollama with a short lease (vlm_lease_seconds, 30 s, the smallest allowed), renewed every third of it;
after --hold seconds it is killed with SIGKILL, as a crash, an OOM kill or a power cut of its process ends it, and
nothing starts it again. The simulated Ollama (the jar's --simulate-ollama, whose runners expire with their
keep_alive as Ollama's do) must unload the VLM within one lease of the kill: it was never pinned.

Reports, per run, the expires_at the simulator showed for the VLM at the kill (and how far ahead that was), when the
VLM was past its expiry (listed as stopping, or gone) and when it was gone from /api/ps, both counted from the kill.

    python3 tools/chaos/kill9-vlm-loaded.py [--runs 2] [--lease 30] [--hold 15] [--load-ms 2000]
"""
import argparse
import datetime
import pathlib
import sys
import tempfile
import time

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent))
from manager_harness import JAR, App, Simulator, go_time, held_by_lease, kept_forever, ps_state, \
    require_jar, vlm_entry, wait_until  # noqa: E402

#: the simulator's scheduler ticks every 50 ms and this script looks every 100 ms
SLACK_S = 1.0


def one_run(scratch, args, run):
    sim = app = None
    try:
        sim = Simulator(JAR, args.load_ms, "300", 24_000)
        app = App(JAR, sim.port, 1000, scratch, mode="recording", config={"vlm_lease_seconds": args.lease},
                  name="run%d" % run)
        wait_until(lambda: app.status().get("vlm_state") == "loaded" and held_by_lease(vlm_entry(sim.ps()), args.lease),
                   "the VLM loaded and held by the lease", limit=60 + args.load_ms / 1000.0, step=0.1)
        time.sleep(args.hold)  # at least one renewal (every third of a lease) has moved expires_at
        entry = vlm_entry(sim.ps())
        if entry is None or kept_forever(entry):
            return {"error": "the VLM was %s before the kill" % ("pinned" if entry else "gone")}
        shown = entry.get("expires_at")
        app.kill()
        killed = time.monotonic()
        ahead = (go_time(shown) - datetime.datetime.now(datetime.timezone.utc)).total_seconds()
        expired_s = gone_s = None
        while time.monotonic() - killed < args.lease + 30:
            state = ps_state(vlm_entry(sim.ps()))
            if expired_s is None and state in ("stopping", "absent"):
                expired_s = time.monotonic() - killed
            if state == "absent":
                gone_s = time.monotonic() - killed
                break
            time.sleep(0.1)
        return {"expires_at": shown, "ahead": ahead, "expired_s": expired_s, "gone_s": gone_s}
    finally:
        if app is not None:
            app.kill()
        if sim is not None:
            sim.stop()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--lease", type=int, default=30, help="vlm_lease_seconds (30 at least)")
    parser.add_argument("--hold", type=float, default=15.0, help="seconds in RECORDING with the VLM before the kill")
    parser.add_argument("--load-ms", type=int, default=2000, help="the simulator's load time")
    args = parser.parse_args()
    require_jar()
    print("| run | expires_at shown at the kill | ahead of the kill | past expiry after the kill | gone from /api/ps after the kill |")
    print("|---|---|---|---|---|")
    ok = True
    with tempfile.TemporaryDirectory(prefix="gpurm-chaos-") as scratch:
        for run in range(1, args.runs + 1):
            r = one_run(scratch, args, run)
            if "error" in r:
                print("| %d | %s | | | |" % (run, r["error"]))
                ok = False
                continue
            fmt = lambda s: "not within %d s" % (args.lease + 30) if s is None else "%.1f s" % s  # noqa: E731
            print("| %d | %s | %.1f s | %s | %s |" % (run, r["expires_at"], r["ahead"], fmt(r["expired_s"]),
                                                     fmt(r["gone_s"])))
            ok &= r["gone_s"] is not None and r["gone_s"] <= args.lease + SLACK_S \
                and r["gone_s"] <= r["ahead"] + SLACK_S
    print("goal (gone within one lease, %d s, of the kill, and by the expires_at shown): %s"
          % (args.lease, "met" if ok else "NOT met"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""kill -9 in RECORDING, then start again (issue 23): the headless app is started in IDLE against the simulated
Ollama, switched to RECORDING through its control API (port and token from the api.json it writes in its data dir),
and once the VLM is loaded it is killed with SIGKILL. It is then started again on the same data dir without --mode,
as a service manager restarts it. The operator's mode must come back: RECORDING restored, the VLM loaded (and held by
the lease, not pinned), and the restore recorded as a mode_changed event with restored "unexpected_stop".

Two cases, each --runs times: Ollama kept running (the VLM the killed manager left there is adopted), and Ollama
restarted too, as after a power cut (the restored manager must load the VLM again).

Reports the restart time: from the process start to the control API answering (api.json written), and to the status
saying RECORDING with the VLM loaded while /api/ps lists it ready.

    python3 tools/chaos/kill9-restore-recording.py [--runs 2] [--load-ms 2000] [--case adopt|reload|both]
"""
import argparse
import pathlib
import sys
import tempfile
import time

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent))
from manager_harness import JAR, App, Simulator, held_by_lease, ps_state, require_jar, vlm_entry, \
    wait_until  # noqa: E402

#: a restart slower than this fails the run (the issue measured 1.3 s to the API on this kind of machine)
RESTORE_LIMIT_S = 30.0


def restored_event(app):
    """The mode_changed event of the restore, from /api/v1/events/recent (the stream may have connected after it)."""
    events = app.request("GET", "/api/v1/events/recent")
    return next((e for e in events if e.get("type") == "mode_changed" and (e.get("details") or {}).get("restored")),
                None)


def one_run(scratch, args, case, run):
    sim = first = second = None
    name = "%s%d" % (case, run)
    try:
        sim = Simulator(JAR, args.load_ms, "300", 24_000)
        first = App(JAR, sim.port, 1000, scratch, mode="idle", name=name)
        answer = first.mode("recording")
        if answer.get("execution_mode") != "recording" or answer.get("vlm_state") != "loaded":
            return {"error": "the switch to RECORDING answered %s / %s" % (answer.get("execution_mode"),
                                                                          answer.get("vlm_state"))}
        first.kill()
        if case == "reload":
            sim.restart_process()  # Ollama forgot everything, as after a power cut
        second = App(JAR, sim.port, 1000, scratch, mode=None, name=name)
        api_s = second.api_ready_s
        try:
            wait_until(lambda: second.status().get("execution_mode") == "recording"
                       and second.status().get("vlm_state") == "loaded"
                       and ps_state(vlm_entry(sim.ps())) == "loaded",
                       "RECORDING restored with the VLM loaded", limit=RESTORE_LIMIT_S, step=0.05)
            restored_s = time.monotonic() - second.started
        except TimeoutError:
            restored_s = None
        status = second.status()
        event = restored_event(second)
        return {"api_s": api_s, "restored_s": restored_s, "mode": status.get("execution_mode"),
                "vlm": status.get("vlm_state"), "leased": held_by_lease(vlm_entry(sim.ps())),
                "event": None if event is None else event["details"]}
    finally:
        for app in (first, second):
            if app is not None:
                app.kill()
        if sim is not None:
            sim.stop()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--load-ms", type=int, default=2000, help="the simulator's load time")
    parser.add_argument("--case", choices=("adopt", "reload", "both"), default="both",
                        help="adopt: Ollama kept running; reload: Ollama restarted too")
    args = parser.parse_args()
    require_jar()
    cases = ("adopt", "reload") if args.case == "both" else (args.case,)
    print("| case | run | API up after | RECORDING + VLM loaded after | mode / VLM | VLM in Ollama | event |")
    print("|---|---|---|---|---|---|---|")
    ok = True
    with tempfile.TemporaryDirectory(prefix="gpurm-chaos-") as scratch:
        for case in cases:
            label = "Ollama kept (adopted)" if case == "adopt" else "Ollama restarted too"
            for run in range(1, args.runs + 1):
                r = one_run(scratch, args, case, run)
                if "error" in r:
                    print("| %s | %d | %s | | | | |" % (label, run, r["error"]))
                    ok = False
                    continue
                event = "none" if r["event"] is None else "mode_changed %s→%s restored: %s" % (
                    r["event"].get("from"), r["event"].get("to"), r["event"].get("restored"))
                print("| %s | %d | %.2f s | %s | %s / %s | %s | %s |" % (
                    label, run, r["api_s"], "not within %.0f s" % RESTORE_LIMIT_S if r["restored_s"] is None
                    else "%.2f s" % r["restored_s"], r["mode"], r["vlm"],
                    "held by the lease" if r["leased"] else "NOT held by the lease", event))
                ok &= r["restored_s"] is not None and r["mode"] == "recording" and r["vlm"] == "loaded" \
                    and r["leased"] and r["event"] is not None and r["event"].get("to") == "recording" \
                    and r["event"].get("restored") == "unexpected_stop"
    print("goal (RECORDING restored, the VLM loaded and leased, the restore recorded as unexpected_stop):",
          "met" if ok else "NOT met")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

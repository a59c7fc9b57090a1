#!/usr/bin/env python3
"""How fast, and how rightly, the manager names what another client did to Ollama, as a user sees it: the
headless jar against the jar's own simulated Ollama 0.12 (`--simulate-ollama`: the eviction gap while VRAM comes
back, FIFO loads, keep-alive rules, options reloads, restarts), another client's requests sent straight to the
simulator, the status and the event stream (`/api/v1/events`) read through the control API with Python's
http.client. Stdlib only; run after ./mvnw package:

    tools/drift-latency.py [--runs 20] [--watch-ms 1000] [--load-ms 2000] [--gap-ms 300-1500] [--only CAUSE,...]

In RECORDING, per cause, `--runs` runs each (the causes taken in turn, so that the machine's load is spread over
all of them):
  evicted                      another client loads llama3:8b, which does not fit beside the VLM (--vram-mb):
                               Ollama removes the VLM, waits for its VRAM (the eviction gap, drawn by the
                               simulator for each eviction between the bounds of --gap-ms) and lists the newcomer
  reloaded_with_other_options  another client asks for the VLM with num_ctx 8192: stopped, missing for the gap,
                               listed again at another size
  ollama_restarted (short)     POST /_simulator/restart?down_ms=D, D drawn in 0..--short-down-max-ms, shorter
                               than the watch interval: the manager may never see a failed look
  ollama_restarted (process)   the simulator's process killed and started again on the same port
  expired                      another client reloads the VLM with num_ctx 8192 and keep_alive 4s (so the manager
                               leaves that runner's timer alone); the outside event is the moment it runs out
  unloaded_outside             another client sends keep_alive 0

For each: detection, from the outside event to the arrival of the vlm_drift event that names why the VLM left
(p50/p95/max); the share of runs named right (the drift events from the outside action until the VLM is back are
exactly the expected ones: [cause], or [reloaded_with_other_options, expired] for an expiry; an eviction must
name llama3:8b); for an eviction also the time from the newcomer listed in /api/ps (the acceptance bound is watch
interval + 2 s) and the gap drawn; and convergence, from the outside event until the status says "loaded" and
/api/ps lists the VLM ready (for an options reload that is the other client's runner, not a reload of the
manager's). Each run starts with the manager's own VLM loaded, a switch to RECORDING (the eviction count starts
afresh, so contention does not stop the reloads being measured), at least 5.2 s after the manager's previous own
reload began (its reloads are spaced by 5 s by design), and at a random phase of the watch interval.
--idle-seconds N adds the app's idle CPU at the end. Goal (issue 22): 100 % named right.
"""
import argparse
import random
import statistics
import sys
import tempfile
import threading
import time

sys.path.insert(0, str(__import__("pathlib").Path(__file__).resolve().parent))
from manager_harness import (JAR, VLM, App, PsReader, Simulator, drift_cause, held_by_lease, pct,  # noqa: E402
                             ps_state, vlm_entry, wait_until)

EVICTOR = "llama3:8b"
OTHER_CTX = 8192
EXPIRY_KEEP_ALIVE_S = 4
CAUSES = ["evicted", "reloaded_with_other_options", "ollama_restarted (short)", "ollama_restarted (process)",
          "expired", "unloaded_outside"]
EXPECTED = {
    "evicted": ["evicted"],
    "reloaded_with_other_options": ["reloaded_with_other_options"],
    "ollama_restarted (short)": ["ollama_restarted"],
    "ollama_restarted (process)": ["ollama_restarted"],
    "expired": ["reloaded_with_other_options", "expired"],
    "unloaded_outside": ["unloaded_outside"],
}
IGNORED_DRIFTS = {"vram_taken", "gpu_lost", "gpu_back"}  # the GPU side: no GPU here


class PsPoller(threading.Thread):
    """/api/ps every 25 ms during a run: when the VLM left, when the newcomer was listed, when it was back."""

    def __init__(self, sim):
        super().__init__(daemon=True)
        self.reader = PsReader(sim)
        self.samples = []  # (monotonic, models or None)
        self.running = True

    def run(self):
        while self.running:
            models = self.reader.models()
            self.samples.append((time.monotonic(), models))
            time.sleep(0.025)

    def first(self, predicate, after=0.0):
        return next((t for t, models in list(self.samples) if t >= after and models is not None and predicate(models)),
                    None)

    def latest(self):
        return self.samples[-1][1] if self.samples else None


def vlm_loaded(models):
    return models is not None and ps_state(vlm_entry(models)) == "loaded"


def own_vlm_loaded(app, sim):
    """The manager's own runner: ready, held by the manager's lease, at the default size."""
    entry = vlm_entry(sim.ps())
    return (entry is not None and ps_state(entry) == "loaded" and held_by_lease(entry)
            and entry.get("context_length") == 4096 and app.status()["vlm_state"] == "loaded")


def last_own_load(app):
    times = [t for t, e in app.events.since(0) if e.get("type") == "model_loading"]
    return times[-1] if times else 0.0


def prepare(app, sim, rng, watch_s):
    """The manager's own VLM loaded, RECORDING asked again, the reload spacing passed, a random phase."""
    wait_until(lambda: app.status()["vlm_state"] == "loaded" and ps_state(vlm_entry(sim.ps())) == "loaded",
               "the VLM loaded", limit=60, step=0.05)
    if not own_vlm_loaded(app, sim):
        # left with the other client's runner (an options reload): unloaded outside RECORDING (where an unload is
        # refused with 409), then RECORDING loads the manager's own
        app.mode("idle")
        app.request("POST", "/api/v1/vlm/unload", {})
        app.mode("recording")
        wait_until(lambda: own_vlm_loaded(app, sim), "the manager's own VLM loaded again", limit=60, step=0.05)
    app.mode("recording")
    spacing_over = last_own_load(app) + 5.2
    time.sleep(max(0.0, spacing_over - time.monotonic()))
    time.sleep(0.3 + rng.random() * watch_s)


def one_run(app, sim, cause, rng, short_down_max_ms):
    """One outside action; returns a dict with the figures of the run."""
    mark = app.events.mark()
    poller = PsPoller(sim)
    poller.start()
    time.sleep(0.05)
    run = {"cause": cause}
    background = []
    t_action = time.monotonic()
    if cause == "evicted":
        worker = threading.Thread(target=lambda: sim.generate({"model": EVICTOR}), daemon=True)
        worker.start()
        background.append(worker)
        t0 = t_action
    elif cause == "reloaded_with_other_options":
        worker = threading.Thread(target=lambda: sim.generate({"model": VLM, "options": {"num_ctx": OTHER_CTX}}),
                                  daemon=True)
        worker.start()
        background.append(worker)
        t0 = t_action
    elif cause == "ollama_restarted (short)":
        down = rng.randint(0, short_down_max_ms)
        run["down_ms"] = down
        sim.restart(down)
        t0 = t_action
    elif cause == "ollama_restarted (process)":
        sim.restart_process()
        run["down_ms"] = (time.monotonic() - t_action) * 1000
        t0 = t_action
    elif cause == "expired":
        sim.generate({"model": VLM, "options": {"num_ctx": OTHER_CTX}, "keep_alive": "%ds" % EXPIRY_KEEP_ALIVE_S})
        t0 = time.monotonic() + EXPIRY_KEEP_ALIVE_S  # its timer runs from the end of the request
    elif cause == "unloaded_outside":
        sim.generate({"model": VLM, "keep_alive": 0})
        t0 = t_action
    else:
        raise ValueError(cause)
    final = EXPECTED[cause][-1]
    named = app.events.wait_for(lambda e: drift_cause(e) in (final,) or
                                (drift_cause(e) not in (None, *IGNORED_DRIFTS, *EXPECTED[cause][:-1])),
                                mark, timeout=30 + (EXPIRY_KEEP_ALIVE_S if cause == "expired" else 0))
    try:
        wait_until(lambda: vlm_loaded(poller.latest()) and app.status()["vlm_state"] == "loaded",
                   "the VLM loaded again", limit=40, step=0.01)
        t_back = time.monotonic()
    except TimeoutError:
        t_back = None
    time.sleep(1.0)  # anything named late still counts against the run
    poller.running = False
    poller.join()
    for worker in background:
        worker.join(60)
    causes = [drift_cause(e) for _, e in app.events.since(mark) if drift_cause(e) not in (None, *IGNORED_DRIFTS)]
    run["causes"] = causes
    run["right"] = causes == EXPECTED[cause]
    if named is not None:
        t_named, event = named
        run["named_cause"] = drift_cause(event)
        run["detect_ms"] = (t_named - t0) * 1000
        if cause == "evicted":
            run["right"] = run["right"] and event["details"].get("other_model") == EVICTOR
            t_gone = poller.first(lambda m: not vlm_loaded(m), t_action)
            t_new = poller.first(lambda m: any(x.get("name") == EVICTOR for x in m), t_action)
            if t_new is not None:
                run["after_newcomer_ms"] = (t_named - t_new) * 1000
                if t_gone is not None:
                    run["gap_ms"] = (t_new - t_gone) * 1000
    if t_back is not None:
        run["converge_ms"] = (t_back - t0) * 1000
    return run


def report(runs, args):
    print()
    print("watch interval %d ms, simulated load %d ms, eviction gap %s ms, GPU %d MB, %d runs per cause"
          % (args.watch_ms, args.load_ms, args.gap_ms, args.vram_mb, args.runs))
    print()
    print("| cause (outside action) | named right | detection p50 / p95 / max (ms) | convergence p50 / p95 / max (ms) |")
    print("| --- | --- | --- | --- |")
    for cause in [c for c in CAUSES if any(r["cause"] == c for r in runs)]:
        mine = [r for r in runs if r["cause"] == cause]
        right = sum(1 for r in mine if r["right"])
        d = [r["detect_ms"] for r in mine if "detect_ms" in r]
        c = [r["converge_ms"] for r in mine if "converge_ms" in r]
        fmt = lambda v: "%.0f / %.0f / %.0f" % (statistics.median(v), pct(v, 0.95), max(v)) if v else "-"
        print("| %s | %d/%d (%.0f %%) | %s | %s%s |" % (cause, right, len(mine), 100.0 * right / len(mine), fmt(d),
                                                      fmt(c), " (the other client's runner)"
                                                      if cause == "reloaded_with_other_options" else ""))
    ev = [r for r in runs if r["cause"] == "evicted"]
    after = [r["after_newcomer_ms"] for r in ev if "after_newcomer_ms" in r]
    gaps = [r["gap_ms"] for r in ev if "gap_ms" in r]
    if after:
        print()
        print("evicted, from the newcomer listed in /api/ps to the event: p50 %.0f, p95 %.0f, max %.0f ms "
              "(bound: watch interval + 2 s = %d ms); eviction gaps seen %.0f..%.0f ms"
              % (statistics.median(after), pct(after, 0.95), max(after), args.watch_ms + 2000,
                 min(gaps) if gaps else 0, max(gaps) if gaps else 0))
    short = [r["down_ms"] for r in runs if r["cause"] == "ollama_restarted (short)"]
    if short:
        print("short restarts: down %d..%d ms (watch interval %d ms)" % (min(short), max(short), args.watch_ms))
    wrong = [r for r in runs if not r["right"]]
    for r in wrong:
        print("NAMED WRONG: %s -> %s %s" % (r["cause"], r["causes"],
                                             {k: v for k, v in r.items() if k not in ("cause", "causes", "right")}))
    sys.stdout.flush()


def idle_cpu(app, seconds):
    c0, t0 = app.cpu_seconds(), time.monotonic()
    time.sleep(seconds)
    return 100 * (app.cpu_seconds() - c0) / (time.monotonic() - t0)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jar", default=str(JAR))
    parser.add_argument("--runs", type=int, default=20, help="runs per cause (20)")
    parser.add_argument("--watch-ms", type=int, default=1000)
    parser.add_argument("--load-ms", type=int, default=2000, help="the simulated load time (2000)")
    parser.add_argument("--gap-ms", default="300-1500", help="the eviction gap's bounds, MIN-MAX (300-1500)")
    parser.add_argument("--vram-mb", type=int, default=12_000,
                        help="the simulated GPU (12000: the VLM and llama3:8b do not fit together)")
    parser.add_argument("--short-down-max-ms", type=int, default=800)
    parser.add_argument("--only", default="", help="comma-separated causes (default: all)")
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--idle-seconds", type=int, default=0, help="also the idle CPU over N s (0: not)")
    parser.add_argument("--java-opt", action="append", default=[], help="a JVM option for the app (repeatable)")
    parser.add_argument("--verbose", action="store_true", help="one line per run")
    args = parser.parse_args()
    causes = [c for c in CAUSES if not args.only or any(c.startswith(o.strip()) for o in args.only.split(","))]
    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory() as scratch:
        sim = Simulator(args.jar, args.load_ms, args.gap_ms, args.vram_mb)
        app = App(args.jar, sim.port, args.watch_ms, scratch, java_opts=args.java_opt)
        runs = []
        try:
            for i in range(args.runs):
                for cause in causes:
                    prepare(app, sim, rng, args.watch_ms / 1000)
                    run = one_run(app, sim, cause, rng, args.short_down_max_ms)
                    runs.append(run)
                    if args.verbose or not run["right"]:
                        print("%2d %-28s %s" % (i + 1, cause, {k: (round(v) if isinstance(v, float) else v)
                                                               for k, v in run.items() if k != "cause"}), flush=True)
                if not args.verbose:
                    print("round %d/%d done" % (i + 1, args.runs), flush=True)
            report(runs, args)
            if args.idle_seconds:
                wait_until(lambda: own_vlm_loaded(app, sim), "the VLM loaded")
                time.sleep(15)
                print("idle CPU, watcher every %d ms: %.2f %% of one core over %d s"
                      % (args.watch_ms, idle_cpu(app, args.idle_seconds), args.idle_seconds), flush=True)
        except BaseException:
            if runs:
                report(runs, args)
            raise
        finally:
            app.stop()
            sim.stop()


if __name__ == "__main__":
    main()

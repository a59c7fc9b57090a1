#!/usr/bin/env python3
"""A compressed week of other clients and an operator (issue 22): the headless jar against the jar's own
simulated Ollama 0.12 (`--simulate-ollama`, eviction gap drawn in --gap-ms for each eviction), and every 6-12 s
one random outside event for --minutes (10): an eviction (llama3:8b or llama3.2:3b, which do not fit beside the
VLM on the --vram-mb GPU, loaded with a keep-alive of 8-40 s), an outside unload of the VLM (keep_alive 0), a
reload of the VLM with other options (num_ctx 8192 or 16384, keep-alive 10-40 s: the manager leaves that
runner's timer alone, so it later expires), an Ollama restart (down 0-1500 ms), or a mode switch (RECORDING,
AUTOPILOT, IDLE). An unload or options reload is sent only while /api/ps lists the VLM ready (else another event
is drawn). A 5 Hz sampler reads /api/ps, then the manager's status, then /api/ps again. Stdlib only; after
./mvnw package:

    tools/compressed-week.py [--minutes 10] [--seed N] [--watch-ms 1000] [--load-ms 2000] [--log FILE]

Definitions (what the report counts):
  sample          one sampler round: /api/ps (A), GET /api/v1/status (S), /api/ps (B), in that order, every 200 ms.
  VLM state       from /api/ps: "loaded" when the VLM is listed with an expiry ahead (or kept forever); else not
                  loaded (absent, loading: Go's zero time as its expiry, or stopping: its expiry passed).
  agrees          S's vlm_state is "loaded" exactly when A and B both say "loaded", and S's vlm_state is not
                  "loaded" exactly when A and B both say not loaded. A sample where A and B differ (Ollama changed
                  while the status was read) agrees by no definition: it is inside the settle window.
  settle window   from a change of the VLM state in /api/ps (the first sample whose A differs from the previous
                  sample's B, or a sample whose A and B differ) for watch interval + 500 ms: the watcher looks once
                  per watch interval, and the 500 ms cover the sampler's own 200 ms step and the look's round.
                  Agreement is counted over the samples outside it; the samples inside are counted apart.
  removal         the VLM listed ready (or loading: then the naming is optional, the manager never had it) when
                  the script evicted, unloaded, reloaded it with other options or restarted Ollama; expected cause
                  evicted / unloaded_outside / reloaded_with_other_options / ollama_restarted. And an expiry:
                  the VLM ready with a finite expires_at, then gone at the sample after that expiry passed, with
                  no script event between (expected cause expired).
  named right     the first removal-type vlm_drift event (evicted, unloaded_outside, reloaded_with_other_options,
                  ollama_restarted, expired, cause_unknown) that arrives after the removal and within 10 s, not
                  already used by an earlier removal, has the expected cause (an eviction: and names the model
                  the script loaded). Any removal-type event left over is reported as unexplained.
  GPU free        A and B list no model other than the VLM.
  event           any script event (mode switches included), another model appearing in or leaving /api/ps,
                  or the VLM's expiry.
  loaded when due samples in RECORDING (the mode the script last set) with the GPU free and A == B, more than
                  watch interval + load time + 2 s after the latest event: the share where the VLM state is loaded.
Goals: agrees >= 99 %, every removal named right, loaded when due >= 99 %.
"""
import argparse
import collections
import datetime
import random
import sys
import tempfile
import threading
import time

sys.path.insert(0, str(__import__("pathlib").Path(__file__).resolve().parent))
from manager_harness import (JAR, REMOVALS, VLM, App, PsReader, Simulator, drift_cause, go_time,  # noqa: E402
                             ps_state, vlm_entry)

EVICTORS = ["llama3:8b", "llama3.2:3b"]
MODES = ["recording", "autopilot", "idle"]
KINDS = ["evict", "unload", "options", "restart", "mode"]
WEIGHTS = [0.25, 0.2, 0.15, 0.15, 0.25]
EXPECT = {"evict": "evicted", "unload": "unloaded_outside", "options": "reloaded_with_other_options",
          "restart": "ollama_restarted"}


class Sampler(threading.Thread):
    """Every 200 ms: /api/ps, the status, /api/ps."""

    def __init__(self, sim, app):
        super().__init__(daemon=True)
        self.ps = PsReader(sim)
        self.status = app.reader()
        self.samples = []  # dicts
        self.running = True

    def run(self):
        next_at = time.monotonic()
        while self.running:
            t = time.monotonic()
            wall = datetime.datetime.now(datetime.timezone.utc)
            a = self.ps.models()
            a_wall = datetime.datetime.now(datetime.timezone.utc)
            try:
                s = self.status.status()
            except (OSError, ValueError):
                s = None
            b = self.ps.models()
            b_wall = datetime.datetime.now(datetime.timezone.utc)
            # the VLM state as of each read (an expiry is judged against the moment of the read)
            self.samples.append({"t": t, "wall": wall, "a": a, "s": s, "b": b,
                                 "a_state": state_of(a, a_wall), "b_state": state_of(b, b_wall)})
            next_at += 0.2
            time.sleep(max(0.0, next_at - time.monotonic()))


def state_of(models, at=None):
    if models is None:
        return "away"  # Ollama restarting: nothing listed
    return ps_state(vlm_entry(models), at)


def others(models):
    return sorted(m["name"] for m in (models or []) if m.get("name") != VLM)


class Week:
    def __init__(self, sim, app, rng, args):
        self.sim, self.app, self.rng, self.args = sim, app, rng, args
        self.actions = []  # dicts: t, kind, detail, vlm_before
        self.mode = "recording"
        self.mode_log = [(time.monotonic(), "recording")]
        self.workers = []

    def vlm_now(self):
        try:
            return state_of(self.sim.ps())
        except OSError:
            return "away"

    def background(self, body):
        worker = threading.Thread(target=lambda: self._quiet(body), daemon=True)
        worker.start()
        self.workers.append(worker)

    def _quiet(self, body):
        try:
            self.sim.generate(body, timeout=120)
        except OSError:
            pass  # Ollama restarted under it, as a real client would see

    def act(self):
        before = self.vlm_now()
        kinds = [k for k in KINDS if before == "loaded" or k not in ("unload", "options")]
        kind = self.rng.choices(kinds, [WEIGHTS[KINDS.index(k)] for k in kinds])[0]
        t = time.monotonic()
        action = {"t": t, "kind": kind, "vlm_before": before, "mode": self.mode}
        if kind == "evict":
            try:
                resident = {m["name"] for m in self.sim.ps()}
            except OSError:
                resident = set()
            choices = [m for m in EVICTORS if m not in resident] or EVICTORS
            model = self.rng.choice(choices)
            keep = self.rng.randint(8, 40)
            action["detail"] = "%s keep_alive %ds" % (model, keep)
            action["model"] = model
            action["t"] = time.monotonic()
            self.background({"model": model, "keep_alive": "%ds" % keep})
        elif kind == "unload":
            action["detail"] = "keep_alive 0"
            action["t"] = time.monotonic()
            self.sim.generate({"model": VLM, "keep_alive": 0})
        elif kind == "options":
            entry = vlm_entry(self.sim.ps()) or {}
            ctx = 16384 if entry.get("context_length") == 8192 else 8192
            keep = self.rng.randint(10, 40)
            action["detail"] = "num_ctx %d keep_alive %ds" % (ctx, keep)
            action["t"] = time.monotonic()
            self.background({"model": VLM, "options": {"num_ctx": ctx}, "keep_alive": "%ds" % keep})
        elif kind == "restart":
            down = self.rng.randint(0, 1500)
            action["detail"] = "down %d ms" % down
            action["t"] = time.monotonic()
            self.sim.restart(down)
        else:
            mode = self.rng.choices([m for m in MODES if m != self.mode],
                                    [{"recording": 2, "autopilot": 1, "idle": 1}[m] for m in MODES if m != self.mode])[0]
            action["detail"] = mode
            action["t"] = time.monotonic()
            self.mode = mode
            self.mode_log.append((action["t"], mode))
            threading.Thread(target=lambda: self.app.mode(mode), daemon=True).start()
        self.actions.append(action)
        return action


def mode_at(mode_log, t):
    current = mode_log[0][1]
    for at, mode in mode_log:
        if at <= t:
            current = mode
    return current


def analyse(week, samples, drifts, args, out):
    watch = args.watch_ms / 1000
    window = watch + 0.5
    due = watch + args.load_ms / 1000 + 2
    good = [s for s in samples if s["s"] is not None]
    # changes of the VLM state and of the other models, as the sampler saw them
    changes, events = [], [a["t"] for a in week.actions]
    previous = None
    expiries = []
    for s in good:
        a_state, b_state = s["a_state"], s["b_state"]
        if previous is not None:
            if (previous["b_state"] == "loaded") != (a_state == "loaded") or a_state != b_state:
                changes.append(s["t"])
            if previous["b"] is not None and s["a"] is not None and others(previous["b"]) != others(s["a"]):
                events.append(s["t"])
            last = vlm_entry(previous["b"] or [])
            if last is not None and previous["b_state"] == "loaded" and a_state != "loaded":
                expires = go_time(last.get("expires_at"))
                if expires is not None and expires.year < 2200:
                    at = s["t"] - (s["wall"] - expires).total_seconds()
                    if previous["t"] - 0.05 <= at <= s["t"] + 0.05:
                        expiries.append(at)
                        events.append(at)
        previous = s
    changes.sort()
    events.sort()

    def recent(times, t, span):
        # any time in (t - span, t]
        import bisect
        i = bisect.bisect_right(times, t)
        return i > 0 and times[i - 1] > t - span

    agree = disagree = inside = 0
    disagreements = []
    due_total = due_loaded = 0
    not_loaded_when_due = []
    for s in good:
        a_state, b_state = s["a_state"], s["b_state"]
        status_loaded = s["s"].get("vlm_state") == "loaded"
        if a_state != b_state or recent(changes, s["t"], window):
            inside += 1
        elif status_loaded == (a_state == "loaded"):
            agree += 1
        else:
            disagree += 1
            disagreements.append(s)
        if (mode_at(week.mode_log, s["t"]) == "recording" and a_state == b_state and not others(s["a"])
                and not others(s["b"]) and s["a"] is not None and s["b"] is not None
                and not recent(events, s["t"], due)):
            due_total += 1
            if a_state == "loaded":
                due_loaded += 1
            else:
                not_loaded_when_due.append(s)

    # removals: what the script did to a VLM that was there, and the expiries seen
    removals = []
    for a in week.actions:
        if a["kind"] in EXPECT and a["vlm_before"] in ("loaded", "loading"):
            removals.append({"t": a["t"], "cause": EXPECT[a["kind"]], "optional": a["vlm_before"] == "loading",
                             "action": a})
    for at in expiries:
        if not any(at - 1.0 <= a["t"] <= at + 0.3 for a in week.actions):
            removals.append({"t": at, "cause": "expired", "optional": False, "action": {"kind": "expiry"}})
    removals.sort(key=lambda r: r["t"])
    removal_events = [(t, e) for t, e in drifts if drift_cause(e) in REMOVALS]
    used = set()
    right = wrong = missed = 0
    optional_named = optional_total = 0
    problems = []
    for r in removals:
        match = None
        for i, (t, e) in enumerate(removal_events):
            if i not in used and r["t"] - 0.05 <= t <= r["t"] + 10:
                match = i
                break
        if r["optional"]:
            optional_total += 1
            if match is not None and drift_cause(removal_events[match][1]) == r["cause"]:
                used.add(match)
                optional_named += 1
            continue
        if match is None:
            missed += 1
            problems.append("MISSED %s at %.1f s (%s)" % (r["cause"], r["t"] - week.t0, r["action"]))
            continue
        used.add(match)
        t, e = removal_events[match]
        cause = drift_cause(e)
        ok = cause == r["cause"]
        if ok and r["cause"] == "evicted":
            ok = e["details"].get("other_model") == r["action"].get("model")
        if ok:
            right += 1
        else:
            wrong += 1
            problems.append("WRONG %s at %.1f s named %s (other_model %s) after %.1f s (%s)"
                            % (r["cause"], r["t"] - week.t0, cause, e["details"].get("other_model"), t - r["t"],
                               r["action"]))
    unexplained = [(t, e) for i, (t, e) in enumerate(removal_events) if i not in used]
    for t, e in unexplained:
        problems.append("UNEXPLAINED %s at %.1f s: %s" % (drift_cause(e), t - week.t0, e["details"].get("observed")))

    required = right + wrong + missed
    kinds = collections.Counter(a["kind"] for a in week.actions)
    modes = collections.Counter(a["detail"] for a in week.actions if a["kind"] == "mode")
    causes = collections.Counter(drift_cause(e) for _, e in drifts)
    total_outside = agree + disagree
    print()
    print("compressed week: %.1f min, %d outside events (%s; mode switches %s), watch interval %d ms, load %d ms, "
          "eviction gap %s ms, GPU %d MB, seed %s" % (args.minutes, len(week.actions),
                                                     ", ".join("%s %d" % (k, kinds[k]) for k in KINDS),
                                                     dict(modes), args.watch_ms, args.load_ms, args.gap_ms,
                                                     args.vram_mb, args.seed))
    print("drift events: %s" % dict(causes))
    print()
    print("| measure | result | goal |")
    print("| --- | --- | --- |")
    print("| status agrees with /api/ps, samples outside the settle window | %.2f %% (%d of %d; %d samples inside "
          "the window) | >= 99 %% |" % (100.0 * agree / max(1, total_outside), agree, total_outside, inside))
    print("| removals named right | %d of %d (%d wrong, %d missed, %d unexplained events; and %d of %d removals of a "
          "VLM still loading) | every one |" % (right, required, wrong, missed, len(unexplained), optional_named,
                                                 optional_total))
    print("| VLM loaded in RECORDING with the GPU free, outside %.0f s after an event | %.2f %% (%d of %d samples) "
          "| >= 99 %% |" % (due, 100.0 * due_loaded / max(1, due_total), due_loaded, due_total))
    print()
    for p in problems:
        print(p)
    for label, rows in (("DISAGREES", disagreements), ("NOT LOADED WHEN DUE", not_loaded_when_due)):
        # one line per run of consecutive samples
        runs = []
        for s in rows:
            if runs and s["t"] - runs[-1][-1]["t"] < 0.35:
                runs[-1].append(s)
            else:
                runs.append([s])
        for run in runs:
            s = run[0]
            last_event = max([e for e in events if e <= s["t"]], default=week.t0)
            last_change = max([c for c in changes if c <= s["t"]], default=week.t0)
            print("%s at %.1f s for %.1f s: ps %s, status %s, others %s, mode %s; %.1f s after the last event, "
                  "%.1f s after the last VLM change" % (label, s["t"] - week.t0, run[-1]["t"] - s["t"] + 0.2,
                                                       s["a_state"], s["s"].get("vlm_state"), others(s["a"]),
                                                       mode_at(week.mode_log, s["t"]), s["t"] - last_event,
                                                       s["t"] - last_change))
    sys.stdout.flush()
    if out:
        with open(out, "w") as log:
            for a in week.actions:
                log.write("%8.2f action %s %s (VLM %s, mode %s)\n" % (a["t"] - week.t0, a["kind"], a.get("detail"),
                                                                      a["vlm_before"], a["mode"]))
            for t, e in drifts:
                log.write("%8.2f event %s %s\n" % (t - week.t0, e.get("type"), e.get("details")))
            for s in samples:
                log.write("%8.2f sample ps %s/%s status %s others %s\n" % (
                    s["t"] - week.t0, s["a_state"], s["b_state"], (s["s"] or {}).get("vlm_state"),
                    others(s["a"])))
    return {"agree": agree / max(1, total_outside), "named": (right, required), "due": due_loaded / max(1, due_total)}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jar", default=str(JAR))
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--watch-ms", type=int, default=1000)
    parser.add_argument("--load-ms", type=int, default=2000)
    parser.add_argument("--gap-ms", default="300-1500")
    parser.add_argument("--vram-mb", type=int, default=12_000)
    parser.add_argument("--log", default=None, help="write every event, drift and sample to FILE")
    args = parser.parse_args()
    if args.seed is None:
        args.seed = random.randrange(1 << 30)
    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory() as scratch:
        sim = Simulator(args.jar, args.load_ms, args.gap_ms, args.vram_mb)
        app = App(args.jar, sim.port, args.watch_ms, scratch)
        try:
            deadline = time.monotonic() + 60
            while not (app.status()["vlm_state"] == "loaded" and state_of(sim.ps()) == "loaded"):
                if time.monotonic() > deadline:
                    raise SystemExit("the VLM did not load")
                time.sleep(0.1)
            week = Week(sim, app, rng, args)
            mark = app.events.mark()
            sampler = Sampler(sim, app)
            week.t0 = time.monotonic()
            sampler.start()
            end = week.t0 + args.minutes * 60
            next_at = week.t0 + rng.uniform(6, 12)
            while True:
                time.sleep(max(0.0, next_at - time.monotonic()))
                if time.monotonic() >= end:
                    break
                action = week.act()
                print("%7.1f s %-8s %s (VLM %s)" % (action["t"] - week.t0, action["kind"], action.get("detail", ""),
                                                   action["vlm_before"]), flush=True)
                next_at += rng.uniform(6, 12)
            time.sleep(10)  # the last removal named, the last reload done
            sampler.running = False
            sampler.join()
            drifts = [(t, e) for t, e in app.events.since(mark) if drift_cause(e) is not None]
            analyse(week, sampler.samples, drifts, args, args.log)
        finally:
            app.stop()
            sim.stop()


if __name__ == "__main__":
    main()

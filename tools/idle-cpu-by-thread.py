#!/usr/bin/env python3
"""The app's idle CPU, per thread, as the installed launcher runs it.

Starts the jar's simulated Ollama (--simulate-ollama, through tools/simulated_ollama.py) and the jar (with the JVM
options of packaging/common/app-image.args, less the AppCDS ones) in RECORDING with the VLM loaded (or --mode), waits
--warm seconds, then reads every thread's CPU time from /proc over --window seconds and prints the total and the
busiest threads as a share of one core. Linux only.

    tools/idle-cpu-by-thread.py --warm 900 --window 300 --pin 1     the README's figures
    tools/idle-cpu-by-thread.py --java-opt=-XX:+UsePerfData          the same with the JVM's sampler on
    tools/idle-cpu-by-thread.py --panel --nvml target/nvml-stub/v3/libnvidia-ml.so.1 --warm 300 --window 120 --pin 1
        the control panel at 2560x1600 under its own Xvfb, against the stub NVML GPU the tests build
    tools/idle-cpu-by-thread.py --bare --warm 300 --window 120 --pin 1
        the baseline: a bare JavaFX "hello" window (tools/bare-javafx-window) with the same JVM options and display;
        the panel's own cost is its figure less this one (run both at once on one $DISPLAY to share conditions)
"""
import argparse
import json
import os
import re
import shlex
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
import simulated_ollama  # noqa: E402


def launcher_options():
    options = []
    for line in (ROOT / "packaging/common/app-image.args").read_text().splitlines():
        m = re.match(r'--java-options\s+"(.*)"', line.strip())
        if m and "$APPDIR" not in m.group(1) and not m.group(1).startswith("-Xshare"):
            options.append(m.group(1))
    return options


def thread_ticks(pid):
    ticks = {}
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            name = Path(f"/proc/{pid}/task/{tid}/comm").read_text().strip()
            fields = Path(f"/proc/{pid}/task/{tid}/stat").read_text().rsplit(")", 1)[1].split()
            ticks[tid] = (name, int(fields[11]) + int(fields[12]))
        except OSError:
            pass
    return ticks


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--jar", default=str(ROOT / "target/gpu-resource-manager.jar"))
    parser.add_argument("--watch-ms", type=int, default=1000)
    parser.add_argument("--warm", type=int, default=900, help="seconds before measuring (the JIT settles)")
    parser.add_argument("--window", type=int, default=300)
    parser.add_argument("--pin", help="CPU list for taskset, e.g. 1: other work on the machine then disturbs less")
    parser.add_argument("--java-opt", action="append", default=[], help="an extra JVM option (repeatable)")
    parser.add_argument("--port", type=int, default=0, help="the simulated Ollama's port (0: any free one)")
    parser.add_argument("--panel", action="store_true",
                        help="show the control panel (instead of --headless): on $DISPLAY, else under its own Xvfb")
    parser.add_argument("--bare", action="store_true",
                        help="measure a bare JavaFX window instead of the app (with the app's JVM options and JavaFX)")
    parser.add_argument("--screen", default="2560x1600x24", help="Xvfb's screen with --panel")
    parser.add_argument("--nvml", help="nvml_library_path, e.g. the stub the tests build (NVML_STUB_DEVICES sets its GPU)")
    parser.add_argument("--idle-timeout", type=int,
                        help="idle_timeout_seconds (default the app's 300: past it RECORDING has unloaded the VLM)")
    parser.add_argument("--mode", default="recording", choices=["idle", "recording", "autopilot"])
    parser.add_argument("--log", help="write the app's console here (e.g. with --java-opt=-Djavafx.pulseLogger=true)")
    args = parser.parse_args()
    pin = ["taskset", "-c", args.pin] if args.pin else []
    # The simulator on the pinned core too, as the look-alike it replaces was; a load takes 200 ms.
    with simulated_ollama.start(["--sim-load-ms", "200"], port=args.port, jar=args.jar, prefix=pin) as ollama, \
            tempfile.TemporaryDirectory() as scratch:
        config = Path(scratch, "config.json")
        settings = {"ollama_endpoint": ollama.endpoint, "api_port": 0,
                    "ollama_watch_interval_ms": args.watch_ms}
        if args.idle_timeout is not None:
            settings["idle_timeout_seconds"] = args.idle_timeout
        if args.nvml:
            settings["nvml_library_path"] = str(Path(args.nvml).resolve())
        config.write_text(json.dumps(settings))
        env = dict(os.environ, XDG_DATA_HOME=scratch, XDG_CONFIG_HOME=scratch, XDG_STATE_HOME=scratch)
        env.setdefault("NVML_STUB_DEVICES", "RTX 4090 stub,24564,1310,5")
        xvfb = None
        if (args.panel or args.bare) and not env.get("DISPLAY"):
            # -displayfd: Xvfb picks a free display and writes its number once it accepts clients
            read_end, write_end = os.pipe()
            xvfb = subprocess.Popen(["Xvfb", "-displayfd", str(write_end), "-screen", "0", args.screen,
                                     "-nolisten", "tcp"], pass_fds=(write_end,),
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            os.close(write_end)
            with os.fdopen(read_end) as number:
                env["DISPLAY"] = ":" + number.readline().strip()
        # ActiveProcessorCount keeps the JVM's ergonomics (compiler threads, GC) as on the whole machine when pinned.
        jvm = launcher_options() + [f"-XX:ActiveProcessorCount={os.cpu_count()}"] + args.java_opt
        if args.bare:
            javafx = sorted(str(j) for j in Path(args.jar).parent.glob("lib/javafx-*.jar"))
            command = pin + ["java"] + jvm + ["--module-path", os.pathsep.join(javafx),
                                              "--add-modules", "javafx.controls",
                                              str(ROOT / "tools/bare-javafx-window/BareJavaFxWindow.java")]
        else:
            command = pin + ["java"] + jvm + ["-jar", args.jar] + ([] if args.panel else ["--headless"]) \
                + ["--config", str(config), "--mode", args.mode]
        print("$", " ".join(shlex.quote(c) for c in command), flush=True)
        console = open(args.log, "w") if args.log else subprocess.DEVNULL
        app = subprocess.Popen(command, env=env, stdout=console, stderr=subprocess.STDOUT)
        try:
            time.sleep(args.warm)
            hz = os.sysconf("SC_CLK_TCK")
            before, t0 = thread_ticks(app.pid), time.monotonic()
            time.sleep(args.window)
            after, elapsed = thread_ticks(app.pid), time.monotonic() - t0
            rows = sorted(((t - before.get(tid, (n, 0))[1], n) for tid, (n, t) in after.items()), reverse=True)
            total = sum(d for d, _ in rows)
            print("total %.3f %% of one core over %.0f s (after %d s of warm-up)"
                  % (100 * total / hz / elapsed, elapsed, args.warm))
            for d, name in rows[:12]:
                if d:
                    print("  %6.3f %%  %s" % (100 * d / hz / elapsed, name))
        finally:
            app.terminate()
            app.wait(10)
            if xvfb:
                xvfb.terminate()


if __name__ == "__main__":
    main()

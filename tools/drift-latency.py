#!/usr/bin/env python3
"""How fast the manager sees and repairs what another client does to Ollama, as a user sees it: the headless
jar against the Python Ollama look-alike, another client's requests sent straight to the look-alike, and the
status read through the control API with Python's http.client. Stdlib only; run after ./mvnw package:

    tools/drift-latency.py [--rounds 20] [--watch-ms 1000] [--load-ms 2000] [--idle-seconds 60]

Reports, in RECORDING:
  - detection: outside unload (keep_alive 0 from another client) -> the status names the drift (p50/p95);
  - convergence: the same unload -> the VLM loaded again in Ollama and the status says "loaded";
  - an Ollama restart (process killed and started again on the same port) -> detection and convergence;
  - the headless app's idle CPU with the watcher at --watch-ms and, for comparison, at 60000 ms.
Goals (issue 11): detection <= watch interval + 100 ms; convergence <= load time + 1 s; idle CPU < 0.3 % of a core.
"""
import argparse
import http.client
import json
import os
import pathlib
import signal
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent
MODEL = "qwen3-vl:8b"


class Lookalike:
    def __init__(self, load_ms, port=0):
        self.load_ms = load_ms
        self.port = port
        self.start()

    def start(self):
        self.proc = subprocess.Popen([sys.executable, str(ROOT / "tools/ollama-lookalike.py"), "--port", str(self.port),
                                      "--load-ms", str(self.load_ms)], stdout=subprocess.PIPE, text=True)
        line = self.proc.stdout.readline()
        if not line.startswith("listening"):
            raise SystemExit("look-alike did not start: " + line)
        self.port = int(line.split()[1])

    def restart(self):
        self.proc.kill()
        self.proc.wait()
        self.start()

    def call(self, method, path, body=None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        try:
            conn.request(method, path, None if body is None else json.dumps(body), {"Content-Type": "application/json"})
            answer = conn.getresponse()
            return json.loads(answer.read() or b"{}")
        finally:
            conn.close()

    def serving(self):
        return any(m["name"] == MODEL for m in self.call("GET", "/api/ps").get("models", []))

    def stop(self):
        self.proc.kill()
        self.proc.wait()


class App:
    def __init__(self, jar, lookalike, watch_ms, scratch, java_opts=()):
        config = pathlib.Path(scratch) / ("config-%d.json" % watch_ms)
        config.write_text(json.dumps({"ollama_endpoint": "http://127.0.0.1:%d" % lookalike.port, "api_port": 0,
                                      "proxy_port": 0, "ollama_watch_interval_ms": watch_ms, "idle_timeout_seconds": 0,
                                      "nvml_library_path": "/nonexistent/libnvidia-ml.so", "nvidia_smi_path": "/nonexistent"}))
        env = dict(os.environ, XDG_DATA_HOME=str(pathlib.Path(scratch) / ("data-%d" % watch_ms)))
        self.api_json = pathlib.Path(env["XDG_DATA_HOME"]) / "gpu-resource-manager" / "api.json"
        self.proc = subprocess.Popen(["java", *java_opts, "-jar", str(jar), "--headless", "--config", str(config), "--mode", "recording"],
                                     env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 60
        while not self.api_json.exists():
            if time.monotonic() > deadline or self.proc.poll() is not None:
                raise SystemExit("the app did not write api.json")
            time.sleep(0.05)
        time.sleep(0.2)
        info = json.loads(self.api_json.read_text())
        self.port, self.token = info["port"], info["token"]
        self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)

    def status(self):
        self.conn.request("GET", "/api/v1/status", headers={"Authorization": "Bearer " + self.token})
        return json.loads(self.conn.getresponse().read())

    def recording_again(self):
        """The operator's switch to RECORDING: the manager counts removals afresh (else the third in two minutes
        makes the VLM contended and it stops reloading, as it should)."""
        self.conn.request("POST", "/api/v1/mode", json.dumps({"mode": "recording"}),
                          {"Authorization": "Bearer " + self.token, "Content-Type": "application/json"})
        self.conn.getresponse().read()

    def cpu_seconds(self):
        fields = pathlib.Path("/proc/%d/stat" % self.proc.pid).read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        self.proc.wait(timeout=30)


def wait_until(predicate, what, limit=30.0, step=0.005):
    start = time.monotonic()
    while time.monotonic() - start < limit:
        if predicate():
            return time.monotonic()
        time.sleep(step)
    raise SystemExit("timed out waiting for " + what)


def measure(app, lookalike, outside, rounds):
    detect, converge = [], []
    for _ in range(rounds):
        wait_until(lambda: app.status()["vlm_state"] == "loaded" and lookalike.serving(), "the VLM loaded")
        app.recording_again()
        time.sleep(0.3 + (len(detect) % 7) / 10)  # anywhere inside a watch interval
        before = app.status().get("last_drift")
        t0 = time.monotonic()
        outside()
        t_seen = wait_until(lambda: app.status().get("last_drift") != before, "the drift in the status")
        t_back = wait_until(lambda: app.status()["vlm_state"] == "loaded" and lookalike.serving(), "the VLM back")
        detect.append((t_seen - t0) * 1000)
        converge.append((t_back - t0) * 1000)
    return detect, converge


def pct(values, q):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))]


def report(name, values):
    print("%-42s p50 %7.0f ms   p95 %7.0f ms   (n=%d, min %.0f, max %.0f)"
          % (name, statistics.median(values), pct(values, 0.95), len(values), min(values), max(values)), flush=True)


def idle_cpu(app, seconds):
    c0, t0 = app.cpu_seconds(), time.monotonic()
    time.sleep(seconds)
    return 100 * (app.cpu_seconds() - c0) / (time.monotonic() - t0)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jar", default=str(ROOT / "target/gpu-resource-manager.jar"))
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--watch-ms", type=int, default=1000)
    parser.add_argument("--load-ms", type=int, default=2000)
    parser.add_argument("--idle-seconds", type=int, default=60)
    parser.add_argument("--idle-only", action="store_true", help="only the idle CPU figures")
    parser.add_argument("--java-opt", action="append", default=[],
                        help="a JVM option, e.g. -XX:+UseSerialGC or -XX:-UsePerfData as the installed "
                             "launcher has (repeatable; see packaging/common/app-image.args)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        lookalike = Lookalike(args.load_ms)
        app = App(args.jar, lookalike, args.watch_ms, scratch, args.java_opt)
        try:
            print("watch interval %d ms, simulated load %d ms, JVM options %s" % (args.watch_ms, args.load_ms,
                                                                             args.java_opt or "none"), flush=True)
            if args.idle_only:
                wait_until(lambda: app.status()["vlm_state"] == "loaded", "the VLM loaded")
                time.sleep(15)
                print("idle CPU, watcher every %d ms: %.2f %% of one core over %d s"
                      % (args.watch_ms, idle_cpu(app, args.idle_seconds), args.idle_seconds), flush=True)
                lookalike.stop()
                return
            unload = lambda: lookalike.call("POST", "/api/generate", {"model": MODEL, "keep_alive": 0, "stream": False})
            d, c = measure(app, lookalike, unload, args.rounds)
            report("outside unload: detection", d)
            report("outside unload: convergence (reloaded)", c)
            d, c = measure(app, lookalike, lookalike.restart, max(5, args.rounds // 4))
            report("Ollama restart: detection", d)
            report("Ollama restart: convergence (reloaded)", c)
            wait_until(lambda: app.status()["vlm_state"] == "loaded", "the VLM loaded")
            time.sleep(15)
            print("idle CPU, watcher every %d ms: %.2f %% of one core over %d s"
                  % (args.watch_ms, idle_cpu(app, args.idle_seconds), args.idle_seconds), flush=True)
        finally:
            app.stop()
        slow = App(args.jar, lookalike, 60_000, scratch, args.java_opt)
        try:
            wait_until(lambda: slow.status()["vlm_state"] == "loaded", "the VLM loaded")
            time.sleep(15)
            print("idle CPU, watcher every 60000 ms: %.2f %% of one core over %d s"
                  % (idle_cpu(slow, args.idle_seconds), args.idle_seconds), flush=True)
        finally:
            slow.stop()
            lookalike.stop()


if __name__ == "__main__":
    main()

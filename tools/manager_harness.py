"""What tools/drift-latency.py and tools/compressed-week.py share: the simulated Ollama (the jar's own
`--simulate-ollama`, Ollama 0.12's scheduler with its eviction gap), the headless app as a user runs it, its
control API read with http.client, and its event stream (Server-Sent Events) read on a thread of its own.
Stdlib only."""
import datetime
import http.client
import json
import os
import pathlib
import signal
import subprocess
import threading
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent
JAR = ROOT / "target/gpu-resource-manager.jar"
VLM = "qwen3-vl:8b"
#: the models the simulator has pulled by default, in MB of VRAM (CommandLine's defaults)
MODELS_MB = {"qwen3-vl:8b": 10_540, "llama3.2:3b": 2_600, "llama3:8b": 4_000}
#: the causes that name why the VLM left Ollama
REMOVALS = {"evicted", "reloaded_with_other_options", "ollama_restarted", "expired", "unloaded_outside", "cause_unknown"}


def require_jar(jar=JAR):
    """Stops a script with one clear line when the jar it runs has not been built."""
    if not pathlib.Path(jar).exists():
        raise SystemExit("%s is missing: build it first with ./mvnw -B -ntp package -DskipTests" % jar)


def http_json(port, method, path, body=None, headers=None, timeout=30):
    """One request on a fresh connection (as another Ollama client would send it); the answer's JSON."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request(method, path, None if body is None else json.dumps(body),
                     dict({"Content-Type": "application/json"}, **(headers or {})))
        answer = conn.getresponse()
        raw = answer.read()
        try:
            return json.loads(raw or b"{}")
        except ValueError:
            return {"raw": raw.decode("utf-8", "replace"), "status": answer.status}
    finally:
        conn.close()


def go_time(text):
    """Ollama's expires_at (RFC 3339 with nanoseconds) as an aware datetime; None when absent."""
    if not text:
        return None
    main, _, rest = text.partition(".")
    if rest:
        digits = "".join(c for c in rest if c.isdigit())
        zone = rest[len(digits):]
        text = main + "." + digits[:6] + zone
    return datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))


def vlm_entry(models):
    return next((m for m in models if m.get("name") == VLM), None)


def ps_state(entry, now=None):
    """What /api/ps says of one model: 'absent', 'loading' (Go's zero time as expiry), 'stopping' (expiry in
    the past) or 'loaded' (ready, expiry ahead or kept forever)."""
    if entry is None:
        return "absent"
    expires = go_time(entry.get("expires_at"))
    if expires is None:
        return "loaded"
    if expires.year < 1000:
        return "loading"
    now = now or datetime.datetime.now(datetime.timezone.utc)
    return "loaded" if expires > now else "stopping"


def kept_forever(entry):
    expires = go_time(entry.get("expires_at")) if entry else None
    return expires is not None and expires.year > 2200


def held_by_lease(entry, lease_s=180, tolerance_s=5):
    """Ready and held by the manager's finite lease (vlm_lease_seconds, renewed every third of it), not forever."""
    expires = go_time(entry.get("expires_at")) if entry else None
    if expires is None or expires.year > 2200:
        return False
    left = (expires - datetime.datetime.now(datetime.timezone.utc)).total_seconds()
    return 0 < left <= lease_s + tolerance_s


class Simulator:
    """`java -jar gpu-resource-manager.jar --simulate-ollama PORT` with the given --sim-* options; restarted on
    the same port (the process killed and started again), or through its own POST /_simulator/restart."""

    def __init__(self, jar, load_ms, gap_ms, vram_mb, extra=(), port=0):
        self.jar, self.load_ms, self.gap_ms, self.vram_mb, self.extra = jar, load_ms, gap_ms, vram_mb, list(extra)
        self.port = port
        self.start()

    def command(self):
        return ["java", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-jar", str(self.jar),
                "--simulate-ollama", str(self.port), "--sim-load-ms", str(self.load_ms), "--sim-gap-ms", self.gap_ms,
                "--sim-vram-mb", str(self.vram_mb), *self.extra]

    def start(self):
        self.proc = subprocess.Popen(self.command(), stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        while True:
            line = self.proc.stdout.readline()
            if not line:
                raise SystemExit("the simulated Ollama did not start: " + " ".join(self.command()))
            if line.startswith("listening"):
                self.port = int(line.split()[1])
                return

    def kill(self):
        self.proc.kill()
        self.proc.wait()

    def restart_process(self):
        """Ollama's process killed and started again on the same port: everything forgotten."""
        self.kill()
        self.start()

    def restart(self, down_ms):
        """Ollama restarts in place: every connection closed, refused for down_ms, then up with nothing loaded."""
        return http_json(self.port, "POST", "/_simulator/restart?down_ms=%d" % down_ms)

    def call(self, method, path, body=None, timeout=60):
        return http_json(self.port, method, path, body, timeout=timeout)

    def generate(self, body, timeout=60):
        return self.call("POST", "/api/generate", dict({"stream": False}, **body), timeout)

    def ps(self):
        return self.call("GET", "/api/ps", timeout=10).get("models", [])

    def stop(self):
        self.proc.kill()
        self.proc.wait()


class PsReader:
    """A kept-alive connection to the simulator's /api/ps, for samplers (a fresh connection on failure)."""

    def __init__(self, sim):
        self.sim = sim
        self.conn = None

    def models(self):
        for attempt in range(2):
            try:
                if self.conn is None:
                    self.conn = http.client.HTTPConnection("127.0.0.1", self.sim.port, timeout=10)
                self.conn.request("GET", "/api/ps")
                return json.loads(self.conn.getresponse().read()).get("models", [])
            except (OSError, http.client.HTTPException, ValueError):
                if self.conn is not None:
                    self.conn.close()
                self.conn = None
                if attempt == 1:
                    return None  # Ollama is away (restarting)
        return None


class EventStream(threading.Thread):
    """GET /api/v1/events on its own connection: every event with the monotonic time it arrived."""

    def __init__(self, app):
        super().__init__(daemon=True)
        self.app = app
        self.events = []  # (monotonic seconds, event dict)
        self.cond = threading.Condition()
        self.connected = threading.Event()
        self.stopped = False

    def run(self):
        while not self.stopped:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.app.port, timeout=60)
                conn.request("GET", "/api/v1/events", headers={"Authorization": "Bearer " + self.app.token})
                answer = conn.getresponse()
                while not self.stopped:
                    line = answer.fp.readline()
                    if not line:
                        break
                    line = line.decode("utf-8").rstrip("\n")
                    if line.startswith(": connected"):
                        self.connected.set()
                    elif line.startswith("data: "):
                        event = json.loads(line[6:])
                        with self.cond:
                            self.events.append((time.monotonic(), event))
                            self.cond.notify_all()
            except (OSError, http.client.HTTPException):
                if not self.stopped:
                    time.sleep(0.1)

    def mark(self):
        with self.cond:
            return len(self.events)

    def since(self, index):
        with self.cond:
            return list(self.events[index:])

    def wait_for(self, predicate, after, timeout):
        """The first event from index `after` on that satisfies predicate: (time, event), or None."""
        deadline = time.monotonic() + timeout
        with self.cond:
            while True:
                for t, e in self.events[after:]:
                    if predicate(e):
                        return t, e
                left = deadline - time.monotonic()
                if left <= 0:
                    return None
                self.cond.wait(left)


def drift_cause(event):
    """The cause of a vlm_drift event, else None."""
    if event.get("type") != "vlm_drift":
        return None
    return (event.get("details") or {}).get("cause")


class App:
    """The headless app as a user runs it, against the simulator, with its control API and its event stream."""

    def __init__(self, jar, sim_port, watch_ms, scratch, mode="recording", java_opts=(), config=None, name="app"):
        """mode None: no --mode, so the app takes up the mode the journal in its data dir (data-NAME) names."""
        scratch = pathlib.Path(scratch)
        settings = {"ollama_endpoint": "http://127.0.0.1:%d" % sim_port, "api_port": 0, "proxy_port": 0,
                    "ollama_watch_interval_ms": watch_ms, "idle_timeout_seconds": 0,
                    "nvml_library_path": "/nonexistent/libnvidia-ml.so", "nvidia_smi_path": "/nonexistent"}
        settings.update(config or {})
        config_file = scratch / ("config-%s.json" % name)
        config_file.write_text(json.dumps(settings))
        env = dict(os.environ, XDG_DATA_HOME=str(scratch / ("data-%s" % name)))
        self.api_json = pathlib.Path(env["XDG_DATA_HOME"]) / "gpu-resource-manager" / "api.json"
        # a process killed with -9 leaves its api.json behind: wait for this one's, not the stale one
        stale = self.api_json.read_bytes() if self.api_json.exists() else None
        self.log = open(scratch / ("%s.log" % name), "a")
        self.started = time.monotonic()
        self.proc = subprocess.Popen(["java", *java_opts, "-jar", str(jar), "--headless", "--config", str(config_file),
                                      *([] if mode is None else ["--mode", mode])],
                                     env=env, stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 60
        info = None
        while info is None:
            if time.monotonic() > deadline or self.proc.poll() is not None:
                self.proc.kill()
                self.proc.wait()
                self.log.close()
                raise SystemExit("the app did not write api.json (its output: %s)" % self.log.name)
            try:
                raw = self.api_json.read_bytes()
                info = json.loads(raw) if raw and raw != stale else None
            except (OSError, ValueError):
                info = None  # not there yet, or being written
            if info is None:
                time.sleep(0.02)
        self.api_ready_s = time.monotonic() - self.started
        self.port, self.token = info["port"], info["token"]
        self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        self.lock = threading.Lock()
        self.events = EventStream(self)
        self.events.start()
        if not self.events.connected.wait(10):
            self.kill()
            raise SystemExit("the event stream did not connect")

    def kill(self):
        """kill -9, as a crash or a power cut ends it: nothing runs after it."""
        self.events.stopped = True
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()
        self.log.close()

    def request(self, method, path, body=None):
        with self.lock:
            return self._request(self, method, path, body)

    def _request(self, holder, method, path, body):
        headers = {"Authorization": "Bearer " + self.token}
        if body is not None:
            headers["Content-Type"] = "application/json"
        for attempt in range(2):
            try:
                holder.conn.request(method, path, None if body is None else json.dumps(body), headers)
                return json.loads(holder.conn.getresponse().read() or b"{}")
            except (OSError, http.client.HTTPException):
                holder.conn.close()
                holder.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
                if attempt == 1:
                    raise

    def reader(self):
        """A kept-alive connection of its own (a sampler's), so that a slow mode switch does not hold it up."""
        app = self

        class Reader:
            conn = http.client.HTTPConnection("127.0.0.1", app.port, timeout=30)

            def status(self):
                return app._request(self, "GET", "/api/v1/status", None)
        return Reader()

    def status(self):
        return self.request("GET", "/api/v1/status")

    def mode(self, mode):
        """The operator's switch (to RECORDING again: the manager counts evictions afresh)."""
        return self.request("POST", "/api/v1/mode", {"mode": mode})

    def cpu_seconds(self):
        fields = pathlib.Path("/proc/%d/stat" % self.proc.pid).read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def stop(self):
        self.events.stopped = True
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.log.close()


def wait_until(predicate, what, limit=30.0, step=0.01):
    start = time.monotonic()
    while time.monotonic() - start < limit:
        if predicate():
            return time.monotonic()
        time.sleep(step)
    raise TimeoutError("timed out after %.0f s waiting for %s" % (limit, what))


def pct(values, q):
    """The q-quantile by the nearest rank."""
    values = sorted(values)
    if not values:
        return float("nan")
    return values[min(len(values) - 1, max(0, int(-(-q * len(values) // 1)) - 1))]

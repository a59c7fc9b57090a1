#!/usr/bin/env python3
"""The timing goal of issue 24's hostile table: a legit client is served within 50 ms while 200 slowloris and
2,000 idle connections are open, on every listener (stdlib only, raw sockets).

Starts the jar's simulated Ollama (--simulate-ollama) and the app headless with a scratch configuration (control
API, proxy, and metrics_listen on loopback), then for each listener in turn: times a legit client alone, then opens
2,000 idle connections (connected, nothing sent) and 200 slowloris ones (a request line, then one header byte a
second, never the end of the head; each one answered 408 at the 10 s head timeout is opened again at once, as an
attacker would), and times the same legit client while they stay open. The legit client opens a new connection
per request (the worst case: its connect waits behind the attackers' in the accept queue) and reads the answer to
its end. Prints p50/p99/max of its latency per listener, both ways, the 408s seen, and the app's thread count.
With --uploads N, then N uploads of 255 MB at once to the proxy's /api/generate (a path whose body it reads whole
to find `model`): each one's answer, and the app's resident memory before and at its peak.

    tools/hostile-load.py                        the jar from ./mvnw -o -DskipTests package
    tools/hostile-load.py --requests 600 --rate 20 --slowloris 200 --idle 2000
"""
import argparse
import json
import os
import resource
import socket
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import simulated_ollama  # noqa: E402

JAR = os.path.join(HERE, "..", "target", "gpu-resource-manager.jar")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def raise_fd_limit(wanted):
    """Sockets per side: 2,200 here and as many in the app, which inherits this limit."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < wanted:
        target = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
    soft = resource.getrlimit(resource.RLIMIT_NOFILE)[0]
    if soft < wanted:
        raise SystemExit("ulimit -n is %d, the run needs %d (raise the hard limit)" % (soft, wanted))
    return soft


def legit(port, path, headers):
    """Seconds from connect to the last byte of one request on a fresh connection; its status."""
    start = time.perf_counter()
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        s.sendall(("GET %s HTTP/1.1\r\nHost: 127.0.0.1:%d\r\n%sConnection: close\r\n\r\n"
                   % (path, port, headers)).encode())
        data = b""
        while True:
            piece = s.recv(65536)
            if not piece:
                break
            data += piece
    elapsed = time.perf_counter() - start
    return elapsed, data[9:12].decode(errors="replace")


def series(port, path, headers, requests, rate):
    """The legit client's latencies (ms) at `rate` requests a second; fails on any answer but 200."""
    times = []
    for i in range(requests):
        due = time.perf_counter() + 1.0 / rate
        elapsed, status = legit(port, path, headers)
        if status != "200":
            raise SystemExit("GET %s on %d answered %s" % (path, port, status))
        times.append(elapsed * 1000)
        time.sleep(max(0.0, due - time.perf_counter()))
    return times


class Attack:
    """2,000 idle connections and 200 slowloris ones on one port, kept open (reopened when the server ends one)."""

    def __init__(self, port, path, idle, slowloris):
        self.port, self.path = port, path
        self.idle = [self.connect() for _ in range(idle)]
        self.slow = [self.slowloris() for _ in range(slowloris)]
        self.answers_408 = 0
        self.stopped = False
        self.thread = threading.Thread(target=self.drip, daemon=True)
        self.thread.start()

    def connect(self):
        s = socket.create_connection(("127.0.0.1", self.port), timeout=10)
        s.setblocking(False)
        return s

    def slowloris(self):
        s = self.connect()
        s.send(("GET %s HTTP/1.1\r\nX-" % self.path).encode())
        return s

    def drip(self):
        while not self.stopped:
            tick = time.monotonic()
            for i, s in enumerate(self.slow):
                try:
                    answer = s.recv(4096)
                except BlockingIOError:
                    continue  # still waiting for the end of its head
                except OSError:
                    answer = b""
                if answer.startswith(b"HTTP/1.1 408"):
                    self.answers_408 += 1
                s.close()  # answered or closed: open another one, as an attacker would
                self.slow[i] = self.slowloris()
            for s in self.slow:
                try:
                    s.send(b"a")  # one header byte a second, never the end of the head
                except OSError:
                    pass
            time.sleep(max(0.0, 1.0 - (time.monotonic() - tick)))

    def stop(self):
        self.stopped = True
        self.thread.join()
        for s in self.idle + self.slow:
            s.close()


def uploads(port, count, size, pid):
    """`count` bodies of `size` bytes at once to /api/generate; their answers' status lines and the app's RSS."""
    start = b'{"model":"llava:13b","prompt":"'
    head = ("POST /api/generate HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nContent-Type: application/json\r\n"
            "Content-Length: %d\r\nConnection: close\r\n\r\n" % (port, size)).encode()
    piece = b"a" * (1024 * 1024)
    statuses = [None] * count
    rss = [rss_mb(pid)]
    done = threading.Event()

    def one(i):
        with socket.create_connection(("127.0.0.1", port), timeout=120) as s:
            reader = threading.Thread(target=lambda: statuses.__setitem__(i, read_status(s)), daemon=True)
            reader.start()  # the answer may come before the body has all gone (a 503 does)
            try:
                s.sendall(head + start)
                left = size - len(start) - 2
                while left > 0 and statuses[i] is None:
                    s.sendall(piece[:min(left, len(piece))])
                    left -= min(left, len(piece))
                s.sendall(b'"}')
            except OSError:
                pass
            reader.join(120)

    def sample():
        while not done.is_set():
            rss.append(rss_mb(pid))
            time.sleep(0.05)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    senders = [threading.Thread(target=one, args=(i,)) for i in range(count)]
    for t in senders:
        t.start()
    for t in senders:
        t.join()
    done.set()
    sampler.join()
    return statuses, rss[0], max(rss)


def read_status(s):
    line = b""
    try:
        while b"\r\n" not in line:
            piece = s.recv(4096)
            if not piece:
                break
            line += piece
    except OSError:
        pass
    return line.split(b"\r\n", 1)[0].decode(errors="replace") or "(closed, no answer)"


def rss_mb(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) // 1024
    return -1


def threads_of(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("Threads:"):
                return int(line.split()[1])
    return -1


def pct(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def start_app(jar, ollama, scratch):
    proxy_port, api_port, metrics_port = free_port(), free_port(), free_port()
    config = os.path.join(scratch, "config.json")
    with open(config, "w") as f:
        json.dump({"ollama_endpoint": ollama, "proxy_port": proxy_port, "api_port": api_port,
                   "metrics_listen": "127.0.0.1:%d" % metrics_port, "idle_timeout_seconds": 0,
                   "nvml_library_path": "/nonexistent/libnvidia-ml.so", "nvidia_smi_path": "/nonexistent"}, f)
    env = dict(os.environ, XDG_CONFIG_HOME=os.path.join(scratch, "config"), XDG_DATA_HOME=os.path.join(scratch, "data"))
    log = open(os.path.join(scratch, "app.log"), "w")
    app = subprocess.Popen(["java", "-jar", jar, "--headless", "--config", config], env=env, stdout=log,
                           stderr=subprocess.STDOUT)
    api_json = os.path.join(scratch, "data", "gpu-resource-manager", "api.json")
    deadline = time.time() + 60
    while True:
        if app.poll() is not None or time.time() > deadline:
            raise SystemExit("the app did not start (its output: %s)" % log.name)
        try:
            with open(api_json) as f:
                info = json.load(f)
            legit(proxy_port, "/api/tags", "")
            legit(metrics_port, "/metrics", "")
            break
        except (OSError, ValueError):
            time.sleep(0.2)
    return app, {"control API /api/v1/status": (info["port"], "/api/v1/status",
                                                "Authorization: Bearer %s\r\n" % info["token"]),
                 "proxy /api/tags": (proxy_port, "/api/tags", ""),
                 "metrics /metrics": (metrics_port, "/metrics", "")}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--jar", default=JAR)
    parser.add_argument("--requests", type=int, default=300, help="legit requests per listener and phase (0: none, only --uploads)")
    parser.add_argument("--rate", type=float, default=20, help="legit requests a second")
    parser.add_argument("--idle", type=int, default=2000)
    parser.add_argument("--slowloris", type=int, default=200)
    parser.add_argument("--uploads", type=int, default=0, help="uploads of 255 MB at once to the proxy, after")
    args = parser.parse_args()
    if not os.path.exists(args.jar):
        raise SystemExit("%s is missing: build it first with ./mvnw -B -ntp -o package -DskipTests" % args.jar)
    fds = raise_fd_limit(2 * (args.idle + args.slowloris) + 1024)
    try:
        sim = simulated_ollama.start(["--sim-load-ms", "0"], jar=args.jar)
    except RuntimeError as e:
        raise SystemExit(str(e))
    scratch = tempfile.mkdtemp(prefix="hostile-load-")
    app = None
    try:
        app, listeners = start_app(args.jar, sim.endpoint, scratch)
        print("ulimit -n %d; %d legit requests at %g/s per phase, new connection each; %d idle + %d slowloris"
              % (fds, args.requests, args.rate, args.idle, args.slowloris))
        print("| listener | alone p50 / p99 / max (ms) | under attack p50 / p99 / max (ms) | 408s | app threads alone / under attack |")
        print("|---|---|---|---|---|")
        for name, (port, path, headers) in listeners.items():
            if args.requests == 0:
                break
            series(port, path, headers, 50, 100)  # warm-up
            alone = series(port, path, headers, args.requests, args.rate)
            threads_alone = threads_of(app.pid)
            attack = Attack(port, path, args.idle, args.slowloris)
            try:
                loaded = series(port, path, headers, args.requests, args.rate)
                threads_loaded = threads_of(app.pid)
            finally:
                attack.stop()
            print("| %s | %.1f / %.1f / %.1f | %.1f / %.1f / %.1f | %d | %d / %d |" % (
                name, pct(alone, 50), pct(alone, 99), max(alone), pct(loaded, 50), pct(loaded, 99), max(loaded),
                attack.answers_408, threads_alone, threads_loaded))
            sys.stdout.flush()
            time.sleep(1)  # the closed attack connections leave the app before the next listener's turn
        if args.uploads:
            statuses, before, peak = uploads(listeners["proxy /api/tags"][0], args.uploads, 255 * 1024 * 1024, app.pid)
            counts = {}
            for status in statuses:
                counts[status] = counts.get(status, 0) + 1
            print("%d uploads of 255 MB at once to the proxy's /api/generate: %s; app RSS %d MB before, %d MB at"
                  " the most" % (args.uploads, ", ".join("%d x %s" % (n, st) for st, n in sorted(counts.items())),
                                 before, peak))
    finally:
        if app is not None:
            app.terminate()
            app.wait(30)
        sim.stop()


if __name__ == "__main__":
    main()

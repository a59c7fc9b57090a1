"""The load goals of tools/proxy-latency.py (issue 24): under load, streaming, 64 concurrent streams (stdlib only).

Each runs ours and nginx in front of the same Ollama stand-in in one run, so their figures compare.
"""
import http.client
import json
import socket
import statistics
import subprocess
import sys
import threading
import time

MODEL = "qwen3-vl:8b"
GENERATE = {"model": MODEL, "prompt": "Which button saves?", "stream": False}
LOAD_CASES = [
    ("GET /api/tags", "GET", "/api/tags", None),
    ("VLM /api/generate", "POST", "/api/generate", GENERATE),
    ("VLM /api/chat", "POST", "/api/chat",
     {"model": MODEL, "messages": [{"role": "user", "content": "hi"}], "stream": False}),
]


def connect(address, timeout=60):
    host, port = address.rsplit(":", 1)
    conn = http.client.HTTPConnection(host, int(port), timeout=timeout)
    conn.connect()
    conn.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return conn


def ask(conn, method, path, body, headers=None):
    payload = None if body is None else json.dumps(body).encode()
    all_headers = dict(headers or {})
    if payload is not None:
        all_headers["Content-Type"] = "application/json"
    conn.request(method, path, body=payload, headers=all_headers)
    response = conn.getresponse()
    data = response.read()
    if response.status != 200:
        raise SystemExit("%s %s answered %d: %s" % (method, path, response.status, data[:200]))
    return data


def pct(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def ms(seconds):
    return "%.3f" % (seconds * 1000)


# ---------------------------------------------------------------- under load

class Load:
    """A 20 Hz status poller on our control API and N clients, each sending VLM generates in turn through every
    proxy (so each proxy carries the same N connections), paced every interval_s."""

    def __init__(self, api, proxies, clients, interval_s):
        self.api, self.proxies, self.clients, self.interval_s = api, proxies, clients, interval_s
        self.stopped = threading.Event()
        self.status_times, self.sent, self.errors = [], 0, []
        self.threads = []

    def start(self):
        # the poller is a process of its own: in this one it would share the GIL with the load's threads and
        # time them, not the control API
        port, token = self.api
        self.poller = subprocess.Popen([sys.executable, __file__, "poll", str(port), token],
                                       stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        for _ in range(self.clients):
            self.threads.append(threading.Thread(target=self._client, daemon=True))
        for t in self.threads:
            t.start()
        return self

    def stop(self):
        self.stopped.set()
        for t in self.threads:
            t.join(30)
        out, _ = self.poller.communicate(timeout=30)  # closing its stdin stops it; it prints its timings
        self.status_times = json.loads(out or b"[]")

    def _client(self):
        try:
            conns = [connect(p) for p in self.proxies]
            while not self.stopped.is_set():
                for conn in conns:
                    ask(conn, "POST", "/api/generate", GENERATE)
                    self.sent += 1
                self.stopped.wait(self.interval_s)
        except Exception as e:  # reported, not hidden
            self.errors.append(repr(e))


def measure_under_load(ollama, proxies, labels, api, rounds, warmup, clients, interval_s, timed):
    """The paired added latency per path while the load runs; prints one table."""
    load = Load(api, proxies, clients, interval_s).start()
    try:
        time.sleep(1.0)  # the load is under way
        conns = [connect(ollama)] + [connect(p) for p in proxies]
        rows = []
        for name, method, path, body in LOAD_CASES:
            for _ in range(warmup):
                for conn in conns:
                    timed(conn, method, path, body)
            results = [[] for _ in conns]
            for i in range(rounds):
                order = range(len(conns)) if i % 2 else reversed(range(len(conns)))
                for k in order:
                    results[k].append(timed(conns[k], method, path, body)[1])
            rows.append((name, results))
    finally:
        load.stop()
    print("\nunder load: %d clients each sending a VLM generate to every proxy every %d ms (%d sent), a status poll"
          " on our control API at 20 Hz; %d rounds" % (clients, interval_s * 1000, load.sent, rounds))
    if load.errors:
        print("  load errors: %s" % load.errors[:3])
    print("%-22s" % "added p50 / p95 (ms)" + "".join(" %24s" % l for l in labels) + "   ours/nginx p50")
    for name, results in rows:
        cells, p50s = [], []
        for k in range(1, len(results)):
            added = [b - a for a, b in zip(results[0], results[k])]
            p50s.append(statistics.median(added))
            cells.append("%s / %s" % (ms(p50s[-1]), ms(pct(added, 95))))
        ratio = " %.1fx" % (p50s[0] / p50s[-1]) if len(p50s) > 1 and p50s[-1] > 0 else ""
        print("%-22s" % name + "".join(" %24s" % c for c in cells) + "   " + ratio)
    st = load.status_times
    if st:
        print("status over HTTP while loaded: p50 %s ms, p99 %s ms, max %s ms (%d polls)"
              % (ms(pct(st, 50)), ms(pct(st, 99)), ms(max(st)), len(st)))


# ---------------------------------------------------------------- streaming

def stream_body(tokens):
    return {"model": MODEL, "prompt": "Describe the screen.", "stream": True, "options": {"num_predict": tokens}}


def timed_stream(conn, tokens):
    """Seconds to the first body byte and to the last, and the bytes of one streamed NDJSON answer."""
    payload = json.dumps(stream_body(tokens)).encode()
    start = time.perf_counter()
    conn.request("POST", "/api/generate", body=payload, headers={"Content-Type": "application/json"})
    response = conn.getresponse()
    head = response.read(1)
    first = time.perf_counter()
    rest = response.read()
    end = time.perf_counter()
    if response.status != 200:
        raise SystemExit("stream answered %d: %s" % (response.status, (head + rest)[:200]))
    lines = (head + rest).count(b"\n")
    if lines < tokens:
        raise SystemExit("a stream of %d tokens came with %d lines: the stand-in ignored num_predict?" % (tokens, lines))
    return first - start, end - start, len(head) + len(rest)


def measure_streaming(ollama, proxies, labels, rounds, tokens):
    conns = [connect(ollama)] + [connect(p) for p in proxies]
    for _ in range(5):
        for conn in conns:
            timed_stream(conn, tokens)
    results = [[] for _ in conns]
    for i in range(rounds):
        order = range(len(conns)) if i % 2 else reversed(range(len(conns)))
        for k in order:
            results[k].append(timed_stream(conns[k], tokens))
    size = results[0][0][2]
    print("\nstreaming: %d-token NDJSON answers (%d bytes) on /api/generate, %d rounds interleaved" % (tokens, size, rounds))
    print("%-36s %11s %11s %13s %14s" % ("", "last p50 ms", "MB/s p50", "first p50 ms", "first added ms"))
    last_p50 = []
    for k, label in enumerate(["direct"] + labels):
        last = [r[1] for r in results[k]]
        first = [r[0] for r in results[k]]
        added = "" if k == 0 else ms(statistics.median([b[0] - a[0] for a, b in zip(results[0], results[k])]))
        last_p50.append(statistics.median(last))
        print("%-36s %11s %11.1f %13s %14s" % (label[:36], ms(last_p50[-1]), size / last_p50[-1] / 1e6,
                                               ms(statistics.median(first)), added))
    if len(proxies) > 1:
        print("throughput ours / nginx: %.3f (time to last byte, median)" % (last_p50[-1] / last_p50[1]))


# ---------------------------------------------------------------- many streams at once

def proc_status(pid):
    values = {}
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            key, _, value = line.partition(":")
            values[key] = value.strip()
    return int(values["VmRSS"].split()[0]) // 1024, int(values["Threads"])


def concurrent_round(address, streams, tokens):
    """Each stream's time to last byte, all started together on their own connections."""
    conns = [connect(address) for _ in range(streams)]
    barrier = threading.Barrier(streams)
    times = [None] * streams

    def one(n):
        barrier.wait()
        times[n] = timed_stream(conns[n], tokens)[1]

    threads = [threading.Thread(target=one, args=(n,)) for n in range(streams)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for conn in conns:
        conn.close()
    return times


def measure_concurrent(proxies, labels, app_pid, rounds, streams, tokens, warmup_rounds=1):
    ours, nginx = proxies[0], proxies[-1] if len(proxies) > 1 else None
    rss_before, threads_before = proc_status(app_pid)
    peak = [rss_before, threads_before]
    sampling = threading.Event()

    def sample():
        while not sampling.is_set():
            rss, threads = proc_status(app_pid)
            peak[0], peak[1] = max(peak[0], rss), max(peak[1], threads)
            time.sleep(0.01)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    times = {ours: [], nginx: []}
    try:
        for _ in range(warmup_rounds):  # not counted: the first round meets a proxy the JIT has not compiled yet
            for address in [ours, nginx] if nginx else [ours]:
                concurrent_round(address, streams, tokens)
        for _ in range(rounds):
            for address in [ours, nginx] if nginx else [ours]:
                times[address].append(concurrent_round(address, streams, tokens))
    finally:
        sampling.set()
        sampler.join()
    print("\n%d concurrent %d-token streams, %d rounds each after %d not counted (ours and nginx in turn)"
          % (streams, tokens, rounds, warmup_rounds))
    for address, label in [(ours, labels[0])] + ([(nginx, labels[-1])] if nginx else []):
        flat = [t for r in times[address] for t in r]
        print("  %-40s each: p50 %s ms, max %s ms" % (label[:40], ms(statistics.median(flat)), ms(max(flat))))
    if nginx:
        ratios = []
        for ours_round, nginx_round in zip(times[ours], times[nginx]):
            reference = statistics.median(nginx_round)
            ratios.extend(t / reference for t in ours_round)
        print("  ours / nginx (each stream against nginx's median in the paired round): p50 %.2fx, max %.2fx"
              % (statistics.median(ratios), max(ratios)))
    print("  our process: RSS %d -> peak %d MB (growth %d MB), threads %d -> peak %d"
          % (rss_before, peak[0], peak[0] - rss_before, threads_before, peak[1]))


def poll_status(port, token):
    """GET /api/v1/status at 20 Hz until stdin closes; prints the seconds each took, as JSON."""
    import select
    conn = connect("127.0.0.1:%d" % port)
    times, next_at = [], time.perf_counter()
    while True:
        start = time.perf_counter()
        ask(conn, "GET", "/api/v1/status", None, {"Authorization": "Bearer " + token})
        times.append(time.perf_counter() - start)
        next_at += 0.05
        if select.select([sys.stdin], [], [], max(0.0, next_at - time.perf_counter()))[0]:
            break
    print(json.dumps(times))


if __name__ == "__main__" and len(sys.argv) == 4 and sys.argv[1] == "poll":
    poll_status(int(sys.argv[2]), sys.argv[3])

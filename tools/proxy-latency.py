#!/usr/bin/env python3
"""Latency the Ollama proxy adds, as a non-Java client sees it (stdlib only).

Starts the jar's simulated Ollama (--simulate-ollama, through tools/simulated_ollama.py; loads instant) and the
app headless with a scratch configuration whose ollama_endpoint is the simulator, then times the same requests
straight to the simulator and through the proxy, interleaved
(direct, proxied, direct, ... on one kept-alive http.client connection each), and prints p50/p95 per path and
the added latency (the median of the paired differences).

    tools/proxy-latency.py                              the jar from ./mvnw -o -DskipTests package
    tools/proxy-latency.py --jar /tmp/before/gpu-resource-manager.jar --rounds 2000
    tools/proxy-latency.py --proxy 127.0.0.1:11435 --ollama 127.0.0.1:11434   measure running ones
    tools/proxy-latency.py --compare /tmp/before/gpu-resource-manager.jar   two apps, one loop: before and after

When nginx is on the PATH (or --nginx names it) it is started too, from a generated configuration in front of
the same Ollama (an upstream keepalive pool of 16, proxy_http_version 1.1, Connection "", buffering off: the
reference the issue measures against), and timed in the same loop as another column; --no-nginx leaves it out.

A streamed answer is timed to its last byte (what the agent waits for), and to its first byte in brackets.

The load goals of issue 24 (tools/proxy_load.py), each ours beside nginx in the same run:
    --under-load        the per-path added latency while a 20 Hz status poller runs on our control API and
                        --load-clients (8) clients send VLM generates through every proxy
    --streaming         time to first and last byte of a --tokens (2000) token NDJSON answer, ours / nginx
    --concurrent 64     64 streamed answers at once: each one's time against nginx's, our RSS and thread growth
    --no-plain          leave the per-path table out
"""
import argparse
import http.client
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import simulated_ollama  # noqa: E402
import proxy_load  # noqa: E402
MODEL = "qwen3-vl:8b"
CASES = [
    ("GET /api/tags", "GET", "/api/tags", None),
    ("HEAD /api/tags", "HEAD", "/api/tags", None),
    ("VLM /api/generate", "POST", "/api/generate", {"model": MODEL, "prompt": "Which button saves?", "stream": False}),
    ("VLM /api/generate stream", "POST", "/api/generate", {"model": MODEL, "prompt": "Which button saves?"}),
    ("VLM /api/chat", "POST", "/api/chat",
     {"model": MODEL, "messages": [{"role": "user", "content": "hi"}], "stream": False}),
    ("VLM /v1/chat/completions", "POST", "/v1/chat/completions",
     {"model": MODEL, "messages": [{"role": "user", "content": "hi"}]}),
    ("VLM /api/embed", "POST", "/api/embed", {"model": MODEL, "input": "a button"}),
]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def connect(address):
    host, port = address.rsplit(":", 1)
    conn = http.client.HTTPConnection(host, int(port), timeout=30)
    conn.connect()
    conn.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return conn


def timed(conn, method, path, body):
    """Seconds to the first and the last byte of the answer; the connection stays open."""
    payload = None if body is None else json.dumps(body).encode()
    headers = {"Content-Type": "application/json"} if payload is not None else {}
    start = time.perf_counter()
    conn.request(method, path, body=payload, headers=headers)
    response = conn.getresponse()
    first = time.perf_counter()
    data = response.read()
    end = time.perf_counter()
    if response.status != 200:
        raise SystemExit("%s %s answered %d: %s" % (method, path, response.status, data[:200]))
    return first - start, end - start


def wait_for(address, deadline_s, process=None):
    end = time.time() + deadline_s
    while time.time() < end:
        if process is not None and process.poll() is not None:
            raise SystemExit("the app exited with %d" % process.returncode)
        try:
            conn = connect(address)
            timed(conn, "GET", "/api/version", None)
            conn.close()
            return
        except (OSError, http.client.HTTPException):
            time.sleep(0.2)
    raise SystemExit("nothing answered on %s" % address)


def start_app(jar, ollama, scratch):
    os.makedirs(scratch)
    proxy_port, api_port = free_port(), free_port()
    config = os.path.join(scratch, "config.json")
    with open(config, "w") as f:
        json.dump({"ollama_endpoint": "http://" + ollama, "vlm_model": MODEL, "proxy_port": proxy_port,
                   "api_port": api_port, "idle_timeout_seconds": 0}, f)
    env = dict(os.environ, XDG_CONFIG_HOME=os.path.join(scratch, "config"),
               XDG_DATA_HOME=os.path.join(scratch, "data"))
    log = open(os.path.join(scratch, "app.log"), "w")
    app = subprocess.Popen(["java", "-jar", jar, "--headless", "--config", config], env=env, stdout=log,
                           stderr=subprocess.STDOUT)
    address = "127.0.0.1:%d" % proxy_port
    wait_for(address, 60, app)
    with open(os.path.join(scratch, "data", "gpu-resource-manager", "api.json")) as f:
        info = json.load(f)
    return app, address, (info["port"], info["token"])


def start_simulator(jar):
    """The jar's simulated Ollama with instant loads: what is timed is the proxy, not a model."""
    try:
        return simulated_ollama.start(["--sim-load-ms", "0"], jar=jar)
    except RuntimeError as e:
        raise SystemExit(str(e))


NGINX_CONF = """worker_processes 1;
daemon off;
pid %(dir)s/nginx.pid;
error_log %(dir)s/error.log warn;
events { worker_connections 1024; }
http {
    access_log off;
    client_body_temp_path %(dir)s/body;
    proxy_temp_path %(dir)s/proxy;
    fastcgi_temp_path %(dir)s/fastcgi;
    uwsgi_temp_path %(dir)s/uwsgi;
    scgi_temp_path %(dir)s/scgi;
    upstream ollama {
        server %(ollama)s;
        keepalive 16;
    }
    server {
        listen 127.0.0.1:%(port)d;
        location / {
            proxy_pass http://ollama;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host %(ollama)s;
            proxy_buffering off;
            proxy_request_buffering off;
        }
    }
}
"""


def start_nginx(nginx, ollama, scratch):
    """nginx in front of the same Ollama, from a generated configuration; its address."""
    os.makedirs(scratch)
    port = free_port()
    config = os.path.join(scratch, "nginx.conf")
    with open(config, "w") as f:
        f.write(NGINX_CONF % {"dir": scratch, "ollama": ollama, "port": port})
    log = open(os.path.join(scratch, "nginx.out"), "w")
    process = subprocess.Popen([nginx, "-p", scratch, "-c", config], stdout=log, stderr=subprocess.STDOUT)
    address = "127.0.0.1:%d" % port
    wait_for(address, 20, process)
    return process, address


def pct(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def measure(ollama, proxies, rounds, warmup, only):
    """Per case: the timings direct, then through each proxy, taken in turn (the order flips every round)."""
    conns = [connect(ollama)] + [connect(p) for p in proxies]
    rows = []
    for name, method, path, body in CASES:
        if only and only not in name:
            continue
        for _ in range(warmup):
            for conn in conns:
                timed(conn, method, path, body)
        results = [[] for _ in conns]
        for i in range(rounds):
            # alternate who goes first, so neither always meets a warm cache or a fresh time slice
            order = range(len(conns)) if i % 2 else reversed(range(len(conns)))
            for k in order:
                results[k].append(timed(conns[k], method, path, body))
        rows.append((name, results))
    for conn in conns:
        conn.close()
    return rows


def report(rows, labels):
    ms = lambda s: "%.3f" % (s * 1000)
    for label_index, label in enumerate(labels):
        print("\n%s" % label)
        print("%-26s %9s %9s %9s %9s %9s %9s" % ("path (ms)", "direct50", "direct95", "proxy50", "proxy95",
                                                  "added50", "added95"))
        for name, results in rows:
            d, p = results[0], results[label_index + 1]
            last_d, last_p = [x[1] for x in d], [x[1] for x in p]
            added = [b - a for a, b in zip(last_d, last_p)]
            line = "%-26s %9s %9s %9s %9s %9s %9s" % (name, ms(pct(last_d, 50)), ms(pct(last_d, 95)),
                                                        ms(pct(last_p, 50)), ms(pct(last_p, 95)),
                                                        ms(statistics.median(added)), ms(pct(added, 95)))
            if "stream" in name:
                first_added = [b[0] - a[0] for a, b in zip(d, p)]
                line += "   [first byte: direct %s, added %s]" % (ms(pct([x[0] for x in d], 50)),
                                                                 ms(statistics.median(first_added)))
            print(line)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jar", default=os.path.join(HERE, "..", "target", "gpu-resource-manager.jar"))
    parser.add_argument("--proxy", help="HOST:PORT of a running proxy (then --ollama is required)")
    parser.add_argument("--ollama", help="HOST:PORT of the Ollama behind it")
    parser.add_argument("--rounds", type=int, default=1000)
    parser.add_argument("--warmup", type=int, default=300)
    parser.add_argument("--compare", metavar="JAR", help="also start this jar and measure both in the same loop")
    parser.add_argument("--only", help="measure only the paths whose name contains this text")
    parser.add_argument("--nginx", default=shutil.which("nginx"), help="nginx to measure beside (default: on PATH)")
    parser.add_argument("--no-nginx", action="store_true", help="leave nginx out")
    parser.add_argument("--no-plain", action="store_true", help="leave the per-path table out")
    parser.add_argument("--under-load", action="store_true", help="the per-path table again under load")
    parser.add_argument("--load-clients", type=int, default=8)
    parser.add_argument("--load-interval-ms", type=int, default=20, help="each load client's pause between rounds")
    parser.add_argument("--load-rounds", type=int, default=500)
    parser.add_argument("--streaming", action="store_true", help="time a long NDJSON stream to its first and last byte")
    parser.add_argument("--tokens", type=int, default=2000, help="tokens in a streamed answer (num_predict)")
    parser.add_argument("--stream-rounds", type=int, default=100)
    parser.add_argument("--concurrent", type=int, default=0, metavar="N", help="N streamed answers at once")
    args = parser.parse_args()
    processes, scratch = [], None
    try:
        if args.proxy:
            if not args.ollama:
                raise SystemExit("--proxy needs --ollama")
            ollama, proxies, labels = args.ollama, [args.proxy], ["proxy " + args.proxy]
        else:
            simulator = start_simulator(os.path.abspath(args.jar))
            processes.append(simulator.process)
            ollama = simulator.address
            scratch = tempfile.mkdtemp(prefix="proxy-latency-")
            proxies, labels, apis = [], [], []
            for n, jar in enumerate([args.jar] + ([args.compare] if args.compare else [])):
                app, proxy, api = start_app(os.path.abspath(jar), ollama, os.path.join(scratch, str(n)))
                processes.append(app)
                apis.append((app.pid, api))
                proxies.append(proxy)
                labels.append("proxy %s (%s)" % (proxy, os.path.abspath(jar)))
        if args.nginx and not args.no_nginx:
            scratch = scratch or tempfile.mkdtemp(prefix="proxy-latency-")
            nginx, address = start_nginx(args.nginx, ollama, os.path.join(scratch, "nginx"))
            processes.append(nginx)
            proxies.append(address)
            labels.append("nginx %s (generated config, keepalive 16)" % address)
        if not args.no_plain:
            print("direct %s; %d rounds after %d warm-up, interleaved" % (ollama, args.rounds, args.warmup))
            report(measure(ollama, proxies, args.rounds, args.warmup, args.only), labels)
        short = [l.split(" (")[0] for l in labels]
        if (args.under_load or args.concurrent) and args.proxy:
            raise SystemExit("--under-load and --concurrent start the app themselves (no --proxy)")
        if args.under_load:
            proxy_load.measure_under_load(ollama, proxies, short, apis[0][1], args.load_rounds, 50, args.load_clients,
                                          args.load_interval_ms / 1000, timed)
        if args.streaming:
            proxy_load.measure_streaming(ollama, proxies, short, args.stream_rounds, args.tokens)
        if args.concurrent:
            proxy_load.measure_concurrent([proxies[0]] + ([proxies[-1]] if len(proxies) > 1 else []),
                                          [short[0], short[-1]], apis[0][0], args.stream_rounds // 10 or 1,
                                          args.concurrent, args.tokens)
    finally:
        for p in reversed(processes):
            p.terminate()
            try:
                p.wait(10)
            except subprocess.TimeoutExpired:
                p.kill()
        if scratch:
            shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()

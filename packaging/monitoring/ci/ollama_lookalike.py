#!/usr/bin/env python3
"""An Ollama look-alike for the monitoring CI test (stdlib only): /api/version, /api/tags, /api/ps and
/api/generate loads and unloads of one model, the way the manager calls them. Listens on 127.0.0.1 only.
Usage: ollama_lookalike.py PORT_FILE  (writes the port it got, then serves until killed)."""
import json
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

MODEL = "qwen3-vl:8b"
MODEL_BYTES = 10_496 << 20
loaded = set()
lock = threading.Lock()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def reply(self, code, body):
        data = json.dumps(body).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        if self.path == "/api/version":
            self.reply(200, {"version": "0.12.6 (look-alike)"})
        elif self.path == "/api/tags":
            self.reply(200, {"models": [{"name": MODEL, "model": MODEL, "size": 6_300 << 20}]})
        elif self.path == "/api/ps":
            with lock:
                models = [{"name": m, "model": m, "size": MODEL_BYTES, "size_vram": MODEL_BYTES,
                           "expires_at": "2318-09-08T12:00:00.000000000+00:00"} for m in sorted(loaded)]
            self.reply(200, {"models": models})
        elif self.path == "/":
            self.send_response(200)
            self.send_header("Content-Length", "17")
            self.end_headers()
            self.wfile.write(b"Ollama is running")
        else:
            self.reply(404, {"error": "not found"})

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", "0"))) or b"{}")
        if self.path != "/api/generate":
            self.reply(404, {"error": "not found"})
            return
        model = body.get("model", "")
        if model not in (MODEL, MODEL.split(":")[0]):
            self.reply(404, {"error": f'model "{model}" not found, try pulling it first'})
            return
        if body.get("keep_alive") == 0:
            with lock:
                loaded.discard(MODEL)
            self.reply(200, {"model": MODEL, "done": True, "done_reason": "unload"})
            return
        with lock:
            cold = MODEL not in loaded
            loaded.add(MODEL)
        self.reply(200, {"model": MODEL, "done": True, "done_reason": "load",
                         "load_duration": 400_000_000 if cold else 0})


def main():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    with open(sys.argv[1], "w") as f:
        f.write(str(server.server_address[1]))
    server.serve_forever()


if __name__ == "__main__":
    main()
